BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    # The agents' variables, restored after each block; no test reads the real home.
    $script:Variables = 'CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'PI_CODING_AGENT_DIR'
    function Set-AgentHome([string] $Claude, [string] $Codex, [string] $Pi) {
        $env:CLAUDE_CONFIG_DIR = $Claude; $env:CODEX_HOME = $Codex; $env:PI_CODING_AGENT_DIR = $Pi
    }
    function Reset-AgentHome { foreach ($v in $Variables) { Remove-Item "Env:$v" -ErrorAction SilentlyContinue } }

    # Where the samples are copied: a backup of each agent's home, as a person keeps one.
    $script:Backup = Join-Path $TestDrive 'backup'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'claude-code') (Join-Path $Backup '.claude')
    Copy-Item -Recurse (Join-Path $SamplesRoot 'codex') (Join-Path $Backup '.codex')
    Copy-Item -Recurse (Join-Path $SamplesRoot 'pi') (Join-Path $Backup '.pi')
    $script:Nowhere = Join-Path $TestDrive 'nowhere'
}

Describe 'Get-AgentRollout on a folder laid out as an agent keeps it' {
    BeforeAll { Set-AgentHome "$Nowhere/claude" "$Nowhere/codex" "$Nowhere/pi" }
    AfterAll { Reset-AgentHome }

    It 'reads <Folder> whole, without -Recurse, as <Format>' -ForEach @(
        @{ Folder = '.claude/projects'; Format = 'ClaudeCode'; Count = 9 }
        @{ Folder = '.claude'; Format = 'ClaudeCode'; Count = 9 }
        @{ Folder = '.codex'; Format = 'Codex'; Count = 13 }
        @{ Folder = '.codex/sessions'; Format = 'Codex'; Count = 11 }
        @{ Folder = '.codex/archived_sessions'; Format = 'Codex'; Count = 3 }
        @{ Folder = '.pi/agent'; Format = 'PiCodingAgent'; Count = 4 }
        @{ Folder = '.pi/agent/sessions'; Format = 'PiCodingAgent'; Count = 4 }
    ) {
        $records = Get-AgentRollout "TestDrive:/backup/$Folder" -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors
        $records.Count | Should -Be $Count
        $records.Format | Select-Object -Unique | Should -Be $Format
        $warnings | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
    }

    It 'reads a store as its default location is read' {
        $asPath = (Get-AgentRollout -LiteralPath (Join-Path $Backup '.codex')).TraceId
        Set-AgentHome "$Nowhere/claude" (Join-Path $Backup '.codex') "$Nowhere/pi"
        try { (Get-AgentRollout -Format Codex).TraceId | Should -Be $asPath }
        finally { Set-AgentHome "$Nowhere/claude" "$Nowhere/codex" "$Nowhere/pi" }
    }

    It 'says with -Verbose that it reads the store whole' {
        $verbose = Get-AgentRollout (Join-Path $Backup '.pi/agent') -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        "$verbose" | Should -BeLike "*Reading '*sessions' all the way down as PiCodingAgent's own store*"
    }

    It 'still suggests -Recurse for an ordinary folder whose traces are further down' {
        $ordinary = Join-Path $TestDrive 'collected'
        New-ClaudeSession -Path (Join-Path $ordinary 'monday/11111111-1111-4111-8111-111111111111.jsonl') | Out-Null
        Get-AgentRollout $ordinary -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$warnings" | Should -BeLike "No trace files directly in*Add -Recurse*"
        (Get-AgentRollout $ordinary -Recurse).Count | Should -Be 1
    }

    It 'does not take a folder named projects for a store unless it is laid out as one' {
        $code = Join-Path $TestDrive 'home/projects'
        New-ClaudeSession -Path (Join-Path $code 'webshop/notes/11111111-1111-4111-8111-111111111111.jsonl') | Out-Null
        Get-AgentRollout $code -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$warnings" | Should -BeLike "*Add -Recurse*"
    }
}

