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
            # The snapshot after the compaction holds what the records before it gave: nothing above comes twice.
            $main.SourceMeta['context_snapshots'] | Should -Be 1
        }

        It 'is listed by Get-RolloutFormat with its three folders and its session count' {
            $format = Get-RolloutFormat -Format KimiCode
            $format.SourceKind | Should -Be 'kimi_code'
            # Scream Code's home, a fork of Kimi Code's, is left where Common.ps1 points it: a folder that does not exist.
            $format.DefaultLocations | Should -Be @((Join-Path $CodeHome 'sessions'), (Join-Path $ShareDir 'sessions'), (Join-Path $env:SCREAM_CODE_HOME 'sessions'))
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 5
        }
    }

    It 'reads Scream Code''s home, a fork keeping Kimi Code''s journals, as a default location' {
        $saved = $env:SCREAM_CODE_HOME
        $env:SCREAM_CODE_HOME = $CodeHome
        try {
            $records = Get-AgentRollout -Format KimiCode -WarningAction SilentlyContinue
            @($records.TraceId | Sort-Object) | Should -Be @($Session, "$($Session):agent-0")
            $records[0].SourcePath | Should -BeLike "$CodeHome*"
        }
        finally { $env:SCREAM_CODE_HOME = $saved }
    }

    It 'links a subagent from the call its parent''s result names, even when its task reads otherwise' {
        $copy = Join-Path $TestDrive 'reworded'
        Copy-Item -Recurse $CodeHome $copy
        $sub = Join-Path $copy "sessions/wd_payments-api_1629fe615d2d/$Session/agents/agent-0/wire.jsonl"
        (Get-Content -Raw $sub) -replace 'Find where the payment client computes', 'Look up how the payment client computes' | Set-Content -NoNewline $sub
        $records = Get-AgentRollout -Path (Join-Path $copy 'sessions') -Format KimiCode
        ($records | Where-Object AgentId -eq 'agent-0').SourceMeta['parent_tool_use_id'] | Should -Be 'tool_Agent_03'
        $folder = Join-Path $TestDrive 'reworded-html'
        $records | Export-RolloutTranscript -Destination $folder -As Html | Out-Null
        $links = Get-ChildItem -LiteralPath $folder -Filter '*.html' | Get-Content -Raw | ForEach-Object { [regex]::Matches($_, '<p class="link"><a href="([^"#]+)">Subagent transcript: ') }
        @($links).Count | Should -Be 1
    }

    It 'reads a journal that opens with a snapshot from its history, then what follows it' {
        $folder = Join-Path $TestDrive 'snapshot/sessions/wd_docs_0123456789ab/session_1/agents/main'
        New-Item -ItemType Directory -Path $folder | Out-Null
        $summary = '{"role":"assistant","content":[{"type":"text","text":"We fixed the parser."}],"toolCalls":[],"origin":{"kind":"compaction_summary"}}'
        $kept = '{"role":"user","content":[{"type":"text","text":"now the docs"}],"toolCalls":[],"origin":{"kind":"user"}}'
        Set-Content -Path (Join-Path $folder 'wire.jsonl') -Value @(
            '{"type":"metadata","protocol_version":"1.4","created_at":1782295200000}'
            '{"type":"context.snapshot","snapshot":{"history":[' + $summary + ',' + $kept + '],"tokenCount":900,"tokenCountCoveredMessageCount":2,"openSteps":[],"pendingToolResultIds":[],"deferredMessages":[]},"compactedHistory":[],"time":1782295230000}'
            '{"type":"context.append_message","message":{"role":"user","content":[{"type":"text","text":"and the changelog"}],"toolCalls":[],"origin":{"kind":"user"}},"time":1782295240000}'
        )
        $record = Get-AgentRollout -Path (Join-Path $TestDrive 'snapshot/sessions') -Format KimiCode
        @($record.Messages.Kind | ForEach-Object ToString) | Should -Be @('CompactionSummary', 'Prompt', 'Prompt')
        @($record.Messages.Text) | Should -Be @('We fixed the parser.', 'now the docs', 'and the changelog')
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
