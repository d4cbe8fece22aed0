# Child pwsh processes for tests that need a process of their own: one to signal or kill, or one running without
# the capabilities that let root ignore file permissions. Dot-sourced by the test files that use it.

function Start-ChildPwsh {
    <#
    Starts the pwsh running the tests (pwsh.dll itself, not the dotnet tool shim, so a signal reaches it) on a
    script file, with the built module (or -ModulePath) imported first. -WithoutDacOverride makes root meet file permissions as a
    plain user does (setpriv without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH); a plain user already does.
    Returns the Process, its output redirected.
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [switch] $WithoutDacOverride,
        # Another copy of the module to import instead of the one under test.
        [string] $ModulePath = $script:ModulePath
    )
    $file = Join-Path $TestDrive ("child-{0:N}.ps1" -f [guid]::NewGuid())
    $preamble = "`$ErrorActionPreference = 'Continue'`nImport-Module '$($ModulePath -replace "'", "''")'`n"
    [System.IO.File]::WriteAllText($file, $preamble + $Script)
    $host_ = [Environment]::ProcessPath
    $arguments = [System.Collections.Generic.List[string]]::new()
    if ([System.IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { $arguments.Add((Join-Path $PSHOME 'pwsh.dll')) }
    $arguments.AddRange([string[]]@('-NoProfile', '-NonInteractive', '-File', $file))
    if ($WithoutDacOverride -and (Test-Root)) {
        $arguments.InsertRange(0, [string[]]@('--bounding-set', '-dac_override,-dac_read_search', $host_))
        $host_ = (Get-Command setpriv -CommandType Application | Select-Object -First 1).Source
    }
    $start = [System.Diagnostics.ProcessStartInfo]::new($host_, $arguments)
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    [System.Diagnostics.Process]::Start($start)
}

function Wait-ChildPwsh {
    <# Waits for a child to end (at most two minutes) and returns its exit code, output and errors. #>
    param([Parameter(Mandatory)] [System.Diagnostics.Process] $Process)
    $output = $Process.StandardOutput.ReadToEndAsync()
    $errors = $Process.StandardError.ReadToEndAsync()
    if (-not $Process.WaitForExit(120000)) { $Process.Kill(); throw 'The child pwsh did not end within two minutes.' }
    $Process.WaitForExit()
    [pscustomobject]@{ ExitCode = $Process.ExitCode; Output = $output.Result; Errors = $errors.Result }
}

function Test-Root { -not $IsWindows -and (id -u) -eq '0' }

function Get-PermissionSkipReason {
    <# Why a process that meets file permissions (a plain user, or root without its bypassing capabilities) cannot be had here; $null when it can. #>
    if ($IsWindows) { return 'folder permissions are ACLs on Windows, not built by these tests' }
    if (-not (Test-Root)) { return $null }
    if (-not $IsLinux) { return 'root ignores permissions, and dropping that needs setpriv, which is Linux only' }
    if (-not (Get-Command setpriv -CommandType Application -ErrorAction Ignore)) { return 'root ignores permissions, and setpriv is not installed to drop that' }
    $null
}

function Wait-TemporaryFile {
    <# Waits (at most a minute) until an export's temporary file with some content exists in a folder; returns it. #>
    param([Parameter(Mandatory)] [string] $Folder)
    $deadline = [datetime]::UtcNow.AddMinutes(1)
    while ([datetime]::UtcNow -lt $deadline) {
        $file = Get-ChildItem -LiteralPath $Folder -Force -Filter '*.rollouttools.tmp' | Where-Object Length -gt 0 | Select-Object -First 1
        if ($file) { return $file }
        Start-Sleep -Milliseconds 100
    }
    throw "No temporary file appeared in '$Folder' within a minute."
}
