BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ChildPwsh.ps1')
    # A copy of samples/hermes, so that nothing a test does can touch the committed files.
    $script:HermesHome = Join-Path $TestDrive 'hermes-home'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'hermes') $HermesHome
    $script:All = @('20260221_101500_5ac4e1', '20260220_150000_b0b0b0', '20260311_193000_77aa88', '20260310_140000_0f1e2d',
        '20260312_091500_a1b2c3', '20260312_091540_c0ffee', '20260314_170230_d4e5f6', '20260316_101010_abcdef')
}

Describe 'Hermes Agent' {
    Context 'the default location' {
        BeforeAll {
            $env:HERMES_HOME = $HermesHome
            $env:CLAUDE_CONFIG_DIR = Join-Path $TestDrive 'no-claude'
            $env:CODEX_HOME = Join-Path $TestDrive 'no-codex'
        }
        AfterAll {
            Remove-Item Env:HERMES_HOME, Env:CLAUDE_CONFIG_DIR, Env:CODEX_HOME -ErrorAction SilentlyContinue
        }

        It 'reads HERMES_HOME, its profiles and its state.db, one record per session' {
            $records = Get-AgentRollout -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            $records.TraceId | Should -Be $All
            $records.Format | Select-Object -Unique | Should -Be 'HermesAgent'
            $records.SourceKind | Select-Object -Unique | Should -Be 'hermes_agent'
            ($records | Where-Object TraceId -eq '20260316_101010_abcdef').SourcePath | Should -Be (Join-Path $HermesHome 'state.db')
        }

        It 'names under -Verbose the snapshot read from state.db instead, and the session without messages' {
            $verbose = Get-AgentRollout -Format HermesAgent -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            $text = $verbose.Message -join "`n"
            $text | Should -BeLike "*session_20260316_101010_abcdef.json*is read from*state.db' instead*"
            $text | Should -BeLike '*session 20260317_120000_e1e2e3 holds no message yet*'
        }

        It 'is listed by Get-RolloutFormat with its home, patterns and session count' {
            $format = Get-RolloutFormat -Format HermesAgent
            $format.SourceKind | Should -Be 'hermes_agent'
            $format.DefaultLocations | Should -Be $HermesHome
            $format.Present | Should -BeTrue
            # Six rows of the two databases, two snapshots and two transcripts; one snapshot repeats a row's session.
            $format.SessionCount | Should -Be 10
            $format.FilePatterns | Should -Be @('state.db', 'session_*.json', '*.jsonl')
            (Get-RolloutFormat).Format | Should -Contain 'HermesAgent'
        }

        It 'opens only the database row of the session -Id names, and passes over older rows for -Since' {
            $one = Get-AgentRollout -Format HermesAgent -Id 20260314_170230 -Verbose 4>&1
            ($one | Where-Object { $_ -is [RolloutTools.Core.Model.RolloutRecord] }).TraceId | Should -Be '20260314_170230_d4e5f6'
            ($one | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Not -BeLike '*20260312_091500_a1b2c3*'
            $since = Get-AgentRollout -Format HermesAgent -Since ([datetime]'2026-03-16') -Verbose 4>&1
            ($since | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" |
                Should -BeLike '*20260312_091500_a1b2c3*store shows no activity since -Since*'
        }

        It 'keeps the rewound answer, marked, with -IncludeAbandoned' {
            $b = Get-AgentRollout -Format HermesAgent -IncludeAbandoned | Where-Object TraceId -eq '20260314_170230_d4e5f6'
            ($b.Messages | Where-Object IsAbandoned).Text | Should -BeLike 'Billing this week:*'
        }
    }

    Context 'a folder' {
        It 'reads a home''s state.db and sessions/ without -Recurse, and its profiles with it' {
            (Get-AgentRollout -Path $HermesHome).TraceId | Should -Be @('20260311_193000_77aa88', '20260310_140000_0f1e2d',
                '20260312_091500_a1b2c3', '20260312_091540_c0ffee', '20260314_170230_d4e5f6', '20260316_101010_abcdef')
            (Get-AgentRollout -Path $HermesHome -Recurse).TraceId | Should -Be $All
        }

        It 'detects each store without -Format: state.db by name, snapshots and transcripts by content' {
            $sessions = Join-Path $HermesHome 'sessions'
            (Get-AgentRollout -LiteralPath (Join-Path $HermesHome 'state.db')).Format | Select-Object -Unique | Should -Be 'HermesAgent'
            (Get-AgentRollout -LiteralPath (Join-Path $sessions 'session_20260310_140000_0f1e2d.json')).Format | Should -Be 'HermesAgent'
            (Get-AgentRollout -LiteralPath (Join-Path $sessions '20260311_193000_77aa88.jsonl')).Format | Should -Be 'HermesAgent'
            $piped = Get-Content -LiteralPath (Join-Path $sessions '20260311_193000_77aa88.jsonl') | ConvertTo-RolloutRecord
            $piped.Format | Should -Be 'HermesAgent'
            $piped.MessageCount | Should -Be 4
        }

        It 'passes over the request dumps Hermes writes beside sessions' {
            $dump = Get-ChildItem (Join-Path $HermesHome 'sessions') -Filter 'request_dump_*'
            Get-AgentRollout -LiteralPath $dump.FullName -ErrorVariable errors -WarningAction SilentlyContinue | Should -BeNullOrEmpty
            $errors | Should -BeNullOrEmpty
        }

        It 'exports a state.db session and reads it back as the same format' {
            $out = Join-Path $TestDrive 'hermes.jsonl'
            Get-AgentRollout -LiteralPath (Join-Path $HermesHome 'state.db') | Export-AgentRollout -LiteralPath $out -As Normalized
            $back = Get-AgentRollout -LiteralPath $out
            $back.Format | Select-Object -Unique | Should -Be 'HermesAgent'
            $back.TraceId | Should -Be @('20260312_091500_a1b2c3', '20260312_091540_c0ffee', '20260314_170230_d4e5f6', '20260316_101010_abcdef')
        }
    }

    Context 'the SQLite native library' {
        It 'loads from the built module folder in a fresh pwsh' {
            $db = (Join-Path $HermesHome 'state.db') -replace "'", "''"
            $child = Start-ChildPwsh -Script @"
`$records = Get-AgentRollout -LiteralPath '$db' -ErrorAction Stop
"count=`$(`$records.Count) first=`$(`$records[0].TraceId)"
"@
            $result = Wait-ChildPwsh $child
            $result.Errors | Should -BeNullOrEmpty
            $result.ExitCode | Should -Be 0
            $result.Output.Trim() | Should -Be 'count=4 first=20260312_091500_a1b2c3'
        }

        It 'ships builds for Windows, macOS and Linux on x64 and Arm64, and no others' {
            $module = Split-Path $ModulePath -Parent
            foreach ($file in 'win-x64/native/e_sqlite3.dll', 'win-arm64/native/e_sqlite3.dll', 'osx-x64/native/libe_sqlite3.dylib',
                'osx-arm64/native/libe_sqlite3.dylib', 'linux-x64/native/libe_sqlite3.so', 'linux-arm64/native/libe_sqlite3.so',
                'linux-musl-x64/native/libe_sqlite3.so', 'linux-musl-arm64/native/libe_sqlite3.so') {
                Join-Path $module "runtimes/$file" | Should -Exist
            }
            (Get-ChildItem (Join-Path $module 'runtimes') -Directory).Name | Sort-Object |
                Should -Be @('linux-arm64', 'linux-musl-arm64', 'linux-musl-x64', 'linux-x64', 'osx-arm64', 'osx-x64', 'win-arm64', 'win-x64')
        }
    }
}
