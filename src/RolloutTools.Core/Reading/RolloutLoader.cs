using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Reading;

/// <summary>Limits on what a run returns.</summary>
public sealed record ReadOptions
{
    /// <summary>Only traces with activity at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only traces with activity at or before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    public int DegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Keep the branches a person left by rewinding or editing a prompt, marked IsAbandoned, in file order.</summary>
    public bool IncludeAbandoned { get; init; }

    /// <summary>For formats that keep a session as a tree (Pi): one record per branch, each leaf's path, instead of the active path only.</summary>
    public bool AllBranches { get; init; }

    /// <summary>
    /// Read a trajectory and the files that continue it (ATIF continued_trajectory_ref) as one record; the
    /// continuation files give no record of their own.
    /// </summary>
    public bool StitchContinuations { get; init; }

    /// <summary>
    /// Read only what a usage report needs where a format can tell it by its bytes (Claude Code and Codex: the lines
    /// that carry token counts, the model and the session). Records read so count every token the full read counts,
    /// at the same response's time and model, but list little beyond responses: they serve the usage meter, not people.
    /// </summary>
    public bool UsageOnly { get; init; }
}

/// <summary>
/// Reads many traces in parallel and hands the results back in request order. One bad file never stops
/// the others: its failure becomes a diagnostic on its own result.
/// </summary>
public static class RolloutLoader
{
    /// <summary>A file last written this long before -Since may still hold later timestamps (clock skew, another machine).</summary>
    private static readonly TimeSpan ModifiedTimeSlack = TimeSpan.FromDays(1);

    /// <param name="registry">The formats detection chooses among; the module's own when null.</param>
    public static IEnumerable<ReadResult> ReadAll(IReadOnlyList<SessionReference> requests, ReadOptions options, CancellationToken cancellation, FormatRegistry? registry = null)
    {
        registry ??= FormatRegistry.Default;
        var readers = new IRolloutReader?[requests.Count];
        var skipped = new ReadResult?[requests.Count];
        Parallel.For(0, requests.Count, new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = options.DegreeOfParallelism }, i =>
        {
            var request = requests[i];
            if (request.Source.IsFile && FileKinds.Of(request.Source.Path) is var kind and not (FileKind.Regular or FileKind.Missing))
            {
                // Named like a trace, found in a folder or named by the person: opening a FIFO would wait for ever.
                skipped[i] = Skipped(request.Source, $"it is {FileKinds.Describe(kind)}, not a regular file");
                return;
            }
            if (options.Since is { } since && request.Source.IsFile && File.Exists(request.Source.Path)
                && LastActivity(request) < since.UtcDateTime - ModifiedTimeSlack)
            {
                skipped[i] = Skipped(request.Source, request.LastActivity is null ? "it was last written before -Since" : "its store shows no activity since -Since");
                return;
            }
            (readers[i], skipped[i]) = Resolve(request, registry);
        });

        var scans = Enumerable.Range(0, requests.Count)
            .Where(i => readers[i] is not null)
            .GroupBy(i => readers[i]!)
            .ToDictionary(g => g.Key, g => g.Key.BeginScan(g.Select(i => requests[i].Source).ToArray(), cancellation, options));

