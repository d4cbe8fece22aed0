using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.CopilotChat;

/// <summary>
/// Where VS Code keeps the sessions of its Chat view (src/vs/workbench/contrib/chat/common/model/chatSessionStore.ts):
/// &lt;user data dir&gt;/User/workspaceStorage/&lt;workspace id&gt;/chatSessions/&lt;session id&gt;.json or .jsonl for a window
/// with a folder or workspace (workspace.json beside chatSessions names it), and
/// &lt;user data dir&gt;/User/globalStorage/emptyWindowChatSessions for a window without one (before that,
/// workspaceStorage/no-workspace/chatSessions, which the workspaceStorage search covers).
/// </summary>
internal static class CopilotChatHome
{
    public const string WorkspaceStorage = "workspaceStorage";
    public const string EmptyWindowSessions = "emptyWindowChatSessions";
    public const string SessionsFolder = "chatSessions";

    /// <summary>
    /// Both stores of every VS Code-family user data dir: Code's whether or not they exist, the others' only where
    /// they do (so a machine without Cursor is not told of its missing folders).
    /// </summary>
    public static IReadOnlyList<string> Locations() => VsCodeUserData.Dirs()
        .SelectMany(user => new[]
            {
                Path.Combine(user.Dir, "User", WorkspaceStorage),
                Path.Combine(user.Dir, "User", "globalStorage", EmptyWindowSessions),
            }
            .Where(store => user.Editor == VsCodeUserData.DefaultEditor || Directory.Exists(store)))
        .Distinct(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase)
        .ToArray();

    /// <summary>A .json or .jsonl in a chatSessions or emptyWindowChatSessions folder; names only.</summary>
    public static bool IsSessionFile(string path) =>
        (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        && Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) is SessionsFolder or EmptyWindowSessions;

    /// <summary>A workspaceStorage folder (one of its workspaces holds chatSessions), or an emptyWindowChatSessions folder.</summary>
    public static bool IsLaidOut(string folder) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))) switch
    {
        EmptyWindowSessions => true,
        WorkspaceStorage => AgentStore.HasFolder(folder, name => Directory.Exists(Path.Combine(folder, name, SessionsFolder))),
        _ => false,
    };

    /// <summary>The stores a user data dir or its User folder holds, laid out as VS Code lays them out.</summary>
    public static IReadOnlyList<string> StoresUnder(string folder) => new[] { folder, Path.Combine(folder, "User") }
        .SelectMany(user => new[] { Path.Combine(user, WorkspaceStorage), Path.Combine(user, "globalStorage", EmptyWindowSessions) })
        .Where(store => Directory.Exists(store) && IsLaidOut(store))
        .ToArray();

    /// <summary>How deep the sessions of a store lie: &lt;workspace id&gt;/chatSessions/&lt;file&gt; in workspaceStorage, at the top elsewhere.</summary>
    public static int Depth(string store) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(store))) == WorkspaceStorage ? 2 : 0;

    /// <summary>
    /// What a session's window was opened on, from workspace.json above its chatSessions folder. Null for an empty
    /// window's session, and when the file is missing or unreadable (it is only a label: the session still reads).
    /// </summary>
    public static VsCodeWorkspace? WorkspaceOf(string sessionPath)
    {
        var sessions = Path.GetDirectoryName(Path.GetFullPath(sessionPath));
        if (sessions is null || Path.GetFileName(sessions) != SessionsFolder || Path.GetDirectoryName(sessions) is not { } storage) return null;
        return VsCodeWorkspace.Of(storage);
    }

    /// <summary>A session of a window without a folder: in emptyWindowChatSessions, or the no-workspace folder before it.</summary>
    public static bool IsEmptyWindowSession(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return Path.GetFileName(folder) == EmptyWindowSessions
            || (Path.GetFileName(folder) == SessionsFolder && Path.GetFileName(Path.GetDirectoryName(folder)) == "no-workspace");
    }
}
