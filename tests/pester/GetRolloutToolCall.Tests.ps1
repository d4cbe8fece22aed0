BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Get-RolloutToolCall' {
    BeforeAll {
        $records = Get-AgentRollout -Path $SamplesRoot -Recurse -WarningAction SilentlyContinue
        $calls = $records | Get-RolloutToolCall
        $claude = New-ClaudeSession -Path (Join-Path $TestDrive 'traces/claude.jsonl') -SessionId 'c1c1c1c1-0000-4000-8000-000000000001'
        $codex = New-CodexRollout -Path (Join-Path $TestDrive 'traces/codex/rollout-2025-11-20T21-05-09-c2c2c2c2-0000-4000-8000-000000000002.jsonl') -SessionId 'c2c2c2c2-0000-4000-8000-000000000002'
    }

    It 'gives the tool-usage report over every sample format: each call once, most used first' {
        $report = $calls | Group-Object Name | Sort-Object Count -Descending
        $expected = $records.Messages.ToolCalls | Group-Object Name
        $calls.Count | Should -Be ($records | Measure-Object ToolCallCount -Sum).Sum
        foreach ($group in $expected) { ($report | Where-Object Name -ceq $group.Name).Count | Should -Be $group.Count -Because $group.Name }
        $report[0].Name | Should -Be 'Bash'
        $report.Count | Should -Be @($expected).Count
        ($calls.Format | ForEach-Object ToString | Sort-Object -Unique) | Should -Be @('Amp', 'Antigravity', 'Atif', 'ClaudeCode', 'Cline', 'Codex', 'Continue', 'CopilotChat', 'CopilotCli', 'Crush', 'Cursor', 'CursorIde', 'DevinCli', 'FactoryDroid', 'GeminiCli', 'Goose', 'GrokCli', 'HermesAgent', 'KimiCode', 'KiroCli', 'MistralVibe', 'OpenClaw', 'OpenCode', 'OpenHands', 'PiCodingAgent', 'QwenCode', 'SweAgent', 'Zed')
    }

    It 'pairs each call with its result, and tells failed and unanswered calls' {
        @($calls | Where-Object Status -eq Failed).Count | Should -BeGreaterThan 0
        $calls | Where-Object Status -eq Failed | ForEach-Object { ($_.IsError -or $_.ExitCode -notin $null, 0) | Should -BeTrue }
        $calls | Where-Object Status -eq Succeeded | ForEach-Object { $_.ResultMessage.ToolCallId | Should -Be $_.CallId }
        $unanswered = @($calls | Where-Object Status -eq NoResult)
        $unanswered.Count | Should -BeGreaterThan 0
        $unanswered | ForEach-Object { $_.Result | Should -BeNullOrEmpty; $_.CompletedAt | Should -BeNullOrEmpty }
    }

    It 'reads -Path and returns flat, typed properties' {
        $call = Get-RolloutToolCall -Path $claude.FullName
        $call | Should -BeOfType 'RolloutTools.Core.Messages.SessionToolCall'
        $call.TraceId | Should -Be 'c1c1c1c1-0000-4000-8000-000000000001'
        $call.Project | Should -Be '/home/dev/acme-shop'
        $call.CallId | Should -Be 'toolu_1'
        $call.Name | Should -Be 'Bash'
        $call.Arguments | Should -Be '{"command":"ls"}'
        $call.Result | Should -Be 'a.txt'
        $call.Status | Should -Be 'Succeeded'
        $call.CalledAt | Should -Be ([DateTimeOffset]'2025-11-03T09:00:05Z')
        $call.CompletedAt | Should -Be ([DateTimeOffset]'2025-11-03T09:00:10Z')
        $call.Duration | Should -Be ([TimeSpan]::FromSeconds(5))
        $call.Model | Should -Be 'claude-opus-4-1-20250805'
    }

    It 'takes a duration and exit code the agent recorded' {
        $call = Get-RolloutToolCall -LiteralPath $codex.FullName
        $call.Name | Should -Be 'shell'
        $call.ExitCode | Should -Be 0
        $call.Duration | Should -Be ([TimeSpan]::FromSeconds(5.5))
    }

    It 'parses the arguments into objects Where-Object can look into, once' {
        $git = @($calls | Where-Object { $_.ArgumentsObject.command -like 'git *' })
        $git.Count | Should -BeGreaterThan 0
        # Claude Code's Bash, Hermes' terminal and Cursor's run_terminal_cmd take a string, Codex's shell an array (-like keeps the matching elements).
        $git | ForEach-Object { $_.Arguments | Should -Match '"command":\s*(\[[^]]*)?"git ' }
        ($git.Name | Sort-Object -Unique) | Should -Be @('Bash', 'run_terminal_cmd', 'shell', 'terminal')
        $shell = $calls | Where-Object { $_.Format -eq 'Codex' -and $_.Name -eq 'shell' } | Select-Object -First 1
        $shell.ArgumentsObject.command | Should -BeOfType [string]
        $shell.ArgumentsObject.command.Count | Should -BeGreaterThan 1
        $shell.ArgumentsObject | Should -BeOfType [pscustomobject]
        [object]::ReferenceEquals($shell.ArgumentsObject, $shell.ArgumentsObject) | Should -BeTrue
        $names = ($calls[0].psobject.Properties.Name)
        $names.IndexOf('ArgumentsObject') | Should -Be ($names.IndexOf('Arguments') + 1)
    }

    It 'filters by tool name with wildcards, ignoring case' {
        (Get-RolloutToolCall -Path $claude.FullName -Name b*).Name | Should -Be 'Bash'
        Get-RolloutToolCall -Path $claude.FullName -Name read | Should -BeNullOrEmpty
        $some = $records | Get-RolloutToolCall -Name bash, *PATCH*
        $some.Name | ForEach-Object { $_ | Should -Match '^bash$|patch' }
        $some.Name | Should -Contain 'Bash'
        $some.Name | Should -Contain 'apply_patch'
        $some.Name | Should -Not -Contain 'Edit'
    }

    It 'takes files from Get-ChildItem by their PSPath' {
        $fromFiles = Get-ChildItem (Join-Path $TestDrive 'traces') -Recurse -File | Get-RolloutToolCall
        ($fromFiles.Name | Sort-Object) | Should -Be @('Bash', 'shell')
    }

    It 'fits its table in 120 columns with every column' {
        $lines = ($calls | Format-Table | Out-String -Width 120) -split '\r?\n' | Where-Object { $_ }
        $lines[0] | Should -Match '^Id\s+Called\s+Name\s+Status\s+Exit\s+Duration\s+Arguments$'
        $lines | Where-Object { $_.Length -gt 120 } | Should -BeNullOrEmpty
        $row = (Get-RolloutToolCall -Path $claude.FullName | Format-Table | Out-String -Width 120) -split '\r?\n' | Where-Object { $_ -match '^c1c1c1c1' }
        $row | Should -Match '^c1c1c1c1\s+2025-11-0\d \d\d:\d\d\s+Bash\s+Succeeded\s+5\.0s \{"command":"ls"\}$'
    }

    It 'writes ISO times to CSV and reads back' {
        $csv = Join-Path $TestDrive 'calls.csv'
        Get-RolloutToolCall -Path $claude.FullName | Export-Csv $csv
        $row = Import-Csv $csv
        $row.CalledAt | Should -Be '2025-11-03T09:00:05.0000000+00:00'
        $row.Status | Should -Be 'Succeeded'
        $row.Arguments | Should -Be '{"command":"ls"}'
    }
}
