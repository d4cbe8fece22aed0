using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Reading;

/// <summary>A file or folder to read, or, when <paramref name="Path"/> is null, the default locations.</summary>
/// <param name="Path">A file system path, already resolved.</param>
/// <param name="Formats">Only these formats (see <see cref="ReadPlan.AddPath"/>); null or empty for any.</param>
public sealed record ReadSource(string? Path, IReadOnlyList<RolloutFormat>? Formats = null);

/// <summary>Text handed over in memory (piped JSONL lines), read as the format named or as its content says.</summary>
/// <param name="Name">The name it goes by in errors: the file it came from, or "&lt;pipeline&gt;".</param>
public sealed record ReadText(string Name, byte[] Content, RolloutFormat? Format = null);

/// <summary>
/// A run of a <see cref="ReadPlan"/> as values: what to read and how. It runs in this process
/// (<see cref="Events"/>) or, sent over a pipe, in the native reader (Native.NativeReader), which gives the same
/// events; the reading cmdlets bind their parameters to one and write what it gives.
/// </summary>
public sealed record ReadRequest
{
    /// <summary>The paths and default locations, in the order given.</summary>
    public IReadOnlyList<ReadSource> Sources { get; init; } = Array.Empty<ReadSource>();

    /// <summary>Text read after the sources; only a run in this process takes it.</summary>
    public IReadOnlyList<ReadText> Texts { get; init; } = Array.Empty<ReadText>();

    /// <inheritdoc cref="ReadPlan.Search"/>
    public TraceSearch Search { get; init; } = new();

    /// <inheritdoc cref="ReadPlan.Ids"/>
    public IReadOnlyList<string>? Ids { get; init; }

    /// <inheritdoc cref="ReadPlan.Partition"/>
    public SessionPartition? Partition { get; init; }

    /// <inheritdoc cref="ReadPlan.Force"/>
    public bool Force { get; init; }

    public ReadOptions Options { get; init; } = new();

    /// <summary>Whether there is anything to read.</summary>
    public bool IsEmpty => Sources.Count == 0 && Texts.Count == 0;

    /// <summary>
    /// Runs the request in this process: the problems met queueing each source, then each trace's result as it is
    /// ready (in order, with how far the run has come), then what was asked for and not found.
    /// </summary>
    public IEnumerable<ReadEvent> Events(CancellationToken cancellation, FormatRegistry? registry = null)
    {
        var plan = new ReadPlan(registry ?? FormatRegistry.Default) { Search = Search, Ids = Ids, Partition = Partition, Force = Force };
        foreach (var source in Sources)
        {
            var problems = source.Path is null ? plan.AddDefaultLocations(source.Formats) : plan.AddPath(source.Path, source.Formats);
            foreach (var problem in problems) yield return new ReadProblem(problem);
        }
        foreach (var text in Texts) plan.AddText(text.Name, text.Content, text.Format);
        foreach (var step in plan.ReadCounted(Options, cancellation)) yield return new ReadStep(step);
        foreach (var problem in plan.NotFound()) yield return new ReadProblem(problem);
    }
}

/// <summary>What a run gives, as it goes.</summary>
public abstract record ReadEvent;

/// <summary>A problem or note met finding traces, or a session asked for and not found.</summary>
public sealed record ReadProblem(RolloutDiagnostic Diagnostic) : ReadEvent;

/// <summary>One trace's result, and how far the run has come.</summary>
public sealed record ReadStep(ReadProgress Progress) : ReadEvent;
