using System.Management.Automation;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Commands;

/// <summary>
/// What the cmdlets that look inside records share: records from the pipeline, or traces read from -Path,
/// -LiteralPath or (with neither) the default locations through the reading base, each handed to <see cref="WriteRecord"/>.
/// </summary>
public abstract class RecordInputCommandBase : RolloutCommandBase
{
    protected const string LiteralPathSet = "LiteralPath";
    protected const string PathSet = "Path";
    protected const string RecordSet = "Record";

    [Parameter(Mandatory = true, ParameterSetName = RecordSet, ValueFromPipeline = true)]
    public RolloutRecord? InputObject { get; set; }

    [Parameter(Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Binds a FileInfo's PSPath, so Get-ChildItem's files can be piped in.</summary>
    [Parameter(ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PathSet)]
    public RolloutFormat[]? Format { get; set; }

    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PathSet)]
    public SwitchParameter Recurse { get; set; }

    /// <summary>What the traces read from paths are read with.</summary>
    protected abstract ReadOptions ReadOptions { get; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == RecordSet)
        {
            if (InputObject is { } record) WriteRecord(record);
            return;
        }
        QueuePaths(Path, LiteralPath, Format);
    }

    protected override void EndProcessing()
    {
        ReadQueued(new ReadRequest { Search = new TraceSearch { Recurse = Recurse }, Options = ReadOptions });
    }
}
