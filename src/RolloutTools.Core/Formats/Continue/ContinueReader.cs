using System.Collections.Concurrent;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Continue;

/// <summary>
/// Continue (continuedev/continue), its VS Code and JetBrains extensions and its cn CLI: one record per
/// &lt;session id&gt;.json in the sessions folder of its global folder (<see cref="ContinueHome"/>), titled and dated
/// with the help of sessions.json beside them, which is read once per folder and run and is no session itself.
/// </summary>
public sealed class ContinueReader : IRolloutReader
{
    /// <summary>Continue's override of its global folder (core/util/paths.ts), a relative value taken from the working directory.</summary>
    public const string GlobalDirVariable = "CONTINUE_GLOBAL_DIR";

    public RolloutFormat Format => RolloutFormat.Continue;

    public string SourceKind => ContinueSession.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "*.json" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => new[] { ContinueHome.Default() };

    /// <summary>A sessions folder laid out as Continue's, or a global folder (~/.continue) that holds one.</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), ContinueHome.IsLaidOut);

    /// <summary>Sessions sit at the top of the sessions folder.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 0);

    /// <summary>A session file is named after its session.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => new[] { SessionReference.OfFile(path, this, new NamedIds(Path.GetFileNameWithoutExtension(path))) };

    public bool IsTraceFile(string path) => ContinueHome.IsSessionFile(path);

    /// <summary>sessions.json, in a sessions folder of Continue's.</summary>
    public bool IsSidecarFile(string path) => ContinueHome.IsIndex(path) && Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && ContinueHome.IsLaidOut(folder);

    /// <summary>
    /// The four keys HistoryManager.save writes first, in this order, whatever else follows: sessionId, title,
    /// workspaceDirectory and history. No other format writes workspaceDirectory beside a history.
    /// </summary>
    public int Score(JsonHead head) =>
        head.Has("sessionId") && head.Has("history") && head.Has("workspaceDirectory")
            ? head.Has("title") ? DetectionScore.Certain : DetectionScore.Likely
            : DetectionScore.None;

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IRolloutScan
    {
        /// <summary>Each folder's index, loaded once per run and reported once if damaged.</summary>
        private readonly ConcurrentDictionary<string, Sidecar<ContinueIndex>> _indexes = new(StringComparer.Ordinal);

        public ReadResult Read(TraceSource source, CancellationToken cancellation) => ContinueSession.Read(
            source, folder => _indexes.GetOrAdd(folder, f => SidecarFile.LoadDocument(ContinueHome.IndexIn(f), ContinueIndex.Read)), cancellation);
    }
}
