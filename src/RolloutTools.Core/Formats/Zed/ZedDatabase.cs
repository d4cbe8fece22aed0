using System.Globalization;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using static RolloutTools.Core.Formats.Shared.ReadOnlySqlite;

namespace RolloutTools.Core.Formats.Zed;

/// <summary>One thread row, as listing the database shows it: a sub-agent's thread names the thread that ran it.</summary>
internal sealed record ZedThreadRow(string Id, string? ParentId, DateTimeOffset? LastActivity) : IDatedSessionRow;

/// <summary>
/// Zed's threads.db (crates/agent/src/db.rs ThreadsDatabase): one table, threads (id, summary: the title, updated_at:
/// RFC 3339 text, data_type: "json" or "zstd", data: the serialized thread, then parent_id for a sub-agent's thread,
/// folder_paths and folder_paths_order: the project's folders, and created_at). Zed writes every row zstd-compressed
/// (save_thread_sync, level 3) and reads both kinds. Columns arrived one release at a time, so each query names only
/// the columns the file has. Opened read-only (<see cref="ReadOnlySqlite"/>).
/// </summary>
internal sealed class ZedDatabase : IAgentDatabase
{
    private readonly SqliteConnection _connection;
    private readonly HashSet<string> _columns;

    private ZedDatabase(SqliteConnection connection)
    {
        _connection = connection;
        _columns = ReadOnlySqlite.Columns(connection, "threads");
    }

    public bool IsImmutableCopy { get; private init; }

    /// <summary>Opens the store, or throws <see cref="SqliteException"/> or <see cref="NotAgentStoreException"/> (a database without Zed's table).</summary>
    public static ZedDatabase Open(string path) => ReadOnlySqlite.OpenStore(path, (connection, immutable) =>
        Checked(new ZedDatabase(connection) { IsImmutableCopy = immutable }));

    private static ZedDatabase Checked(ZedDatabase db) =>
        db._columns.Contains("id") && db._columns.Contains("summary") && db._columns.Contains("data_type") && db._columns.Contains("data")
            ? db
            : throw new NotAgentStoreException("it is a SQLite database without Zed's threads table");

    /// <summary>Every thread's id, parent and last change, oldest first (Zed lists them newest first).</summary>
    public IReadOnlyList<ZedThreadRow> Threads()
    {
        var order = _columns.Contains("created_at") ? "COALESCE(created_at, updated_at), rowid" : "updated_at, rowid";
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT id, {Column("parent_id")}, {Column("updated_at")} FROM threads ORDER BY {order}";
        using var reader = command.ExecuteReader();
        var rows = new List<ZedThreadRow>();
        while (reader.Read())
        {
            if (Text(reader.GetValue(0)) is not { Length: > 0 } id) continue;
            rows.Add(new ZedThreadRow(id, Text(reader.GetValue(1)) is { Length: > 0 } parent ? parent : null, Time(reader.GetValue(2))));
        }
        return rows;
    }

    /// <summary>One thread's row, its data as stored; null when it is gone.</summary>
    public ZedStoredThread? Thread(string id)
    {
        var columns = new[] { "summary", "updated_at", "created_at", "parent_id", "folder_paths", "folder_paths_order", "data_type", "data" };
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(Column))} FROM threads WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        string? S(int i) => Text(reader.GetValue(i)) is { Length: > 0 } text ? text : null;
        return new ZedStoredThread
        {
            Id = id,
            Summary = S(0),
            Updated = Time(reader.GetValue(1)),
            Created = Time(reader.GetValue(2)),
            ParentId = S(3),
            FolderPaths = OrderedPaths(S(4), S(5)),
            DataType = S(6),
            Data = reader.GetValue(7) switch
            {
                byte[] bytes => bytes,
                // SQLite keeps what it is given: JSON bound as text comes back as text.
                string text => System.Text.Encoding.UTF8.GetBytes(text),
                _ => Array.Empty<byte>(),
            },
        };
    }

    /// <summary>What SQLite's quick check finds wrong with the file (its first finding), or null when it finds nothing.</summary>
    public string? Damage() => ReadOnlySqlite.Damage(_connection);

    /// <summary>
    /// The project's folders in the order they were opened (util's PathList: the paths sorted, one a line, and for each
    /// the place it was given in, comma-separated); sorted when the order does not fit, as Zed's deserialize does.
    /// </summary>
    internal static IReadOnlyList<string> OrderedPaths(string? paths, string? order)
    {
        if (string.IsNullOrEmpty(paths)) return Array.Empty<string>();
        var sorted = paths.Split('\n');
        var places = (order ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .ToArray();
        if (places.Length != sorted.Length || places.Distinct().Count() != places.Length) return sorted;
        return places.Zip(sorted).OrderBy(p => p.First).Select(p => p.Second).ToArray();
    }

    private string Column(string column) => _columns.Contains(column) ? Quote(column) : "NULL";

    /// <summary>Zed writes its times as RFC 3339 text (chrono's to_rfc3339).</summary>
    private static DateTimeOffset? Time(object? value) =>
        Text(value) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    public void Dispose() => _connection.Dispose();
}

/// <summary>One row of the threads table, read before its data is decoded.</summary>
internal sealed class ZedStoredThread
{
    public required string Id { get; init; }
    public string? Summary { get; init; }
    public DateTimeOffset? Updated { get; init; }
    public DateTimeOffset? Created { get; init; }
    public string? ParentId { get; init; }
    public IReadOnlyList<string> FolderPaths { get; init; } = Array.Empty<string>();
    public string? DataType { get; init; }
    public byte[] Data { get; init; } = Array.Empty<byte>();

    /// <summary>The first thread up the chain of parents.</summary>
    public string? RootId { get; set; }

    /// <summary>Threads whose parent this one is: the sub-agents it ran.</summary>
    public IReadOnlyList<string> ChildIds { get; set; } = Array.Empty<string>();
}
