using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.CursorIde;

/// <summary>
/// Where Cursor, a VS Code fork, keeps its IDE chats: globalStorage/state.vscdb in its user folder, &lt;application
/// data&gt;/Cursor/User (~/.config/Cursor/User on Linux, ~/Library/Application Support/Cursor/User on macOS,
/// %APPDATA%\Cursor\User on Windows; VSCODE_APPDATA moves it, as it moves VS Code's). Beside globalStorage,
/// workspaceStorage/&lt;hash&gt;/ holds each opened folder's workspace.json and a state.vscdb of its own, which say
/// which folder a chat was held in (see <see cref="CursorWorkspaces"/>).
/// </summary>
internal static class CursorIdeHome
{
    public const string DatabaseName = "state.vscdb";
    public const string GlobalFolder = "globalStorage";
    public const string WorkspaceFolder = "workspaceStorage";

    /// <summary>Cursor's global storage folder on this machine, whether or not it exists.</summary>
    public static IReadOnlyList<string> Defaults() => new[] { Path.Combine(VsCodeUserData.AppData(), "Cursor", "User", GlobalFolder) };

    /// <summary>A global storage folder: one holding state.vscdb.</summary>
    public static bool IsLaidOut(string folder) => File.Exists(Path.Combine(folder, DatabaseName));

    /// <summary>
    /// state.vscdb in a folder named globalStorage, as every VS Code-family editor places it; one without Cursor's
    /// table (VS Code's own) opens and gives no record. A workspace's state.vscdb is not a chat store.
    /// </summary>
    public static bool IsDatabase(string path) =>
        Path.GetFileName(path).Equals(DatabaseName, StringComparison.OrdinalIgnoreCase)
        && Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) is { } folder
        && folder.Equals(GlobalFolder, StringComparison.OrdinalIgnoreCase);

    /// <summary>The workspaceStorage folder beside the global storage folder a database is in.</summary>
    public static string WorkspacesBeside(string database) =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(database)))!, WorkspaceFolder);
}
