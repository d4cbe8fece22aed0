BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/openhands, laid out as ~/.openhands (conversations/, sessions/, trajectories/), so that nothing
    # a test does can touch the committed files.
    $script:Root = Join-Path $TestDrive 'openhands'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'openhands') $Root
    $script:V1 = '3f2a9c1e7b5d4e0f8a6b2c4d1e9f7a35'
    $script:Legacy = '7d1c9e0a4b2f4c6e8a1b3d5f7e9c2a4b'
    $script:Subagent = "$V1`:9a8b7c6d5e4f40318a2b1c0d9e8f7a6b"
    $script:Trajectory = Join-Path $Root 'trajectories/headless-5e8b1f2a.json'
}

Describe 'OpenHands' {
    Context 'the default locations' {
        BeforeAll {
            $saved = $env:OPENHANDS_PERSISTENCE_DIR, $env:FILE_STORE_PATH
            $env:OPENHANDS_PERSISTENCE_DIR = $Root
            $env:FILE_STORE_PATH = $Root
        }
        AfterAll {
            $env:OPENHANDS_PERSISTENCE_DIR, $env:FILE_STORE_PATH = $saved
        }

        It 'reads the conversations folder of OPENHANDS_PERSISTENCE_DIR and the sessions folder of FILE_STORE_PATH: one record per conversation' {
            $records = Get-AgentRollout -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            $records.TraceId | Should -Be @($V1, $Subagent, $Legacy)
            $records.Format | Select-Object -Unique | Should -Be 'OpenHands'
            $records.SourceKind | Select-Object -Unique | Should -Be 'openhands'
            $records[0].SourcePath | Should -Be (Join-Path $Root "conversations/$V1/base_state.json")
            $records[2].SourcePath | Should -Be (Join-Path $Root "sessions/$Legacy/events/0.json")
            $records | ForEach-Object { $_.SourceMeta['generation'] } | Should -Be @('v1', 'v1', 'legacy')
            # A sub-agent the delegate tool ran, persisted under its parent's folder.
            $records[1].RootSessionId | Should -Be $V1
            $records[1].IsSidechain | Should -BeTrue
        }

        It 'is listed by Get-RolloutFormat with both folders and one session per conversation and sub-agent' {
            $format = Get-RolloutFormat -Format OpenHands
            $format.DefaultLocations | Should -Be @((Join-Path $Root 'conversations'), (Join-Path $Root 'sessions'))
            $format.SessionCount | Should -Be 3
            $format.FilePatterns | Should -Be @('base_state.json', '0.json')
        }

        It 'opens only the conversation -Id names, and shows its calls paired with their results' {
            $legacy = Get-AgentRollout -Format OpenHands -Id $Legacy
            $legacy.Title | Should -Be 'Fix count_words on empty input'
            $legacy.GitBranch | Should -Be 'main'
            $calls = $legacy | Get-RolloutToolCall
            $calls.Name | Should -Be @('execute_bash', 'str_replace_editor', 'str_replace_editor', 'finish')
            $calls.Status | Should -Be @('Failed', 'Succeeded', 'Succeeded', 'NoResult')
            $calls[0].ExitCode | Should -Be 1
        }

        It 'counts each response once in Measure-AgentRollout, and the accumulated totals beyond them once' {
            $rows = Measure-AgentRollout -Format OpenHands -GroupBy Session -WarningAction SilentlyContinue
            $legacy = $rows | Where-Object Session -eq $Legacy
            $legacy.InputTokens | Should -Be 4000
            $legacy.CacheReadTokens | Should -Be 20900
            # The session's row holds the agent's six responses, the condenser's call and the sub-agent's two responses.
            ($rows | Where-Object Session -eq $V1).OutputTokens | Should -Be (770 + 70)
        }

        It 'says which event file is damaged, with its line, and reads the rest of the conversation' {
            $damaged = Join-Path $Root "sessions/$Legacy/events/9.json"
            $whole = Get-Content -LiteralPath $damaged -Raw
            try {
                Set-Content -LiteralPath $damaged -Value "{`"id`": 9,`n`"source`": " -NoNewline
                $record = Get-AgentRollout -Format OpenHands -Id $Legacy -ErrorVariable errors -ErrorAction SilentlyContinue
                $errors.Count | Should -Be 1
                $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
                "$errors" | Should -BeLike "$($damaged):2:*"
                # The read the damaged file answered is missing; the other eleven messages are there.
                $record.MessageCount | Should -Be 11
                $record.SourceMeta['damaged_events'] | Should -Be 1
            }
            finally {
                Set-Content -LiteralPath $damaged -Value $whole -NoNewline
            }
        }
    }

    It 'finds the conversations in a copied ~/.openhands named as a folder, passing over their event files' {
        $records = Get-AgentRollout -Path $Root -Recurse -ErrorVariable errors -WarningVariable warnings
        $errors | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        $records.TraceId | Should -Be @($V1, $Subagent, $Legacy)
    }

    It 'reads a saved trajectory with -Format OpenHands' {
        $record = Get-AgentRollout -Format OpenHands -Path $Trajectory
        $record.TraceId | Should -Be 'headless-5e8b1f2a'
        $record.Models | Should -Be 'gpt-4o-2024-08-06'
        ($record | Get-RolloutToolCall).Name | Should -Be @('think', 'delegate_to_browsing_agent', 'execute_bash')
        @($record.Messages.Kind | ForEach-Object ToString) | Should -Be @('Context', 'Prompt', 'Response', 'ToolResult', 'Response', 'ToolResult', 'Context', 'Response', 'ToolResult', 'Response')
    }
}
