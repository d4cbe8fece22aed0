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
        // In name order, so a composer listed by two workspaces maps to the same one on every run.
        foreach (var folder in Folders(CursorIdeHome.WorkspacesBeside(database)))
        {
            if (VsCodeWorkspace.Of(folder) is not { } opened) continue;
            var workspace = new CursorWorkspace(opened, Path.GetFileName(folder));
            foreach (var id in ComposerIds(Path.Combine(folder, CursorIdeHome.DatabaseName))) map.TryAdd(id, workspace);
        }
        return map;
    }

    /// <summary>The workspace folders under workspaceStorage, in name order; none when it cannot be listed.</summary>
    private static IEnumerable<string> Folders(string root)
    {
        try
        {
            return Directory.Exists(root) ? Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToArray() : Array.Empty<string>();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
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

    /// <summary>
    /// The chats of Cursor's chat panel from before Composer (2023-2024), which each workspace kept in its own store under
    /// this key ({"tabs": [{"bubbles": [...]}]}, as public notes on those stores describe it). They are not read: no
    /// real store of that era was at hand to read them exactly, so they are counted, and a read says so rather than
    /// losing a person's words there without a word.
    /// </summary>
    private const string PanelChatsKey = "workbench.panel.aichat.view.aichat.chatdata";

    /// <summary>How many workspace stores beside a global store hold chats of the old chat panel, and how many chats in all.</summary>
    public static (int Stores, int Chats) PanelChats(string database)
    {
        int stores = 0, chats = 0;
        foreach (var folder in Folders(CursorIdeHome.WorkspacesBeside(database)))
        {
            var count = ReadItem(Path.Combine(folder, CursorIdeHome.DatabaseName), PanelChatsKey, 0, root =>
                root.GetPropertyOrDefault("tabs") is { ValueKind: JsonValueKind.Array } tabs
                    ? tabs.EnumerateArray().Count(t => t.GetPropertyOrDefault("bubbles") is { ValueKind: JsonValueKind.Array } b && b.GetArrayLength() > 0)
                    : 0);
            if (count == 0) continue;
            stores++;
            chats += count;
        }
        return (stores, chats);
    }

    private static IReadOnlyList<string> ComposerIds(string database) =>
        ReadItem<IReadOnlyList<string>>(database, ComposerListKey, Array.Empty<string>(), root =>
            root.GetPropertyOrDefault("allComposers") is { ValueKind: JsonValueKind.Array } all
                ? all.EnumerateArray().Select(c => c.GetIdOrNull("composerId")).OfType<string>().ToArray()
                : Array.Empty<string>());

    /// <summary>One ItemTable value of a workspace's store, read-only; <paramref name="none"/> when it is absent or cannot be read.</summary>
    private static T ReadItem<T>(string database, string key, T none, Func<JsonElement, T> read)
    {
        if (!File.Exists(database)) return none;
        try
        {
            using var connection = ReadOnlySqlite.OpenStore(database, (connection, _) => connection);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT value FROM ItemTable WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            var value = ReadOnlySqlite.Text(command.ExecuteScalar());
            if (value is null) return none;
            using var document = JsonDocument.Parse(value);
            return read(document.RootElement);
        }
        catch (Exception e) when (e is SqliteException or JsonException or IOException or UnauthorizedAccessException || JsonLineReader.IsUnreadableValue(e))
        {
            return none;
        }
    }
}
