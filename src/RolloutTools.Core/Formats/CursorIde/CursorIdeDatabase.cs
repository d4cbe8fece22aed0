using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using static RolloutTools.Core.Formats.Shared.ReadOnlySqlite;

namespace RolloutTools.Core.Formats.CursorIde;

/// <summary>One composer (a chat) as listing the database shows it: its id and the times its row states.</summary>
/// <param name="WorkspaceId">The composerHeaders row's workspaceId: the name of the workspace's folder under workspaceStorage.</param>
/// <param name="HeaderOnly">Listed by composerHeaders alone, with no composerData row: its header's value stands for it.</param>
/// <param name="Subagent">The composerHeaders row's isSubagent is set: a chat a parent composer's agent spawned, not one the person typed in.</param>
/// <param name="ParentId">The composer whose subagentComposerIds lists this one.</param>
internal sealed record CursorComposerRow(string Id, DateTimeOffset? Created, DateTimeOffset? LastActivity, string? WorkspaceId = null, bool HeaderOnly = false, bool Subagent = false,
    string? ParentId = null) : IDatedSessionRow
{
    /// <summary>The composer's row, as a message names it.</summary>
    public string Key => CursorIdeDatabase.ComposerPrefix + Id;
}

/// <summary>
/// Cursor's global state.vscdb: a VS Code key-value store whose table cursorDiskKV (key TEXT UNIQUE, value BLOB)
/// holds a row composerData:&lt;composer id&gt; per chat and a row bubbleId:&lt;composer id&gt;:&lt;bubble id&gt; per
/// message of newer chats, each value JSON text. It can be hundreds of megabytes: composers are listed by a key range
/// (the key's unique index), reading two numbers of each value inside SQLite, and a composer's messages are read with
/// one key range query. ItemTable, which holds the app's settings and its sign-in tokens, is never queried. Opened
/// read-only (<see cref="ReadOnlySqlite"/>).
/// </summary>
internal sealed class CursorIdeDatabase : IAgentDatabase
{
    public const string Table = "cursorDiskKV";
    public const string ComposerPrefix = "composerData:";
    public const string BubblePrefix = "bubbleId:";
    public const string HeaderTable = "composerHeaders";

    private readonly SqliteConnection _connection;

    private CursorIdeDatabase(SqliteConnection connection)
    {
        _connection = connection;
        _hasHeaders = ReadOnlySqlite.Columns(connection, HeaderTable) is var columns && columns.Contains("composerId") && columns.Contains("value");
    }

    /// <summary>
    /// Newer builds list chats in a table of their own, composerHeaders (composerId, workspaceId, createdAt,
    /// lastUpdatedAt, value), beside or instead of composerData rows; public readers list composers from it and read
    /// bubbleId rows by key range.
    /// </summary>
    private readonly bool _hasHeaders;

    public bool IsImmutableCopy { get; private init; }

    /// <summary>Opens the store, or throws <see cref="SqliteException"/> or <see cref="NotAgentStoreException"/> (VS Code's own state.vscdb has no cursorDiskKV).</summary>
    public static CursorIdeDatabase Open(string path) => ReadOnlySqlite.OpenStore(path, (connection, immutable) =>
    {
        var columns = ReadOnlySqlite.Columns(connection, Table);
        return columns.Contains("key") && columns.Contains("value")
            ? new CursorIdeDatabase(connection) { IsImmutableCopy = immutable }
            : throw new NotAgentStoreException($"it is a SQLite database without Cursor's {Table} table");
    });

