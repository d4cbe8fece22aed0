<#
.SYNOPSIS
    Times the module against the parse-only floor and ccusage over generated corpora of every format it reads.
.DESCRIPTION
    For each size: generates (once; the generator is deterministic, so a corpus already there is reused) a corpus of
    Claude Code, Codex, Pi, ATIF and Hermes traces under out/bench-corpus/<size>mb-seed<seed>, checks that the module
    reads it with no error and finds the records, messages, tool calls and output tokens the generator wrote, then
    runs each operation -Repeat times, every run in a fresh process, and reports the median of each figure:

      parse-only floor   every line tokenized with Utf8JsonReader on all cores, nothing built (RolloutTools.Bench),
                         timed on its second pass over the corpus, with dynamic PGO off, once the parser's code is
                         fully optimized
      ccusage            `ccusage session --json --offline` with CLAUDE_CONFIG_DIR, CODEX_HOME, PI_AGENT_DIR and
                         HERMES_HOME pointed at the corpus, when installed (see -CcusagePath); skipped otherwise
      Import-Module      the module alone
      Get-AgentRollout   the first call in a fresh pwsh (cold), then the same call again (warm): by the native
                         reader where the module ships one for this platform, and again in process
                         (ROLLOUTTOOLS_NATIVE=0)
      Measure-AgentRollout -GroupBy Session, cold and warm, when the built module has it: by the native reader, again
                         over the Claude Code tree only (what ccusage reads; its MB/s and ratios are left out, since
                         the corpus's size is not its input), and again in process
      Export-AgentRollout -As OpenAIChat, fed by Get-AgentRollout, in a fresh pwsh
      usage-only floor   only the lines holding "usage" or "token_count" tokenized: what a usage report must read
      values floor       every line parsed into a JsonDocument and every string value in it made a .NET string: what
                         making the values costs over finding them, for a reader that keeps them as strings (the
                         records keep most of a trace's bytes: tool output, the model's text, the person's words)
      DOTNET_TieredPGO=0 the first Get-AgentRollout and Measure-AgentRollout in process again, in a process
                         started without dynamic PGO, which a script or scheduled task can choose (the module cannot,
                         once pwsh runs)

    "seconds" is the work itself: the call inside pwsh, the second pass of tokenizing inside the floor's process
    (its "process" holds both passes), the whole process for ccusage (a native program whose start-up is a few milliseconds). "process" is from a fresh
    process's start to the end of its first call. MB/s and the ratios use "seconds". Peak working set is the
    process's and its largest child's (the native reader) added up, polled while it runs; "first record" is
    when the call's first object reached the pipeline.

    Prints a markdown table per size and, unless -Quick or -NoAppend, appends it with the commit and the machine to
    bench/RESULTS.md. Run through: dotnet pwsh ./build.ps1 bench
.EXAMPLE
    dotnet pwsh ./build.ps1 bench -Quick
.EXAMPLE
    npm install --prefix out/ccusage ccusage@20.0.24; dotnet pwsh ./build.ps1 bench
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # Corpus sizes in megabytes; each gets its own table. Bounded: "250,1024" passed through pwsh -File arrives as
    # the one number 2501024, which would otherwise start writing a corpus of terabytes.
    [ValidateRange(1, 65536)] [int[]] $SizeMB = @(250, 1024),
    # Runs per operation; the table shows the median.
    [int] $Repeat = 3,
    [int] $Seed = 1,
    # A 20 MB corpus and one run, nothing appended to RESULTS.md: for trying the bench itself.
    [switch] $Quick,
    [switch] $NoAppend,
    # ccusage's launcher. Install it with: npm install --prefix out/ccusage ccusage@20.0.24
    # (20.0.24, not the newest: it is the last version whose native binary for linux-x64 the registry serves here.)
    [string] $CcusagePath = (Join-Path $PSScriptRoot '../out/ccusage/node_modules/.bin/ccusage')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if ($Quick) { $SizeMB = @(20); $Repeat = 1; $NoAppend = $true }

$root = Resolve-Path (Join-Path $PSScriptRoot '..')
$out = Join-Path $root 'out'
$tool = Join-Path $out 'bench-tool'
dotnet build (Join-Path $PSScriptRoot 'RolloutTools.Bench') -c Release -o $tool --nologo -v quiet | Out-Host
if ($LASTEXITCODE -ne 0) { throw "Building the bench tool failed with exit code $LASTEXITCODE." }
$benchDll = Join-Path $tool 'RolloutTools.Bench.dll'
$child = Join-Path $PSScriptRoot 'Invoke-BenchChild.ps1'
# The children run on the runtime and pwsh that run this script, so the numbers are of one installation.
$dotnet = [Environment]::ProcessPath
$pwshArgs = @([System.Reflection.Assembly]::GetEntryAssembly().Location, '-NoProfile', '-NonInteractive', '-File', $child)
if (-not (Test-Path $CcusagePath)) {
    $onPath = Get-Command ccusage -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $CcusagePath = if ($onPath) { $onPath.Source } else { $null }
}

function Invoke-Timed {
    <# Runs a process to its end; returns its wall seconds, peak working set (MB, polled) and standard output. #>
    param([string] $File, [string[]] $Arguments, [hashtable] $Environment = @{})
    $info = [System.Diagnostics.ProcessStartInfo]::new($File)
    foreach ($a in $Arguments) { $info.ArgumentList.Add($a) }
    foreach ($k in $Environment.Keys) { $info.Environment[$k] = $Environment[$k] }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($info)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $peak = 0L
    # The native reader runs as a child of pwsh: its peak adds to pwsh's (Linux, where /proc lists children).
    $childPeaks = @{}
    $children = "/proc/$($process.Id)/task/$($process.Id)/children"
    while (-not $process.WaitForExit(20)) {
        try { $process.Refresh(); $peak = [math]::Max($peak, $process.PeakWorkingSet64) } catch [System.InvalidOperationException] { }
        foreach ($id in (Get-Content -LiteralPath $children -ErrorAction Ignore) -split ' ' | Where-Object { $_ }) {
            $hwm = Select-String -LiteralPath "/proc/$id/status" -Pattern '^VmHWM:\s+(\d+) kB' -ErrorAction Ignore | Select-Object -First 1
            if ($hwm) { $childPeaks[$id] = [math]::Max([long]$childPeaks[$id], [long]$hwm.Matches[0].Groups[1].Value * 1KB) }
        }
    }
    $process.WaitForExit()
    $wall = $watch.Elapsed.TotalSeconds
    if ($process.ExitCode -ne 0) { throw "$File $($Arguments -join ' ') exited with $($process.ExitCode): $($stderr.Result)" }
    $childPeak = ($childPeaks.Values | Measure-Object -Maximum).Maximum
    [pscustomobject]@{ Wall = $wall; PeakMB = [math]::Round(($peak + $childPeak) / 1MB); Output = $stdout.Result }
}

function Invoke-Child([string] $Corpus, [string] $Mode, [hashtable] $Environment = @{}) {
    $arguments = $pwshArgs + @('-ModulePath', $ModulePath, '-Corpus', $Corpus, '-Mode', $Mode, '-ExportPath', (Join-Path $out "bench-export-$PID.jsonl"))
    $run = Invoke-Timed $dotnet $arguments $Environment
    $json = ($run.Output -split "`n" | Where-Object { $_.Trim().StartsWith('{') } | Select-Object -Last 1) | ConvertFrom-Json
    $json | Add-Member PeakMB $run.PeakMB -PassThru | Add-Member Wall $run.Wall -PassThru
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Where-Object { $null -ne $_ } | Sort-Object)
    if ($sorted.Count -eq 0) { return $null }
    $mid = [math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$mid] } else { ($sorted[$mid - 1] + $sorted[$mid]) / 2 }
}

