BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ChildPwsh.ps1')
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

Describe 'Export-AgentRollout files on hostile disks' {
    BeforeAll {
        $sample = ($records | Where-Object { $_.Format -eq 'ClaudeCode' -and -not $_.IsSidechain } | Select-Object -First 1).SourcePath
        # A child that exports the sample record again and again, slowly, into a file given by $dest.
        $endless = {
            param($dest)
            "`$r = Get-AgentRollout -LiteralPath '$sample' | Select-Object -First 1`n" +
            "& { while (`$true) { `$r; Start-Sleep -Milliseconds 20 } } | Export-AgentRollout -LiteralPath '$dest'`n"
        }
    }

    It 'keeps a private file private, and its owner, when replacing it' -Skip:$IsWindows {
        $private = Join-Path $TestDrive 'private.jsonl'
        $records[0] | Export-AgentRollout -Path $private
        chmod 600 $private
        if (Test-Root) { chown 1234:2345 $private }
        $records[1] | Export-AgentRollout -Path $private
        (Get-Item -LiteralPath $private).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
        if (Test-Root) { (Get-Item -LiteralPath $private).UnixStat.UserId, (Get-Item -LiteralPath $private).UnixStat.GroupId | Should -Be 1234, 2345 }
        (Get-AgentRollout -Format Normalized -Path $private).TraceId | Should -Be $records[1].TraceId
    }

    It 'writes through a symbolic link to its target, and the link stays a link' -Skip:$IsWindows {
        $real = Join-Path $TestDrive 'real'
        New-Item -ItemType Directory -Path $real | Out-Null
        $target = Join-Path $real 'data.jsonl'
        Set-Content -LiteralPath $target -Value 'previous'
        chmod 640 $target
        $link = Join-Path $TestDrive 'link.jsonl'
        New-Item -ItemType SymbolicLink -Path $link -Target $target | Out-Null
        $records[0..1] | Export-AgentRollout -Path $link
        (Get-Item -LiteralPath $link).LinkType | Should -Be 'SymbolicLink'
        (Get-Item -LiteralPath $link).LinkTarget | Should -Be $target
        (Get-AgentRollout -Format Normalized -Path $target).TraceId | Should -Be $records[0..1].TraceId
        (Get-Item -LiteralPath $target).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, GroupRead')
        Get-ChildItem -LiteralPath $TestDrive, $real -Force -Filter '*.tmp' | Should -BeNullOrEmpty

        $dangling = Join-Path $TestDrive 'dangling.jsonl'
        New-Item -ItemType SymbolicLink -Path $dangling -Target (Join-Path $real 'new.jsonl') | Out-Null
        $records[0] | Export-AgentRollout -Path $dangling
        (Get-Item -LiteralPath $dangling).LinkType | Should -Be 'SymbolicLink'
        (Get-AgentRollout -Format Normalized -Path (Join-Path $real 'new.jsonl')).TraceId | Should -Be $records[0].TraceId

        $loop = Join-Path $TestDrive 'loop.jsonl'
        New-Item -ItemType SymbolicLink -Path $loop -Target $loop | Out-Null
        { $records[0] | Export-AgentRollout -Path $loop } | Should -Throw -ErrorId 'RolloutExportError,*'
    }

    It 'overwrites a writable file in a folder it cannot write, in place, and says so under -Verbose' {
        if ($reason = Get-PermissionSkipReason) { Set-ItResult -Skipped -Because $reason; return }
        $folder = Join-Path $TestDrive 'locked-folder'
        New-Item -ItemType Directory -Path $folder | Out-Null
        $data = Join-Path $folder 'data.jsonl'
        $log = Join-Path $folder 'log.jsonl'
        $records[0] | Export-AgentRollout -Path $log
        Set-Content -LiteralPath $data -Value 'previous'
        chmod 666 $data $log
        chmod 555 $folder
        try {
            $child = Start-ChildPwsh -WithoutDacOverride -Script @"
try { [System.IO.File]::WriteAllText('$folder/probe', 'x'); 'probe: written' } catch { 'probe: denied' }
`$r = Get-AgentRollout -LiteralPath '$sample' | Select-Object -First 1
`$r | Export-AgentRollout -LiteralPath '$data' -Verbose 4>&1 | ForEach-Object { "verbose: `$_" }
`$r | Export-AgentRollout -LiteralPath '$log' -Append
try { `$r | Export-AgentRollout -LiteralPath '$folder/new.jsonl' -ErrorAction Stop } catch { "error: `$(`$_.FullyQualifiedErrorId): `$_" }
"@
            $result = Wait-ChildPwsh $child
        }
        finally {
            chmod 755 $folder
        }
        $result.Errors | Should -BeNullOrEmpty
        $result.Output | Should -Match 'probe: denied' -Because 'the child must meet the folder''s permissions, or this test proves nothing'
        $result.Output | Should -Match "verbose: Writing '$([regex]::Escape($data))' in place, not atomically"
        $result.Output | Should -Match "error: RolloutExportError,\S+: Could not write '$([regex]::Escape("$folder/new.jsonl"))'"
        $result.Output | Should -Not -Match '\.tmp'
        $sampleId = (Get-AgentRollout -LiteralPath $sample | Select-Object -First 1).TraceId
        (Get-AgentRollout -Format Normalized -Path $data).TraceId | Should -Be $sampleId
        (Get-AgentRollout -Format Normalized -Path $log).TraceId | Should -Be $records[0].TraceId, $sampleId
        Get-ChildItem -LiteralPath $folder -Force -Filter '*.tmp' | Should -BeNullOrEmpty
    }

    It 'removes its temporary file when stopped (Ctrl+C), leaving the previous file' {
        $stopped = Join-Path $TestDrive 'stopped'
        New-Item -ItemType Directory -Path $stopped | Out-Null
        $dest = Join-Path $stopped 'data.jsonl'
        Set-Content -LiteralPath $dest -Value 'previous'
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript("Import-Module '$ModulePath'").AddStatement().AddScript((& $endless $dest))
            $running = $shell.BeginInvoke()
            Wait-TemporaryFile $stopped | Should -Not -BeNullOrEmpty
            $shell.Stop()
            # Stop returns when the pipeline has stopped; the async result may be marked complete a moment later.
            $running.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(10)) | Should -BeTrue
        }
        finally {
            $shell.Dispose()
        }
        Get-ChildItem -LiteralPath $stopped -Force -Filter '*.tmp' | Should -BeNullOrEmpty
        Get-Content -LiteralPath $dest | Should -Be 'previous'
    }

    It 'removes its temporary file when pwsh is ended by SIGTERM' {
        if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows has no SIGTERM to send'; return }
        $terminated = Join-Path $TestDrive 'terminated'
        New-Item -ItemType Directory -Path $terminated | Out-Null
        $dest = Join-Path $terminated 'data.jsonl'
        Set-Content -LiteralPath $dest -Value 'previous'
        $child = Start-ChildPwsh -Script (& $endless $dest)
        Wait-TemporaryFile $terminated | Should -Not -BeNullOrEmpty
        kill -TERM $child.Id
        $result = Wait-ChildPwsh $child
        $result.ExitCode | Should -Be 143 -Because 'the signal still ends the process (128 + 15)'
        Get-ChildItem -LiteralPath $terminated -Force -Filter '*.tmp' | Should -BeNullOrEmpty
        Get-Content -LiteralPath $dest | Should -Be 'previous'
    }

    It 'removes the temporary file a killed export left, on the next export into that folder, but not a live one' {
        $killed = Join-Path $TestDrive 'killed'
        New-Item -ItemType Directory -Path $killed | Out-Null
        $dest = Join-Path $killed 'data.jsonl'
        $child = Start-ChildPwsh -Script (& $endless $dest)
        $stale = Wait-TemporaryFile $killed
        $child.Kill()
        $null = Wait-ChildPwsh $child
        Test-Path -LiteralPath $stale.FullName | Should -BeTrue -Because 'kill -9 runs no cleanup'

        # Another export, still writing, holds its temporary file open and locked: it must survive.
        $live = Join-Path $killed ".other.jsonl.$([guid]::NewGuid().ToString('N')).rollouttools.tmp"
        $liveStream = [System.IO.FileStream]::new($live, 'CreateNew', 'ReadWrite', 'None')
        try {
            $verbose = $records[0] | Export-AgentRollout -Path $dest -Verbose 4>&1 | ForEach-Object { "$_" }
            Test-Path -LiteralPath $live | Should -BeTrue
        }
        finally {
            $liveStream.Dispose()
        }
        $verbose | Should -Contain "Removed 1 temporary file(s) an interrupted export left in '$killed'."
        Test-Path -LiteralPath $stale.FullName | Should -BeFalse
        (Get-AgentRollout -Format Normalized -Path $dest).TraceId | Should -Be $records[0].TraceId
    }

    It 'names the destination, not the temporary file, when the file cannot be put in place' {
        $blocked = Join-Path $TestDrive 'blocked.jsonl'
        $failure = $null
        try {
            & { $records[0]; New-Item -ItemType Directory -Path $blocked | Out-Null; $records[1] } | Export-AgentRollout -Path $blocked -ErrorAction Stop
        }
        catch {
            $failure = $_
        }
        $failure.FullyQualifiedErrorId | Should -BeLike 'RolloutExportError,*'
        $failure.TargetObject | Should -Be $blocked
        "$failure" | Should -BeLike "Could not write '$blocked':*"
        "$failure" | Should -Not -Match '\.tmp'
        Get-ChildItem -LiteralPath $TestDrive -Force -Filter '*.tmp' | Should -BeNullOrEmpty
    }

    It 'appends in the file''s own encoding: UTF-16 stays UTF-16, a BOM stays single' {
        $wide = Join-Path $TestDrive 'wide.jsonl'
        $records[0] | Export-AgentRollout -Path $wide -Encoding unicode
        $records[1] | Export-AgentRollout -Path $wide -Append
        $records[2] | Export-AgentRollout -Path $wide -Append -Encoding utf8 -WarningVariable warned -WarningAction SilentlyContinue
        "$warned" | Should -Be "'$wide' is unicode; the records are appended in that encoding, not utf8NoBOM."
        $bytes = [System.IO.File]::ReadAllBytes($wide)
        $bytes[0..1] | Should -Be 0xFF, 0xFE
        $text = [System.Text.UnicodeEncoding]::new($false, $true, $true).GetString($bytes, 2, $bytes.Length - 2)
        $lines = $text.TrimEnd("`n").Split("`n")
        ($lines | ForEach-Object { ($_ | ConvertFrom-Json -Depth 100).trace_id }) | Should -Be $records[0..2].TraceId

        $bom = Join-Path $TestDrive 'bom.jsonl'
        $records[0] | Export-AgentRollout -Path $bom -Encoding utf8BOM
        $records[1] | Export-AgentRollout -Path $bom -Append
        $bytes = [System.IO.File]::ReadAllBytes($bom)
        $bytes[0..2] | Should -Be 0xEF, 0xBB, 0xBF
        [System.Text.Encoding]::UTF8.GetString($bytes, 3, $bytes.Length - 3).Contains([char]0xFEFF) | Should -BeFalse
        (Get-AgentRollout -Format Normalized -Path $bom).TraceId | Should -Be $records[0..1].TraceId

        $plain = Join-Path $TestDrive 'plain-append.jsonl'
        $records[0] | Export-AgentRollout -Path $plain
        $records[1] | Export-AgentRollout -Path $plain -Append -Encoding utf8BOM -WarningAction SilentlyContinue
        [System.IO.File]::ReadAllBytes($plain)[0] | Should -Be ([byte][char]'{')
    }
}
