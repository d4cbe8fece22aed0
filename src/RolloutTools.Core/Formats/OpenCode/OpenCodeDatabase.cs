using System.Text.Json;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Formats.Shared.ReadOnlySqlite;

namespace RolloutTools.Core.Formats.OpenCode;

/// <summary>One session row, as listing the database shows it.</summary>
internal sealed record OpenCodeSessionRow(string Id, string? ParentId, DateTimeOffset? LastActivity) : ISessionRow;

/// <summary>
/// OpenCode's SQLite store since 1.2 (packages/opencode/src/session/session.sql.ts, drizzle): a session table
/// (id, project_id, parent_id, slug, directory, title, version, share_url, summary_*, cost, tokens_*, time_created,
/// time_updated, time_archived, …), a message table (id, session_id, time_created, time_updated, data: the
/// message's JSON without its id and session) and a part table (id, message_id, session_id, times, data: the part's
/// JSON without its ids). Times are epoch milliseconds. Columns come and go between versions, so each query names
/// only the columns the file has. Opened read-only (<see cref="ReadOnlySqlite"/>); each session's rows are read
/// into memory and the statement closed before its record is built.
/// </summary>
internal sealed class OpenCodeDatabase : IAgentDatabase
{
    private static readonly string[] SessionColumns =
    {
        "id", "project_id", "parent_id", "slug", "directory", "title", "version", "share_url", "agent", "time_created",
        "time_updated", "time_archived", "summary_additions", "summary_deletions", "summary_files",
    };

    private readonly SqliteConnection _connection;
    private readonly HashSet<string> _sessionColumns;
    private readonly HashSet<string> _messageColumns;
    private readonly HashSet<string> _partColumns;
    private readonly bool _hasProjects;

    private OpenCodeDatabase(SqliteConnection connection)
    {
        _connection = connection;
        _sessionColumns = ReadOnlySqlite.Columns(connection, "session");
        _messageColumns = ReadOnlySqlite.Columns(connection, "message");
        _partColumns = ReadOnlySqlite.Columns(connection, "part");
        _hasProjects = ReadOnlySqlite.Columns(connection, "project").Contains("worktree");
    }

    /// <summary>True when the store was opened as an immutable copy (a WAL database on read-only media).</summary>
    public bool IsImmutableCopy { get; private init; }

    /// <summary>
    /// Opens the store, or throws <see cref="SqliteException"/> (not a database, locked past the wait) or
    /// <see cref="NotAgentStoreException"/> (a database without OpenCode's tables).
    /// </summary>
    public static OpenCodeDatabase Open(string path) => ReadOnlySqlite.OpenStore(path, (connection, immutable) =>
        Checked(new OpenCodeDatabase(connection) { IsImmutableCopy = immutable }));

    private static OpenCodeDatabase Checked(OpenCodeDatabase db) =>
        db._sessionColumns.Contains("id") && db._messageColumns.Contains("session_id")
        && db._messageColumns.Contains("data") && db._partColumns.Contains("message_id")
        && db._partColumns.Contains("data")
            ? db
            : throw new NotAgentStoreException("it is a SQLite database without OpenCode's session, message and part tables");

    /// <summary>
    /// Every session's id, parent and last activity (the newest of its row's, its messages' and its parts' times:
    /// a part is rewritten as a tool runs), oldest first; rows without an id are left to <see cref="Session"/> to report.
    /// </summary>
    public IReadOnlyList<OpenCodeSessionRow> Sessions()
    {
        var times = new List<string>();
        if (_sessionColumns.Contains("time_updated")) times.Add("s.time_updated");
        if (_messageColumns.Contains("time_updated")) times.Add("(SELECT MAX(m.time_updated) FROM message m WHERE m.session_id = s.id)");
        if (_partColumns.Contains("time_updated") && _partColumns.Contains("session_id")) times.Add("(SELECT MAX(p.time_updated) FROM part p WHERE p.session_id = s.id)");
        var parent = _sessionColumns.Contains("parent_id") ? "s.parent_id" : "NULL";
        var order = _sessionColumns.Contains("time_created") ? "s.time_created, s.id" : "s.id";
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT s.id, {parent}{string.Concat(times.Select(t => ", " + t))} FROM session s ORDER BY {order}";
        using var reader = command.ExecuteReader();
        var rows = new List<OpenCodeSessionRow>();
        while (reader.Read())
        {
            if (Text(reader.GetValue(0)) is not { Length: > 0 } id) continue;
            var latest = Enumerable.Range(2, reader.FieldCount - 2).Select(i => Real(reader.GetValue(i))).Where(t => t is not null).Max();
            rows.Add(new OpenCodeSessionRow(id, Text(reader.GetValue(1)), OpenCodeSessionInfo.FromMilliseconds(latest)));
        }
        return rows;
    }

