BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

# Codex compresses cold rollouts to .jsonl.zst and starts a new rollout file when a thread is reverted
# (samples/codex/make-later-rollouts.py made both samples). The native reader and reading in this process must agree.
Describe 'Codex compressed rollouts and reverted threads' {
    BeforeAll {
        $script:CodexHome = Join-Path $TestDrive 'codex-home'
        Copy-Item -Recurse (Join-Path $SamplesRoot 'codex') $CodexHome
        $script:Compressed = Get-Item (Join-Path $CodexHome 'archived_sessions/rollout-2025-10-12T16-20-00-0199d9a1-3b7e-7c42-9f1d-2a6e5b8c4d10.jsonl.zst')
        $script:Thread = '01a11b2c-4d5e-7f60-8a1b-2c3d4e5f6071'

        function Invoke-BothWays([scriptblock] $Command) {
            <# The command's records as JSON (or its objects' properties), read by the native reader and in this process. #>
            foreach ($native in '1', '0') {
                $env:ROLLOUTTOOLS_NATIVE = $native
                try {
                    , @(& $Command | ForEach-Object { if ($_ -is [RolloutTools.Core.Model.RolloutRecord]) { $_.ToJson() } else { $_ | Select-Object * -ExcludeProperty *Activity | ConvertTo-Json -Compress -Depth 4 } })
                }
                finally {
                    Remove-Item Env:ROLLOUTTOOLS_NATIVE -ErrorAction SilentlyContinue
                }
            }
        }
    }

    AfterEach { $env:CODEX_HOME = Join-Path ([System.IO.Path]::GetTempPath()) 'rollouttools-tests-no-agent-home/CODEX_HOME' }

    It 'reads a compressed rollout in the default locations, the same both ways' {
        $env:CODEX_HOME = $CodexHome
        $native, $inProcess = Invoke-BothWays { Get-AgentRollout -Format Codex -Id 0199d9a1 }
        $native | Should -HaveCount 1
        $native | Should -Be $inProcess
        $record = $native | ConvertFrom-Json
        $record.title | Should -Be 'Why does the tile cache miss on every zoom change?'
        $record.source_meta.compressed | Should -BeTrue
    }

    It 'reads a compressed rollout given by -Path as its plain twin reads' {
        $plain = Join-Path $TestDrive 'plain/rollout-2025-10-12T16-20-00-0199d9a1-3b7e-7c42-9f1d-2a6e5b8c4d10.jsonl'
        New-Item -ItemType Directory (Split-Path $plain) -Force | Out-Null
        $bytes = [System.IO.MemoryStream]::new()
        $decoder = [ZstdSharp.DecompressionStream]::new([System.IO.File]::OpenRead($Compressed.FullName))
        try { $decoder.CopyTo($bytes) } finally { $decoder.Dispose() }
        [System.IO.File]::WriteAllBytes($plain, $bytes.ToArray())

        $fromCompressed = Get-AgentRollout -Path $Compressed.FullName
        $fromPlain = Get-AgentRollout -LiteralPath $plain
        $fromCompressed.Messages.Text | Should -Be $fromPlain.Messages.Text
        $fromCompressed.TotalTokens | Should -Be 9334
        $fromCompressed.TotalTokens | Should -Be $fromPlain.TotalTokens
    }

    It 'counts a compressed rollout in Measure-AgentRollout, the same both ways' {
        $native, $inProcess = Invoke-BothWays { Measure-AgentRollout -Path $Compressed.FullName }
        $native | Should -Be $inProcess
        ($native | ConvertFrom-Json).TotalTokens | Should -Be 9334
        # The archived folder: the compressed rollout is one of its three sessions.
        $folder = Measure-AgentRollout -Path (Split-Path $Compressed.FullName)
        $folder.Sessions | Should -Be 3
        $folder.TotalTokens | Should -Be (9334 + (Get-AgentRollout -Path (Split-Path $Compressed.FullName) -Filter '*.jsonl' | Measure-Object TotalTokens -Sum).Sum)
    }

    It 'reads a rollout and its compressed twin once, from the plain file' {
        $folder = New-Item -ItemType Directory (Join-Path $TestDrive 'twins')
        Copy-Item $Compressed.FullName $folder
        Copy-Item (Join-Path $TestDrive 'plain/*.jsonl') $folder
        $records = Get-AgentRollout -Path $folder -WarningVariable warnings -ErrorVariable errors
        $records | Should -HaveCount 1
        $records.SourcePath | Should -BeLike '*.jsonl'
        $warnings | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
    }

    It 'reports a cut-off compressed rollout as an error naming the file, and reads the lines before the cut' {
        $lines = [System.Text.StringBuilder]::new()
        [void] $lines.AppendLine('{"timestamp":"2025-10-12T14:20:00.412Z","type":"session_meta","payload":{"id":"0199d9a1-3b7e-7c42-9f1d-2a6e5b8c4d10","cwd":"/home/dev/tile-cache"}}')
        foreach ($i in 0..2999) {
            [void] $lines.AppendLine(('{{"timestamp":"2025-10-12T14:21:00.000Z","type":"response_item","payload":{{"type":"message","role":"user","content":[{{"type":"input_text","text":"Question {0} about tile {1}, {2}"}}]}}}}' -f $i, ($i * 7), ('x' * (30 + $i % 97))))
        }
        $text = [System.Text.Encoding]::UTF8.GetBytes($lines.ToString())
        $frame = [System.IO.MemoryStream]::new()
        $encoder = [ZstdSharp.CompressionStream]::new($frame, 3)
        try { $encoder.Write($text, 0, $text.Length) } finally { $encoder.Dispose() }
        $whole = $frame.ToArray()
        $cut = Join-Path (New-Item -ItemType Directory (Join-Path $TestDrive 'cut')) $Compressed.Name
        [System.IO.File]::WriteAllBytes($cut, $whole[0..($whole.Length * 2 / 3)])

        foreach ($native in '1', '0') {
            $env:ROLLOUTTOOLS_NATIVE = $native
            try {
                $record = Get-AgentRollout -Path $cut -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            }
            finally {
                Remove-Item Env:ROLLOUTTOOLS_NATIVE -ErrorAction SilentlyContinue
            }
            $record.MessageCount | Should -BeGreaterThan 100
            $record.MessageCount | Should -BeLessThan 3000
            $readError = $errors | Where-Object FullyQualifiedErrorId -Like 'RolloutReadError,*'
            $readError | Should -HaveCount 1
            "$readError" | Should -BeLike "*$cut*cut off*"
        }
    }

    It 'gives a reverted thread a record per rollout, which -Id of the thread finds, each turn once' {
        $env:CODEX_HOME = $CodexHome
        $native, $inProcess = Invoke-BothWays { Get-AgentRollout -Id $Thread }
        $native | Should -Be $inProcess
        $records = $native | ConvertFrom-Json
        $records.trace_id | Should -Be @($Thread, "${Thread}:01a11b40-9e8d-7c6b-9a5f-4e3d2c1b0a99")
        $later = $records[1]
        $later.source_meta.continues | Should -Be $Thread
        $later.source_meta.inherited_records | Should -Be 5
        $later.messages.content.text | Should -Not -Contain 'Add a size limit to the tile cache.'
        $records[0].messages.content.text | Should -Contain 'Now evict by tile age instead.'
    }
}
