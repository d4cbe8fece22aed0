<#
.SYNOPSIS
Compares Measure-AgentRollout's per-session tokens and costs with ccusage's session report on the same data.
.DESCRIPTION
Runs `ccusage session --offline --json` (Claude Code) and `ccusage codex session --offline --json` over the given
folders, pointed at them through CLAUDE_CONFIG_DIR and CODEX_HOME, and Measure-AgentRollout -GroupBy Session over the
same folders. Token totals must agree exactly; costs within 1% where both price the models. Not part of the test
suite: it needs Node and ccusage (npm install --prefix /tmp/ccusage-measure ccusage@20.0.24).
#>
param(
    [string] $Ccusage = '/tmp/ccusage-measure/node_modules/ccusage/src/cli.js',
    [string] $ClaudeHome = (Join-Path $PSScriptRoot '../samples/claude-code'),
    [string] $CodexHome = (Join-Path $PSScriptRoot '../samples/codex')
)
$ErrorActionPreference = 'Stop'
Import-Module (Get-ChildItem (Join-Path $PSScriptRoot '../out/RolloutTools') -Filter RolloutTools.psd1 -Recurse | Select-Object -First 1).FullName -Force
$empty = Join-Path ([IO.Path]::GetTempPath()) 'compare-ccusage-empty'
New-Item -ItemType Directory -Force $empty | Out-Null

function Invoke-Ccusage([string[]] $Arguments, [string] $Claude, [string] $Codex) {
    $env:CLAUDE_CONFIG_DIR = $Claude; $env:CODEX_HOME = $Codex
    (node $Ccusage @Arguments --offline --json) -join "`n" | ConvertFrom-Json
}

$theirs = @(
    (Invoke-Ccusage 'session' (Convert-Path $ClaudeHome) $empty).session | ForEach-Object {
        [pscustomobject]@{ Format = 'ClaudeCode'; Session = $_.period; Tokens = [long]$_.totalTokens; Cost = [decimal]$_.totalCost } }
    (Invoke-Ccusage 'codex', 'session' $empty (Convert-Path $CodexHome)).sessions | ForEach-Object {
        [pscustomobject]@{ Format = 'Codex'; Session = ($_.sessionId -split '[\\/]')[-1] -replace '^rollout-[0-9T:-]+-', ''; Tokens = [long]$_.totalTokens; Cost = [decimal]$_.costUSD } }
)
$ours = @(
    Measure-AgentRollout -LiteralPath (Join-Path $ClaudeHome 'projects') -Recurse -GroupBy Format, Session -WarningAction SilentlyContinue
    Measure-AgentRollout -LiteralPath (Join-Path $CodexHome 'sessions'), (Join-Path $CodexHome 'archived_sessions') -Recurse -GroupBy Format, Session -WarningAction SilentlyContinue
) | Where-Object TotalTokens -gt 0

$rows = foreach ($mine in $ours) {
    $other = $theirs | Where-Object { $_.Format -eq "$($mine.Format)" -and $mine.Session -like "*$($_.Session)*" } | Select-Object -First 1
    [pscustomobject]@{
        Format = $mine.Format; Session = $mine.Session.Substring(0, 8)
        Tokens = $mine.TotalTokens; CcusageTokens = $other.Tokens; TokensEqual = $mine.TotalTokens -eq $other.Tokens
        CostUsd = [math]::Round($mine.CostUsd, 6); CcusageCost = [math]::Round($other.Cost, 6)
        CostDiffPct = if ($other.Cost) { [math]::Round(100 * ($mine.CostUsd - $other.Cost) / $other.Cost, 3) }
    }
}
$rows | Format-Table -AutoSize
$unmatched = @($theirs | Where-Object { $t = $_; -not ($ours | Where-Object { "$($_.Format)" -eq $t.Format -and $_.Session -like "*$($t.Session)*" }) })
"{0} sessions: tokens equal in {1}; costs within 1% in {2}; ccusage sessions with no row of ours: {3}" -f $rows.Count,
    @($rows | Where-Object TokensEqual).Count, @($rows | Where-Object { $null -ne $_.CostDiffPct -and [math]::Abs($_.CostDiffPct) -le 1 }).Count, $unmatched.Count
