using System.Text.Json;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.CursorIde;

/// <summary>The workspace a composer was held in, as its storage folder's workspace.json names it.</summary>
/// <param name="Hash">The name of the workspace's folder under workspaceStorage.</param>
internal sealed record CursorWorkspace(VsCodeWorkspace Workspace, string Hash)
{
    /// <summary>The local folder; null for a multi-root or remote workspace, whose URI is kept instead.</summary>
    public string? Path => Workspace.FolderPath;

    public string? Uri => Workspace.Uri;
}

/// <summary>
/// Which folder each composer belongs to. The global store does not say: each workspaceStorage/&lt;hash&gt;/ folder
/// has workspace.json ({"folder": "file:///…"}, or {"workspace": "file:///….code-workspace"}) and its own state.vscdb,
/// whose ItemTable key composer.composerData lists the composers opened there (allComposers[].composerId). Read once
/// per global store, read-only; a workspace whose files cannot be read gives no mapping, and its composers no Cwd.
/// </summary>
internal static class CursorWorkspaces
{
    private const string ComposerListKey = "composer.composerData";

    public static IReadOnlyDictionary<string, CursorWorkspace> Beside(string database)
    {
        var map = new Dictionary<string, CursorWorkspace>(StringComparer.Ordinal);
        var root = CursorIdeHome.WorkspacesBeside(database);
        string[] folders;
        try
        {
            folders = Directory.Exists(root) ? Directory.GetDirectories(root) : Array.Empty<string>();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return map;
        }
        // In name order, so a composer listed by two workspaces maps to the same one on every run.
        foreach (var folder in folders.Order(StringComparer.Ordinal))
        {
            if (VsCodeWorkspace.Of(folder) is not { } opened) continue;
            var workspace = new CursorWorkspace(opened, Path.GetFileName(folder));
            foreach (var id in ComposerIds(Path.Combine(folder, CursorIdeHome.DatabaseName))) map.TryAdd(id, workspace);
        }
        return map;
    }

    /// <summary>
    /// The workspace whose storage folder has the name given: newer builds name it in each composer's header
    /// (composerHeaders.workspaceId). Null when the name is no plain folder name or its workspace.json gives no folder.
    /// </summary>
    public static CursorWorkspace? Named(string database, string hash)
    {
        if (hash.Length == 0 || hash is "." or ".." || hash.IndexOfAny(new[] { '/', '\\', ':' }) >= 0) return null;
        return VsCodeWorkspace.Of(Path.Combine(CursorIdeHome.WorkspacesBeside(database), hash)) is { } opened ? new CursorWorkspace(opened, hash) : null;
    }

    private static IReadOnlyList<string> ComposerIds(string database)
    {
        if (!File.Exists(database)) return Array.Empty<string>();
        try
        {
            using var connection = ReadOnlySqlite.OpenStore(database, (connection, _) => connection);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT value FROM ItemTable WHERE key = $key";
            command.Parameters.AddWithValue("$key", ComposerListKey);
            var value = ReadOnlySqlite.Text(command.ExecuteScalar());
            if (value is null) return Array.Empty<string>();
            using var document = JsonDocument.Parse(value);
            var all = document.RootElement.GetPropertyOrDefault("allComposers");
            return all.ValueKind == JsonValueKind.Array
                ? all.EnumerateArray().Select(c => c.GetIdOrNull("composerId")).OfType<string>().ToArray()
                : Array.Empty<string>();
        }
        catch (Exception e) when (e is SqliteException or JsonException or IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }
}
