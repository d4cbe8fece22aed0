using System.Text.Json;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Formats.Shared.ReadOnlySqlite;

namespace RolloutTools.Core.Formats.Crush;

/// <summary>One session row, as listing the database shows it: a sub-agent's session names the session that ran it.</summary>
internal sealed record CrushSessionRow(string Id, string? ParentId, DateTimeOffset? LastActivity) : IDatedSessionRow;

/// <summary>
/// Crush's crush.db (charmbracelet/crush internal/db: migrations/ and the sqlc queries of sql/): a sessions table (id,
/// parent_session_id, title, message_count, prompt_tokens, completion_tokens, cost, updated_at, created_at, then
/// summary_message_id and todos) and a messages table (id, session_id, role, parts: a JSON array of parts, model,
/// created_at, updated_at, finished_at, then provider and is_summary_message). Times are Unix seconds, whatever the
/// schema's comments say (its queries write strftime('%s', 'now')). Columns arrived one migration at a time, so each
/// query names only the columns the file has. Opened read-only (<see cref="ReadOnlySqlite"/>); a session's rows are
/// read into memory before its record is built.
/// </summary>
internal sealed class CrushDatabase : IAgentDatabase
{
    private readonly SqliteConnection _connection;
    private readonly HashSet<string> _sessionColumns;
    private readonly HashSet<string> _messageColumns;

    private CrushDatabase(SqliteConnection connection)
    {
        _connection = connection;
        _sessionColumns = ReadOnlySqlite.Columns(connection, "sessions");
        _messageColumns = ReadOnlySqlite.Columns(connection, "messages");
    }

    public bool IsImmutableCopy { get; private init; }

    /// <summary>Opens the store, or throws <see cref="SqliteException"/> or <see cref="NotAgentStoreException"/> (a database without Crush's tables).</summary>
    public static CrushDatabase Open(string path) => ReadOnlySqlite.OpenStore(path, (connection, immutable) =>
        Checked(new CrushDatabase(connection) { IsImmutableCopy = immutable }));

    private static CrushDatabase Checked(CrushDatabase db) =>
        db._sessionColumns.Contains("id") && db._sessionColumns.Contains("title")
        && db._messageColumns.Contains("session_id") && db._messageColumns.Contains("parts")
        && db._messageColumns.Contains("role")
            ? db
            : throw new NotAgentStoreException("it is a SQLite database without Crush's sessions and messages tables");

    /// <summary>Every session's id, parent and last activity (its row's update or its newest message's, whichever is later), oldest first.</summary>
    public IReadOnlyList<CrushSessionRow> Sessions()
    {
        var parent = Column(_sessionColumns, "s", "parent_session_id");
        var updated = Column(_sessionColumns, "s", "updated_at");
        var newest = _messageColumns.Contains("updated_at") ? "(SELECT MAX(m.updated_at) FROM messages m WHERE m.session_id = s.id)" : "NULL";
        var order = _sessionColumns.Contains("created_at") ? "s.created_at, s.rowid" : "s.rowid";
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT s.id, {parent}, {updated}, {newest} FROM sessions s ORDER BY {order}";
        using var reader = command.ExecuteReader();
        var rows = new List<CrushSessionRow>();
        while (reader.Read())
        {
            if (Text(reader.GetValue(0)) is not { Length: > 0 } id) continue;
            var times = new[] { Time(reader.GetValue(2)), Time(reader.GetValue(3)) }.Where(t => t is not null).ToArray();
            rows.Add(new CrushSessionRow(id, Text(reader.GetValue(1)) is { Length: > 0 } p ? p : null, times.Length > 0 ? times.Max() : null));
        }
        return rows;
    }

    /// <summary>One session's row; null when it is gone.</summary>
    public CrushSession? Session(string id)
    {
        var columns = new[] { "parent_session_id", "title", "message_count", "prompt_tokens", "completion_tokens", "cost", "created_at", "updated_at", "summary_message_id", "todos" };
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => _sessionColumns.Contains(c) ? Quote(c) : "NULL"))} FROM sessions WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        string? S(int i) => Text(reader.GetValue(i)) is { Length: > 0 } text ? text : null;
        long L(int i) => Real(reader.GetValue(i)) is { } n ? (long)n : 0;
        return new CrushSession
        {
            Id = id,
            ParentId = S(0),
            Title = S(1),
            MessageCount = L(2),
            PromptTokens = L(3),
            CompletionTokens = L(4),
            Cost = Real(reader.GetValue(5)) ?? 0,
            Created = Time(reader.GetValue(6)),
            Updated = Time(reader.GetValue(7)),
            SummaryMessageId = S(8),
            HasTodos = S(9) is { } todos && todos != "[]",
        };
    }

    /// <summary>
    /// The session's messages in the order Crush lists them (ListMessagesBySession: by created_at, whose seconds tie
    /// often; then by row, the order they were inserted). A row whose parts are not a JSON array is reported by its id
    /// and left out.
    /// </summary>
    public void ReadMessages(CrushSession session, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var columns = new[] { "id", "role", "parts", "model", "provider", "created_at", "finished_at", "is_summary_message" };
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => _messageColumns.Contains(c) ? Quote(c) : "NULL"))} FROM messages "
            + $"WHERE session_id = $id ORDER BY {(_messageColumns.Contains("created_at") ? "created_at, rowid" : "rowid")}";
        command.Parameters.AddWithValue("$id", session.Id);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellation.ThrowIfCancellationRequested();
            var id = Text(reader.GetValue(0));
            var where = $"message row {id ?? "(no id)"} of session {session.Id}";
            try
            {
                var role = Text(reader.GetValue(1)) ?? throw new JsonException("it has no role.");
                var parts = Parts(Text(reader.GetValue(2)));
                session.Messages.Add(new CrushMessage(where, id, role, parts, Text(reader.GetValue(3)) is { Length: > 0 } model ? model : null,
                    Text(reader.GetValue(4)) is { Length: > 0 } provider ? provider : null, Time(reader.GetValue(5)), Time(reader.GetValue(6)),
                    Real(reader.GetValue(7)) is { } summary && summary != 0 || (id is not null && id == session.SummaryMessageId)));
            }
            catch (JsonException e)
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, null, $"{where} skipped: {e.Message}");
            }
        }
    }

    /// <summary>What SQLite's quick check finds wrong with the file (its first finding), or null when it finds nothing.</summary>
    public string? Damage() => ReadOnlySqlite.Damage(_connection);

    private static JsonElement Parts(string? text)
    {
        if (text is null) throw new JsonException("its parts are empty.");
        using var document = JsonDocument.Parse(text);
        if (document.RootElement.ValueKind != JsonValueKind.Array) throw new JsonException($"its parts are a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an array.");
        return document.RootElement.Clone();
    }

    private static string Column(HashSet<string> columns, string table, string column) => columns.Contains(column) ? $"{table}.{Quote(column)}" : "NULL";

    private static DateTimeOffset? Time(object? value) => UnixTime.FromSecondsOrMilliseconds(Real(value) is { } n ? (long)n : null);

    public void Dispose() => _connection.Dispose();
}
