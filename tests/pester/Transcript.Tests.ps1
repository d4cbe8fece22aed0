BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ChildPwsh.ps1')
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
            # Markdown links in the trace are live only to web and mail addresses, and never pass a referrer; the
            # page's own links go to its turns.
            [regex]::Matches($page, '<a [^>]*>') | ForEach-Object { $_.Value | Should -Match '^<a (href="(https?://|mailto:)[^"]*" rel="noopener noreferrer"|class="permalink" href="#t[0-9]+" aria-label="Link to this turn")>$' }
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
        $files.Count | Should -Be ($records.Count + 1) -Because 'the index page comes last'
        $files | ForEach-Object { $_ | Should -BeOfType [System.IO.FileInfo] }
        $files.Name | Should -Contain '2026-02-12-eu-shipping-rates-from-the-2026-rate-table-078ca30a.html'
        $files[-1].Name | Should -Be 'index.html'
        (Get-ChildItem $folder -Force).Count | Should -Be ($records.Count + 2) -Because 'index.json is beside the index, and no temporary files are left'
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
        $first = $records[0] | Export-RolloutTranscript -Destination $folder -PassThru | Select-Object -First 1
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

Describe 'Export-RolloutTranscript index' {
    BeforeAll {
        $env:CODEX_HOME = Join-Path $SamplesRoot 'codex'
        $codex = Get-AgentRollout -Format Codex
    }
    AfterAll {
        Remove-Item Env:CODEX_HOME -ErrorAction SilentlyContinue
    }

    It 'lists every session with its date, project, title, counts and cost, linking to its file' {
        $folder = Join-Path $TestDrive 'indexed'
        $records | Export-RolloutTranscript -Destination $folder -As Html | Out-Null
        $page = Get-Content -LiteralPath (Join-Path $folder 'index.html') -Raw
        $rows = [regex]::Matches($page, '<tr><td class="date"')
        $rows.Count | Should -Be $records.Count
        $page | Should -Match '<td class="title"><a href="2026-02-12-eu-shipping-rates-from-the-2026-rate-table-078ca30a.html">EU shipping rates from the 2026 rate table</a></td>'
        $page | Should -Match "script-src 'sha256-[A-Za-z0-9+/]+=*'"
        $manifest = Get-Content -LiteralPath (Join-Path $folder 'index.json') -Raw | ConvertFrom-Json
        $manifest.sessions.Count | Should -Be $records.Count
        $main = $manifest.sessions | Where-Object trace_id -eq '2cb29738-c0cd-422a-a851-f96c078ca30a'
        $measured = $records | Where-Object TraceId -eq '2cb29738-c0cd-422a-a851-f96c078ca30a' | Measure-AgentRollout
        [decimal]$main.cost_usd | Should -Be $measured.CostUsd
        $main.tokens | Should -Be $measured.TotalTokens
    }

    It 'keeps sessions exported earlier, replaces a session exported again, and drops one whose file is gone' {
        $folder = Join-Path $TestDrive 'merged'
        $records | Export-RolloutTranscript -Destination $folder -As Html | Out-Null
        $codex | Export-RolloutTranscript -Destination $folder -As Html | Out-Null
        $codex[0] | Export-RolloutTranscript -Destination $folder -As Html | Out-Null
        $manifest = Get-Content -LiteralPath (Join-Path $folder 'index.json') -Raw | ConvertFrom-Json
        $manifest.sessions.Count | Should -Be ($records.Count + $codex.Count)
        Remove-Item -LiteralPath (Join-Path $folder $manifest.sessions[0].file)
        $codex[0] | Export-RolloutTranscript -Destination $folder -As Html | Out-Null
        $after = Get-Content -LiteralPath (Join-Path $folder 'index.json') -Raw | ConvertFrom-Json
        $after.sessions.Count | Should -Be ($records.Count + $codex.Count - 1)
        $after.sessions.file | Should -Not -Contain $manifest.sessions[0].file
    }

    It 'writes index.md for Markdown transcripts' {
        $folder = Join-Path $TestDrive 'markdown'
        $records | Export-RolloutTranscript -Destination $folder | Out-Null
        $index = Get-Content -LiteralPath (Join-Path $folder 'index.md') -Raw
        $index | Should -Match '^# Transcripts'
        $index | Should -Match '\| \[EU shipping rates from the 2026 rate table\]\(<2026-02-12-eu-shipping-rates-from-the-2026-rate-table-078ca30a.md>\) \| ClaudeCode \|'
    }

    It 'ignores an entry of a tampered manifest whose address is not one of its transcript files' {
        $folder = Join-Path $TestDrive 'tampered'
        New-Item -ItemType Directory -Path $folder | Out-Null
        New-Item -ItemType File -Path (Join-Path $folder 'x.html') | Out-Null
        '{"sessions":[{"file":"javascript:alert(1)","format":"Codex","trace_id":"a","title":"t"},{"file":"x.html","format":"Codex","trace_id":"b","title":"<script>alert(1)</script>"}]}' |
            Set-Content -LiteralPath (Join-Path $folder 'index.json')
        $records[0] | Export-RolloutTranscript -Destination $folder -As Html | Out-Null
        $page = Get-Content -LiteralPath (Join-Path $folder 'index.html') -Raw
        $page | Should -Not -Match 'javascript:'
        $page | Should -Match '<a href="x.html">&lt;script&gt;alert\(1\)&lt;/script&gt;</a>'
    }

    It 'writes no index under -WhatIf' {
        $folder = Join-Path $TestDrive 'whatif-index'
        New-Item -ItemType Directory -Path $folder | Out-Null
        # -WhatIf speaks to the host, so a child pwsh's output is where to read it.
        $child = Start-ChildPwsh -Script @"
`$env:CLAUDE_CONFIG_DIR = '$env:CLAUDE_CONFIG_DIR'
Get-AgentRollout -Format ClaudeCode | Export-RolloutTranscript -Destination '$folder' -As Html -WhatIf
"@
        $result = Wait-ChildPwsh $child
        $result.Errors | Should -BeNullOrEmpty
        Get-ChildItem -LiteralPath $folder -Force | Should -BeNullOrEmpty
        $said = $result.Output -split '\r?\n' | Where-Object { $_ }
        $said.Count | Should -Be ($records.Count + 1)
        $said[-1] | Should -Be "What if: Performing the operation `"Write transcript index`" on target `"$(Join-Path $folder 'index.html')`"."

    }
}

