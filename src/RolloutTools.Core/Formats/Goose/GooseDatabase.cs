using System.Text.Json;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Formats.Shared.ReadOnlySqlite;

namespace RolloutTools.Core.Formats.Goose;

/// <summary>One session row, as listing the database shows it. Goose stores no parent: every session is its own root.</summary>
internal sealed record GooseSessionRow(string Id, DateTimeOffset? LastActivity) : ISessionRow
{
    public string? ParentId => null;
}

/// <summary>
/// Goose's sessions.db (crates/goose/src/session/session_manager.rs create and migrations.rs, schema versions 1 to 13):
/// a sessions table (id, name, description, user_set_name, session_type, working_dir, created_at, updated_at,
/// extension_data, total/input/output_tokens, accumulated_total/input/output_tokens, schedule_id, recipe_json,
/// user_recipe_values_json, then provider_name, model_config_json, goose_mode, thread_id, archived_at, project_id,
/// accumulated_cost) and a messages table (id, session_id, role, content_json: the message's content array,
/// created_timestamp: Unix seconds, timestamp, tokens, metadata_json: its visibility, message_id). Columns arrived
/// one migration at a time, so each query names only the columns the file has. Opened read-only
/// (<see cref="ReadOnlySqlite"/>); a session's rows are read into memory before its record is built.
/// </summary>
internal sealed class GooseDatabase : IAgentDatabase
{
    private static readonly string[] SessionColumns =
    {
        "id", "name", "description", "session_type", "working_dir", "created_at", "updated_at", "total_tokens", "input_tokens",
        "output_tokens", "accumulated_total_tokens", "accumulated_input_tokens", "accumulated_output_tokens", "schedule_id",
        "recipe_json", "provider_name", "model_config_json", "goose_mode", "thread_id", "archived_at", "project_id", "accumulated_cost",
    };

    private readonly SqliteConnection _connection;
    private readonly HashSet<string> _sessionColumns;
    private readonly HashSet<string> _messageColumns;

    private GooseDatabase(SqliteConnection connection)
    {
        _connection = connection;
        _sessionColumns = ReadOnlySqlite.Columns(connection, "sessions");
        _messageColumns = ReadOnlySqlite.Columns(connection, "messages");
    }

    public bool IsImmutableCopy { get; private init; }

    /// <summary>Opens the store, or throws <see cref="SqliteException"/> or <see cref="NotAgentStoreException"/> (a database without Goose's tables).</summary>
    public static GooseDatabase Open(string path) => ReadOnlySqlite.OpenStore(path, (connection, immutable) =>
        Checked(new GooseDatabase(connection) { IsImmutableCopy = immutable }));

    private static GooseDatabase Checked(GooseDatabase db) =>
        db._sessionColumns.Contains("id") && db._sessionColumns.Contains("working_dir")
        && db._messageColumns.Contains("session_id") && db._messageColumns.Contains("content_json")
        && db._messageColumns.Contains("role")
            ? db
            : throw new NotAgentStoreException("it is a SQLite database without Goose's sessions and messages tables");

    /// <summary>Every session's id and last activity (its row's update or its newest message, whichever is later), oldest first.</summary>
    public IReadOnlyList<GooseSessionRow> Sessions()
    {
        var updated = _sessionColumns.Contains("updated_at") ? "s.updated_at" : "NULL";
        var newest = _messageColumns.Contains("created_timestamp") ? "(SELECT MAX(m.created_timestamp) FROM messages m WHERE m.session_id = s.id)" : "NULL";
        var order = _sessionColumns.Contains("created_at") ? "s.created_at, s.id" : "s.id";
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT s.id, {updated}, {newest} FROM sessions s ORDER BY {order}";
        using var reader = command.ExecuteReader();
        var rows = new List<GooseSessionRow>();
        while (reader.Read())
        {
            if (Text(reader.GetValue(0)) is not { Length: > 0 } id) continue;
            var row = GooseTime.Parse(Text(reader.GetValue(1)));
            var message = GooseMessage.FromUnix(Real(reader.GetValue(2)) is { } n ? (long)n : null);
            rows.Add(new GooseSessionRow(id, row is null ? message : message is null ? row : row > message ? row : message));
        }
        return rows;
    }

