using System.Management.Automation;
using RolloutTools.Completion;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Commands;

/// <summary>Reads agent session traces from files, folders or the agents' default locations.</summary>
[Cmdlet(VerbsCommon.Get, "AgentRollout", DefaultParameterSetName = LiteralPathSet)]
[OutputType(typeof(RolloutRecord))]
public sealed class GetAgentRolloutCommand : RolloutCommandBase
{
    // Two sets, not three: -LiteralPath and -Format bind from the pipeline by property name in the default
    // set together, so a record (SourcePath, Format) is read again from its file as its format, while a
    // Get-RolloutFormat object (Format alone) selects default locations. With a set of its own for
    // -LiteralPath, the binder would prefer the default set and take a record for a format to read whole.
    private const string LiteralPathSet = "LiteralPath";
    private const string PathSet = "Path";

    [Parameter(Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Binds a FileInfo's PSPath, and a record's or an Import-Csv row's SourcePath, so piped records are read again from their files.</summary>
    [Parameter(ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "SourcePath")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>Binds from the pipeline by property name only without -Path: a Get-RolloutFormat object's, or a piped record's.</summary>
    [Parameter(ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathSet)]
    public RolloutFormat[]? Format { get; set; }

    /// <summary>Only these sessions: ids or their beginnings (the table's eight characters), or patterns with * and ?.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    public string[]? Id { get; set; }

    [Parameter]
    [SupportsWildcards]
    public string? Filter { get; set; }

    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Enters linked folders (symbolic links, junctions) below the folders searched, as Get-ChildItem -FollowSymlink.</summary>
    [Parameter]
    public SwitchParameter FollowSymlink { get; set; }

    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter]
    public DateTime? Until { get; set; }

    /// <summary>Keeps the branches a person left by rewinding or editing a prompt, marked IsAbandoned.</summary>
    [Parameter]
    public SwitchParameter IncludeAbandoned { get; set; }

    /// <summary>A session kept as a tree (Pi) gives one record per branch, each with TraceId "session:leaf", instead of its active path only.</summary>
    [Parameter]
    public SwitchParameter AllBranches { get; set; }

    /// <summary>Reads an ATIF trajectory and its continuation files (trajectory.cont-N.json) as one record.</summary>
    [Parameter]
    public SwitchParameter StitchContinuations { get; set; }

    /// <summary>Reads only this share of the sessions found (from 0), for one of -PartitionCount workers over the same folders.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Partition { get; set; }

    /// <summary>How many workers share the sessions found; each reads its -Partition, and together they read every session once.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? PartitionCount { get; set; }

    protected override void BeginProcessing()
    {
        if (Since is { } since && Until is { } until && since > until)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-Since ({since}) is later than -Until ({until})."), "RolloutInvalidTimeRange", ErrorCategory.InvalidArgument, null));
        }
        if (Partition.HasValue != PartitionCount.HasValue || Partition >= PartitionCount)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-Partition and -PartitionCount go together, and -Partition is from 0 to -PartitionCount minus one (got {Partition?.ToString() ?? "none"} of {PartitionCount?.ToString() ?? "none"})."),
                "RolloutInvalidPartition", ErrorCategory.InvalidArgument, null));
        }
    }

    protected override void ProcessRecord() => QueuePaths(Path, LiteralPath, Format);

    protected override void EndProcessing()
    {
        ReadQueued(new ReadRequest
        {
            Search = new TraceSearch { Recurse = Recurse, Filter = Filter, FollowLinks = FollowSymlink },
            Ids = Id,
            Partition = Partition is { } index && PartitionCount is { } count ? new SessionPartition(index, count) : null,
            Options = new ReadOptions { Since = ToOffset(Since), Until = ToOffset(Until), IncludeAbandoned = IncludeAbandoned, AllBranches = AllBranches, StitchContinuations = StitchContinuations },
        });
    }
}
