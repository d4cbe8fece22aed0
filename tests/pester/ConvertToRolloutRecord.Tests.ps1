BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'ConvertTo-RolloutRecord' {
    BeforeAll {
        $session = New-ClaudeSession -Path (Join-Path $TestDrive 'in/33333333-3333-4333-8333-333333333333.jsonl') -SessionId '33333333-3333-4333-8333-333333333333' -Prompt 'Piped task'
        $other = New-ClaudeSession -Path (Join-Path $TestDrive 'in/other.jsonl') -Prompt 'Other task'
    }

    It 'turns JSONL text lines into one record when the input ends' {
        $records = Get-Content -LiteralPath $session.FullName | ConvertTo-RolloutRecord -Format ClaudeCode
        @($records).Count | Should -Be 1
        $records.Title | Should -Be 'Piped task'
        $records.TraceId | Should -Be '33333333-3333-4333-8333-333333333333'
        $records.MessageCount | Should -Be 4
        $records.SourcePath | Should -Be $session.FullName
    }

    It 'takes lines from a plain string array too' {
        $lines = [System.IO.File]::ReadAllLines($session.FullName)
        ($lines | ConvertTo-RolloutRecord -Format ClaudeCode).MessageCount | Should -Be 4
    }

    It 'turns each piped file into its own record' {
        (Get-ChildItem (Join-Path $TestDrive 'in') -Filter *.jsonl | ConvertTo-RolloutRecord -Format ClaudeCode).Title | Should -Be @('Piped task', 'Other task')
        ($other.FullName | ConvertTo-RolloutRecord -Format ClaudeCode).Title | Should -Be 'Other task'
    }

    It 'names the file and line of a bad piped line' {
        $lines = @(Get-Content -LiteralPath $session.FullName) + '{"broken":'  + '{"type":"summary","summary":"s","leafUuid":"x"}'
        $record = $lines | ConvertTo-RolloutRecord -Format ClaudeCode -ErrorVariable errors -ErrorAction SilentlyContinue
        $record.MessageCount | Should -Be 4
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError,*'
    }

    It 'takes a damaged line inside piped JSON text for a line, not a path' {
        $lines = @(Get-Content -LiteralPath $session.FullName)
        $lines = @($lines[0], 'garbage, not a path') + $lines[1..($lines.Count - 1)]
        $record = $lines | ConvertTo-RolloutRecord -Format ClaudeCode -ErrorVariable errors -ErrorAction SilentlyContinue
        $record.MessageCount | Should -Be 4
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutParseError,*'
        $errors[0].Exception.Message | Should -BeLike "*:2:1: not valid JSON: 'g' is an invalid start of a value. The line was skipped."
    }

    It 'rejects input it cannot read as a non-terminating error' {
        $records = @(42, $other) | ConvertTo-RolloutRecord -Format ClaudeCode -ErrorVariable errors -ErrorAction SilentlyContinue
        $records.Title | Should -Be 'Other task'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutInvalidInput,*'
    }
}
