using System.Text.RegularExpressions;
using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.OpenHands;

/// <summary>What an OpenHands file is, by its name and place.</summary>
internal enum OpenHandsFile
{
    /// <summary>None of OpenHands' conversation files.</summary>
    None,

    /// <summary>&lt;id&gt;/base_state.json: a conversation of the V1 SDK (the CLI, the agent server); its events lie in events/ beside it.</summary>
    BaseState,

    /// <summary>sessions/&lt;sid&gt;/events/0.json: the first event of a legacy conversation, which stands for the whole folder.</summary>
    FirstLegacyEvent,

    /// <summary>Another events/&lt;n&gt;.json of a legacy conversation, or an events/event-&lt;n&gt;-&lt;uuid&gt;.json of a V1 one.</summary>
    Event,

    /// <summary>A file a conversation folder keeps besides its events (metadata.json, event_cache pages, …).</summary>
    ConversationSidecar,
}

/// <summary>
/// Where OpenHands keeps its conversations, and how a conversation folder is laid out.
/// The V1 SDK (OpenHands/software-agent-sdk, conversation/persistence_const.py, event_store.py) writes
/// &lt;conversations dir&gt;/&lt;id hex&gt;/base_state.json and events/event-&lt;index, 5 digits or more&gt;-&lt;event id&gt;.json;
/// the CLI (OpenHands-CLI, locations.py) puts the conversations dir at ~/.openhands/conversations, moved by
/// OPENHANDS_CONVERSATIONS_DIR, or under OPENHANDS_PERSISTENCE_DIR. The legacy server and headless runs
/// (OpenHands/OpenHands, storage/locations.py, events/stream.py) write &lt;file store&gt;/sessions/&lt;sid&gt;/events/&lt;id&gt;.json,
/// one event per file named by its integer id from 0, with metadata.json and event_cache/&lt;start&gt;-&lt;end&gt;.json pages
/// beside them; the file store is ~/.openhands (core/config/openhands_config.py file_store_path), moved by FILE_STORE_PATH
/// (config/utils.py load_from_env reads every field from its upper-case name).
/// </summary>
internal static partial class OpenHandsHome
{
    public const string BaseStateName = "base_state.json";
    public const string FirstLegacyEventName = "0.json";
    public const string EventsFolder = "events";
    public const string MetadataName = "metadata.json";

    /// <summary>Files a legacy conversation folder keeps beside events/ (storage/locations.py); none is a trace.</summary>
    private static readonly HashSet<string> LegacySidecars = new(StringComparer.OrdinalIgnoreCase)
    {
        MetadataName, "init.json", "llm_registry.json", "exp_config.json",
    };

    /// <summary>The V1 conversations folder, as the CLI resolves it.</summary>
    public static string Conversations()
    {
        var configured = Environment.GetEnvironmentVariable(OpenHandsReader.ConversationsVariable);
        return string.IsNullOrWhiteSpace(configured) ? Path.Combine(AgentHome.Resolve(OpenHandsReader.PersistenceVariable, ".openhands"), "conversations") : configured;
    }

    /// <summary>The legacy sessions folder of the local file store.</summary>
    public static string Sessions() => Path.Combine(ExpandHome(AgentHome.Resolve(OpenHandsReader.FileStoreVariable, ".openhands")), "sessions");

    /// <summary>The file store path is written as "~/.openhands" in config.toml; LocalFileStore expands the ~.</summary>
    private static string ExpandHome(string path) => path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : string.Empty)
        : path;

    [GeneratedRegex(@"^event-(?<index>\d{5,})-[0-9a-fA-F\-]{8,}\.json$")]
    private static partial Regex SdkEventName();

    [GeneratedRegex(@"^(?<id>\d+)\.json$")]
    private static partial Regex LegacyEventName();

    [GeneratedRegex(@"^\d+-\d+\.json$")]
    private static partial Regex CachePageName();

    /// <summary>What a file is by its name and its folders' names; only base_state.json's siblings are looked at, for metadata.json and the like.</summary>
    public static OpenHandsFile Classify(string path)
    {
        var name = Path.GetFileName(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? string.Empty;
        var folderName = Path.GetFileName(folder);
        if (name.Equals(BaseStateName, StringComparison.OrdinalIgnoreCase)) return OpenHandsFile.BaseState;
        if (folderName.Equals(EventsFolder, StringComparison.OrdinalIgnoreCase))
        {
            if (name.Equals(FirstLegacyEventName, StringComparison.Ordinal)) return OpenHandsFile.FirstLegacyEvent;
            if (LegacyEventName().IsMatch(name) || SdkEventName().IsMatch(name)) return OpenHandsFile.Event;
        }
        if (folderName.Equals("event_cache", StringComparison.OrdinalIgnoreCase) && CachePageName().IsMatch(name)) return OpenHandsFile.ConversationSidecar;
        // Directory.Exists only for these few names: this runs for every file a folder search meets.
        return LegacySidecars.Contains(name) && Directory.Exists(Path.Combine(folder, EventsFolder)) ? OpenHandsFile.ConversationSidecar : OpenHandsFile.None;
    }

    /// <summary>The order of a legacy event file (its integer id), or null for another name.</summary>
    public static long? LegacyOrder(string name) =>
        LegacyEventName().Match(name) is { Success: true } m && long.TryParse(m.Groups["id"].ValueSpan, out var id) ? id : null;

    /// <summary>The order of a V1 event file (its index), or null for another name.</summary>
    public static long? SdkOrder(string name) =>
        SdkEventName().Match(name) is { Success: true } m && long.TryParse(m.Groups["index"].ValueSpan, out var index) ? index : null;

    /// <summary>
    /// The ids of the conversation a folder holds: its name, and for a V1 sub-agent's its parent's. The SDK's delegate
    /// and task tools persist a sub-agent's conversation under its parent's, as &lt;parent&gt;/subagents/&lt;id&gt;/
    /// (openhands-tools delegate/impl.py, task/manager.py).
    /// </summary>
    public static ConversationIds IdsOf(string folder)
    {
        var parent = Path.GetDirectoryName(folder);
        return Path.GetFileName(parent ?? string.Empty).Equals(SubagentsFolder, StringComparison.Ordinal) && Path.GetDirectoryName(parent!) is { } owner
            && File.Exists(Path.Combine(owner, BaseStateName))
            ? new ConversationIds(Path.GetFileName(folder), Path.GetFileName(owner))
            : new ConversationIds(Path.GetFileName(folder), null);
    }

    public const string SubagentsFolder = "subagents";

    /// <summary>A conversations or sessions folder: one holding a folder laid out as a conversation (base_state.json, or events/0.json).</summary>
    public static bool IsLaidOut(string folder) => AgentStore.HasFolder(folder, name =>
        File.Exists(Path.Combine(folder, name, BaseStateName)) || File.Exists(Path.Combine(folder, name, EventsFolder, FirstLegacyEventName)));
}

/// <summary>A conversation's id, and its parent's for a sub-agent, whose TraceId is "parent:id" as a Claude Code subagent's is.</summary>
internal sealed record ConversationIds(string Id, string? Parent)
{
    public string TraceId => Parent is null ? Id : $"{Parent}:{Id}";

    public NamedIds Named => new(TraceId, Parent is null ? null : Id);
}
