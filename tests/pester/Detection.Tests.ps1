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

    It 'names the skipped files under -Verbose' {
        $verbose = Get-AgentRollout -Path $mixed -WarningAction SilentlyContinue -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -BeLike "*metrics.jsonl*no format recognises*"
    }

    It 'reads only the named format with -Format' {
        (Get-AgentRollout -Path $mixed -Format Codex).Format | Should -Be 'Codex'
        (Get-AgentRollout -Path $mixed -Format ClaudeCode -WarningAction SilentlyContinue).Format | Should -Be 'ClaudeCode'
    }

    It 'detects the format of piped files and text without -Format' {
        (Get-ChildItem $mixed -Filter 'rollout-*' | ConvertTo-RolloutRecord).Format | Should -Be 'Codex'
        $codexFile = Get-ChildItem $mixed -Filter 'rollout-*'
        $record = Get-Content -LiteralPath $codexFile.FullName | ConvertTo-RolloutRecord
        $record.Format | Should -Be 'Codex'
        $record.TraceId | Should -Be '0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b'
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
        }
        finally {
            Remove-Item Env:CODEX_HOME
        }
    }
}
