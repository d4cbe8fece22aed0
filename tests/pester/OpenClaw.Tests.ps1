BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/openclaw/state (an OPENCLAW_STATE_DIR), so that nothing a test does can touch the committed files.
    $script:State = Join-Path $TestDrive 'openclaw-state'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'openclaw/state') $State
    $script:Agents = Join-Path $State 'agents'
    $script:MainSessions = Join-Path $Agents 'main/sessions'
    $script:Direct = '7c9e2f14-3b6a-4d85-9e1f-0a2b3c4d5e6f'
    $script:Reset = '5a1d8c37-2e4f-4b69-8a0c-1f2e3d4c5b6a'
    $script:Subagent = 'e4f5a6b7-c8d9-4e0f-a1b2-c3d4e5f6a7b8'
}

Describe 'OpenClaw' {
    Context 'the default location' {
        BeforeAll {
            $saved = $env:OPENCLAW_STATE_DIR
            $env:OPENCLAW_STATE_DIR = $State
        }
        AfterAll {
            $env:OPENCLAW_STATE_DIR = $saved
        }

        It 'reads every agent''s sessions and their archives, with who and where from sessions.json' {
            $records = Get-AgentRollout -Format OpenClaw -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            $records.Count | Should -Be 6
            $records.Format | Select-Object -Unique | Should -Be 'OpenClaw'
            $records.SourceKind | Select-Object -Unique | Should -Be 'openclaw'
            @($records | ForEach-Object { $_.SourceMeta['agent_id'] } | Sort-Object -Unique) | Should -Be @('main', 'work')
            $direct = $records | Where-Object TraceId -eq $Direct
            $direct.SourceMeta['session_key'] | Should -Be 'agent:main:main'
            $direct.SourceMeta['origin_from'] | Should -Be 'telegram:5550001'
            ($records | Where-Object TraceId -eq $Reset).SourceMeta['archived'] | Should -Be 'reset'
        }

        It 'finds them without -Format too, by id, and a subagent''s session under the session that spawned it' {
            $record = Get-AgentRollout -Id $Subagent -WarningAction SilentlyContinue
            $record.Format | Should -Be 'OpenClaw'
            $record.IsSidechain | Should -BeTrue
            $record.RootSessionId | Should -Be $Direct
            $record.Title | Should -Be 'Price check'
        }

        It 'shows a delivery mirror as Synthetic, another session''s report as AgentMessage, and bills neither' {
            $direct = Get-AgentRollout -Format OpenClaw -Id $Direct
            $kinds = @($direct.Messages.Kind | ForEach-Object ToString)
            $kinds | Should -Contain 'AgentMessage'
            $mirror = $direct.Messages | Where-Object { $_.Kind -eq 'Synthetic' -and $_.Text -like 'Valve:*' }
            $mirror.Role | Should -Be 'Assistant'
            $mirror.Model | Should -BeNullOrEmpty
            $direct.Models | Should -Be 'claude-sonnet-4-5'
            $direct.SourceMeta['delivery_mirrors'] | Should -Be 1
            $calls = $direct | Get-RolloutToolCall
            @($calls.Name) | Should -Be @('memory_search', 'sessions_spawn', 'message')
        }

        It 'is listed by Get-RolloutFormat with its agents folder and its session count' {
            $format = Get-RolloutFormat -Format OpenClaw
            $format.SourceKind | Should -Be 'openclaw'
            $format.DefaultLocations | Should -Be $Agents
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 6
        }
    }

    It 'reads a state dir, its agents folder or one agent''s sessions folder as the store, wherever it is' {
        @(Get-AgentRollout $State).Count | Should -Be 6
        @(Get-AgentRollout $Agents).Count | Should -Be 6
        $main = @(Get-AgentRollout $MainSessions)
        $main.Count | Should -Be 4
        $main.Format | Select-Object -Unique | Should -Be 'OpenClaw'
    }

    It 'passes over a checkpoint copy beside a session, and reads a session named directly' {
        $copy = Join-Path $MainSessions "$Direct.checkpoint.3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f.jsonl"
        Copy-Item -LiteralPath (Join-Path $MainSessions "$Direct.jsonl") $copy
        try {
            @(Get-AgentRollout $MainSessions).Count | Should -Be 4
            (Get-AgentRollout -LiteralPath (Join-Path $MainSessions "$Direct.jsonl")).TraceId | Should -Be $Direct
        }
        finally {
            Remove-Item -LiteralPath $copy
        }
    }

    It 'warns once about a damaged sessions.json and still reads every session beside it' {
        $index = Join-Path $MainSessions 'sessions.json'
        $saved = Get-Content -LiteralPath $index -Raw
        Set-Content -LiteralPath $index -Value '{"agent:main:main": ' -NoNewline
        try {
            $records = Get-AgentRollout $MainSessions -WarningVariable warnings -WarningAction SilentlyContinue
            $records.Count | Should -Be 4
            @($warnings).Count | Should -Be 1
            "$warnings" | Should -BeLike '*sessions.json*ignored*'
            $records | ForEach-Object { $_.SourceMeta.ContainsKey('session_key') | Should -BeFalse }
        }
        finally {
            Set-Content -LiteralPath $index -Value $saved -NoNewline
        }
    }
}

