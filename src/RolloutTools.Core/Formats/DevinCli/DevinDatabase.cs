using System.Text.Json;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Formats.Shared.ReadOnlySqlite;

namespace RolloutTools.Core.Formats.DevinCli;

/// <summary>
/// A record's row as listing the database shows it: a session row, or a sub-agent's chain a subagent_heads row names
/// (its id "session:agent", its parent the session).
/// </summary>
/// <param name="SessionId">The sessions row the record reads.</param>
/// <param name="AgentId">For a sub-agent, its agent id; null for the session's own conversation.</param>
/// <param name="Head">For a sub-agent, the node its chain ends at (subagent_heads.chain_node_id).</param>
internal sealed record DevinSessionRow(string Id, string? ParentId, DateTimeOffset? LastActivity, string SessionId, string? AgentId, long? Head) : IDatedSessionRow;

/// <summary>
/// Devin CLI's sessions.db (SQLite in WAL mode, migrated by refinery: refinery_schema_history holds the versions, 17
/// in CLI 3000.10 and later). Devin CLI is closed source; the tables are as its public readers query them and as the
/// fixture notes of one of them record a live store (jazzyalex/agent-sessions DevinSqliteReader.swift and its tests;
/// junhoyeo/tokscale crates/tokscale-core/src/sessions/devin.rs; vshulcz/deja-vu and two Rust readers found by their
/// text): sessions (id: a two-word slug; working_directory, backend_type, model, agent_mode, created_at,
/// last_activity_at, then title, main_chain_id, workspace_dirs, hidden, metadata), message_nodes (row_id,
/// session_id, node_id, parent_node_id, chat_message: one message as JSON, created_at, then metadata: the node's own
/// JSON) and subagent_heads (session_id, agent_id, chain_node_id, updated_at; version 17). Times are Unix seconds.
/// tool_call_state (the editor protocol's copies of the calls), prompt_history, rendered_commits and app_state are not
/// read. Columns arrived one migration at a time, so each query names only the columns the file has. Opened read-only
/// (<see cref="ReadOnlySqlite"/>).
/// </summary>
internal sealed class DevinDatabase : IAgentDatabase
{
    private readonly SqliteConnection _connection;
    private readonly HashSet<string> _sessionColumns;
    private readonly HashSet<string> _nodeColumns;
    private readonly HashSet<string> _headColumns;

    private DevinDatabase(SqliteConnection connection)
    {
        _connection = connection;
        _sessionColumns = ReadOnlySqlite.Columns(connection, "sessions");
        _nodeColumns = ReadOnlySqlite.Columns(connection, "message_nodes");
        _headColumns = ReadOnlySqlite.Columns(connection, "subagent_heads");
    }

    public bool IsImmutableCopy { get; private init; }

    /// <summary>Opens the store, or throws <see cref="SqliteException"/> or <see cref="NotAgentStoreException"/> (a database without Devin CLI's tables).</summary>
    public static DevinDatabase Open(string path) => ReadOnlySqlite.OpenStore(path, (connection, immutable) =>
        Checked(new DevinDatabase(connection) { IsImmutableCopy = immutable }));

    private static DevinDatabase Checked(DevinDatabase db) =>
        db._sessionColumns.Contains("id") && db._sessionColumns.Contains("working_directory")
        && db._nodeColumns.Contains("session_id") && db._nodeColumns.Contains("node_id") && db._nodeColumns.Contains("parent_node_id")
        && db._nodeColumns.Contains("chat_message")
            ? db
            : throw new NotAgentStoreException("it is a SQLite database without Devin CLI's sessions and message_nodes tables");

    private bool HasHeads => _headColumns.Contains("session_id") && _headColumns.Contains("agent_id") && _headColumns.Contains("chain_node_id");

