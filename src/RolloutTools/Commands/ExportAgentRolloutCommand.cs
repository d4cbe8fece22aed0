using System.Management.Automation;
using RolloutTools.Encodings;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;

namespace RolloutTools.Commands;

/// <summary>
/// Writes records as a dataset, streaming, into an <see cref="ExportFile"/>: JSONL, one line per record, or Parquet,
/// one row per record in row groups. The file is written under a temporary name and put in place at the end, so an
/// interrupted export never leaves a truncated file.
/// </summary>
[Cmdlet(VerbsData.Export, "AgentRollout", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportAgentRolloutCommand : PSCmdlet, IDisposable
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private ExportFile? _file;
    private DatasetWriter? _writer;
    private ParquetDatasetWriter? _parquet;
    private DatasetOptions? _options;
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

    /// <summary>Tool results longer than this are cut with a marker; 0 (the default) keeps them whole.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
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
    [EncodingTransformation]
    [ArgumentCompleter(typeof(EncodingCompleter))]
    public System.Text.Encoding Encoding { get; set; } = OutputFile.DefaultEncoding;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path ?? LiteralPath);
        if (As == DatasetFormat.Parquet && Append)
        {
            // A Parquet file ends in a footer describing every row group; adding to it is not adding lines.
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Append adds lines to a JSONL file; a Parquet file cannot be appended to. Write a new file (one per worker or batch): engines read a folder of Parquet files as one dataset."),
                "RolloutExportParquetAppend", ErrorCategory.InvalidArgument, _target));
        }
        if (OutputFile.Refusal(_target, NoClobber, Force, Append) is { } refusal) ThrowTerminatingError(refusal);
        if (!ShouldProcess(_target, Append ? "Append agent rollouts" : "Export agent rollouts")) return;
        try
        {
            _file = OutputFile.Open(this, _target, Append, Encoding, new StaleFileSweep());
        }
        catch (ExportFileException e)
        {
            ThrowTerminatingError(OutputFile.Failure(e));
        }
        WarnOfKeptEncoding(_file!);
        if (As == DatasetFormat.Parquet && MyInvocation.BoundParameters.ContainsKey(nameof(Encoding)))
        {
            WriteWarning("Parquet stores text as UTF-8 whatever -Encoding says; -Encoding applies to JSONL files only.");
        }
        _options = new DatasetOptions
        {
            Format = As,
            IncludeReasoning = IncludeReasoning,
            MaxToolOutputLength = MaxToolOutputLength > 0 ? MaxToolOutputLength : null,
            ExcludeImages = ExcludeImages,
            ExcludeSidechain = ExcludeSidechain,
        };
        try
        {
            if (As == DatasetFormat.Parquet) _parquet = new ParquetDatasetWriter(_file!, _options);
            else _writer = new DatasetWriter(_options);
        }
        catch (ExportFileException e)
        {
            ThrowTerminatingError(OutputFile.Failure(e));
        }
    }

    protected override void ProcessRecord()
    {
        if (_file is null || _options is null || InputObject is null) return;
        if (!_options.Includes(InputObject))
        {
            // A filter the person asked for: worth a verbose note, not a warning per record.
            _skipped++;
            WriteVerbose($"Left out {InputObject.TraceId}: a subagent's transcript, and -ExcludeSidechain is set.");
            return;
        }
        string? rejection = null;
        try
        {
            var written = _parquet is not null ? _parquet.Add(InputObject, out rejection) : WriteLine(InputObject, out rejection);
            if (written)
            {
                _written++;
                return;
            }
        }
        catch (ExportFileException e)
        {
            ThrowTerminatingError(OutputFile.Failure(e));
        }
        _skipped++;
        WriteWarning($"Skipped {InputObject.TraceId}: {rejection}.");
    }

    protected override void EndProcessing()
    {
        if (_file is null) return;
        try
        {
            _parquet?.Complete();
            _file.Commit();
        }
        catch (ExportFileException e)
        {
            ThrowTerminatingError(OutputFile.Failure(e));
        }
        WriteVerbose($"Wrote {_written} record(s) to '{_target}' as {As}; skipped {_skipped}.");
        if (PassThru) WriteObject(new FileInfo(_target!));
    }

    /// <summary>Writes the record as a JSON line, or returns false with the reason it cannot be one.</summary>
    private bool WriteLine(RolloutRecord record, out string? rejection)
    {
        rejection = null;
        if (_writer?.Line(record, out rejection) is not { } line) return false;
        _file!.WriteLine(line.Span);
        return true;
    }

    /// <summary>
    /// An appended file keeps its own encoding, whatever -Encoding says (one file in two encodings cannot be read);
    /// when the person asked for another, a warning says which was kept.
    /// </summary>
    private void WarnOfKeptEncoding(ExportFile file)
    {
        if (!Append || !MyInvocation.BoundParameters.ContainsKey(nameof(Encoding))) return;
        if (OutputFile.SameEncoding(file.Encoding, Encoding)) return;
        WriteWarning($"'{_target}' is {OutputFile.Name(file.Encoding)}; the records are appended in that encoding, not {OutputFile.Name(Encoding)}.");
    }

    /// <summary>Runs also when the pipeline is stopped (Ctrl+C) or fails: an uncommitted file removes its temporary file.</summary>
    public void Dispose() => _file?.Dispose();
}
