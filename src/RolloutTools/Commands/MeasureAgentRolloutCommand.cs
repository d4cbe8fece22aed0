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
[Cmdlet(VerbsDiagnostic.Measure, "AgentRollout", DefaultParameterSetName = LiteralPathSet)]
[OutputType(typeof(UsageRow))]
public sealed class MeasureAgentRolloutCommand : RecordInputCommandBase
{
    private UsageMeter? _meter;

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

    /// <summary>Reads every line of the traces named by path, so rows count messages and tool calls too (slower).</summary>
    [Parameter]
    public SwitchParameter CountMessages { get; set; }

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

    /// <summary>
    /// Branches left by a rewind were billed too: they are read, so their responses count once like any other. A
    /// format that can tell the lines carrying usage by their bytes reads only those, unless messages are wanted.
    /// </summary>
    protected override ReadOptions ReadOptions => new() { Since = ToOffset(Since), Until = ToOffset(Until), IncludeAbandoned = true, UsageOnly = !CountMessages };

    protected override void WriteRecord(RolloutRecord record) => Meter.Add(record);

    protected override void EndProcessing()
    {
        base.EndProcessing();

        if (Meter.DuplicateResponses > 0) WriteVerbose($"{Meter.DuplicateResponses} response(s) met in more than one file (or twice in one) were counted once.");
        foreach (var model in Meter.UnpricedModels)
        {
            WriteWarning($"No price for model '{model}': rows with its tokens have no CostUsd. -PricingFile takes a LiteLLM-shaped table that prices it.");
        }
        var rows = Meter.Rows();
        if (rows.Any(r => r.Messages is null)) WriteVerbose("Only the lines that carry usage were read: Messages and ToolCalls are empty; -CountMessages reads every line and counts them.");
        foreach (var row in rows) WriteObject(row);
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
