using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Formats.Shared.ReadOnlySqlite;

namespace RolloutTools.Core.Formats.Hermes;

/// <summary>One row of state.db's sessions table, with the columns this version of the store has.</summary>
internal sealed record HermesSessionRow(long RowId, string Id, IReadOnlyDictionary<string, object?> Values) : ISessionRow
{
    public string? ParentId => Text("parent_session_id");

    public string? Text(string column) => ReadOnlySqlite.Text(Values.GetValueOrDefault(column));

    public double? Real(string column) => ReadOnlySqlite.Real(Values.GetValueOrDefault(column));

    public long Long(string column) => ReadOnlySqlite.Real(Values.GetValueOrDefault(column)) is { } n && double.IsFinite(n) ? (long)n : 0;
}

/// <summary>
/// Hermes Agent's SQLite store (hermes_state.py SessionDB): a sessions table (id, source, model,
/// system_prompt or since v25 system_prompt_hash into system_prompts, parent_session_id, started_at, ended_at,
/// end_reason, token and cost totals, title, cwd, git_branch, …) and a messages table of OpenAI messages
/// (role, content, tool_call_id, tool_calls as JSON text, tool_name, timestamp as epoch seconds,
/// finish_reason, reasoning, reasoning_content; active/compacted since the in-place compaction and rewind
/// of later versions). Columns come and go between versions, so every query names only the columns the
/// file has. Opened read-only (see <see cref="ReadOnlySqlite"/>); each session's rows are read into memory
/// and the statement closed before its record is handed on, so no lock outlives a query.
/// </summary>
internal sealed class HermesStateDb : IAgentDatabase
{
    /// <summary>Structured (multimodal) content is stored as this prefix and JSON; current builds write NUL, a Postgres port SOH.</summary>
    private static readonly string[] ContentJsonPrefixes = { "\u0000json:", "\u0001json:" };

    private static readonly string[] SessionColumns =
    {
        "id", "source", "model", "system_prompt", "system_prompt_hash", "parent_session_id", "started_at", "ended_at", "end_reason",
        "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "estimated_cost_usd",
        "actual_cost_usd", "title", "cwd", "git_branch", "session_key", "chat_type", "display_name", "billing_provider",
        "billing_base_url", "last_activity_at", "profile_name", "model_config",
    };

    private static readonly string[] MessageColumns =
    {
        "id", "role", "content", "tool_call_id", "tool_calls", "tool_name", "timestamp", "finish_reason", "reasoning",
        "reasoning_content", "active", "compacted", "_compressed_summary", "display_kind",
    };

    private readonly SqliteConnection _connection;
    private readonly string _path;
    private readonly HashSet<string> _sessionColumns;
    private readonly HashSet<string> _messageColumns;
    private readonly bool _hasPrompts;
    private readonly bool _hasModelUsage;

    private HermesStateDb(SqliteConnection connection, string path)
    {
        _connection = connection;
        _path = path;
        _sessionColumns = ReadOnlySqlite.Columns(connection, "sessions");
        _messageColumns = ReadOnlySqlite.Columns(connection, "messages");
        _hasPrompts = ReadOnlySqlite.Columns(connection, "system_prompts").Contains("prompt");
        _hasModelUsage = ReadOnlySqlite.Columns(connection, "session_model_usage").Contains("model");
    }

    /// <summary>True when the store was opened as an immutable copy (see <see cref="Open"/>).</summary>
    public bool IsImmutableCopy { get; private init; }

    /// <summary>
    /// Opens the store, or throws <see cref="SqliteException"/> (not a database, locked past the wait) or
    /// <see cref="NotAgentStoreException"/> (a database without Hermes' tables). A WAL store whose log index
    /// cannot be opened read-only (a copy on read-only media) is opened once more as an immutable copy.
    /// </summary>
    public static HermesStateDb Open(string path) => ReadOnlySqlite.OpenStore(path, (connection, immutable) =>
        Checked(new HermesStateDb(connection, path) { IsImmutableCopy = immutable }));

