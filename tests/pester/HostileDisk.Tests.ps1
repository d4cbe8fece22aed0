BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    function Invoke-Child {
        <#
            Runs Get-AgentRollout in a child pwsh and returns what it wrote as JSON. A child, because a regression here
            hangs in open(2) beyond Ctrl+C: the deadline kills it and the test fails instead of the run hanging.
            -Unprivileged drops the capabilities that let root read any folder, so permissions apply as to a user.
        #>
        param([Parameter(Mandatory)] [string] $Script, [switch] $Unprivileged, [int] $TimeoutSeconds = 120)
        $command = "Import-Module '$ModulePath'; $Script"
        $arguments = @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $command)
        $start = [System.Diagnostics.ProcessStartInfo]::new()
        if ($Unprivileged -and (& id -u) -eq '0') {
            $start.FileName = 'setpriv'
            $start.ArgumentList.Add('--bounding-set')
            $start.ArgumentList.Add('-dac_override,-dac_read_search')
            $start.ArgumentList.Add((Get-Process -Id $PID).Path)
        }
        else {
            $start.FileName = (Get-Process -Id $PID).Path
        }
        foreach ($argument in $arguments) { $start.ArgumentList.Add($argument) }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($start)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "Get-AgentRollout still runs after $TimeoutSeconds s: it waits on a special file."
        }
        if ($process.ExitCode -ne 0) { throw "The child failed: $($stderr.Result)" }
        $stdout.Result | ConvertFrom-Json
    }

    # What a run leaves, as JSON: the records' paths, the errors and the verbose notes.
    $script:Report = @'
$records = <call> -ErrorVariable errors -ErrorAction SilentlyContinue -Verbose 4>&1
[pscustomobject]@{
    Paths = @($records | Where-Object { $_ -is [RolloutTools.Core.Model.RolloutRecord] } | ForEach-Object SourcePath)
    Verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    Errors = @($errors | ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId.Split(',')[0]; Category = "$($_.CategoryInfo.Category)"; Target = "$($_.TargetObject)"; Message = "$_" } })
} | ConvertTo-Json -Depth 4
'@

    function Get-Report([string] $Call, [switch] $Unprivileged) {
        Invoke-Child -Script $script:Report.Replace('<call>', $Call) -Unprivileged:$Unprivileged
    }

    # Why a permission test cannot run here, or nothing when it can.
    $script:NoUnprivilegedUser = if ($IsWindows) { 'folder permissions are ACLs on Windows; chmod 000 is the Unix case' }
        elseif ((& id -u) -eq '0' -and -not (Get-Command setpriv -ErrorAction Ignore)) { 'running as root without setpriv to drop the capabilities that bypass permissions' }
    $script:NoSpecialFiles = if ($IsWindows) { 'FIFOs, Unix sockets and /dev/null are Unix file system objects' }
}