Describe 'Get-AgentRollout with no agent folders at all' {
    BeforeAll { Set-AgentHome "$Nowhere/claude" "$Nowhere/codex" "$Nowhere/pi" }
    AfterAll { Reset-AgentHome }

    It 'warns once, counting the locations it looked in, names each with -Verbose, and writes no error' {
        $output = Get-AgentRollout -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors -Verbose 4>&1
        $errors | Should -BeNullOrEmpty
        $records = @($output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $records | Should -BeNullOrEmpty
        $warnings.Count | Should -Be 1
        $formats = Get-RolloutFormat | Where-Object DefaultLocations
        $locations = @($formats.DefaultLocations)
        $warnings[0].Message | Should -BeLike "No agent sessions found in the default locations of $(@($formats).Count) formats: none of their $($locations.Count) folders exists (-Verbose names each). *"
        $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        foreach ($format in $formats) {
            foreach ($location in $format.DefaultLocations) { $verbose | Should -Contain "No $($format.Format) traces here: '$location' does not exist." }
        }
    }

    It 'does not stop a script that stops on errors' {
        { Get-AgentRollout -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Not -Throw
    }

    It 'says so for a format that keeps no default location' {
        Get-AgentRollout -Format Atif -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$warnings" | Should -BeLike '*keep no default location*'
    }

    It 'warns once for a pipeline of formats' {
        Get-RolloutFormat | Get-AgentRollout -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $warnings.Count | Should -Be 1
    }

    It 'is quiet when a location holds sessions' {
        Set-AgentHome "$Nowhere/claude" "$Nowhere/codex" (Join-Path $Backup '.pi/agent')
        try {
            (Get-AgentRollout -WarningVariable warnings).Count | Should -Be 4
            $warnings | Should -BeNullOrEmpty
        }
        finally { Set-AgentHome "$Nowhere/claude" "$Nowhere/codex" "$Nowhere/pi" }
    }
}

Describe 'Get-AgentRollout -Id' {
    BeforeAll {
        Set-AgentHome (Join-Path $Backup '.claude') (Join-Path $Backup '.codex') (Join-Path $Backup '.pi/agent')
        # The id column of the default table, row by row, as a person reads it off the screen.
        function Get-ShownId { ($input | Format-Table | Out-String -Width 200) -split "`n" | Select-Object -Skip 3 | Where-Object { $_.Trim() } | ForEach-Object { ($_ -split '\s+')[0] } }
    }
    AfterAll { Reset-AgentHome }

    It 'opens the session whose short id the table shows, with its subagents' {
        $records = Get-AgentRollout -Id 2cb29738
        $records.TraceId | Should -Be @(
            '2cb29738-c0cd-422a-a851-f96c078ca30a'
            '2cb29738-c0cd-422a-a851-f96c078ca30a:a2f5215'
            '2cb29738-c0cd-422a-a851-f96c078ca30a:acompact-f584e4')
        $records | Get-ShownId | Should -Be @('2cb29738', 'a2f5215*', 'acompact*')
    }

    It 'opens a subagent by the id the table shows for it, star and all' {
        (Get-AgentRollout -Id 'a2f5215*').TraceId | Should -Be '2cb29738-c0cd-422a-a851-f96c078ca30a:a2f5215'
        (Get-AgentRollout -Id a2f5215).TraceId | Should -Be '2cb29738-c0cd-422a-a851-f96c078ca30a:a2f5215'
    }

    It 'shows a time-ordered id by its random end, and takes that back' {
        # Codex's thread ids are version 7 uuids, which begin with their time.
        Get-AgentRollout -Id 019ccfad, 019ccfb2 | Get-ShownId | Should -Be @('1e3e9483', '10d95df5*')
        (Get-AgentRollout -Id 1e3e9483).TraceId | Should -Be '019ccfad-d001-7921-871a-a0881e3e9483'
    }

    It 'takes every id the table shows back' {
        $shown = Get-AgentRollout | Get-ShownId
        $shown.Count | Should -Be 26
        foreach ($id in $shown) { Get-AgentRollout -Id $id | Should -Not -BeNullOrEmpty -Because "the table shows $id" }
    }

    It 'takes whole ids, any case, several ids and wildcard patterns' {
        (Get-AgentRollout -Id 019CCFB2-61B7-7429-AA26-F59410D95DF5).Format | Should -Be 'Codex'
        (Get-AgentRollout -Id 019ccfb2, 3b8e4f1a).TraceId | Should -Be @('019ccfb2-61b7-7429-aa26-f59410d95df5', '3b8e4f1a-6c2d-4e9b-9a71-2f5d8c0e6a13')
        (Get-AgentRollout -Id '019ccf*').TraceId | Should -Be @('019ccfad-d001-7921-871a-a0881e3e9483', '019ccfb2-61b7-7429-aa26-f59410d95df5')
        (Get-AgentRollout -Id '*-455283955e82').TraceId | Should -Be '01a0f39d-f7c7-7e45-a285-455283955e82'
    }

    It 'filters what a path would read' {
        (Get-AgentRollout (Join-Path $Backup '.pi/agent') -Id 7d02c9e4).TraceId | Should -Be '7d02c9e4-1b3a-4f6c-8e25-9a4b7c1d0f58'
        (Get-AgentRollout (Join-Path $Backup '.claude/projects/-home-dev-acme-shop') -Id 94fe2fee).Format | Should -Be 'ClaudeCode'
    }

    It 'writes a non-terminating ObjectNotFound error naming an id that matches nothing, as Get-Process -Id' {
        $records = Get-AgentRollout -Id nosuch, 019ccfb2 -ErrorVariable errors -ErrorAction SilentlyContinue
        $records.TraceId | Should -Be '019ccfb2-61b7-7429-aa26-f59410d95df5'
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'RolloutSessionNotFound,RolloutTools.Commands.GetAgentRolloutCommand'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors[0].TargetObject | Should -Be 'nosuch'
        $errors[0].Exception.Message | Should -Be "Cannot find a session whose id is or begins with 'nosuch'."
        { Get-AgentRollout -Id nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'RolloutSessionNotFound,*'
    }

    It 'writes no error for a pattern that matches nothing, as Get-Process -Name' {
        Get-AgentRollout -Id 'zz*' -ErrorVariable errors | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
    }

    It 'does not open files whose names show other ids' {
        $damaged = Join-Path $Backup '.codex/sessions/2026/01/01/rollout-2026-01-01T00-00-00-0badc0de-0000-4000-8000-000000000000.jsonl'
        New-Item -ItemType Directory -Force (Split-Path $damaged) | Out-Null
        Set-Content -LiteralPath $damaged -Value '{oops'
        try {
            Get-AgentRollout -Format Codex -ErrorVariable errors -ErrorAction SilentlyContinue | Out-Null
            $errors | Should -Not -BeNullOrEmpty -Because 'without -Id the damaged file is read'
            (Get-AgentRollout -Id 019ccfb2 -ErrorVariable errors).Count | Should -Be 1
            $errors | Should -BeNullOrEmpty -Because 'its name shows another id, so it is never opened'
        }
        finally { Remove-Item -LiteralPath $damaged }
    }

    It 'completes ids from the file names in the default locations' {
        $day = Join-Path $Backup '.codex/sessions/2026/03/09'
        (Get-Item (Join-Path $day '*019ccfad*')).LastWriteTime = [datetime]'2026-03-09T08:00:00'
        (Get-Item (Join-Path $day '*019ccfb2*')).LastWriteTime = [datetime]'2026-03-09T08:05:00'
        $line = 'Get-AgentRollout -Id 2cb'
        ([System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null)).CompletionMatches.CompletionText |
            Should -Be '2cb29738-c0cd-422a-a851-f96c078ca30a'
        $line = 'Get-AgentRollout -Format Codex -Id 019ccf'
        ([System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null)).CompletionMatches.CompletionText |
            Should -Be @('019ccfb2-61b7-7429-aa26-f59410d95df5', '019ccfad-d001-7921-871a-a0881e3e9483') -Because 'the newest file comes first'
        $line = 'Get-AgentRollout -Id a2f'
        ([System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null)).CompletionMatches.CompletionText |
            Should -Be 'a2f5215'
        $line = 'Get-AgentRollout -Id 1e3e'
        ([System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null)).CompletionMatches.CompletionText |
            Should -Be '019ccfad-d001-7921-871a-a0881e3e9483' -Because 'the table shows a version 7 uuid by its end'
    }
}

Describe 'Piping sessions back into Get-AgentRollout' {
    BeforeAll {
        Set-AgentHome (Join-Path $Backup '.claude') (Join-Path $Backup '.codex') (Join-Path $Backup '.pi/agent')
        $piSessions = Join-Path $Backup '.pi/agent/sessions/--home-dev-acme-shop--'
    }
    AfterAll { Reset-AgentHome }

    It 're-reads the sessions of a CSV made with Export-Csv, and no others' {
        $csv = Join-Path $TestDrive 'sessions.csv'
        Get-AgentRollout -Format PiCodingAgent | Select-Object -First 2 | Export-Csv -LiteralPath $csv
        $records = Import-Csv -LiteralPath $csv | Get-AgentRollout -ErrorVariable errors
        $errors | Should -BeNullOrEmpty
        $records.TraceId | Should -Be (Import-Csv -LiteralPath $csv).TraceId
        $records[0] | Should -BeOfType 'RolloutTools.Core.Model.RolloutRecord'
    }

    It 're-reads a record piped in from its file' {
        $record = Get-AgentRollout -Id 019ccfb2
        $again = $record | Get-AgentRollout
        $again.SourcePath | Should -Be $record.SourcePath
        $again.MessageCount | Should -Be $record.MessageCount
    }

    It 're-reads what Get-AgentRollout x.jsonl gives, not the default locations' {
        $file = Get-ChildItem -LiteralPath $piSessions -Filter '2025-11-24*.jsonl'
        (Get-AgentRollout $file.FullName | Get-AgentRollout).SourcePath | Should -Be $file.FullName
    }

    It 'reports a record whose file is gone as RolloutFileNotFound' {
        $gone = Join-Path $TestDrive 'gone/0badc0de-0000-4000-8000-000000000000.jsonl'
        $record = Get-AgentRollout (New-ClaudeSession -Path $gone).FullName
        Remove-Item -LiteralPath $gone
        $record | Get-AgentRollout -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutFileNotFound,*'
    }

    It 'still reads files piped from Get-ChildItem *.jsonl' {
        Push-Location -LiteralPath $piSessions
        try { (Get-ChildItem *.jsonl | Get-AgentRollout).Count | Should -Be 4 }
        finally { Pop-Location }
    }

    It 'still reads the default locations of formats piped from Get-RolloutFormat' {
        (Get-RolloutFormat PiCodingAgent | Get-AgentRollout).Count | Should -Be 4
        (Get-RolloutFormat | Where-Object Present | Get-AgentRollout).Count | Should -Be 26
    }

    It 'still takes paths piped as strings' {
        ((Get-ChildItem -LiteralPath $piSessions).FullName | Get-AgentRollout).Count | Should -Be 4
    }
}
