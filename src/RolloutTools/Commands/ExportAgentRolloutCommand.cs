using System.Management.Automation;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;

namespace RolloutTools.Commands;

/// <summary>
/// Writes records as a JSONL dataset, one line per record, streaming. The file is written under a temporary
/// name and put in place at the end, so an interrupted export never leaves a truncated file.
/// </summary>
[Cmdlet(VerbsData.Export, "AgentRollout", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportAgentRolloutCommand : PSCmdlet, IDisposable
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private AtomicFile? _file;
    private DatasetWriter? _writer;
    private string? _target;
    private int _written;
    private int _skipped;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string? LiteralPath { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public RolloutRecord? InputObject { get; set; }

    [Parameter]
    public DatasetFormat As { get; set; } = DatasetFormat.Normalized;

    [Parameter]
    public SwitchParameter IncludeReasoning { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxToolOutputLength { get; set; }

    [Parameter]
    public SwitchParameter ExcludeImages { get; set; }

    [Parameter]
    public SwitchParameter ExcludeSidechain { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [Alias("NoOverwrite")]
    public SwitchParameter NoClobber { get; set; }

    [Parameter]
    public SwitchParameter Append { get; set; }

    [Parameter]
    [ValidateSet("utf8", "utf8NoBOM", "utf8BOM", "unicode", "bigendianunicode", "utf32", IgnoreCase = true)]
    public string Encoding { get; set; } = OutputFile.DefaultEncoding;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path ?? LiteralPath);
        if (OutputFile.Refusal(_target, NoClobber, Force, Append) is { } refusal) ThrowTerminatingError(refusal);
        if (!ShouldProcess(_target, Append ? "Append agent rollouts" : "Export agent rollouts")) return;
        try
        {
            _file = new AtomicFile(_target, Append, OutputFile.Encoding(Encoding));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "RolloutExportError", ErrorCategory.WriteError, _target));
        }
        _writer = new DatasetWriter(new DatasetOptions
        {
            Format = As,
            IncludeReasoning = IncludeReasoning,
            MaxToolOutputLength = MaxToolOutputLength > 0 ? MaxToolOutputLength : null,
            ExcludeImages = ExcludeImages,
            ExcludeSidechain = ExcludeSidechain,
        });
    }

    protected override void ProcessRecord()
    {
        if (_file is null || _writer is null || InputObject is null) return;
        if (_writer.Line(InputObject, out var rejection) is { } line)
        {
            _file.WriteLine(line.Span);
            _written++;
            return;
        }
        _skipped++;
        WriteWarning($"Skipped {InputObject.TraceId}: {rejection}.");
    }

    protected override void EndProcessing()
    {
        if (_file is null) return;
        try
        {
            if (Force) OutputFile.AllowReplace(_target!);
            _file.Commit();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "RolloutExportError", ErrorCategory.WriteError, _target));
        }
        WriteVerbose($"Wrote {_written} record(s) to '{_target}' as {As}; skipped {_skipped}.");
        if (PassThru) WriteObject(new FileInfo(_target!));
    }

    public void Dispose() => _file?.Dispose();
}
