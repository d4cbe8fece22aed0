BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/goose (a GOOSE_PATH_ROOT), so that nothing a test does can touch the committed files.
    $script:Root = Join-Path $TestDrive 'goose-root'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'goose') $Root
    $script:Sessions = Join-Path $Root 'data/sessions'
    $script:Database = Join-Path $Sessions 'sessions.db'
    $script:A = '20260312_1'
    $script:B = '20260313_1'
    $script:C = '20260313_2'
    $script:D = '20250111_101500'
    $script:L = '20250110_093000'
}

Describe 'Goose' {
    Context 'the default location' {
        BeforeAll {
            $saved = $env:GOOSE_PATH_ROOT
            $env:GOOSE_PATH_ROOT = $Root
        }
        AfterAll {
            $env:GOOSE_PATH_ROOT = $saved
        }

        It 'reads <root>/data/sessions: one record per database session and per legacy file' {
            $records = Get-AgentRollout -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            @($records.TraceId | Sort-Object) | Should -Be @($L, $D, $A, $B, $C)
            $records.Format | Select-Object -Unique | Should -Be 'Goose'
            $records.SourceKind | Select-Object -Unique | Should -Be 'goose'
            ($records | Where-Object TraceId -eq $D).SourcePath | Should -Be $Database
            ($records | Where-Object TraceId -eq $L).SourcePath | Should -Be (Join-Path $Sessions "$L.jsonl")
        }

        It 'names under -Verbose the legacy file read from the database instead, and the session without messages' {
            $verbose = Get-AgentRollout -Format Goose -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            $text = $verbose.Message -join "`n"
            $text | Should -BeLike "*$D.jsonl*is read from*sessions.db' instead*"
            $text | Should -BeLike '*session 20260314_1 holds no message yet*'
        }

        It 'is listed by Get-RolloutFormat with its folder and its session count' {
            $format = Get-RolloutFormat -Format Goose
            $format.SourceKind | Should -Be 'goose'
            $format.DefaultLocations | Should -Be $Sessions
            $format.Present | Should -BeTrue
            # Five database rows and two legacy files (one of them a row's session too).
            $format.SessionCount | Should -Be 7
            $format.FilePatterns | Should -Be @('sessions.db', '*.jsonl')
        }

        It 'opens only the database row -Id names' {
            $subagent = Get-AgentRollout -Format Goose -Id $C
            $subagent.TraceId | Should -Be $C
            $subagent.IsSidechain | Should -BeTrue
            $subagent.Messages[0].Kind | Should -Be 'AgentMessage'
        }

        It 'shows calls paired with their results, reasoning and the image of a session' {
            $a = Get-AgentRollout -Format Goose -Id $A
            $a.Cwd | Should -Be '/home/dev/projects/calendar-kit'
            $a.Models | Should -Be 'claude-sonnet-4-5'
            $calls = $a | Get-RolloutToolCall
            $calls.Name | Should -Be @('developer__shell', 'developer__text_editor', 'developer__shell')
            $calls.Status | Should -Be @('Succeeded', 'Succeeded', 'Failed')
            $a.Messages[1].ReasoningContent | Should -Be 'Run the test first to see the failing date.'
            $a.Messages[0].Content[1].Type | Should -Be 'Image'
        }

        It 'counts the session totals in Measure-AgentRollout, with the cost goose states' {
            # The legacy sessions name no model, so they are unpriced (one warning); A states its cost.
            $row = Measure-AgentRollout -Format Goose -GroupBy Session -WarningAction SilentlyContinue | Where-Object Session -eq $A
            $row.InputTokens | Should -Be 18400
            $row.OutputTokens | Should -Be 1250
            $row.CostUsd | Should -Be 0.0739
            $row.CostSource | Should -Be 'Stated'
        }
    }

    It 'reports a damaged database row by its session and row, and reads the rest' {
        $copy = Join-Path $TestDrive 'damaged/sessions'
        New-Item -ItemType Directory -Path $copy | Out-Null
        Copy-Item $Database $copy
        $script = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute(""UPDATE messages SET content_json = '{broken' WHERE message_id = 'msg_b5'""); db.commit()"
        & python3 -c $script (Join-Path $copy 'sessions.db')
        $records = Get-AgentRollout -Path (Join-Path $copy 'sessions.db') -ErrorVariable errors -ErrorAction SilentlyContinue
        $records.Count | Should -Be 4
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
        $errors[0].Exception.Message | Should -BeLike "*sessions.db: message row * of session $B skipped:*"
    }

    It 'reads a legacy file named as a path, and reports a damaged line by its number' {
        $folder = Join-Path $TestDrive 'legacy/goose/sessions'
        New-Item -ItemType Directory -Path $folder | Out-Null
        $file = Join-Path $folder "$L.jsonl"
        (Get-Content (Join-Path $Sessions "$L.jsonl")) + '{"role":"user","created":1736500000,' | Set-Content $file
        $record = Get-AgentRollout -Path $file -ErrorVariable errors -WarningVariable warnings -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $record.TraceId | Should -Be $L
        $record.Format | Should -Be 'Goose'
        @($errors) + @($warnings) | Should -Not -BeNullOrEmpty
        (@($errors) + @($warnings) | ForEach-Object { "$_" }) -join "`n" | Should -BeLike "*$L.jsonl:6:*"
    }
}
