# Issue 12: workers over one folder take disjoint shares whose union is the whole; what they return crosses
# PowerShell remoting (CliXml at the default depth) with the columns people group and sum on intact.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $all = Get-AgentRollout -Path $SamplesRoot -Recurse -WarningAction SilentlyContinue
    $key = { "$($_.SourcePath)|$($_.TraceId)" }
}

Describe 'Get-AgentRollout -Partition' {
    It 'gives <Count> workers disjoint shares that together are every record' -ForEach @(@{ Count = 2 }, @{ Count = 3 }) {
        $shares = 0..($Count - 1) | ForEach-Object -ThrottleLimit $Count -Parallel {
            Import-Module $using:ModulePath
            , @(Get-AgentRollout -Path $using:SamplesRoot -Recurse -Partition $_ -PartitionCount $using:Count -WarningAction SilentlyContinue |
                ForEach-Object { "$($_.SourcePath)|$($_.TraceId)" })
        }
        $union = $shares | ForEach-Object { $_ }
        $union.Count | Should -Be $all.Count
        ($union | Sort-Object) | Should -Be ($all | ForEach-Object $key | Sort-Object)
        $shares | ForEach-Object { $_.Count | Should -BeLessThan $all.Count }
    }

    It 'refuses <Case>' -ForEach @(
        @{ Case = 'a share without a count'; Arguments = @{ Partition = 0 } }
        @{ Case = 'a count without a share'; Arguments = @{ PartitionCount = 2 } }
        @{ Case = 'a share past the count'; Arguments = @{ Partition = 2; PartitionCount = 2 } }
    ) {
        { Get-AgentRollout -Path $SamplesRoot @Arguments } | Should -Throw -ErrorId 'RolloutInvalidPartition,*'
    }
}

Describe 'Results across remoting' {
    BeforeAll {
        function Receive-Remotely($InputObject) {
            [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($InputObject))
        }
    }

    It 'keeps a record''s columns through PSSerializer and Export-Clixml' {
        $sent = $all | Where-Object MessageCount -gt 3 | Select-Object -First 3
        $received = Receive-Remotely $sent
        $sent | Export-Clixml (Join-Path $TestDrive 'records.xml')
        $imported = Import-Clixml (Join-Path $TestDrive 'records.xml')
        foreach ($copy in $received, $imported) {
            foreach ($name in 'TraceId', 'SourceKind', 'ProjectPath', 'Title', 'MessageCount', 'ToolCallCount', 'InputTokens', 'OutputTokens', 'CacheReadTokens', 'CacheWriteTokens', 'TotalTokens', 'DurationSeconds') {
                $copy.$name | Should -Be $sent.$name -Because $name
            }
            # Times arrive as ISO 8601 text (the module's invariant values), which sorts and casts back exactly.
            ($copy.StartedAt | ForEach-Object { [DateTimeOffset]"$_" }) | Should -Be $sent.StartedAt
            "$($copy.Format)" | Should -Be "$($sent.Format)"
            ($copy | Group-Object Format).Count | Should -Be ($sent | Group-Object Format).Count
        }
    }

    It 'keeps messages, tool calls and usage rows summable after the trip' {
        $messages = $all | Get-RolloutMessage
        $calls = $all | Get-RolloutToolCall
        $rows = $all | Measure-AgentRollout -GroupBy Format -WarningAction SilentlyContinue
        $m = Receive-Remotely $messages
        $c = Receive-Remotely $calls
        $r = Receive-Remotely $rows

        ($m | Where-Object Kind -eq 'Prompt').Count | Should -Be ($messages | Where-Object Kind -eq 'Prompt').Count
        # Aider's messages carry no time (its history dates only each run), so the first dated message is compared.
        $dated = [Array]::FindIndex([object[]]$messages, [Predicate[object]] { param($x) $null -ne $x.Timestamp })
        [DateTimeOffset]"$($m[$dated].Timestamp)" | Should -Be $messages[$dated].Timestamp
        ($c | Group-Object Name | Sort-Object Name | ForEach-Object Count) | Should -Be ($calls | Group-Object Name | Sort-Object Name | ForEach-Object Count)
        ($c | Where-Object Status -eq 'Failed').Count | Should -Be ($calls | Where-Object Status -eq 'Failed').Count
        ($r | Measure-Object TotalTokens -Sum).Sum | Should -Be ($rows | Measure-Object TotalTokens -Sum).Sum
        ($r | Measure-Object CostUsd -Sum).Sum | Should -Be ($rows | Measure-Object CostUsd -Sum).Sum
        "$($r[0].Format)" | Should -Be "$($rows[0].Format)"
    }
}
