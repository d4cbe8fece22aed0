# Issue 14, "Errors and files": what a person types when writing files, and what they are told.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $env:CLAUDE_CONFIG_DIR = Join-Path $SamplesRoot 'claude-code'
    $records = @(Get-AgentRollout -Format ClaudeCode)
    $writers = 'Export-AgentRollout', 'Export-RolloutTranscript'
}
AfterAll {
    Remove-Item Env:CLAUDE_CONFIG_DIR -ErrorAction SilentlyContinue
}

Describe 'Exporting into a folder that does not exist' {
    It 'Export-AgentRollout names the destination and the missing folder, not the temporary file' {
        Push-Location $TestDrive
        try {
            $records[0] | Export-AgentRollout -Path ./missing/sessions.jsonl -ErrorAction Stop
        }
        catch { $failed = @($_) }
        finally { Pop-Location }
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'RolloutExportError,*'
        $folder = Join-Path $TestDrive 'missing'
        "$($failed[0])" | Should -Be "Could not write '$(Join-Path $folder 'sessions.jsonl')': the folder '$folder' does not exist; create it first."
        "$($failed[0])" | Should -Not -BeLike '*.tmp*'
    }
}

Describe '-Encoding takes what Export-Csv''s takes' {
    It '<Command> completes the same names as Export-Csv' -ForEach @(
        @{ Command = 'Export-AgentRollout' }, @{ Command = 'Export-RolloutTranscript' }
    ) {
        $line = "$Command -Encoding "
        $ours = (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText
        $csv = (TabExpansion2 'Export-Csv -Encoding ' 21).CompletionMatches.CompletionText | Where-Object { $_ -ne 'utf7' }
        $ours | Sort-Object | Should -Be ($csv | Sort-Object)
    }

    It 'Export-AgentRollout takes <Value> and writes the bytes Export-Csv would' -ForEach @(
        @{ Value = 'bigendianutf32' }, @{ Value = 'ascii' }, @{ Value = 'utf8' }, @{ Value = 1200 },
        @{ Value = [System.Text.UnicodeEncoding]::new($true, $false) }, @{ Value = 'windows-1252' }
    ) {
        $ours = Join-Path $TestDrive "ours-$(New-Guid).jsonl"
        $theirs = Join-Path $TestDrive "theirs-$(New-Guid).csv"
        $records[0] | Export-AgentRollout -Path $ours -Encoding $Value
        [pscustomobject]@{ a = 'é' } | Export-Csv -Path $theirs -Encoding $Value
        # Export-Csv's file starts with its byte order mark (or none) and '"'; ours with the same mark and '{'.
        $csv = [System.IO.File]::ReadAllBytes($theirs)
        $start = $csv[0..([array]::IndexOf($csv, [byte]34))] | ForEach-Object { if ($_ -eq 34) { 123 } else { $_ } }
        $bytes = [System.IO.File]::ReadAllBytes($ours)
        $bytes[0..($start.Count - 1)] -join ',' | Should -Be ($start -join ',')
    }

    It 'Export-RolloutTranscript writes in the encoding asked for' {
        $folder = Join-Path $TestDrive 'wide'
        $file = $records[0] | Export-RolloutTranscript -Destination $folder -Encoding unicode -PassThru | Select-Object -First 1
        $bytes = Get-Content -LiteralPath $file.FullName -AsByteStream -TotalCount 4
        $bytes[0..1] -join ',' | Should -Be '255,254'
        Get-Content -LiteralPath $file.FullName -Raw -Encoding unicode | Should -Be ($records[0] | ConvertTo-RolloutTranscript)
    }

    It 'refuses what is not an encoding, naming what it takes' {
        { $records[0] | Export-AgentRollout -Path (Join-Path $TestDrive 'x.jsonl') -Encoding nonsense -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*'nonsense' is not an encoding. Use one of ascii, ansi, *"
    }
}

Describe 'Output switches are consistent across the writers' {
    It '<_> has -PassThru, and writes nothing without it' -ForEach @('Export-AgentRollout', 'Export-RolloutTranscript') {
        (Get-Command $_).Parameters.Keys | Should -Contain 'PassThru'
        $target = if ($_ -eq 'Export-AgentRollout') { @{ Path = Join-Path $TestDrive "quiet-$(New-Guid).jsonl" } } else { @{ Destination = Join-Path $TestDrive "quiet-$(New-Guid)" } }
        $records[0] | & $_ @target | Should -BeNullOrEmpty
        $records[0] | & $_ @target -Force -PassThru | Should -BeOfType [System.IO.FileInfo]
    }
}
