BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:PiAgent = Join-Path $SamplesRoot 'pi/agent'
    $script:PiProject = Join-Path $PiAgent 'sessions/--home-dev-acme-shop--'
    $script:V3 = 'c41f7a2b-9e8d-4a63-b5c0-1d2e3f4a5b6c'
}

Describe 'Pi Coding Agent sessions' {
    AfterEach {
        Remove-Item Env:PI_CODING_AGENT_DIR, Env:CLAUDE_CONFIG_DIR, Env:CODEX_HOME -ErrorAction SilentlyContinue
    }

    It 'reads a folder of sessions, recognised without -Format' {
        $records = Get-AgentRollout -Path $PiProject -ErrorVariable errors -WarningVariable warnings
        $errors | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        $records.Format | Should -Be @('PiCodingAgent', 'PiCodingAgent', 'PiCodingAgent', 'PiCodingAgent')
        $records.SourceKind | Select-Object -Unique | Should -Be 'pi_coding_agent'
        $records[0].MessageCount | Should -Be 17
        $records[0].SourceMeta['session_version'] | Should -Be 1
        $records[1].Title | Should -Be 'Commit cart rounding fix'
        $records[2].SourceMeta['branch_points'] | Should -Be 1
        $records[2].SourceMeta['cost_usd'] | Should -BeOfType [double]
        $records[3].SourceMeta['parent_session_id'] | Should -Be $V3
    }

    It 'reads the default location through PI_CODING_AGENT_DIR' {
        $env:PI_CODING_AGENT_DIR = $PiAgent
        $env:CLAUDE_CONFIG_DIR = Join-Path $TestDrive 'no-claude'
        $env:CODEX_HOME = Join-Path $TestDrive 'no-codex'
        $records = Get-AgentRollout
        $records.Count | Should -Be 4
        ($records | Where-Object TraceId -eq $V3).Cwd | Should -Be '/home/dev/acme-shop'
        (Get-AgentRollout -Format PiCodingAgent).Count | Should -Be 4
    }

    It 'is listed by Get-RolloutFormat with its default location' {
        $env:PI_CODING_AGENT_DIR = $PiAgent
        $pi = Get-RolloutFormat -Format PiCodingAgent
        $pi.SourceKind | Should -Be 'pi_coding_agent'
        $pi.DefaultLocations | Should -Be (Join-Path $PiAgent 'sessions')
        $pi.Present | Should -BeTrue
        $pi.SessionCount | Should -Be 4
        (Get-RolloutFormat).Format | Should -Contain 'PiCodingAgent'
    }

    It 'gives one record per branch with -AllBranches' {
        $records = Get-AgentRollout -LiteralPath (Join-Path $PiProject "2026-02-10T10-15-32-227Z_$V3.jsonl") -AllBranches
        $records.TraceId | Should -Be @("${V3}:8a5d1f27", "${V3}:3a9f6b15")
        $records.RootSessionId | Select-Object -Unique | Should -Be $V3
        $records[1].SourceMeta['active_branch'] | Should -BeTrue
        $records[0].Messages.Kind | Should -Contain 'Synthetic'
        $records[1].Messages.Kind | Should -Contain 'BranchSummary'

        $plain = Get-AgentRollout -LiteralPath (Join-Path $PiProject "2026-02-10T10-15-32-227Z_$V3.jsonl")
        $plain.TraceId | Should -Be $V3
    }

    It 'converts piped files and piped text, with -AllBranches and -IncludeAbandoned' {
        $file = Get-Item -LiteralPath (Join-Path $PiProject "2026-02-10T10-15-32-227Z_$V3.jsonl")
        ($file | ConvertTo-RolloutRecord -AllBranches).Count | Should -Be 2
        $text = Get-Content -LiteralPath $file.FullName | ConvertTo-RolloutRecord
        $text.Format | Should -Be 'PiCodingAgent'
        $text.TraceId | Should -Be $V3
        $withLeft = $file | ConvertTo-RolloutRecord -IncludeAbandoned
        ($withLeft.Messages | Where-Object IsAbandoned).Count | Should -Be 5
    }

    It 'shows bash runs as Command tool calls with their exit codes' {
        $v2 = Get-AgentRollout -LiteralPath (Get-ChildItem -LiteralPath $PiProject -Filter '2025-12-16*').FullName
        $runs = $v2.Messages | Where-Object { $_.Kind -eq 'Command' }
        $runs.ToolCalls.Name | Should -Be @('bash', 'bash', 'bash')
        $results = $v2.Messages | Where-Object { $_.ToolCallId -like 'bash-*' }
        $results.ExitCode | Should -Be @(0, 1, $null)
        $results.IsError | Should -Be @($false, $true, $true)
    }

    It 'reports a damaged line by file and line and keeps the rest' {
        $copy = Join-Path $TestDrive 'damaged/--home-dev-acme-shop--'
        New-Item -ItemType Directory -Path $copy -Force | Out-Null
        $lines = Get-Content -LiteralPath (Join-Path $PiProject "2026-02-10T10-15-32-227Z_$V3.jsonl")
        $lines[4] = $lines[4].Substring(0, 40)
        $path = Join-Path $copy "2026-02-10T10-15-32-227Z_$V3.jsonl"
        Set-Content -LiteralPath $path -Value $lines
        $record = Get-AgentRollout -LiteralPath $path -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
        "$($errors[0])" | Should -BeLike "*${V3}.jsonl:5:*"
        $record.SourceMeta['skipped_lines'] | Should -Be 1
        $record.SourceMeta['bridged_gaps'] | Should -Be 1
        $record.Messages[0].Text | Should -BeLike 'Add free shipping*'
    }

    It 'documents -AllBranches' {
        ((Get-Help Get-AgentRollout -Parameter AllBranches).Description.Text -join ' ') | Should -BeLike '*one record for every branch*'
        ((Get-Help ConvertTo-RolloutRecord -Parameter AllBranches).Description.Text -join ' ') | Should -BeLike '*TraceId*'
        (Get-Help Get-AgentRollout -Examples).Examples.Example.Code | Where-Object { $_ -like '*-AllBranches*' } | Should -Not -BeNullOrEmpty
    }
}
