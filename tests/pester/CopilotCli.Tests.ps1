BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:CopilotSamples = [System.IO.Path]::GetFullPath((Join-Path $SamplesRoot 'copilot-cli'))
}

Describe 'GitHub Copilot CLI sessions' {
    It 'reads a folder of the samples, every layout, detected without -Format' {
        $records = Get-AgentRollout -Path $CopilotSamples -Recurse -ErrorVariable errors -WarningVariable warnings
        $errors | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        $records.Format | Sort-Object -Unique | Should -Be 'CopilotCli'
        $records.Count | Should -Be 3
        ($records | Where-Object TraceId -eq '3f6c1e2a-9b4d-4c8e-a1f7-5d2b8e0c9a14').Title | Should -Be 'Invoice rounding: sum with Decimal'
    }

    It 'reads the default location through COPILOT_HOME' {
        $env:COPILOT_HOME = $CopilotSamples
        try {
            $records = Get-AgentRollout -Format CopilotCli -ErrorVariable errors
            $errors | Should -BeNullOrEmpty
            $records.TraceId | Should -Be @('3f6c1e2a-9b4d-4c8e-a1f7-5d2b8e0c9a14', '8e2d4f60-1c3b-4a95-b7e8-0f6a2c4d9b31', 'c41a7e93-5d28-4f0b-9e6c-2a8b1d7f3e05')
            $current = $records[0]
            $current.GitBranch | Should -Be 'fix/rounding-decimal'
            $current.Models | Should -Be @('claude-sonnet-4.5', 'gpt-5', 'gpt-5-mini')
            $current.OutputTokens | Should -Be 705
            $current.SourceMeta['repository'] | Should -Be 'example-org/invoice-service'

            $format = Get-RolloutFormat -Format CopilotCli
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 3
            $format.DefaultLocations | Should -Be @((Join-Path $CopilotSamples 'session-state'), (Join-Path $CopilotSamples 'history-session-state'))
        }
        finally {
            Set-Item Env:COPILOT_HOME (Join-Path ([System.IO.Path]::GetTempPath()) 'rollouttools-tests-no-agent-home/COPILOT_HOME')
        }
    }

    It 'reads a copied home as the store, and keeps the branch a session left with -IncludeAbandoned' {
        $copy = Join-Path $TestDrive 'copilot-copy'
        Copy-Item -Path $CopilotSamples -Destination $copy -Recurse
        (Get-AgentRollout -Path $copy -Format CopilotCli).Count | Should -Be 3
        $current = Get-AgentRollout -Path (Join-Path $copy 'session-state') -Recurse -IncludeAbandoned | Where-Object TraceId -like '3f6c*'
        @($current.Messages | Where-Object IsAbandoned).Count | Should -Be 2
    }

    It 'lists its tool calls with their results' {
        $calls = Get-AgentRollout -Path $CopilotSamples -Recurse | Get-RolloutToolCall
        ($calls | Where-Object Name -eq 'view').Status | Should -Be 'Failed'
        @($calls | Where-Object Status -eq 'NoResult').Name | Should -Be 'bash'
    }
}
