using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Amp;

/// <summary>
/// Amp (Sourcegraph, closed source): one record per thread, T-&lt;uuid&gt;.json in the threads folder of its data folder
/// (<see cref="AmpHome"/>), a JSON document Amp rewrites whole at every change (<see cref="AmpThread"/>).
/// </summary>
public sealed class AmpReader : IRolloutReader
{
    /// <summary>Moves Amp's data folder ($XDG_DATA_HOME/amp), on every OS.</summary>
    public const string DataHomeVariable = "XDG_DATA_HOME";

    public RolloutFormat Format => RolloutFormat.Amp;

    public string SourceKind => AmpThread.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "T-*.json" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => new[] { AmpHome.Default() };

    /// <summary>A threads folder holding thread files, or Amp's data folder (~/.local/share/amp) that holds one.</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), AmpHome.IsLaidOut);

    /// <summary>Threads sit at the top of the threads folder.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 0);

    /// <summary>A thread's file is named after its thread.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => new[] { SessionReference.OfFile(path, this, new NamedIds(Path.GetFileNameWithoutExtension(path))) };

    public bool IsTraceFile(string path) => AmpHome.IsThreadFile(path);

    public bool IsSidecarFile(string path) => false;

    /// <summary>
    /// A thread id (T- and a UUID) beside the thread's creation time, or beside the fields only Amp writes next to its
    /// messages (nextMessageId, agentMode); whatever the order, since the head may end inside the messages.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.String("id") is not { } id || !AmpHome.IsThreadId(id)) return DetectionScore.None;
        if (head.Has("nextMessageId") || head.Has("agentMode") || (head.Has("v") && head.Has("created"))) return DetectionScore.Certain;
        return head.Has("messages") || head.Has("created") ? DetectionScore.Likely : DetectionScore.None;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IRolloutScan
    {
        public ReadResult Read(TraceSource source, CancellationToken cancellation) => AmpThread.Read(source, cancellation);
    }
}
