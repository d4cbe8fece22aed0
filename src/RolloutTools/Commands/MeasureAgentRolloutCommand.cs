using System.Management.Automation;
using RolloutTools.Completion;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Usage;

namespace RolloutTools.Commands;

/// <summary>
/// Adds up what sessions used and cost: tokens, messages, tool calls and dollars, grouped by day, week, month,
/// session, project, model, format or five-hour block. Each API response counts once across everything read.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "AgentRollout", DefaultParameterSetName = InputSet)]
[OutputType(typeof(UsageRow))]
public sealed class MeasureAgentRolloutCommand : RolloutCommandBase
{
    private const string InputSet = "InputObject";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private UsageMeter? _meter;
    private bool _sawInput;

    [Parameter(ParameterSetName = InputSet, ValueFromPipeline = true)]
    public RolloutRecord[]? InputObject { get; set; }

    [Parameter(Position = 0, ParameterSetName = PathSet, Mandatory = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>Reads these formats only: from -Path, or, with no path and no records piped, from their default locations.</summary>
    [Parameter]
    public RolloutFormat[]? Format { get; set; }

    /// <summary>Searches the folders of -Path all the way down, as Get-AgentRollout -Recurse.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public SwitchParameter Recurse { get; set; }

    [Parameter]
    public UsageGroup[]? GroupBy { get; set; }

    [Parameter]
    [TimeZoneTransformation]
    [ArgumentCompleter(typeof(TimeZoneCompleter))]
    public TimeZoneInfo? TimeZone { get; set; }

    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter]
    public DateTime? Until { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PricingFile { get; set; }

    private UsageMeter Meter => _meter ??= new UsageMeter(new UsageOptions
    {
        GroupBy = (GroupBy ?? Array.Empty<UsageGroup>()).Distinct().ToArray(),
        TimeZone = TimeZone ?? TimeZoneInfo.Local,
        Since = ToOffset(Since),
        Until = ToOffset(Until),
        Prices = PricingFile is null ? PriceTable.Shipped : LoadPrices(PricingFile),
    });

    protected override void BeginProcessing()
    {
        if (Since is { } since && Until is { } until && since > until)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-Since ({since}) is later than -Until ({until})."), "RolloutInvalidTimeRange", ErrorCategory.InvalidArgument, null));
        }
        _ = Meter;
    }

    protected override ReadPlan CreatePlan() => new() { Search = new TraceSearch { Recurse = Recurse } };

    protected override void ProcessRecord()
    {
        if (InputObject is not null)
        {
            foreach (var record in InputObject) OnRecord(record);
            return;
        }
        var paths = LiteralPath is not null
            ? LiteralPath.SelectMany(ResolveLiteralPath)
            : (Path ?? Array.Empty<string>()).SelectMany(ResolvePath);
        foreach (var path in paths)
        {
            _sawInput = true;
            WriteProblems(Plan.AddPath(path, Format));
        }
    }

    protected override void OnRecord(RolloutRecord record)
    {
        _sawInput = true;
        Meter.Add(record);
    }

    protected override void EndProcessing()
    {
        // Nothing piped and no path: every format's default locations, as Get-AgentRollout reads them.
        if (!_sawInput && ParameterSetName == InputSet) WriteProblems(Plan.AddDefaultLocations(Format));
        // Branches left by a rewind were billed too: read them, so their responses count once like any other.
        ReadQueued(new ReadOptions { Since = ToOffset(Since), Until = ToOffset(Until), IncludeAbandoned = true });
        WriteProblems(Plan.NotFound());

        if (Meter.DuplicateResponses > 0) WriteVerbose($"{Meter.DuplicateResponses} response(s) met in more than one file (or twice in one) were counted once.");
        foreach (var model in Meter.UnpricedModels)
        {
            WriteWarning($"No price for model '{model}': rows with its tokens have no CostUsd. -PricingFile takes a LiteLLM-shaped table that prices it.");
        }
        foreach (var row in Meter.Rows()) WriteObject(row);
    }

    private PriceTable LoadPrices(string path)
    {
        var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        try
        {
            return PriceTable.Load(resolved);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or FormatException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "RolloutPricingFileInvalid", ErrorCategory.InvalidData, path));
            throw;
        }
    }
}
