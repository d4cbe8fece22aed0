using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using static RolloutTools.Core.Formats.Shared.ReadOnlySqlite;

namespace RolloutTools.Core.Formats.KiroCli;

/// <summary>
/// One conversation row, as listing the database shows it: its id is the conversation_id its JSON carries, or, for a
/// row whose JSON cannot be read, "table:rowid", so the reading can name the row it fails on.
/// </summary>
/// <param name="Table">The table the row is in (conversations_v2 or conversations).</param>
/// <param name="Key">The key: the working directory the conversation was held in.</param>
/// <param name="LastActivity">Kiro CLI's updated_at; Amazon Q's rows have none.</param>
internal sealed record KiroConversationRow(string Id, string Table, long RowId, string? Key, DateTimeOffset? Created, DateTimeOffset? LastActivity) : IDatedSessionRow
{
    public string? ParentId => null;

    /// <summary>The row as a message names it.</summary>
    public string Where => $"{Table} row {RowId} (key {Key ?? "(none)"})";
}

/// <summary>
/// The data.sqlite3 of Amazon Q Developer CLI and Kiro CLI. Amazon Q's migrations (crates/chat-cli/src/database/
/// sqlite_migrations, 007_conversations_table.sql) make conversations (key TEXT PRIMARY KEY: the working directory;
/// value TEXT: the JSON of one ConversationState), one per folder, replaced after every response
/// (conversation.rs push_assistant_message, database/mod.rs set_conversation_by_path). Kiro CLI's legacy engine adds
/// conversations_v2 (key, conversation_id, value, created_at, updated_at in Unix milliseconds; primary key key and
/// conversation_id), several per folder: closed source, as its public readers query it. Both are read; a conversation
/// in both is read once, from conversations_v2. The other tables (state, auth_kv: credentials, history, migrations)
/// are never queried. Opened read-only (<see cref="ReadOnlySqlite"/>).
/// </summary>
internal sealed class KiroDatabase : IAgentDatabase
{
    public const string LegacyTable = "conversations";
    public const string Table = "conversations_v2";

    private readonly SqliteConnection _connection;
    private readonly HashSet<string> _legacyColumns;
    private readonly HashSet<string> _columns;

    private KiroDatabase(SqliteConnection connection)
    {
        _connection = connection;
        _legacyColumns = ReadOnlySqlite.Columns(connection, LegacyTable);
        _columns = ReadOnlySqlite.Columns(connection, Table);
    }

    public bool IsImmutableCopy { get; private init; }

    private bool HasLegacy => _legacyColumns.Contains("key") && _legacyColumns.Contains("value");

    private bool HasV2 => _columns.Contains("key") && _columns.Contains("value");

    /// <summary>Opens the store, or throws <see cref="SqliteException"/> or <see cref="NotAgentStoreException"/> (a database without their tables).</summary>
    public static KiroDatabase Open(string path) => ReadOnlySqlite.OpenStore(path, (connection, immutable) =>
        Checked(new KiroDatabase(connection) { IsImmutableCopy = immutable }));

    private static KiroDatabase Checked(KiroDatabase db) =>
        db.HasLegacy || db.HasV2
            ? db
            : throw new NotAgentStoreException("it is a SQLite database without the conversations tables of Kiro CLI or Amazon Q Developer CLI");

    /// <summary>
    /// Every conversation row, oldest first: conversations_v2's by created_at, then conversations' (no time column) by
    /// rowid. The id comes from the JSON (json_valid first, so a damaged row cannot stop the listing).
    /// </summary>
    public IReadOnlyList<KiroConversationRow> Conversations()
    {
        var rows = new List<KiroConversationRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (HasV2)
        {
            var order = _columns.Contains("created_at") ? "created_at, rowid" : "rowid";
            rows.AddRange(List(Table, $"{Column(_columns, "created_at")}, {Column(_columns, "updated_at")}", order, seen));
        }
        if (HasLegacy) rows.AddRange(List(LegacyTable, "NULL, NULL", "rowid", seen));
        return rows;
    }

    private IEnumerable<KiroConversationRow> List(string table, string times, string order, HashSet<string> seen)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT rowid, key, CASE WHEN json_valid(value) THEN json_extract(value, '$.conversation_id') END, {times} FROM {table} ORDER BY {order}";
        using var reader = command.ExecuteReader();
        var rows = new List<KiroConversationRow>();
        while (reader.Read())
        {
            var rowId = reader.GetInt64(0);
            var id = Text(reader.GetValue(2)) is { Length: > 0 } stated ? stated : $"{table}:{rowId}";
            if (!seen.Add(id)) continue;
            rows.Add(new KiroConversationRow(id, table, rowId, Text(reader.GetValue(1)), UnixTimeOf(reader.GetValue(3)), UnixTimeOf(reader.GetValue(4))));
        }
        return rows;
    }

    /// <summary>One row's JSON as stored; null when the row is gone.</summary>
    public string? Value(KiroConversationRow row)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT value FROM {(row.Table == Table ? Table : LegacyTable)} WHERE rowid = $rowid";
        command.Parameters.AddWithValue("$rowid", row.RowId);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        return Text(reader.GetValue(0)) ?? string.Empty;
    }

    /// <summary>What SQLite's quick check finds wrong with the file (its first finding), or null when it finds nothing.</summary>
    public string? Damage() => ReadOnlySqlite.Damage(_connection);

    private static string Column(HashSet<string> columns, string column) => columns.Contains(column) ? Quote(column) : "NULL";

    public void Dispose() => _connection.Dispose();
}
