using System.Text.RegularExpressions;
using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.KimiCode;

/// <summary>What a Kimi Code file is, by its name and place.</summary>
internal enum KimiStore
{
    /// <summary>
    /// &lt;session&gt;/agents/&lt;agent id&gt;/wire.jsonl of Kimi Code (MoonshotAI/kimi-code, TypeScript): one agent's
    /// journal of records, "main" for the session's own agent, another id for a subagent.
    /// </summary>
    Journal,

    /// <summary>
    /// &lt;session&gt;/context.jsonl of kimi-cli (MoonshotAI/kimi-cli, Python), the messages the model is sent, or a
    /// subagent's subagents/&lt;agent id&gt;/context.jsonl; context_&lt;n&gt;.jsonl is a copy set aside by /clear, a
    /// compaction or a rewind to a checkpoint.
    /// </summary>
    LegacyContext,
}

/// <summary>
/// Where Kimi's two CLIs keep sessions. Kimi Code: &lt;KIMI_CODE_HOME&gt;/sessions, the home ~/.kimi-code unless set
/// (packages/agent-core/src/config/path.ts), a folder per working directory named wd_&lt;slug of its name&gt;_&lt;first 12
/// hex of its path's SHA-256&gt; (session/store/workdir-key.ts), in it a folder per session with state.json and
/// agents/&lt;agent id&gt;/wire.jsonl. kimi-cli, before it: &lt;KIMI_SHARE_DIR&gt;/sessions, the share folder ~/.kimi unless
/// set (src/kimi_cli/share.py), a folder per working directory named for its path's MD5 (metadata.py, the path itself
/// only in kimi.json beside sessions), in it &lt;session uuid&gt;/context.jsonl with wire.jsonl and state.json, and a
/// subagent's files in subagents/&lt;agent id&gt;/ (subagents/store.py).
/// </summary>
internal static class KimiHome
{
    public const string JournalFile = "wire.jsonl";
    public const string ContextFile = "context.jsonl";
    public const string StateFile = "state.json";
    public const string AgentsFolder = "agents";
    public const string SubagentsFolder = "subagents";
    public const string MainAgent = "main";

    /// <summary>context.jsonl and the copies Kimi sets aside as context_&lt;n&gt;.jsonl (utils/path.py next_available_rotation).</summary>
    private static readonly Regex ContextName = new(@"^context(?:_(?<n>\d+))?\.jsonl$", RegexOptions.CultureInvariant);

    /// <summary>kimi-cli's folder of a working directory: the MD5 of its path, after "&lt;kaos&gt;_" when not local.</summary>
    private static readonly Regex LegacyBucket = new(@"^(?:.+_)?[0-9a-f]{32}$", RegexOptions.CultureInvariant);

    public static string Default() => Path.Combine(AgentHome.Resolve(KimiCodeReader.HomeVariable, ".kimi-code"), "sessions");

    public static string LegacyDefault() => Path.Combine(AgentHome.Resolve(KimiCodeReader.LegacyHomeVariable, ".kimi"), "sessions");

    /// <summary>Scream Code's sessions folder, laid out as Kimi Code's (packages/agent-core/src/config/path.ts, session-store.ts).</summary>
    public static string ForkDefault() => Path.Combine(AgentHome.Resolve(KimiCodeReader.ForkHomeVariable, ".scream-code"), "sessions");

    /// <summary>By name and the folders above it; reads nothing (this runs for every file a folder search meets).</summary>
    public static KimiStore? StoreOf(string path)
    {
        var name = Path.GetFileName(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        var above = folder is null ? null : Path.GetDirectoryName(folder);
        if (name.Equals(JournalFile, StringComparison.Ordinal))
        {
            return above is not null && Path.GetFileName(above).Equals(AgentsFolder, StringComparison.Ordinal) ? KimiStore.Journal : null;
        }
        if (!ContextName.IsMatch(name) || folder is null || above is null) return null;
        return Path.GetFileName(above).Equals(SubagentsFolder, StringComparison.Ordinal) || LegacyBucket.IsMatch(Path.GetFileName(above))
            ? KimiStore.LegacyContext
            : null;
    }

    /// <summary>The number of a context copy set aside (context_3.jsonl: 3); null for the live context.jsonl.</summary>
    public static int? RotationOf(string path) =>
        ContextName.Match(Path.GetFileName(path)) is { Success: true } match && match.Groups["n"].Success
            && int.TryParse(match.Groups["n"].Value, out var n) ? n : null;

    /// <summary>
    /// kimi-cli's wire.jsonl beside a context file (its UI events, read with the context for times and tokens), and the
    /// state or metadata files of either CLI: parts of a session, never one of their own.
    /// </summary>
    public static bool IsBesideSession(string path)
    {
        var name = Path.GetFileName(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null) return false;
        if (name.Equals(JournalFile, StringComparison.Ordinal)) return File.Exists(Path.Combine(folder, ContextFile));
        return name is StateFile or "meta.json"
            && (Directory.Exists(Path.Combine(folder, AgentsFolder)) || File.Exists(Path.Combine(folder, ContextFile)));
    }

    /// <summary>A sessions folder of either CLI: it holds a wd_ folder (Kimi Code) or an MD5-named one (kimi-cli).</summary>
    public static bool IsLaidOut(string folder) =>
        AgentStore.HasFolder(folder, name => name.StartsWith("wd_", StringComparison.Ordinal) || LegacyBucket.IsMatch(name));
}
