using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.CopilotChat;

/// <summary>
/// VS Code's Chat view (GitHub Copilot Chat's agent, edit and ask modes, and any other chat participant): one
/// record per session file, &lt;session id&gt;.json or .jsonl, in the chatSessions folder of each workspace's storage
/// and in emptyWindowChatSessions (<see cref="CopilotChatHome"/>), in every VS Code-family user data dir.
/// </summary>
public sealed class CopilotChatReader : IRolloutReader
{
    public RolloutFormat Format => RolloutFormat.CopilotChat;

    public string SourceKind => CopilotChatSession.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "*.json", "*.jsonl" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => CopilotChatHome.Locations();

    /// <summary>A workspaceStorage or emptyWindowChatSessions folder, or a user data dir (or its User folder) holding them.</summary>
    public IReadOnlyList<string> StoresIn(string folder)
    {
        var stores = AgentStore.In(folder, DefaultLocations(), CopilotChatHome.IsLaidOut);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        // The folder is a store itself; else both stores of a user folder count, emptyWindowChatSessions lying a level deeper.
        if (stores.Count == 1 && stores[0] == full) return stores;
        var held = CopilotChatHome.StoresUnder(full);
        return held.Count > 0 ? held : stores;
    }

    /// <summary>&lt;workspace id&gt;/chatSessions/&lt;file&gt; in workspaceStorage, files at the top of emptyWindowChatSessions.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) =>
        SessionLocator.InStore(this, store, search, registry, maxDepth: CopilotChatHome.Depth(store));

    /// <summary>A session file is named after its session.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => new[] { SessionReference.OfFile(path, this, new NamedIds(Path.GetFileNameWithoutExtension(path))) };

    public bool IsTraceFile(string path) => CopilotChatHome.IsSessionFile(path);

    public bool IsSidecarFile(string path) => false;

    /// <summary>
    /// The .json form's keys: responderUsername beside requests, version or initialLocation (no other agent writes a
    /// responder's name). The .jsonl form's first line is {"kind":0,"v":{…}}, which says less: likely, not certain.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Has("responderUsername") && (head.Has("requests") || head.Has("version") || head.Has("initialLocation"))) return DetectionScore.Certain;
        return head.Has("kind") && head.Has("v") && head.Properties.Count == 2 && head.String("kind") is null ? DetectionScore.Likely : DetectionScore.None;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan(sources, options?.IncludeAbandoned ?? false);

    /// <summary>
    /// When a window moves from one workspace to another (or from none to one), VS Code copies its sessions to the new
    /// store and keeps the old files (chatSessionStore.ts, migrateSessionsToNewWorkspace): one session in two stores.
    /// Each copy is read, and names the others the scan holds, so a caller can keep one.
    /// </summary>
    private sealed class Scan : IRolloutScan
    {
        private readonly ILookup<string, string> _filesById;
        private readonly bool _includeAbandoned;

        public Scan(IReadOnlyList<TraceSource> sources, bool includeAbandoned)
        {
            _includeAbandoned = includeAbandoned;
            _filesById = sources.Where(s => s.IsFile).ToLookup(s => Path.GetFileNameWithoutExtension(s.Path), s => Path.GetFullPath(s.Path), StringComparer.Ordinal);
        }

        public ReadResult Read(TraceSource source, CancellationToken cancellation)
        {
            if (!source.IsFile) return CopilotChatSession.Read(source, Array.Empty<string>(), _includeAbandoned, cancellation);
            var folder = Path.GetDirectoryName(Path.GetFullPath(source.Path));
            var copies = _filesById[Path.GetFileNameWithoutExtension(source.Path)].Where(other => Path.GetDirectoryName(other) != folder && !CopilotChatSession.IsStaleCopy(other)).Order(StringComparer.Ordinal).ToArray();
            return CopilotChatSession.Read(source, copies, _includeAbandoned, cancellation);
        }
    }
}
