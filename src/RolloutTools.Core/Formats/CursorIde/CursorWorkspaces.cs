using System.Text.Json;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.CursorIde;

/// <summary>The folder a composer was held in, as a workspace's storage names it.</summary>
/// <param name="Uri">workspace.json's folder (or, for a multi-root workspace, its .code-workspace file) as written: a URI.</param>
/// <param name="Hash">The name of the workspace's folder under workspaceStorage.</param>
internal sealed record CursorWorkspace(string Uri, string Hash)
{
    /// <summary>The folder as a path; null for a remote workspace (vscode-remote://…), whose URI is kept instead.</summary>
    public string? Path => FileUris.ToPath(Uri);
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
            if (FolderUri(Path.Combine(folder, "workspace.json")) is not { } uri) continue;
            var workspace = new CursorWorkspace(uri, Path.GetFileName(folder));
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
        return FolderUri(Path.Combine(CursorIdeHome.WorkspacesBeside(database), hash, "workspace.json")) is { } uri ? new CursorWorkspace(uri, hash) : null;
    }

    private static string? FolderUri(string file)
    {
        try
        {
            if (!File.Exists(file)) return null;
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            return document.RootElement.GetStringOrNull("folder") ?? document.RootElement.GetStringOrNull("workspace");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
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
            var value = command.ExecuteScalar() switch
            {
                string text => text,
                byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
                _ => null,
            };
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
