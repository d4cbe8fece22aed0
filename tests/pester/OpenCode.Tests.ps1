BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/opencode (an XDG data folder), so that nothing a test does can touch the committed files.
    $script:DataHome = Join-Path $TestDrive 'xdg-data'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'opencode') $DataHome
    Get-ChildItem $DataHome -Filter '*.ps1' | Remove-Item
    $script:OpenCodeHome = Join-Path $DataHome 'opencode'
    $script:Database = Join-Path $OpenCodeHome 'opencode.db'
    $script:A = 'ses_3a1f0c2e8ffeQm4wTz7LkP2sVd'
    $script:C = 'ses_3a1f0b7d2ffe9XnR5bHc1JtYqe'
    $script:D = 'ses_3b9e2a1d5ffeKm3Ln5Po7Qr9St'
    $script:E = 'ses_3a0e1f4c7ffdPa8Rb2Sc4Td6Uf'
    $script:K = 'ses_3a05f1e2dffeKi1Lo2Cl3Iq4Rs'
    $script:L = 'ses_3c2d4e6f8ffdWx1Yz3Ab5Cd7Ef'
    $script:LegacyFile = Join-Path $OpenCodeHome "storage/session/6d1e0c4b9a2f7e38c5d0a1b2c3d4e5f60718293a/$L.json"
}

Describe 'OpenCode and Kilo CLI' {
    Context 'the default locations' {
        BeforeAll {
            $saved = $env:XDG_DATA_HOME
            $env:XDG_DATA_HOME = $DataHome
        }
        AfterAll {
            $env:XDG_DATA_HOME = $saved
        }

        It 'reads both apps'' data folders under XDG_DATA_HOME, one record per session' {
            $records = Get-AgentRollout -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            $records.TraceId | Should -Be @($D, $A, $C, $E, $L, $K)
            $records.Format | Select-Object -Unique | Should -Be 'OpenCode'
            $records.SourceKind | Select-Object -Unique | Should -Be 'opencode'
            ($records | Where-Object TraceId -eq $K).SourceMeta['app'] | Should -Be 'kilo_cli'
            ($records | Where-Object TraceId -eq $D).SourcePath | Should -Be $Database
        }

        It 'names under -Verbose the session file read from the database instead, and the session without messages' {
            $verbose = Get-AgentRollout -Format OpenCode -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            $text = $verbose.Message -join "`n"
            $text | Should -BeLike "*$D.json*is read from*opencode.db' instead*"
            $text | Should -BeLike '*session ses_3a0d9c8b7ffcEmptyNoMsgs01 holds no message yet*'
        }

        It 'is listed by Get-RolloutFormat with both folders, its patterns and its session count' {
            $format = Get-RolloutFormat -Format OpenCode
            $format.SourceKind | Should -Be 'opencode'
            $format.DefaultLocations | Should -Be @($OpenCodeHome, (Join-Path $DataHome 'kilo'))
            $format.Present | Should -BeTrue
            # Five rows of opencode.db, one of kilo.db, two session files (one of them a row's session too).
            $format.SessionCount | Should -Be 8
            $format.FilePatterns | Should -Be @('opencode*.db', 'kilo*.db', 'ses_*.json')
            (Get-RolloutFormat).Format | Should -Contain 'OpenCode'
        }

        It 'opens only the database row -Id names, and links a subagent to its parent' {
            $child = Get-AgentRollout -Format OpenCode -Id $C
            $child.TraceId | Should -Be $C
            $child.RootSessionId | Should -Be $A
            $child.IsSidechain | Should -BeTrue
            $child.AgentId | Should -Be $C
            $since = Get-AgentRollout -Format OpenCode -Since ([datetime]'2026-03-04') -Verbose 4>&1
            ($since | Where-Object { $_ -is [RolloutTools.Core.Model.RolloutRecord] }).TraceId | Should -Be @($E, $K)
            ($since | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" |
                Should -BeLike "*$A*store shows no activity since -Since*"
        }

        It 'pairs tool calls with their results and reports usage and the stated cost' {
            $calls = Get-AgentRollout -Format OpenCode -Id $A | Get-RolloutToolCall
            $calls.Name | Should -Be @('read', 'bash', 'task', 'edit', 'bash')
            ($calls | Where-Object Name -eq 'bash')[0].IsError | Should -BeTrue
            $a = Get-AgentRollout -Format OpenCode -Id $A
            $a.InputTokens | Should -Be 2060
            $a.OutputTokens | Should -Be 614
            $a.CacheReadTokens | Should -Be 42700
            $a.SourceMeta['cost_usd'] | Should -Be 0.03503
        }
    }

    Context 'a folder or a file' {
        It 'reads a data folder named as a path whole, and the XDG folder holding both apps' {
            (Get-AgentRollout -Path $OpenCodeHome).TraceId | Should -Be @($D, $A, $C, $E, $L)
            (Get-AgentRollout -Path $DataHome).TraceId | Should -Be @($D, $A, $C, $E, $L, $K)
        }

        It 'detects each store without -Format: the databases by name, a session file by its content and place' {
            (Get-AgentRollout -LiteralPath $Database).Format | Select-Object -Unique | Should -Be 'OpenCode'
            (Get-AgentRollout -LiteralPath (Join-Path $DataHome 'kilo/kilo.db')).TraceId | Should -Be $K
            $legacy = Get-AgentRollout -LiteralPath $LegacyFile
            $legacy.Format | Should -Be 'OpenCode'
            $legacy.MessageCount | Should -Be 4
        }

        It 'measures the cost each step states, each response once' {
            $records = Get-AgentRollout -Path $DataHome -Recurse
            $usage = $records | Measure-AgentRollout
            $usage.CostSource | Should -Be 'Stated'
            $usage.CostUsd | Should -Be 0.08613
            $usage.Sessions | Should -Be 5
            # The same sessions read twice (a copied data folder) count once: steps are known by message id and place.
            $twice = @($records; Get-AgentRollout -Path $DataHome -Recurse) | Measure-AgentRollout
            $twice.CostUsd | Should -Be 0.08613
            $twice.TotalTokens | Should -Be $usage.TotalTokens
        }

        It 'passes over the message and part files of the tree' {
            $part = Get-ChildItem (Join-Path $OpenCodeHome 'storage/part') -Recurse -File | Select-Object -First 1
            Get-AgentRollout -LiteralPath $part.FullName -ErrorVariable errors -WarningAction SilentlyContinue | Should -BeNullOrEmpty
            $errors | Should -BeNullOrEmpty
        }

        It 'exports a database session and reads it back as the same format' {
            $out = Join-Path $TestDrive 'opencode.jsonl'
            Get-AgentRollout -LiteralPath (Join-Path $DataHome 'kilo/kilo.db') | Export-AgentRollout -LiteralPath $out -As Normalized
            $back = Get-AgentRollout -LiteralPath $out
            $back.Format | Should -Be 'OpenCode'
            $back.TraceId | Should -Be $K
        }
    }
}
