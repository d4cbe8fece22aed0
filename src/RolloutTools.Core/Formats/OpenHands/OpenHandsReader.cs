using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.OpenHands;

/// <summary>
/// OpenHands (All-Hands-AI, now OpenHands/OpenHands): one record per conversation folder, of either generation
/// (see <see cref="OpenHandsHome"/>), and per saved trajectory. A conversation is many files, one per event: the
/// file that stands for it is base_state.json (V1) or events/0.json (legacy), every other event file and the
/// files beside them are read with it and never alone. A trajectory is any .json holding one JSON array of
/// legacy events; since its name is the session's and its first object is indented, neither name nor head can
/// tell it: it is read with -Format OpenHands.
/// </summary>
public sealed class OpenHandsReader : IRolloutReader
{
    /// <summary>The CLI's conversations folder (OpenHands-CLI locations.py), V1.</summary>
    public const string ConversationsVariable = "OPENHANDS_CONVERSATIONS_DIR";

    /// <summary>The CLI's home (~/.openhands), holding conversations/ when <see cref="ConversationsVariable"/> is unset.</summary>
    public const string PersistenceVariable = "OPENHANDS_PERSISTENCE_DIR";

    /// <summary>The legacy file store (file_store_path in config.toml), holding sessions/.</summary>
    public const string FileStoreVariable = "FILE_STORE_PATH";

    public RolloutFormat Format => RolloutFormat.OpenHands;

    public string SourceKind => OpenHandsRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { OpenHandsHome.BaseStateName, OpenHandsHome.FirstLegacyEventName };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    /// <summary>The V1 conversations folder (the CLI's), then the legacy sessions folder of the local file store.</summary>
    public IReadOnlyList<string> DefaultLocations() => new[] { OpenHandsHome.Conversations(), OpenHandsHome.Sessions() };

    public bool IsTraceFile(string path) => OpenHandsHome.Classify(path) is OpenHandsFile.BaseState or OpenHandsFile.FirstLegacyEvent;

    public bool IsSidecarFile(string path) => OpenHandsHome.Classify(path) is OpenHandsFile.Event or OpenHandsFile.ConversationSidecar;

    /// <summary>A conversations or sessions folder (holding conversation folders), or the OpenHands home holding them.</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), OpenHandsHome.IsLaidOut);

    /// <summary>
    /// One conversation per folder directly below the store: base_state.json one level down, events/0.json two, and a
    /// V1 sub-agent's base_state.json three (&lt;id&gt;/subagents/&lt;sub-agent&gt;/).
    /// </summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 3);

    /// <summary>The conversation, named by its folder (a sub-agent's also by its parent's), depending on its event files (and metadata.json) for its activity.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        var kind = OpenHandsHome.Classify(path);
        if (kind is not (OpenHandsFile.BaseState or OpenHandsFile.FirstLegacyEvent)) return new[] { SessionReference.OfFile(path, this) };
        var full = Path.GetFullPath(path);
        var events = kind == OpenHandsFile.BaseState ? Path.Combine(Path.GetDirectoryName(full)!, OpenHandsHome.EventsFolder) : Path.GetDirectoryName(full)!;
        var folder = kind == OpenHandsFile.BaseState ? Path.GetDirectoryName(full)! : Path.GetDirectoryName(events)!;
        var files = Directory.Exists(events)
            ? OpenHandsEventLog.EventFiles(events, kind == OpenHandsFile.BaseState ? OpenHandsHome.SdkOrder : OpenHandsHome.LegacyOrder)
            : Array.Empty<string>();
        var metadata = Path.Combine(folder, OpenHandsHome.MetadataName);
        var beside = files.Where(f => !f.Equals(full, StringComparison.Ordinal)).Concat(File.Exists(metadata) ? new[] { metadata } : Array.Empty<string>()).ToArray();
        return new[] { SessionReference.OfFile(path, this, OpenHandsHome.IdsOf(folder).Named) with { DependsOn = beside } };
    }

    /// <summary>
    /// base_state.json by its fields, and the first event of a legacy conversation, the system prompt OpenHands
    /// writes as its event 0 (an action "system" with args). The other event files are read with their
    /// conversation, never alone, so no shape of theirs claims a file.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Has("id") && head.Has("agent") && (head.Has("workspace") || head.Has("execution_status") || head.Has("stats"))) return DetectionScore.Certain;
        return head.String("action") == "system" && head.Has("source") && head.Has("timestamp") && head.Has("args") ? DetectionScore.Certain : DetectionScore.None;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IRolloutScan
    {
        public ReadResult Read(TraceSource source, CancellationToken cancellation) => OpenHandsRecords.Read(source, cancellation);
    }
}