    /// <summary>
    /// Every composer, oldest first (by createdAt, then id). createdAt and lastUpdatedAt are Unix milliseconds in the
    /// value; json_valid first, so a damaged value cannot stop the listing (its reading reports it).
    /// </summary>
    public IReadOnlyList<CursorComposerRow> Composers()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"""
            SELECT key,
                   CASE WHEN json_valid(CAST(value AS TEXT)) THEN json_extract(CAST(value AS TEXT), '$.createdAt') END,
                   CASE WHEN json_valid(CAST(value AS TEXT)) THEN json_extract(CAST(value AS TEXT), '$.lastUpdatedAt') END,
                   CASE WHEN json_valid(CAST(value AS TEXT)) THEN json_extract(CAST(value AS TEXT), '$.subagentComposerIds') END
            FROM {Table} WHERE key >= $low AND key < $high
            """;
        AddRange(command, ComposerPrefix);
        var rows = new Dictionary<string, CursorComposerRow>(StringComparer.Ordinal);
        var spawned = new List<(string Parent, string Child)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var id = reader.GetString(0)[ComposerPrefix.Length..];
                if (id.Length == 0) continue;
                var created = UnixTimeOf(reader.GetValue(1));
                rows[id] = new CursorComposerRow(id, created, UnixTimeOf(reader.GetValue(2)) ?? created);
                spawned.AddRange(Spawned(Text(reader.GetValue(3))).Where(child => child != id).Select(child => (id, child)));
            }
        }
        foreach (var header in Headers())
        {
            rows[header.Id] = rows.TryGetValue(header.Id, out var listed) ? listed with { WorkspaceId = header.WorkspaceId, Subagent = header.Subagent } : header;
        }
        foreach (var (parent, child) in spawned)
        {
            if (rows.TryGetValue(child, out var listed)) rows[child] = listed with { Subagent = true, ParentId = listed.ParentId ?? parent };
        }
        return rows.Values.OrderBy(r => r.Created ?? DateTimeOffset.MaxValue).ThenBy(r => r.Id, StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The ids a composer's subagentComposerIds lists (as public readers read it to tell a subagent's chat from the
    /// person's); subComposerIds is not read, since it lists best-of-N siblings too.
    /// </summary>
    private static IEnumerable<string> Spawned(string? ids)
    {
        if (ids is not { Length: > 0 }) return Array.Empty<string>();
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(ids);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array
                ? document.RootElement.EnumerateArray().Where(e => e.ValueKind == System.Text.Json.JsonValueKind.String).Select(e => e.GetString()!).Where(e => e.Length > 0).ToArray()
                : Array.Empty<string>();
        }
        catch (System.Text.Json.JsonException)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>The rows of composerHeaders, where the store has the table; each stands for its composer until a composerData row is found.</summary>
    private IReadOnlyList<CursorComposerRow> Headers()
    {
        if (!_hasHeaders) return Array.Empty<CursorComposerRow>();
        var columns = ReadOnlySqlite.Columns(_connection, HeaderTable);
        string Column(string name) => columns.Contains(name) ? name : "NULL";
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT composerId, {Column("workspaceId")}, {Column("createdAt")}, {Column("lastUpdatedAt")}, {Column("isSubagent")} FROM {HeaderTable}";
        using var reader = command.ExecuteReader();
        var rows = new List<CursorComposerRow>();
        while (reader.Read())
        {
            if (Text(reader.GetValue(0)) is not { Length: > 0 } id) continue;
            var created = UnixTimeOf(reader.GetValue(2));
            rows.Add(new CursorComposerRow(id, created, UnixTimeOf(reader.GetValue(3)) ?? created, Text(reader.GetValue(1)) is { Length: > 0 } workspace ? workspace : null, HeaderOnly: true,
                Subagent: IsSet(reader.GetValue(4))));
        }
        return rows;
    }

    /// <summary>isSubagent as public readers find it: 1 (an integer) in most stores, the subagent's kind (a name) in some; 0, empty or none for a chat of the person's.</summary>
    private static bool IsSet(object? value) => Text(value) is { Length: > 0 } text && text is not ("0" or "false");

    /// <summary>A composer's header value (JSON: name, unifiedMode and the like), for one with no composerData row; null when there is none.</summary>
    public string? Header(string id)
    {
        if (!_hasHeaders) return null;
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT value FROM {HeaderTable} WHERE composerId = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Text(reader.GetValue(0)) ?? "{}" : null;
    }

    /// <summary>A composer's JSON as stored; null when the row is gone.</summary>
    public string? Composer(string id)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT value FROM {Table} WHERE key = $key";
        command.Parameters.AddWithValue("$key", ComposerPrefix + id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Text(reader.GetValue(0)) ?? "null" : null;
    }

    /// <summary>A composer's message rows by bubble id, with one key range query.</summary>
    public IReadOnlyDictionary<string, string> Bubbles(string composerId)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT key, value FROM {Table} WHERE key >= $low AND key < $high";
        var prefix = BubblePrefix + composerId + ":";
        AddRange(command, prefix);
        using var reader = command.ExecuteReader();
        var bubbles = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read()) bubbles[reader.GetString(0)[prefix.Length..]] = Text(reader.GetValue(1)) ?? "null";
        return bubbles;
    }

    /// <summary>What SQLite's quick check finds wrong with the file (its first finding), or null when it finds nothing.</summary>
    public string? Damage() => ReadOnlySqlite.Damage(_connection);

    /// <summary>The keys that begin with the prefix: from the prefix up to the same text with its last character the next one.</summary>
    private static void AddRange(SqliteCommand command, string prefix)
    {
        command.Parameters.AddWithValue("$low", prefix);
        command.Parameters.AddWithValue("$high", prefix[..^1] + (char)(prefix[^1] + 1));
    }

    public void Dispose() => _connection.Dispose();
}
