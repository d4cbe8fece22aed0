BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Measure-AgentRollout' {
    BeforeAll {
        $session = New-ClaudeSession -Path 'TestDrive:/projects/-home-dev-acme-shop/s1.jsonl' -SessionId 'a1b2c3d4-0000-4000-8000-000000000001' -Start '2025-11-03T09:00:00Z'
        # claude --resume wrote the same history into a new file of a new session, then went on.
        $resumed = Get-Content -LiteralPath $session.FullName | ForEach-Object { $_ -replace 'a1b2c3d4-0000-4000-8000-000000000001', 'a1b2c3d4-0000-4000-8000-000000000002' }
        New-Item -ItemType Directory 'TestDrive:/resumed' | Out-Null
        Set-Content -LiteralPath (Join-Path (Convert-Path 'TestDrive:/resumed') 'a1b2c3d4-0000-4000-8000-000000000002.jsonl') -Value $resumed
    }

    It 'totals the sessions piped in, counting a response copied into two files once' {
        $row = Get-AgentRollout -Path 'TestDrive:/projects/-home-dev-acme-shop', 'TestDrive:/resumed' | Measure-AgentRollout

        $row.Sessions | Should -Be 2
        $row.TotalTokens | Should -Be 382
        # claude-opus-4-1: 15 input x $15, 27 output x $75, 300 cache reads x $1.50, 40 five-minute writes x $18.75, per million.
        $row.CostUsd | Should -Be ((15 * 15 + 27 * 75 + 300 * 1.5 + 40 * 18.75) / 1e6)
        $row.CostSource | Should -Be 'Computed'
        $row.Models | Should -Be @('claude-opus-4-1-20250805')
    }

    It 'reads -Path itself and groups by day in the time zone given' {
        $rows = Measure-AgentRollout -Path 'TestDrive:/projects/-home-dev-acme-shop' -GroupBy Day, Session -TimeZone 'Pacific/Auckland'

        $rows.Day | Should -Be ([DateOnly]::new(2025, 11, 3))
        $rows.Session | Should -Be 'a1b2c3d4-0000-4000-8000-000000000001'
        # Reading only the lines with usage, the group's activity is its responses'.
        $rows.FirstActivity | Should -Be ([DateTimeOffset]'2025-11-03T09:00:05Z')
        $rows.Responses | Should -Be 2
        $rows.Messages | Should -BeNullOrEmpty
        $rows.ToolCalls | Should -BeNullOrEmpty
        $verbose = Measure-AgentRollout -Path 'TestDrive:/projects/-home-dev-acme-shop' -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        "$verbose" | Should -Match '-CountMessages'
    }

    It 'counts messages and tool calls with -CountMessages, which reads every line' {
        $rows = Measure-AgentRollout -Path 'TestDrive:/projects/-home-dev-acme-shop' -GroupBy Session -CountMessages

        $rows.Messages | Should -BeGreaterThan $rows.Responses
        $rows.ToolCalls | Should -Not -BeNullOrEmpty
        $rows.FirstActivity | Should -Be ([DateTimeOffset]'2025-11-03T09:00:00Z')
        $rows.TotalTokens | Should -Be (Measure-AgentRollout -Path 'TestDrive:/projects/-home-dev-acme-shop' -GroupBy Session).TotalTokens
    }

    It 'gives every sample folder the same tokens, cost, responses and models reading usage lines only as reading everything' {
        $columns = 'Session', 'Day', 'Model', 'Sessions', 'Responses', 'InputTokens', 'OutputTokens', 'CacheReadTokens', 'CacheWriteTokens', 'CostUsd', 'CostSource', 'Models'
        # Rows of messages without a response (a prompt the day before its answer) exist only where messages are read.
        $quick = Measure-AgentRollout -Path $script:SamplesRoot -Recurse -GroupBy Session, Day, Model -TimeZone UTC -WarningAction SilentlyContinue |
            Where-Object Responses -gt 0
        $full = Measure-AgentRollout -Path $script:SamplesRoot -Recurse -GroupBy Session, Day, Model -TimeZone UTC -CountMessages -WarningAction SilentlyContinue |
            Where-Object Responses -gt 0

        $quick.Count | Should -BeGreaterThan 30
        ($quick | Select-Object $columns | ConvertTo-Csv) | Should -Be ($full | Select-Object $columns | ConvertTo-Csv)
    }

    It 'takes a TimeZoneInfo and completes time zone ids' {
        { Measure-AgentRollout -Path 'TestDrive:/projects' -Recurse -TimeZone ([TimeZoneInfo]::Utc) -GroupBy Day } | Should -Not -Throw
        { Measure-AgentRollout -Path 'TestDrive:/projects' -TimeZone 'Mars/Olympus_Mons' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,RolloutTools.Commands.MeasureAgentRolloutCommand'
        $typed = 'Measure-AgentRollout -TimeZone Europe/Berl'
        $completion = TabExpansion2 -inputScript $typed -cursorColumn $typed.Length
        $completion.CompletionMatches.CompletionText | Should -Contain 'Europe/Berlin'
    }

    It 'round-trips -GroupBy Day,Model through Export-Csv with invariant numbers and dates' {
        $csv = Join-Path (Convert-Path 'TestDrive:/') 'usage.csv'
        $before = Measure-AgentRollout -Path 'TestDrive:/projects', 'TestDrive:/resumed' -Recurse -GroupBy Day, Model -TimeZone UTC
        $culture = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = 'de-DE'
            $before | Export-Csv -LiteralPath $csv
        }
        finally { [cultureinfo]::CurrentCulture = $culture }
        $back = Import-Csv -LiteralPath $csv

        $back.Day | Should -Be '2025-11-03'
        $back.Model | Should -Be 'claude-opus-4-1-20250805'
        [decimal]::Parse($back.CostUsd, [cultureinfo]::InvariantCulture) | Should -Be $before.CostUsd
        [long]$back.TotalTokens | Should -Be $before.TotalTokens
        $back.FirstActivity | Should -Be '2025-11-03T09:00:05.0000000+00:00'
        $back.Messages | Should -Be ''
    }

    It 'measures records piped without their abandoned branches as -Path measures the files, row for row' {
        # 7e1599af left a branch by rewinding (two Sonnet responses on 2025-12-10); Get-AgentRollout drops its messages.
        Copy-Item -LiteralPath (Join-Path $script:SamplesRoot 'claude-code') -Destination 'TestDrive:/claude-samples' -Recurse
        $columns = 'Day', 'Model', 'Sessions', 'Messages', 'ToolCalls', 'Responses', 'InputTokens', 'OutputTokens', 'CacheReadTokens', 'CacheWriteTokens',
            'TotalTokens', 'CostUsd', 'CostSource', 'FirstActivity', 'LastActivity'

        $piped = Get-AgentRollout -Path 'TestDrive:/claude-samples' -Recurse | Measure-AgentRollout -GroupBy Day, Model -TimeZone UTC
        $read = Measure-AgentRollout -Path 'TestDrive:/claude-samples' -Recurse -GroupBy Day, Model -TimeZone UTC -CountMessages

        $piped.Count | Should -BeGreaterThan 5
        ($piped | Select-Object $columns | ConvertTo-Csv) | Should -Be ($read | Select-Object $columns | ConvertTo-Csv)
        ($piped | Where-Object { $_.Day -eq [DateOnly]::new(2025, 12, 10) -and $_.Model -like 'claude-sonnet*' }).TotalTokens | Should -BeGreaterOrEqual 53028
    }

    It 'warns once for a model without a price and leaves its cost empty' {
        $line = '{"type":"assistant","uuid":"a9","parentUuid":"a2","sessionId":"a1b2c3d4-0000-4000-8000-000000000003","cwd":"/home/dev/acme-shop","version":"2.0.76","isSidechain":false,"timestamp":"2025-11-03T09:05:00.000Z","requestId":"req_9","message":{"id":"msg_9","role":"assistant","model":"claude-fable-9","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":1,"output_tokens":1}}}'
        New-ClaudeSession -Path 'TestDrive:/unpriced/s3.jsonl' -SessionId 'a1b2c3d4-0000-4000-8000-000000000003' -ExtraLines $line, ($line -replace 'msg_9', 'msg_10' -replace 'req_9', 'req_10') | Out-Null

        $rows = Measure-AgentRollout -Path 'TestDrive:/unpriced' -GroupBy Model -WarningVariable warnings -WarningAction SilentlyContinue

        @($warnings).Count | Should -Be 1
        "$warnings" | Should -Match "claude-fable-9"
        ($rows | Where-Object Model -eq 'claude-fable-9').CostUsd | Should -BeNullOrEmpty
        ($rows | Where-Object Model -eq 'claude-fable-9').CostSource | Should -Be 'Unpriced'
        ($rows | Where-Object Model -eq 'claude-opus-4-1-20250805').CostUsd | Should -BeGreaterThan 0
    }

    It 'prices with -PricingFile instead of the shipped table' {
        $prices = Join-Path (Convert-Path 'TestDrive:/') 'prices.json'
        Set-Content -LiteralPath $prices -Value '{"claude-opus-4-1": {"input_cost_per_token": 0.001, "output_cost_per_token": 0}}'

        $row = Measure-AgentRollout -Path 'TestDrive:/projects' -Recurse -PricingFile $prices

        # Cache reads and writes cost what input costs when the table does not say: 15 + 300 + 40 tokens at $0.001.
        $row.CostUsd | Should -Be 0.355
    }

    It 'rejects a pricing file that is not a price table' {
        $bad = Join-Path (Convert-Path 'TestDrive:/') 'bad.json'
        Set-Content -LiteralPath $bad -Value '[1, 2'
        { Measure-AgentRollout -Path 'TestDrive:/projects' -Recurse -PricingFile $bad } | Should -Throw -ErrorId 'RolloutPricingFileInvalid,RolloutTools.Commands.MeasureAgentRolloutCommand'
    }

    It 'shows rows in a table that fits 120 columns' {
        $lines = Measure-AgentRollout -Path (Join-Path $script:SamplesRoot 'claude-code/projects') -Recurse -GroupBy Day, Model | Format-Table | Out-String -Stream -Width 300
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 120
        # Dollars and cents, whatever digits the decimal carries (Export-Csv keeps them all).
        $lines | Where-Object { $_ -match 'Computed$' } | ForEach-Object { $_ | Should -Match '\s\d+\.\d\d Computed$' }
    }
}