    /// <summary>
    /// Every session row, oldest first, its last activity the later of its row's and its newest node's; each followed
    /// by the sub-agents subagent_heads names for it. A head row without an agent id or a node id is reported and
    /// passed over.
    /// </summary>
    public IReadOnlyList<DevinSessionRow> Sessions(DiagnosticList problems)
    {
        var rows = new List<DevinSessionRow>();
        var heads = Heads(problems).ToLookup(h => h.SessionId, StringComparer.Ordinal);
        var newest = _nodeColumns.Contains("created_at") ? "(SELECT MAX(m.created_at) FROM message_nodes m WHERE m.session_id = s.id)" : "NULL";
        var order = _sessionColumns.Contains("created_at") ? "s.created_at, s.rowid" : "s.rowid";
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT s.id, {Column(_sessionColumns, "s.", "last_activity_at")}, {newest} FROM sessions s ORDER BY {order}";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (Text(reader.GetValue(0)) is not { Length: > 0 } id) continue;
            rows.Add(new DevinSessionRow(id, null, Latest(Time(reader.GetValue(1)), Time(reader.GetValue(2))), id, null, null));
            rows.AddRange(heads[id].Select(h => new DevinSessionRow($"{id}:{h.AgentId}", id, h.Updated, id, h.AgentId, h.Head)));
        }
        return rows;
    }

    private IReadOnlyList<(string SessionId, string AgentId, long Head, DateTimeOffset? Updated)> Heads(DiagnosticList problems)
    {
        if (!HasHeads) return Array.Empty<(string, string, long, DateTimeOffset?)>();
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT session_id, agent_id, chain_node_id, {Column(_headColumns, string.Empty, "updated_at")} FROM subagent_heads ORDER BY session_id, rowid";
        using var reader = command.ExecuteReader();
        var heads = new List<(string, string, long, DateTimeOffset?)>();
        while (reader.Read())
        {
            var session = Text(reader.GetValue(0));
            var agent = Text(reader.GetValue(1));
            if (session is not { Length: > 0 } || agent is not { Length: > 0 } || Integer(reader.GetValue(2)) is not { } head)
            {
                problems.Warn(RolloutDiagnostic.ParseError, null, $"subagent_heads row of session {session ?? "(none)"}, agent {agent ?? "(none)"} names no session, agent or node; passed over.");
                continue;
            }
            heads.Add((session, agent, head, Time(reader.GetValue(3))));
        }
        return heads;
    }

    /// <summary>The nodes the session's sub-agent chains end at.</summary>
    public IReadOnlyList<long> HeadNodes(string sessionId)
    {
        if (!HasHeads) return Array.Empty<long>();
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT chain_node_id FROM subagent_heads WHERE session_id = $id";
        command.Parameters.AddWithValue("$id", sessionId);
        using var reader = command.ExecuteReader();
        var heads = new List<long>();
        while (reader.Read())
        {
            if (Integer(reader.GetValue(0)) is { } head) heads.Add(head);
        }
        return heads;
    }

    /// <summary>One session's row; null when it is gone.</summary>
    public DevinSession? Session(string id)
    {
        var columns = new[] { "working_directory", "backend_type", "model", "agent_mode", "created_at", "last_activity_at", "title", "main_chain_id", "workspace_dirs", "hidden", "metadata" };
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => Column(_sessionColumns, string.Empty, c)))} FROM sessions WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        string? S(int i) => Text(reader.GetValue(i)) is { Length: > 0 } text ? text : null;
        return new DevinSession
        {
            Id = id,
            WorkingDirectory = S(0),
            BackendType = S(1),
            Model = S(2),
            AgentMode = S(3),
            Created = Time(reader.GetValue(4)),
            LastActivity = Time(reader.GetValue(5)),
            Title = S(6),
            MainChainId = Integer(reader.GetValue(7)),
            WorkspaceDirs = S(8),
            Hidden = Integer(reader.GetValue(9)) is { } hidden && hidden != 0,
            Metadata = S(10),
        };
    }

    /// <summary>
    /// The session's forest: every node's parent and, from the node's metadata, the node a compaction summarized and
    /// whether it is part of the system prompt. The messages themselves are not read here: most nodes of a long
    /// session are copies off its chain. A node whose metadata is not JSON is reported and taken as having none.
    /// </summary>
    public DevinForest Forest(string sessionId, DiagnosticList diagnostics)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT node_id, parent_node_id, {Column(_nodeColumns, string.Empty, "metadata")}, {Column(_nodeColumns, string.Empty, "row_id")} FROM message_nodes WHERE session_id = $id";
        command.Parameters.AddWithValue("$id", sessionId);
        using var reader = command.ExecuteReader();
        var nodes = new Dictionary<long, DevinNodeLink>();
        while (reader.Read())
        {
            if (Integer(reader.GetValue(0)) is not { } node) continue;
            var (summarized, prefix) = (default(long?), false);
            if (Text(reader.GetValue(2)) is { Length: > 0 } metadata)
            {
                try
                {
                    using var document = JsonDocument.Parse(metadata);
                    var root = document.RootElement;
                    summarized = root.GetPropertyOrDefault("summarized_from") is { ValueKind: JsonValueKind.Number } from && from.TryGetInt64(out var n) ? n : null;
                    prefix = root.GetBool("is_system_prefix");
                }
                catch (JsonException e)
                {
                    diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{Where(sessionId, node, Integer(reader.GetValue(3)))}: its metadata is not JSON ({e.Message}); read without it.");
                }
            }
            nodes.TryAdd(node, new DevinNodeLink(node, Integer(reader.GetValue(1)), summarized, prefix));
        }
        return new DevinForest(nodes);
    }

    /// <summary>The stored messages of the nodes named, in the order named; a node gone since the forest was read is left out.</summary>
    public IReadOnlyList<DevinStoredNode> Nodes(string sessionId, IReadOnlyList<long> nodeIds, CancellationToken cancellation)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {Column(_nodeColumns, string.Empty, "row_id")}, chat_message, {Column(_nodeColumns, string.Empty, "created_at")} FROM message_nodes WHERE session_id = $id AND node_id = $node";
        command.Parameters.AddWithValue("$id", sessionId);
        var node = command.Parameters.Add("$node", SqliteType.Integer);
        var nodes = new List<DevinStoredNode>(nodeIds.Count);
        foreach (var id in nodeIds)
        {
            cancellation.ThrowIfCancellationRequested();
            node.Value = id;
            using var reader = command.ExecuteReader();
            if (!reader.Read()) continue;
            var rowId = Integer(reader.GetValue(0));
            nodes.Add(new DevinStoredNode(Where(sessionId, id, rowId), id, Text(reader.GetValue(1)), Time(reader.GetValue(2))));
        }
        return nodes;
    }

    /// <summary>
    /// Every response of the session (a node whose message's role is assistant), oldest node first, with its message id:
    /// the responses off the conversation (retried ones, a compaction's summarizer, sub-agents before subagent_heads)
    /// were billed too. A message that is not JSON is none.
    /// </summary>
    public IReadOnlyList<(DevinStoredNode Node, string? MessageId)> Responses(string sessionId, CancellationToken cancellation)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT node_id, {Column(_nodeColumns, string.Empty, "row_id")}, chat_message, {Column(_nodeColumns, string.Empty, "created_at")}, "
            + "json_extract(chat_message, '$.message_id') FROM message_nodes WHERE session_id = $id "
            + "AND CASE WHEN json_valid(chat_message) THEN json_extract(chat_message, '$.role') END = 'assistant' ORDER BY node_id";
        command.Parameters.AddWithValue("$id", sessionId);
        using var reader = command.ExecuteReader();
        var responses = new List<(DevinStoredNode, string?)>();
        while (reader.Read())
        {
            cancellation.ThrowIfCancellationRequested();
            if (Integer(reader.GetValue(0)) is not { } node) continue;
            responses.Add((new DevinStoredNode(Where(sessionId, node, Integer(reader.GetValue(1))), node, Text(reader.GetValue(2)), Time(reader.GetValue(3))),
                Text(reader.GetValue(4)) is { Length: > 0 } id ? id : null));
        }
        return responses;
    }

    /// <summary>The schema's version (refinery's latest migration), or null for a store without its history table.</summary>
    public long? SchemaVersion()
    {
        if (ReadOnlySqlite.Columns(_connection, "refinery_schema_history").Count == 0) return null;
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT MAX(version) FROM refinery_schema_history";
        return Integer(command.ExecuteScalar());
    }

    /// <summary>What SQLite's quick check finds wrong with the file (its first finding), or null when it finds nothing.</summary>
    public string? Damage() => ReadOnlySqlite.Damage(_connection);

    /// <summary>How a diagnostic names a node: "message node 7 (row 31) of session …".</summary>
    private static string Where(string sessionId, long node, long? row) =>
        $"message node {node}{(row is { } r ? $" (row {r})" : string.Empty)} of session {sessionId}";

    private static string Column(HashSet<string> columns, string prefix, string column) => columns.Contains(column) ? prefix + Quote(column) : "NULL";

    private static long? Integer(object? value) => Real(value) is { } n && double.IsFinite(n) ? (long)n : null;

    private static DateTimeOffset? Time(object? value) => UnixTime.FromSecondsOrMilliseconds(Integer(value));

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    public void Dispose() => _connection.Dispose();
}
