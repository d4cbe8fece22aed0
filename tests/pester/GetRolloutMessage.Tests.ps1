BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Get-RolloutMessage' {
    BeforeAll {
        $traces = Join-Path $TestDrive 'traces'
        $first = New-ClaudeSession -Path (Join-Path $traces 'a.jsonl') -SessionId 'aaaaaaaa-0000-4000-8000-000000000001' -Prompt 'Plan the database migration for orders'
        $second = New-ClaudeSession -Path (Join-Path $traces 'b.jsonl') -SessionId 'bbbbbbbb-0000-4000-8000-000000000002' -Prompt "Fix the (a+b) test`nthen run it" -Start '2025-12-01T10:00:00Z'
        $codex = New-CodexRollout -Path (Join-Path $traces 'codex/rollout-2025-11-20T21-05-09-cccccccc-0000-4000-8000-000000000003.jsonl') -SessionId 'cccccccc-0000-4000-8000-000000000003' -Prompt 'Write a MIGRATION script'
        $records = Get-AgentRollout -Path $traces -Recurse
    }

    It 'finds prompts across sessions by a pattern, ignoring case' {
        $found = $records | Get-RolloutMessage -Kind Prompt -Pattern 'migration'
        $found.TraceId | Should -Be @('aaaaaaaa-0000-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000003')
        $found.Text | Should -Be @('Plan the database migration for orders', 'Write a MIGRATION script')
        $found | ForEach-Object { $_.Kind | Should -Be 'Prompt' }
    }

    It 'carries each message''s session and place, flat and typed' {
        $messages = Get-RolloutMessage -Path $first.FullName
        $messages.Index | Should -Be @(0, 1, 2, 3)
        $messages.Kind | Should -Be @('Prompt', 'Response', 'ToolResult', 'Response')
        $response = $messages[1]
        $response | Should -BeOfType 'RolloutTools.Core.Messages.SessionMessage'
        $response.TraceId | Should -Be 'aaaaaaaa-0000-4000-8000-000000000001'
        $response.Format | Should -Be 'ClaudeCode'
        $response.Project | Should -Be '/home/dev/acme-shop'
        $response.Role | Should -Be 'Assistant'
        $response.Timestamp | Should -Be ([DateTimeOffset]'2025-11-03T09:00:05Z')
        $response.Model | Should -Be 'claude-opus-4-1-20250805'
        $response.ToolCalls.Name | Should -Be 'Bash'
        $response.Usage.OutputTokens | Should -Be 20
        $messages[2].ToolCallId | Should -Be 'toolu_1'
        $messages[2].Text | Should -Be 'a.txt'
        $messages[2].IsError | Should -BeFalse
    }

    It 'leaves out Context unless -Kind asks for it; -Kind takes wildcards' {
        $withContext = Get-AgentRollout -Path (Join-Path $SamplesRoot 'claude-code') -Recurse -WarningAction SilentlyContinue |
            Where-Object { $_.Messages.Kind -contains 'Context' } | Select-Object -First 1
        $default = $withContext | Get-RolloutMessage
        $all = $withContext | Get-RolloutMessage -Kind *
        $all.Kind | Should -Contain 'Context'
        $default.Kind | Should -Not -Contain 'Context'
        $default.Count | Should -Be ($all.Count - @($all | Where-Object Kind -eq Context).Count)
        (Get-Item $codex.FullName | Get-RolloutMessage -Kind *prompt).Kind | Should -Be 'Prompt'
    }

    It 'filters by role' {
        (Get-RolloutMessage -Path $first.FullName -Role Assistant, Tool).Kind | Should -Be @('Response', 'ToolResult', 'Response')
    }

    It 'takes -Pattern as plain text with -SimpleMatch' {
        (Get-RolloutMessage -Path $traces -Pattern '(a+b)' -SimpleMatch).TraceId | Should -Be 'bbbbbbbb-0000-4000-8000-000000000002'
        (Get-RolloutMessage -Path $traces -Pattern '(a+b)').TraceId | Should -Be 'aaaaaaaa-0000-4000-8000-000000000001'   # the regex a+b, in "database"
    }

    It 'refuses a kind that names none and an invalid pattern' {
        { $records | Get-RolloutMessage -Kind Prompts } | Should -Throw -ErrorId 'RolloutInvalidKind,RolloutTools.Commands.GetRolloutMessageCommand'
        { $records | Get-RolloutMessage -Pattern '(' } | Should -Throw -ErrorId 'RolloutInvalidPattern,RolloutTools.Commands.GetRolloutMessageCommand'
    }

    It 'keeps abandoned messages the record holds, marked' {
        $rewound = New-ClaudeSession -Path (Join-Path $TestDrive 'rewound/r.jsonl') -SessionId 'dddddddd-0000-4000-8000-000000000004' -ExtraLines @(
            '{"type":"user","uuid":"u9","parentUuid":"a1","sessionId":"dddddddd-0000-4000-8000-000000000004","cwd":"/home/dev/acme-shop","version":"2.0.76","isSidechain":false,"userType":"external","timestamp":"2025-11-03T09:02:00.000Z","message":{"role":"user","content":"Try another way"}}')
        $kept = Get-RolloutMessage -LiteralPath $rewound.FullName -IncludeAbandoned
        $without = Get-RolloutMessage -LiteralPath $rewound.FullName
        @($kept | Where-Object IsAbandoned).Count | Should -BeGreaterThan 0
        @($without | Where-Object IsAbandoned).Count | Should -Be 0
        ($kept.Count - $without.Count) | Should -Be @($kept | Where-Object IsAbandoned).Count
    }

    It 'fits its table in 120 columns: short id, date and time, role/kind, first line' {
        $lines = ($records | Get-RolloutMessage -Kind * | Format-Table | Out-String -Width 120) -split '\r?\n' | Where-Object { $_ }
        $lines[0] | Should -Match '^Id\s+Time\s+Role/Kind\s+Text$'
        $lines | Where-Object { $_.Length -gt 120 } | Should -BeNullOrEmpty
        $lines | Should -Contain ($lines | Where-Object { $_ -match '^bbbbbbbb  2025-12-0\d \d\d:\d\d user/Prompt\s+Fix the \(a\+b\) test$' })
        $lines | Where-Object { $_ -match '^aaaaaaaa .* assistant/Response\s+→ Bash$' } | Should -Not -BeNullOrEmpty
    }
}