Describe 'Get-AgentRollout on a hostile disk' {
    Context 'a folder the user cannot read' {
        BeforeAll {
            $claude = Join-Path $TestDrive 'claude'
            $projects = Join-Path $claude 'projects'
            New-ClaudeSession -Path (Join-Path $projects 'a/11111111-1111-4111-8111-111111111111.jsonl') | Out-Null
            New-ClaudeSession -Path (Join-Path $projects 'locked/22222222-2222-4222-8222-222222222222.jsonl') | Out-Null
            New-ClaudeSession -Path (Join-Path $projects 'z/33333333-3333-4333-8333-333333333333.jsonl') | Out-Null
            $locked = Join-Path $projects 'locked'
            if (-not $IsWindows) { & chmod 000 $locked }
        }
        AfterAll {
            if (-not $IsWindows) { & chmod 755 $locked }
        }

        It 'is one error naming it, and the folders beside it are read (<Call>)' -ForEach @(
            @{ Call = 'Get-AgentRollout -Path $env:PROJECTS -Recurse' }
            @{ Call = 'Get-AgentRollout' }
        ) {
            if ($NoUnprivilegedUser) { Set-ItResult -Skipped -Because $NoUnprivilegedUser; return }
            $env:CLAUDE_CONFIG_DIR = $claude
            $env:CODEX_HOME = Join-Path $TestDrive 'no-codex'
            $env:PROJECTS = $projects
            try { $report = Get-Report $Call -Unprivileged }
            finally { Remove-Item Env:CLAUDE_CONFIG_DIR, Env:CODEX_HOME, Env:PROJECTS }

            $report.Paths | Split-Path -Leaf | Should -Be @('11111111-1111-4111-8111-111111111111.jsonl', '33333333-3333-4333-8333-333333333333.jsonl')
            $report.Errors | Should -HaveCount 1
            $report.Errors[0].Id | Should -Be 'RolloutFolderUnreadable'
            $report.Errors[0].Category | Should -Be 'PermissionDenied'
            $report.Errors[0].Target | Should -Be $locked
            $report.Errors[0].Message | Should -Be "$($locked): cannot read the folder (permission denied); the traces in it are skipped, the rest is read."
        }
    }

    Context 'FIFOs, sockets and devices named like traces and sidecars' {
        BeforeAll {
            $folder = Join-Path $TestDrive 'special'
            $session = '44444444-4444-4444-8444-444444444444'
            New-ClaudeSession -Path (Join-Path $folder "$session.jsonl") -SessionId $session | Out-Null
            New-ClaudeSession -Path (Join-Path $folder "$session/subagents/agent-a1.jsonl") -SessionId $session | Out-Null
            $codexHome = Join-Path $TestDrive 'codex'
            $rollout = New-CodexRollout -Path (Join-Path $codexHome 'sessions/2025/11/20/rollout-2025-11-20T21-05-09-55555555-5555-4555-8555-555555555555.jsonl')
            $sockets = @()
            if (-not $IsWindows) {
                & mkfifo (Join-Path $folder 'fifo.jsonl') (Join-Path $folder 'sessions-index.json') (Join-Path $folder "$session/subagents/agent-a1.meta.json")
                & mkfifo (Join-Path $codexHome 'session_index.jsonl') (Join-Path $codexHome 'sessions/rollout-2025-11-21T08-00-00-66666666-6666-4666-8666-666666666666.jsonl')
                New-Item -ItemType SymbolicLink -Path (Join-Path $folder 'null.jsonl') -Target '/dev/null' | Out-Null
                $socket = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::Unix, [System.Net.Sockets.SocketType]::Stream, [System.Net.Sockets.ProtocolType]::Unspecified)
                $socket.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new((Join-Path $folder 'socket.jsonl')))
                $sockets += $socket
            }
        }
        AfterAll {
            $sockets | ForEach-Object Dispose
        }

        It 'skips each with a verbose note and reads the sessions beside them, in a folder' {
            if ($NoSpecialFiles) { Set-ItResult -Skipped -Because $NoSpecialFiles; return }
            $report = Get-Report "Get-AgentRollout -Path '$folder'"

            $report.Paths | Should -Be @((Join-Path $folder "$session.jsonl"), (Join-Path $folder "$session/subagents/agent-a1.jsonl"))
            $report.Errors | Should -BeNullOrEmpty
            $report.Verbose | Should -Contain "Skipped '$(Join-Path $folder 'fifo.jsonl')': it is a FIFO (named pipe), not a regular file."
            $report.Verbose | Should -Contain "Skipped '$(Join-Path $folder 'null.jsonl')': it is a character device, not a regular file."
            $report.Verbose | Should -Contain "Skipped '$(Join-Path $folder 'socket.jsonl')': it is a socket, not a regular file."
        }

        It 'skips a FIFO named on the command line' {
            if ($NoSpecialFiles) { Set-ItResult -Skipped -Because $NoSpecialFiles; return }
            $report = Get-Report "Get-AgentRollout -LiteralPath '$(Join-Path $folder 'fifo.jsonl')'"

            $report.Paths | Should -BeNullOrEmpty
            $report.Errors | Should -BeNullOrEmpty
            $report.Verbose | Where-Object { $_ -notlike 'Reading with the native reader*' } | Should -Be @("Skipped '$(Join-Path $folder 'fifo.jsonl')': it is a FIFO (named pipe), not a regular file.")
        }

        It 'reads a default location holding a FIFO rollout and a FIFO thread-name index' {
            if ($NoSpecialFiles) { Set-ItResult -Skipped -Because $NoSpecialFiles; return }
            $env:CODEX_HOME = $codexHome
            try { $report = Get-Report 'Get-AgentRollout -Format Codex' }
            finally { Remove-Item Env:CODEX_HOME }

            $report.Paths | Should -Be @($rollout.FullName)
            $report.Errors | Should -BeNullOrEmpty
            $report.Verbose | Should -Contain "Skipped '$(Join-Path $codexHome 'sessions/rollout-2025-11-21T08-00-00-66666666-6666-4666-8666-666666666666.jsonl')': it is a FIFO (named pipe), not a regular file."
        }
    }

    Context 'links' {
        BeforeAll {
            $root = Join-Path $TestDrive 'links'
            $tree = Join-Path $root 'tree'
            $a = New-ClaudeSession -Path (Join-Path $tree '77777777-7777-4777-8777-777777777777.jsonl')
            $b = New-ClaudeSession -Path (Join-Path $tree 'sub/88888888-8888-4888-8888-888888888888.jsonl')
            $c = New-ClaudeSession -Path (Join-Path $root 'elsewhere/99999999-9999-4999-8999-999999999999.jsonl')
            New-Item -ItemType SymbolicLink -Path (Join-Path $tree 'sub/up') -Target '..' | Out-Null
            New-Item -ItemType SymbolicLink -Path (Join-Path $tree 'ext') -Target (Join-Path $root 'elsewhere') | Out-Null
            New-Item -ItemType SymbolicLink -Path (Join-Path $tree 'again') -Target (Join-Path $root 'elsewhere') | Out-Null
            New-Item -ItemType SymbolicLink -Path (Join-Path $tree 'alias.jsonl') -Target $a.FullName | Out-Null
        }

        It 'are not entered by -Recurse, so a link to .. returns each trace once' {
            (Get-AgentRollout -Path $tree -Recurse).SourcePath | Should -Be @($a.FullName, $b.FullName)
        }

        It 'are entered with -FollowSymlink, each real folder once, a link to .. included' {
            (Get-AgentRollout -Path $tree -Recurse -FollowSymlink).SourcePath |
                Should -Be @($a.FullName, (Join-Path $tree 'again' $c.Name), $b.FullName)
        }

        It 'are followed when they are the folder named, as Get-ChildItem does' {
            $named = Join-Path $root 'named'
            New-Item -ItemType SymbolicLink -Path $named -Target $tree | Out-Null
            (Get-AgentRollout -Path $named -Recurse).SourcePath | Should -Be @((Join-Path $named $a.Name), (Join-Path $named 'sub' $b.Name))
        }
    }
}