        // A dataset's records are read lazily, as they are consumed; a trace is read whole on a worker.
        return OrderedParallel.Select(
                Enumerable.Range(0, requests.Count).ToArray(),
                (i, token) => skipped[i] is { } skip ? new[] { skip }
                    : scans[readers[i]!] is IMultiRecordScan many ? ReadEach(many, requests[i].Source, cancellation)
                    : new[] { Read(scans[readers[i]!], requests[i].Source, token) },
                options.DegreeOfParallelism,
                cancellation)
            .SelectMany(results => results.Select(result => Filter(result, options)));
    }

    private static IEnumerable<ReadResult> ReadEach(IMultiRecordScan scan, TraceSource source, CancellationToken cancellation)
    {
        IEnumerator<ReadResult> results;
        try
        {
            results = scan.ReadEach(source, cancellation).GetEnumerator();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new[] { Failed(source, RolloutDiagnostic.ReadError, $"cannot read: {e.Message}") };
        }
        return Drain(results, source);
    }

    /// <summary>A file that breaks while its records stream ends with one error; the records before it stand.</summary>
    private static IEnumerable<ReadResult> Drain(IEnumerator<ReadResult> results, TraceSource source)
    {
        using (results)
        {
            while (true)
            {
                ReadResult? next = null;
                var broken = false;
                try
                {
                    if (results.MoveNext()) next = results.Current;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    next = Failed(source, e is FileNotFoundException or DirectoryNotFoundException ? RolloutDiagnostic.FileNotFound : RolloutDiagnostic.ReadError, $"cannot read: {e.Message}");
                    broken = true;
                }
                if (next is null) yield break;
                yield return next;
                if (broken) yield break;
            }
        }
    }

    /// <summary>When the session last changed, as its store says, or else when its file or a file it depends on was last written.</summary>
    private static DateTime LastActivity(SessionReference session) => session.LastActivity?.UtcDateTime ?? session.DependsOn
        .Where(File.Exists)
        .Select(File.GetLastWriteTimeUtc)
        .Append(File.GetLastWriteTimeUtc(session.Source.Path))
        .Max();

    private static (IRolloutReader? Reader, ReadResult? Skipped) Resolve(SessionReference request, FormatRegistry registry)
    {
        if (request.Reader is { } named) return (named, null);
        var allowed = request.Allowed ?? registry.All;
        Detection detection;
        try
        {
            detection = FormatDetector.Detect(request.Source, registry.All);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reading it as any allowed format reports the problem with the file.
            return (request.Fallback ?? allowed[0], null);
        }
        if (detection.Reader is { } detected)
        {
            return allowed.Contains(detected)
                ? (detected, null)
                : (null, Skipped(request.Source, $"it is a {detected.Format} trace, and -Format asked for {string.Join(", ", allowed.Select(r => r.Format))}"));
        }

        // Empty, damaged or wrongly typed content: the format its name and place point to reads it and reports what is wrong.
        var claimed = request.Source.IsFile ? TraceFileFinder.Claim(request.Source.Path, allowed, strict: detection.IsForeign) : null;
        if ((claimed ?? request.Fallback) is { } fallback) return (fallback, null);
        return (null, Skipped(request.Source, "no format recognises its content") with { IsUnrecognized = true });
    }

    private static ReadResult Skipped(TraceSource source, string reason) => new(source, null, reason, Array.Empty<RolloutDiagnostic>());

    private static ReadResult Read(IRolloutScan scan, TraceSource source, CancellationToken cancellation)
    {
        try
        {
            return scan.Read(source, cancellation);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Failed(source, RolloutDiagnostic.FileNotFound, $"cannot read: the file no longer exists ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException || JsonLineReader.IsUnreadableValue(e))
        {
            // The last resort: whatever one file throws, the run goes on with the others.
            return Failed(source, RolloutDiagnostic.ReadError, $"cannot read: {e.Message}");
        }
    }

    private static ReadResult Failed(TraceSource source, string errorId, string detail)
    {
        var diagnostics = new DiagnosticList(source.Path);
        diagnostics.Error(errorId, null, detail);
        return new ReadResult(source, null, null, diagnostics.Items);
    }

    private static ReadResult Filter(ReadResult result, ReadOptions options)
    {
        if (result.Record is not { } record) return result;
        if (options.Since is { } since && !((record.EndedAt ?? record.StartedAt) >= since))
        {
            return result with { Record = null, SkipReason = "its last activity is before -Since" };
        }
        if (options.Until is { } until && !(record.StartedAt <= until))
        {
            return result with { Record = null, SkipReason = "its first activity is after -Until" };
        }
        return result;
    }
}
