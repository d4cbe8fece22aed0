<#
.SYNOPSIS
    One fresh process: imports the module, reads a corpus several times, prints per call what the load average moves least.
.DESCRIPTION
    For comparing two builds of the module on a busy machine, where wall seconds vary more between identical runs
    than a lever changes them, and for seeing how many calls the runtime's tiered compilation takes to reach its
    fastest code. Per call (the first is the cold one) it prints wall seconds, the process's CPU seconds, the JIT's
    time and methods compiled (System.Runtime.JitInfo) and the bytes allocated (GC.GetTotalAllocatedBytes, exact).
    Run builds interleaved (base, lever, base, lever, ...) and compare medians; set DOTNET_TieredPGO=0 before the
    process starts to see the runtime without dynamic PGO.
.EXAMPLE
    foreach ($i in 1..4) { foreach ($m in 'base', 'lever') { dotnet pwsh -NoProfile -File bench/Measure-CallCost.ps1 -ModulePath "/tmp/$m/0.1.0/RolloutTools.psd1" -Corpus out/bench-corpus/50mb-seed1 } }
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/Measure-CallCost.ps1 -ModulePath out/RolloutTools/0.1.0/RolloutTools.psd1 -Corpus out/bench-corpus/250mb-seed1 -Command Measure -Calls 8
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Corpus,
    # Get: Get-AgentRollout -Recurse | Out-Null. Measure: Measure-AgentRollout -Recurse -GroupBy Session (usage lines only).
    [ValidateSet('Get', 'Measure')] [string] $Command = 'Get',
    [ValidateRange(1, 50)] [int] $Calls = 2
)
$ErrorActionPreference = 'Stop'
$process = [System.Diagnostics.Process]::GetCurrentProcess()
Import-Module (Resolve-Path $ModulePath)
$corpusPath = (Resolve-Path $Corpus).Path
$lines = foreach ($call in 1..$Calls) {
    $process.Refresh()
    $cpu = $process.TotalProcessorTime
    $jit = [System.Runtime.JitInfo]::GetCompilationTime()
    $methods = [System.Runtime.JitInfo]::GetCompiledMethodCount()
    $allocated = [GC]::GetTotalAllocatedBytes($true)
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    if ($Command -eq 'Get') { Get-AgentRollout -Path $corpusPath -Recurse | Out-Null }
    else { Measure-AgentRollout -Path $corpusPath -Recurse -GroupBy Session | Out-Null }
    $watch.Stop()
    $process.Refresh()
    '{0}: wall {1:N2} s, CPU {2:N2} s, JIT {3:N2} s / {4} methods, {5:N1} MB allocated' -f $call, $watch.Elapsed.TotalSeconds,
        ($process.TotalProcessorTime - $cpu).TotalSeconds, ([System.Runtime.JitInfo]::GetCompilationTime() - $jit).TotalSeconds,
        ([System.Runtime.JitInfo]::GetCompiledMethodCount() - $methods), (([GC]::GetTotalAllocatedBytes($true) - $allocated) / 1MB)
}
"$ModulePath $Command$(if ($env:DOTNET_TieredPGO) { " DOTNET_TieredPGO=$env:DOTNET_TieredPGO" })  load $(if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0] })"
$lines
