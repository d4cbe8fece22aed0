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

/// <summary>What the workspace stores beside one global store say, read in one pass over them.</summary>
/// <param name="ByComposer">Each composer's workspace, by composer id.</param>
/// <param name="PanelStores">How many stores hold chats of the chat panel from before Composer.</param>
/// <param name="PanelChats">How many such chats they hold in all.</param>
internal sealed record CursorWorkspaceStores(IReadOnlyDictionary<string, CursorWorkspace> ByComposer, int PanelStores, int PanelChats);

/// <summary>
/// Which folder each composer belongs to. The global store does not say: each workspaceStorage/&lt;hash&gt;/ folder
/// has workspace.json ({"folder": "file:///…"}, or {"workspace": "file:///….code-workspace"}) and its own state.vscdb,
/// whose ItemTable key composer.composerData lists the composers opened there (allComposers[].composerId). Read once
/// per global store, read-only; a workspace whose files cannot be read gives no mapping, and its composers no Cwd.
/// </summary>
internal static class CursorWorkspaces
{
    private const string ComposerListKey = "composer.composerData";

    /// <summary>
    /// The chats of Cursor's chat panel from before Composer (2023-2024), which each workspace kept in its own store under
    /// this key ({"tabs": [{"bubbles": [...]}]}, as public notes on those stores describe it). They are not read: no
    /// real store of that era was at hand to read them exactly, so they are counted, and a read says so rather than
    /// losing a person's words there without a word.
    /// </summary>
    private const string PanelChatsKey = "workbench.panel.aichat.view.aichat.chatdata";

    public static CursorWorkspaceStores Beside(string database)
    {
        var map = new Dictionary<string, CursorWorkspace>(StringComparer.Ordinal);
        int panelStores = 0, panelChats = 0;
        // In name order, so a composer listed by two workspaces maps to the same one on every run.
        foreach (var folder in Folders(CursorIdeHome.WorkspacesBeside(database)))
        {
            var (composerIds, chats) = ReadStore(Path.Combine(folder, CursorIdeHome.DatabaseName));
            if (chats > 0)
            {
                panelStores++;
                panelChats += chats;
            }
            if (composerIds.Count == 0 || VsCodeWorkspace.Of(folder) is not { } opened) continue;
            var workspace = new CursorWorkspace(opened, Path.GetFileName(folder));
            foreach (var id in composerIds) map.TryAdd(id, workspace);
        }
        return new CursorWorkspaceStores(map, panelStores, panelChats);
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
    /// The composers a workspace's store lists and the old chat panel's chats it holds, both read with one query;
    /// none of either when the store or a value cannot be read.
    /// </summary>
    private static (IReadOnlyList<string> ComposerIds, int PanelChats) ReadStore(string database)
    {
        IReadOnlyList<string> composerIds = Array.Empty<string>();
        var panelChats = 0;
        if (!File.Exists(database)) return (composerIds, panelChats);
        try
        {
            using var connection = ReadOnlySqlite.OpenStore(database, (connection, _) => connection);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT key, value FROM ItemTable WHERE key IN ($composers, $panel)";
            command.Parameters.AddWithValue("$composers", ComposerListKey);
            command.Parameters.AddWithValue("$panel", PanelChatsKey);
            using var rows = command.ExecuteReader();
            while (rows.Read())
            {
                var key = rows.GetString(0);
                if (ReadOnlySqlite.Text(rows.GetValue(1)) is not { } value) continue;
                try
                {
                    using var document = JsonDocument.Parse(value);
                    var root = document.RootElement;
                    if (key == ComposerListKey)
                    {
                        composerIds = root.GetPropertyOrDefault("allComposers") is { ValueKind: JsonValueKind.Array } all
                            ? all.EnumerateArray().Select(c => c.GetIdOrNull("composerId")).OfType<string>().ToArray()
                            : Array.Empty<string>();
                    }
                    else
                    {
                        panelChats = root.GetPropertyOrDefault("tabs") is { ValueKind: JsonValueKind.Array } tabs
                            ? tabs.EnumerateArray().Count(t => t.GetPropertyOrDefault("bubbles") is { ValueKind: JsonValueKind.Array } b && b.GetArrayLength() > 0)
                            : 0;
                    }
                }
                catch (Exception e) when (e is JsonException || JsonLineReader.IsUnreadableValue(e))
                {
                    // This value is unreadable; the other one still counts.
                }
            }
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            return (Array.Empty<string>(), 0);
        }
        return (composerIds, panelChats);
    }
}
