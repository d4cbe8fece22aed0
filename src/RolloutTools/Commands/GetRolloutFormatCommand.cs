using System.Management.Automation;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;

namespace RolloutTools.Commands;

/// <summary>Lists the formats the module reads, where each keeps its traces on this machine, and how many there are.</summary>
[Cmdlet(VerbsCommon.Get, "RolloutFormat")]
[OutputType(typeof(RolloutFormatInfo))]
public sealed class GetRolloutFormatCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public RolloutFormat[]? Format { get; set; }

    protected override void ProcessRecord()
    {
        var readers = Format is { Length: > 0 } ? Format.Distinct().Select(FormatRegistry.Default.Get) : FormatRegistry.Default.All;
        foreach (var reader in readers) WriteObject(RolloutFormatInfo.Of(reader));
    }
}
