using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using static RolloutTools.Core.Formats.Shared.ReadOnlySqlite;

namespace RolloutTools.Core.Formats.CursorIde;

/// <summary>One composer (a chat) as listing the database shows it: its id and the times its row states.</summary>
internal sealed record CursorComposerRow(string Id, DateTimeOffset? Created, DateTimeOffset? LastActivity) : IDatedSessionRow
{
    public string? ParentId => null;

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

    private readonly SqliteConnection _connection;

    private CursorIdeDatabase(SqliteConnection connection)
    {
        _connection = connection;
    }

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
                   CASE WHEN json_valid(CAST(value AS TEXT)) THEN json_extract(CAST(value AS TEXT), '$.lastUpdatedAt') END
            FROM {Table} WHERE key >= $low AND key < $high
            """;
        AddRange(command, ComposerPrefix);
        using var reader = command.ExecuteReader();
        var rows = new List<CursorComposerRow>();
        while (reader.Read())
        {
            var id = reader.GetString(0)[ComposerPrefix.Length..];
            if (id.Length == 0) continue;
            var created = Time(reader.GetValue(1));
            rows.Add(new CursorComposerRow(id, created, Time(reader.GetValue(2)) ?? created));
        }
        return rows.OrderBy(r => r.Created ?? DateTimeOffset.MaxValue).ThenBy(r => r.Id, StringComparer.Ordinal).ToArray();
    }

    /// <summary>A composer's JSON as stored; null when the row is gone.</summary>
    public string? Composer(string id)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT value FROM {Table} WHERE key = $key";
        command.Parameters.AddWithValue("$key", ComposerPrefix + id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Value(reader.GetValue(0)) : null;
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
        while (reader.Read()) bubbles[reader.GetString(0)[prefix.Length..]] = Value(reader.GetValue(1));
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

    /// <summary>SQLite keeps what it is given: a value bound as bytes comes back as bytes.</summary>
    private static string Value(object? value) => value switch
    {
        string text => text,
        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
        _ => "null",
    };

    private static DateTimeOffset? Time(object? value) => UnixTime.FromSecondsOrMilliseconds(value is long n ? n : (long?)Real(value));

    public void Dispose() => _connection.Dispose();
}
