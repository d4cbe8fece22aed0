using Microsoft.Data.Sqlite;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.DevinCli;
using RolloutTools.Core.Formats.Goose;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Tests.Formats.SqliteStore;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Devin CLI's sessions.db written here node by node: damaged, of an early schema, forked and compacted, live, locked, foreign, and the default location.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class DevinCliReaderTests : IDisposable
{
    private const string Session = "brave-otter";
    private readonly string _folder = Directory.CreateTempSubdirectory("devin-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Schema = """
        CREATE TABLE sessions (id TEXT PRIMARY KEY, working_directory TEXT NOT NULL, backend_type TEXT NOT NULL, model TEXT NOT NULL,
            agent_mode TEXT NOT NULL, created_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL, title TEXT, main_chain_id INTEGER,
            workspace_dirs TEXT, hidden INTEGER NOT NULL DEFAULT 0, metadata TEXT);
        CREATE TABLE message_nodes (row_id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, node_id INTEGER NOT NULL,
            parent_node_id INTEGER, chat_message TEXT NOT NULL, created_at INTEGER NOT NULL, metadata TEXT, UNIQUE(session_id, node_id));
        CREATE TABLE subagent_heads (session_id TEXT NOT NULL, agent_id TEXT NOT NULL, chain_node_id INTEGER NOT NULL, updated_at INTEGER NOT NULL,
            PRIMARY KEY (session_id, agent_id));
        """;

    /// <summary>The schema of the first versions: no title, main chain, hidden flag, node metadata or sub-agent heads.</summary>
    private const string EarlySchema = """
        CREATE TABLE sessions (id TEXT PRIMARY KEY, working_directory TEXT NOT NULL, backend_type TEXT NOT NULL, model TEXT NOT NULL,
            agent_mode TEXT NOT NULL, created_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL);
        CREATE TABLE message_nodes (row_id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, node_id INTEGER NOT NULL,
            parent_node_id INTEGER, chat_message TEXT NOT NULL, created_at INTEGER NOT NULL);
        """;

    private static string User(string id, string text) => $$$$"""{"message_id":"{{{{id}}}}","role":"user","content":"{{{{text}}}}","metadata":{"is_user_input":true}}""";

    private static string Answer(string id, string text, int input = 10, int output = 5) =>
        $$$$"""{"message_id":"{{{{id}}}}","role":"assistant","content":"{{{{text}}}}","tool_calls":[],"metadata":{"generation_model":"swe-1.5","metrics":{"input_tokens":{{{{input}}}},"output_tokens":{{{{output}}}},"cache_read_tokens":100,"cache_creation_tokens":null}}}""";

    private static string Call(string id, string callId) =>
        $$$$"""{"message_id":"{{{{id}}}}","role":"assistant","content":"","tool_calls":[{"id":"{{{{callId}}}}","name":"exec","arguments":{"command":"ls"},"index":0,"kind":"function"}],"metadata":{}}""";

    private static string Result(string id, string callId, string text) =>
        $$$$$"""{"message_id":"{{{{{id}}}}}","role":"tool","content":"{{{{{text}}}}}","tool_call_id":"{{{{{callId}}}}}","metadata":{"extensions":{"chisel/tool_result_meta":{"success":true}}}}""";

    /// <summary>A sessions.db at devin/cli under the test folder (or the relative path given) holding one session and its nodes (id, parent, chat_message, node metadata).</summary>
    private string Database(string relative, long? mainChain, params (long Node, long? Parent, string Message, string? Metadata)[] nodes) =>
        Database(relative, Schema, mainChain, nodes);

    private string Database(string relative, string schema, long? mainChain, params (long Node, long? Parent, string Message, string? Metadata)[] nodes)
    {
        var path = Create(Path.Combine(_folder, relative), schema);
        using var db = Writer(path);
        db.Open();
        var early = !schema.Contains("main_chain_id", StringComparison.Ordinal);
        Insert(db, early
            ? "INSERT INTO sessions VALUES ($id, '/home/dev/app', 'windsurf', 'swe-1.5', 'normal', 1785312000, 1785312060)"
            : "INSERT INTO sessions (id, working_directory, backend_type, model, agent_mode, created_at, last_activity_at, title, main_chain_id) "
              + "VALUES ($id, '/home/dev/app', 'windsurf', 'swe-1.5', 'normal', 1785312000, 1785312060, 'Fix it', $head)",
            ("$id", Session), ("$head", mainChain));
        foreach (var (node, parent, message, metadata) in nodes)
        {
            Insert(db, early
                ? "INSERT INTO message_nodes (session_id, node_id, parent_node_id, chat_message, created_at) VALUES ($id, $node, $parent, $message, $at)"
                : "INSERT INTO message_nodes (session_id, node_id, parent_node_id, chat_message, created_at, metadata) VALUES ($id, $node, $parent, $message, $at, $metadata)",
                ("$id", Session), ("$node", node), ("$parent", parent), ("$message", message), ("$at", 1785312000 + node), ("$metadata", metadata));
        }
        return path;
    }

    private static void Insert(SqliteConnection db, string sql, params (string Name, object? Value)[] values)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in values) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static IReadOnlyList<ReadResult> Read(string path) =>
        RolloutLoader.ReadAll(new DevinCliReader().SessionsIn(path), new ReadOptions(), CancellationToken.None).ToArray();

    private static RolloutRecord Single(string path)
    {
        var result = Assert.Single(Read(path));
        Assert.Empty(result.Diagnostics);
        return result.Record!;
    }

    [Fact]
    public void A_damaged_node_is_a_warning_naming_the_database_node_and_row_and_the_rest_still_reads()
    {
        var path = Database("devin/cli/sessions.db", 5,
            (1, null, User("u1", "list the files"), null),
            (2, 1, "{\"role\":\"assistant\",\"content\":", null),
            (3, 2, """{"message_id":"x","role":"narrator","content":"meanwhile"}""", null),
            (4, 3, """{"message_id":"u2","role":"user","content":42,"metadata":{"is_user_input":true}}""", "{not json"),
            (5, 4, Answer("a1", "done"), null));
        var result = Assert.Single(Read(path));
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(2L, result.Record!.SourceMeta["skipped_nodes"]);
        Assert.All(result.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Collection(result.Diagnostics,
            d => Assert.StartsWith($"{path}: message node 4 (row 4) of session {Session}: its metadata is not JSON (", d.Message),
            d => Assert.StartsWith($"{path}: message node 2 (row 2) of session {Session} skipped: ", d.Message),
            d => Assert.Equal($"{path}: message node 3 (row 3) of session {Session}: its role 'narrator' is none of system, user, assistant and tool; left out.", d.Message),
            d => Assert.Equal($"{path}: message node 4 (row 4) of session {Session} skipped: \"content\" is Number, neither text nor a list of parts.", d.Message));
    }

    [Fact]
    public void User_messages_none_of_which_says_a_person_typed_it_are_context_with_a_warning()
    {
        const string unflagged = """{"message_id":"u1","role":"user","content":"list the files","metadata":{}}""";
        var path = Database("devin/cli/sessions.db", 2, (1, null, unflagged, null), (2, 1, Answer("a1", "done"), null));
        var result = Assert.Single(Read(path));
        Assert.Equal("Context Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(1L, result.Record!.SourceMeta["unflagged_user_messages"]);
        Assert.Equal(
            $"{path}: session {Session}: none of its 1 user messages says whether a person typed it (metadata.is_user_input); they are read as context the CLI added.",
            Assert.Single(result.Diagnostics).Message);

        // Beside a flagged prompt, an unflagged user message is the context the CLI adds, as the samples show.
        var flagged = Database("other/devin/cli/sessions.db", 3, (1, null, unflagged, null), (2, 1, User("u2", "fix it"), null), (3, 2, Answer("a1", "done"), null));
        var record = Single(flagged);
        Assert.Equal("Context Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(1L, record.SourceMeta["unflagged_user_messages"]);
    }

    [Fact]
    public void A_tool_output_no_call_waits_for_and_a_flag_neither_true_nor_false_are_warnings_naming_the_node()
    {
        const string stringFlag = """{"message_id":"u2","role":"user","content":"and the tests","metadata":{"is_user_input":"yes"}}""";
        var path = Database("devin/cli/sessions.db", 6,
            (1, null, User("u1", "list the files"), null), (2, 1, Call("a1", "exec_0#1"), null), (3, 2, Result("t1", "exec_0#1", "a.txt"), null),
            (4, 3, Result("t2", "exec_0#1", "again"), null), (5, 4, stringFlag, null), (6, 5, Answer("a2", "done"), null));

        var result = Assert.Single(Read(path));

        Assert.Equal("Prompt Response ToolResult Context Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(1L, result.Record!.SourceMeta["orphan_tool_results"]);
        Assert.Collection(result.Diagnostics,
            d => Assert.Contains("message node 4 (row 4) of session " + Session + ": its tool output answers no call before it on the chain (tool_call_id 'exec_0#1'", d.Message),
            d => Assert.Contains("message node 5 (row 5) of session " + Session + ": its metadata.is_user_input is String, not true or false", d.Message));
    }

    [Fact]
    public void A_message_damaged_where_it_was_first_written_is_read_from_its_copy_on_the_rebuilt_chain()
    {
        // Node 2's content is a number, so it is passed over; node 12, the rebuilt chain's copy of it, is read.
        var path = Database("devin/cli/sessions.db", 13,
            (1, null, User("u1", "first"), null),
            (2, 1, """{"message_id":"a1","role":"assistant","content":7,"metadata":{}}""", null),
            (11, null, """{"message_id":"s1","role":"system","content":"Summary"}""", """{"summarized_from":2}"""),
            (12, 11, Answer("a1", "one"), null),
            (13, 12, User("u2", "second"), null));
        var result = Assert.Single(Read(path));
        Assert.Equal(new[] { "first", "Summary", "one", "second" }, result.Record!.Messages.Select(m => m.Text));
        Assert.StartsWith($"{path}: message node 2 (row 2) of session {Session} skipped: ", Assert.Single(result.Diagnostics).Message);
    }

    [Fact]
    public void Only_the_main_chain_is_read_and_a_retried_response_beside_it_counts_its_tokens_unlisted()
    {
        var path = Database("devin/cli/sessions.db", 4,
            (1, null, User("u1", "list the files"), null),
            (2, 1, Answer("a-retried", "first try", 999, 999), null),
            (3, 1, Call("a1", "exec_0#1"), null),
            (4, 3, Result("t1", "exec_0#1", "a.txt"), null));
        var record = Single(path);
        Assert.Equal("Prompt Response ToolResult", SampleFolder.Kinds(record));
        Assert.Equal("exec", record.Messages[2].ToolName);
        var retried = Assert.Single(record.UnlistedResponses);
        Assert.Equal(("a-retried", "swe-1.5", new TokenUsage(999, 999, 100, 0)), (retried.ResponseId, retried.Model, retried.Usage));
        Assert.Equal(retried.Usage, SampleFolder.Tokens(record));
        Assert.Equal(4L, record.SourceMeta["forest_nodes"]);
        Assert.Equal(3L, record.SourceMeta["conversation_nodes"]);
    }

    [Fact]
    public void Nested_compactions_splice_each_summarized_conversation_before_its_summary_and_count_a_copy_once()
    {
        // 1-2 summarized by 11 (a new root); 11-13 summarized by 21, whose chain also copies node 2's answer.
        var path = Database("devin/cli/sessions.db", 23,
            (1, null, User("u1", "first"), null),
            (2, 1, Answer("a1", "one", 100, 10), null),
            (11, null, """{"message_id":"s1","role":"system","content":"Summary one"}""", """{"summarized_from":2}"""),
            (12, 11, User("u2", "second"), null),
            (13, 12, Answer("a2", "two", 200, 20), null),
            (21, null, """{"message_id":"s2","role":"system","content":"Summary two"}""", """{"summarized_from":13,"num_tokens_preceding":900}"""),
            (22, 21, Answer("a1", "one", 100, 10), """{"extensions":{"compact/prior_node_ids":[2]}}"""),
            (23, 22, User("u3", "third"), null));
        var record = Single(path);
        Assert.Equal("Prompt Response CompactionSummary Prompt Response CompactionSummary Prompt", SampleFolder.Kinds(record));
        Assert.Equal(new[] { "first", "one", "Summary one", "second", "two", "Summary two", "third" }, record.Messages.Select(m => m.Text));
        Assert.Equal(new TokenUsage(300, 30, 200, 0), SampleFolder.Tokens(record));
        Assert.Equal(2L, record.SourceMeta["compactions"]);
        Assert.Equal(1L, record.SourceMeta["copied_messages"]);
    }

    [Fact]
    public void A_loop_in_the_parents_ends_the_walk_instead_of_hanging()
    {
        var path = Database("devin/cli/sessions.db", 2,
            (1, 2, User("u1", "round"), null),
            (2, 1, Answer("a1", "and round"), """{"summarized_from":2}"""));
        Assert.Equal("Prompt CompactionSummary", SampleFolder.Kinds(Single(path)));
    }

    [Fact]
    public void An_early_schema_reads_from_its_newest_node_with_the_columns_it_has()
    {
        var path = Database("devin/cli/sessions.db", EarlySchema, null,
            (1, null, User("u1", "what is here?"), null),
            (2, 1, Answer("a1", "two files"), null));
        var record = Single(path);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("what is here?", record.Title);
        Assert.Equal(true, record.SourceMeta["main_chain_fallback"]);
        Assert.Equal(new[] { "swe-1.5" }, record.Models);
    }

    [Fact]
    public void Without_a_main_chain_the_newest_node_off_every_sub_agents_chain_ends_the_conversation()
    {
        var path = Database("devin/cli/sessions.db", null,
            (1, null, User("u1", "main"), null),
            (2, 1, Answer("a1", "main answer"), null),
            (5, null, User("s1", "sub task"), null),
            (6, 5, Answer("s2", "sub answer"), null));
        using (var db = Writer(path))
        {
            db.Open();
            Execute(db, $"INSERT INTO subagent_heads VALUES ('{Session}', 'worker', 6, 1785312006);");
        }
        var results = Read(path);
        Assert.Empty(results.SelectMany(r => r.Diagnostics));
        Assert.Equal(new[] { Session, $"{Session}:worker" }, results.Select(r => r.Record!.TraceId));
        Assert.Equal(new[] { "main", "main answer" }, results[0].Record!.Messages.Select(m => m.Text));
        Assert.Equal(new[] { "sub task", "sub answer" }, results[1].Record!.Messages.Select(m => m.Text));
    }

    [Fact]
    public void A_sub_agent_head_that_names_no_node_is_a_warning_and_no_record()
    {
        var path = Database("devin/cli/sessions.db", 2, (1, null, User("u1", "main"), null), (2, 1, Answer("a1", "answer"), null));
        using (var db = Writer(path))
        {
            db.Open();
            Execute(db, $"INSERT INTO subagent_heads VALUES ('{Session}', 'gone', 99, 1785312006);");
        }
        var results = Read(path);
        Assert.Equal(Session, Assert.Single(results, r => r.Record is not null).Record!.TraceId);
        var warning = Assert.Single(results.SelectMany(r => r.Diagnostics));
        Assert.Equal($"{path}: sub-agent gone of session {Session}: its chain's head, node 99, is not in the session; no record.", warning.Message);
    }

    [Fact]
    public void Reading_a_live_wal_store_neither_waits_for_nor_blocks_the_writer_and_changes_no_file()
    {
        var path = Database("devin/cli/sessions.db", 2, (1, null, User("u1", "hi"), null), (2, 1, Answer("a1", "hello"), null));
        using (var db = Writer(path))
        {
            db.Open();
            Execute(db, "PRAGMA journal_mode=WAL;");
        }
        SqliteStore.AssertLiveStoreIsReadUntouched(path, "UPDATE sessions SET title = 'renamed';", () => Read(path), "Prompt Response");
    }

    [Fact]
    public void A_locked_store_is_a_clear_error_after_a_short_wait_not_a_hang()
    {
        var path = Database("devin/cli/sessions.db", 2, (1, null, User("u1", "hi"), null), (2, 1, Answer("a1", "hello"), null));
        SqliteStore.AssertLockedStoreIsAnError(path, "UPDATE sessions SET title = 'held';", () => Read(path));
    }

    [Fact]
    public void A_sessions_db_of_another_program_is_reported_and_gives_no_record()
    {
        var foreign = SqliteStore.Create(Path.Combine(_folder, "devin", "cli", "sessions.db"), "CREATE TABLE sessions (id INTEGER PRIMARY KEY, user TEXT);");
        var problem = Assert.Single(Assert.Single(Read(foreign)).Diagnostics);
        Assert.Equal($"{foreign}: it is a SQLite database without Devin CLI's sessions and message_nodes tables; no record.", problem.Message);
    }

    [Fact]
    public void A_sessions_db_in_devin_cli_is_devins_and_one_elsewhere_stays_gooses()
    {
        var devin = Path.Combine(_folder, "backup", "devin", "cli", "sessions.db");
        var goose = Path.Combine(_folder, "goose", "sessions", "sessions.db");
        Assert.True(new DevinCliReader().IsTraceFile(devin));
        Assert.False(new GooseReader().IsTraceFile(devin));
        Assert.False(new DevinCliReader().IsTraceFile(goose));
        Assert.True(new GooseReader().IsTraceFile(goose));
        Assert.False(new DevinCliReader().IsTraceFile(devin + "-wal"));
        Assert.Same(FormatRegistry.Default.Get(RolloutFormat.DevinCli), TraceFileFinder.Claim(devin, FormatRegistry.Default.All, strict: true));
    }

    [Fact]
    public void Devins_data_folder_and_its_cli_folder_are_its_store()
    {
        var data = Path.Combine(_folder, "data", "devin");
        var cli = Path.Combine(data, "cli");
        Database("data/devin/cli/sessions.db", 2, (1, null, User("u1", "hi"), null), (2, 1, Answer("a1", "hello"), null));
        var reader = new DevinCliReader();
        Assert.Equal(new[] { cli }, reader.StoresIn(cli));
        Assert.Equal(new[] { cli }, reader.StoresIn(data));
        Assert.Empty(reader.StoresIn(_folder));
    }

    [Fact]
    public void The_default_location_follows_xdg_data_home_and_is_under_local_share_otherwise()
    {
        if (OperatingSystem.IsWindows()) return;
        var previous = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", "/x");
            Assert.Equal(Path.Combine("/x", "devin", "cli"), Assert.Single(new DevinCliReader().DefaultLocations()));
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", "relative");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(Path.Combine(home, ".local", "share", "devin", "cli"), Assert.Single(new DevinCliReader().DefaultLocations()));
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", previous);
        }
    }
}
