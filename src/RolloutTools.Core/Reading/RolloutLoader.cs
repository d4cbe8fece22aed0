using System.Text.Json;
using RolloutTools.Core.Formats;

namespace RolloutTools.Core.Reading;

/// <summary>One trace to read, and the format to read it as.</summary>
public sealed record TraceRequest(TraceSource Source, IRolloutReader Reader);

/// <summary>Limits on what a run returns.</summary>
public sealed record ReadOptions
{
    /// <summary>Only traces with activity at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only traces with activity at or before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    public int DegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>
/// Reads many traces in parallel and hands the results back in request order. One bad file never stops
/// the others: its failure becomes a diagnostic on its own result.
/// </summary>
public static class RolloutLoader
{
    /// <summary>A file last written this long before -Since may still hold later timestamps (clock skew, another machine).</summary>
    private static readonly TimeSpan ModifiedTimeSlack = TimeSpan.FromDays(1);

    public static IEnumerable<ReadResult> ReadAll(IReadOnlyList<TraceRequest> requests, ReadOptions options, CancellationToken cancellation)
    {
        var wanted = new List<TraceRequest>(requests.Count);
        var skipped = new Dictionary<TraceRequest, ReadResult>();
        foreach (var request in requests)
        {
            if (options.Since is { } since && request.Source.IsFile && File.Exists(request.Source.DisplayPath)
                && File.GetLastWriteTimeUtc(request.Source.DisplayPath) < since.UtcDateTime - ModifiedTimeSlack)
            {
                skipped[request] = new ReadResult(request.Source, null, "it was last written before -Since", Array.Empty<RolloutDiagnostic>());
            }
            else
            {
                wanted.Add(request);
            }
        }

        var scans = wanted
            .GroupBy(r => r.Reader)
            .ToDictionary(g => g.Key, g => g.Key.BeginScan(g.Select(r => r.Source).ToArray(), cancellation));

        return OrderedParallel.Select(
            requests,
            (request, token) => skipped.TryGetValue(request, out var result) ? result : Filter(Read(scans[request.Reader], request.Source, token), options),
            options.DegreeOfParallelism,
            cancellation);
    }

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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return Failed(source, RolloutDiagnostic.ReadError, $"cannot read: {e.Message}");
        }
    }

    private static ReadResult Failed(TraceSource source, string errorId, string detail)
    {
        var diagnostics = new DiagnosticList(source.DisplayPath);
        diagnostics.Error(errorId, null, detail);
        return new ReadResult(source, null, null, diagnostics.Items);
    }

    private static ReadResult Filter(ReadResult result, ReadOptions options)
    {
        if (result.Record is not { } record) return result;
        if (options.Since is { } since && !(record.EndedAt >= since))
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
