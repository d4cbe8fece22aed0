BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:ClineSamples = [System.IO.Path]::GetFullPath((Join-Path $SamplesRoot 'cline'))
    $script:AppData = Join-Path $ClineSamples 'vscode'
    $script:CliData = Join-Path $ClineSamples 'cline-data'
    $script:ClineXml = '1718822400000'
    $script:ClineCli = '1767225600000'
    $script:Roo = '7d3c2a10-5b4e-4f1a-9c2d-0e8f6a1b2c3d'
    $script:Kilo = '0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b'
    $script:Session = '1767312000000_k3v9q'
    $script:Subagent = "${Session}__reviewer"
    $script:RooTask = Join-Path $AppData "Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks/$Roo"
}

Describe 'Cline, Roo Code and Kilo Code tasks' {
    AfterEach {
        foreach ($variable in 'VSCODE_APPDATA', 'CLINE_DIR', 'CLINE_DATA_DIR') {
            Set-Item "Env:$variable" (Join-Path ([System.IO.Path]::GetTempPath()) "rollouttools-tests-no-agent-home/$variable")
        }
        Remove-Item Env:CLINE_SESSION_DATA_DIR -ErrorAction Ignore
    }

    It 'reads a folder of task folders, recognised by name without -Format' {
        $records = Get-AgentRollout -Path $ClineSamples -Recurse -ErrorVariable errors -WarningVariable warnings
        $errors | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        $records.Format | Select-Object -Unique | Should -Be 'Cline'
        $records.SourceKind | Select-Object -Unique | Should -Be 'cline'
        $records.TraceId | Sort-Object | Should -Be (@($ClineXml, $ClineCli, $Roo, $Kilo, $Session, $Subagent) | Sort-Object)
        ($records | ForEach-Object { $_.SourceMeta['agent'] } | Sort-Object) | Should -Be @('cline', 'cline', 'cline', 'cline', 'kilo_code', 'roo_code')
    }

    It 'reads the default locations through VSCODE_APPDATA and CLINE_DATA_DIR' {
        $env:VSCODE_APPDATA = $AppData
        $env:CLINE_DATA_DIR = $CliData
        $records = Get-AgentRollout -Format Cline
        $records.TraceId | Should -Be @($ClineXml, $Roo, $Kilo, $ClineCli, $Session, $Subagent)
        $records[2].SourceMeta['editor'] | Should -Be 'Cursor'
        (Get-AgentRollout -Id '7d3c').TraceId | Should -Be $Roo

        # CLINE_DIR names the CLI's home; its data dir is the data folder in it.
        Remove-Item Env:CLINE_DATA_DIR
        $home2 = Join-Path $TestDrive 'cline-home'
        New-Item -ItemType Directory -Path $home2 -Force | Out-Null
        Copy-Item -Path $CliData -Destination (Join-Path $home2 'data') -Recurse
        $env:CLINE_DIR = $home2
        (Get-AgentRollout -Format Cline).TraceId | Should -Contain $ClineCli
    }

    It 'is listed by Get-RolloutFormat with its default locations' {
        $env:VSCODE_APPDATA = $AppData
        $env:CLINE_DATA_DIR = $CliData
        $cline = Get-RolloutFormat -Format Cline
        $cline.SourceKind | Should -Be 'cline'
        $cline.DefaultLocations | Should -Contain (Join-Path $AppData 'Code/User/globalStorage/saoudrizwan.claude-dev/tasks')
        $cline.DefaultLocations | Should -Contain (Join-Path $AppData 'Cursor/User/globalStorage/kilocode.kilo-code/tasks')
        $cline.DefaultLocations | Should -Contain (Join-Path $CliData 'tasks')
        $cline.DefaultLocations | Should -Contain (Join-Path $CliData 'sessions')
        $cline.Present | Should -BeTrue
        $cline.SessionCount | Should -Be 6
        (Get-RolloutFormat).Format | Should -Contain 'Cline'
    }

    It 'reads a copied extension storage folder as its store, and one task by its history file' {
        $copy = Join-Path $TestDrive 'backup/rooveterinaryinc.roo-cline'
        New-Item -ItemType Directory -Path $copy -Force | Out-Null
        Copy-Item -Path (Split-Path $RooTask) -Destination $copy -Recurse
        (Get-AgentRollout -Path $copy 3>$null).TraceId | Should -Be $Roo

        $one = Get-AgentRollout -LiteralPath (Join-Path $RooTask 'api_conversation_history.json')
        $one.TraceId | Should -Be $Roo
        $one.Title | Should -Be 'Rename getUser to fetchUser everywhere.'
        $one.SourceMeta['condensed_messages'] | Should -Be 3
    }

    It 'passes over tasks not written since -Since, by any of their files' {
        $tasks = Join-Path $TestDrive 'since/tasks'
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
        foreach ($id in '1700000000001', '1700000000002') {
            New-Item -ItemType Directory -Path (Join-Path $tasks $id) -Force | Out-Null
            Set-Content -LiteralPath (Join-Path $tasks "$id/api_conversation_history.json") -Value "[{`"role`":`"user`",`"content`":`"go`",`"ts`":$now},{`"role`":`"assistant`",`"content`":`"ok`",`"ts`":$now}]"
            Set-Content -LiteralPath (Join-Path $tasks "$id/ui_messages.json") -Value "[{`"ts`":$now,`"type`":`"say`",`"say`":`"task`",`"text`":`"go`"}]"
        }
        Get-ChildItem -LiteralPath $tasks -Recurse -File | ForEach-Object { $_.LastWriteTimeUtc = [datetime]'2025-01-01' }
        # Only the UI log of one task is written since: that task counts as active, the other is not opened.
        (Get-Item -LiteralPath (Join-Path $tasks '1700000000002/ui_messages.json')).LastWriteTimeUtc = [datetime]::UtcNow
        (Get-AgentRollout -Path $tasks -Since ([datetime]::UtcNow.AddDays(-1)) 3>$null).TraceId | Should -Be '1700000000002'
    }

    It 'puts each request''s tokens and stated cost on its response, and Measure-AgentRollout sums them' {
        $env:CLINE_DATA_DIR = $CliData
        $record = Get-AgentRollout -Format Cline -Id $ClineCli
        $responses = $record.Messages | Where-Object Role -eq 'Assistant'
        $responses.CostUsd | Should -Be @(0.0052, 0.0033, 0.0027)
        $record.InputTokens | Should -Be 1600
        $record.CacheReadTokens | Should -Be 14400
        $usage = $record | Measure-AgentRollout
        ($usage | Measure-Object InputTokens -Sum).Sum | Should -Be 1600
    }

    It 'lists XML-era tool calls paired with their results' {
        $env:VSCODE_APPDATA = $AppData
        $calls = Get-AgentRollout -Format Cline -Id $ClineXml | Get-RolloutToolCall
        $calls.Name | Should -Be @('read_file', 'replace_in_file', 'write_to_file', 'attempt_completion')
        $calls[0].Arguments | Should -Be '{"path":"src/cart.ts"}'
        @($calls | Where-Object Status -eq 'Succeeded').Count | Should -Be 3
    }

    It 'converts piped text with -Format Cline, named by the task folder it came from' {
        $record = Get-Content -LiteralPath (Join-Path $CliData "tasks/$ClineCli/api_conversation_history.json") | ConvertTo-RolloutRecord -Format Cline
        $record.TraceId | Should -Be $ClineCli
        $record.MessageCount | Should -Be 7
    }

    It 'reports a damaged entry by task and keeps the rest' {
        $task = Join-Path $TestDrive 'damaged/tasks/1700000000000'
        New-Item -ItemType Directory -Path $task -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $task 'api_conversation_history.json') -Value '[{"role":"user","content":"<task>\nGo\n</task>"},7,{"role":"assistant","content":"Done."}]'
        Set-Content -LiteralPath (Join-Path $task 'ui_messages.json') -Value '[{"ts":1700000000000,"type":"say","say":"task","text":"Go"'
        $record = Get-AgentRollout -LiteralPath (Join-Path $task 'api_conversation_history.json') -ErrorVariable errors -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
        $errors[0].Exception.Message | Should -BeLike '*api_conversation_history.json*entry 1*'
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike '*ui_messages.json*ignored*'
        $record.MessageCount | Should -Be 2
    }
}

