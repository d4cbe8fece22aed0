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
/// What the reading cmdlets share: resolving paths through the provider, and writing what Core's read plan
/// gives as records, errors, warnings, verbose notes and progress.
/// </summary>
public abstract class RolloutCommandBase : PSCmdlet
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);
    private readonly CancellationTokenSource _stopping = new();
    private ReadPlan? _plan;

    protected CancellationToken Cancellation => _stopping.Token;

    /// <summary>What this command reads; made on first use, from the parameters bound by then.</summary>
    protected ReadPlan Plan => _plan ??= CreatePlan();

    protected abstract ReadPlan CreatePlan();

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

    /// <summary>Writes what the plan met while queueing: errors, warnings and verbose notes.</summary>
    protected void WriteProblems(IEnumerable<RolloutDiagnostic> problems)
    {
        foreach (var problem in problems) WriteDiagnostic(problem);
    }

    /// <summary>What becomes of each record read: written to the pipeline, unless the command consumes it.</summary>
    protected virtual void OnRecord(RolloutRecord record) => WriteObject(record);

    /// <summary>Reads everything queued, in parallel, writing each record as soon as it and those before it are done.</summary>
    protected void ReadQueued(ReadOptions options)
    {
        var total = Plan.Requests.Count;
        if (total == 0) return;

        var progress = new ProgressRecord(1, "Reading agent rollouts", $"{total} files");
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var done = 0;
        var unrecognized = 0;
        try
        {
            TraceSource? previous = null;
            foreach (var result in Plan.Read(options, Cancellation))
            {
                // A dataset yields many results for one request; progress counts requests.
                if (!ReferenceEquals(result.Source, previous)) done++;
                previous = result.Source;
                WriteDiagnostics(result);
                if (result.SkipReason is { } reason) WriteVerbose($"Skipped '{result.Source.Path}': {reason}.");
                if (result.IsUnrecognized) unrecognized++;
                if (result.Record is { } record) OnRecord(record);
                if (total > 1 && clock.Elapsed - lastReport >= ProgressInterval)
                {
                    lastReport = clock.Elapsed;
                    progress.PercentComplete = done * 100 / total;
                    progress.StatusDescription = $"{done} of {total}: {Path.GetFileName(result.Source.Path)}";
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
        foreach (var diagnostic in result.Diagnostics) WriteDiagnostic(diagnostic);
    }

    private void WriteDiagnostic(RolloutDiagnostic diagnostic)
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
