BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/crush (a project folder with its .crush), so that nothing a test does can touch the committed files.
    $script:Project = Join-Path $TestDrive 'tally-app'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'crush/tally-app') $Project
    $script:Database = Join-Path $Project '.crush/crush.db'
    $script:A = '3f2a9c1e-5b7d-4e21-9a0c-7d1e2f3a4b5c'
    $script:B = 'b7e6d5c4-3a21-4f0e-8d9c-1b2a3c4d5e6f'
    $script:C = '8c1d2e3f-0a1b-4c2d-9e3f-4a5b6c7d8e9f$$toolu_agent_01'
    $script:E = 'e0e1e2e3-e4e5-4e6e-8e7e-8e9eaebecede'
}

Describe 'Crush' {
    Context 'the default location' {
        BeforeAll {
            # Crush's global data folder, whose projects.json lists the projects it ran in and their data directories.
            $saved = $env:CRUSH_GLOBAL_DATA
            $env:CRUSH_GLOBAL_DATA = Join-Path $TestDrive 'crush-data'
            New-Item -ItemType Directory -Path $env:CRUSH_GLOBAL_DATA | Out-Null
            @{ projects = @(@{ path = $Project; data_dir = (Split-Path $Database); last_accessed = '2026-04-03T16:20:00Z' }) } |
                ConvertTo-Json -Depth 3 | Set-Content (Join-Path $env:CRUSH_GLOBAL_DATA 'projects.json')
        }
        AfterAll {
            $env:CRUSH_GLOBAL_DATA = $saved
        }

        It 'reads every project projects.json lists: one record per session row' {
            $records = Get-AgentRollout -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            $records.TraceId | Should -Be @($A, $C, $B)
            $records.Format | Select-Object -Unique | Should -Be 'Crush'
            $records.SourceKind | Select-Object -Unique | Should -Be 'crush'
            $records.SourcePath | Select-Object -Unique | Should -Be $Database
            $records.Cwd | Select-Object -Unique | Should -Be $Project
        }

        It 'names under -Verbose the session without messages' {
            $verbose = Get-AgentRollout -Format Crush -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            ($verbose.Message -join "`n") | Should -BeLike "*session $E holds no message yet*"
        }

        It 'is listed by Get-RolloutFormat with its folder and its session count' {
            $format = Get-RolloutFormat -Format Crush
            $format.SourceKind | Should -Be 'crush'
            $format.DefaultLocations | Should -Be $env:CRUSH_GLOBAL_DATA
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 4
            $format.FilePatterns | Should -Be 'crush.db'
        }

        It 'opens only the session row -Id names, and shows a sub-agent as a sidechain of its parent' {
            $subagent = Get-AgentRollout -Format Crush -Id $C
            $subagent.TraceId | Should -Be $C
            $subagent.IsSidechain | Should -BeTrue
            $subagent.RootSessionId | Should -Be $A
            $subagent.Messages[0].Kind | Should -Be 'AgentMessage'
        }

        It 'pairs calls with their results, and keeps reasoning, attachments, the shell command and the summary' {
            $a = Get-AgentRollout -Format Crush -Id $A
            $a.Models | Should -Be 'claude-sonnet-4-5'
            $calls = $a | Get-RolloutToolCall
            $calls.Name | Should -Be @('view', 'edit', 'agent', 'bash')
            $calls.Status | Select-Object -Unique | Should -Be 'Succeeded'
            $a.Messages[1].ReasoningContent | Should -Be 'Look at how the flags are parsed first.'
            $a.Messages[0].Content.Type | Should -Be @('Text', 'Text', 'Image')
            ($a.Messages | Where-Object Kind -eq 'Command').Text | Should -BeLike '$ git status --short*'
            ($a.Messages | Where-Object Kind -eq 'CompactionSummary').Role | Should -Be 'Assistant'
            $a.SourceMeta['errors'] | Should -Be 'Overloaded: The provider is overloaded; try again later.'
        }

        It 'states the cost Crush keeps, and no token totals, which Crush does not keep' {
            $a = Get-AgentRollout -Format Crush -Id $A
            $a.SourceMeta['cost_usd'] | Should -Be 0.1525
            $a.TotalTokens | Should -Be 0
            # Crush adds a finished sub-agent's cost to its parent's: the sessions that are no sidechain add up to the whole,
            # and that is what a usage report counts.
            $records = Get-AgentRollout -Format Crush
            ($records | Where-Object IsSidechain | ForEach-Object { $_.SourceMeta.Keys }) | Should -Not -Contain 'cost_usd'
            ($records | Where-Object IsSidechain | ForEach-Object { $_.SourceMeta['sub_agent_cost_usd'] }) | Should -Not -BeNullOrEmpty
            ($records | ForEach-Object { $_.SourceMeta['cost_usd'] } | Measure-Object -Sum).Sum | Should -Be (0.1525 + 0.0081)
            $report = Measure-AgentRollout -Format Crush
            $report.CostUsd | Should -Be ([decimal](0.1525 + 0.0081))
            $report.CostSource | Should -Be 'Stated'
            $report.TotalTokens | Should -Be 0
        }
    }

    It 'finds .crush/crush.db when the project folder is named, beside the folder''s other traces' {
        $records = Get-AgentRollout -Path $Project -ErrorVariable errors
        $errors | Should -BeNullOrEmpty
        $records.TraceId | Should -Be @($A, $C, $B)
        # Without projects.json, the data directory's parent is the folder Crush ran in.
        $records[0].Cwd | Should -Be $Project
    }

    It 'reports a damaged message row by its file, session and row, and reads the rest' {
        $copy = Join-Path $TestDrive 'damaged/.crush'
        New-Item -ItemType Directory -Path $copy | Out-Null
        Copy-Item $Database $copy
        $script = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute(""UPDATE messages SET parts = '[{broken' WHERE id = 'b-msg-03'""); db.commit()"
        & python3 -c $script (Join-Path $copy 'crush.db')
        $records = Get-AgentRollout -Path (Join-Path $copy 'crush.db') -ErrorVariable errors -ErrorAction SilentlyContinue
        $records.Count | Should -Be 3
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
        $errors[0].Exception.Message | Should -BeLike "*crush.db: message row b-msg-03 of session $B skipped:*"
        # The call whose result was lost stays unanswered, and says so.
        ($records | Where-Object TraceId -eq $B).SourceMeta['unanswered_tool_calls'] | Should -Be 1
    }
}
