BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/copilot-chat as the folder above VS Code's user folders, so nothing a test does touches the committed files.
    $script:AppData = Join-Path $TestDrive 'appdata'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'copilot-chat') $AppData
    $script:User = Join-Path $AppData 'Code/User'
    $script:Document = '3f8a1c2e-7b4d-4e6a-9c1f-2d5e8b7a4c30'
    $script:Log = '6d2b9e4f-1a7c-4f3e-8b5d-0c9a2e4f6b18'
    $script:EmptyWindow = '0e7c5a3b-9d1f-4b2e-8c6a-4f1e3d5b7a92'
}

Describe 'GitHub Copilot Chat (VS Code''s Chat view)' {
    Context 'the default locations' {
        BeforeAll {
            # VSCODE_APPDATA is VS Code's own override of the folder its user folders live in (Code, Code - Insiders, ...).
            $saved = $env:VSCODE_APPDATA
            $env:VSCODE_APPDATA = $AppData
        }
        AfterAll {
            $env:VSCODE_APPDATA = $saved
        }

        It 'reads the sessions of every workspace and of windows without a folder, both file forms' {
            $records = Get-AgentRollout -Format CopilotChat -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            $records.TraceId | Sort-Object | Should -Be (@($Document, $Log, $EmptyWindow) | Sort-Object)
            $records.Format | Select-Object -Unique | Should -Be 'CopilotChat'
            $records.SourceKind | Select-Object -Unique | Should -Be 'copilot_chat'
        }

        It 'is listed by Get-RolloutFormat with both stores of Code and its session count' {
            $format = Get-RolloutFormat -Format CopilotChat
            $format.SourceKind | Should -Be 'copilot_chat'
            $format.DefaultLocations | Should -Be @((Join-Path $User 'workspaceStorage'), (Join-Path $User 'globalStorage/emptyWindowChatSessions'))
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 3
        }

        It 'opens only the session -Id names' {
            (Get-AgentRollout -Format CopilotChat -Id $Log).TraceId | Should -Be $Log
        }
    }

    It 'reads a user folder, a workspace storage folder or a session file when named' {
        (Get-AgentRollout -Path $User -Recurse).TraceId | Sort-Object | Should -Be (@($Document, $Log, $EmptyWindow) | Sort-Object)
        (Get-AgentRollout -Path (Join-Path $User 'workspaceStorage')).TraceId | Sort-Object | Should -Be (@($Document, $Log) | Sort-Object)
        $log = Get-ChildItem -Recurse -LiteralPath $User -Filter "$Log.jsonl"
        $record = Get-AgentRollout -LiteralPath $log.FullName -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
        $record.Format | Should -Be 'CopilotChat'
        $record.Title | Should -Be 'Rename parseRow'
    }

    It 'pairs each call of Copilot''s tool loop with its result and keeps the workspace folder, the model and no invented usage' {
        $session = Get-AgentRollout -Path $User -Recurse -Id $Document
        $session.Cwd | Should -Be '/home/dev/ledger-sync'
        $session.Title | Should -Be 'Dry-run flag for sync'
        $session.Models | Should -Be @('copilot/claude-sonnet-4', 'copilot/gpt-4.1')
        $calls = $session | Get-RolloutToolCall
        $calls.Name | Should -Be @('read_file', 'replace_string_in_file', 'copilot_findTextInFiles')
        $calls.Status | Select-Object -Unique | Should -Be 'Succeeded'
        $session.InputTokens | Should -Be 0
        $session.OutputTokens | Should -Be 0
        $prompts = $session | Get-RolloutMessage -Role User | Where-Object Kind -eq 'Prompt'
        $prompts.Text | Should -Be @('Add a --dry-run flag to the sync command', 'Why is the flag parsed before the config loads?', 'Now run the tests')
    }

    It 'tells a failed request by VS Code''s notice and a damaged log line by its line, and the rest still reads' {
        $folder = Join-Path $TestDrive 'damaged/User/workspaceStorage/abc/chatSessions'
        New-Item -ItemType Directory -Path $folder | Out-Null
        $source = Get-ChildItem -Recurse -LiteralPath $User -Filter "$Log.jsonl"
        $lines = @(Get-Content -LiteralPath $source.FullName)
        $lines[3] = '{"kind":2,"k":["requests",0,'
        Set-Content -LiteralPath (Join-Path $folder "$Log.jsonl") -Value $lines
        $record = Get-AgentRollout -LiteralPath (Join-Path $folder "$Log.jsonl") -WarningVariable warnings -ErrorVariable errors 3>$null 2>$null
        @($warnings) + @($errors) | Where-Object { "$_" -match '\.jsonl:4:' } | Should -Not -BeNullOrEmpty
        $record.Messages[-1].Kind | Should -Be 'Synthetic'
        $record.Messages[-1].Text | Should -BeLike 'Sorry, you have been rate-limited*'
    }
}
