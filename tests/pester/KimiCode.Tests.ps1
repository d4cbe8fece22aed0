BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # Copies of samples/kimi-code (a KIMI_CODE_HOME and a KIMI_SHARE_DIR), so that nothing a test does can touch the committed files.
    $script:Root = Join-Path $TestDrive 'kimi-code'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'kimi-code') $Root
    $script:CodeHome = Join-Path $Root 'kimi-code'
    $script:ShareDir = Join-Path $Root 'kimi'
    $script:Session = 'session_5b1f3c2e-8d4a-4f6b-9c7e-2a1d0e9f8b7c'
    $script:Legacy = '9e4b7a10-2c3d-4e5f-8a9b-0c1d2e3f4a5b'
    $script:Main = Join-Path $CodeHome "sessions/wd_payments-api_1629fe615d2d/$Session/agents/main/wire.jsonl"
}

Describe 'Kimi Code' {
    Context 'the default locations' {
        BeforeAll {
            $saved = $env:KIMI_CODE_HOME, $env:KIMI_SHARE_DIR
            $env:KIMI_CODE_HOME = $CodeHome
            $env:KIMI_SHARE_DIR = $ShareDir
        }
        AfterAll {
            $env:KIMI_CODE_HOME, $env:KIMI_SHARE_DIR = $saved
        }

        It 'reads both homes: a record per agent journal and per context file, the files beside them read with them' {
            $records = Get-AgentRollout -Format KimiCode -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            @($records.TraceId | Sort-Object) | Should -Be @($Legacy, "$($Legacy):a3c9e1f0", "$($Legacy):context_1", $Session, "$($Session):agent-0")
            $records.Format | Select-Object -Unique | Should -Be 'KimiCode'
            $records.SourceKind | Select-Object -Unique | Should -Be 'kimi_code'
            @($records | Where-Object IsSidechain | ForEach-Object AgentId | Sort-Object) | Should -Be @('a3c9e1f0', 'agent-0')
            ($records | Where-Object TraceId -eq $Session).SourcePath | Should -Be $Main
        }

        It 'finds a session without -Format too, and by id' {
            $record = Get-AgentRollout -Id $Session -WarningAction SilentlyContinue | Where-Object { -not $_.IsSidechain }
            $record.Title | Should -Be 'Fix the flaky retry backoff test'
            $record.Cwd | Should -Be '/home/dev/projects/payments-api'
        }

        It 'pairs calls with their results and states the usage of each step and of the compaction' {
            $main = Get-AgentRollout -Format KimiCode -Id $Session | Where-Object { -not $_.IsSidechain }
            @($main.Messages.Kind | ForEach-Object ToString) | Should -Be @('Context', 'Prompt', 'Response', 'ToolResult', 'ToolResult', 'Response', 'ToolResult',
                'Response', 'ToolResult', 'Response', 'Command', 'Command', 'CompactionSummary', 'Prompt', 'Response')
            $calls = $main | Get-RolloutToolCall
            @($calls.Status | ForEach-Object ToString) | Should -Be @('Succeeded', 'Failed', 'Succeeded', 'Succeeded')
            $main.InputTokens | Should -Be 7772
            $main.CacheReadTokens | Should -Be 58910
            $usage = $main | Measure-AgentRollout -WarningAction SilentlyContinue
            $usage.OutputTokens | Should -Be 780
        }

        It 'is listed by Get-RolloutFormat with both folders and its session count' {
            $format = Get-RolloutFormat -Format KimiCode
            $format.SourceKind | Should -Be 'kimi_code'
            $format.DefaultLocations | Should -Be @((Join-Path $CodeHome 'sessions'), (Join-Path $ShareDir 'sessions'))
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 5
        }
    }

    It 'reports a damaged line by file and number, and reads the rest of the journal' {
        $damaged = Join-Path $TestDrive 'damaged'
        Copy-Item -Recurse $CodeHome $damaged
        $path = Join-Path $damaged "sessions/wd_payments-api_1629fe615d2d/$Session/agents/main/wire.jsonl"
        $lines = Get-Content $path
        $lines[5] = $lines[5].Substring(0, 40)
        Set-Content -Path $path -Value $lines
        $records = Get-AgentRollout -Path (Join-Path $damaged 'sessions') -Format KimiCode -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors -ErrorAction SilentlyContinue
        @($records.TraceId | Sort-Object) | Should -Be @($Session, "$($Session):agent-0")
        $problems = @($warnings) + @($errors)
        $problems.Count | Should -Be 1
        "$problems" | Should -BeLike "*wire.jsonl:6:*"
        # The prompt on that line is lost and said to be; the steps after it still read.
        ($records | Where-Object TraceId -eq $Session).Messages[0].Kind | Should -Be 'Context'
        ($records | Where-Object TraceId -eq $Session).Messages[1].Kind | Should -Be 'Response'
    }
}
