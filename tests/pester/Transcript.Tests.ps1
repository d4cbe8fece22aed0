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
        $markdown | Should -Match '<summary>Tool call: Bash <code>npm test -- shipping --reporter=verbose</code></summary>'
        $markdown | Should -Match 'trimmed|Opened PR #42'
    }

    It 'renders one self-contained HTML page per record' {
        $pages = $records | ConvertTo-RolloutTranscript -As Html
        $pages.Count | Should -Be $records.Count
        foreach ($page in $pages) {
            $page | Should -Match '^<!DOCTYPE html>'
            $page | Should -Match "Content-Security-Policy"
            $page | Should -Not -Match '<script|<link|src="http'
            # Markdown links in the trace are live only to web and mail addresses, and never pass a referrer.
            [regex]::Matches($page, '<a [^>]*>') | ForEach-Object { $_.Value | Should -Match '^<a href="(https?://|mailto:)[^"]*" rel="noopener noreferrer">$' }
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
        $files = $records | Export-RolloutTranscript -Destination $folder -As Html -PassThru
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

    It 'replaces a transcript as Export-AgentRollout replaces a dataset: through links, keeping permissions, removing stale temporary files' -Skip:$IsWindows {
        $folder = Join-Path $TestDrive 'shared'
        $first = $records[0] | Export-RolloutTranscript -Destination $folder -PassThru
        $elsewhere = Join-Path $TestDrive 'elsewhere.md'
        Move-Item -LiteralPath $first.FullName -Destination $elsewhere
        chmod 600 $elsewhere
        New-Item -ItemType SymbolicLink -Path $first.FullName -Target $elsewhere | Out-Null
        # Temporary files go beside the file written, the link's target, and so does the sweep for stale ones.
        $stale = Join-Path $TestDrive ".elsewhere.md.$([guid]::NewGuid().ToString('N')).rollouttools.tmp"
        Set-Content -LiteralPath $stale -Value 'left by a killed export'
        $verbose = $records[0] | Export-RolloutTranscript -Destination $folder -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { "$_" }
        $verbose | Should -Contain "Removed 1 temporary file(s) an interrupted export left in '$TestDrive'."
        $verbose | Should -Contain "'$($first.FullName)' is a symbolic link; writing its target '$elsewhere'."
        Test-Path -LiteralPath $stale | Should -BeFalse
        (Get-Item -LiteralPath $first.FullName).LinkType | Should -Be 'SymbolicLink'
        Get-Content -LiteralPath $elsewhere -Raw | Should -Be ($records[0] | ConvertTo-RolloutTranscript)
        (Get-Item -LiteralPath $elsewhere).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
    }
}
