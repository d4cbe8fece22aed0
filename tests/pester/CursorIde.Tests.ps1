BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A copy of samples/cursor-ide as Cursor's user folder under an application data folder, so that nothing a test does
    # can touch the committed files.
    $script:AppData = Join-Path $TestDrive 'appdata'
    $script:User = Join-Path $AppData 'Cursor/User'
    New-Item -ItemType Directory -Path (Join-Path $AppData 'Cursor') | Out-Null
    Copy-Item -Recurse (Join-Path $SamplesRoot 'cursor-ide/User') $User
    $script:Global = Join-Path $User 'globalStorage'
    $script:Database = Join-Path $Global 'state.vscdb'
    $script:Agent = '6b0f3c1e-2a4d-4f7b-9c8e-1d2a3b4c5d6e'
    $script:Chat = 'c41d9e7a-8b2f-4e1c-a6d3-5f7e9b0c2a14'
}

Describe 'Cursor IDE chats' {
    Context 'the default location' {
        BeforeAll {
            # VSCODE_APPDATA moves the folder every VS Code-family editor keeps its user folder in, Cursor's too.
            $saved = $env:VSCODE_APPDATA
            $env:VSCODE_APPDATA = $AppData
        }
        AfterAll {
            $env:VSCODE_APPDATA = $saved
        }

        It 'reads globalStorage/state.vscdb of Cursor''s user folder: one record per composer with messages' {
            $records = Get-AgentRollout -Format CursorIde -ErrorVariable errors -WarningVariable warnings
            $errors | Should -BeNullOrEmpty
            $warnings | Should -BeNullOrEmpty
            $records.TraceId | Should -Be @($Chat, $Agent)
            $records.Format | Select-Object -Unique | Should -Be 'CursorIde'
            $records.SourceKind | Select-Object -Unique | Should -Be 'cursor_ide'
            $records.SourcePath | Select-Object -Unique | Should -Be $Database
        }

        It 'is listed by Get-RolloutFormat with its folder and its composers' {
            $format = Get-RolloutFormat -Format CursorIde
            $format.SourceKind | Should -Be 'cursor_ide'
            $format.DefaultLocations | Should -Be $Global
            $format.Present | Should -BeTrue
            # The composer never written to is a session of the store too; reading it gives no record.
            $format.SessionCount | Should -Be 3
            $format.FilePatterns | Should -Be 'state.vscdb'
        }

        It 'opens only the composer -Id names, and passes over those -Since leaves out by their last update' {
            (Get-AgentRollout -Format CursorIde -Id $Agent).TraceId | Should -Be $Agent
            (Get-AgentRollout -Format CursorIde -Since '2026-10-01').TraceId | Should -Be $Agent
        }
    }

    It 'reads the user folder, its globalStorage or the database when named' {
        (Get-AgentRollout -Path $User).TraceId | Should -Be @($Chat, $Agent)
        (Get-AgentRollout -Path $Global).TraceId | Should -Be @($Chat, $Agent)
        $records = Get-AgentRollout -LiteralPath $Database -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
        $records.Format | Select-Object -Unique | Should -Be 'CursorIde'
    }

    It 'pairs each call with its result, keeps the workspace folder, the title, the model and the stated usage' {
        $record = Get-AgentRollout -LiteralPath $Database -Id $Agent
        $record.Title | Should -Be 'Fix flaky parse_date test'
        $record.Cwd | Should -Be '/home/dev/projects/date-utils'
        $record.Models | Should -Be 'claude-4.5-sonnet-thinking'
        $calls = $record | Get-RolloutToolCall
        $calls.Name | Should -Be @('read_file', 'run_terminal_cmd', 'search_replace', 'run_terminal_cmd', 'run_terminal_cmd')
        $calls.Status | Should -Be @('Succeeded', 'Succeeded', 'Succeeded', 'Failed', 'NoResult')
        $record.InputTokens | Should -Be (18234 + 20411 + 20702)
        $record.OutputTokens | Should -Be (412 + 233 + 61)
        ($record.Messages | Where-Object Kind -eq 'Response')[0].ReasoningContent | Should -BeLike 'CI runs in UTC*'
    }

    It 'reads an older chat whose messages are inline, titled by its first prompt' {
        $chat = Get-AgentRollout -LiteralPath $Database -Id $Chat
        $chat.Title | Should -Be 'How do I make this regex match across lines in Python?'
        $chat.Messages.Kind | Should -Be @('Prompt', 'Response', 'Prompt', 'Response')
        $chat.Cwd | Should -BeNullOrEmpty
    }

    It 'warns, naming the database and the key, of a bubble the composer''s header names but the database lacks' {
        $copy = Join-Path $TestDrive 'damaged/Cursor/User/globalStorage'
        New-Item -ItemType Directory -Path $copy | Out-Null
        Copy-Item $Database $copy
        $db = Join-Path $copy 'state.vscdb'
        # The reader never writes: the test removes a bubble itself, through the SQLite the module brings (loaded by the reads above).
        $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$db;Pooling=False")
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = "DELETE FROM cursorDiskKV WHERE key = 'bubbleId:${Agent}:b-a4'"
        $command.ExecuteNonQuery() | Should -Be 1
        $connection.Dispose()
        $record = Get-AgentRollout -LiteralPath $db -Id $Agent -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike "*${db}: composer ${Agent}: its header names row bubbleId:${Agent}:b-a4, which the database does not hold; left out."
        ($record.Messages | Where-Object Kind -eq 'Prompt').Count | Should -Be 2
    }
}
