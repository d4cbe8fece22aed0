#Requires -Version 7.4
<#
.SYNOPSIS
    Renders the README's transcript screenshots from samples/ with headless Chromium.
.DESCRIPTION
    Exports every session under samples/ as HTML transcripts (which writes the index), then photographs two pages at
    a fixed window size: a session page from one of its turns on (docs/images/transcript-session.png: Markdown in a
    message, tool-call previews, edits as diffs, turn headers with model, tokens and cost) and the index
    (docs/images/transcript-index.png). The samples are invented, so the pictures show nobody's data. The pages are
    the same on every run, so the pictures change only when the renderer or the samples do. Each picture should stay
    under about 200 KB; a larger one is reported.
.PARAMETER ModulePath
    The built module's manifest (out/RolloutTools/<version>/RolloutTools.psd1).
.PARAMETER Chromium
    The browser: $env:CHROMIUM, else /usr/bin/chromium.
.EXAMPLE
    dotnet pwsh ./build.ps1 screenshots
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $Chromium = $(if ($env:CHROMIUM) { $env:CHROMIUM } else { '/usr/bin/chromium' })
)

$ErrorActionPreference = 'Stop'
if (-not (Test-Path -LiteralPath $Chromium)) { throw "No Chromium at ${Chromium}: install it (apt-get install -y chromium) or set CHROMIUM." }
Import-Module $ModulePath -Force

$root = Split-Path $PSScriptRoot -Parent
$images = Join-Path $root 'docs/images'
New-Item -ItemType Directory -Force -Path $images | Out-Null
$work = New-Item -ItemType Directory -Path (Join-Path ([System.IO.Path]::GetTempPath()) "rollouttools-screenshots-$([guid]::NewGuid().ToString('N'))")

# The session shown: a Claude Code session whose turns hold a Markdown plan, tool calls and edits, from its
# thirteenth message on (the page's header fills the first screen).
$sessionId = '5d0c7a4e-3b19-4f6e-9a2d-8c1e47b2f935'
$turn = 't13'
$shots = @(
    @{ Name = 'transcript-session.png'; Page = 'session.html'; Width = 900; Height = 1400 }
    @{ Name = 'transcript-index.png'; Page = 'index.html'; Width = 1200; Height = 760 }
)

try {
    $transcripts = Join-Path $work 'transcripts'
    $records = Get-ChildItem (Join-Path $root 'samples') -Directory |
        ForEach-Object { Get-AgentRollout -Path $_.FullName -Recurse -WarningAction SilentlyContinue }
    $records | Export-RolloutTranscript -Destination $transcripts -As Html
    $session = $records | Where-Object TraceId -eq $sessionId
    if (-not $session) { throw "The session $sessionId is no longer in samples/." }
    $page = [RolloutTools.Core.Export.Transcript]::FileName($session, [RolloutTools.Core.Export.TranscriptFormat]::Html)
    # Headless Chromium photographs a page from its top even when given a #fragment; a frame scrolls to it.
    Set-Content -LiteralPath (Join-Path $transcripts 'session.html') -Value (
        '<!DOCTYPE html><html><head><style>html, body, iframe { margin: 0; border: 0; width: 100%; height: 100%; }</style></head>' +
        "<body><iframe src=`"$page#$turn`"></iframe></body></html>")

    foreach ($shot in $shots) {
        $picture = Join-Path $images $shot.Name
        $browserProfile = Join-Path $work "profile-$($shot.Name)"
        # A new profile, nothing fetched in the background; --no-sandbox because CI runs this as root.
        $arguments = @(
            '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--force-device-scale-factor=1', '--virtual-time-budget=3000', "--user-data-dir=$browserProfile",
            "--window-size=$($shot.Width),$($shot.Height)", "--screenshot=$picture", [System.Uri]::new((Join-Path $transcripts $shot.Page)).AbsoluteUri
        )
        & $Chromium @arguments 2>&1 | Write-Verbose
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $picture)) { throw "Chromium could not photograph $($shot.Page) (exit code $LASTEXITCODE)." }
        $size = (Get-Item -LiteralPath $picture).Length
        if ($size -gt 200KB) { Write-Warning "$($shot.Name) is $([math]::Round($size / 1KB)) KB: make its window smaller." }
        Get-Item -LiteralPath $picture
    }
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force
}
