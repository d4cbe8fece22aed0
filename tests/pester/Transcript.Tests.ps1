BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $env:CLAUDE_CONFIG_DIR = Join-Path $SamplesRoot 'claude-code'
    $records = Get-AgentRollout -Format ClaudeCode
}
AfterAll {
    Remove-Item Env:CLAUDE_CONFIG_DIR -ErrorAction SilentlyContinue
}

Describe 'ConvertTo-RolloutTranscript' {
    It 'renders Markdown with the session facts and the turns' {
        $record = $records | Where-Object TraceId -eq '2cb29738-c0cd-422a-a851-f96c078ca30a'
        $markdown = $record | ConvertTo-RolloutTranscript
        $markdown | Should -BeOfType [string]
        $markdown | Should -Match '^# EU shipping rates from the 2026 rate table'
        $markdown | Should -Match '<summary>Tool call: Bash</summary>'
        $markdown | Should -Match 'trimmed|Opened PR #42'
    }

    It 'renders one self-contained HTML page per record' {
        $pages = $records | ConvertTo-RolloutTranscript -As Html
        $pages.Count | Should -Be $records.Count
        foreach ($page in $pages) {
            $page | Should -Match '^<!DOCTYPE html>'
            $page | Should -Match "Content-Security-Policy"
            $page | Should -Not -Match '<script|<link|src="http|href="http'
        }
    }

    It 'escapes hostile trace content' {
        $hostile = New-ClaudeSession -Path (Join-Path $TestDrive 'hostile/h.jsonl') -Prompt '<script>alert(1)</script> <img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>'
        $page = Get-AgentRollout -LiteralPath $hostile.FullName | ConvertTo-RolloutTranscript -As Html
        $page | Should -Not -Match '<script>alert'
        $page | Should -Not -Match '<img src=x'
        $page | Should -Not -Match '<a href="javascript'
        $page | Should -Match '&lt;script&gt;alert\(1\)&lt;/script&gt;'
    }
}

Describe 'Export-RolloutTranscript' {
    It 'writes one file per record named by date, title and id' {
        $folder = Join-Path $TestDrive 'transcripts'
        $files = $records | Export-RolloutTranscript -Destination $folder -As Html
        $files.Count | Should -Be $records.Count
        $files | ForEach-Object { $_ | Should -BeOfType [System.IO.FileInfo] }
        $files.Name | Should -Contain '2026-02-12-eu-shipping-rates-from-the-2026-rate-table-078ca30a.html'
        (Get-ChildItem $folder -Force).Count | Should -Be $records.Count -Because 'no temporary files are left'
    }

    It 'changes nothing under -WhatIf and respects -NoClobber' {
        $folder = Join-Path $TestDrive 'whatif'
        $records | Export-RolloutTranscript -Destination $folder -WhatIf
        Test-Path $folder | Should -BeFalse
        $records[0] | Export-RolloutTranscript -Destination $folder | Out-Null
        $again = $records[0] | Export-RolloutTranscript -Destination $folder -NoClobber -ErrorVariable errors -ErrorAction SilentlyContinue
        $again | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'RolloutExportFileExists,*'
    }
}