Describe 'OpenClaw''s SQLite store' {
    BeforeAll {
        # A copy of samples/openclaw/state-sqlite: agents/ops/agent/openclaw-agent.sqlite and its cold archive.
        $script:SqliteState = Join-Path $TestDrive 'openclaw-sqlite'
        Copy-Item -Recurse (Join-Path $SamplesRoot 'openclaw/state-sqlite') $SqliteState
        $script:Database = Join-Path $SqliteState 'agents/ops/agent/openclaw-agent.sqlite'
        $script:Hot = '3c5e7a9b-1d2f-4a6b-8c0d-2e4f6a8b0c1d'
        $script:Cold = '8e0a2c4d-6f1b-4d3e-9a5c-7b9d1f3e5a7c'
        $script:Spawned = 'b1d3f5a7-9c2e-4b4d-8f6a-0c2e4a6c8e0a'
        $saved = $env:OPENCLAW_STATE_DIR
        $env:OPENCLAW_STATE_DIR = $SqliteState
    }
    AfterAll {
        $env:OPENCLAW_STATE_DIR = $saved
    }

    It 'reads each session of the database, a cold one from its archive, with who and where from session_nodes' {
        $records = Get-AgentRollout -Format OpenClaw -ErrorVariable errors -WarningVariable warnings
        $errors | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        @($records.TraceId) | Should -Be @($Cold, $Hot, $Spawned)
        $records.Format | Select-Object -Unique | Should -Be 'OpenClaw'
        $records.SourcePath | Select-Object -Unique | Should -Be $Database
        $current = $records | Where-Object TraceId -eq $Hot
        $current.SourceMeta['session_key'] | Should -Be 'agent:ops:main'
        ($current.Messages | Where-Object Kind -eq 'ToolResult' | Select-Object -First 1).Text | Should -BeLike '*db-2 OK*'
        ($records | Where-Object TraceId -eq $Cold).Messages[-1].Text | Should -BeLike '*12 December 2026*'
        ($records | Where-Object TraceId -eq $Spawned).RootSessionId | Should -Be $Hot
    }

    It 'reads only the rows asked for by -Id and -Since, and the database named directly' {
        (Get-AgentRollout -Format OpenClaw -Id $Spawned).TraceId | Should -Be $Spawned
        # The cold session's window last changed on 13 September, more than a day (the slack -Since allows) before.
        @((Get-AgentRollout -Format OpenClaw -Since '2026-09-15').TraceId) | Should -Be @($Hot, $Spawned)
        @(Get-AgentRollout -LiteralPath $Database).Count | Should -Be 3
    }

    It 'reports a row it cannot decompress with the database and its seq, and still reads the others' {
        $copy = Join-Path $TestDrive 'damaged'
        Copy-Item -Recurse $SqliteState $copy
        $damaged = Join-Path $copy 'agents/ops/agent/openclaw-agent.sqlite'
        # Overwrite the zstd frame of the hot session's read result (seq 5) with a frame header and nothing after it.
        $bytes = [IO.File]::ReadAllBytes($damaged)
        $frame = [byte[]](0x28, 0xB5, 0x2F, 0xFD)
        $at = -1
        for ($i = 0; $i -lt $bytes.Length - 4 -and $at -lt 0; $i++) {
            if ($bytes[$i] -eq $frame[0] -and $bytes[$i + 1] -eq $frame[1] -and $bytes[$i + 2] -eq $frame[2] -and $bytes[$i + 3] -eq $frame[3]) { $at = $i }
        }
        $at | Should -BeGreaterThan 0
        for ($i = $at + 6; $i -lt $at + 40; $i++) { $bytes[$i] = 0xFF }
        [IO.File]::WriteAllBytes($damaged, $bytes)
        $records = Get-AgentRollout -LiteralPath $damaged -ErrorVariable errors -ErrorAction SilentlyContinue
        @($records.TraceId) | Should -Be @($Cold, $Hot, $Spawned)
        @($errors).Count | Should -Be 1
        "$errors" | Should -BeLike "*seq 5 of session $Hot*"
        $errors[0].TargetObject | Should -Be $damaged
    }
}
