using System.Collections.ObjectModel;
using Stopwatch = System.Diagnostics.Stopwatch;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Commands;

/// <summary>
/// What the reading cmdlets share: resolving paths through the provider, turning files and folders into
/// read requests, and writing results as records, errors, warnings, verbose notes and progress.
/// </summary>
public abstract class RolloutCommandBase : PSCmdlet
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TraceRequest> _requests = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reportedFolders = new(StringComparer.Ordinal);

    protected CancellationToken Cancellation => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Resolves -Path style input: provider paths with wildcards. Missing paths are reported, not thrown.</summary>
    protected IEnumerable<string> ResolvePath(string path)
    {
        Collection<string> resolved;
        ProviderInfo provider;
        try
        {
            resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
        }
        catch (ItemNotFoundException e)
        {
            WriteError(new ErrorRecord(e, "RolloutFileNotFound", ErrorCategory.ObjectNotFound, path));
            return Array.Empty<string>();
        }
        catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException)
        {
            WriteError(new ErrorRecord(e, "RolloutFileNotFound", ErrorCategory.ObjectNotFound, path));
            return Array.Empty<string>();
        }
        return IsFileSystem(provider, path) ? resolved : Array.Empty<string>();
    }

    /// <summary>Resolves -LiteralPath style input: no wildcards; the item must exist.</summary>
    protected IEnumerable<string> ResolveLiteralPath(string path)
    {
        string resolved;
        ProviderInfo provider;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException)
        {
            WriteError(new ErrorRecord(e, "RolloutFileNotFound", ErrorCategory.ObjectNotFound, path));
            return Array.Empty<string>();
        }
        if (!IsFileSystem(provider, path)) return Array.Empty<string>();
        if (!File.Exists(resolved) && !Directory.Exists(resolved))
        {
            var e = new ItemNotFoundException($"Cannot find path '{resolved}' because it does not exist.");
            WriteError(new ErrorRecord(e, "RolloutFileNotFound", ErrorCategory.ObjectNotFound, path));
            return Array.Empty<string>();
        }
        return new[] { resolved };
    }

    private bool IsFileSystem(ProviderInfo provider, string path)
    {
        if (provider.ImplementingType == typeof(FileSystemProvider)) return true;
        var e = new ArgumentException($"'{path}' is not a file system path; rollouts are read from files.");
        WriteError(new ErrorRecord(e, "PathNotFileSystem", ErrorCategory.InvalidArgument, path));
        return false;
    }

    /// <summary>
    /// Queues a file, or a folder's trace files, for reading. With formats named, only those are read, and a
    /// file no format recognises is read as the named one; without, each file's content decides its format.
    /// A subfolder that cannot be listed is one error, and the rest is still read.
    /// </summary>
    /// <param name="force">Read every file as the one named format, whatever its content says.</param>
    protected void AddPath(string path, IReadOnlyList<IRolloutReader>? named, TraceSearch search, bool force = false)
    {
        var readers = named ?? FormatRegistry.All;
        if (Directory.Exists(path))
        {
            var found = TraceFileFinder.Find(path, readers, search);
            WriteUnreadable(found.UnreadableFolders);
            foreach (var file in found.Files) AddRequest(Request(TraceSource.FromFile(file.Path), named, file.Readers.Count == 1 ? file.Readers[0] : null, force));
            if (found.Files.Count == 0 && !search.Recurse && TraceFileFinder.HasDeeperTraces(path, readers, search.FollowLinks))
            {
                WriteWarning($"No trace files directly in '{path}'; its subfolders hold some. Add -Recurse to read them.");
            }
            return;
        }

        if (!TraceFileFinder.MatchesFilter(path, search.Filter))
        {
            WriteVerbose($"Skipped '{path}': its name does not match -Filter '{search.Filter}'.");
            return;
        }
        AddRequest(Request(TraceSource.FromFile(path), named, named is { Count: 1 } ? named[0] : null, force));
    }

    /// <summary>One error per folder a search could not list; each folder is reported once per command.</summary>
    protected void WriteUnreadable(IEnumerable<UnreadableFolder> folders)
    {
        foreach (var folder in folders.Where(f => _reportedFolders.Add(f.Path)))
        {
            var category = folder.Error is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.ReadError;
            WriteError(new ErrorRecord(new RolloutReadException(folder.Diagnostic), RolloutDiagnostic.FolderUnreadable, category, folder.Path));
        }
    }

    /// <param name="fallback">The format to read the file as when its content is recognised by none; only when formats are named.</param>
    private static TraceRequest Request(TraceSource source, IReadOnlyList<IRolloutReader>? named, IRolloutReader? fallback, bool force) => named switch
    {
        null => new TraceRequest(source),
        { Count: 1 } when force => new TraceRequest(source, named[0]),
        _ => new TraceRequest(source) { Allowed = named, Fallback = fallback },
    };

    protected void AddRequest(TraceRequest request)
    {
        if (!request.Source.IsFile || _seen.Add(request.Source.DisplayPath)) _requests.Add(request);
    }

    /// <summary>Reads everything queued, in parallel, writing each record as soon as it and those before it are done.</summary>
    protected void ReadQueued(ReadOptions options)
    {
        var requests = _requests.ToArray();
        _requests.Clear();
        if (requests.Length == 0) return;

        var progress = new ProgressRecord(1, "Reading agent rollouts", $"{requests.Length} files");
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var done = 0;
        var unrecognized = 0;
        try
        {
            TraceSource? previous = null;
            foreach (var result in RolloutLoader.ReadAll(requests, options, Cancellation))
            {
                // A dataset yields many results for one request; progress counts requests.
                if (!ReferenceEquals(result.Source, previous)) done++;
                previous = result.Source;
                WriteDiagnostics(result);
                if (result.SkipReason is { } reason) WriteVerbose($"Skipped '{result.Source.DisplayPath}': {reason}.");
                if (result.IsUnrecognized) unrecognized++;
                if (result.Record is { } record) WriteObject(record);
                if (requests.Length > 1 && clock.Elapsed - lastReport >= ProgressInterval)
                {
                    lastReport = clock.Elapsed;
                    progress.PercentComplete = done * 100 / requests.Length;
                    progress.StatusDescription = $"{done} of {requests.Length}: {Path.GetFileName(result.Source.DisplayPath)}";
                    WriteProgress(progress);
                }
            }
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            if (unrecognized > 0)
            {
                WriteWarning($"Skipped {unrecognized} file(s) that are not agent traces: no format recognises their content. -Verbose names them.");
            }
            if (lastReport > TimeSpan.Zero)
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
        }
    }

    private void WriteDiagnostics(ReadResult result)
    {
        foreach (var diagnostic in result.Diagnostics)
        {
            if (diagnostic.Severity == DiagnosticSeverity.Note)
            {
                WriteVerbose(diagnostic.Message);
                continue;
            }
            if (diagnostic.Severity == DiagnosticSeverity.Warning)
            {
                WriteWarning(diagnostic.Message);
                continue;
            }
            var category = diagnostic.ErrorId switch
            {
                RolloutDiagnostic.FileNotFound => ErrorCategory.ObjectNotFound,
                RolloutDiagnostic.ReadError => ErrorCategory.ReadError,
                _ => ErrorCategory.InvalidData,
            };
            var error = new ErrorRecord(new RolloutReadException(diagnostic), diagnostic.ErrorId, category, diagnostic.Path);
            WriteError(error);
        }
    }

    /// <summary>The readers of the formats a person named, or null when they named none.</summary>
    protected static IReadOnlyList<IRolloutReader>? Named(IEnumerable<RolloutFormat>? formats) =>
        formats?.Distinct().Select(FormatRegistry.Get).ToArray() is { Length: > 0 } readers ? readers : null;

    /// <summary>A DateTime without a zone is the person's local time, as everywhere in PowerShell.</summary>
    protected static DateTimeOffset? ToOffset(DateTime? time) => time is { } t
        ? new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Local) : t)
        : null;
}

/// <summary>The exception behind a per-file or per-line error record; it keeps the diagnostic for scripts.</summary>
public sealed class RolloutReadException : Exception
{
    public RolloutReadException(RolloutDiagnostic diagnostic)
        : base(diagnostic.Message)
    {
        Diagnostic = diagnostic;
    }

    public RolloutDiagnostic Diagnostic { get; }

    public string Path => Diagnostic.Path;

    public int? LineNumber => Diagnostic.LineNumber;
}
