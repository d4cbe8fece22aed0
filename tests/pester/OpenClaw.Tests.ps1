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
