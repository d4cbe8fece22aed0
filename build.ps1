#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and packages the RolloutTools module.
.DESCRIPTION
    build    assembles a loadable module folder out/RolloutTools/<version>/
    test     builds, runs the xunit tests and the Pester tests against the built module, and prints
             "N passed, N failed" last; exits non-zero when anything failed
    demo     builds, then reads the traces under samples/ and shows a table and a grouping
    package  builds, then writes out/packages/RolloutTools.<version>.nupkg for Publish-/Install-PSResource
    bench    builds, generates corpora of every format (250 MB and 1 GB, or -BenchSizeMB) and times the module's
             reading, usage report and export against a parse-only floor and ccusage; appends to bench/RESULTS.md.
             -Quick: one run over 20 MB, nothing appended. See bench/Invoke-Benchmark.ps1
    help-syntax  builds, then rewrites the SYNTAX sections of the MAML help from the cmdlets (after adding a parameter
             or a format: every -Format lists the formats)
    screenshots  builds, then renders the README's transcript pictures (docs/images) from samples/ with headless
             Chromium (/usr/bin/chromium or $env:CHROMIUM); see tools/Update-Screenshots.ps1
    redaction-fp  builds, then runs the redactor over every line of the source files under -CorpusPath and
             prints the lines it changed per 10,000 (false positives on code), its speed, and examples by kind
    clean    removes out/ and the projects' bin/ and obj/ folders
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 test
.EXAMPLE
    dotnet pwsh ./build.ps1 redaction-fp -CorpusPath ~/src/msbuild
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'demo', 'package', 'bench', 'help-syntax', 'screenshots', 'redaction-fp', 'clean')]
    [string] $Task = 'build',

    # For redaction-fp: a folder of ordinary source code (no real credentials), searched recursively.
    [string] $CorpusPath,

    # For bench: corpus sizes in megabytes, runs per operation (the median is reported), or one quick small run.
    # Text, split at commas here: from a shell (pwsh -File), "250,1024" arrives as one argument, which [int[]]
    # would read as the one number 2501024.
    [string[]] $BenchSizeMB,
    [int] $BenchRepeat,
    [switch] $Quick,

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$out = Join-Path $root 'out'
$version = (Import-PowerShellDataFile (Join-Path $root 'RolloutTools.psd1')).ModuleVersion
$moduleDir = Join-Path $out "RolloutTools/$version"

function Invoke-Native([string] $What, [scriptblock] $Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE." }
}

function Invoke-ModuleBuild {
    if (Test-Path $moduleDir) { Remove-Item $moduleDir -Recurse -Force }
    Invoke-Native 'dotnet publish' { dotnet publish (Join-Path $root 'src/RolloutTools') -c $Configuration -o $moduleDir --nologo -v quiet }
    # Only what the module needs at run time ships; the publish step also leaves the dependency manifest and the
    # debug symbols, which the package would otherwise carry to every user.
    Get-ChildItem $moduleDir -Recurse -File | Where-Object { $_.Name -like '*.deps.json' -or $_.Extension -eq '.pdb' } | Remove-Item
    # The native reader (Native AOT), for this machine's platform only: Native AOT does not compile for another
    # operating system. Where none ships, the cmdlets read in process.
    $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    $readerOut = Join-Path $out "native-reader/$rid"
    Invoke-Native 'dotnet publish (native reader)' {
        dotnet publish (Join-Path $root 'src/RolloutTools.NativeReader') -c $Configuration -r $rid -o $readerOut --nologo -v quiet
    }
    $native = New-Item -ItemType Directory -Force (Join-Path $moduleDir "runtimes/$rid/native")
    Copy-Item (Join-Path $readerOut ($IsWindows ? 'rollout-reader.exe' : 'rollout-reader')) $native
    Write-Host "Module: $moduleDir"
}

function Get-PesterManifest {
    Invoke-Native 'restore of Pester' { dotnet restore (Join-Path $root 'tests/tools/tools.csproj') --nologo -v quiet }
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) {
        $line = dotnet nuget locals global-packages --list
        $packages = ($line -replace '^global-packages:\s*', '').Trim()
    }
    $manifest = Get-ChildItem (Join-Path $packages 'pester') -Directory | Where-Object Name -like '5.*' |
        Sort-Object { [version]$_.Name } | Select-Object -Last 1 |
        ForEach-Object { Join-Path $_.FullName 'tools/Pester.psd1' }
    if (-not $manifest -or -not (Test-Path $manifest)) { throw "Pester 5 was not found under $packages after restore." }
    $manifest
}

