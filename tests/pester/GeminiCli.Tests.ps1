BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/gemini-cli (a home holding .gemini/), so that nothing a test does can touch the committed files.
    $script:GeminiHome = Join-Path $TestDrive 'gemini-home'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'gemini-cli') $GeminiHome
    $script:Main = '3f2a9c1e-7b4d-4e21-9a55-0c8e6d1f2b73'
    $script:All = @('9b1d2e7a-0c3f-4b5e-8d6a-1f2e3d4c5b6a', 'checkpoint-first%20try', "${Main}:codebase_investigator-a81c2f", $Main,
        'c47e8b10-5d2a-4f6b-8e3c-9a1b2d3c4e5f', 'checkpoint-before-refactor')
}

Describe 'Gemini CLI' {
    Context 'the default location' {
        BeforeAll {
            $env:GEMINI_CLI_HOME = $GeminiHome
        }
        AfterAll {
            . (Join-Path $PSScriptRoot 'Common.ps1')
        }

        It 'reads .gemini/tmp under GEMINI_CLI_HOME: sessions, subagents and checkpoints' {
            $records = Get-AgentRollout -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            $records.TraceId | Should -Be $All
            $records.Format | Select-Object -Unique | Should -Be 'GeminiCli'
            $records.SourceKind | Select-Object -Unique | Should -Be 'gemini_cli'
            ($records | Where-Object TraceId -eq $Main).Title | Should -Be 'Show forecast temperatures in Celsius'
        }

        It 'is listed by Get-RolloutFormat with its location' {
            $format = Get-RolloutFormat -Format GeminiCli
            $format | Should -Not -BeNullOrEmpty
            ($format | Out-String) | Should -BeLike '*GeminiCli*'
            ($format.PSObject.Properties.Value | Out-String) | Should -BeLike "*$([System.IO.Path]::Combine($GeminiHome, '.gemini', 'tmp'))*"
        }
    }

    Context 'a folder of samples' {
        It 'detects the format without -Format, and a checkpoint named by path' {
            $records = Get-AgentRollout -Path (Join-Path $GeminiHome '.gemini') -Recurse -ErrorVariable errors
            $errors | Should -BeNullOrEmpty
            $records.TraceId | Sort-Object | Should -Be ($All | Sort-Object)
            $checkpoint = Get-AgentRollout -LiteralPath (Join-Path $GeminiHome '.gemini/tmp/754b2f2410d411d47135d4cd44e16018140839d3d3cea2d6e7eafccb6c96b1d5/checkpoint-first%20try.json')
            $checkpoint.Title | Should -Be 'first try'
            $checkpoint.Format | Should -Be 'GeminiCli'
        }

        It 'pairs tool calls with the results stored inside them' {
            $calls = Get-AgentRollout -Path (Join-Path $GeminiHome '.gemini') -Recurse | Where-Object TraceId -eq $Main | Get-RolloutToolCall
            $calls.Name | Should -Be @('read_file', 'codebase_investigator', 'replace')
        }
    }
}
