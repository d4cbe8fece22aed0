# The README's quick start tour, typed as it is written, with the agents' environment variables pointing at samples/.
# It runs in TestDrive (with an out/ folder, as the repository root has after a build) so its files land there.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $samples = (Resolve-Path $SamplesRoot).Path
    $variables = 'CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'PI_CODING_AGENT_DIR', 'HERMES_HOME'
    $saved = @{}
    foreach ($name in $variables) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    $env:CLAUDE_CONFIG_DIR = "$samples/claude-code"
    $env:CODEX_HOME = "$samples/codex"
    $env:PI_CODING_AGENT_DIR = "$samples/pi/agent"
    $env:HERMES_HOME = "$samples/hermes"
    New-Item -ItemType Directory -Path (Join-Path $TestDrive 'out') | Out-Null
    Push-Location $TestDrive
}

AfterAll {
    Pop-Location
    foreach ($name in $variables) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
}

Describe 'README quick start' {
    It 'shows the tour''s commands in the README as the test types them' {
        $readme = Get-Content (Join-Path $PSScriptRoot '../../README.md') -Raw
        foreach ($line in @(
                'Import-Module ./out/RolloutTools/0.1.0/RolloutTools.psd1'
                '$env:CLAUDE_CONFIG_DIR   = "$PWD/samples/claude-code"'
                '$env:CODEX_HOME          = "$PWD/samples/codex"'
                '$env:PI_CODING_AGENT_DIR = "$PWD/samples/pi/agent"'
                '$env:HERMES_HOME         = "$PWD/samples/hermes"'
                'Get-AgentRollout -Id 2cb29738 '
                'Get-AgentRollout | Protect-AgentRollout | Export-AgentRollout -Path ./out/train.jsonl -As OpenAIChat'
                'Get-AgentRollout -Id 2cb29738 | Export-RolloutTranscript -Destination ./out/transcripts -As Html')) {
            $readme.Contains($line) | Should -BeTrue -Because "the README shows: $line"
        }
        Join-Path (Split-Path $ModulePath) 'RolloutTools.psd1' | Should -Exist
        (Import-PowerShellDataFile $ModulePath).ModuleVersion | Should -Be '0.1.0' -Because 'the README names out/RolloutTools/0.1.0/'
    }

    It 'Get-RolloutFormat finds traces in each variable''s samples' {
        $formats = Get-RolloutFormat
        foreach ($format in 'ClaudeCode', 'Codex', 'PiCodingAgent', 'HermesAgent') {
            $row = $formats | Where-Object Format -eq $format
            $row.Present | Should -BeTrue -Because "$format's variable points at samples/"
            $row.SessionCount | Should -BeGreaterThan 0
            $row.DefaultLocations | Should -BeLike "$samples*"
        }
    }

    It 'Get-AgentRollout | Format-Table shows one row per session of all four samples' {
        $records = Get-AgentRollout
        ($records.Format | ForEach-Object ToString | Sort-Object -Unique) | Should -Be @('ClaudeCode', 'Codex', 'HermesAgent', 'PiCodingAgent')
        $records.SourcePath | ForEach-Object { $_ | Should -BeLike "$samples*" }
        $table = Get-AgentRollout | Format-Table | Out-String -Width 120
        $table | Should -Match '(?m)^2cb29738 +ClaudeCode'
        ($table -split "`n" | Where-Object { $_ -match '^\S{8}\*? ' }).Count | Should -Be $records.Count
    }

    It 'one session''s .Messages is its conversation, prompt first' {
        $session = Get-AgentRollout | Select-Object -First 1
        $session.Messages.Count | Should -Be $session.MessageCount
        $first = $session.Messages | Select-Object -First 1
        $first.Kind | Should -Be 'Prompt'
        $first.Role | Should -Be 'User'
        $session.Messages | Out-String -Width 120 | Should -Match 'Prompt +Add a shipping-rate lookup'
    }

    It 'Get-AgentRollout -Id 2cb29738 opens that session with its two subagents' {
        $found = Get-AgentRollout -Id 2cb29738
        $found | Should -HaveCount 3
        $found.TraceId | ForEach-Object { $_ | Should -BeLike '2cb29738*' }
        @($found | Where-Object IsSidechain) | Should -HaveCount 2
    }

    It 'Measure-Object TotalTokens -Sum adds up every token' {
        $records = Get-AgentRollout
        $sum = (Get-AgentRollout | Measure-Object TotalTokens -Sum).Sum
        $sum | Should -BeGreaterThan 0
        $sum | Should -Be (($records | ForEach-Object { $_.InputTokens + $_.OutputTokens + $_.CacheReadTokens + $_.CacheWriteTokens }) | Measure-Object -Sum).Sum
    }

    It 'Protect-AgentRollout | Export-AgentRollout -As OpenAIChat writes one chat per session, warning about the one without an answer' {
        $count = (Get-AgentRollout).Count
        Get-AgentRollout | Protect-AgentRollout | Export-AgentRollout -Path ./out/train.jsonl -As OpenAIChat -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -HaveCount 1
        "$warned" | Should -Match 'no assistant message'
        $lines = Get-Content ./out/train.jsonl
        $lines | Should -HaveCount ($count - 1)
        foreach ($line in $lines) { ($line | ConvertFrom-Json).messages.role | Should -Contain 'assistant' }
        $lines -join "`n" | Should -Not -Match '/home/dev/' -Because 'home directories are redacted to ~'
    }

    It 'Export-RolloutTranscript -As Html writes a page per session' {
        Get-AgentRollout -Id 2cb29738 | Export-RolloutTranscript -Destination ./out/transcripts -As Html
        $pages = Get-ChildItem ./out/transcripts -Filter *.html | Where-Object Name -ne 'index.html'
        $pages | Should -HaveCount 3
        './out/transcripts/index.html' | Should -FileContentMatch 'EU shipping rates from the 2026 rate table'
        $pages | ForEach-Object { $_ | Should -FileContentMatch '<html' }
        ($pages | Get-Content -Raw) -join '' | Should -Match 'shipping-rate lookup'
    }
}
