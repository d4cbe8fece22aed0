# The record at the prompt and in files: numbers to add up, durations, the list and messages views, Get-Member,
# and a CSV that sorts by time in any culture.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ChildPwsh.ps1')
}

Describe 'Records at the prompt' {
    BeforeAll {
        $projects = Join-Path $TestDrive 'claude/projects/-home-dev-acme-shop'
        # Each session: 10 + 20 + 300 + 40 tokens, then 5 + 7; 65 seconds from first line to last.
        $first = New-ClaudeSession -Path (Join-Path $projects 'a.jsonl') -SessionId 'aaaaaaaa-1111-4111-8111-111111111111' -Prompt 'First task'
        New-ClaudeSession -Path (Join-Path $projects 'b.jsonl') -SessionId 'bbbbbbbb-2222-4222-8222-222222222222' -Prompt 'Second task' -Start '2025-12-01T10:00:00Z' | Out-Null
        # Local midnight falls between the first line and the last, wherever the tests run.
        $lateStart = [datetime]::new(2025, 11, 3, 23, 59, 30, [DateTimeKind]::Local).ToUniversalTime()
        $overnight = New-ClaudeSession -Path (Join-Path $TestDrive 'overnight/c.jsonl') -SessionId 'cccccccc-3333-4333-8333-333333333333' -Start $lateStart
        # An early Codex file dates only its header: one moment, so no duration.
        $undated = Join-Path $TestDrive 'undated.json'
        Copy-Item -LiteralPath (Join-Path $script:SamplesRoot 'codex/sessions/rollout-2025-08-03-56b04fa5-785a-4bb1-90b9-30006e1f4882.json') -Destination $undated
        $env:CLAUDE_CONFIG_DIR = Join-Path $TestDrive 'claude'
        $env:CODEX_HOME = Join-Path $TestDrive 'no-codex'
        $env:PI_CODING_AGENT_DIR = Join-Path $TestDrive 'no-pi'
    }
    AfterAll {
        Remove-Item Env:CLAUDE_CONFIG_DIR, Env:CODEX_HOME, Env:PI_CODING_AGENT_DIR -ErrorAction SilentlyContinue
    }

    It 'adds up TotalTokens and DurationSeconds with Measure-Object -Sum' {
        $sums = Get-AgentRollout | Measure-Object TotalTokens, DurationSeconds -Sum
        $sums[0].Property | Should -Be 'TotalTokens'
        $sums[0].Sum | Should -Be 764
        $sums[1].Property | Should -Be 'DurationSeconds'
        $sums[1].Sum | Should -Be 130
    }

    It 'counts every token the model processed in TotalTokens: input, output, cache reads and cache writes' {
        $record = Get-AgentRollout -Path $first.FullName
        $record.TotalTokens | Should -Be ($record.InputTokens + $record.OutputTokens + $record.CacheReadTokens + $record.CacheWriteTokens)
        $record.TotalTokens | Should -Be 382
        $record.DurationSeconds | Should -Be 65
        $record.DurationSeconds | Should -BeOfType [double]
    }

    It 'shows an empty duration, not 0m00s, for a session that dates one moment' {
        $record = Get-AgentRollout -Path $undated
        $record.StartedAt | Should -Not -BeNullOrEmpty
        $record.Duration | Should -BeNullOrEmpty
        $record.DurationSeconds | Should -BeNullOrEmpty
        $row = ($record | Format-Table | Out-String -Width 120) -split '\r?\n' | Where-Object { $_ -match '^56b04fa5' }
        $row | Should -Match '^56b04fa5\s+Codex\s+2025-08-03 \d\d:\d\d\s{10,}4\s+1\s'
        $row | Should -Not -Match '0m00s'
    }

    It 'fits the table in 120 columns with every column, naming the token sum and showing output tokens' {
        $lines = (Get-AgentRollout | Format-Table | Out-String -Width 120) -split '\r?\n' | Where-Object { $_ }
        $lines[0] | Should -Match '^Id\s+Format\s+Started\s+Duration\s+Msgs\s+Tools\s+TotalTokens\s+Output\s+Project$'
        $lines | Where-Object { $_.Length -gt 120 } | Should -BeNullOrEmpty
        $lines | Where-Object { $_ -match '^aaaaaaaa' } | Should -Match '\s382\s+27\s+acme-shop · First task$'
    }

    It 'lists a short default set with Format-List, without the messages' {
        $list = Get-AgentRollout -Path $first.FullName | Format-List | Out-String -Width 120
        $names = [regex]::Matches($list, '(?m)^(\w+)\s+:') | ForEach-Object { $_.Groups[1].Value }
        $names | Should -Be @('TraceId', 'Format', 'Title', 'ProjectPath', 'GitBranch', 'StartedAt', 'EndedAt', 'Duration', 'Models', 'MessageCount', 'ToolCallCount', 'TotalTokens', 'OutputTokens', 'SourcePath')
        $list | Should -Not -Match 'One file: a.txt|Messages'
        (Get-AgentRollout -Path $first.FullName | Format-List * | Out-String -Width 120) | Should -Match 'One file: a.txt'
    }

    It 'hides the compiler''s <Clone>$ from Get-Member and from tab completion, on records and what they hold' {
        $record = Get-AgentRollout -Path $first.FullName
        foreach ($item in $record, $record.Messages[1], $record.Messages[1].ToolCalls[0], $record.Messages[0].Content[0]) {
            $members = ($item | Get-Member -Force).Name
            $members | Should -Contain 'ToString'
            $members | Where-Object { $_ -like '<*' } | Should -BeNullOrEmpty -Because "$($item.GetType().Name) shows no compiler-made member"
        }
        $global:RolloutRecordToComplete = $record
        try {
            $input_ = '$RolloutRecordToComplete.'
            $completions = [System.Management.Automation.CommandCompletion]::CompleteInput($input_, $input_.Length, $null).CompletionMatches.CompletionText
            $completions | Should -Contain 'TotalTokens'
            $completions | Where-Object { $_ -like '*Clone*' } | Should -BeNullOrEmpty
        }
        finally { Remove-Variable RolloutRecordToComplete -Scope Global }
    }

    It 'groups the messages view by date, so a session that runs past midnight shows both days' {
        $table = (Get-AgentRollout -Path $overnight.FullName).Messages | Format-Table | Out-String -Width 120
        $table | Should -Match '(?m)^\s+Date: 2025-11-03\s*$'
        $table | Should -Match '(?m)^\s+Date: 2025-11-04\s*$'
        $table | Should -Match '(?m)^23:59:30 User\s+Prompt\s+List the files'
        $table | Should -Match '(?m)^00:00:35 Assistant Response\s+One file: a.txt'
        $table -split '\r?\n' | Where-Object { $_.Length -gt 120 } | Should -BeNullOrEmpty
    }

    It 'keeps StartedAt a DateTimeOffset at the prompt: compares, sorts and reads its members' {
        $records = Get-AgentRollout
        $records[0].StartedAt.GetType() | Should -Be ([DateTimeOffset])
        $records[0].StartedAt.Year | Should -Be 2025
        ($records | Where-Object StartedAt -gt ([datetime]'2025-11-15')).Title | Should -Be 'Second task'
        ($records | Sort-Object StartedAt -Descending)[0].Title | Should -Be 'Second task'
    }
}