function Test-Corpus([string] $Corpus) {
    <# The module must read the corpus with no error and find what the generator wrote; prints both side by side. #>
    $expected = (Get-Content -Raw (Join-Path $Corpus 'manifest.json') | ConvertFrom-Json).Formats
    $read = Invoke-Child $Corpus 'Verify'
    $rows = foreach ($e in $expected) {
        $r = $read.Formats | Where-Object Format -eq $e.Format
        [pscustomobject]@{
            Format = $e.Format; Files = $e.Files; MB = [math]::Round($e.Bytes / 1MB, 1)
            Records = "$($e.Records) / $(if ($r) { $r.Records } else { 0 })"
            Messages = "$($e.Messages) / $(if ($r) { $r.Messages } else { 0 })"
            ToolCalls = "$($e.ToolCalls) / $(if ($r) { $r.ToolCalls } else { 0 })"
            OutputTokens = "$($e.OutputTokens) / $(if ($r) { $r.OutputTokens } else { 0 })"
            Equal = [bool]$r -and $r.Records -eq $e.Records -and $r.Messages -eq $e.Messages -and $r.ToolCalls -eq $e.ToolCalls -and $r.OutputTokens -eq $e.OutputTokens
        }
    }
    Write-Host "Written / read by the module (errors: $($read.Errors.Count)):"
    $rows | Format-Table | Out-String -Width 160 | Write-Host
    foreach ($message in $read.Errors | Select-Object -First 5) { Write-Warning $message }
    $ok = $read.Errors.Count -eq 0 -and -not ($rows | Where-Object { -not $_.Equal })
    if (-not $ok) { Write-Warning 'The module does not read the corpus as the generator wrote it; the timings below are of that reading.' }
    [pscustomobject]@{ Ok = $ok; Errors = $read.Errors.Count; Records = ($expected | Measure-Object Records -Sum).Sum; Lines = ($expected | Measure-Object Lines -Sum).Sum; Files = ($expected | Measure-Object Files -Sum).Sum }
}

