using System.Text.RegularExpressions;
using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.GrokCli;

/// <summary>
/// Where Grok CLI (xAI's grok, "Grok Build") keeps its sessions: &lt;GROK_HOME&gt;/sessions, GROK_HOME being ~/.grok
/// unless set. Below it, one folder per working directory, named for the directory percent-encoded ("%2Fhome%2Fme%2Fapp"),
/// holding one folder per session named for the session's id (a UUIDv7). A session folder holds chat_history.jsonl (the
/// conversation as the model is sent it), updates.jsonl (the ACP session/update stream the CLI shows, with each turn's
/// tokens and cost), summary.json (id, working directory, times, model, title) and, for each subagent it spawned,
/// subagents/&lt;child id&gt;/meta.json naming parent and child; the subagent's own session is a session folder beside it.
/// The sessions folder also holds Grok's search index (session_search.sqlite) and each project folder its
/// prompt_history.jsonl: neither is a session. Read from the CLI's own item types (grok-build's conversation.rs, in
/// public copies of its source) and the public readers of the format: jazzyalex/agent-sessions (its grok fixtures),
/// Piebald-AI/splitrail src/analyzers/grok.rs, Dicklesworthstone/coding_agent_session_search (franken_agent_detection's
/// grok connector) and prosa's format notes.
/// </summary>
internal static class GrokHome
{
    public const string ChatHistoryFile = "chat_history.jsonl";
    public const string UpdatesFile = "updates.jsonl";
    public const string SummaryFile = "summary.json";
    public const string SubagentsFolder = "subagents";
    public const string SubagentMetaFile = "meta.json";

    /// <summary>A session folder's name: a UUID (Grok writes version 7), as its search index and --resume name it.</summary>
    private static readonly Regex SessionName = new("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant);

    /// <summary>The sessions folder Grok itself would use here.</summary>
    public static string Default() => Path.Combine(AgentHome.Resolve(GrokCliReader.HomeVariable, ".grok"), "sessions");

    public static bool IsSessionName(string name) => SessionName.IsMatch(name);

    /// <summary>chat_history.jsonl in a session folder: the file that stands for the session.</summary>
    public static bool IsChatHistory(string path) =>
        Path.GetFileName(path).Equals(ChatHistoryFile, StringComparison.Ordinal) && SessionFolderOf(path) is not null;

    /// <summary>
    /// What Grok keeps beside a chat history that is read with it, never alone: the session's updates.jsonl and
    /// summary.json, and a subagent's meta.json under subagents/.
    /// </summary>
    public static bool IsBesideChatHistory(string path)
    {
        var name = Path.GetFileName(path);
        if (name is UpdatesFile or SummaryFile) return SessionFolderOf(path) is { } folder && File.Exists(Path.Combine(folder, ChatHistoryFile));
        if (name != SubagentMetaFile) return false;
        var child = Path.GetDirectoryName(Path.GetFullPath(path));
        var subagents = child is null ? null : Path.GetDirectoryName(child);
        return subagents is not null && Path.GetFileName(subagents) == SubagentsFolder && Path.GetDirectoryName(subagents) is { } owner && IsSessionName(Path.GetFileName(owner));
    }

    /// <summary>The session folder a file is directly in, when its name is a session id; null otherwise.</summary>
    public static string? SessionFolderOf(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return folder is not null && IsSessionName(Path.GetFileName(folder)) ? folder : null;
    }

    /// <summary>A sessions folder of Grok's: a project folder in it holds a session folder with a chat history.</summary>
    public static bool IsLaidOut(string folder) =>
        AgentStore.HasFolder(folder, project => AgentStore.HasFolder(Path.Combine(folder, project), name => IsSessionName(name) && File.Exists(Path.Combine(folder, project, name, ChatHistoryFile))));

    /// <summary>
    /// The working directory a project folder's name encodes: Grok percent-encodes the path ('/' as %2F), so a name
    /// that decodes to a rooted path is one; a name that does not (Grok shortens very long paths) tells nothing.
    /// </summary>
    public static string? DecodeProjectName(string name)
    {
        if (!name.Contains('%', StringComparison.Ordinal)) return null;
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(name);
        }
        catch (UriFormatException)
        {
            return null;
        }
        var rooted = decoded.StartsWith('/') || (decoded.Length > 2 && char.IsAsciiLetter(decoded[0]) && decoded[1] == ':' && decoded[2] is '\\' or '/');
        return rooted ? decoded : null;
    }
}
