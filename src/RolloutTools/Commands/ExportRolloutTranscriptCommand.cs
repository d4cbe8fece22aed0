using System.Management.Automation;
using RolloutTools.Core.Export;
using RolloutTools.Encodings;

namespace RolloutTools.Commands;

/// <summary>
/// Writes one transcript file per record into a folder, named by date, title and id. Each file is written
/// as an <see cref="ExportFile"/> (under a temporary name, renamed into place), so none is ever left half-written.
/// </summary>
[Cmdlet(VerbsData.Export, "RolloutTranscript", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportRolloutTranscriptCommand : TranscriptCommandBase
{
    private string? _folder;
    private readonly HashSet<string> _written = new(StringComparer.OrdinalIgnoreCase);
    private readonly StaleFileSweep _staleFiles = new();

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    [Parameter]
    [Alias("NoOverwrite")]
    public SwitchParameter NoClobber { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [EncodingTransformation]
    [ArgumentCompleter(typeof(EncodingCompleter))]
    public System.Text.Encoding Encoding { get; set; } = OutputFile.DefaultEncoding;

    /// <summary>Writes each file written, as Export-AgentRollout and Export-Csv do; without it, nothing.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
        if (File.Exists(_folder))
        {
            ThrowTerminatingError(new ErrorRecord(new IOException($"'{_folder}' is a file; -Destination takes a folder."), "RolloutExportPathIsFile", ErrorCategory.InvalidArgument, _folder));
        }
    }

    protected override void ProcessRecord()
    {
        if (InputObject is not { } record || _folder is null) return;
        var path = Path.Combine(_folder, Transcript.FileName(record, As));
        if (OutputFile.Refusal(path, NoClobber, Force, append: false) is { } refusal)
        {
            WriteError(refusal);
            return;
        }
        if (!ShouldProcess(path, "Write rollout transcript")) return;
        var text = Transcript.Render(record, As, Options);
        try
        {
            Directory.CreateDirectory(_folder);
            using var file = OutputFile.Open(this, path, append: false, Encoding, _staleFiles);
            file.WriteText(text);
            file.Commit();
        }
        catch (ExportFileException e)
        {
            WriteError(OutputFile.Failure(e));
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder could not be created.
            WriteError(new ErrorRecord(e, "RolloutExportError", ErrorCategory.WriteError, path));
            return;
        }
        if (!_written.Add(path)) WriteWarning($"'{path}' was written twice in this run (the same trace read twice?); the later record's transcript replaced the earlier.");
        if (PassThru) WriteObject(new FileInfo(path));
    }
}
