using System.Management.Automation;
using RolloutTools.Completion;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Usage;
using RolloutTools.Core.Native;

namespace RolloutTools.Commands;

/// <summary>
/// Adds up what sessions used and cost: tokens, messages, tool calls and dollars, grouped by day, week, month,
/// session, project, model, format or five-hour block. Each API response counts once across everything read.
/// Traces named by path (or the default locations) are read and metered by the native reader where the module ships
/// one for the platform, else in this process; records piped in are metered here.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "AgentRollout", DefaultParameterSetName = LiteralPathSet)]
[OutputType(typeof(UsageRow))]
public sealed class MeasureAgentRolloutCommand : RecordInputCommandBase
{
    private UsageRequest _request = new();
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

    protected override void BeginProcessing()
    {
        if (Since is { } since && Until is { } until && since > until)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-Since ({since}) is later than -Until ({until})."), "RolloutInvalidTimeRange", ErrorCategory.InvalidArgument, null));
        }
        _request = new UsageRequest
        {
            Recurse = Recurse,
            GroupBy = GroupBy ?? Array.Empty<UsageGroup>(),
            TimeZone = TimeZone ?? TimeZoneInfo.Local,
            Since = ToOffset(Since),
            Until = ToOffset(Until),
            PricingFile = PricingFile is null ? null : CheckedPricingFile(PricingFile),
            CountMessages = CountMessages,
        };
    }

    protected override ReadOptions ReadOptions => _request.ReadOptions;

    protected override void WriteRecord(RolloutRecord record) => (_meter ??= new UsageMeter(_request.CreateMeterOptions())).Add(record);

    protected override void EndProcessing()
    {
        if (ParameterSetName == RecordSet)
        {
            WriteReport((_meter ?? new UsageMeter(_request.CreateMeterOptions())).Report());
            return;
        }
        var request = _request with { Sources = Sources.ToArray() };
        UsageReport? report = null;
        IEnumerable<ReadEvent> Reported(IEnumerable<ReadEvent> events)
        {
            foreach (var readEvent in events)
            {
                if (readEvent is UsageDone done) report = done.Report;
                else yield return readEvent;
            }
        }
        // With nothing to read (every path failed to resolve) the report is empty; no process is started for it.
        Run(request.Sources.Count > 0 ? reader => Reported(NativeReader.Events(reader, request, Cancellation)) : null, () => Reported(UsageRun.Events(request, Cancellation)));
        if (report is not null) WriteReport(report);
    }

    private void WriteReport(UsageReport report)
    {
        if (report.DuplicateResponses > 0) WriteVerbose($"{report.DuplicateResponses} response(s) met in more than one file (or twice in one) were counted once.");
        foreach (var model in report.UnpricedModels)
        {
            WriteWarning($"No price for model '{model}': rows with its tokens have no CostUsd. -PricingFile takes a LiteLLM-shaped table that prices it.");
        }
        if (report.Rows.Any(r => r.Messages is null)) WriteVerbose("Only the lines that carry usage were read: Messages and ToolCalls are empty; -CountMessages reads every line and counts them.");
        foreach (var row in report.Rows) WriteObject(row);
    }

    /// <summary>The pricing file's file system path, once it has been read as a price table.</summary>
    private string CheckedPricingFile(string path)
    {
        var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        try
        {
            PriceTable.Load(resolved);
            return resolved;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or FormatException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "RolloutPricingFileInvalid", ErrorCategory.InvalidData, path));
            throw;
        }
    }
}
