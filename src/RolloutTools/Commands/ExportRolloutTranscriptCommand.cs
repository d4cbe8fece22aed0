using System.Management.Automation;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;
using RolloutTools.Encodings;

namespace RolloutTools.Commands;

/// <summary>
/// Writes transcripts into a folder, one file per record (named by date, title and id) or, with -Combined, one per
/// project, and an index of the folder's sessions (index.html or index.md, kept with index.json; see
/// <see cref="TranscriptIndex"/>). Every file is written as an <see cref="ExportFile"/> (under a temporary name,
/// renamed into place), so none is ever left half-written.
/// Records of one session (a session and its subagents) arrive together from Get-AgentRollout; they are held until
/// the next session's begin, so that a call that spawned a subagent can link to the subagent's transcript. -Combined
/// holds every record until the end: a project's page needs all its sessions.
/// </summary>
[Cmdlet(VerbsData.Export, "RolloutTranscript", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportRolloutTranscriptCommand : TranscriptCommandBase
{
    private string? _folder;
    private readonly HashSet<string> _written = new(StringComparer.OrdinalIgnoreCase);
    private readonly StaleFileSweep _staleFiles = new();
    private readonly List<RolloutRecord> _held = new();
    private readonly List<TranscriptIndexEntry> _indexed = new();
    private bool _offered;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    /// <summary>One page per project, its sessions in time order under a table of contents.</summary>
    [Parameter]
    public SwitchParameter Combined { get; set; }

    [Parameter]
    [Alias("NoOverwrite")]
    public SwitchParameter NoClobber { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [EncodingTransformation]
    [ArgumentCompleter(typeof(EncodingCompleter))]
    public System.Text.Encoding Encoding { get; set; } = OutputFile.DefaultEncoding;

    /// <summary>Writes each transcript written, then the index page, as Export-Csv -PassThru would; without it, nothing.</summary>
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
        if (InputObject is not { } record) return;
        if (!Combined && _held.Count > 0 && (_held[0].Format != record.Format || _held[0].RootSessionId != record.RootSessionId)) WriteHeld();
        _held.Add(record);
    }

    protected override void EndProcessing()
    {
        WriteHeld();
        WriteIndex();
    }

    private void WriteHeld()
    {
        var pages = Combined ? TranscriptSet.Combined(_held, As, Options) : TranscriptSet.Separate(_held, As, Options);
        _held.Clear();
        foreach (var page in pages) WritePage(page);
    }

    private void WritePage(TranscriptPage page)
    {
        var path = Path.Combine(_folder!, page.FileName);
        if (OutputFile.Refusal(path, NoClobber, Force, append: false) is { } refusal)
        {
            WriteError(refusal);
            return;
        }
        _offered = true;
        if (!ShouldProcess(path, "Write rollout transcript")) return;
        if (!Write(path, page.Render(), Encoding)) return;
        _indexed.AddRange(page.Sessions);
        if (!_written.Add(path)) WriteWarning($"'{path}' was written twice in this run (the same trace read twice?); the later record's transcript replaced the earlier.");
        if (PassThru) WriteObject(new FileInfo(path));
    }

    /// <summary>The index page and its manifest, merged with what earlier exports into the folder listed.</summary>
    private void WriteIndex()
    {
        // Under -WhatIf no transcript is written, but the index would be, and is named.
        if (!_offered) return;
        var page = Path.Combine(_folder!, TranscriptIndex.PageName(As));
        var manifest = Path.Combine(_folder!, TranscriptIndex.ManifestName);
        foreach (var path in new[] { page, manifest })
        {
            if (OutputFile.Refusal(path, noClobber: false, Force, append: false) is { } refusal)
            {
                WriteError(refusal);
                return;
            }
        }
        if (!ShouldProcess(page, "Write transcript index")) return;
        var index = ReadManifest(manifest).Merge(_indexed, name => File.Exists(Path.Combine(_folder!, name)));
        if (!Write(manifest, index.ToJson(), OutputFile.DefaultEncoding) || !Write(page, index.Render(As), Encoding)) return;
        WriteVerbose($"The index '{page}' lists {index.Entries.Count} session(s) ({_indexed.Count} written now).");
        if (PassThru) WriteObject(new FileInfo(page));
    }

    private TranscriptIndex ReadManifest(string path)
    {
        if (!File.Exists(path)) return TranscriptIndex.Empty;
        string? problem;
        TranscriptIndex index;
        try
        {
            index = TranscriptIndex.Parse(File.ReadAllText(path), out problem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            (index, problem) = (TranscriptIndex.Empty, e.Message);
        }
        if (problem is not null) WriteWarning($"The index '{path}' could not be read ({problem}); it is written anew and lists only the sessions written now.");
        return index;
    }

    private bool Write(string path, string text, System.Text.Encoding encoding)
    {
        try
        {
            Directory.CreateDirectory(_folder!);
            using var file = OutputFile.Open(this, path, append: false, encoding, _staleFiles);
            file.WriteText(text);
            file.Commit();
            return true;
        }
        catch (ExportFileException e)
        {
            WriteError(OutputFile.Failure(e));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder could not be created.
            WriteError(new ErrorRecord(e, "RolloutExportError", ErrorCategory.WriteError, path));
        }
        return false;
    }
}
