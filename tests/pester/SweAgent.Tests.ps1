BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/sweagent (SWE-agent trajectories, mini-swe-agent batch output, its config folder, early files),
    # so nothing a test does touches the committed files.
    $script:Root = Join-Path $TestDrive 'experiments'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'sweagent') $Root
    $script:FunctionCalling = Get-ChildItem -LiteralPath (Join-Path $Root 'trajectories') -Recurse -Filter 'acme__tally-7.traj' | Select-Object -First 1
    $script:MiniBatch = Join-Path $Root 'mini-runs/acme__tally-7/acme__tally-7.traj.json'
}

AfterAll {
    $env:MSWEA_GLOBAL_CONFIG_DIR = Join-Path ([System.IO.Path]::GetTempPath()) 'rollouttools-tests-no-agent-home/MSWEA_GLOBAL_CONFIG_DIR'
}

Describe 'SWE-agent and mini-swe-agent' {
    It 'finds every trajectory by name in a recursive folder search, one record each, told apart by source kind' {
        $records = Get-AgentRollout -Path $Root -Recurse -ErrorVariable errors -WarningVariable warnings
        $errors | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        $records.Count | Should -Be 5
        $records.Format | Select-Object -Unique | Should -Be 'SweAgent'
        ($records | Group-Object SourceKind | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Count)" }) -join ' ' | Should -Be 'mini_swe_agent=3 swe_agent=2'
        ($records | Where-Object Title -eq 'acme__tally-7').Count | Should -Be 2
    }

    It 'reads a SWE-agent trajectory: calls paired by id, step times, the instance''s totals and its end' {
        $record = Get-AgentRollout -Path $FunctionCalling.FullName
        $record.TraceId | Should -Match '^acme__tally-7-[0-9a-f]{12}$'
        $record.SourceKind | Should -Be 'swe_agent'
        $record.Models | Should -Be 'claude-sonnet-4-20250514'
        $record.ToolCallCount | Should -Be 4
        $record.InputTokens | Should -Be 18342
        $record.OutputTokens | Should -Be 612
        $record.StartedAt | Should -BeNullOrEmpty
        $record.SourceMeta['exit_status'] | Should -Be 'submitted'
        $record.SourceMeta['submission'] | Should -BeLike 'diff --git a/tally/words.py*'
        $calls = $record | Get-RolloutToolCall
        ($calls.Name) -join ',' | Should -Be 'str_replace_editor,str_replace_editor,bash,submit'
        $calls | ForEach-Object { $_.Status | Should -Be 'Succeeded' }
        $calls[2].Duration | Should -Be ([timespan]::FromSeconds(1.87))
    }

    It 'measures the cost each agent states: per instance for SWE-agent, per response for mini-swe-agent 2' {
        $rows = Measure-AgentRollout -Path $Root -Recurse -GroupBy Session -WarningAction SilentlyContinue
        $swe = Get-AgentRollout -Path $FunctionCalling.FullName
        $row = $rows | Where-Object Session -eq $swe.TraceId
        ($row.CostUsd, "$($row.CostSource)", $row.InputTokens) | Should -Be @(0.0731, 'Stated', 18342)
        $mini = Get-AgentRollout -Path $MiniBatch
        $row = $rows | Where-Object Session -eq $mini.TraceId
        $row.CostUsd | Should -Be (0.000529 + 0.000371 + 0.000702 + 0.000402 + 0.000188)
        "$($row.CostSource)" | Should -Be 'Stated'
        $row.Responses | Should -Be 5
    }

    It 'reads mini''s last run from its config folder, the format''s default location' {
        $env:MSWEA_GLOBAL_CONFIG_DIR = Join-Path $Root 'mini-swe-agent'
        $format = Get-RolloutFormat -Format SweAgent
        $format.DefaultLocations | Should -Be $env:MSWEA_GLOBAL_CONFIG_DIR
        $format.Present | Should -BeTrue
        $record = Get-AgentRollout -Format SweAgent
        $record.TraceId | Should -Match '^last_mini_run-[0-9a-f]{12}-20251030T095500$'
        $record.SourceMeta['trajectory_format'] | Should -Be 'mini-swe-agent-1'
        $record.StartedAt | Should -Be ([datetimeoffset]'2025-10-30T09:55:00Z')
        @($record.Messages.Kind | ForEach-Object ToString)[0..3] | Should -Be @('Context', 'Prompt', 'Response', 'ToolResult')
    }

    It 'exports mini''s conversation as chat-completions lines, its four answered calls with their results' {
        $out = Join-Path $TestDrive 'mini.jsonl'
        Get-AgentRollout -Path $MiniBatch | Export-AgentRollout -Path $out -As OpenAIChat
        $line = Get-Content -LiteralPath $out | ConvertFrom-Json
        $assistant = @($line.messages | Where-Object role -eq 'assistant')
        $assistant[0].tool_calls[0].function.name | Should -Be 'bash'
        @($line.messages | Where-Object role -eq 'tool').Count | Should -Be 4
    }

    It 'says where a damaged trajectory breaks, and reads a damaged message''s neighbours' {
        $broken = Join-Path $TestDrive 'broken/acme__tally-9.traj'
        New-Item -ItemType Directory -Force -Path (Split-Path $broken) | Out-Null
        [IO.File]::WriteAllText($broken, "{`n`"trajectory`": [],`n`"history`": [`n{`"role`": `"user`", `"content`": `"task`"},`n")
        $record = Get-AgentRollout -Path $broken -ErrorVariable errors -ErrorAction SilentlyContinue
        $record | Should -BeNullOrEmpty
        "$errors" | Should -BeLike "*acme__tally-9.traj:5*"

        $damaged = Join-Path $TestDrive 'broken/acme__tally-10.traj.json'
        [IO.File]::WriteAllText($damaged, "{`"messages`": [`n{`"role`": `"user`", `"content`": `"task`"},`n12,`n{`"role`": `"assistant`", `"content`": `"done`"}`n]}")
        $record = Get-AgentRollout -Path $damaged -ErrorVariable errors -ErrorAction SilentlyContinue
        $record.MessageCount | Should -Be 2
        "$errors" | Should -BeLike "*acme__tally-10.traj.json:3: messages``[1``] could not be read*"
    }
}
