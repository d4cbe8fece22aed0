BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:CursorHome = [System.IO.Path]::GetFullPath((Join-Path $SamplesRoot 'cursor'))
    $script:Shop = '7c1e4a92-3b5d-4f60-8a2e-91d4c6b0f3a7'
    $script:Tests = '2f8b6d13-9a4c-4e71-b5d0-6c3a8e2f1b94'
    $script:Notes = 'b4e09f7d-2c61-48a3-9d5e-0a7f3c1e8b26'
    $script:ShopFile = Join-Path $CursorHome "projects/home-dev-shop-api/agent-transcripts/$Shop/$Shop.jsonl"
}

Describe 'Cursor transcripts' {
    AfterEach {
        $env:CURSOR_CONFIG_DIR = Join-Path ([System.IO.Path]::GetTempPath()) 'rollouttools-tests-no-agent-home/CURSOR_CONFIG_DIR'
    }

    It 'reads a folder of transcripts, recognised without -Format' {
        $records = Get-AgentRollout -Path (Join-Path $CursorHome 'projects/home-dev-shop-api') -Recurse -ErrorVariable errors -WarningVariable warnings
        $errors | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        $records.Format | Should -Be @('Cursor', 'Cursor')
        $records.SourceKind | Select-Object -Unique | Should -Be 'cursor'
        $records.TraceId | Should -Be @($Shop, "${Shop}:$Tests")
        $records[1].IsSidechain | Should -BeTrue
        $records[1].RootSessionId | Should -Be $Shop
    }

    It 'reads the default location through CURSOR_CONFIG_DIR with each chat store, and a copied home as its store' {
        $env:CURSOR_CONFIG_DIR = $CursorHome
        $records = Get-AgentRollout -Format Cursor
        $records.TraceId | Should -Be @($Notes, $Shop, "${Shop}:$Tests")
        $records[1].Title | Should -Be 'Cart total ignores discounts'
        $records[1].Models | Should -Be 'claude-4.5-sonnet'
        $records[0].Cwd | Should -Be '/home/dev/notes-cli'
        $records[0].SourceMeta['tool_results_paired_by_order'] | Should -Be 2
        (Get-AgentRollout -Id 'b4e0').TraceId | Should -Be $Notes

        $copy = Join-Path $TestDrive 'backup/.cursor'
        New-Item -ItemType Directory -Path $copy -Force | Out-Null
        Copy-Item -Path (Join-Path $CursorHome 'projects'), (Join-Path $CursorHome 'chats') -Destination $copy -Recurse
        $env:CURSOR_CONFIG_DIR = Join-Path $TestDrive 'no-cursor'
        $copied = Get-AgentRollout -Path $copy 3>$null
        $copied.Format | Should -Be @('Cursor', 'Cursor', 'Cursor')
        ($copied | Where-Object TraceId -eq $Shop).Title | Should -Be 'Cart total ignores discounts'
    }

    It 'is listed by Get-RolloutFormat with its default location' {
        $env:CURSOR_CONFIG_DIR = $CursorHome
        $cursor = Get-RolloutFormat -Format Cursor
        $cursor.SourceKind | Should -Be 'cursor'
        $cursor.DefaultLocations | Should -Be (Join-Path $CursorHome 'projects')
        $cursor.Present | Should -BeTrue
        $cursor.SessionCount | Should -Be 3
        (Get-RolloutFormat).Format | Should -Contain 'Cursor'
    }

    It 'lists tool calls, paired with results where the transcript has them' {
        $env:CURSOR_CONFIG_DIR = $CursorHome
        $calls = Get-AgentRollout -Id $Notes | Get-RolloutToolCall
        $calls.Name | Should -Be @('Read', 'StrReplace', 'Shell')
        $calls.Status | Should -Be @('Succeeded', 'Succeeded', 'Succeeded')
    }

    It 'converts piped text' {
        $text = Get-Content -LiteralPath $ShopFile | ConvertTo-RolloutRecord
        $text.Format | Should -Be 'Cursor'
        $text.MessageCount | Should -Be 8
    }

    It 'reports a damaged line by file and line and keeps the rest' {
        $copy = Join-Path $TestDrive "damaged/agent-transcripts/$Shop"
        New-Item -ItemType Directory -Path $copy -Force | Out-Null
        $lines = Get-Content -LiteralPath $ShopFile
        $lines[1] = $lines[1].Substring(0, 40)
        $path = Join-Path $copy "$Shop.jsonl"
        Set-Content -LiteralPath $path -Value $lines
        $record = Get-AgentRollout -LiteralPath $path -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
        $errors[0].Exception.Message | Should -BeLike "*$Shop.jsonl:2*"
        $record.Format | Should -Be 'Cursor'
        $record.SourceMeta['skipped_lines'] | Should -Be 1
    }
}