Describe 'Export-RolloutTranscript subagent links and -Combined' {
    BeforeAll {
        $env:CODEX_HOME = Join-Path $SamplesRoot 'codex'
        $codex = Get-AgentRollout -Format Codex
    }
    AfterAll {
        Remove-Item Env:CODEX_HOME -ErrorAction SilentlyContinue
    }

    It 'links the call that spawned a subagent to its transcript when both are exported together' {
        $folder = Join-Path $TestDrive 'linked'
        $records | Export-RolloutTranscript -Destination $folder -As Html | Out-Null
        $main = Get-Content -LiteralPath (Join-Path $folder '2026-02-12-eu-shipping-rates-from-the-2026-rate-table-078ca30a.html') -Raw
        $main | Should -Match '<p class="link"><a href="2026-02-12-map-shipping-rate-loading-a2f5215.html">Subagent transcript: Map shipping rate loading</a></p>'
        $codex | Export-RolloutTranscript -Destination $folder -As Html | Out-Null
        $parent = Get-Content -LiteralPath (Join-Path $folder '2026-03-08-split-csv-importer-1e3e9483.html') -Raw
        $parent | Should -Match '<a href="2026-03-08-find-every-caller-of-import-csv-in-this-repo-and-report-whic-10d95df5.html">Subagent transcript: '
    }

    It 'does not link to a subagent that is not exported with its session' {
        $folder = Join-Path $TestDrive 'alone'
        $records | Where-Object { -not $_.IsSidechain } | Export-RolloutTranscript -Destination $folder -As Html | Out-Null
        Get-ChildItem -LiteralPath $folder -Filter '*.html' | Get-Content -Raw | Should -Not -Match 'Subagent transcript'
    }

    It 'writes one page per project, its sessions in time order under a table of contents' {
        $folder = Join-Path $TestDrive 'combined'
        $files = $records | Export-RolloutTranscript -Destination $folder -As Html -Combined -PassThru
        $projects = @($records | ForEach-Object { if ($_.ProjectPath) { $_.ProjectPath } else { $_.Cwd } } | Sort-Object -Unique)
        $files.Count | Should -Be ($projects.Count + 1)
        $shop = Get-Content -LiteralPath ($files | Where-Object Name -Like 'project-acme-shop-*.html').FullName -Raw
        ([regex]::Matches($shop, '<!DOCTYPE html>')).Count | Should -Be 1
        ([regex]::Matches($shop, '<body>')).Count | Should -Be 1
        $anchors = [regex]::Matches($shop, '<article id="(session-[a-z0-9-]+)">') | ForEach-Object { $_.Groups[1].Value }
        $toc = [regex]::Matches($shop, '<li><a href="#(session-[a-z0-9-]+)">') | ForEach-Object { $_.Groups[1].Value }
        $toc | Should -Be $anchors
        $shopRecords = $records | Where-Object { ($_.ProjectPath ?? $_.Cwd) -eq '/home/dev/acme-shop' } | Sort-Object StartedAt
        $anchors.Count | Should -Be $shopRecords.Count
        $shop | Should -Match '<a href="#session-a2f5215">Subagent transcript: Map shipping rate loading</a>'
        # Every turn has an id under its session's, and links to itself.
        $turns = [regex]::Matches($shop, '<(section|details) class="turn [^"]*" id="([^"]+)">') | ForEach-Object { $_.Groups[2].Value }
        $turns.Count | Should -Be ($shopRecords.Messages.Count)
        $turns | Should -Match '^session-[a-z0-9]+(-[0-9]+)?-t[0-9]+$'
        ($turns | Sort-Object -Unique).Count | Should -Be $turns.Count
        $shop | Should -Match '<section class="turn user" id="session-078ca30a-t1">\n<h2>User <span class="meta">15:04:01</span> <a class="permalink" href="#session-078ca30a-t1" aria-label="Link to this turn">#</a></h2>'
        $index = Get-Content -LiteralPath (Join-Path $folder 'index.html') -Raw
        $index | Should -Match ('<a href="' + [regex]::Escape(($files | Where-Object Name -Like 'project-acme-shop-*.html').Name) + '#session-078ca30a">')
    }
}

