BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/kiro as the local data folder, so that nothing a test does can touch the committed files.
    $script:Data = Join-Path $TestDrive 'data'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'kiro') $Data
    $script:AmazonQ = Join-Path $Data 'amazon-q/data.sqlite3'
    $script:Kiro = Join-Path $Data 'kiro-cli/data.sqlite3'
    $script:A = '2f0c1d7e-5a43-4b8e-9d61-0b7c3e9a4f10'
    $script:B = '9b1e4c22-7d0a-4f3e-8c55-61a2d0e8b3c7'
    $script:C = 'c7a0e5b1-3f2d-4e6a-9b8c-2d1e0f4a5b6c'
    $script:D = 'd3b9f2a4-8e1c-4a7d-b5f6-7c0e9d2a1b3e'
    # Session files of Kiro CLI's V2 engine: the sample's sessions/cli stands for ~/.kiro/sessions/cli.
    $script:Sessions = Join-Path $Data 'sessions/cli'
    $script:E = 'e8a4c6f0-2b7d-4c1e-9f3a-5d6b7c8e9f01'
    $script:F = 'f1d2e3c4-5b6a-4789-8a0b-1c2d3e4f5a6b'
}

Describe 'Kiro CLI and Amazon Q Developer CLI' {
    Context 'the default locations' -Skip:(-not $IsLinux) {
        BeforeAll {
            # On Linux both apps keep data.sqlite3 under XDG_DATA_HOME (dirs' data_local_dir); macOS and Windows have fixed folders.
            $saved = $env:XDG_DATA_HOME
            $env:XDG_DATA_HOME = $Data
            # KIRO_HOME stands for ~/.kiro, which holds sessions/cli.
            $env:KIRO_HOME = $Data
        }
        AfterAll {
            $env:XDG_DATA_HOME = $saved
            $env:KIRO_HOME = $null
        }

        It 'reads data.sqlite3 of kiro-cli and amazon-q in the data folder and the session files: one record per conversation' {
            $records = Get-AgentRollout -Format KiroCli -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            $records.TraceId | Sort-Object | Should -Be (@($A, $B, $C, $D, $E, $F) | Sort-Object)
            $records.Format | Select-Object -Unique | Should -Be 'KiroCli'
            $records.SourceKind | Select-Object -Unique | Should -Be 'kiro_cli'
            ($records | Where-Object TraceId -eq $C).SourcePath | Should -Be $Kiro
            ($records | Where-Object TraceId -eq $E).SourcePath | Should -Be (Join-Path $Sessions "$E.jsonl")
        }

        It 'is listed by Get-RolloutFormat with both folders and its conversation count' {
            $format = Get-RolloutFormat -Format KiroCli
            $format.SourceKind | Should -Be 'kiro_cli'
            $format.DefaultLocations | Should -Be @((Join-Path $Data 'kiro-cli'), (Join-Path $Data 'amazon-q'), $Sessions)
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 6
            $format.FilePatterns | Should -Be @('data.sqlite3', '*.jsonl')
        }

        It 'opens only the conversation -Id names, and passes over those -Since leaves out by their rows alone' {
            (Get-AgentRollout -Format KiroCli -Id $D).TraceId | Should -Be $D
            (Get-AgentRollout -Format KiroCli -Id $E).TraceId | Should -Be $E
            # Kiro CLI's rows say when they changed; Amazon Q's rows say nothing, so they are read and judged by their messages.
            (Get-AgentRollout -Format KiroCli -Since '2025-11-05').TraceId | Should -Be @($D, $E, $F)
        }
    }

    It 'reads the data folder, an app folder or the database when named' {
        (Get-AgentRollout -Path $Data).TraceId | Sort-Object | Should -Be (@($A, $B, $C, $D, $E, $F) | Sort-Object)
        (Get-AgentRollout -Path (Join-Path $Data 'kiro-cli')).TraceId | Should -Be @($C, $D)
        $records = Get-AgentRollout -LiteralPath $AmazonQ -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
        $records.TraceId | Should -Be @($A, $B)
        $records.Format | Select-Object -Unique | Should -Be 'KiroCli'
    }

    It 'reads a copy of the database kept under another name when the format is named' {
        $backup = Join-Path $TestDrive 'backup'
        New-Item -ItemType Directory -Path $backup | Out-Null
        Copy-Item $AmazonQ (Join-Path $backup 'q-backup.sqlite3')
        (Get-AgentRollout -Path (Join-Path $backup 'q-backup.sqlite3') -Format KiroCli).TraceId | Should -Be @($A, $B)
    }

    It 'pairs each call with its result, keeps the working directory, the prompt''s image and no invented usage' {
        $a = Get-AgentRollout -LiteralPath $AmazonQ -Id $A
        $a.Cwd | Should -Be '/home/dev/projects/invoice-api'
        $a.Title | Should -Be 'Why does the invoice total test fail?'
        $a.Models | Should -Be 'claude-sonnet-4'
        $calls = $a | Get-RolloutToolCall
        $calls.Name | Should -Be @('fs_read', 'execute_bash')
        $calls[0].Status | Should -Be 'Succeeded'
        $calls[1].Status | Should -Be 'Failed'
        ($a.Messages | Where-Object Kind -eq 'Prompt')[1].Content.Type | Should -Be @('Text', 'Image')
        $a.InputTokens | Should -Be 0
        $a.OutputTokens | Should -Be 0
    }

    It 'shows a compacted conversation''s summary, tool uses the person cancelled, and a prompt not yet answered' {
        $b = Get-AgentRollout -LiteralPath $AmazonQ -Id $B
        $b.Messages[0].Kind | Should -Be 'CompactionSummary'
        ($b | Get-RolloutToolCall).Status | Should -Be @('Failed', 'Failed')
        ($b.Messages | Where-Object Kind -eq 'Prompt').Text | Should -Be @('Rename every draft-*.md to the date in its front matter.', 'Stop, only list them for now.')
        $d = Get-AgentRollout -LiteralPath $Kiro -Id $D
        $d.Messages[-1].Text | Should -Be 'And how long is it kept?'
    }

    It 'reads a session file of the V2 engine: calls paired with results, the state''s cwd, times, credits and only the tokens it states' {
        $e = Get-AgentRollout -LiteralPath (Join-Path $Sessions "$E.jsonl") -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
        $e.Cwd | Should -Be '/home/dev/projects/ledger-export'
        $e.Title | Should -Be 'Why does the nightly export job skip the last row?'
        $e.StartedAt | Should -Be ([DateTimeOffset]'2026-03-10T10:00:00.1234567Z')
        $calls = $e | Get-RolloutToolCall
        $calls.Name | Should -Be @('read', 'shell', 'write')
        $calls.Status | Should -Be @('Succeeded', 'Failed', 'Succeeded')
        $e.Models | Should -Be @('claude-sonnet-4.5', 'auto')
        $e.InputTokens | Should -Be 5120
        $e.CacheReadTokens | Should -Be 3072
        $e.SourceMeta['credits'] | Should -Be 0.78
        ($e.Messages | Where-Object Kind -eq 'CompactionSummary').Count | Should -Be 1
    }

    It 'reads the sessions folder of a Kiro home, with a subagent''s session under its parent''s root' {
        $records = Get-AgentRollout -Path (Join-Path $Data 'sessions')
        $records.TraceId | Should -Be @($E, $F)
        $f = $records | Where-Object TraceId -eq $F
        $f.IsSidechain | Should -BeTrue
        $f.RootSessionId | Should -Be $E
    }
}
