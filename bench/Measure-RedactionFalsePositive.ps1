<#
.SYNOPSIS
    Measures how often Protect-AgentRollout's redactor changes ordinary source code.
.DESCRIPTION
    Runs the built module's redactor over every line of every source file under -CorpusPath (one line at a
    time, as a line of code would sit in a trace) and prints the lines scanned, the lines it changed, the
    rate per 10,000 lines, the redaction speed, and the kinds that changed lines most, with a few examples
    each so a person can judge whether they are secrets or false positives. Point it at a large body of code
    that holds no real credentials, such as a checkout of dotnet/msbuild or PowerShell/PowerShell.
    Run through: dotnet pwsh ./build.ps1 redaction-fp -CorpusPath <folder>
.EXAMPLE
    ./bench/Measure-RedactionFalsePositive.ps1 -ModulePath out/RolloutTools/0.1.0/RolloutTools.psd1 -CorpusPath ~/src/msbuild
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $CorpusPath,
    # File name patterns of source code; data files (resx, json, xlf) are not code.
    [string[]] $Include = @('*.cs', '*.ps1', '*.psm1', '*.py', '*.js', '*.ts', '*.go', '*.java', '*.rs', '*.c', '*.h', '*.cpp', '*.rb', '*.sh'),
    [int] $Top = 10,
    [int] $Examples = 5
)
$ErrorActionPreference = 'Stop'

$core = Join-Path (Split-Path $ModulePath) 'RolloutTools.Core.dll'
Add-Type -Path $core
# The loop runs in C#: timing a PowerShell loop would measure PowerShell, not the redactor.
Add-Type -IgnoreWarnings -WarningAction SilentlyContinue -ReferencedAssemblies $core, System.Collections, System.Runtime, System.Text.RegularExpressions -TypeDefinition @'
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Redaction;

public sealed class RedactionScan
{
    public long Lines;
    public long Changed;
    public long Files;
    public double Seconds;
    public Dictionary<string, long> LinesByKind = new Dictionary<string, long>();
    public Dictionary<string, List<string>> ExamplesByKind = new Dictionary<string, List<string>>();

    public void Run(IEnumerable<string> files, int examples)
    {
        var redactor = new Redactor();
        var counts = new Counter();
        var clock = new Stopwatch();
        foreach (var file in files)
        {
            Files++;
            foreach (var line in File.ReadLines(file))
            {
                Lines++;
                counts.Clear();
                clock.Start();
                var redacted = redactor.Redact(line, counts);
                clock.Stop();
                if (ReferenceEquals(redacted, line) || redacted == line) continue;
                Changed++;
                foreach (var kind in counts.Keys)
                {
                    LinesByKind[kind] = LinesByKind.TryGetValue(kind, out var n) ? n + 1 : 1;
                    if (!ExamplesByKind.TryGetValue(kind, out var list)) ExamplesByKind[kind] = list = new List<string>();
                    if (list.Count < examples) list.Add(Path.GetFileName(file) + ": " + line.Trim());
                }
            }
        }
        Seconds = clock.Elapsed.TotalSeconds;
    }
}
'@

$files = Get-ChildItem -LiteralPath $CorpusPath -Recurse -File -Include $Include | ForEach-Object FullName
$scan = [RedactionScan]::new()
$scan.Run([string[]]$files, $Examples)

$rate = if ($scan.Lines) { 10000.0 * $scan.Changed / $scan.Lines } else { 0 }
'Corpus:        {0}' -f (Resolve-Path $CorpusPath)
'Files:         {0:N0}' -f $scan.Files
'Lines scanned: {0:N0}' -f $scan.Lines
'Lines changed: {0:N0}' -f $scan.Changed
'Per 10,000:    {0:N2}' -f $rate
'Speed:         {0:N0} lines/s ({1:N1} s in the redactor)' -f ($scan.Lines / [math]::Max($scan.Seconds, 0.001)), $scan.Seconds
''
foreach ($entry in $scan.LinesByKind.GetEnumerator() | Sort-Object Value -Descending | Select-Object -First $Top) {
    '{0} ({1:N0} lines)' -f $entry.Key, $entry.Value
    foreach ($example in $scan.ExamplesByKind[$entry.Key]) { '    ' + ($example.Length -gt 200 ? $example.Substring(0, 200) + '…' : $example) }
}
