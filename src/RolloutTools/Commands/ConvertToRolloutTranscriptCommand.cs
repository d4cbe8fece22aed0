using System.Management.Automation;
using RolloutTools.Core.Export;

namespace RolloutTools.Commands;

/// <summary>Renders each record as a readable transcript, Markdown or a self-contained HTML page.</summary>
[Cmdlet(VerbsData.ConvertTo, "RolloutTranscript")]
[OutputType(typeof(string))]
public sealed class ConvertToRolloutTranscriptCommand : TranscriptCommandBase
{
    protected override void ProcessRecord()
    {
        if (InputObject is { } record) WriteObject(Transcript.Render(record, As, Options));
    }
}
