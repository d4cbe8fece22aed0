namespace RolloutTools.Core.Formats.Cursor;

/// <summary>Where a transcript sits in Cursor's home, as its path shows it.</summary>
/// <param name="SessionId">The session's id: its folder's (and file's) name, or for a subagent its parent's.</param>
/// <param name="AgentId">For a subagent's transcript (subagents/&lt;id&gt;.jsonl), its own id.</param>
/// <param name="ProjectSlug">The project folder's name: the workspace path with every run of other characters than letters and digits made '-' (lossy, so never decoded).</param>
/// <param name="Home">The Cursor home above projects/, where chats/ is; null for a transcript outside that layout.</param>
internal sealed record CursorPlace(string SessionId, string? AgentId, string? ProjectSlug, string? Home)
{
    public bool IsSubagent => AgentId is not null;

    /// <summary>The record's TraceId: the session id, or "session:agent" for a subagent, as Claude Code names its subagents.</summary>
    public string TraceId => AgentId is null ? SessionId : $"{SessionId}:{AgentId}";
}

/// <summary>
/// Cursor's home: $CURSOR_CONFIG_DIR, else ~/.cursor (Windows: %USERPROFILE%\.cursor). cursor-agent writes a
/// transcript per session at projects/&lt;project slug&gt;/agent-transcripts/&lt;id&gt;/&lt;id&gt;.jsonl, a subagent's
/// beside it at &lt;id&gt;/subagents/&lt;agent id&gt;.jsonl, and a per-session chat store at
/// chats/&lt;md5 of the workspace path&gt;/&lt;id&gt;/store.db (jazzyalex/agent-sessions CursorSessionDiscovery.swift,
/// CursorChatMetaReader.swift, CursorSessionParser.swift). Earlier builds are reported to have kept transcripts
/// flat, agent-transcripts/&lt;id&gt;.jsonl; such a file is read the same way.
/// </summary>
internal static class CursorHome
{
    public const string Variable = "CURSOR_CONFIG_DIR";

    public const string Transcripts = "agent-transcripts";

    public const string Subagents = "subagents";

    public static string Default() => Shared.AgentHome.Resolve(Variable, ".cursor");

    /// <summary>What the path says of the session; a file outside the layout is a session named by its file.</summary>
    public static CursorPlace PlaceOf(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var folder = Path.GetDirectoryName(path);
        var folderName = Path.GetFileName(folder) ?? string.Empty;
        string? transcripts = null;
        CursorPlace place;
        if (folderName.Equals(Subagents, StringComparison.Ordinal) && Path.GetDirectoryName(folder) is { } sessionFolder)
        {
            place = new CursorPlace(Path.GetFileName(sessionFolder), stem, null, null);
            transcripts = Path.GetDirectoryName(sessionFolder);
        }
        else
        {
            place = new CursorPlace(stem, null, null, null);
            transcripts = folderName.Equals(stem, StringComparison.Ordinal) ? Path.GetDirectoryName(folder) : folder;
        }
        if (transcripts is null || !Path.GetFileName(transcripts).Equals(Transcripts, StringComparison.Ordinal)) return place;
        var project = Path.GetDirectoryName(transcripts);
        var projects = Path.GetDirectoryName(project);
        var home = projects is not null && Path.GetFileName(projects).Equals("projects", StringComparison.Ordinal) ? Path.GetDirectoryName(projects) : null;
        return place with { ProjectSlug = Path.GetFileName(project), Home = home };
    }

    /// <summary>Whether the path lies in an agent-transcripts folder below the store (projects/&lt;slug&gt;/agent-transcripts/…).</summary>
    public static bool InTranscripts(string store, string path) =>
        Path.GetRelativePath(store, path).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Contains(Transcripts);

    /// <summary>
    /// The session's chat folder, chats/&lt;workspace hash&gt;/&lt;id&gt;: the hash is of the workspace's full path,
    /// which the project slug does not give back, so each workspace folder is looked in for the id.
    /// </summary>
    public static string? ChatFolder(string home, string sessionId)
    {
        var chats = Path.Combine(home, "chats");
        try
        {
            if (!Directory.Exists(chats)) return null;
            foreach (var workspace in Directory.EnumerateDirectories(chats).Order(StringComparer.Ordinal))
            {
                var folder = Path.Combine(workspace, sessionId);
                if (File.Exists(Path.Combine(folder, CursorChatStore.DatabaseName)) || File.Exists(Path.Combine(folder, CursorChatStore.MetaName))) return folder;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A chats folder that cannot be listed leaves the transcript without its metadata.
        }
        return null;
    }
}
