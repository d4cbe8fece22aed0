BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/vibe (a VIBE_HOME), so that nothing a test does can touch the committed files.
    $script:VibeHome = Join-Path $TestDrive 'vibe-home'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'vibe') $VibeHome
    $script:Sessions = Join-Path $VibeHome 'logs/session'
    $script:Main = '3f9a2c1e-7b4d-4e21-9c0a-5d6e7f8a9b01'
    $script:Continued = 'c47e9b02-1a3f-4b5c-8d9e-5d6e7f8a9b01'
    $script:Subagent = '8b1d4e70-2c3d-4e5f-a6b7-c8d9e0f1a2b3'
    $script:Legacy = 'a1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d'
    $script:Moved = 'e5f6a7b8-9c0d-4e1f-a2b3-c4d5e6f7a8b9'
}

Describe 'Mistral Vibe' {
    Context 'the default location' {
        BeforeAll {
            $saved = $env:VIBE_HOME
            $env:VIBE_HOME = $VibeHome
        }
        AfterAll {
            $env:VIBE_HOME = $saved
        }

        It 'reads logs/session of VIBE_HOME: one record per session folder and per legacy file not yet moved' {
            $records = Get-AgentRollout -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            @($records.TraceId | Sort-Object) | Should -Be @($Main, $Subagent, $Legacy, $Continued, $Moved)
            $records.Format | Select-Object -Unique | Should -Be 'MistralVibe'
            $records.SourceKind | Select-Object -Unique | Should -Be 'mistral_vibe'
            ($records | Where-Object TraceId -eq $Moved).SourcePath | Should -Be (Join-Path $Sessions 'session_20251202_080000_e5f6a7b8/messages.jsonl')
            ($records | Where-Object TraceId -eq $Legacy).SourcePath | Should -Be (Join-Path $Sessions 'session_20251201_140000_a1b2c3d4.json')
        }

        It 'names under -Verbose the legacy file read from the folder Vibe moved it to' {
            $verbose = Get-AgentRollout -Format MistralVibe -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            ($verbose.Message -join "`n") | Should -BeLike "*session_20251202_080000_e5f6a7b8.json*is read from*session_20251202_080000_e5f6a7b8' instead*"
        }

        It 'is listed by Get-RolloutFormat with its folder and its session count' {
            $format = Get-RolloutFormat -Format MistralVibe
            $format.SourceKind | Should -Be 'mistral_vibe'
            $format.DefaultLocations | Should -Be $Sessions
            $format.Present | Should -BeTrue
            # Four session folders (one a subagent's) and two legacy files (one of them moved).
            $format.SessionCount | Should -Be 6
        }

        It 'shows calls paired with their results, the failed edit, reasoning, the image and the injected plan update' {
            $main = Get-AgentRollout -Format MistralVibe -Id $Main
            $main.Cwd | Should -Be '/home/dev/projects/weather-cli'
            $main.GitBranch | Should -Be 'fix/hourly-forecast'
            $main.Models | Should -Be 'mistral-vibe-cli-latest'
            $calls = $main | Get-RolloutToolCall
            $calls.Name | Should -Be @('grep', 'read', 'task', 'edit', 'edit', 'bash')
            $calls.Status | Should -Be @('Succeeded', 'Succeeded', 'Succeeded', 'Failed', 'Succeeded', 'Succeeded')
            $main.Messages[1].ReasoningContent | Should -BeLike 'The traceback points*'
            $main.Messages[0].Content[1].Type | Should -Be 'Image'
            $main.Messages[10].Kind | Should -Be 'Context'
            @($main.Messages | Where-Object Kind -eq 'Prompt').Count | Should -Be 2
        }

        It 'reads the subagent as a sidechain of its session' {
            $subagent = Get-AgentRollout -Format MistralVibe -Id $Subagent
            $subagent.IsSidechain | Should -BeTrue
            $subagent.RootSessionId | Should -Be $Main
            $subagent.Messages[0].Kind | Should -Be 'AgentMessage'
        }

        It 'counts the session totals in Measure-AgentRollout, with the cost Vibe estimates, and a compaction once' {
            $rows = Measure-AgentRollout -Format MistralVibe -GroupBy Session
            # The session with its subagent: 48210 + 6100 in, 2315 + 420 out, each at the cost its meta.json states.
            $main = $rows | Where-Object Session -eq $Main
            $main.InputTokens | Should -Be 54310
            $main.OutputTokens | Should -Be 2735
            $main.CostUsd | Should -Be 0.1019775
            $main.CostSource | Should -Be 'Stated'
            # The continued session's stats went on from its parent's: only what it added counts.
            ($rows | Where-Object Session -eq $Continued).InputTokens | Should -Be 24000
        }
    }

    It 'reports a damaged line of messages.jsonl by its file and number, and reads the rest' {
        $copy = Join-Path $TestDrive 'damaged/logs/session'
        New-Item -ItemType Directory -Path $copy | Out-Null
        Copy-Item -Recurse (Join-Path $Sessions 'session_20260310_092630_c47e9b02') $copy
        $file = Join-Path $copy 'session_20260310_092630_c47e9b02/messages.jsonl'
        $lines = Get-Content $file
        @($lines[0], '{"role": "user", "content": "half', $lines[1..($lines.Count - 1)]) | ForEach-Object { $_ } | Set-Content $file
        $record = Get-AgentRollout -Path $file -ErrorVariable errors -ErrorAction SilentlyContinue
        $record.TraceId | Should -Be $Continued
        $record.Messages.Count | Should -Be 5
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
        "$($errors[0])" | Should -BeLike "*messages.jsonl:2:*"
    }

    It 'warns of a session folder holding meta.json and no messages, and reads no record of it' {
        $folder = Join-Path $TestDrive 'meta-only/session/session_20260401_100000_0a1b2c3d'
        New-Item -ItemType Directory -Path $folder | Out-Null
        Copy-Item (Join-Path $Sessions 'session_20260310_092630_c47e9b02/meta.json') $folder
        $records = Get-AgentRollout -Path (Split-Path $folder) -Recurse -WarningVariable warnings -WarningAction SilentlyContinue
        $records | Should -BeNullOrEmpty
        ($warnings -join "`n") | Should -BeLike '*meta.json but no messages.jsonl*'
    }
}