$commit = (git -C $root rev-parse --short HEAD) + $(if (git -C $root status --porcelain -- src) { ' (src modified)' } else { '' })
$cpu = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':\s*', 2)[1] } else { $env:PROCESSOR_IDENTIFIER }
$machine = '{0} cores ({1}), {2}, {3}, pwsh {4}' -f [Environment]::ProcessorCount, $cpu, [System.Runtime.InteropServices.RuntimeInformation]::OSDescription,
    [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription, $PSVersionTable.PSVersion
# Other work on the machine slows the rows: the load average before and after each size is written beside them.
function Get-Load { if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0] } else { '?' } }
$report = [System.Text.StringBuilder]::new()
[void]$report.AppendLine("## $((Get-Date).ToString('yyyy-MM-dd')) · commit $commit · $machine").AppendLine()

foreach ($size in $SizeMB) {
    $corpus = Join-Path $out "bench-corpus/${size}mb-seed$Seed"
    if (-not (Test-Path (Join-Path $corpus 'manifest.json'))) {
        Write-Host "Generating $size MB under $corpus ..."
        dotnet $benchDll generate --out $corpus --size-mb $size --seed $Seed | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "Generating the corpus failed with exit code $LASTEXITCODE." }
    }
    $loadBefore = Get-Load
    $check = Test-Corpus $corpus
    $megabytes = (Get-ChildItem $corpus -Recurse -File | Where-Object Name -ne 'manifest.json' | Measure-Object Length -Sum).Sum / 1MB
    $ccusageEnv = @{
        HOME = (New-Item -ItemType Directory -Force (Join-Path $out 'bench-empty-home')).FullName
        CLAUDE_CONFIG_DIR = Join-Path $corpus 'claude'; CODEX_HOME = Join-Path $corpus 'codex'
        PI_AGENT_DIR = Join-Path $corpus 'pi/agent'; HERMES_HOME = Join-Path $corpus 'hermes'
    }
    # One untimed pass puts the corpus in the file cache: every row reads from memory.
    Invoke-Timed $dotnet @($benchDll, 'floor', $corpus) | Out-Null

    $runs = foreach ($i in 1..$Repeat) {
        Write-Host "Run $i of $Repeat at $size MB ..."
        $withoutPgo = @{ DOTNET_TieredPGO = '0' }
        # Without dynamic PGO: its instrumented code still ran in the floor's second pass one time in two (250 MB:
        # 0.28 to 0.76 s, against 0.26 to 0.30 s without it).
        $floor = Invoke-Timed $dotnet @($benchDll, 'floor', $corpus) $withoutPgo
        $usageFloor = Invoke-Timed $dotnet @($benchDll, 'usage-floor', $corpus) $withoutPgo
        $valuesFloor = Invoke-Timed $dotnet @($benchDll, 'values-floor', $corpus) $withoutPgo
        $inProcess = @{ ROLLOUTTOOLS_NATIVE = '0' }
        [pscustomobject]@{
            Floor   = [pscustomobject]@{ Seconds = ($floor.Output | ConvertFrom-Json).Seconds; Wall = $floor.Wall; PeakMB = $floor.PeakMB }
            UsageFloor = [pscustomobject]@{ Seconds = ($usageFloor.Output | ConvertFrom-Json).Seconds; Wall = $usageFloor.Wall; PeakMB = $usageFloor.PeakMB }
            ValuesFloor = [pscustomobject]@{ Seconds = ($valuesFloor.Output | ConvertFrom-Json).Seconds; Wall = $valuesFloor.Wall; PeakMB = $valuesFloor.PeakMB }
            Ccusage = if ($CcusagePath) { Invoke-Timed $CcusagePath @('session', '--json', '--offline') $ccusageEnv }
            Reading = Invoke-Child $corpus 'Get'
            Measure = Invoke-Child $corpus 'Measure'
            Export  = Invoke-Child $corpus 'Export'
            ReadingInProcess = Invoke-Child $corpus 'Get' $inProcess
            ReadingWithoutPgo = Invoke-Child $corpus 'Get' ($withoutPgo + $inProcess)
            MeasureClaude = Invoke-Child (Join-Path $corpus 'claude') 'Measure'
            MeasureInProcess = Invoke-Child $corpus 'Measure' $inProcess
            MeasureWithoutPgo = Invoke-Child $corpus 'Measure' ($withoutPgo + $inProcess)
        }
    }

    $floorSeconds = Get-Median $runs.Floor.Seconds
    $ccusageSeconds = if ($CcusagePath) { Get-Median $runs.Ccusage.Wall }
    function Row([string] $What, $Seconds, $Process, $Peak, $First, [switch] $NoRate) {
        $f = { param($v, $digits) if ($null -eq $v) { '–' } else { ([double]$v).ToString("N$digits", [cultureinfo]::InvariantCulture) } }
        '| {0} | {1} | {2} | {3} | {4} | {5} | {6} | {7} |' -f $What, (& $f $Seconds 2), (& $f $Process 2),
            $(if ($Seconds -and -not $NoRate) { & $f ($megabytes / $Seconds) 0 } else { '–' }),
            $(if ($Seconds -and $floorSeconds -and -not $NoRate) { & $f ($Seconds / $floorSeconds) 1 } else { '–' }),
            $(if ($Seconds -and $ccusageSeconds -and -not $NoRate) { & $f ($Seconds / $ccusageSeconds) 1 } else { '–' }),
            (& $f $Peak 0), (& $f $First 2)
    }
    $calls = { param($runs, $index, $field) Get-Median @($runs | ForEach-Object { $_.Calls[$index].$field }) }
    $table = [System.Collections.Generic.List[string]]::new()
    $table.Add("### $size MB requested: $('{0:N1}' -f $megabytes) MB, $($check.Files) files, $($check.Lines) lines, $($check.Records) records (median of $Repeat; load average $loadBefore before, $(Get-Load) after)")
    $table.Add('')
    $table.Add($(if ($check.Ok) { 'Read by the module with 0 errors; records, messages, tool calls and output tokens equal what the generator wrote, per format.' } else { "**Read with $($check.Errors) errors or counts that differ from the generator's: see the bench's output.**" }))
    $table.Add('')
    $table.Add('| operation | seconds | process s | MB/s | × floor | × ccusage | peak working set MB | first record s |')
    $table.Add('|---|---|---|---|---|---|---|---|')
    $table.Add((Row "parse-only floor (Utf8JsonReader, $([Environment]::ProcessorCount) cores)" $floorSeconds (Get-Median $runs.Floor.Wall) (Get-Median $runs.Floor.PeakMB) $null))
    $table.Add((Row 'usage-only floor (lines holding "usage" or "token_count")' (Get-Median $runs.UsageFloor.Seconds) (Get-Median $runs.UsageFloor.Wall) (Get-Median $runs.UsageFloor.PeakMB) $null))
    $table.Add((Row 'values floor (JsonDocument per line, every string value made)' (Get-Median $runs.ValuesFloor.Seconds) (Get-Median $runs.ValuesFloor.Wall) (Get-Median $runs.ValuesFloor.PeakMB) $null))
    if ($CcusagePath) { $table.Add((Row 'ccusage session --json (whole process)' $ccusageSeconds $ccusageSeconds (Get-Median $runs.Ccusage.PeakMB) $null)) }
    # Not $runs.Get: an array has a Get method, which member access finds before the items' property.
    $gets = $runs.Reading
    $table.Add((Row 'Import-Module' (Get-Median $gets.Import) $null $null $null -NoRate))
    $table.Add((Row 'Get-AgentRollout, cold (first call)' (& $calls $gets 0 Seconds) (Get-Median $gets.ProcessSeconds) (Get-Median $gets.PeakMB) (& $calls $gets 0 FirstRecord)))
    $table.Add((Row 'Get-AgentRollout, warm (second call)' (& $calls $gets 1 Seconds) $null (Get-Median $gets.PeakMB) (& $calls $gets 1 FirstRecord)))
    $table.Add((Row 'Get-AgentRollout, cold, in process' (& $calls $runs.ReadingInProcess 0 Seconds) (Get-Median $runs.ReadingInProcess.ProcessSeconds) (Get-Median $runs.ReadingInProcess.PeakMB) (& $calls $runs.ReadingInProcess 0 FirstRecord)))
    $table.Add((Row 'Get-AgentRollout, warm, in process' (& $calls $runs.ReadingInProcess 1 Seconds) $null (Get-Median $runs.ReadingInProcess.PeakMB) (& $calls $runs.ReadingInProcess 1 FirstRecord)))
    $measures = $runs.Measure
    $skipped = $measures | Where-Object { $_.PSObject.Properties['Skipped'] } | Select-Object -First 1
    if ($skipped) {
        $table.Add('| Measure-AgentRollout -GroupBy Session | skipped: ' + $skipped.Skipped + ' | | | | | | |')
    } else {
        $table.Add((Row 'Measure-AgentRollout -GroupBy Session, cold' (& $calls $measures 0 Seconds) (Get-Median $measures.ProcessSeconds) (Get-Median $measures.PeakMB) $null))
        $table.Add((Row 'Measure-AgentRollout -GroupBy Session, warm' (& $calls $measures 1 Seconds) $null (Get-Median $measures.PeakMB) $null))
        $table.Add((Row 'the same over claude/ only (what ccusage reads), cold' (& $calls $runs.MeasureClaude 0 Seconds) (Get-Median $runs.MeasureClaude.ProcessSeconds) (Get-Median $runs.MeasureClaude.PeakMB) $null -NoRate))
        $table.Add((Row 'the same over claude/ only, warm' (& $calls $runs.MeasureClaude 1 Seconds) $null (Get-Median $runs.MeasureClaude.PeakMB) $null -NoRate))
        $table.Add((Row 'Measure-AgentRollout -GroupBy Session, cold, in process' (& $calls $runs.MeasureInProcess 0 Seconds) (Get-Median $runs.MeasureInProcess.ProcessSeconds) (Get-Median $runs.MeasureInProcess.PeakMB) $null))
        $table.Add((Row 'Measure-AgentRollout -GroupBy Session, warm, in process' (& $calls $runs.MeasureInProcess 1 Seconds) $null (Get-Median $runs.MeasureInProcess.PeakMB) $null))
    }
    $table.Add((Row 'Get-AgentRollout, cold, in process, DOTNET_TieredPGO=0' (& $calls $runs.ReadingWithoutPgo 0 Seconds) (Get-Median $runs.ReadingWithoutPgo.ProcessSeconds) (Get-Median $runs.ReadingWithoutPgo.PeakMB) (& $calls $runs.ReadingWithoutPgo 0 FirstRecord)))
    $table.Add((Row 'Get-AgentRollout, warm, in process, DOTNET_TieredPGO=0' (& $calls $runs.ReadingWithoutPgo 1 Seconds) $null (Get-Median $runs.ReadingWithoutPgo.PeakMB) (& $calls $runs.ReadingWithoutPgo 1 FirstRecord)))
    if (-not $skipped) {
        $table.Add((Row 'Measure-AgentRollout -GroupBy Session, cold, in process, DOTNET_TieredPGO=0' (& $calls $runs.MeasureWithoutPgo 0 Seconds) (Get-Median $runs.MeasureWithoutPgo.ProcessSeconds) (Get-Median $runs.MeasureWithoutPgo.PeakMB) $null))
    }
    $exports = $runs.Export
    $table.Add((Row 'Get-AgentRollout \| Export-AgentRollout -As OpenAIChat, cold' (& $calls $exports 0 Seconds) (Get-Median $exports.ProcessSeconds) (Get-Median $exports.PeakMB) $null))
    if (-not $CcusagePath) { $table.Add(''); $table.Add('ccusage not installed: `npm install --prefix out/ccusage ccusage@20.0.24` adds its row.') }
    $table.Add('')
    $text = $table -join [Environment]::NewLine
    Write-Host $text
    [void]$report.AppendLine($text)
}

if (-not $NoAppend) {
    Add-Content -LiteralPath (Join-Path $PSScriptRoot 'RESULTS.md') -Value ([Environment]::NewLine + $report.ToString().TrimEnd()) -Encoding utf8
    Write-Host "Appended to bench/RESULTS.md"
}
