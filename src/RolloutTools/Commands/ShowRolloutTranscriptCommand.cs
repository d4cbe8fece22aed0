using System.Management.Automation;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;

namespace RolloutTools.Commands;

/// <summary>
/// Opens records' HTML transcripts in the default browser, as Invoke-Item opens a file: each page is written to a
/// new private temporary folder (or -Destination) and handed to the file system provider's default action. Records
/// of one session are held until the next session's begin, as Export-RolloutTranscript holds them, so a subagent
/// shown with its session is linked from the call that spawned it.
/// </summary>
[Cmdlet(VerbsCommon.Show, "RolloutTranscript", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ShowRolloutTranscriptCommand : TranscriptOptionsCommandBase
{
    private readonly List<RolloutRecord> _held = new();
    private readonly StaleFileSweep _staleFiles = new();
    private string? _folder;

    /// <summary>The folder the pages are written to; without it, a new temporary folder that only you can read.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    /// <summary>Writes each page opened.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        if (Destination is null) return;
        _folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
        if (File.Exists(_folder))
        {
            ThrowTerminatingError(new ErrorRecord(new IOException($"'{_folder}' is a file; -Destination takes a folder."), "RolloutExportPathIsFile", ErrorCategory.InvalidArgument, _folder));
        }
    }

    protected override void ProcessRecord()
    {
        if (InputObject is not { } record) return;
        if (_held.Count > 0 && (_held[0].Format != record.Format || _held[0].RootSessionId != record.RootSessionId)) ShowHeld();
        _held.Add(record);
    }

    protected override void EndProcessing() => ShowHeld();

    private void ShowHeld()
    {
        var pages = TranscriptSet.Separate(_held, TranscriptFormat.Html, Options);
        _held.Clear();
        foreach (var page in pages)
        {
            // The temporary folder's name is not known before it is made; -WhatIf names the page alone.
            var shown = _folder is null ? page.FileName : Path.Combine(_folder, page.FileName);
            if (!ShouldProcess(shown, "Open rollout transcript in the default browser")) continue;
            if (Write(page) is not { } path) continue;
            try
            {
                SessionState.InvokeProvider.Item.Invoke(new[] { path }, true);
            }
            catch (ProviderInvocationException e)
            {
                WriteError(new ErrorRecord(e, "RolloutTranscriptOpenFailed", ErrorCategory.OpenError, path));
                continue;
            }
            if (PassThru) WriteObject(new FileInfo(path));
        }
    }

    private string? Write(TranscriptPage page)
    {
        string? path = null;
        try
        {
            // Directory.CreateTempSubdirectory makes the folder readable by its owner alone on Unix.
            _folder ??= Directory.CreateTempSubdirectory("RolloutTools-").FullName;
            Directory.CreateDirectory(_folder);
            path = Path.Combine(_folder, page.FileName);
            using var file = OutputFile.Open(this, path, append: false, OutputFile.DefaultEncoding, _staleFiles);
            file.WriteText(page.Render());
            file.Commit();
            return path;
        }
        catch (ExportFileException e)
        {
            WriteError(OutputFile.Failure(e));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, "RolloutExportError", ErrorCategory.WriteError, path ?? _folder));
        }
        return null;
    }
}
