BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Get-AgentRollout' {
    BeforeAll {
        $projects = Join-Path $TestDrive 'claude/projects/-home-dev-acme-shop'
        $first = New-ClaudeSession -Path (Join-Path $projects '11111111-1111-4111-8111-111111111111.jsonl') -SessionId '11111111-1111-4111-8111-111111111111' -Prompt 'First task'
        $second = New-ClaudeSession -Path (Join-Path $projects '22222222-2222-4222-8222-222222222222.jsonl') -SessionId '22222222-2222-4222-8222-222222222222' -Prompt 'Second task' -Start '2025-12-01T10:00:00Z'
        New-ClaudeSession -Path (Join-Path $projects '22222222-2222-4222-8222-222222222222/subagents/agent-a1b2c3d.jsonl') -SessionId '22222222-2222-4222-8222-222222222222' -Prompt 'Sub task' -Start '2025-12-01T10:00:30Z' | Out-Null
        Set-Content -LiteralPath (Join-Path $TestDrive 'claude/history.jsonl') -Value '{"display":"First task","timestamp":1762160400000,"project":"/home/dev/acme-shop","sessionId":"11111111-1111-4111-8111-111111111111"}'
        $env:CLAUDE_CONFIG_DIR = Join-Path $TestDrive 'claude'
    }
    AfterAll {
        Remove-Item Env:CLAUDE_CONFIG_DIR -ErrorAction SilentlyContinue
    }

    It 'reads the default location through CLAUDE_CONFIG_DIR, in a stable order' {
        $records = Get-AgentRollout
        $records.Title | Should -Be @('First task', 'Second task', 'Sub task')
        $records[2].IsSidechain | Should -BeTrue
        $records[2].AgentId | Should -Be 'a1b2c3d'
    }

    It 'returns typed, flat properties' {
        $record = Get-AgentRollout -Path $first.FullName
        $record | Should -BeOfType 'RolloutTools.Core.Model.RolloutRecord'
        $record.Format | Should -Be 'ClaudeCode'
        $record.SourceKind | Should -Be 'claude_code'
        $record.StartedAt | Should -BeOfType [DateTimeOffset]
        $record.Duration | Should -Be ([TimeSpan]::FromSeconds(65))
        $record.MessageCount | Should -Be 4
        $record.ToolCallCount | Should -Be 1
        $record.InputTokens | Should -Be 15
        $record.OutputTokens | Should -Be 27
        $record.CacheReadTokens | Should -Be 300
        $record.CacheWriteTokens | Should -Be 40
        $record.FinalAssistantMessage | Should -Be 'One file: a.txt'
        "$($record.Messages.Role)" | Should -Be 'User Assistant Tool Assistant'
        $record.Messages[0].Kind | Should -Be 'Prompt'
    }

    It 'takes files and folders with wildcards through the provider' {
        (Get-AgentRollout -Path (Join-Path $projects '*.jsonl')).Count | Should -Be 2
        Push-Location $projects
        try { (Get-AgentRollout -Path './1111*').Title | Should -Be 'First task' } finally { Pop-Location }
        (Get-AgentRollout -Path $projects).Count | Should -Be 3 -Because 'a folder includes its sessions'' subagents'
    }

    It 'binds FileInfo from Get-ChildItem by property name' {
        (Get-ChildItem $projects -Recurse -Filter *.jsonl | Get-AgentRollout).Count | Should -Be 3
    }

    It 'skips piped files that are not traces with one warning' {
        $records = Get-ChildItem (Join-Path $TestDrive 'claude') -Recurse -Filter *.jsonl | Get-AgentRollout -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors
        $records.Count | Should -Be 3
        $errors | Should -BeNullOrEmpty
        $warnings.Count | Should -Be 1
        "$warnings" | Should -BeLike 'Skipped 1 file*not agent traces*'
    }

    It 'reads a name with brackets through -LiteralPath' {
        $odd = New-ClaudeSession -Path (Join-Path $TestDrive 'odd/session[1].jsonl') -Prompt 'Bracketed'
        (Get-AgentRollout -LiteralPath $odd.FullName).Title | Should -Be 'Bracketed'
        (Get-ChildItem -LiteralPath $odd.FullName | Get-AgentRollout).Title | Should -Be 'Bracketed'
    }

    It 'filters by name and by time' {
        (Get-AgentRollout -Path $projects -Filter '2222*').Title | Should -Be 'Second task' -Because '-Filter matches file names, as in Get-ChildItem'
        (Get-AgentRollout -Path $projects -Filter '**/subagents/*').Title | Should -Be 'Sub task'
        (Get-AgentRollout -Path $projects -Filter '1111111?-*').Title | Should -Be 'First task'
        (Get-AgentRollout -Since '2025-11-15' -Path $projects).Title | Should -Be @('Second task', 'Sub task')
        (Get-AgentRollout -Until '2025-11-15' -Path $projects).Title | Should -Be 'First task'
    }

    It 'suggests -Recurse when a folder holds traces only further down' {
        $collected = Join-Path $TestDrive 'collected'
        Copy-Item -Recurse (Join-Path $TestDrive 'claude/projects/-home-dev-acme-shop') (Join-Path $collected 'acme')
        $records = Get-AgentRollout -Path $collected -WarningVariable warnings -WarningAction SilentlyContinue
        $records | Should -BeNullOrEmpty
        $warnings[0] | Should -Match '-Recurse'
        (Get-AgentRollout -Path $collected -Recurse).Count | Should -Be 3
    }

    It 'reads a Claude Code projects folder whole, as its default location' {
        (Get-AgentRollout -Path (Join-Path $TestDrive 'claude/projects') -WarningVariable warnings).Title | Should -Be @('First task', 'Second task', 'Sub task')
        $warnings | Should -BeNullOrEmpty
    }

    It 'works with Where-Object, Group-Object and Sort-Object' {
        (Get-AgentRollout | Where-Object IsSidechain).Title | Should -Be 'Sub task'
        $groups = Get-AgentRollout | Group-Object RootSessionId
        $groups.Count | Should -Be 2
        ($groups | Where-Object Name -eq '22222222-2222-4222-8222-222222222222').Count | Should -Be 2
        (Get-AgentRollout | Sort-Object StartedAt -Descending)[0].Title | Should -Be 'Sub task'
    }

    It 'exports one readable CSV row per record and reads back with Import-Csv' {
        $csv = Join-Path $TestDrive 'records.csv'
        Get-AgentRollout | Export-Csv -LiteralPath $csv
        $rows = Import-Csv -LiteralPath $csv
        $rows.Count | Should -Be 3
        $rows[0].Models | Should -Be 'claude-opus-4-1-20250805'
        $rows[0].Messages | Should -Be '4 messages'
        $rows[0].SourceMeta | Should -Match '^\{"session_id":'
        Get-Content -LiteralPath $csv -Raw | Should -Not -Match 'System\.|RolloutTools\.Core'
        $rows[0].PSObject.Properties.Name[0..3] | Should -Be @('TraceId', 'Format', 'SourceKind', 'SourcePath')
    }

    It 'stops promptly under Select-Object -First' {
        $many = Join-Path $TestDrive 'many'
        1..60 | ForEach-Object { New-ClaudeSession -Path (Join-Path $many ('{0:d3}.jsonl' -f $_)) -Prompt "Task $_" } | Out-Null
        $one = Get-AgentRollout -Path $many | Select-Object -First 1
        $one.Title | Should -Be 'Task 1'
    }

    It 'shows a table view with the key columns' {
        $table = Get-AgentRollout -Path $first.FullName | Format-Table | Out-String -Width 200
        $table | Should -Match 'Format\s+Started\s+Duration\s+Msgs\s+Tools\s+TotalTokens\s+Output\s+Project'
        $table | Should -Match '11111111\s+ClaudeCode'
        $list = Get-AgentRollout -Path $first.FullName | Format-List | Out-String
        $list | Should -Match 'TotalTokens\s+: 382'
    }

    It 'rejects -Since after -Until as a terminating error' {
        { Get-AgentRollout -Since '2026-01-02' -Until '2026-01-01' } | Should -Throw -ErrorId 'RolloutInvalidTimeRange,*'
    }
}

