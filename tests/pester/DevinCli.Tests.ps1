BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/devin as Devin CLI's data folder, so that nothing a test does can touch the committed files.
    $script:Data = Join-Path $TestDrive 'data'
    New-Item -ItemType Directory -Path $Data | Out-Null
    Copy-Item -Recurse (Join-Path $SamplesRoot 'devin') (Join-Path $Data 'devin')
    $script:Database = Join-Path $Data 'devin/cli/sessions.db'
    $script:A = 'quiet-harbor'
    $script:B = 'amber-falcon'
    $script:Sub = 'quiet-harbor:explore-1'
}

Describe 'Devin CLI' {
    Context 'the default location' -Skip:$IsWindows {
        BeforeAll {
            # Devin CLI's data folder is under XDG_DATA_HOME when it is set, on Linux and macOS alike.
            $saved = $env:XDG_DATA_HOME
            $env:XDG_DATA_HOME = $Data
        }
        AfterAll {
            $env:XDG_DATA_HOME = $saved
        }

        It 'reads cli/sessions.db in the data folder: one record per session row and per sub-agent, oldest first' {
            $records = Get-AgentRollout -Format DevinCli -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            $records.TraceId | Should -Be @($B, $A, $Sub)
            $records.Format | Select-Object -Unique | Should -Be 'DevinCli'
            $records.SourceKind | Select-Object -Unique | Should -Be 'devin_cli'
            $records.SourcePath | Select-Object -Unique | Should -Be $Database
        }

        It 'is listed by Get-RolloutFormat with its folder and its session count' {
            $format = Get-RolloutFormat -Format DevinCli
            $format.SourceKind | Should -Be 'devin_cli'
            $format.DefaultLocations | Should -Be (Join-Path $Data 'devin/cli')
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 3
            $format.FilePatterns | Should -Be 'sessions.db'
        }

        It 'opens only the session -Id names, and shows a sub-agent as a sidechain of the session that ran it' {
            $subagent = Get-AgentRollout -Format DevinCli -Id $Sub
            $subagent.TraceId | Should -Be $Sub
            $subagent.IsSidechain | Should -BeTrue
            $subagent.AgentId | Should -Be 'explore-1'
            $subagent.RootSessionId | Should -Be $A
            $subagent.Messages[1].Kind | Should -Be 'AgentMessage'
        }

        It 'passes over the sessions -Since leaves out by their rows alone' {
            (Get-AgentRollout -Format DevinCli -Since '2026-07-29').TraceId | Should -Be @($A, $Sub)
        }
    }

    It 'reads the data folder, its cli folder or the database when named, and Goose does not claim it' {
        (Get-AgentRollout -Path (Join-Path $Data 'devin')).TraceId | Should -Be @($B, $A, $Sub)
        (Get-AgentRollout -Path (Join-Path $Data 'devin/cli')).TraceId | Should -Be @($B, $A, $Sub)
        $records = Get-AgentRollout -LiteralPath $Database -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
        $records.Format | Select-Object -Unique | Should -Be 'DevinCli'
    }

    It 'reads a copy of the database kept elsewhere when the format is named' {
        $backup = Join-Path $TestDrive 'backup'
        New-Item -ItemType Directory -Path $backup | Out-Null
        Copy-Item $Database $backup
        (Get-AgentRollout -Path (Join-Path $backup 'sessions.db') -Format DevinCli).TraceId | Should -Be @($B, $A, $Sub)
    }

    It 'pairs each call with its result, and keeps thinking, a failed command''s exit code and a prompt''s image' {
        # -Id takes a session's id and whatever begins with it: its sub-agents too.
        $a = Get-AgentRollout -LiteralPath $Database -Id $A | Where-Object TraceId -eq $A
        $a.Title | Should -Be 'Add --dry-run to sync'
        $a.Models | Should -Be 'swe-1.5'
        $a.Cwd | Should -Be '/home/dev/ledger-cli'
        $calls = $a | Get-RolloutToolCall
        $calls.Name | Should -Be @('read', 'edit', 'exec', 'run_subagent', 'edit')
        $exec = $calls | Where-Object Name -eq 'exec'
        $exec.Status | Should -Be 'Failed'
        $exec.ExitCode | Should -Be 101
        $a.Messages[3].ReasoningContent | Should -Be 'The flag belongs in the clap struct; read sync.rs.'
        ($a.Messages | Where-Object Kind -eq 'Prompt')[1].Content.Type | Should -Be @('Text', 'Image')
        ($a.Messages | Where-Object Kind -eq 'CompactionSummary').Text | Should -BeLike 'You are continuing work*'
    }

    It 'counts each response''s metrics once, a copy on a rebuilt chain not again, and those off the conversation too' {
        $records = Get-AgentRollout -LiteralPath $Database
        $a = $records | Where-Object TraceId -eq $A
        # 4390 input on the conversation, 300 in the retried response, 3000 in the compaction's summarizer.
        $a.InputTokens | Should -Be 7690
        $a.OutputTokens | Should -Be 520
        $a.CacheReadTokens | Should -Be 57400
        $a.CacheWriteTokens | Should -Be 400
        $usage = $records | Measure-AgentRollout -GroupBy Model
        ($usage | Where-Object Model -eq 'swe-1.5-lite').TotalTokens | Should -Be 5305
        ($usage | Where-Object Model -eq 'claude-sonnet-4-5').TotalTokens | Should -Be 3945
    }

    It 'writes a transcript whose sub-agent call links to the sub-agent''s transcript' {
        $folder = Join-Path $TestDrive 'transcripts'
        Get-AgentRollout -LiteralPath $Database | Export-RolloutTranscript -Destination $folder -As Html | Out-Null
        $html = Get-ChildItem -LiteralPath $folder -Filter '*.html' | Get-Content -Raw
        ($html | Select-String -Pattern 'Subagent transcript: ' -AllMatches).Matches.Count | Should -Be 1
    }
}