Describe 'Cline SDK sessions' {
    AfterEach {
        Set-Item Env:CLINE_DATA_DIR (Join-Path ([System.IO.Path]::GetTempPath()) 'rollouttools-tests-no-agent-home/CLINE_DATA_DIR')
        Remove-Item Env:CLINE_SESSION_DATA_DIR -ErrorAction Ignore
    }

    It 'reads the sessions folder of the data dir CLINE_DATA_DIR names: the session, its subagent under it, each response''s tokens and stated cost' {
        $env:CLINE_DATA_DIR = $CliData
        $lead = Get-AgentRollout -Format Cline -Id $Session | Where-Object TraceId -eq $Session
        $lead.Title | Should -Be 'Round invoice totals to cents'
        $lead.Cwd | Should -Be '/home/dev/invoice'
        $lead.SourceMeta['store'] | Should -Be 'sessions'
        ($lead.Messages | Where-Object Role -eq 'Assistant').CostUsd | Should -Be @(0.0482, 0.0062, 0.0061)
        # The response of redacted reasoning only is not listed, and its tokens count all the same.
        $lead.InputTokens | Should -Be 2200
        $lead.CacheReadTokens | Should -Be 36900
        $lead.CacheWriteTokens | Should -Be 12100
        ($lead | Get-RolloutToolCall).Name | Should -Be @('editor', 'run_commands', 'read_files')

        $child = Get-AgentRollout -Format Cline -Id 'reviewer'
        $child.TraceId | Should -Be $Subagent
        $child.RootSessionId | Should -Be $Session
        $child.AgentId | Should -Be 'reviewer'

        # Both are billed: the session's five responses, the unlisted one among them, at the cost each states.
        $usage = Get-AgentRollout -Format Cline -Id $Session | Measure-AgentRollout
        $usage.Responses | Should -Be 5
        $usage.CostUsd | Should -Be 0.069
        $usage.CostSource | Should -Be 'Stated'
    }

    It 'reads the folder CLINE_SESSION_DATA_DIR names instead, and a copied sessions folder as a store' {
        $moved = Join-Path $TestDrive 'elsewhere'
        New-Item -ItemType Directory -Path $moved -Force | Out-Null
        Copy-Item -Path (Join-Path $CliData "sessions/$Session") -Destination $moved -Recurse
        $env:CLINE_SESSION_DATA_DIR = $moved
        (Get-AgentRollout -Format Cline).TraceId | Should -Be @($Session, $Subagent)
        (Get-RolloutFormat -Format Cline).DefaultLocations | Should -Contain $moved

        # A folder is taken for the agent's store by the name of a default location: "sessions" unless moved.
        Remove-Item Env:CLINE_SESSION_DATA_DIR
        $copy = Join-Path $TestDrive 'backup/sessions'
        New-Item -ItemType Directory -Path $copy -Force | Out-Null
        Copy-Item -Path (Join-Path $CliData "sessions/$Session") -Destination $copy -Recurse
        (Get-AgentRollout -Path (Split-Path $copy)).TraceId | Should -Be @($Session, $Subagent)
    }

    It 'counts the responses a fork copied from its parent once, by their ResponseId' {
        $sessions = Join-Path $TestDrive 'fork/sessions'
        New-Item -ItemType Directory -Path $sessions -Force | Out-Null
        Copy-Item -Path (Join-Path $CliData "sessions/$Session") -Destination $sessions -Recurse
        # A fork starts a new session with the parent's messages as they were, ids and metrics included.
        $fork = '1767313000000_f0rk1'
        New-Item -ItemType Directory -Path (Join-Path $sessions $fork) | Out-Null
        (Get-Content -Raw -LiteralPath (Join-Path $CliData "sessions/$Session/$Session.messages.json")).Replace($Session, $fork) |
            Set-Content -LiteralPath (Join-Path $sessions "$fork/$fork.messages.json") -NoNewline
        $records = Get-AgentRollout -Path $sessions
        $records.TraceId | Should -Be @($Session, $Subagent, $fork)
        ($records | Where-Object TraceId -eq $fork).InputTokens | Should -Be 2200
        ($records | Measure-AgentRollout).CostUsd | Should -Be 0.069
    }

    It 'reports a damaged message by file and line and keeps the rest' {
        $folder = Join-Path $TestDrive "damaged/sessions/$Session"
        New-Item -ItemType Directory -Path $folder -Force | Out-Null
        $file = Join-Path $folder "$Session.messages.json"
        Set-Content -LiteralPath $file -Value @(
            '{', '  "version": 1,', "  `"sessionId`": `"$Session`",", '  "agent": "lead",', '  "messages": [',
            '    {"role": "user", "content": "go", "ts": 1767312001000},', '    "stray",',
            '    {"role": "assistant", "content": "ok", "ts": 1767312002000}', '  ]', '}')
        $record = Get-AgentRollout -LiteralPath $file -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
        $errors[0].Exception.Message | Should -BeLike "*$Session.messages.json*7*message 1*"
        $record.MessageCount | Should -Be 2
    }
}