Describe 'Get-AgentRollout on bad input' {
    BeforeAll {
        $bad = Join-Path $TestDrive 'bad'
        $broken = New-ClaudeSession -Path (Join-Path $bad 'broken.jsonl') -Prompt 'Survives' -ExtraLines @('{"type":"user", oops', '{"type":"summary","summary":"x","leafUuid":"nowhere"}')
        $good = New-ClaudeSession -Path (Join-Path $bad 'good.jsonl') -Prompt 'Good one'
    }

    It 'reports a bad line as RolloutParseError naming file and line, and still emits the record' {
        $records = Get-AgentRollout -Path $broken.FullName -ErrorVariable errors -ErrorAction SilentlyContinue
        $records.Title | Should -Be 'Survives'
        $records.SourceMeta['skipped_lines'] | Should -Be 1
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError,*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errors[0].TargetObject | Should -Be $broken.FullName
        # Line and column in the file, from 1; none of System.Text.Json's own positions, which count from 0.
        $errors[0].Exception.Message | Should -BeLike "*broken.jsonl:5:17: not valid JSON: 'o' is an invalid start of a property name.*The line was skipped."
        $errors[0].Exception.Message | Should -Not -BeLike '*BytePositionInLine*'
    }

    It 'goes on with the other files' {
        (Get-AgentRollout -Path $bad -ErrorAction SilentlyContinue).Title | Should -Be @('Survives', 'Good one')
    }

    It 'stops at the first error with -ErrorAction Stop' {
        { Get-AgentRollout -Path $broken.FullName -ErrorAction Stop } | Should -Throw -ErrorId 'RolloutParseError,*'
    }

    It 'treats a truncated last line as a warning' {
        $partial = New-ClaudeSession -Path (Join-Path $TestDrive 'partial/p.jsonl') -Prompt 'Still writing'
        Add-Content -LiteralPath $partial.FullName -Value '{"type":"assistant","uuid":"a3"' -NoNewline
        $record = Get-AgentRollout -Path $partial.FullName -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors
        $record.Title | Should -Be 'Still writing'
        $errors | Should -BeNullOrEmpty
        $warnings[0] | Should -BeLike '*p.jsonl:5:*incomplete*'
    }

    It 'warns about an empty file and emits nothing' {
        $empty = New-Item -ItemType File -Path (Join-Path $TestDrive 'empty/e.jsonl') -Force
        $record = Get-AgentRollout -Path $empty.FullName -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors
        $record | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
        $warnings[0] | Should -BeLike '*e.jsonl*no complete line*'
    }

    It 'reports a file with no readable line as one RolloutNoUsableLines error' {
        $junk = Join-Path $TestDrive 'junk/j.jsonl'
        New-Item -ItemType Directory -Path (Split-Path $junk) -Force | Out-Null
        Set-Content -LiteralPath $junk -Value 'not json', 'still not json'
        $null = Get-AgentRollout -Path $junk -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.FullyQualifiedErrorId | Should -BeLike 'Rollout*'
        ($errors | Where-Object FullyQualifiedErrorId -like 'RolloutNoUsableLines,*').Count | Should -Be 1
    }

    It 'reports a missing path like Get-ChildItem and goes on' {
        $records = Get-AgentRollout -Path (Join-Path $TestDrive 'nope.jsonl'), $good.FullName -ErrorVariable errors -ErrorAction SilentlyContinue
        $records.Title | Should -Be 'Good one'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutFileNotFound,*'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        { Get-AgentRollout -LiteralPath (Join-Path $TestDrive 'nope[1].jsonl') -ErrorAction Stop } | Should -Throw -ErrorId 'RolloutFileNotFound,*'
    }

    It 'reads a file the agent holds open for appending' {
        $open = New-ClaudeSession -Path (Join-Path $TestDrive 'open/o.jsonl') -Prompt 'Open file'
        $writer = [System.IO.File]::Open($open.FullName, 'Append', 'Write', 'ReadWrite')
        try {
            (Get-AgentRollout -Path $open.FullName).Title | Should -Be 'Open file'
        }
        finally { $writer.Dispose() }
    }
}

