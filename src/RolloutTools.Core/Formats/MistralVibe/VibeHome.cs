using System.Text.RegularExpressions;
using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.MistralVibe;

/// <summary>What a Mistral Vibe file is, by its name and place.</summary>
internal enum VibeStore
{
    /// <summary>&lt;session folder&gt;/messages.jsonl: the session's messages, one a line (Vibe 2.0 and later).</summary>
    Messages,

    /// <summary>&lt;session folder&gt;/meta.json alone, without the messages file it is written after: a session nothing can be read of.</summary>
    MetadataOnly,

    /// <summary>session_&lt;time&gt;_&lt;short id&gt;.json: one session of Vibe before 2.0, {metadata, messages}.</summary>
    Legacy,
}

/// <summary>
/// Where Mistral Vibe (mistralai/mistral-vibe) keeps its sessions: &lt;VIBE_HOME&gt;/logs/session, VIBE_HOME being
/// ~/.vibe unless set (vibe/core/paths/_vibe_home.py). Each session is a folder
/// &lt;prefix&gt;_&lt;UTC yyyyMMdd_HHmmss&gt;_&lt;first 8 characters of its id&gt; (vibe/core/session/session_logger.py save_folder)
/// holding meta.json and messages.jsonl; the prefix is "session" unless the config's session_logging.session_prefix
/// says otherwise. A subagent's session lies under its parent's folder, in agents/&lt;agent name&gt;_&lt;time&gt;_&lt;short id&gt;
/// (vibe/core/tools/builtins/task.py). Before 2.0 a session was one file &lt;prefix&gt;_&lt;time&gt;_&lt;short id&gt;.json, which
/// Vibe 2.0 moves, on start, into a folder of the same name (session_migration.py).
/// </summary>
internal static class VibeHome
{
    public const string MessagesFile = "messages.jsonl";
    public const string MetadataFile = "meta.json";
    public const string SubagentsFolder = "agents";

    /// <summary>The prefix Vibe gives a session's folder or file unless its config names another.</summary>
    public const string DefaultPrefix = "session";

    /// <summary>A session folder's name: any prefix (subagents take their agent's name), the UTC time it began, the id's first 8 characters.</summary>
    private static readonly Regex FolderName = new(@"^.+_\d{8}_\d{6}_[0-9A-Za-z-]{8}$", RegexOptions.CultureInvariant);

    /// <summary>
    /// A legacy session file's name. Only the default prefix: such a file holds nothing but JSON, so a looser name
    /// would take other programs' files; one under another prefix is read when named with -Format MistralVibe.
    /// </summary>
    private static readonly Regex LegacyName = new(@"^session_\d{8}_\d{6}_[0-9A-Za-z-]{8}\.json$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>The sessions folder Vibe itself would use here (with the config's default save_dir).</summary>
    public static string Default() => Path.Combine(AgentHome.Resolve(VibeReader.HomeVariable, ".vibe"), "logs", "session");

    /// <summary>
    /// messages.jsonl in a session folder; meta.json in one only while no messages.jsonl is beside it (otherwise it is
    /// read with the messages); a legacy file by its name. File.Exists, not a listing: this runs for every file a
    /// folder search meets.
    /// </summary>
    public static VibeStore? StoreOf(string path)
    {
        var name = Path.GetFileName(path);
        if (LegacyName.IsMatch(name)) return VibeStore.Legacy;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || !IsSessionFolder(folder)) return null;
        if (name.Equals(MessagesFile, StringComparison.Ordinal)) return VibeStore.Messages;
        return name.Equals(MetadataFile, StringComparison.Ordinal) && !File.Exists(Path.Combine(folder, MessagesFile)) ? VibeStore.MetadataOnly : null;
    }

    /// <summary>meta.json beside a messages file: part of that session, never a trace of its own.</summary>
    public static bool IsMetadataBesideMessages(string path) =>
        Path.GetFileName(path).Equals(MetadataFile, StringComparison.Ordinal)
        && Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && IsSessionFolder(folder) && File.Exists(Path.Combine(folder, MessagesFile));

    public static bool IsSessionFolder(string folder) => FolderName.IsMatch(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)));

    /// <summary>A sessions folder of Vibe's: it holds a session folder with a messages file, or a legacy session file.</summary>
    public static bool IsLaidOut(string folder) =>
        AgentStore.HasFolder(folder, name => FolderName.IsMatch(name) && File.Exists(Path.Combine(folder, name, MessagesFile)))
        || AgentStore.HasFile(folder, DefaultPrefix + "_*.json");

    /// <summary>A subagent's session folder: one inside agents/ of another session folder.</summary>
    public static bool IsSubagentFolder(string folder)
    {
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        return parent is not null && Path.GetFileName(parent).Equals(SubagentsFolder, StringComparison.Ordinal)
            && Path.GetDirectoryName(parent) is { } owner && IsSessionFolder(owner);
    }

    /// <summary>The folder Vibe 2.0 moves a legacy file into: its name without ".json", beside it.</summary>
    public static string MigratedFolderOf(string legacyPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(legacyPath))!, Path.GetFileNameWithoutExtension(legacyPath));

    /// <summary>The session folders in <paramref name="sessionsFolder"/> named for a session id (its first 8 characters), newest name first.</summary>
    public static IEnumerable<string> FoldersOf(string sessionsFolder, string sessionId)
    {
        if (sessionId.Length < 8) return Array.Empty<string>();
        try
        {
            return Directory.EnumerateDirectories(sessionsFolder, "*_" + sessionId[..8]).Where(IsSessionFolder).OrderByDescending(f => f, StringComparer.Ordinal).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Array.Empty<string>();
        }
    }
}