    /// <summary>One session's row; null when it is gone.</summary>
    public OpenCodeSessionInfo? Session(string id)
    {
        var columns = SessionColumns.Where(_sessionColumns.Contains).ToList();
        var worktree = _hasProjects && _sessionColumns.Contains("project_id")
            ? ", (SELECT p.worktree FROM project p WHERE p.id = s.project_id) AS _worktree"
            : string.Empty;
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => "s." + Quote(c)))}{worktree} FROM session s WHERE s.id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        string? S(string column) => Text(row.GetValueOrDefault(column));
        long L(string column) => Real(row.GetValueOrDefault(column)) is { } n ? (long)n : 0;
        return new OpenCodeSessionInfo
        {
            Id = id,
            ParentId = S("parent_id"),
            ProjectId = S("project_id"),
            Title = S("title"),
            Directory = S("directory"),
            Worktree = S("_worktree"),
            Version = S("version"),
            Slug = S("slug"),
            ShareUrl = S("share_url"),
            Agent = S("agent"),
            Created = OpenCodeSessionInfo.FromMilliseconds(Real(row.GetValueOrDefault("time_created"))),
            Updated = OpenCodeSessionInfo.FromMilliseconds(Real(row.GetValueOrDefault("time_updated"))),
            Archived = OpenCodeSessionInfo.FromMilliseconds(Real(row.GetValueOrDefault("time_archived"))),
            SummaryAdditions = L("summary_additions"),
            SummaryDeletions = L("summary_deletions"),
            SummaryFiles = L("summary_files"),
        };
    }

    /// <summary>
    /// The session's messages in the order OpenCode loads them (time created, then id: ids ascend with time),
    /// each with its parts by id. A row whose data is not a JSON object is reported by its id and left out.
    /// </summary>
    public void ReadMessages(OpenCodeSession session, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var id = session.Info.Id;
        var parts = new Dictionary<string, List<OpenCodePart>>(StringComparer.Ordinal);
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = _partColumns.Contains("session_id")
                ? "SELECT id, message_id, data FROM part WHERE session_id = $id ORDER BY message_id, id"
                : "SELECT id, message_id, data FROM part WHERE message_id IN (SELECT id FROM message WHERE session_id = $id) ORDER BY message_id, id";
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                cancellation.ThrowIfCancellationRequested();
                var partId = Text(reader.GetValue(0)) ?? "(no id)";
                var messageId = Text(reader.GetValue(1)) ?? string.Empty;
                if (Parse(reader.GetValue(2), $"part row {partId} of session {id}", diagnostics) is not { } data) continue;
                if (!parts.TryGetValue(messageId, out var list)) parts[messageId] = list = new List<OpenCodePart>();
                list.Add(new OpenCodePart(partId, data));
            }
        }
        using (var command = _connection.CreateCommand())
        {
            var order = _messageColumns.Contains("time_created") ? "time_created, id" : "id";
            command.CommandText = $"SELECT id, data FROM message WHERE session_id = $id ORDER BY {order}";
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                cancellation.ThrowIfCancellationRequested();
                var messageId = Text(reader.GetValue(0)) ?? "(no id)";
                if (Parse(reader.GetValue(1), $"message row {messageId} of session {id}", diagnostics) is not { } info) continue;
                session.Messages.Add(new OpenCodeMessage(messageId, info, parts.GetValueOrDefault(messageId) ?? (IReadOnlyList<OpenCodePart>)Array.Empty<OpenCodePart>()));
            }
        }
    }

    /// <summary>What SQLite's quick check finds wrong with the file (its first finding), or null when it finds nothing.</summary>
    public string? Damage() => ReadOnlySqlite.Damage(_connection);

    private static JsonElement? Parse(object? value, string what, DiagnosticList diagnostics)
    {
        try
        {
            return value is string text ? OpenCodeJson.Object(text) : throw new JsonException("its data is not text.");
        }
        catch (JsonException e)
        {
            diagnostics.Error(RolloutDiagnostic.ParseError, null, $"{what} skipped: {e.Message}");
            return null;
        }
    }

    public void Dispose() => _connection.Dispose();
}