Describe 'A CSV of records' {
    BeforeAll {
        # Written out of time order, across years: culture-formatted dates would sort wrong as text.
        $projects = Join-Path $TestDrive 'claude/projects/-home-dev-acme-shop'
        $starts = [ordered]@{ a = '2025-11-03T09:00:00Z'; b = '2024-12-31T22:00:00Z'; c = '2025-01-02T08:00:00Z'; d = '2025-10-12T18:30:00Z'; e = '2026-02-01T07:15:00Z' }
        foreach ($name in $starts.Keys) {
            New-ClaudeSession -Path (Join-Path $projects "$name.jsonl") -SessionId "$name$name$name$name-1111-4111-8111-111111111111" -Prompt "Task $name" -Start $starts[$name] | Out-Null
        }
        $inTimeOrder = @('Task b', 'Task c', 'Task d', 'Task a', 'Task e')
        $claudeHome = Join-Path $TestDrive 'claude'
    }

    It 'sorts by StartedAt after Import-Csv, written and read under <Culture>' -ForEach @(@{ Culture = 'de-DE' }, @{ Culture = 'en-US' }) {
        $csv = Join-Path $TestDrive "s-$Culture.csv"
        $script = @"
[cultureinfo]::CurrentCulture = '$Culture'
`$env:CLAUDE_CONFIG_DIR = '$claudeHome'
`$env:CODEX_HOME = '$(Join-Path $TestDrive 'no-codex')'
`$env:PI_CODING_AGENT_DIR = '$(Join-Path $TestDrive 'no-pi')'
Set-Location '$TestDrive'
Get-AgentRollout | Export-Csv s-$Culture.csv
(Import-Csv s-$Culture.csv | Sort-Object StartedAt).Title -join '|'
"@
        $child = Wait-ChildPwsh (Start-ChildPwsh -Script $script)
        $child.Errors | Should -BeNullOrEmpty
        $child.Output.Trim() | Should -Be ($inTimeOrder -join '|')
        $rows = Import-Csv -LiteralPath $csv
        ($rows | Where-Object Title -eq 'Task b').StartedAt | Should -Be '2024-12-31T22:00:00.0000000+00:00'
        ($rows | Where-Object Title -eq 'Task b').EndedAt | Should -Be '2024-12-31T22:01:05.0000000+00:00'
        $rows.DurationSeconds | Sort-Object -Unique | Should -Be '65'
    }

    It 'writes the same times and numbers whatever the culture' {
        $german = Import-Csv -LiteralPath (Join-Path $TestDrive 's-de-DE.csv') | Select-Object Title, StartedAt, EndedAt, DurationSeconds, TotalTokens
        $american = Import-Csv -LiteralPath (Join-Path $TestDrive 's-en-US.csv') | Select-Object Title, StartedAt, EndedAt, DurationSeconds, TotalTokens
        ($german | ConvertTo-Json) | Should -Be ($american | ConvertTo-Json)
    }

    It 'writes message times as ISO 8601 too' {
        $csv = Join-Path $TestDrive 'messages.csv'
        (Get-AgentRollout -Path (Join-Path $projects 'b.jsonl')).Messages | Export-Csv -LiteralPath $csv
        (Import-Csv -LiteralPath $csv).Timestamp | Should -Be @('2024-12-31T22:00:00.0000000+00:00', '2024-12-31T22:00:05.0000000+00:00', '2024-12-31T22:00:10.0000000+00:00', '2024-12-31T22:01:05.0000000+00:00')
    }
}
