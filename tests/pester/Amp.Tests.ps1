BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/amp/share (an XDG_DATA_HOME), so that nothing a test does can touch the committed files.
    $script:Share = Join-Path $TestDrive 'share'
    Copy-Item -Recurse (Join-Path $SamplesRoot 'amp/share') $Share
    $script:Threads = Join-Path $Share 'amp/threads'
    $script:A = 'T-019a7c1e-4b2d-7f3a-9c1e-2d4b6f8a0c11'
    $script:B = 'T-019a7c4f-8e1a-7b2c-a3d4-5e6f7a8b9c22'
    $script:C = 'T-019a8d02-13f4-7a5b-8c6d-7e8f9a0b1c33'
}

Describe 'Amp' {
    Context 'the default location' {
        BeforeAll {
            $saved = $env:XDG_DATA_HOME
            $env:XDG_DATA_HOME = $Share
        }
        AfterAll {
            $env:XDG_DATA_HOME = $saved
        }

        It 'reads the threads folder of the data folder: one record per thread file' {
            $records = Get-AgentRollout -Format Amp -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            @($records.TraceId | Sort-Object) | Should -Be @($A, $B, $C)
            $records.Format | Select-Object -Unique | Should -Be 'Amp'
            $records.SourceKind | Select-Object -Unique | Should -Be 'amp'
            $records.Cwd | Select-Object -Unique | Should -Be '/home/dev/tally-app'
            ($records | Where-Object TraceId -eq $A).StartedAt | Should -Be ([DateTimeOffset]'2025-12-04T07:00:00Z')
            ($records | Where-Object TraceId -eq $C).SourcePath | Should -Be (Join-Path $Threads "$C.json")
        }

        It 'finds a thread without -Format too, and by id' {
            $record = Get-AgentRollout -Id $B -WarningAction SilentlyContinue
            $record.TraceId | Should -Be $B
            $record.Title | Should -Be 'Clean up the invoice tests'
            $record.SourceMeta['parent_thread_id'] | Should -Be $A
        }

        It 'pairs each call with its run, tells failed (an error, an exit code other than 0), refused and cancelled runs, and states usage per response' {
            $calls = Get-AgentRollout -Format Amp | Get-RolloutToolCall
            $calls.Count | Should -Be 8
            @($calls | Where-Object TraceId -eq $A | ForEach-Object { "$($_.Name) $($_.Status)" }) | Should -Be @('Read Succeeded', 'Bash Failed', 'edit_file Failed')
            @($calls | Where-Object TraceId -eq $B | ForEach-Object { "$($_.Name) $($_.Status)" }) | Should -Be @('Task Succeeded', 'Grep Failed', 'edit_file Failed')
            ($calls | Where-Object { $_.TraceId -eq $C -and $_.Name -eq 'Bash' }).Status | Should -Be 'NoResult'
            $a = Get-AgentRollout -Format Amp -Id $A
            $a.InputTokens | Should -Be 35
            $a.CacheReadTokens | Should -Be 16122
            $a.CacheWriteTokens | Should -Be 5692
            $a.Messages[0].Content[1].Type | Should -Be 'Image'
        }

        It 'is listed by Get-RolloutFormat with its folder and its thread count' {
            $format = Get-RolloutFormat -Format Amp
            $format.SourceKind | Should -Be 'amp'
            $format.DefaultLocations | Should -Be $Threads
            $format.Present | Should -BeTrue
            $format.SessionCount | Should -Be 3
        }

        It 'reads the data folder named as a path, as Amp lays it out' {
            @(Get-AgentRollout -Path (Join-Path $Share 'amp')).Count | Should -Be 3
        }
    }

    It 'reports a thread file caught half-written by name and line, and reads the others' {
        $copy = Join-Path $TestDrive 'damaged/threads'
        Copy-Item -Recurse $Threads $copy
        $path = Join-Path $copy "$A.json"
        $text = Get-Content -Raw $path
        Set-Content -NoNewline -Path $path -Value $text.Substring(0, $text.IndexOf('"toolu_01Bs4Kq7"'))
        $records = Get-AgentRollout -Path $copy -Format Amp -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors -ErrorAction SilentlyContinue
        @($records.TraceId | Sort-Object) | Should -Be @($B, $C)
        $problems = @($warnings) + @($errors)
        $problems.Count | Should -Be 1
        "$problems" | Should -BeLike "*$A.json:*ends before the document does*"
    }
}
