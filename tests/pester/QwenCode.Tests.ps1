BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:QwenHome = [System.IO.Path]::GetFullPath((Join-Path $SamplesRoot 'qwen-code'))
    $script:QwenChats = Join-Path $QwenHome 'projects/-home-dev-weather-app/chats'
    $script:Current = '5f0c2a71-8d3e-4b9a-a6c4-3e1f7b2d9c58'
    $script:Archived = 'c3d9e6b2-1a47-4f08-9e5d-7b2c4a8f1e93'
}

Describe 'Qwen Code sessions' {
    AfterEach {
        foreach ($variable in 'QWEN_HOME', 'QWEN_RUNTIME_DIR') {
            Set-Item "Env:$variable" (Join-Path ([System.IO.Path]::GetTempPath()) "rollouttools-tests-no-agent-home/$variable")
        }
    }

    It 'reads a chats folder, recognised without -Format' {
        $records = Get-AgentRollout -Path $QwenChats -Recurse -ErrorVariable errors -WarningVariable warnings
        $errors | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        $records.Format | Should -Be @('QwenCode', 'QwenCode')
        $records.SourceKind | Select-Object -Unique | Should -Be 'qwen_code'
        $records.TraceId | Should -Be @($Current, $Archived)
        $records[0].Title | Should -Be 'Celsius on the forecast page'
        $records[0].MessageCount | Should -Be 15
        $records[0].GitBranch | Should -Be 'feature/celsius'
        $records[1].SourceMeta['archived'] | Should -BeTrue
        $records[1].SourceMeta['compactions'] | Should -Be 1
    }

    It 'reads the default location through QWEN_HOME, and a copied home as its store' {
        $env:QWEN_HOME = $QwenHome
        (Get-AgentRollout -Format QwenCode).TraceId | Should -Be @($Current, $Archived)
        (Get-AgentRollout -Id 'c3d9').TraceId | Should -Be $Archived

        $copy = Join-Path $TestDrive 'backup/.qwen'
        New-Item -ItemType Directory -Path $copy -Force | Out-Null
        Copy-Item -Path (Join-Path $QwenHome 'projects') -Destination $copy -Recurse
        $env:QWEN_HOME = Join-Path $TestDrive 'no-qwen'
        $records = Get-AgentRollout -Path $copy 3>$null
        $records.Format | Should -Be @('QwenCode', 'QwenCode')
    }

    It 'is listed by Get-RolloutFormat with its default location' {
        $env:QWEN_HOME = $QwenHome
        Remove-Item Env:QWEN_RUNTIME_DIR
        $qwen = Get-RolloutFormat -Format QwenCode
        $qwen.SourceKind | Should -Be 'qwen_code'
        $qwen.DefaultLocations | Should -Be (Join-Path $QwenHome 'projects')
        $qwen.Present | Should -BeTrue
        $qwen.SessionCount | Should -Be 2
        (Get-RolloutFormat).Format | Should -Contain 'QwenCode'

        # QWEN_RUNTIME_DIR moves the sessions; the home's projects folder is still looked in.
        $env:QWEN_RUNTIME_DIR = Join-Path $TestDrive 'runtime'
        (Get-RolloutFormat -Format QwenCode).DefaultLocations | Should -Be @((Join-Path $TestDrive 'runtime/projects'), (Join-Path $QwenHome 'projects'))
    }

    It 'keeps the rewound branch, marked, with -IncludeAbandoned' {
        $file = Join-Path $QwenChats "$Current.jsonl"
        (Get-AgentRollout -LiteralPath $file).Messages.IsAbandoned | Should -Not -Contain $true
        $withLeft = Get-AgentRollout -LiteralPath $file -IncludeAbandoned
        ($withLeft.Messages | Where-Object IsAbandoned).Text | Should -Be @('Also add a Fahrenheit toggle.', 'I will add a unit toggle to the page header.')
    }

    It 'lists tool calls paired with their results, failures included' {
        $calls = Get-AgentRollout -LiteralPath (Join-Path $QwenChats "$Current.jsonl") | Get-RolloutToolCall
        $calls.Name | Should -Be @('grep_search', 'read_file', 'edit', 'run_shell_command')
        $calls.Status | Should -Be @('Succeeded', 'Succeeded', 'Succeeded', 'Failed')
    }

    It 'converts piped text' {
        $text = Get-Content -LiteralPath (Join-Path $QwenChats "archive/$Archived.jsonl") | ConvertTo-RolloutRecord
        $text.Format | Should -Be 'QwenCode'
        $text.TraceId | Should -Be $Archived
    }

    It 'reports a damaged line by file and line and keeps the rest' {
        $copy = Join-Path $TestDrive 'damaged/chats'
        New-Item -ItemType Directory -Path $copy -Force | Out-Null
        $lines = Get-Content -LiteralPath (Join-Path $QwenChats "archive/$Archived.jsonl")
        $lines[2] = $lines[2].Substring(0, 40)
        $path = Join-Path $copy "$Archived.jsonl"
        Set-Content -LiteralPath $path -Value $lines
        $record = Get-AgentRollout -LiteralPath $path -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError*'
        $errors[0].Exception.Message | Should -BeLike "*$Archived.jsonl:3*"
        $record.Format | Should -Be 'QwenCode'
        $record.SourceMeta['skipped_lines'] | Should -Be 1
    }
}
