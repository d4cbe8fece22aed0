using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using static RolloutTools.Core.Formats.Shared.ReadOnlySqlite;

namespace RolloutTools.Core.Formats.OpenClaw;

/// <summary>A session window: one session id of a session key, and when it last changed (milliseconds in the row).</summary>
internal sealed record OpenClawWindowRow(string Id, string? SessionKey, DateTimeOffset? LastActivity) : ISessionRow
{
    /// <summary>A spawned session's parent is told by the key's entry (spawnedBy), as for the files.</summary>
    public string? ParentId => null;
}

/// <summary>One transcript event row: its sequence number and its JSON, stored as text or as a zstd frame.</summary>
internal sealed record OpenClawEventRow(long Seq, string? Json, byte[]? Zstd);

/// <summary>Where a session's extracted events went: an archive file in the cold folder, or its bytes in the row (a backup's copy).</summary>
internal sealed record OpenClawColdArchive(string Name, long LastSeq, byte[]? Blob);

/// <summary>A key's entry in session_nodes: the SessionEntry sessions.json held, as JSON, and its current session.</summary>
internal sealed record OpenClawNodeRow(string Key, string? CurrentSessionId, string? EntryJson);

/// <summary>
/// OpenClaw's per-agent database, agents/&lt;id&gt;/agent/openclaw-agent.sqlite (v2026.7.2 on, agent schema 8+;
/// docs/reference/database-schemas/layout.md, agent-schema-history.md): session_windows (session_id, session_key,
/// created_at, updated_at in ms), transcript_events (session_id, seq, event_json; from schema 23 event_json is null
/// when event_zstd holds the event as a level-1 zstd frame), session_transcript_cold_archives (schema 20: the events
/// through last_seq moved to an archive file, or its blob) and session_nodes (session_key, current_session_id,
/// entry_json: what sessions.json held). Each event is the line the session's JSONL file would hold.
/// </summary>
internal sealed class OpenClawDatabase : IAgentDatabase
{
    private readonly SqliteConnection _connection;
    private readonly HashSet<string> _events;
    private readonly HashSet<string> _windows;
    private readonly HashSet<string> _cold;
    private readonly HashSet<string> _nodes;

    private OpenClawDatabase(SqliteConnection connection)
    {
        _connection = connection;
        _events = Columns(connection, "transcript_events");
        _windows = Columns(connection, "session_windows");
        _cold = Columns(connection, "session_transcript_cold_archives");
        _nodes = Columns(connection, "session_nodes");
    }

    public bool IsImmutableCopy { get; private init; }

    public static OpenClawDatabase Open(string path) => OpenStore(path, (connection, immutable) =>
        Checked(new OpenClawDatabase(connection) { IsImmutableCopy = immutable }));

    private static OpenClawDatabase Checked(OpenClawDatabase db) =>
        db._events.Contains("session_id") && db._events.Contains("seq") && db._events.Contains("event_json") && db._windows.Contains("session_id")
            ? db
            : throw new NotAgentStoreException("it is a SQLite database without OpenClaw's session_windows and transcript_events tables");

    /// <summary>Every session window, oldest first.</summary>
    public IReadOnlyList<OpenClawWindowRow> Windows()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT session_id, {Column(_windows, "session_key")}, {Column(_windows, "updated_at")} FROM session_windows ORDER BY {Column(_windows, "created_at")}, rowid";
        using var reader = command.ExecuteReader();
        var rows = new List<OpenClawWindowRow>();
        while (reader.Read())
        {
            if (Text(reader.GetValue(0)) is not { Length: > 0 } id) continue;
            var updated = reader.GetValue(2) is long ms ? UnixTime.FromSecondsOrMilliseconds(ms) : null;
            rows.Add(new OpenClawWindowRow(id, Text(reader.GetValue(1)), updated));
        }
        return rows;
    }

    /// <summary>Every key's entry, for the conversation and totals sessions.json gave the files.</summary>
    public IReadOnlyList<OpenClawNodeRow> Nodes()
    {
        if (!_nodes.Contains("session_key") || !_nodes.Contains("entry_json")) return Array.Empty<OpenClawNodeRow>();
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT session_key, {Column(_nodes, "current_session_id")}, entry_json FROM session_nodes";
        using var reader = command.ExecuteReader();
        var rows = new List<OpenClawNodeRow>();
        while (reader.Read())
        {
            if (Text(reader.GetValue(0)) is { Length: > 0 } key) rows.Add(new OpenClawNodeRow(key, Text(reader.GetValue(1)), Text(reader.GetValue(2))));
        }
        return rows;
    }

    /// <summary>The session's cold archive, when its earlier events were moved out of the table.</summary>
    public OpenClawColdArchive? Cold(string sessionId)
    {
        if (!_cold.Contains("archive_name") || !_cold.Contains("last_seq")) return null;
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT archive_name, last_seq, {Column(_cold, "archive_blob")} FROM session_transcript_cold_archives WHERE session_id = $id";
        command.Parameters.AddWithValue("$id", sessionId);
        using var reader = command.ExecuteReader();
        if (!reader.Read() || Text(reader.GetValue(0)) is not { Length: > 0 } name) return null;
        return new OpenClawColdArchive(name, reader.GetValue(1) is long last ? last : -1, reader.GetValue(2) as byte[]);
    }

    /// <summary>The session's events after <paramref name="afterSeq"/>, in order of seq (not of insertion, which a rewrite can change).</summary>
    public IEnumerable<OpenClawEventRow> Events(string sessionId, long afterSeq)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT seq, event_json, {Column(_events, "event_zstd")} FROM transcript_events WHERE session_id = $id AND seq > $after ORDER BY seq";
        command.Parameters.AddWithValue("$id", sessionId);
        command.Parameters.AddWithValue("$after", afterSeq);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var seq = reader.GetValue(0) is long n ? n : 0;
            var json = reader.GetValue(1) switch
            {
                string text => text,
                // SQLite keeps what it is given: JSON bound as bytes comes back as bytes.
                byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
                _ => null,
            };
            yield return new OpenClawEventRow(seq, json, reader.GetValue(2) as byte[]);
        }
    }

    public string? Damage() => ReadOnlySqlite.Damage(_connection);

    private static string Column(HashSet<string> columns, string column) => columns.Contains(column) ? Quote(column) : "NULL";

    public void Dispose() => _connection.Dispose();
}
