BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/continue/global (a CONTINUE_GLOBAL_DIR), so that nothing a test does can touch the committed files.
    $script:Root = Join-Path $TestDrive 'continue-global'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'continue/global') $Root
    $script:Sessions = Join-Path $Root 'sessions'
    $script:A = '0b6f1c52-7d1e-4c8a-9f3e-2a51c4d8e901'
    $script:B = '5c9e2a7f-1b3d-4e6f-8a2c-7d4b9e1f3a62'
    $script:C = 'a7d3e1b9-46c2-4f8e-b5a1-3c9d2e7f6b14'
}

Describe 'Continue' {
    Context 'the default location' {
        BeforeAll {
            $saved = $env:CONTINUE_GLOBAL_DIR
            $env:CONTINUE_GLOBAL_DIR = $Root
        }
        AfterAll {
            $env:CONTINUE_GLOBAL_DIR = $saved
        }

        It 'reads the sessions folder of the global folder: one record per session file, sessions.json dating them and read as no session' {
            $records = Get-AgentRollout -Format Continue -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            @($records.TraceId | Sort-Object) | Should -Be @($A, $B, $C)
            $records.Format | Select-Object -Unique | Should -Be 'Continue'
            $records.SourceKind | Select-Object -Unique | Should -Be 'continue'
            $records.Cwd | Select-Object -Unique | Should -Be '/home/dev/tally-app'
            ($records | Where-Object TraceId -eq $B).StartedAt | Should -Be ([DateTimeOffset]'2025-06-03T08:00:00Z')
            ($records | Where-Object TraceId -eq $C).SourcePath | Should -Be (Join-Path $Sessions "$C.json")
        }

        It 'finds them without -Format too, and by id' {
            $record = Get-AgentRollout -Id $C -WarningAction SilentlyContinue
            $record.TraceId | Should -Be $C
            $record.Title | Should -Be 'Count TODO comments'
        }

        It 'keeps attached files as context, pairs tool calls with their results, and states usage per response' {
            $a = Get-AgentRollout -Format Continue -Id $A
            @($a.Messages.Kind | ForEach-Object ToString) | Should -Be @('Context', 'Prompt', 'Response')
            $a.Messages[1].Content[1].Type | Should -Be 'Image'
            $calls = Get-AgentRollout -Format Continue -Id $B | Get-RolloutToolCall
            @($calls.Status | ForEach-Object ToString) | Should -Be @('Succeeded', 'Failed', 'Succeeded', 'Failed')
            $c = Get-AgentRollout -Format Continue -Id $C
            $c.InputTokens | Should -Be 445
            $c.CacheReadTokens | Should -Be 6000
            $c.SourceMeta['stated_cost_usd'] | Should -Be 0.00521
        }

        It 'is listed by Get-RolloutFormat with its folder and its session count' {
            $format = Get-RolloutFormat -Format Continue
            $format.SourceKind | Should -Be 'continue'
            $format.DefaultLocations | Should -Be $Sessions
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 3
        }
    }

    It 'resolves a relative CONTINUE_GLOBAL_DIR against the working directory, as Continue does' {
        $saved = $env:CONTINUE_GLOBAL_DIR
        try {
            Push-Location $TestDrive
            [Environment]::CurrentDirectory = $TestDrive
            $env:CONTINUE_GLOBAL_DIR = 'continue-global'
            (Get-RolloutFormat -Format Continue).DefaultLocations | Should -Be $Sessions
        }
        finally {
            Pop-Location
            [Environment]::CurrentDirectory = (Get-Location -PSProvider FileSystem).ProviderPath
            $env:CONTINUE_GLOBAL_DIR = $saved
        }
    }

    It 'reports a damaged session file by name and line, and reads the others' {
        $damaged = Join-Path $TestDrive 'damaged/sessions'
        Copy-Item -Recurse $Sessions $damaged
        $path = Join-Path $damaged "$A.json"
        $text = Get-Content -Raw $path
        Set-Content -NoNewline -Path $path -Value $text.Substring(0, $text.IndexOf('"contextItems"'))
        $records = Get-AgentRollout -Path $damaged -Format Continue -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors -ErrorAction SilentlyContinue
        @($records.TraceId | Sort-Object) | Should -Be @($B, $C)
        $problems = @($warnings) + @($errors)
        $problems.Count | Should -Be 1
        "$problems" | Should -BeLike "*$A.json:22:*not valid JSON*"
    }
}
