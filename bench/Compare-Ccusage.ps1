<#
.SYNOPSIS
Compares Measure-AgentRollout's tokens and costs with ccusage's session and daily reports on the same data.
.DESCRIPTION
Runs ccusage's session and daily reports (`ccusage session|daily` for Claude Code, `ccusage codex session|daily` for
Codex, --offline --json, days in UTC) pointed at the given folders through CLAUDE_CONFIG_DIR and CODEX_HOME, and
Measure-AgentRollout -GroupBy Format,Session and -GroupBy Format,Day -TimeZone UTC reading the same folders itself
(only the lines with usage, as by default).

ccusage keys a session report row by file, where this module keys a session by the session the agent wrote
(RootSessionId), so its rows are mapped to ours through the file they name before comparing (bench/CCUSAGE.md says
why each mapping is one of definition and not of counting):
- Claude Code: a row is a session directory or a file's name (a legacy flat agent-*.jsonl gets its own row); it maps
  to the root session of the record read from that file.
- Codex: a row is a file; a subagent's file maps to its root session; the same file name in sessions/ and
  archived_sessions/ is one conversation copied, which ccusage's session report counts in full twice (its daily
  report counts it once), so of such copies the fuller one is compared.
Token totals must agree exactly; costs within 1% where both price the models. Not part of the test suite: it needs
Node and ccusage (npm install --prefix /tmp/ccusage-measure ccusage@20.0.24). Writes the compared rows to the
pipeline (-Detail shows them as tables) and a summary line per table.
.EXAMPLE
dotnet pwsh -NoProfile -File bench/Compare-Ccusage.ps1 -Detail
.EXAMPLE
dotnet pwsh -NoProfile -File bench/Compare-Ccusage.ps1 -ClaudeHome /tmp/corpus/claude -CodexHome /tmp/corpus/codex
#>
param(
    [string] $Ccusage = '/tmp/ccusage-measure/node_modules/ccusage/src/cli.js',
    [string] $ClaudeHome = (Join-Path $PSScriptRoot '../samples/claude-code'),
    [string] $CodexHome = (Join-Path $PSScriptRoot '../samples/codex'),
    [switch] $Detail,
    [switch] $PassThru
)
$ErrorActionPreference = 'Stop'
Import-Module (Get-ChildItem (Join-Path $PSScriptRoot '../out/RolloutTools') -Filter RolloutTools.psd1 -Recurse | Select-Object -First 1).FullName -Force
$empty = Join-Path ([IO.Path]::GetTempPath()) 'compare-ccusage-empty'
New-Item -ItemType Directory -Force $empty | Out-Null
$ClaudeHome = Convert-Path $ClaudeHome
$CodexHome = Convert-Path $CodexHome

function Invoke-Ccusage([string[]] $Arguments, [string] $Claude, [string] $Codex) {
    $env:CLAUDE_CONFIG_DIR = $Claude; $env:CODEX_HOME = $Codex
    (node $Ccusage @Arguments --offline --json --timezone UTC) -join "`n" | ConvertFrom-Json
}

function Get-Stem([string] $Path) { [IO.Path]::GetFileNameWithoutExtension(($Path -split '[\\/]')[-1]) }

# Ours, read once: the records name the file each session came from, which maps ccusage's rows to our sessions.
$records = @(
    $claudeProjects = Join-Path $ClaudeHome 'projects'
    if (Test-Path $claudeProjects) { Get-AgentRollout -LiteralPath $claudeProjects -Recurse -Format ClaudeCode -IncludeAbandoned -WarningAction SilentlyContinue }
    $codexDirs = @('sessions', 'archived_sessions' | ForEach-Object { Join-Path $CodexHome $_ } | Where-Object { Test-Path $_ })
    if ($codexDirs) { Get-AgentRollout -LiteralPath $codexDirs -Recurse -Format Codex -IncludeAbandoned -WarningAction SilentlyContinue }
)
$rootOf = @{}
foreach ($record in $records) {
    $rootOf["$($record.Format)/$(Get-Stem $record.SourcePath)"] = $record.RootSessionId
    # A subagent file under <session>/subagents/ is reported by ccusage under the <session> directory's name.
    $parts = $record.SourcePath -split '[\\/]'
    if ($parts.Length -ge 3 -and $parts[-2] -eq 'subagents') { $rootOf["$($record.Format)/$($parts[-3])"] = $record.RootSessionId }
}

$theirFiles = @(
    (Invoke-Ccusage 'session' $ClaudeHome $empty).session | ForEach-Object {
        [pscustomobject]@{ Format = 'ClaudeCode'; File = $_.period; Tokens = [long]$_.totalTokens; Cost = [decimal]$_.totalCost } }
    (Invoke-Ccusage 'codex', 'session' $empty $CodexHome).sessions | ForEach-Object {
        [pscustomobject]@{ Format = 'Codex'; File = Get-Stem $_.sessionId; Tokens = [long]$_.totalTokens; Cost = [decimal]$_.costUSD } }
) | ForEach-Object {
    $_ | Add-Member -PassThru Session ($rootOf["$($_.Format)/$($_.File)"] ?? $_.File)
}
# Copies of one file (archived and active): the fuller one; then every file of a session added up.
$theirs = $theirFiles | Group-Object Format, Session, File | ForEach-Object { $_.Group | Sort-Object Tokens -Descending | Select-Object -First 1 } |
    Group-Object Format, Session | ForEach-Object {
        [pscustomobject]@{
            Format = $_.Group[0].Format; Session = $_.Group[0].Session; Files = $_.Count
            Tokens = [long]($_.Group | Measure-Object Tokens -Sum).Sum; Cost = [decimal]($_.Group | Measure-Object Cost -Sum).Sum
        }
    }
