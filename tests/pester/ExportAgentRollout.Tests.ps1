BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $env:CLAUDE_CONFIG_DIR = Join-Path $SamplesRoot 'claude-code'
    $env:CODEX_HOME = Join-Path $SamplesRoot 'codex'
    $records = Get-AgentRollout
}
AfterAll {
    Remove-Item Env:CLAUDE_CONFIG_DIR, Env:CODEX_HOME -ErrorAction SilentlyContinue
}

Describe 'Export-AgentRollout' {
    It 'writes one Normalized line per record that reads back into equal records' {
        $records.Count | Should -BeGreaterThan 10
        $data = Join-Path $TestDrive 'data.jsonl'
        $records | Export-AgentRollout -Path $data
        (Get-Content -LiteralPath $data).Count | Should -Be $records.Count
        $back = Get-AgentRollout -Format Normalized -Path $data
        $back.Count | Should -Be $records.Count
        for ($i = 0; $i -lt $records.Count; $i++) {
            $back[$i].ToJson() | Should -Be $records[$i].ToJson()
            foreach ($name in 'TraceId', 'Format', 'SourcePath', 'RootSessionId', 'IsSidechain', 'Cwd', 'GitBranch', 'StartedAt', 'EndedAt', 'Duration', 'Title', 'MessageCount', 'ToolCallCount', 'FinalAssistantMessage', 'InputTokens', 'OutputTokens', 'CacheReadTokens', 'CacheWriteTokens') {
                $back[$i].$name | Should -Be $records[$i].$name -Because "$name of $($records[$i].TraceId)"
            }
        }
    }

    It 'recognises a Normalized dataset without -Format' {
        $data = Join-Path $TestDrive 'auto.jsonl'
        $records | Select-Object -First 3 | Export-AgentRollout -Path $data
        (Get-AgentRollout -Path $data).TraceId | Should -Be ($records | Select-Object -First 3).TraceId
    }

    It 'writes OpenAIChat lines the fine-tuning API accepts, and says why it skips the rest' {
        $chat = Join-Path $TestDrive 'chat.jsonl'
        $records | Export-AgentRollout -Path $chat -As OpenAIChat -WarningVariable warnings -WarningAction SilentlyContinue
        $lines = Get-Content -LiteralPath $chat | ForEach-Object { $_ | ConvertFrom-Json -Depth 50 }
        ($lines.Count + $warnings.Count) | Should -Be $records.Count
        $warnings | ForEach-Object { "$_" | Should -Match '^Skipped \S+: it has no (assistant|user) message' }
        foreach ($line in $lines) {
            $line.PSObject.Properties.Name | Where-Object { $_ -notin 'messages', 'tools' } | Should -BeNullOrEmpty
            $calls = @{}
            foreach ($message in $line.messages) {
                $message.role | Should -BeIn 'system', 'user', 'assistant', 'tool'
                if ($message.role -eq 'assistant') {
                    ($null -ne $message.content -or $message.tool_calls) | Should -BeTrue
                    foreach ($call in $message.tool_calls) {
                        $calls[$call.id] = $true
                        $call.function.name | Should -Match '^[a-zA-Z0-9_-]{1,64}$'
                        { $call.function.arguments | ConvertFrom-Json } | Should -Not -Throw
                        $line.tools.function.name | Should -Contain $call.function.name
                    }
                }
                if ($message.role -eq 'tool') { $calls[$message.tool_call_id] | Should -BeTrue }
            }
            ($line.messages.role -contains 'assistant') | Should -BeTrue
            $line.messages | Where-Object { $_.PSObject.Properties['reasoning_content'] } | Should -BeNullOrEmpty
        }
    }

    It 'writes ShareGPT conversations whose turns alternate' {
        $share = Join-Path $TestDrive 'share.jsonl'
        $records | Export-AgentRollout -Path $share -As ShareGPT -IncludeReasoning -ExcludeSidechain -WarningVariable warnings -WarningAction SilentlyContinue
        $lines = Get-Content -LiteralPath $share | ForEach-Object { $_ | ConvertFrom-Json -Depth 50 }
        ($lines.Count + $warnings.Count) | Should -Be ($records | Where-Object { -not $_.IsSidechain }).Count
        $lines.conversations.from | Sort-Object -Unique | Should -Be @('function_call', 'gpt', 'human', 'observation', 'system')
        foreach ($line in $lines) {
            $turns = @($line.conversations | Where-Object from -ne 'system')
            for ($i = 0; $i -lt $turns.Count; $i++) {
                $turns[$i].from | Should -BeIn ($(if ($i % 2 -eq 0) { 'human', 'observation' } else { 'gpt', 'function_call' }))
            }
            $turns[-1].from | Should -BeIn 'gpt', 'function_call'
        }
    }

    It 'cuts long tool output with a visible marker and can leave images out' {
        $cut = Join-Path $TestDrive 'cut.jsonl'
        $records | Export-AgentRollout -Path $cut -MaxToolOutputLength 50 -ExcludeImages
        $text = Get-Content -LiteralPath $cut -Raw
        $text | Should -Match 'truncated: 50 of [0-9,]+ characters kept'
        $text | Should -Not -Match '"type":"image"'
        $text | Should -Not -Match '"structured_result":\{"stdout"' -Because 'structured results longer than the limit are dropped whole'
    }

    It 'writes UTF-8 without a BOM by default' {
        $plain = Join-Path $TestDrive 'plain.jsonl'
        $records | Select-Object -First 1 | Export-AgentRollout -Path $plain
        $bytes = [System.IO.File]::ReadAllBytes($plain)
        $bytes[0] | Should -Be ([byte][char]'{')
        $records | Select-Object -First 1 | Export-AgentRollout -Path $plain -Encoding utf8BOM
        [System.IO.File]::ReadAllBytes($plain)[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
    }

    It 'changes nothing under -WhatIf' {
        $whatIf = Join-Path $TestDrive 'whatif.jsonl'
        $records | Export-AgentRollout -Path $whatIf -WhatIf
        Test-Path -LiteralPath $whatIf | Should -BeFalse
        Get-ChildItem $TestDrive -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }

    It 'refuses to replace a file with -NoClobber and leaves it as it was' {
        $kept = Join-Path $TestDrive 'kept.jsonl'
        Set-Content -LiteralPath $kept -Value 'previous'
        { $records | Export-AgentRollout -Path $kept -NoClobber } | Should -Throw -ErrorId 'RolloutExportFileExists,*'
        Get-Content -LiteralPath $kept | Should -Be 'previous'
    }

    It 'leaves the previous file intact when an error interrupts the export midway' {
        $safe = Join-Path $TestDrive 'safe.jsonl'
        Set-Content -LiteralPath $safe -Value 'previous'
        { & { $records[0]; $records[1]; throw 'upstream failure' } | Export-AgentRollout -Path $safe } | Should -Throw '*upstream failure*'
        Get-Content -LiteralPath $safe | Should -Be 'previous'
        Get-ChildItem $TestDrive -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }

    It 'appends whole lines to an existing file' {
        $log = Join-Path $TestDrive 'append.jsonl'
        $records[0] | Export-AgentRollout -Path $log
        [System.IO.File]::AppendAllText($log, $records[1].ToJson())
        $records[2] | Export-AgentRollout -Path $log -Append
        (Get-AgentRollout -Format Normalized -Path $log).TraceId | Should -Be @($records[0].TraceId, $records[1].TraceId, $records[2].TraceId)
    }

    It 'replaces a read-only file only with -Force' {
        $locked = Join-Path $TestDrive 'locked.jsonl'
        Set-Content -LiteralPath $locked -Value 'previous'
        Set-ItemProperty -LiteralPath $locked -Name IsReadOnly -Value $true
        { $records[0] | Export-AgentRollout -Path $locked } | Should -Throw -ErrorId 'RolloutExportReadOnly,*'
        $records[0] | Export-AgentRollout -Path $locked -Force -PassThru | Should -BeOfType [System.IO.FileInfo]
        (Get-AgentRollout -Format Normalized -Path $locked).TraceId | Should -Be $records[0].TraceId
    }
}