Describe 'Show-RolloutTranscript' {
    It 'writes the page and opens it with the default action, as Invoke-Item does' -Skip:($IsWindows -or $IsMacOS) {
        # xdg-open is what .NET runs to open a file on Linux; this one notes what it was asked to open.
        $bin = Join-Path $TestDrive 'bin'
        New-Item -ItemType Directory -Path $bin | Out-Null
        $opened = Join-Path $TestDrive 'opened.txt'
        Set-Content -LiteralPath (Join-Path $bin 'xdg-open') -Value "#!/bin/sh`necho `"`$1`" >> '$opened'"
        chmod +x (Join-Path $bin 'xdg-open')
        $path = $env:PATH
        try {
            $env:PATH = "$bin$([System.IO.Path]::PathSeparator)$path"
            $folder = Join-Path $TestDrive 'shown'
            $files = $records | Where-Object TraceId -like '2cb29738-c0cd-422a-a851-f96c078ca30a*' | Show-RolloutTranscript -Destination $folder -PassThru
        }
        finally {
            $env:PATH = $path
        }
        $files.Count | Should -Be 3
        $files | ForEach-Object { $_ | Should -BeOfType [System.IO.FileInfo] }
        $files[0].Name | Should -Be '2026-02-12-eu-shipping-rates-from-the-2026-rate-table-078ca30a.html'
        Get-Content -LiteralPath $files[0].FullName -Raw | Should -Match 'Subagent transcript: Map shipping rate loading'
        $deadline = (Get-Date).AddSeconds(10)
        while (((Get-Content -LiteralPath $opened -ErrorAction SilentlyContinue) | Measure-Object).Count -lt 3 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        # Each page is opened by a process of its own, so they may finish in any order.
        Get-Content -LiteralPath $opened | Sort-Object | Should -Be ($files.FullName | Sort-Object)
    }

    It 'writes RolloutTranscriptOpenFailed when nothing can open the page, and goes on' -Skip:($IsWindows -or $IsMacOS) {
        $none = Join-Path $TestDrive 'no-opener'
        New-Item -ItemType Directory -Path $none | Out-Null
        $path = $env:PATH
        try {
            $env:PATH = $none
            $files = $records[0..1] | Show-RolloutTranscript -Destination (Join-Path $TestDrive 'unopened') -PassThru -ErrorVariable failed -ErrorAction SilentlyContinue
        }
        finally {
            $env:PATH = $path
        }
        $files | Should -BeNullOrEmpty
        $failed.Count | Should -Be 2
        $failed[0].FullyQualifiedErrorId | Should -Be 'RolloutTranscriptOpenFailed,RolloutTools.Commands.ShowRolloutTranscriptCommand'
        $failed[0].TargetObject | Should -BeLike (Join-Path $TestDrive 'unopened/*.html') -Because 'the target is the page, written'
        Test-Path -LiteralPath $failed[0].TargetObject | Should -BeTrue
    }

    It 'writes and opens nothing under -WhatIf, and says what it would open' {
        $folder = Join-Path $TestDrive 'shown-whatif'
        $records[0] | Show-RolloutTranscript -Destination $folder -WhatIf
        Test-Path $folder | Should -BeFalse
        (Get-Command Show-RolloutTranscript).Parameters.Keys | Should -Contain 'Confirm'
    }

    It 'writes to a new private temporary folder without -Destination' -Skip:$IsWindows {
        $bin = Join-Path $TestDrive 'bin2'
        New-Item -ItemType Directory -Path $bin | Out-Null
        Set-Content -LiteralPath (Join-Path $bin 'xdg-open') -Value "#!/bin/sh`nexit 0"
        chmod +x (Join-Path $bin 'xdg-open')
        $path = $env:PATH
        try {
            $env:PATH = "$bin$([System.IO.Path]::PathSeparator)$path"
            $file = $records[0] | Show-RolloutTranscript -PassThru
        }
        finally {
            $env:PATH = $path
        }
        $file.DirectoryName | Should -BeLike (Join-Path ([System.IO.Path]::GetTempPath()) 'RolloutTools-*')
        (Get-Item -LiteralPath $file.DirectoryName).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        Remove-Item -LiteralPath $file.DirectoryName -Recurse
    }
}

Describe 'Transcripts of every sample format' {
    BeforeDiscovery {
        # Each sample folder, and how many of its subagents the call that spawned them links to.
        $samples = @(
            @{ Folder = 'aider'; Linked = 0 }, @{ Folder = 'atif'; Linked = 1 }, @{ Folder = 'claude-code'; Linked = 1 }, @{ Folder = 'cline'; Linked = 0 },
            @{ Folder = 'codex'; Linked = 1 }, @{ Folder = 'copilot-cli'; Linked = 0 }, @{ Folder = 'cursor'; Linked = 1 },
            @{ Folder = 'gemini-cli'; Linked = 1 }, @{ Folder = 'goose'; Linked = 0 }, @{ Folder = 'hermes'; Linked = 1 }, @{ Folder = 'opencode'; Linked = 1 },
            @{ Folder = 'pi'; Linked = 0 }, @{ Folder = 'qwen-code'; Linked = 0 }, @{ Folder = 'vibe'; Linked = 1 }, @{ Folder = 'sweagent'; Linked = 0 },
            @{ Folder = 'openhands'; Linked = 1 }, @{ Folder = 'crush'; Linked = 1 }, @{ Folder = 'continue'; Linked = 0 },
            @{ Folder = 'grok'; Linked = 1 },
            @{ Folder = 'amp'; Linked = 0 },
            @{ Folder = 'factory-droid'; Linked = 1 },
            @{ Folder = 'zed'; Linked = 1 },
            @{ Folder = 'kimi-code'; Linked = 2 },
            @{ Folder = 'openclaw'; Linked = 0 },
            @{ Folder = 'devin'; Linked = 1 },
            @{ Folder = 'antigravity'; Linked = 0 },
            @{ Folder = 'kiro'; Linked = 0 },
            @{ Folder = 'copilot-chat'; Linked = 0 },
            @{ Folder = 'cursor-ide'; Linked = 0 }
        )
    }
    BeforeAll {
        # The tools that edit files, as each agent names them; Codex's patches are found by their first line. Zed's edit_file
        # takes only a path and a description: the diff is in the result Zed gives the model.
        $editTools = 'Edit', 'MultiEdit', 'Write', 'edit', 'write', 'replace', 'write_file', 'StrReplace', 'apply_patch', 'patch',
            'replace_in_file', 'apply_diff', 'write_to_file', 'create', 'editor', 'developer__text_editor', 'search_replace',
            'file_editor', 'edit_file', 'replace_file_content', 'multi_replace_file_content', 'fs_write', 'replace_string_in_file'
    }

    It '<Folder>: each edit shows a diff, each call given text a preview, each subagent a link from its call' -TestCases $samples {
        $sample = @(Get-AgentRollout -Path (Join-Path $SamplesRoot $Folder) -Recurse -WarningAction SilentlyContinue -ErrorAction SilentlyContinue)
        $sample.Count | Should -BeGreaterThan 0
        $calls = @($sample.Messages.ToolCalls)
        # SWE-agent's and OpenHands' str_replace_editor, and OpenHands' file_editor, also view files: only commands that write edit.
        $edits = @($calls | Where-Object { ($_.Name -cin $editTools -and $_.Arguments -notmatch '"command":\s*"view"') -or $_.Arguments -match '\*\*\* Begin Patch' -or
            ($_.Name -ceq 'str_replace_editor' -and $_.Arguments -match '"command"\s*:\s*"(create|str_replace)"') })
        # A call whose arguments hold some text (not only numbers, flags or empty strings) has something to preview.
        $worded = @($calls | Where-Object { $_.Arguments -match '"\s*:\s*\[?\s*"[^"]' -or $_.Arguments -match '^\s*\*\*\* Begin Patch' })
        $markdown = ($sample | ConvertTo-RolloutTranscript) -join "`n"
        ([regex]::Matches($markdown, '(?m)^```diff$')).Count | Should -Be $edits.Count
        ([regex]::Matches($markdown, '<summary>Tool call: [^<]*<code>')).Count | Should -Be $worded.Count
        $folder = Join-Path $TestDrive $Folder
        $sample | Export-RolloutTranscript -Destination $folder -As Html | Out-Null
        $links = Get-ChildItem -LiteralPath $folder -Filter '*.html' | Get-Content -Raw | ForEach-Object { [regex]::Matches($_, '<p class="link"><a href="([^"#]+)">Subagent transcript: ') }
        $links.Count | Should -Be $Linked
        $links | ForEach-Object { Join-Path $folder $_.Groups[1].Value | Should -Exist }
    }
}
