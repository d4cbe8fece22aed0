BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'ChildPwsh.ps1')
}

# The native reader (rollout-reader) runs Core's reading compiled ahead of time, for Get-AgentRollout, the cmdlets
# that read paths, and Measure-AgentRollout. Whatever it reads must come out as reading in this process gives it.
Describe 'The native reader' {
    BeforeAll {
        $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
        $script:Reader = Join-Path (Split-Path $script:ModulePath) "runtimes/$rid/native/$($IsWindows ? 'rollout-reader.exe' : 'rollout-reader')"
        # A Codex rollout whose usage line was cut off: its error must name the file and the line, however it is read.
        $damaged = New-Item -ItemType Directory (Join-Path $TestDrive 'damaged')
        $script:Damaged = $damaged.FullName
        Set-Content -LiteralPath (Join-Path $damaged 'rollout-2025-11-03T09-00-00-0199a213-81c0-7800-8aa1-bbab2a035a53.jsonl') -Value @(
            '{"timestamp":"2025-11-03T09:00:00.000Z","type":"session_meta","payload":{"id":"0199a213-81c0-7800-8aa1-bbab2a035a53","cwd":"/home/dev/w"}}'
            '{"timestamp":"2025-11-03T09:00:01.000Z","type":"event_msg","payload":{"type":"token_count","info":{'
            '{"timestamp":"2025-11-03T09:00:02.000Z","type":"turn_context","payload":{"model":"gpt-5-codex"}}'
        )
        $script:Codex = Join-Path $script:SamplesRoot 'codex'

        function Invoke-Both([scriptblock] $Command) {
            <# What a command writes (objects as JSON, warnings, errors), read by the native reader and in process. #>
            foreach ($native in '1', '0') {
                $env:ROLLOUTTOOLS_NATIVE = $native
                try {
                    $written = & $Command 2>&1 3>&1
                }
                finally {
                    Remove-Item Env:ROLLOUTTOOLS_NATIVE -ErrorAction SilentlyContinue
                }
                [pscustomobject]@{
                    Objects = @($written | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] -and $_ -isnot [System.Management.Automation.WarningRecord] } | ForEach-Object {
                        if ($_ -is [RolloutTools.Core.Model.RolloutRecord]) { $_.ToJson() } else { $_ | Select-Object * | ConvertTo-Json -Compress -Depth 6 -WarningAction SilentlyContinue } })
                    Warnings = @($written | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message)
                    Errors = @($written | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$($_.FullyQualifiedErrorId) $($_.CategoryInfo.Category) $($_.Exception.LineNumber) $($_.Exception.Message)" })
                }
            }
        }

        function Invoke-WithReader([string] $Reader, [string] $Command) {
            <# Runs a command in a child pwsh, with a copy of the module whose reader is this script. #>
            $copy = Join-Path $TestDrive ('module-{0:N}' -f [guid]::NewGuid())
            Copy-Item -LiteralPath (Split-Path $script:ModulePath) -Destination $copy -Recurse
            $file = Get-ChildItem -LiteralPath $copy -Recurse -File -Filter 'rollout-reader' | Select-Object -First 1
            [System.IO.File]::WriteAllText($file.FullName, $Reader)
            Wait-ChildPwsh (Start-ChildPwsh -ModulePath (Join-Path $copy 'RolloutTools.psd1') -Script @"
try {
    $Command -Verbose 4>&1 | ForEach-Object { if (`$_ -is [System.Management.Automation.VerboseRecord]) { "VERBOSE: `$(`$_.Message)" } else { "OUT: `$(`$_.TraceId)`$(`$_.Session) `$(`$_.TotalTokens)" } }
}
catch {
    "ERROR: `$(`$_.FullyQualifiedErrorId) `$(`$_.Exception.Message)"
}
"@)
        }

        function Get-ProblemEvent([string] $Message) {
            <#
            A note as the reader writes it, built here from the wire's definition (NativeWire): tag 1, severity 0,
            then error id, path, no line, message and not-access-denied; each string is kind 1 (UTF-8) and its
            length as 32 bits, little-endian.
            #>
            $bytes = [System.Collections.Generic.List[byte]]::new()
            $text = { param([string] $s) $utf8 = [System.Text.Encoding]::UTF8.GetBytes($s); $bytes.Add(1); $bytes.AddRange([System.BitConverter]::GetBytes([int] $utf8.Length)); $bytes.AddRange($utf8) }
            $bytes.Add(1); $bytes.Add(0)
            & $text 'RolloutStoreReadWhole'; & $text '/srv'; $bytes.Add(0); & $text $Message; $bytes.Add(0)
            $path = Join-Path $TestDrive ('event-{0:N}.bin' -f [guid]::NewGuid())
            [System.IO.File]::WriteAllBytes($path, $bytes.ToArray())
            $path
        }
    }

    It 'ships in the built module for this platform, and reads for Get-AgentRollout and Measure-AgentRollout' {
        Test-Path -LiteralPath $script:Reader | Should -BeTrue
        foreach ($command in { Get-AgentRollout -Path $script:Codex -Recurse -Verbose 4>&1 }, { Measure-AgentRollout -Path $script:Codex -Recurse -Verbose 4>&1 }) {
            $verbose = & $command | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            "$verbose" | Should -Match ([regex]::Escape("native reader '$script:Reader'"))
            "$verbose" | Should -Not -Match 'Reading in this process instead'
        }
    }

    It 'gives the records, warnings and errors that reading in process gives (<Name>)' -ForEach @(
        @{ Name = 'every sample'; Command = { Get-AgentRollout -Path $script:SamplesRoot, $script:Damaged -Recurse } }
        @{ Name = 'abandoned branches and every branch'; Command = { Get-AgentRollout -Path $script:SamplesRoot -Recurse -IncludeAbandoned -AllBranches -StitchContinuations } }
        @{ Name = 'ids, one not found'; Command = { Get-AgentRollout -Path $script:SamplesRoot -Recurse -Id '0199*', 'no-such-session' } }
        @{ Name = 'a partition and a date window'; Command = { Get-AgentRollout -Path $script:SamplesRoot -Recurse -Partition 1 -PartitionCount 3 -Since '2025-06-01' -Until '2026-12-31' } }
        @{ Name = 'a filter, without recursion'; Command = { Get-AgentRollout -Path (Join-Path $script:SamplesRoot 'claude-code'), $script:SamplesRoot -Filter '*.jsonl' } }
        @{ Name = 'messages of a path'; Command = { Get-RolloutMessage -Path $script:Codex -Recurse } }
    ) {
        $native, $inProcess = Invoke-Both $Command

        $native.Objects.Count | Should -BeGreaterThan 0
        $native.Objects | Should -Be $inProcess.Objects
        $native.Warnings | Should -Be $inProcess.Warnings
        $native.Errors | Should -Be $inProcess.Errors
    }

    It 'names the damaged file and line in its errors, as in process' {
        $native, $inProcess = Invoke-Both { Get-AgentRollout -Path $script:Damaged }

        $native.Errors | Should -Match '^RolloutParseError,RolloutTools.Commands.GetAgentRolloutCommand InvalidData 2 .*rollout-2025-11-03T09-00-00-0199a213-81c0-7800-8aa1-bbab2a035a53.jsonl:2'
        $native.Errors | Should -Be $inProcess.Errors
        { Get-AgentRollout -Path $script:Damaged -ErrorAction Stop } | Should -Throw -ErrorId 'RolloutParseError,*'
    }

    It 'gives the usage rows, warnings and errors that reading in process gives (<Name>)' -ForEach @(
        @{ Name = 'session, day, model'; Parameters = @{ GroupBy = 'Session', 'Day', 'Model'; TimeZone = 'UTC' } }
        @{ Name = 'blocks'; Parameters = @{ GroupBy = 'Block' } }
        @{ Name = 'week, month, project, format in Tokyo since a date'; Parameters = @{ GroupBy = 'Week', 'Month', 'Project', 'Format'; TimeZone = 'Asia/Tokyo'; Since = [datetime]'2025-06-01' } }
        @{ Name = 'messages counted, by day in Auckland'; Parameters = @{ GroupBy = 'Day'; TimeZone = 'Pacific/Auckland'; CountMessages = $true } }
        @{ Name = 'one total'; Parameters = @{} }
    ) {
        $native, $inProcess = Invoke-Both { Measure-AgentRollout -Path $script:SamplesRoot, $script:Damaged -Recurse @Parameters }

        $native.Objects.Count | Should -BeGreaterThan 0
        $native.Objects | Should -Be $inProcess.Objects
        $native.Warnings | Should -Be $inProcess.Warnings
        $native.Errors | Should -Be $inProcess.Errors
        $native.Errors | Should -Match '^RolloutParseError,RolloutTools.Commands.MeasureAgentRolloutCommand InvalidData 2 .*rollout-2025-11-03T09-00-00-0199a213-81c0-7800-8aa1-bbab2a035a53.jsonl:2'
    }

    It 'stops Get-AgentRollout at the first record taken, ending the reader' {
        $first = Get-AgentRollout -Path $script:SamplesRoot -Recurse | Select-Object -First 1
        $first | Should -Not -BeNullOrEmpty
        # The reader was ended with the pipeline, not left reading (within a deadline far above what ending takes).
        $deadline = [datetime]::UtcNow.AddSeconds(20)
        do {
            $left = Get-Process -Name 'rollout-reader' -ErrorAction SilentlyContinue | Where-Object { $_.Parent.Id -eq $PID }
        } while ($left -and [datetime]::UtcNow -lt $deadline -and -not (Start-Sleep -Milliseconds 50))
        $left | Should -BeNullOrEmpty
    }

    It 'leaves the run to the process when the reader cannot run, and says why (<Name>)' -Skip:$IsWindows -ForEach @(
        @{ Name = 'Get-AgentRollout'; Arguments = '-Recurse' }
        @{ Name = 'Measure-AgentRollout'; Arguments = '-Recurse -GroupBy Session' }
    ) {
        $Command = "$Name -Path '$script:Codex' $Arguments"
        # What a system too old for the build prints before any event.
        $child = Invoke-WithReader "#!/bin/sh`necho 'version GLIBC_9.99 not found' >&2`nexit 1`n" $Command

        $child.ExitCode | Should -Be 0
        $child.Output | Should -Match 'GLIBC_9.99 not found'
        $child.Output | Should -Match 'Reading in this process instead'
        $expected = Invoke-Expression $Command | ForEach-Object { "OUT: $($_.TraceId)$($_.Session) $($_.TotalTokens)" }
        $expected | Should -Not -BeNullOrEmpty
        @($child.Output -split "`r?`n" | Where-Object { $_ -like 'OUT: *' }) | Should -Be $expected
    }

    It 'ends the command with an error when the reader stops partway (<Name>)' -Skip:$IsWindows -ForEach @(
        @{ Name = 'Get-AgentRollout' }
        @{ Name = 'Measure-AgentRollout' }
    ) {
        $Command = "$Name -Path '$script:Codex' -Recurse"
        $problem = Get-ProblemEvent 'first note'
        $child = Invoke-WithReader "#!/bin/sh`ncat > /dev/null`ncat '$problem'`necho 'killed by the kernel' >&2`nexit 137`n" $Command

        $child.Output | Should -Match 'VERBOSE: first note'
        $child.Output | Should -Match 'RolloutNativeReaderFailed'
        $child.Output | Should -Match 'exit code 137'
        $child.Output | Should -Match 'killed by the kernel'
        $child.Output | Should -Not -Match 'OUT: '
    }
}