    private static HermesStateDb Checked(HermesStateDb db) =>
        db._sessionColumns.Contains("id") && db._messageColumns.Contains("session_id") && db._messageColumns.Contains("role")
            ? db
            : throw new NotAgentStoreException("it is a SQLite database without Hermes' sessions and messages tables");

    /// <summary>How many message rows each session has: the sessions that have a conversation here.</summary>
    public IReadOnlyDictionary<string, long> MessageCounts()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT session_id, COUNT(*) FROM messages WHERE session_id IS NOT NULL GROUP BY session_id";
        using var reader = command.ExecuteReader();
        while (reader.Read()) counts[Text(reader.GetValue(0)) ?? string.Empty] = reader.GetInt64(1);
        return counts;
    }

    /// <summary>
    /// Each session's id and when it last changed (its row's end or last activity, or its newest message), in
    /// the order <see cref="Sessions"/> gives them, from the rows' times alone; rows without an id are left to
    /// <see cref="Sessions"/> to report.
    /// </summary>
    public IReadOnlyList<(string Id, DateTimeOffset? LastActivity)> Activity()
    {
        var times = new[] { "ended_at", "last_activity_at", "started_at" }.Where(_sessionColumns.Contains).Select(c => "s." + Quote(c)).ToList();
        if (_messageColumns.Contains("timestamp")) times.Add("(SELECT MAX(m.timestamp) FROM messages m WHERE m.session_id = s.id)");
        var order = _sessionColumns.Contains("started_at") ? "s.started_at, s.rowid" : "s.rowid";
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT s.id{string.Concat(times.Select(t => ", " + t))} FROM sessions s ORDER BY {order}";
        using var reader = command.ExecuteReader();
        var sessions = new List<(string, DateTimeOffset?)>();
        while (reader.Read())
        {
            if (Text(reader.GetValue(0)) is not { Length: > 0 } id) continue;
            sessions.Add((id, Latest(Enumerable.Range(1, reader.FieldCount - 1).Select(i => Real(reader.GetValue(i))).ToArray())));
        }
        return sessions;
    }

    /// <summary>Every session row, oldest first; a row without an id is reported by its rowid and left out.</summary>
    public IReadOnlyList<HermesSessionRow> Sessions(DiagnosticList diagnostics)
    {
        var columns = SessionColumns.Where(_sessionColumns.Contains).ToList();
        var select = string.Join(", ", columns.Select(c => "s." + Quote(c)));
        var prompt = _hasPrompts && _sessionColumns.Contains("system_prompt_hash")
            ? ", (SELECT p.prompt FROM system_prompts p WHERE p.hash = s.system_prompt_hash) AS _prompt"
            : string.Empty;
        var order = _sessionColumns.Contains("started_at") ? "s.started_at, s.rowid" : "s.rowid";
        var rows = new List<HermesSessionRow>();
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT s.rowid AS _rowid, {select}{prompt} FROM sessions s ORDER BY {order}";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 1; i < reader.FieldCount; i++) values[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            var rowId = reader.GetInt64(0);
            if (Text(values.GetValueOrDefault("id")) is not { Length: > 0 } id)
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, null, $"session row {rowId} has no id; skipped.");
                continue;
            }
            rows.Add(new HermesSessionRow(rowId, id, values));
        }
        return rows;
    }

    /// <summary>
    /// One session: its row's facts and its messages in the order Hermes wrote them (by row id; timestamps can go
    /// backwards). The history a person sees is read: live rows and the rows compaction summarized away, each
    /// logical message once (every compaction copies its carried tail into the new generation). Rows a rewind
    /// or undo took back are kept, marked abandoned, only when <paramref name="includeAbandoned"/>. A row that
    /// cannot be read is reported by its id and left out.
    /// </summary>
    public HermesTranscript ReadSession(HermesSessionRow session, IReadOnlyDictionary<string, string?> parents, bool includeAbandoned, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var transcript = new HermesTranscript
        {
            SessionId = session.Id,
            Store = HermesStore.StateDb,
            Model = session.Text("model"),
            Platform = session.Text("source"),
            BaseUrl = session.Text("billing_base_url"),
            SystemPrompt = session.Text("system_prompt") ?? session.Text("_prompt"),
            Title = session.Text("title"),
            Cwd = session.Text("cwd"),
            GitBranch = session.Text("git_branch"),
            ParentSessionId = session.Text("parent_session_id"),
            // The first session of a lineage: parents are compression predecessors, branch sources or the parent of a subagent.
            RootSessionId = SessionRows.Root(session.Id, parents),
            EndReason = session.Text("end_reason"),
            SessionKey = session.Text("session_key"),
            ChatType = session.Text("chat_type"),
            DisplayName = session.Text("display_name"),
            BillingProvider = session.Text("billing_provider"),
            Lineage = HermesLineage.FromModelConfig(session.Text("model_config")),
            Started = session.Real("started_at") is { } started ? OpenAIMessages.FromUnixSeconds(started) : null,
            Ended = Latest(session.Real("ended_at"), session.Real("last_activity_at")),
            Usage = new TokenUsage(session.Long("input_tokens"), session.Long("output_tokens"), session.Long("cache_read_tokens"), session.Long("cache_write_tokens")),
            ReasoningTokens = session.Long("reasoning_tokens"),
            CostUsd = (session.Real("actual_cost_usd") is > 0 ? session.Real("actual_cost_usd") : session.Real("estimated_cost_usd")) is { } cost and > 0
                ? cost.ToString("0.######", CultureInfo.InvariantCulture)
                : null,
        };
        transcript.AddModel(transcript.Model);
        if (_hasModelUsage) foreach (var model in ModelsOf(session.Id)) transcript.AddModel(model);

        var rows = MessageRows(session.Id, cancellation);
        bool Active(Dictionary<string, object?> row) => !_messageColumns.Contains("active") || Real(row.GetValueOrDefault("active")) is not 0;
        static bool Compacted(Dictionary<string, object?> row) => Real(row.GetValueOrDefault("compacted")) is { } c && c != 0;
        // A compaction copies the tail it keeps into the new generation and flags the originals as rewound:
        // such a row is a copy of one the person sees, not a turn taken back.
        var visible = rows.Where(r => Active(r) || Compacted(r)).Select(DisplayKey).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var id = Real(row.GetValueOrDefault("id")) is { } n ? (long)n : 0;
            var active = Active(row);
            var compacted = Compacted(row);
            if (!active && !compacted)
            {
                if (visible.Contains(DisplayKey(row)))
                {
                    transcript.DuplicateRows++;
                    continue;
                }
                transcript.RewoundRows++;
                if (!includeAbandoned) continue;
            }
            else
            {
                if (!active) transcript.CompactedRows++;
                if (!seen.Add(DisplayKey(row)))
                {
                    transcript.DuplicateRows++;
                    continue;
                }
            }
            try
            {
                if (ReadMessage(row, abandoned: !active && !compacted) is { } message)
                {
                    transcript.Add(message, Text(row.GetValueOrDefault("display_kind")), Real(row.GetValueOrDefault("_compressed_summary")) is { } summary && summary != 0);
                }
                else
                {
                    transcript.SessionMetaRows++;
                }
            }
            catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, null, $"message row {id} of session {session.Id} skipped: {e.Message}");
            }
        }
        return transcript;
    }

    private List<Dictionary<string, object?>> MessageRows(string sessionId, CancellationToken cancellation)
    {
        var rows = new List<Dictionary<string, object?>>();
        using var command = _connection.CreateCommand();
        var columns = MessageColumns.Where(_messageColumns.Contains).Select(Quote);
        var order = _messageColumns.Contains("id") ? "id" : "rowid";
        command.CommandText = $"SELECT {string.Join(", ", columns)} FROM messages WHERE session_id = $id ORDER BY {order}";
        command.Parameters.AddWithValue("$id", sessionId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellation.ThrowIfCancellationRequested();
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private IEnumerable<string> ModelsOf(string sessionId)
    {
        var models = new List<string>();
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT model FROM session_model_usage WHERE session_id = $id AND model <> '' GROUP BY model ORDER BY MIN(COALESCE(first_seen, 0)), model";
        if (!ReadOnlySqlite.Columns(_connection, "session_model_usage").Contains("first_seen")) command.CommandText = "SELECT DISTINCT model FROM session_model_usage WHERE session_id = $id AND model <> '' ORDER BY model";
        command.Parameters.AddWithValue("$id", sessionId);
        using var reader = command.ExecuteReader();
        while (reader.Read()) if (Text(reader.GetValue(0)) is { } model) models.Add(model);
        return models;
    }

    /// <summary>Null for a session_meta row (metadata Hermes keeps among the messages).</summary>
    private static OpenAIMessage? ReadMessage(IReadOnlyDictionary<string, object?> row, bool abandoned)
    {
        var role = Text(row.GetValueOrDefault("role")) ?? throw new FormatException("it has no role.");
        if (role == "session_meta") return null;
        return new OpenAIMessage
        {
            Role = role,
            Content = Content(row.GetValueOrDefault("content")),
            ToolCalls = Json(row.GetValueOrDefault("tool_calls"), "tool_calls") is { } calls ? OpenAIMessages.ReadToolCalls(calls) : Array.Empty<ToolCall>(),
            ToolCallId = Text(row.GetValueOrDefault("tool_call_id")),
            ToolName = Text(row.GetValueOrDefault("tool_name")),
            Reasoning = OpenAIMessages.Reasoning(Text(row.GetValueOrDefault("reasoning")), Text(row.GetValueOrDefault("reasoning_content"))),
            FinishReason = Text(row.GetValueOrDefault("finish_reason")),
            Timestamp = Real(row.GetValueOrDefault("timestamp")) is { } seconds ? OpenAIMessages.FromUnixSeconds(seconds) : null,
            IsAbandoned = abandoned,
        };
    }

    /// <summary>Text as it is; structured parts behind Hermes' JSON prefix; a number as its digits. Bytes are damage.</summary>
    private static IReadOnlyList<ContentBlock> Content(object? value)
    {
        switch (value)
        {
            case null:
                return Array.Empty<ContentBlock>();
            case string text when ContentJsonPrefixes.FirstOrDefault(p => text.StartsWith(p, StringComparison.Ordinal)) is { } prefix:
                using (var document = JsonDocument.Parse(text[prefix.Length..]))
                {
                    return OpenAIMessages.ReadContent(document.RootElement);
                }
            case string text:
                return new[] { ContentBlock.FromText(text) };
            case long or double:
                return new[] { ContentBlock.FromText(Text(value)!) };
            default:
                throw new FormatException("its content is binary data, not text.");
        }
    }

    private static JsonElement? Json(object? value, string column)
    {
        if (value is null) return null;
        if (value is not string text) throw new FormatException($"{column} is not text.");
        if (text.Length == 0) return null;
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>What makes two rows copies of one message (hermes_state_messages.py _display_dedupe_key, display_kind included, minus its handoff unwrapping).</summary>
    private static string DisplayKey(IReadOnlyDictionary<string, object?> row)
    {
        var key = new StringBuilder();
        foreach (var column in new[] { "role", "content", "timestamp", "tool_call_id", "tool_calls", "tool_name", "display_kind" })
        {
            key.Append(row.GetValueOrDefault(column) switch
            {
                null => "\u0002",
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                byte[] bytes => Convert.ToBase64String(bytes),
                var other => Convert.ToString(other, CultureInfo.InvariantCulture),
            });
            key.Append('\u001f');
        }
        return key.ToString();
    }

    private static DateTimeOffset? Latest(params double?[] seconds) =>
        seconds.Where(s => s is not null).Select(s => OpenAIMessages.FromUnixSeconds(s!.Value)).Where(t => t is not null).Max();

    public override string ToString() => _path;

    public void Dispose() => _connection.Dispose();
}
