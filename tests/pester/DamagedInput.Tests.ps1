BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Damaged files beside and inside the traces' {
    BeforeEach {
        $claudeHome = Join-Path $TestDrive ([guid]::NewGuid())
        $project = Join-Path $claudeHome 'projects/-home-dev-acme-shop'
        $env:CLAUDE_CONFIG_DIR = $claudeHome
        $env:CODEX_HOME = Join-Path $claudeHome 'codex-home'
    }

    AfterAll {
        Remove-Item Env:CLAUDE_CONFIG_DIR, Env:CODEX_HOME -ErrorAction SilentlyContinue
    }

    It 'reads every session beside a damaged sessions-index.json and names the index in one warning' {
        New-ClaudeSession -Path (Join-Path $project 'aaaaaaaa-0000-4000-8000-000000000001.jsonl') -SessionId 'aaaaaaaa-0000-4000-8000-000000000001' -Prompt 'Fix checkout' | Out-Null
        New-ClaudeSession -Path (Join-Path $project 'aaaaaaaa-0000-4000-8000-000000000002.jsonl') -SessionId 'aaaaaaaa-0000-4000-8000-000000000002' -Prompt 'Add tax rules' | Out-Null
        $index = Join-Path $project 'sessions-index.json'
        [IO.File]::WriteAllBytes($index, [byte[]](0x7B, 0x22, 0x65, 0x6E, 0x74, 0x72, 0x69, 0x65, 0x73, 0x22, 0x3A, 0x5B, 0xFF, 0x5D, 0x7D))

        $records = Get-AgentRollout -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors

        $records.Title | Should -Be @('Fix checkout', 'Add tax rules')
        $errors | Should -BeNullOrEmpty
        $warnings.Count | Should -Be 1
        "$warnings" | Should -BeLike "$index*ignored*"
    }

    It 'reads a session whose first line is damaged as Claude Code, with the error at line 1' {
        $path = New-ClaudeSession -Path (Join-Path $project 'aaaaaaaa-0000-4000-8000-000000000003.jsonl') -SessionId 'aaaaaaaa-0000-4000-8000-000000000003' -Prompt 'Fix checkout'
        $lines = [IO.File]::ReadAllLines($path.FullName)
        [IO.File]::WriteAllLines($path.FullName, @('{"parentUuid":null,"isSidechain":false,"type":"user","mess') + $lines)

        $record = Get-AgentRollout -Path $path.FullName -ErrorVariable errors -ErrorAction SilentlyContinue

        $record.Format | Should -Be 'ClaudeCode'
        $record.MessageCount | Should -Be 4
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError,*'
        $errors[0].Exception.LineNumber | Should -Be 1
    }

    It 'reports a file of NUL bytes as not text' {
        $path = Join-Path $project 'aaaaaaaa-0000-4000-8000-000000000004.jsonl'
        New-Item -ItemType Directory -Path $project -Force | Out-Null
        [IO.File]::WriteAllBytes($path, [byte[]]::new(8192))

        { Get-AgentRollout -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'RolloutParseError,*'
        $null = Get-AgentRollout -Path $path -ErrorVariable errors -ErrorAction SilentlyContinue -WarningVariable warnings
        "$($errors[0])" | Should -BeLike '*:1: not text*NUL bytes*'
        $errors[1].FullyQualifiedErrorId | Should -BeLike 'RolloutNoUsableLines,*'
        $warnings | Should -BeNullOrEmpty
    }

    It 'reports lines whose record type is of the wrong JSON type instead of skipping the file' {
        $path = New-CodexRollout -Path (Join-Path $TestDrive 'codex/rollout-2025-11-20T21-05-09-0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b.jsonl') -SessionId '0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b'
        $text = [IO.File]::ReadAllText($path.FullName) -replace '"type":"(session_meta|turn_context|response_item|event_msg)"', '"type":7'
        [IO.File]::WriteAllText($path.FullName, $text)

        { Get-AgentRollout -Path $path.FullName -ErrorAction Stop } | Should -Throw -ErrorId 'RolloutNoUsableLines,*'
    }
}