    /// <summary>One session's row; null when it is gone. Its JSON columns are read for what they name (model, recipe title) only.</summary>
    public GooseSession? Session(string id, DiagnosticList diagnostics)
    {
        var columns = SessionColumns.Where(_sessionColumns.Contains).ToList();
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(Quote))} FROM sessions WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        string? S(string column) => Text(row.GetValueOrDefault(column)) is { Length: > 0 } text ? text : null;
        long? L(string column) => Real(row.GetValueOrDefault(column)) is { } n ? (long)n : null;
        return new GooseSession
        {
            Id = id,
            Store = GooseStore.Database,
            // Schema 4 moved the title from description to name; rows from before keep it in description.
            Name = S("name") ?? S("description"),
            WorkingDir = S("working_dir"),
            SessionType = S("session_type"),
            Created = GooseTime.Parse(S("created_at")),
            Updated = GooseTime.Parse(S("updated_at")),
            Archived = GooseTime.Parse(S("archived_at")),
            InputTokens = L("input_tokens"),
            OutputTokens = L("output_tokens"),
            TotalTokens = L("total_tokens"),
            AccumulatedInputTokens = L("accumulated_input_tokens"),
            AccumulatedOutputTokens = L("accumulated_output_tokens"),
            AccumulatedTotalTokens = L("accumulated_total_tokens"),
            AccumulatedCost = Real(row.GetValueOrDefault("accumulated_cost")),
            ScheduleId = S("schedule_id"),
            ProviderName = S("provider_name"),
            Model = JsonField(S("model_config_json"), "model_name", $"session {id}'s model_config_json", diagnostics),
            GooseMode = S("goose_mode"),
            ProjectId = S("project_id"),
            ThreadId = S("thread_id"),
            RecipeTitle = JsonField(S("recipe_json"), "title", $"session {id}'s recipe_json", diagnostics),
        };
    }

    /// <summary>
    /// The session's messages in the order goose loads them (row id: rows are appended, and a rewritten conversation is
    /// deleted and inserted again in order). A row whose content is not a JSON array is reported by its id and left out.
    /// </summary>
    public void ReadMessages(GooseSession session, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var created = _messageColumns.Contains("created_timestamp") ? "created_timestamp" : "NULL";
        var metadata = _messageColumns.Contains("metadata_json") ? "metadata_json" : "NULL";
        var messageId = _messageColumns.Contains("message_id") ? "message_id" : "NULL";
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT id, role, content_json, {created}, {metadata}, {messageId} FROM messages WHERE session_id = $id ORDER BY id";
        command.Parameters.AddWithValue("$id", session.Id);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellation.ThrowIfCancellationRequested();
            var where = $"message row {Text(reader.GetValue(0)) ?? "(no id)"} of session {session.Id}";
            try
            {
                var content = Parse(Text(reader.GetValue(2)), JsonValueKind.Array, "content_json");
                var visibility = Visibility(Text(reader.GetValue(4)), where, diagnostics);
                var role = Text(reader.GetValue(1)) ?? throw new JsonException("it has no role.");
                var time = GooseMessage.FromUnix(Real(reader.GetValue(3)) is { } n ? (long)n : null);
                session.Messages.Add(new GooseMessage(where, null, Text(reader.GetValue(5)), role, time, content, visibility.Item1, visibility.Item2));
            }
            catch (JsonException e)
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, null, $"{where} skipped: {e.Message}");
            }
        }
    }

    /// <summary>
    /// Who sees the message. A damaged metadata_json costs only itself: a warning, and goose's default (seen by both),
    /// so the content is still read.
    /// </summary>
    private static (bool, bool) Visibility(string? metadata, string where, DiagnosticList diagnostics)
    {
        if (metadata is null) return (true, true);
        try
        {
            return GooseMessage.Visibility(Parse(metadata, JsonValueKind.Object, "metadata_json"));
        }
        catch (JsonException e)
        {
            diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{where}: its metadata_json could not be read ({e.Message}); read as seen by both the person and the agent, goose's default.");
            return (true, true);
        }
    }

    /// <summary>What SQLite's quick check finds wrong with the file (its first finding), or null when it finds nothing.</summary>
    public string? Damage() => ReadOnlySqlite.Damage(_connection);

    private static JsonElement Parse(string? text, JsonValueKind kind, string column)
    {
        if (text is null) throw new JsonException($"its {column} is empty.");
        using var document = JsonDocument.Parse(text);
        if (document.RootElement.ValueKind != kind) throw new JsonException($"its {column} is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not {kind.ToString().ToLowerInvariant()}.");
        return document.RootElement.Clone();
    }

    /// <summary>A string field of a JSON column; a column that is not JSON is a warning, since the session reads on without it.</summary>
    private static string? JsonField(string? json, string field, string what, DiagnosticList diagnostics)
    {
        if (json is null) return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.GetStringOrNull(field);
        }
        catch (JsonException e)
        {
            diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{what} is not JSON ({e.Message}); read without it.");
            return null;
        }
    }

    public void Dispose() => _connection.Dispose();
}
