BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Get-RolloutFormat' {
    BeforeAll {
        $claude = Join-Path $TestDrive 'claude'
        New-ClaudeSession -Path (Join-Path $claude 'projects/-home-dev-x/s1.jsonl') -Prompt 'One' | Out-Null
        New-ClaudeSession -Path (Join-Path $claude 'projects/-home-dev-x/s2.jsonl') -Prompt 'Two' | Out-Null
        $env:CLAUDE_CONFIG_DIR = $claude
        $env:CODEX_HOME = Join-Path $TestDrive 'no-codex-here'
        $env:PI_CODING_AGENT_DIR = Join-Path $TestDrive 'no-pi-here'
        $env:HERMES_HOME = Join-Path $TestDrive 'no-hermes-here'
    }
    AfterAll {
        Remove-Item Env:CLAUDE_CONFIG_DIR, Env:CODEX_HOME, Env:PI_CODING_AGENT_DIR, Env:HERMES_HOME -ErrorAction SilentlyContinue
    }

    It 'lists every format with its locations, presence and trace count' {
        $formats = Get-RolloutFormat
        $formats.Format | Should -Be @('ClaudeCode', 'Codex', 'PiCodingAgent', 'Normalized', 'Atif', 'HermesAgent', 'QwenCode', 'GeminiCli', 'OpenCode', 'Cursor', 'CopilotCli', 'Cline', 'Goose', 'Aider', 'MistralVibe', 'SweAgent', 'OpenHands', 'Crush', 'Continue', 'GrokCli', 'Amp', 'FactoryDroid', 'Zed', 'KimiCode', 'OpenClaw', 'DevinCli', 'Antigravity', 'KiroCli', 'CopilotChat', 'CursorIde')
        $formats[0].SourceKind | Should -Be 'claude_code'
        $formats[0].Present | Should -BeTrue
        $formats[0].SessionCount | Should -Be 2
        $formats[0].DefaultLocations | Should -Be (Join-Path $claude 'projects')
        $formats[1].Present | Should -BeFalse
        $formats[1].SessionCount | Should -Be 0
        $formats[1].DefaultLocations | Should -Be @((Join-Path $env:CODEX_HOME 'sessions'), (Join-Path $env:CODEX_HOME 'archived_sessions'))
        $formats[1].FilePatterns | Should -Contain 'rollout-*.jsonl'
    }

    It 'takes format names' {
        (Get-RolloutFormat -Format Codex).Format | Should -Be 'Codex'
        ('ClaudeCode' | Get-RolloutFormat).Format | Should -Be 'ClaudeCode'
    }

    It 'pipes into Get-AgentRollout, which reads the present formats' {
        $records = Get-RolloutFormat | Where-Object Present | Get-AgentRollout
        $records.Title | Should -Be @('One', 'Two')
    }

    It 'shows a table' {
        Get-RolloutFormat | Format-Table | Out-String | Should -Match 'Format\s+SourceKind\s+Present\s+Sessions'
    }
}
