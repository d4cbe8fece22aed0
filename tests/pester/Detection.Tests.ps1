BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Format detection' {
    BeforeAll {
        $mixed = Join-Path $TestDrive 'mixed'
        New-ClaudeSession -Path (Join-Path $mixed 'claude-session.jsonl') -Prompt 'Claude prompt' | Out-Null
        New-CodexRollout -Path (Join-Path $mixed 'rollout-2025-11-20T14-05-09-0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b.jsonl') -SessionId '0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b' -Prompt 'Codex prompt' | Out-Null
        Set-Content -LiteralPath (Join-Path $mixed 'metrics.jsonl') -Value '{"metric":"latency","value":12}', '{"metric":"latency","value":14}'
        Set-Content -LiteralPath (Join-Path $mixed 'config.json') -Value '{"theme":"dark"}'
        Set-Content -LiteralPath (Join-Path $mixed 'notes.txt') -Value 'not a trace'
    }

    It 'reads each file as the format its content shows and reports the rest once' {
        $records = Get-AgentRollout -Path $mixed -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors
        $records.Format | Should -Be @('ClaudeCode', 'Codex')
        $records.Title | Should -Be @('Claude prompt', 'Codex prompt')
        $errors | Should -BeNullOrEmpty
        $warnings.Count | Should -Be 1
        "$warnings" | Should -BeLike 'Skipped 1 file*not agent traces*'
    }

    It 'reads files with Claude Code''s envelope around Gemini content as Qwen Code, never as empty Claude Code records' {
        $qwen = Join-Path $TestDrive 'qwen/chats'
        New-Item -ItemType Directory -Path $qwen -Force | Out-Null
        $envelope = '"sessionId":"5b1c0e2a-0000-4000-8000-000000000001","cwd":"/home/dev/acme-shop","version":"0.14.2"'
        $user = "{`"uuid`":`"q2`",`"parentUuid`":`"q1`",$envelope,`"timestamp`":`"2026-03-01T10:00:01.000Z`",`"type`":`"user`",`"message`":{`"role`":`"user`",`"parts`":[{`"text`":`"Add a health check`"}]}}"
        $model = "{`"uuid`":`"q3`",`"parentUuid`":`"q2`",$envelope,`"timestamp`":`"2026-03-01T10:00:04.000Z`",`"type`":`"assistant`",`"model`":`"qwen3-coder-plus`",`"message`":{`"role`":`"model`",`"parts`":[{`"text`":`"Adding /healthz.`"}]}}"
        $system = "{`"uuid`":`"q1`",`"parentUuid`":null,$envelope,`"timestamp`":`"2026-03-01T10:00:00.000Z`",`"type`":`"system`",`"subtype`":`"ui_telemetry`",`"systemPayload`":{}}"
        Set-Content -LiteralPath (Join-Path $qwen 'a.jsonl') -Value $user, $model
        Set-Content -LiteralPath (Join-Path $qwen 'b.jsonl') -Value $system, $user, $model
        $records = Get-AgentRollout -Path $qwen -WarningVariable warnings -ErrorVariable errors
        $errors | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        $records.Format | Should -Be @('QwenCode', 'QwenCode')
        $records | ForEach-Object { $_.Messages.Text | Should -Be @('Add a health check', 'Adding /healthz.') }

        $asClaude = Get-AgentRollout -Path $qwen -Format ClaudeCode -ErrorVariable errors -Verbose 4>&1
        @($asClaude | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }) | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
        ($asClaude.Message -join "`n") | Should -BeLike '*a.jsonl*is a QwenCode trace, and -Format asked for ClaudeCode*'
    }

    It 'names the skipped files under -Verbose' {
        $verbose = Get-AgentRollout -Path $mixed -WarningAction SilentlyContinue -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -BeLike "*metrics.jsonl*no format recognises*"
    }

    It 'reads only the named format with -Format' {
        (Get-AgentRollout -Path $mixed -Format Codex).Format | Should -Be 'Codex'
        (Get-AgentRollout -Path $mixed -Format ClaudeCode -WarningAction SilentlyContinue).Format | Should -Be 'ClaudeCode'
    }

    It 'reads piped input as the named format with ConvertTo-RolloutRecord -Format' {
        $codexFile = Get-ChildItem $mixed -Filter 'rollout-*'
        $record = $codexFile | ConvertTo-RolloutRecord -Format ClaudeCode -WarningAction SilentlyContinue -Verbose 4>&1 | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $record | Should -BeNullOrEmpty -Because 'a Codex rollout holds no Claude Code conversation'
        ($codexFile | ConvertTo-RolloutRecord -Format Codex).Format | Should -Be 'Codex'
    }

    It 'detects the format of piped files and text without -Format' {
        (Get-ChildItem $mixed -Filter 'rollout-*' | ConvertTo-RolloutRecord).Format | Should -Be 'Codex'
        $codexFile = Get-ChildItem $mixed -Filter 'rollout-*'
        $record = Get-Content -LiteralPath $codexFile.FullName | ConvertTo-RolloutRecord
        $record.Format | Should -Be 'Codex'
        $record.TraceId | Should -Be '0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b'
    }

    It 'reports damage in a rollout as the format its name points to' {
        $damaged = Join-Path $TestDrive 'damaged/rollout-2025-11-20T14-05-09-0199a0b1-cccc-7e4f-8a9b-0c1d2e3f4a5b.jsonl'
        New-Item -ItemType Directory -Path (Split-Path $damaged) -Force | Out-Null
        Set-Content -LiteralPath $damaged -Value 'garbage that is not json'
        { Get-AgentRollout -Path $damaged -ErrorAction Stop } | Should -Throw -ErrorId 'RolloutParseError,*'
        $null = Get-AgentRollout -Path $damaged -Format Codex -ErrorVariable errors -ErrorAction SilentlyContinue
        ($errors | Where-Object FullyQualifiedErrorId -like 'RolloutNoUsableLines,*').Count | Should -Be 1
    }

    It 'never takes the agents'' sidecar files for traces, and reads a Codex home whole' {
        $codexHome = Join-Path $TestDrive 'codex-home'
        New-CodexRollout -Path (Join-Path $codexHome 'sessions/2025/11/20/rollout-2025-11-20T14-05-09-0199a0b1-dddd-7e4f-8a9b-0c1d2e3f4a5b.jsonl') -SessionId '0199a0b1-dddd-7e4f-8a9b-0c1d2e3f4a5b' | Out-Null
        Set-Content -LiteralPath (Join-Path $codexHome 'session_index.jsonl') -Value '{"id":"0199a0b1-dddd-7e4f-8a9b-0c1d2e3f4a5b","thread_name":"Named","updated_at":"2025-11-20T21:06:00Z"}'
        Set-Content -LiteralPath (Join-Path $codexHome 'history.jsonl') -Value '{"session_id":"0199a0b1-dddd-7e4f-8a9b-0c1d2e3f4a5b","ts":1763672769,"text":"Run the tests"}'
        foreach ($recurse in $false, $true) {
            $record = Get-AgentRollout -Path $codexHome -Recurse:$recurse -WarningVariable warnings -WarningAction SilentlyContinue
            $record.Title | Should -Be 'Named'
            $warnings | Should -BeNullOrEmpty -Because 'history.jsonl and session_index.jsonl are not read as traces'
        }
    }

    It 'reads Codex traces from CODEX_HOME, with active sessions winning over archived copies' {
        $codexHome = Join-Path $TestDrive 'codex'
        $name = 'rollout-2025-11-20T14-05-09-0199a0b1-aaaa-7e4f-8a9b-0c1d2e3f4a5b.jsonl'
        New-CodexRollout -Path (Join-Path $codexHome "sessions/2025/11/20/$name") -SessionId '0199a0b1-aaaa-7e4f-8a9b-0c1d2e3f4a5b' -Prompt 'Active copy' | Out-Null
        New-CodexRollout -Path (Join-Path $codexHome "archived_sessions/2025/11/20/$name") -SessionId '0199a0b1-aaaa-7e4f-8a9b-0c1d2e3f4a5b' -Prompt 'Archived copy' | Out-Null
        New-CodexRollout -Path (Join-Path $codexHome 'archived_sessions/2025/10/01/rollout-2025-10-01T07-00-00-0199a0b1-bbbb-7e4f-8a9b-0c1d2e3f4a5b.jsonl') -SessionId '0199a0b1-bbbb-7e4f-8a9b-0c1d2e3f4a5b' -Prompt 'Only archived' | Out-Null
        $env:CODEX_HOME = $codexHome
        try {
            $records = Get-AgentRollout -Format Codex
            $records.Title | Should -Be @('Active copy', 'Only archived')
            $records[0].InputTokens | Should -Be 300
            $records[0].CacheReadTokens | Should -Be 600
            $records[0].OutputTokens | Should -Be 80
            $records[0].Messages[2].ExitCode | Should -Be 0
            $records[0].Messages[2].ToolDuration | Should -Be ([TimeSpan]::FromSeconds(5.5))

            # The same rule holds for the home named as a path (read as CODEX_HOME is), and for a search by hand above it.
            $verbose = Get-AgentRollout -Path $codexHome -Verbose 4>&1
            @($verbose | Where-Object { $_ -is [RolloutTools.Core.Model.RolloutRecord] }).Title | Should -Be @('Active copy', 'Only archived')
            "$($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })" | Should -BeLike "*archived_sessions*$name'*: it is a copy of '*sessions*$name', which is read instead*"
            $byHand = Join-Path $TestDrive 'by-hand'
            New-Item -ItemType Directory $byHand | Out-Null
            Copy-Item -Recurse $codexHome (Join-Path $byHand 'laptop')
            $verbose = Get-AgentRollout -Path $byHand -Recurse -Verbose 4>&1
            @($verbose | Where-Object { $_ -is [RolloutTools.Core.Model.RolloutRecord] }).Title | Should -Be @('Only archived', 'Active copy')
            "$($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })" | Should -BeLike "*archived_sessions*$name'*: it is a copy of '*sessions*$name', which is read instead*"
        }
        finally {
            Remove-Item Env:CODEX_HOME
        }
    }
}
