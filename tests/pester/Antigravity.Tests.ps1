BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/antigravity (a user's home), so that nothing a test does can touch the committed files.
    $script:AgyHome = Join-Path $TestDrive 'agy-home'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'antigravity') $AgyHome
    $script:CliBrain = Join-Path $AgyHome '.gemini/antigravity-cli/brain'
    $script:IdeBrain = Join-Path $AgyHome '.gemini/antigravity/brain'
    $script:Units = '3f6c2a1e-8b4d-4e7a-9c15-2d7e9b0a4f61'
    $script:Build = '8a1d4b2c-6e3f-4a90-b7c1-5f2e8d9c0a13'
    $script:Audit = 'c5e7a9b1-2d4f-4613-8a5c-7e9f1b3d5a70'
}

Describe 'Antigravity' {
    Context 'the default locations' {
        BeforeAll {
            $saved = $env:HOME
            $env:HOME = $AgyHome
        }
        AfterAll {
            $env:HOME = $saved
        }

        It 'reads the brain folders of the CLI and the IDE under the home: one record per conversation folder' {
            $records = Get-AgentRollout -Format Antigravity -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            @($records.TraceId) | Should -Be @($Units, $Build, $Audit)
            $records.Format | Select-Object -Unique | Should -Be 'Antigravity'
            $records.SourceKind | Select-Object -Unique | Should -Be 'antigravity'
            $records[0].SourcePath | Should -Be (Join-Path $CliBrain "$Units/.system_generated/logs/transcript_full.jsonl")
            $records[2].SourcePath | Should -Be (Join-Path $IdeBrain "$Audit/.system_generated/logs/transcript.jsonl")
        }

        It 'is listed by Get-RolloutFormat with its three folders, two of them present, and its conversation count' {
            $format = Get-RolloutFormat -Format Antigravity
            $format.SourceKind | Should -Be 'antigravity'
            $format.DefaultLocations | Should -Be @($CliBrain, $IdeBrain, (Join-Path $AgyHome '.gemini/antigravity-ide/brain'))
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 3
        }

        It 'finds a conversation by its id, with each call paired with the step that answers it and the model chosen' {
            $units = Get-AgentRollout -Format Antigravity -Id $Units
            $units.Title | Should -Be 'Add a --units flag to the forecast command and document it in the README.'
            $units.Models | Should -Be 'Gemini 3.5 Flash (High)'
            $calls = $units | Get-RolloutToolCall
            $calls.Name | Should -Be @('list_dir', 'view_file', 'grep_search', 'replace_file_content', 'run_command', 'search_web', 'run_command')
            $calls.Status | Select-Object -Unique | Should -Be 'Succeeded'
            $calls[4].Arguments | Should -BeLike '*"CommandLine":"npm test"*'
            (Get-AgentRollout -Format Antigravity -Id $Build | Get-RolloutToolCall).Status | Should -Be @('Succeeded', 'NoResult')
        }

        It 'counts the input tokens each response states in Measure-AgentRollout, and none where no response states any' {
            $rows = Measure-AgentRollout -Format Antigravity -GroupBy Session -WarningAction SilentlyContinue
            ($rows | Where-Object Session -eq $Units).InputTokens | Should -Be 105644
            ($rows | Where-Object Session -eq $Units).OutputTokens | Should -Be 0
            ($rows | Where-Object Session -eq $Audit).InputTokens | Should -Be 0
        }
    }

    It 'reads a .gemini folder named as a path: Antigravity''s brains beside Gemini CLI''s tmp/, each by its own format' {
        $gemini = Join-Path $TestDrive 'both/.gemini'
        Copy-Item -Recurse (Join-Path $AgyHome '.gemini') $gemini
        Copy-Item -Recurse (Join-Path $SamplesRoot 'gemini-cli/.gemini/tmp') (Join-Path $gemini 'tmp')
        $records = Get-AgentRollout -Path $gemini -WarningAction SilentlyContinue
        @($records | Where-Object Format -eq 'Antigravity').Count | Should -Be 3
        @($records | Where-Object Format -eq 'GeminiCli').Count | Should -BeGreaterThan 0
        @($records.Format | ForEach-Object ToString | Sort-Object -Unique) | Should -Be @('Antigravity', 'GeminiCli')
    }

    It 'reads the full transcript once when the clipped transcript.jsonl is beside it' {
        $logs = Join-Path $TestDrive "clipped/brain/$Units/.system_generated/logs"
        New-Item -ItemType Directory -Path $logs | Out-Null
        Copy-Item (Join-Path $CliBrain "$Units/.system_generated/logs/transcript_full.jsonl") $logs
        Get-Content -LiteralPath (Join-Path $logs 'transcript_full.jsonl') | Select-Object -First 3 | Set-Content -LiteralPath (Join-Path $logs 'transcript.jsonl')
        $records = @(Get-AgentRollout -Path (Join-Path $TestDrive 'clipped/brain') -Recurse)
        $records.Count | Should -Be 1
        $records[0].SourceMeta['transcript'] | Should -Be 'transcript_full.jsonl'
    }

    It 'reports a damaged line by its file and number, and reads the rest' {
        $copy = Join-Path $TestDrive "damaged/brain/$Build/.system_generated/logs"
        New-Item -ItemType Directory -Path $copy | Out-Null
        $file = Join-Path $copy 'transcript.jsonl'
        $lines = Get-Content -LiteralPath (Join-Path $CliBrain "$Build/.system_generated/logs/transcript.jsonl")
        @($lines[0], '{"step_index":1,"source":"SYSTEM","ty', $lines[1..($lines.Count - 1)]) | ForEach-Object { $_ } | Set-Content -LiteralPath $file
        $record = Get-AgentRollout -LiteralPath $file -ErrorVariable errors -ErrorAction SilentlyContinue
        $record.TraceId | Should -Be $Build
        $record.Messages.Count | Should -Be 4
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
        "$($errors[0])" | Should -BeLike '*transcript.jsonl:2:*'
    }
}
