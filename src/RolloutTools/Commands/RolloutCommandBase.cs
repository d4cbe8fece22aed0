using System.Collections.ObjectModel;
using Stopwatch = System.Diagnostics.Stopwatch;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;
using RolloutTools.Core.Native;
using RolloutTools.Core.Reading;

namespace RolloutTools.Commands;

/// <summary>
/// What the reading cmdlets share: resolving paths through the provider, and writing what Core's read plan
/// gives as records, errors, warnings, verbose notes and progress.
/// </summary>
public abstract class RolloutCommandBase : PSCmdlet
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<ReadSource> _sources = new();
    private bool _sawPath;
    private int _eventsWritten;

    protected CancellationToken Cancellation => _stopping.Token;

    /// <summary>The paths and default locations queued so far, in order.</summary>
    protected IReadOnlyList<ReadSource> Sources => _sources;

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
    /// Queues the paths bound in this call (literal ones when given, else -Path with wildcards). With no path at
    /// all in the whole run, queues every format's own folders (or those of the formats named), searched all the way down.
    /// </summary>
    protected void QueuePaths(string[]? path, string[]? literalPath, RolloutFormat[]? formats)
    {
        var paths = literalPath is not null
            ? literalPath.SelectMany(ResolveLiteralPath)
            : (path ?? Array.Empty<string>()).SelectMany(ResolvePath);
        foreach (var resolved in paths)
        {
            _sawPath = true;
            QueuePath(resolved, formats);
        }
        if (path is null && literalPath is null && !_sawPath) _sources.Add(new ReadSource(null, formats));
    }

    /// <summary>Queues a file system path; what finding its traces meets is written when it is read.</summary>
    protected void QueuePath(string path, RolloutFormat[]? formats) => _sources.Add(new ReadSource(path, formats));

    /// <summary>
    /// Reads what is queued with the settings given, in parallel, writing each record as soon as it and those
    /// before it are done, then what was asked for and not found.
    /// </summary>
    protected void ReadQueued(ReadRequest settings)
    {
        var request = settings with { Sources = _sources.ToArray() };
        _sources.Clear();
        if (request.IsEmpty) return;
        // Text handed over in memory (ConvertTo-RolloutRecord's piped lines) is this process's alone.
        Run(request.Texts.Count == 0 ? reader => NativeReader.Events(reader, request, Cancellation) : null, () => request.Events(Cancellation));
    }

    /// <summary>
    /// Runs a request in the native reader where one ships for this platform, else in this process, writing every
    /// event as it comes. A reader that fails before its first event (it cannot start; the request holds what only
    /// this process has) leaves the run to this process; one that fails later ends the command, since what it
    /// wrote cannot be taken back.
    /// </summary>
    /// <param name="native">The run in the native reader; null to run in this process in any case.</param>
    protected void Run(Func<string, IEnumerable<ReadEvent>>? native, Func<IEnumerable<ReadEvent>> inProcess)
    {
        if (native is not null && NativeReader.Locate() is { } reader)
        {
            WriteVerbose($"Reading with the native reader '{reader}'; {NativeReader.SwitchVariable}=0 reads in this process instead.");
            try
            {
                Write(native(reader));
                return;
            }
            catch (NativeReaderException e) when (_eventsWritten == 0)
            {
                WriteVerbose($"{e.Message} Reading in this process instead.");
            }
            catch (NativeReaderException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, "RolloutNativeReaderFailed", ErrorCategory.ReadError, reader));
            }
        }
        Write(inProcess());
    }

    private void Write(IEnumerable<ReadEvent> events)
    {
        using var results = new ResultWriter(this);
        try
        {
            foreach (var readEvent in events)
            {
                _eventsWritten++;
                switch (readEvent)
                {
                    case ReadProblem problem:
                        WriteDiagnostic(problem.Diagnostic);
                        break;
                    case ReadStep step:
                        results.Write(step.Progress);
                        break;
                    default:
                        throw new InvalidOperationException($"A run gave a {readEvent.GetType().Name}, which no reading command writes.");
                }
            }
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>
    /// Writes what a run gives, trace by trace: its problems, what it skipped, its record and the progress; when
    /// disposed, how many files no format recognised, and the end of the progress.
    /// </summary>
    private sealed class ResultWriter : IDisposable
    {
        private readonly RolloutCommandBase _command;
        private readonly ProgressRecord _progress = new(1, "Reading agent rollouts", "Starting");
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _lastReport = TimeSpan.Zero;
        private int _unrecognized;

        public ResultWriter(RolloutCommandBase command)
        {
            _command = command;
        }

        public void Write(ReadProgress step)
        {
            var result = step.Result;
            _command.WriteDiagnostics(result);
            if (result.SkipMessage is { } skipped) _command.WriteVerbose(skipped);
            if (result.IsUnrecognized) _unrecognized++;
            if (result.Record is { } record) _command.WriteRecord(record);
            if (step.Total > 1 && _clock.Elapsed - _lastReport >= ProgressInterval)
            {
                _lastReport = _clock.Elapsed;
                _progress.PercentComplete = step.Done * 100 / step.Total;
                _progress.StatusDescription = $"{step.Done} of {step.Total}: {Path.GetFileName(result.Source.Path)}";
                _command.WriteProgress(_progress);
            }
        }

        public void Dispose()
        {
            if (_unrecognized > 0)
            {
                _command.WriteWarning($"Skipped {_unrecognized} file(s) that are not agent traces: no format recognises their content. -Verbose names them.");
            }
            if (_lastReport > TimeSpan.Zero)
            {
                _progress.RecordType = ProgressRecordType.Completed;
                _command.WriteProgress(_progress);
            }
        }
    }

    /// <summary>What a command writes for each record read: the record itself, unless it writes something made from it.</summary>
    protected virtual void WriteRecord(RolloutRecord record) => WriteObject(record);

    private void WriteDiagnostics(ReadResult result)
    {
        foreach (var diagnostic in result.Diagnostics) WriteDiagnostic(diagnostic);
    }

    protected void WriteDiagnostic(RolloutDiagnostic diagnostic)
    {
        switch (diagnostic.Severity)
        {
            case DiagnosticSeverity.Note:
                WriteVerbose(diagnostic.Message);
                return;
            case DiagnosticSeverity.Warning:
                WriteWarning(diagnostic.Message);
                return;
        }
        var category = diagnostic.ErrorId switch
        {
            _ when diagnostic.IsAccessDenied => ErrorCategory.PermissionDenied,
            RolloutDiagnostic.FileNotFound or RolloutDiagnostic.SessionNotFound => ErrorCategory.ObjectNotFound,
            RolloutDiagnostic.ReadError or RolloutDiagnostic.FolderUnreadable => ErrorCategory.ReadError,
            _ => ErrorCategory.InvalidData,
        };
        WriteError(new ErrorRecord(new RolloutReadException(diagnostic), diagnostic.ErrorId, category, diagnostic.Path));
    }

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
