using System.Management.Automation;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Commands;

/// <summary>Reads agent session traces from files, folders or the agents' default locations.</summary>
[Cmdlet(VerbsCommon.Get, "AgentRollout", DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(RolloutRecord))]
public sealed class GetAgentRolloutCommand : RolloutCommandBase
{
    private const string DefaultSet = "Default";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private bool _sawPath;

    [Parameter(Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>
    /// Binds from the pipeline by property name only without a path, so Get-RolloutFormat objects select
    /// formats (read from their default locations) instead of being taken for paths.
    /// </summary>
    [Parameter(ParameterSetName = DefaultSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public RolloutFormat[]? Format { get; set; }

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

    protected override void BeginProcessing()
    {
        if (Since is { } since && Until is { } until && since > until)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-Since ({since}) is later than -Until ({until})."), "RolloutInvalidTimeRange", ErrorCategory.InvalidArgument, null));
        }
    }

    protected override ReadPlan CreatePlan() => new() { Search = new TraceSearch { Recurse = Recurse, Filter = Filter, FollowLinks = FollowSymlink } };

    protected override void ProcessRecord()
    {
        var paths = ParameterSetName == LiteralPathSet
            ? (LiteralPath ?? Array.Empty<string>()).SelectMany(ResolveLiteralPath)
            : (Path ?? Array.Empty<string>()).SelectMany(ResolvePath);
        foreach (var path in paths)
        {
            _sawPath = true;
            WriteProblems(Plan.AddPath(path, Format));
        }
        // With no path at all, every format's own folders (or those of the formats named), searched all the way down.
        if (Path is null && LiteralPath is null && !_sawPath) WriteProblems(Plan.AddDefaultLocations(Format));
    }

    protected override void EndProcessing()
    {
        ReadQueued(new ReadOptions { Since = ToOffset(Since), Until = ToOffset(Until), IncludeAbandoned = IncludeAbandoned, AllBranches = AllBranches, StitchContinuations = StitchContinuations });
    }
}