function Invoke-XunitTests {
    $results = Join-Path $out 'test-results'
    $trx = Join-Path $results 'xunit.trx'
    if (Test-Path $trx) { Remove-Item $trx }
    dotnet test (Join-Path $root 'tests/RolloutTools.Core.Tests') -c $Configuration --nologo `
        --logger 'trx;LogFileName=xunit.trx' --logger 'console;verbosity=minimal' --results-directory $results | Out-Host
    if (-not (Test-Path $trx)) { return [pscustomobject]@{ Passed = 0; Failed = 1 } }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout }
}

function Invoke-PesterTests {
    $summary = Join-Path $out 'test-results/pester.json'
    if (Test-Path $summary) { Remove-Item $summary }
    $env:ROLLOUTTOOLS_MODULE = Join-Path $moduleDir 'RolloutTools.psd1'
    $env:ROLLOUTTOOLS_PESTER = Get-PesterManifest
    $env:ROLLOUTTOOLS_PESTER_SUMMARY = $summary
    $env:ROLLOUTTOOLS_PESTER_TESTS = Join-Path $root 'tests/pester'
    # A child process, so the module's DLL is never loaded into (and locked by) the building session.
    dotnet pwsh -NoProfile -NonInteractive -Command {
        Import-Module $env:ROLLOUTTOOLS_PESTER -Force
        $config = New-PesterConfiguration
        $config.Run.Path = $env:ROLLOUTTOOLS_PESTER_TESTS
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'Normal'
        $run = Invoke-Pester -Configuration $config
        @{ Passed = $run.PassedCount; Failed = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount } |
            ConvertTo-Json | Set-Content $env:ROLLOUTTOOLS_PESTER_SUMMARY
    } | Out-Host
    if (-not (Test-Path $summary)) { return [pscustomobject]@{ Passed = 0; Failed = 1 } }
    Get-Content $summary -Raw | ConvertFrom-Json
}

switch ($Task) {
    'build' { Invoke-ModuleBuild }
    'test' {
        Invoke-ModuleBuild
        $xunit = Invoke-XunitTests
        $pester = Invoke-PesterTests
        Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed"
        Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed"
        $failed = $xunit.Failed + $pester.Failed
        Write-Host "$($xunit.Passed + $pester.Passed) passed, $failed failed"
        if ($failed -gt 0) { exit 1 }
    }
    'demo' {
        Invoke-ModuleBuild
        $env:ROLLOUTTOOLS_MODULE = Join-Path $moduleDir 'RolloutTools.psd1'
        $env:CLAUDE_CONFIG_DIR = Join-Path $root 'samples/claude-code'
        $env:CODEX_HOME = Join-Path $root 'samples/codex'
        $env:HERMES_HOME = Join-Path $root 'samples/hermes'
        $env:PI_CODING_AGENT_DIR = Join-Path $root 'samples/pi/agent'
        dotnet pwsh -NoProfile -NonInteractive -Command {
            Import-Module $env:ROLLOUTTOOLS_MODULE
            Write-Host "`nGet-RolloutFormat" -ForegroundColor Cyan
            Get-RolloutFormat | Format-Table | Out-Host
            Write-Host "Get-AgentRollout   (CLAUDE_CONFIG_DIR, CODEX_HOME, PI_CODING_AGENT_DIR and HERMES_HOME point at samples/)" -ForegroundColor Cyan
            $records = Get-AgentRollout
            $records | Format-Table | Out-Host
            Write-Host 'Get-AgentRollout | Group-Object Format, IsSidechain | Select-Object Count, Name' -ForegroundColor Cyan
            $records | Group-Object Format, IsSidechain | Select-Object Count, Name | Format-Table | Out-Host
            Write-Host 'Tokens by format: Group-Object Format | ForEach-Object { ... Measure-Object -Sum }' -ForegroundColor Cyan
            $records | Group-Object Format | ForEach-Object {
                [pscustomobject]@{
                    Format    = $_.Name
                    Sessions  = $_.Count
                    Input     = [long]($_.Group | Measure-Object InputTokens -Sum).Sum
                    Output    = [long]($_.Group | Measure-Object OutputTokens -Sum).Sum
                    CacheRead = [long]($_.Group | Measure-Object CacheReadTokens -Sum).Sum
                }
            } | Format-Table | Out-Host
            Write-Host 'The conversation of the longest session:' -ForegroundColor Cyan
            ($records | Sort-Object MessageCount -Bottom 1).Messages | Format-Table | Out-Host
        }
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    }
    'package' {
        Invoke-ModuleBuild
        $packages = Join-Path $out 'packages'
        New-Item -ItemType Directory -Force $packages | Out-Null
        Compress-PSResource -Path $moduleDir -DestinationPath $packages
        Get-ChildItem $packages -Filter "RolloutTools.$version.nupkg"
    }
    'bench' {
        Invoke-ModuleBuild
        $options = @{ Quick = $Quick }
        if ($BenchSizeMB) { $options.SizeMB = [int[]]($BenchSizeMB -split ',') }
        if ($BenchRepeat) { $options.Repeat = $BenchRepeat }
        & (Join-Path $root 'bench/Invoke-Benchmark.ps1') -ModulePath (Join-Path $moduleDir 'RolloutTools.psd1') @options
    }
    'help-syntax' {
        Invoke-ModuleBuild
        & (Join-Path $root 'tools/Update-HelpSyntax.ps1') -ModulePath (Join-Path $moduleDir 'RolloutTools.psd1') -HelpPath (Join-Path $root 'src/RolloutTools/en-US/RolloutTools.dll-Help.xml')
    }
    'screenshots' {
        Invoke-ModuleBuild
        & (Join-Path $root 'tools/Update-Screenshots.ps1') -ModulePath (Join-Path $moduleDir 'RolloutTools.psd1')
    }
    'redaction-fp' {
        if (-not $CorpusPath) { throw 'redaction-fp needs -CorpusPath <folder of source code>.' }
        Invoke-ModuleBuild
        & (Join-Path $root 'bench/Measure-RedactionFalsePositive.ps1') -ModulePath (Join-Path $moduleDir 'RolloutTools.psd1') -CorpusPath $CorpusPath
    }
    'clean' {
        foreach ($path in @($out) + (Get-ChildItem (Join-Path $root 'src'), (Join-Path $root 'tests') -Directory -Recurse -Include bin, obj).FullName) {
            if (Test-Path $path) { Remove-Item $path -Recurse -Force }
        }
    }
}
