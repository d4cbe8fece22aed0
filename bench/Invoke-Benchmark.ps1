<#
.SYNOPSIS
    Times Get-AgentRollout over a synthetic Claude Code corpus.
.DESCRIPTION
    Generates (once, under out/bench-corpus) a corpus shaped like a heavy user's ~/.claude/projects:
    many sessions, streamed responses split over several lines, parallel tool calls, progress lines and
    large tool outputs. Then reads it with Get-AgentRollout in a child process and reports files, lines,
    megabytes and records per second. Run through: dotnet pwsh ./build.ps1 bench
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Sessions = 400,
    [int] $TurnsPerSession = 60,
    [int] $Repeat = 3
)
$ErrorActionPreference = 'Stop'
$corpus = Join-Path $PSScriptRoot "../out/bench-corpus/$Sessions-$TurnsPerSession"

if (-not (Test-Path $corpus)) {
    Write-Host "Generating $Sessions sessions of $TurnsPerSession turns under $corpus ..."
    $output = 'x' * 3000
    foreach ($s in 1..$Sessions) {
        $project = Join-Path $corpus ('projects/-home-dev-project-{0}' -f ($s % 20))
        New-Item -ItemType Directory -Force $project | Out-Null
        $id = [guid]::new($s, 0, 0, [byte[]](0, 0, 0, 0, 0, 0, 0, 1)).ToString()
        $envelope = "`"sessionId`":`"$id`",`"cwd`":`"/home/dev/project`",`"gitBranch`":`"main`",`"version`":`"2.1.39`",`"isSidechain`":false,`"userType`":`"external`""
        $lines = [System.Collections.Generic.List[string]]::new()
        $parent = 'null'
        $clock = [datetime]'2025-10-01T08:00:00Z'
        foreach ($t in 1..$TurnsPerSession) {
            $ts = { $script:clock = $clock.AddSeconds(3); $clock.ToString('yyyy-MM-ddTHH:mm:ss.fffZ') }
            $u = "u$t"; $a = "a$t"; $b = "b$t"; $p = "p$t"; $r1 = "r$t"; $r2 = "q$t"
            $usage = '{"input_tokens":12,"output_tokens":340,"cache_read_input_tokens":45000,"cache_creation_input_tokens":1200,"cache_creation":{"ephemeral_5m_input_tokens":1200,"ephemeral_1h_input_tokens":0}}'
            $lines.Add("{`"type`":`"user`",`"uuid`":`"$u`",`"parentUuid`":$parent,$envelope,`"timestamp`":`"$(& $ts)`",`"message`":{`"role`":`"user`",`"content`":`"Please change step $t of the build and run the tests again`"}}")
            $lines.Add("{`"type`":`"assistant`",`"uuid`":`"$a`",`"parentUuid`":`"$u`",$envelope,`"timestamp`":`"$(& $ts)`",`"requestId`":`"req_$s$t`",`"message`":{`"id`":`"msg_$s$t`",`"type`":`"message`",`"role`":`"assistant`",`"model`":`"claude-opus-4-6`",`"content`":[{`"type`":`"thinking`",`"thinking`":`"I should look at the build file and then run the tests in parallel.`",`"signature`":`"c2lnbmF0dXJl`"}],`"stop_reason`":null,`"usage`":$usage}}")
            $lines.Add("{`"type`":`"assistant`",`"uuid`":`"$b`",`"parentUuid`":`"$a`",$envelope,`"timestamp`":`"$(& $ts)`",`"requestId`":`"req_$s$t`",`"message`":{`"id`":`"msg_$s$t`",`"type`":`"message`",`"role`":`"assistant`",`"model`":`"claude-opus-4-6`",`"content`":[{`"type`":`"tool_use`",`"id`":`"toolu_$s${t}a`",`"name`":`"Bash`",`"input`":{`"command`":`"make test STEP=$t`"}},{`"type`":`"tool_use`",`"id`":`"toolu_$s${t}b`",`"name`":`"Read`",`"input`":{`"file_path`":`"/home/dev/project/build/step$t.mk`"}}],`"stop_reason`":`"tool_use`",`"usage`":$usage}}")
            $lines.Add("{`"type`":`"progress`",`"uuid`":`"$p`",`"parentUuid`":`"$b`",$envelope,`"timestamp`":`"$(& $ts)`",`"data`":{`"type`":`"bash_progress`",`"output`":`"running`",`"elapsedTimeSeconds`":2},`"toolUseID`":`"toolu_$s${t}a`"}")
            $lines.Add("{`"type`":`"user`",`"uuid`":`"$r1`",`"parentUuid`":`"$p`",$envelope,`"timestamp`":`"$(& $ts)`",`"message`":{`"role`":`"user`",`"content`":[{`"tool_use_id`":`"toolu_$s${t}a`",`"type`":`"tool_result`",`"content`":`"$output`"}]},`"toolUseResult`":{`"stdout`":`"$output`",`"stderr`":`"`",`"interrupted`":false,`"isImage`":false}}")
            $lines.Add("{`"type`":`"user`",`"uuid`":`"$r2`",`"parentUuid`":`"$r1`",$envelope,`"timestamp`":`"$(& $ts)`",`"message`":{`"role`":`"user`",`"content`":[{`"tool_use_id`":`"toolu_$s${t}b`",`"type`":`"tool_result`",`"content`":`"step: build`"}]}}")
            $parent = "`"$r2`""
        }
        [System.IO.File]::WriteAllLines((Join-Path $project "$id.jsonl"), $lines)
    }
}

$files = Get-ChildItem $corpus -Recurse -Filter *.jsonl
$bytes = ($files | Measure-Object Length -Sum).Sum
$lineCount = $Sessions * $TurnsPerSession * 6
$env:ROLLOUTTOOLS_BENCH_MODULE = $ModulePath
$env:ROLLOUTTOOLS_BENCH_CORPUS = $corpus
$times = foreach ($i in 1..$Repeat) {
    $json = dotnet pwsh -NoProfile -NonInteractive -Command {
        Import-Module $env:ROLLOUTTOOLS_BENCH_MODULE
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $count = (Get-AgentRollout -Path $env:ROLLOUTTOOLS_BENCH_CORPUS -Recurse | Measure-Object).Count
        $seconds = $watch.Elapsed.TotalSeconds
        $peak = [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
        @{ Seconds = $seconds; Records = $count; PeakMB = [math]::Round($peak / 1MB) } | ConvertTo-Json -Compress
    }
    $json | ConvertFrom-Json
}
$best = $times | Sort-Object Seconds | Select-Object -First 1
[pscustomobject]@{
    Files        = $files.Count
    Lines        = $lineCount
    MB           = [math]::Round($bytes / 1MB, 1)
    Records      = $best.Records
    BestSeconds  = [math]::Round($best.Seconds, 2)
    FilesPerSec  = [math]::Round($files.Count / $best.Seconds)
    LinesPerSec  = [math]::Round($lineCount / $best.Seconds)
    MBPerSec     = [math]::Round($bytes / 1MB / $best.Seconds, 1)
    PeakMB       = $best.PeakMB
    Cores        = [Environment]::ProcessorCount
} | Format-List