$theirDays = @(
    (Invoke-Ccusage 'daily' $ClaudeHome $empty).daily | ForEach-Object {
        [pscustomobject]@{ Format = 'ClaudeCode'; Day = $_.period; Tokens = [long]$_.totalTokens; Cost = [decimal]$_.totalCost } }
    (Invoke-Ccusage 'codex', 'daily' $empty $CodexHome).daily | ForEach-Object {
        [pscustomobject]@{ Format = 'Codex'; Day = $_.date; Tokens = [long]$_.totalTokens; Cost = [decimal]$_.costUSD } }
)

function Compare-Row([string] $Format, [string] $Key, $Mine, $Other) {
    $cost = $Mine.CostUsd
    [pscustomobject]@{
        Format = $Format; Key = $Key
        Tokens = [long]$Mine.TotalTokens; CcusageTokens = $Other.Tokens; TokensEqual = $null -ne $Other -and [long]$Mine.TotalTokens -eq $Other.Tokens
        CostUsd = if ($null -ne $cost) { [math]::Round($cost, 6) }; CcusageCost = if ($Other) { [math]::Round($Other.Cost, 6) }
        CostDiffPct = if ($null -ne $cost -and $Other.Cost) { [math]::Round(100 * ($cost - $Other.Cost) / $Other.Cost, 3) }
    }
}

function Write-Comparison([string] $Name, [object[]] $Rows, [object[]] $Unmatched) {
    if ($Detail) { $Rows | Format-Table Format, Key, Tokens, CcusageTokens, TokensEqual, CostUsd, CcusageCost, CostDiffPct -AutoSize | Out-Host }
    foreach ($format in 'ClaudeCode', 'Codex') {
        $of = @($Rows | Where-Object Format -eq $format)
        $priced = @($of | Where-Object { $null -ne $_.CostDiffPct })
        $largest = ($priced | ForEach-Object { [math]::Abs($_.CostDiffPct) } | Measure-Object -Maximum).Maximum
        Write-Host ("{0} {1}: {2} rows; tokens equal in {3}; cost within 1% in {4} of {5} both price (largest difference {6:0.###}%); ccusage rows without one of ours: {7}" -f $format, $Name,
            $of.Count, @($of | Where-Object TokensEqual).Count, @($priced | Where-Object { [math]::Abs($_.CostDiffPct) -le 1 }).Count, $priced.Count,
            [double]$largest, @($Unmatched | Where-Object Format -eq $format).Count)
    }
}

# Our rows come from Measure-AgentRollout reading the folders itself, as people run it: only the lines with usage.
function Measure-Ours([string[]] $GroupBy) {
    $claudeRows = if (Test-Path $claudeProjects) { Measure-AgentRollout -LiteralPath $claudeProjects -Recurse -Format ClaudeCode -GroupBy $GroupBy -TimeZone UTC -WarningAction SilentlyContinue }
    $codexRows = if ($codexDirs) { Measure-AgentRollout -LiteralPath $codexDirs -Recurse -Format Codex -GroupBy $GroupBy -TimeZone UTC -WarningAction SilentlyContinue }
    @($claudeRows) + @($codexRows) | Where-Object { $_ -and $_.TotalTokens -gt 0 }
}

$ours = @(Measure-Ours Format, Session)
$sessionRows = foreach ($mine in $ours) {
    Compare-Row "$($mine.Format)" $mine.Session $mine ($theirs | Where-Object { $_.Format -eq "$($mine.Format)" -and $_.Session -eq $mine.Session })
}
Write-Host ("ccusage session rows: {0} Claude Code, {1} Codex, mapped to {2} and {3} sessions of ours" -f @($theirFiles | Where-Object Format -eq ClaudeCode).Count,
    @($theirFiles | Where-Object Format -eq Codex).Count, @($theirs | Where-Object Format -eq ClaudeCode).Count, @($theirs | Where-Object Format -eq Codex).Count)
Write-Comparison 'sessions' $sessionRows @($theirs | Where-Object { $t = $_; -not ($ours | Where-Object { "$($_.Format)" -eq $t.Format -and $_.Session -eq $t.Session }) })

$ourDays = @(Measure-Ours Format, Day)
$dayRows = foreach ($mine in $ourDays) {
    $day = $mine.Day.ToString('yyyy-MM-dd', [cultureinfo]::InvariantCulture)
    Compare-Row "$($mine.Format)" $day $mine ($theirDays | Where-Object { $_.Format -eq "$($mine.Format)" -and $_.Day -eq $day })
}
Write-Comparison 'days (UTC)' $dayRows @($theirDays | Where-Object { $t = $_; -not ($dayRows | Where-Object { $_.Format -eq $t.Format -and $_.Key -eq $t.Day }) })

if ($PassThru) {
    $sessionRows | Add-Member -PassThru Report Session
    $dayRows | Add-Member -PassThru Report Day
}
