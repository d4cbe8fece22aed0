BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/factory-droid (a Factory home), so that nothing a test does can touch the committed files.
    $script:FactoryHome = Join-Path $TestDrive 'factory-home'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'factory-droid') $FactoryHome
    $script:Sessions = Join-Path $FactoryHome 'sessions'
    $script:Main = '7c1e4b2a-5d3f-4e8a-9b6c-2f0d1a3e5b71'
    $script:Worker = 'e3a90f6d-1b2c-4d5e-8f70-9a1b2c3d4e5f'
    $script:Older = '0b5d2e71-8c4a-4f19-a6d3-5e7f9012c4b8'
}

Describe 'Factory Droid' {
    Context 'the default location' {
        BeforeAll {
            $saved = $env:DROID_SESSIONS_DIR
            $env:DROID_SESSIONS_DIR = $Sessions
        }
        AfterAll {
            $env:DROID_SESSIONS_DIR = $saved
        }

        It 'reads DROID_SESSIONS_DIR: one record per session file, in workspace folders or not, and no settings file as a trace' {
            $records = Get-AgentRollout -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            @($records.TraceId | Sort-Object) | Should -Be @($Older, $Main, $Worker)
            $records.Format | Select-Object -Unique | Should -Be 'FactoryDroid'
            $records.SourceKind | Select-Object -Unique | Should -Be 'factory_droid'
            ($records | Where-Object TraceId -eq $Older).SourcePath | Should -Be (Join-Path $Sessions "$Older.jsonl")
        }

        It 'is listed by Get-RolloutFormat with its folder and its session count' {
            $format = Get-RolloutFormat -Format FactoryDroid
            $format.SourceKind | Should -Be 'factory_droid'
            $format.DefaultLocations | Should -Be $Sessions
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 3
        }

        It 'shows calls paired with their results, the failed command, reasoning, harness context and the compaction summary' {
            $main = Get-AgentRollout -Format FactoryDroid -Id $Main
            $main.Title | Should -Be 'Fix Cart Total Rounding Test'
            $main.Cwd | Should -Be '/home/dev/acme-shop'
            $main.Models | Should -Be 'claude-sonnet-4-5-20250929'
            $calls = $main | Get-RolloutToolCall
            $calls.Name | Should -Be @('Execute', 'TodoWrite', 'Read', 'Edit', 'Task', 'Execute')
            $calls.Status | Should -Be @('Failed', 'Succeeded', 'Succeeded', 'Succeeded', 'Succeeded', 'Succeeded')
            $main.Messages[2].ReasoningContent | Should -Be 'Run the cart tests first to see the exact assertion.'
            $main.Messages[0].Kind | Should -Be 'Context'
            @($main.Messages | Where-Object Kind -eq 'Prompt').Count | Should -Be 2
            @($main.Messages | Where-Object Kind -eq 'CompactionSummary').Count | Should -Be 1
        }

        It 'reads the delegated session as a sidechain of the session whose Task call started it' {
            $worker = Get-AgentRollout -Format FactoryDroid -Id $Worker
            $worker.IsSidechain | Should -BeTrue
            $worker.RootSessionId | Should -Be $Main
            $worker.Messages[0].Kind | Should -Be 'AgentMessage'
            $worker.SourceMeta['parent_tool_use_id'] | Should -Be 'toolu_05Task'
        }

        It 'counts the totals the settings files state in Measure-AgentRollout, the delegated session under its parent' {
            # The delegated session's custom model has no price here: its tokens still count, without a cost.
            $rows = Measure-AgentRollout -Format FactoryDroid -GroupBy Session -WarningAction SilentlyContinue
            $main = $rows | Where-Object Session -eq $Main
            $main.InputTokens | Should -Be (18250 + 3100)
            $main.OutputTokens | Should -Be (2140 + 420)
            $main.CacheReadTokens | Should -Be (84200 + 5200)
            $main.CacheWriteTokens | Should -Be 9600
            ($rows | Where-Object Session -eq $Older).TotalTokens | Should -Be 0
        }
    }

    It 'finds the sessions of a Factory home given as a folder, and a session file given by path' {
        @((Get-AgentRollout -Path $FactoryHome -Recurse).TraceId | Sort-Object) | Should -Be @($Older, $Main, $Worker)
        (Get-AgentRollout -Path (Join-Path $Sessions "-home-dev-acme-shop/$Worker.jsonl")).Format | Should -Be 'FactoryDroid'
    }

    It 'reports a damaged line by its file and number, and reads the rest' {
        $folder = Join-Path $TestDrive 'damaged/sessions/-home-dev-acme-shop'
        New-Item -ItemType Directory -Path $folder | Out-Null
        Copy-Item (Join-Path $Sessions "-home-dev-acme-shop/$Worker.*") $folder
        $file = Join-Path $folder "$Worker.jsonl"
        $lines = Get-Content $file
        @($lines[0..1], '{"type":"message","id":"s2","message":{"role":', $lines[2..($lines.Count - 1)]) | ForEach-Object { $_ } | Set-Content $file
        $record = Get-AgentRollout -Path $file -ErrorVariable errors -ErrorAction SilentlyContinue
        $record.TraceId | Should -Be $Worker
        $record.Messages.Count | Should -Be 4
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
        "$($errors[0])" | Should -BeLike "*$Worker.jsonl:3:*"
    }

    It 'warns of a damaged settings file by its path and reads the session without its totals' {
        $folder = Join-Path $TestDrive 'bad-settings/-w'
        New-Item -ItemType Directory -Path $folder | Out-Null
        Copy-Item (Join-Path $Sessions "-home-dev-acme-shop/$Worker.jsonl") $folder
        Set-Content (Join-Path $folder "$Worker.settings.json") '{"tokenUsage": []}'
        $record = Get-AgentRollout -Path (Join-Path $folder "$Worker.jsonl") -WarningVariable warnings -WarningAction SilentlyContinue
        $record.TotalTokens | Should -Be 0
        ($warnings -join "`n") | Should -BeLike "*$Worker.settings.json*tokenUsage*"
    }
}
