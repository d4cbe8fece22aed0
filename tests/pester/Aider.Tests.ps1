BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/aider (a folder holding one repository aider ran in), so nothing a test does touches the committed files.
    $script:Root = Join-Path $TestDrive 'repos'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'aider') $Root
    $script:Repo = Join-Path $Root 'tally-app'
    $script:History = Join-Path $Repo '.aider.chat.history.md'
}

Describe 'Aider' {
    It 'finds the chat history by name in a recursive folder search: one record per run, the input history left alone' {
        $records = Get-AgentRollout -Path $Root -Recurse -ErrorVariable errors -WarningVariable warnings
        $errors | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        $records.Count | Should -Be 2
        $records.Format | Select-Object -Unique | Should -Be 'Aider'
        $records.SourceKind | Select-Object -Unique | Should -Be 'aider'
        $records.SourcePath | Select-Object -Unique | Should -Be $History
        $records.Cwd | Select-Object -Unique | Should -Be $Repo
        $records[0].TraceId | Should -Match '^aider-[0-9a-f]{12}-20250314T091205$'
        $records[0].StartedAt.DateTime | Should -Be ([datetime]'2025-03-14 09:12:05')
        $records[1].Models | Should -Be @('gpt-4o', 'ollama_chat/qwen2.5-coder:7b')
    }

    It 'keeps every kind of line: context, commands, prompts, responses with usage, and aider''s output' {
        $run = Get-AgentRollout -Path $History | Select-Object -First 1
        @($run.Messages.Kind | ForEach-Object ToString) | Should -Be @('Context', 'Command', 'Synthetic', 'Prompt', 'Response', 'Synthetic', 'Command', 'Prompt', 'Response', 'Command', 'Synthetic')
        $run.Messages[3].Text | Should -Be "make count_words ignore punctuation`nand keep the result sorted by word"
        $run.Messages[4].Usage.CacheWriteTokens | Should -Be 2000
        $run.SourceMeta['token_counts'] | Should -BeLike 'rounded*'
    }

    It 'measures the cost aider states for each response' {
        $first = (Get-AgentRollout -Path $History)[0]
        $row = Measure-AgentRollout -Path $History -GroupBy Session -WarningAction SilentlyContinue | Where-Object Session -eq $first.TraceId
        $row.OutputTokens | Should -Be 496
        $row.CostUsd | Should -Be 0.0291
        $row.CostSource | Should -Be 'Stated'
    }

    It 'reads a history under another name with -Format Aider, and says where a damaged last line is' {
        $renamed = Join-Path $TestDrive 'chat.md'
        [IO.File]::WriteAllText($renamed, "`n# aider chat started at 2025-01-02 03:04:05`n`n#### hello  `n`nHi.`n`n> Tokens: 12")
        $record = Get-AgentRollout -Format Aider -Path $renamed -WarningVariable warnings -WarningAction SilentlyContinue
        $record.Messages.Count | Should -Be 2
        $warnings.Count | Should -Be 1
        "$warnings" | Should -BeLike "*chat.md*8*incomplete*"
    }

    It 'is listed by Get-RolloutFormat without a default location' {
        $format = Get-RolloutFormat -Format Aider
        $format.DefaultLocations | Should -BeNullOrEmpty
        $format.FilePatterns | Should -Be '.aider.chat.history.md'
    }
}
