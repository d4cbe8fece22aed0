BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/grok (a GROK_HOME), so that nothing a test does can touch the committed files.
    $script:GrokHome = Join-Path $TestDrive 'grok-home'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'grok') $GrokHome
    $script:Sessions = Join-Path $GrokHome 'sessions'
    $script:Main = '0197a1b2-3c4d-7e5f-8a6b-1c2d3e4f5a6b'
    $script:Subagent = '0197a1b4-0d1e-7f2a-9b3c-4d5e6f7a8b9c'
    $script:Notes = '0197b0c1-2d3e-7f4a-8b5c-6d7e8f9a0b1c'
}

Describe 'Grok CLI' {
    Context 'the default location' {
        BeforeAll {
            $saved = $env:GROK_HOME
            $env:GROK_HOME = $GrokHome
        }
        AfterAll {
            $env:GROK_HOME = $saved
        }

        It 'reads sessions/ of GROK_HOME: one record per session folder, subagents included' {
            $records = Get-AgentRollout -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            @($records.TraceId | Sort-Object) | Should -Be @($Main, $Subagent, $Notes)
            $records.Format | Select-Object -Unique | Should -Be 'GrokCli'
            $records.SourceKind | Select-Object -Unique | Should -Be 'grok_cli'
            ($records | Where-Object TraceId -eq $Main).SourcePath | Should -Be (Join-Path $Sessions "%2Fhome%2Fdev%2Fweather-app/$Main/chat_history.jsonl")
        }

        It 'is listed by Get-RolloutFormat with its folder and its session count' {
            $format = Get-RolloutFormat -Format GrokCli
            $format.SourceKind | Should -Be 'grok_cli'
            $format.DefaultLocations | Should -Be $Sessions
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 3
        }

        It 'finds a session by its id, and shows its calls paired with their results, the server search, reasoning and the image' {
            $main = Get-AgentRollout -Format GrokCli -Id $Main
            $main.Cwd | Should -Be '/home/dev/weather-app'
            $main.GitBranch | Should -Be 'fix-units'
            $main.Title | Should -Be 'Show forecast temperatures in Celsius'
            $main.Models | Should -Be 'grok-4.5-build'
            $calls = $main | Get-RolloutToolCall
            $calls.Name | Should -Be @('read_file', 'web_search', 'task', 'edit_file', 'run_terminal_command')
            $calls.Status | Should -Be @('Succeeded', 'Succeeded', 'Succeeded', 'Succeeded', 'Succeeded')
            $main.Messages[4].ReasoningContent | Should -BeLike 'The page probably renders*'
            $main.Messages[13].Content[0].Type | Should -Be 'Image'
            @($main.Messages | Where-Object Kind -eq 'Prompt').Count | Should -Be 2
            @($main.Messages | Where-Object Kind -eq 'Context').Count | Should -Be 3
        }

        It 'reads the subagent as a sidechain of the session that spawned it' {
            $child = Get-AgentRollout -Format GrokCli -Id $Subagent
            $child.IsSidechain | Should -BeTrue
            $child.RootSessionId | Should -Be $Main
            $child.AgentId | Should -Be $Subagent
            $child.Messages[1].Kind | Should -Be 'AgentMessage'
        }

        It 'counts the tokens and cost updates.jsonl states in Measure-AgentRollout, the subagent once' {
            $rows = Measure-AgentRollout -Format GrokCli -GroupBy Session
            # The session with its subagent: (52400 - 41000) + (21800 - 20100) + (9000 - 6000 - 1200) uncached input,
            # 1310 + 240 + 400 out; the parent's aggregate of the subagent's turn is left out.
            $main = $rows | Where-Object Session -eq $Main
            $main.InputTokens | Should -Be 14900
            $main.OutputTokens | Should -Be 1950
            $main.CacheReadTokens | Should -Be 67100
            $main.CostUsd | Should -Be 0.05437
            $main.CostSource | Should -Be 'Stated'
            ($rows | Where-Object Session -eq $Notes).InputTokens | Should -Be 0
        }
    }

    It 'reports a damaged line of chat_history.jsonl by its file and number, and reads the rest' {
        $copy = Join-Path $TestDrive 'damaged/sessions/%2Fhome%2Fdev%2Fnotes'
        New-Item -ItemType Directory -Path $copy | Out-Null
        Copy-Item -Recurse -LiteralPath (Join-Path $Sessions "%2Fhome%2Fdev%2Fnotes/$Notes") -Destination $copy
        $file = Join-Path $copy "$Notes/chat_history.jsonl"
        $lines = Get-Content -LiteralPath $file
        @($lines[0], '{"type":"user","content":"half', $lines[1..($lines.Count - 1)]) | ForEach-Object { $_ } | Set-Content -LiteralPath $file
        $record = Get-AgentRollout -LiteralPath $file -ErrorVariable errors -ErrorAction SilentlyContinue
        $record.TraceId | Should -Be $Notes
        $record.Messages.Count | Should -Be 6
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
        "$($errors[0])" | Should -BeLike '*chat_history.jsonl:2:*'
    }

    It 'warns of a damaged line of updates.jsonl by its file and number, and counts the other turns' {
        $copy = Join-Path $TestDrive 'damaged-updates/sessions/%2Fhome%2Fdev%2Fweather-app'
        New-Item -ItemType Directory -Path $copy | Out-Null
        Copy-Item -Recurse -LiteralPath (Join-Path $Sessions "%2Fhome%2Fdev%2Fweather-app/$Main") -Destination $copy
        $updates = Join-Path $copy "$Main/updates.jsonl"
        $lines = Get-Content -LiteralPath $updates
        # The first turn's line (the sixth) cut short; a half-written last line would be one Grok is still writing.
        $lines[5] = $lines[5].Substring(0, 220)
        $lines | Set-Content -LiteralPath $updates
        $record = Get-AgentRollout -LiteralPath (Join-Path $copy "$Main/chat_history.jsonl") -WarningVariable warnings -WarningAction SilentlyContinue
        $record.InputTokens | Should -Be 1700
        ($warnings -join "`n") | Should -BeLike '*updates.jsonl:6:*the tokens of that turn are not counted*'
    }
}
