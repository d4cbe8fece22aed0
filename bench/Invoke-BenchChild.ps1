<#
.SYNOPSIS
    One fresh process of the benchmark: imports the module, runs one operation over the corpus, prints timings as JSON.
.DESCRIPTION
    Started by Invoke-Benchmark.ps1, never by hand. Times are seconds measured inside this process; ProcessSeconds is
    from the process's start to the end of the first call (start-up, import and that call: what a script run from a
    scheduled task pays).
    Get: Get-AgentRollout twice (cold, then warm). Measure: Measure-AgentRollout -GroupBy Session twice, or Skipped
    when the module has no such cmdlet. Export: Get-AgentRollout | Export-AgentRollout -As OpenAIChat once.
    Verify: no timing; per format the records, messages, tool calls and output tokens read, and the errors.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Corpus,
    [Parameter(Mandatory)] [ValidateSet('Get', 'Measure', 'Export', 'Verify')] [string] $Mode,
    [string] $ExportPath
)
$ErrorActionPreference = 'Stop'
$process = [System.Diagnostics.Process]::GetCurrentProcess()
$watch = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module $ModulePath
$result = [ordered]@{ Import = $watch.Elapsed.TotalSeconds; Calls = @(); ProcessSeconds = $null }

# A call's time, and when its first object arrived. ForEach-Object stands in for Out-Null to see that moment; on a
# corpus of thousands of records its own cost is a few milliseconds.
function Measure-Call([scriptblock] $Call) {
    $first = $null
    $timer = [System.Diagnostics.Stopwatch]::StartNew()
    & $Call | ForEach-Object { if ($null -eq $first) { $first = $timer.Elapsed.TotalSeconds } }
    $seconds = $timer.Elapsed.TotalSeconds
    if ($null -eq $result.ProcessSeconds) { $result.ProcessSeconds = ([datetime]::Now - $process.StartTime).TotalSeconds }
    [ordered]@{ Seconds = $seconds; FirstRecord = $first }
}

switch ($Mode) {
    'Get' {
        foreach ($i in 1..2) { $result.Calls += Measure-Call { Get-AgentRollout -Path $Corpus -Recurse } }
    }
    'Measure' {
        $command = Get-Command Measure-AgentRollout -Module RolloutTools -ErrorAction SilentlyContinue
        if (-not $command) { $result.Skipped = 'the built module has no Measure-AgentRollout'; break }
        # Measure-AgentRollout reads paths itself when it can (reading only usage); otherwise it takes records.
        $call = if ($command.Parameters.ContainsKey('Path')) {
            $recurse = @{}
            if ($command.Parameters.ContainsKey('Recurse')) { $recurse.Recurse = $true }
            { Measure-AgentRollout -Path $Corpus @recurse -GroupBy Session }
        } else {
            { Get-AgentRollout -Path $Corpus -Recurse | Measure-AgentRollout -GroupBy Session }
        }
        foreach ($i in 1..2) { $result.Calls += Measure-Call $call }
    }
    'Export' {
        $result.Calls += Measure-Call { Get-AgentRollout -Path $Corpus -Recurse | Export-AgentRollout -LiteralPath $ExportPath -As OpenAIChat -Force -WarningAction SilentlyContinue }
        Remove-Item -LiteralPath $ExportPath
    }
    'Verify' {
        $records = Get-AgentRollout -Path $Corpus -Recurse -ErrorVariable failures -ErrorAction SilentlyContinue
        $result.Errors = @($failures | ForEach-Object { "$_" })
        $result.Formats = @($records | Group-Object { [string]$_.Format } | ForEach-Object {
            [ordered]@{
                Format       = $_.Name
                Records      = $_.Count
                Messages     = [long]($_.Group | Measure-Object MessageCount -Sum).Sum
                ToolCalls    = [long]($_.Group | Measure-Object ToolCallCount -Sum).Sum
                OutputTokens = [long]($_.Group | Measure-Object OutputTokens -Sum).Sum
            }
        })
    }
}
$result | ConvertTo-Json -Depth 4 -Compress
