<#
.SYNOPSIS
    One fresh process: imports the module, reads a corpus twice, prints per call what the load average moves least.
.DESCRIPTION
    For comparing two builds of the module on a busy machine, where wall seconds vary more between identical runs
    than a lever changes them. Per call (cold, then warm) it prints wall seconds, the process's CPU seconds, the JIT's
    time and methods compiled (System.Runtime.JitInfo) and the bytes allocated (GC.GetTotalAllocatedBytes, exact).
    Run builds interleaved (base, lever, base, lever, ...) and compare medians.
.EXAMPLE
    foreach ($i in 1..4) { foreach ($m in 'base', 'lever') { dotnet pwsh -NoProfile -File bench/Measure-CallCost.ps1 -ModulePath "/tmp/$m/0.1.0/RolloutTools.psd1" -Corpus out/bench-corpus/50mb-seed1 } }
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Corpus
)
$ErrorActionPreference = 'Stop'
$process = [System.Diagnostics.Process]::GetCurrentProcess()
Import-Module $ModulePath
$calls = foreach ($call in 'cold', 'warm') {
    $process.Refresh()
    $cpu = $process.TotalProcessorTime
    $jit = [System.Runtime.JitInfo]::GetCompilationTime()
    $methods = [System.Runtime.JitInfo]::GetCompiledMethodCount()
    $allocated = [GC]::GetTotalAllocatedBytes($true)
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    Get-AgentRollout -Path $Corpus -Recurse | Out-Null
    $watch.Stop()
    $process.Refresh()
    '{0}: wall {1:N2} s, CPU {2:N2} s, JIT {3:N2} s / {4} methods, {5:N1} MB allocated' -f $call, $watch.Elapsed.TotalSeconds,
        ($process.TotalProcessorTime - $cpu).TotalSeconds, ([System.Runtime.JitInfo]::GetCompilationTime() - $jit).TotalSeconds,
        ([System.Runtime.JitInfo]::GetCompiledMethodCount() - $methods), (([GC]::GetTotalAllocatedBytes($true) - $allocated) / 1MB)
}
"$ModulePath  $($calls -join '  ')  load $(if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0] })"