Describe 'Get-AgentRollout and abandoned branches' {
    BeforeAll {
        # The person edited their second prompt: u3 is a second child of a1, so u2 and its answer were left behind.
        $session = '33333333-3333-4333-8333-333333333333'
        $envelope = "`"sessionId`":`"$session`",`"cwd`":`"/home/dev/acme-shop`",`"version`":`"2.1.236`",`"isSidechain`":false"
        $lines = @(
            "{`"type`":`"user`",`"uuid`":`"u1`",`"parentUuid`":null,$envelope,`"timestamp`":`"2026-03-02T10:00:00.000Z`",`"message`":{`"role`":`"user`",`"content`":`"Add a test`"}}"
            "{`"type`":`"assistant`",`"uuid`":`"a1`",`"parentUuid`":`"u1`",$envelope,`"timestamp`":`"2026-03-02T10:00:05.000Z`",`"requestId`":`"req_1`",`"message`":{`"id`":`"msg_1`",`"role`":`"assistant`",`"model`":`"claude-opus-4-6`",`"content`":[{`"type`":`"text`",`"text`":`"Which framework?`"}],`"usage`":{`"input_tokens`":3,`"output_tokens`":4}}}"
            "{`"type`":`"user`",`"uuid`":`"u2`",`"parentUuid`":`"a1`",$envelope,`"timestamp`":`"2026-03-02T10:00:10.000Z`",`"message`":{`"role`":`"user`",`"content`":`"pytest`"}}"
            "{`"type`":`"assistant`",`"uuid`":`"a2`",`"parentUuid`":`"u2`",$envelope,`"timestamp`":`"2026-03-02T10:00:15.000Z`",`"requestId`":`"req_2`",`"message`":{`"id`":`"msg_2`",`"role`":`"assistant`",`"model`":`"claude-opus-4-6`",`"content`":[{`"type`":`"text`",`"text`":`"Added a pytest test.`"}],`"usage`":{`"input_tokens`":3,`"output_tokens`":9}}}"
            "{`"type`":`"user`",`"uuid`":`"u3`",`"parentUuid`":`"a1`",$envelope,`"timestamp`":`"2026-03-02T10:01:00.000Z`",`"message`":{`"role`":`"user`",`"content`":`"unittest, please`"}}"
            "{`"type`":`"assistant`",`"uuid`":`"a3`",`"parentUuid`":`"u3`",$envelope,`"timestamp`":`"2026-03-02T10:01:05.000Z`",`"requestId`":`"req_3`",`"message`":{`"id`":`"msg_3`",`"role`":`"assistant`",`"model`":`"claude-opus-4-6`",`"content`":[{`"type`":`"text`",`"text`":`"Added a unittest test.`"}],`"usage`":{`"input_tokens`":3,`"output_tokens`":8}}}"
        )
        $script:edited = Join-Path $TestDrive "$session.jsonl"
        [System.IO.File]::WriteAllText($edited, ($lines -join "`n") + "`n")
    }

    It 'returns the conversation the session went on with and counts what was left' {
        $record = Get-AgentRollout -Path $edited
        $record.Messages.Text | Should -Be @('Add a test', 'Which framework?', 'unittest, please', 'Added a unittest test.')
        $record.SourceMeta['abandoned_entries'] | Should -Be 2
        $record.OutputTokens | Should -Be 21 -Because 'the abandoned response was billed too'
    }

    It 'keeps the left branch, marked and in file order, with -IncludeAbandoned' {
        $record = Get-AgentRollout -Path $edited -IncludeAbandoned
        $record.Messages.Text | Should -Be @('Add a test', 'Which framework?', 'pytest', 'Added a pytest test.', 'unittest, please', 'Added a unittest test.')
        ($record.Messages | Where-Object IsAbandoned).Text | Should -Be @('pytest', 'Added a pytest test.')
        (Get-Content -LiteralPath $edited -Raw | ConvertTo-RolloutRecord -IncludeAbandoned).Messages.Count | Should -Be 6
    }

    It 'leaves abandoned messages out of chat datasets' {
        $out = Join-Path $TestDrive 'edited.jsonl'
        Get-AgentRollout -Path $edited -IncludeAbandoned | Export-AgentRollout -Path $out -As OpenAIChat
        $line = Get-Content -LiteralPath $out | ConvertFrom-Json
        $line.messages.content | Should -Be @('Add a test', 'Which framework?', 'unittest, please', 'Added a unittest test.')
    }
}
