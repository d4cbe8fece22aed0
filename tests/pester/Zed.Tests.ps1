BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/zed as Zed's data folder, so that nothing a test does can touch the committed files.
    $script:Data = Join-Path $TestDrive 'data'
    New-Item -ItemType Directory -Path $Data | Out-Null
    Copy-Item -Recurse (Join-Path $SamplesRoot 'zed') (Join-Path $Data 'zed')
    $script:Database = Join-Path $Data 'zed/threads/threads.db'
    $script:A = '5b0e8f3a-2c41-4d7e-9a6b-1f2e3d4c5b6a'
    $script:B = '9c8d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e6f'
    $script:C = 'thread-legacy-0.2.0'
    $script:D = 'thread-legacy-unversioned'
}

Describe 'Zed' {
    Context 'the default location' -Skip:(-not $IsLinux) {
        BeforeAll {
            # On Linux Zed's data folder is under FLATPAK_XDG_DATA_HOME inside a Flatpak, else under XDG_DATA_HOME.
            $saved = $env:FLATPAK_XDG_DATA_HOME
            $env:FLATPAK_XDG_DATA_HOME = $Data
        }
        AfterAll {
            $env:FLATPAK_XDG_DATA_HOME = $saved
        }

        It 'reads threads.db in the data folder: one record per thread row, oldest first' {
            $records = Get-AgentRollout -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            $records.TraceId | Should -Be @($D, $C, $A, $B)
            $records.Format | Select-Object -Unique | Should -Be 'Zed'
            $records.SourceKind | Select-Object -Unique | Should -Be 'zed'
            $records.SourcePath | Select-Object -Unique | Should -Be $Database
        }

        It 'is listed by Get-RolloutFormat with its folder and its thread count' {
            $format = Get-RolloutFormat -Format Zed
            $format.SourceKind | Should -Be 'zed'
            $format.DefaultLocations | Should -Be (Join-Path $Data 'zed/threads')
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 4
            $format.FilePatterns | Should -Be 'threads.db'
        }

        It 'opens only the thread row -Id names, and shows a sub-agent as a sidechain of the thread that ran it' {
            $subagent = Get-AgentRollout -Format Zed -Id $B
            $subagent.TraceId | Should -Be $B
            $subagent.IsSidechain | Should -BeTrue
            $subagent.RootSessionId | Should -Be $A
            $subagent.Messages[0].Kind | Should -Be 'AgentMessage'
        }

        It 'passes over the threads -Since leaves out by their rows alone' {
            (Get-AgentRollout -Format Zed -Since '2026-01-01').TraceId | Should -Be @($A, $B)
        }
    }

    It 'reads the data folder or its threads folder when named, and -Format Zed claims threads.db' {
        (Get-AgentRollout -Path (Join-Path $Data 'zed')).TraceId | Should -Be @($D, $C, $A, $B)
        (Get-AgentRollout -LiteralPath $Database -Format Zed).Count | Should -Be 4
    }

    It 'pairs each tool use with its result, and keeps thinking, mentions and the image of a prompt' {
        $a = Get-AgentRollout -LiteralPath $Database -Id $A
        $a.Models | Should -Be 'claude-sonnet-4-5'
        $a.Cwd | Should -Be '/home/dev/tally-app'
        $a.GitBranch | Should -Be 'fix-rounding'
        $calls = $a | Get-RolloutToolCall
        $calls.Name | Should -Be @('grep', 'edit_file', 'terminal', 'subagent', 'read_file')
        ($calls | Where-Object Name -eq 'terminal').Status | Should -Be 'Failed'
        $a.Messages[2].ReasoningContent | Should -BeLike 'Summing floats*'
        $a.Messages[1].Kind | Should -Be 'Context'
        $a.Messages[1].Text | Should -BeLike '@File /home/dev/tally-app/src/invoice.rs*'
        ($a.Messages | Where-Object Kind -eq 'Prompt')[1].Content.Type | Should -Be @('Text', 'Image', 'Text')
        ($a.Messages | Where-Object Kind -eq 'Command').Text | Should -Be 'Continue where you left off'
    }

    It 'counts each turn''s usage as Zed keeps it, and the first agent''s per response' {
        $records = Get-AgentRollout -LiteralPath $Database
        ($records | Where-Object TraceId -eq $A).TotalTokens | Should -Be 23450
        ($records | Where-Object TraceId -eq $C).InputTokens | Should -Be 3300
        ($records | Where-Object TraceId -eq $A).SourceMeta['cumulative_input_tokens'] | Should -Be 5120
        $usage = $records | Measure-AgentRollout -GroupBy Model
        ($usage | Where-Object Model -eq 'claude-haiku-4-5').TotalTokens | Should -Be 3640
    }
}
