using System.Text;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Hermes;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Tests.Formats.SqliteStore;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Hermes Agent's stores, written here line by line and row by row, including damage and a busy database.</summary>
public sealed class HermesReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hermes-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IReadOnlyList<ReadResult> Read(params string[] files) => Read(new ReadOptions(), files);

    private static IReadOnlyList<ReadResult> Read(ReadOptions options, params string[] files) =>
        RolloutLoader.ReadAll(files.Select(f => new SessionReference(TraceSource.FromFile(f), new HermesReader())).ToArray(), options, CancellationToken.None).ToArray();

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }


    /// <summary>A current-schema store with one session and the given message rows (role, content, tool_calls).</summary>
    private string Database(string name, string journal, params (string Role, object? Content, string? ToolCalls, string? CallId)[] rows)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var db = Writer(path);
        db.Open();
        Execute(db, $"PRAGMA journal_mode={journal};" +
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT NOT NULL, model TEXT, started_at REAL NOT NULL, ended_at REAL, title TEXT, input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0);" +
            "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, role TEXT NOT NULL, content TEXT, tool_call_id TEXT, tool_calls TEXT, tool_name TEXT, timestamp REAL NOT NULL, finish_reason TEXT, reasoning TEXT, active INTEGER NOT NULL DEFAULT 1, compacted INTEGER NOT NULL DEFAULT 0);" +
            "INSERT INTO sessions VALUES ('20260401_080000_aaaaaa', 'cli', 'nousresearch/hermes-4-70b', 1775030400, 1775030460, 'A test session', 120, 30);");
        var at = 1775030401.0;
        foreach (var (role, content, calls, callId) in rows)
        {
            using var insert = db.CreateCommand();
            insert.CommandText = "INSERT INTO messages (session_id, role, content, tool_calls, tool_call_id, timestamp) VALUES ('20260401_080000_aaaaaa', $role, $content, $calls, $id, $at)";
            insert.Parameters.AddWithValue("$role", role);
            insert.Parameters.AddWithValue("$content", content ?? DBNull.Value);
            insert.Parameters.AddWithValue("$calls", (object?)calls ?? DBNull.Value);
            insert.Parameters.AddWithValue("$id", (object?)callId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$at", at++);
            insert.ExecuteNonQuery();
        }
        return path;
    }

    private const string Call = "[{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": \"terminal\", \"arguments\": \"{\\\"command\\\": \\\"ls\\\"}\"}}]";

    private static readonly (string, object?, string?, string?)[] Conversation =
    {
        ("user", "list the files", null, null),
        ("assistant", "", Call, null),
        ("tool", "a.txt\nb.txt", null, "call_1"),
        ("assistant", "Two files: a.txt and b.txt.", null, null),
    };

    [Fact]
    public void A_damaged_transcript_line_costs_only_itself_and_is_named_by_line()
    {
        var path = Write("sessions/20260402_090000_bbbbbb.jsonl",
            "{\"role\": \"session_meta\", \"tools\": [], \"platform\": \"slack\"}\n" +
            "{\"role\": \"user\", \"content\": \"hello\", \"timestamp\": \"2026-04-02T09:00:01\"}\n" +
            "{\"role\": \"assistant\", \"content\": 42}\n" +
            "{\"role\": \"assistant\", \"content\": \"hi th\n" +
            "{\"role\": \"reaction\", \"content\": \"+1\"}\n" +
            "{\"role\": \"assistant\", \"content\": \"Hi! How can I help?\", \"call_id\": \"x\"}\n");

        var result = Assert.Single(Read(path));

        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(new int?[] { 3, 4 }, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.LineNumber));
        Assert.Contains("\"content\" is Number", result.Diagnostics[0].Message);
        Assert.Equal("reaction: 1", result.Record!.SourceMeta["unknown_roles"].ToString());
        Assert.Equal(2L, result.Record.SourceMeta["skipped_rows"]);
        Assert.Equal("slack", result.Record.SourceMeta["platform"]);
    }

    [Fact]
    public void A_bad_snapshot_message_is_named_by_its_line_and_the_others_stand()
    {
        var path = Write("sessions/session_20260403_100000_cccccc.json", """
            {
              "session_id": "20260403_100000_cccccc",
              "model": "nousresearch/hermes-4-405b",
              "session_start": "2026-04-03T10:00:00",
              "messages": [
                {"role": "user", "content": "first"},
                {"role": "assistant", "content": {"oops": true}},
                {"role": "assistant", "content": "answer", "tool_calls": null}
              ]
            }
            """);

        var result = Assert.Single(Read(path));

        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(7, error.LineNumber);
        Assert.Equal($"{path}:7: message 2 skipped: \"content\" is Object, neither text nor a list of parts.", error.Message);
    }

    [Fact]
    public void A_bad_database_row_costs_only_itself_and_names_the_database_and_row_id()
    {
        var path = Database("state.db", "WAL", Conversation.Concat(new (string, object?, string?, string?)[]
        {
            ("assistant", "half a call", "[{\"id\": \"call_2\", \"function\": ", null),
            ("user", new byte[] { 1, 2, 3 }, null, null),
        }).ToArray());

        var result = Assert.Single(Read(path), r => r.Record is not null);

        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(2, result.Diagnostics.Count);
        Assert.StartsWith($"{path}: message row 5 of session 20260401_080000_aaaaaa skipped: ", result.Diagnostics[0].Message);
        Assert.Equal($"{path}: message row 6 of session 20260401_080000_aaaaaa skipped: its content is binary data, not text.", result.Diagnostics[1].Message);
        Assert.All(result.Diagnostics, d => Assert.Equal(RolloutDiagnostic.ParseError, d.ErrorId));
        Assert.Equal(2L, result.Record!.SourceMeta["skipped_rows"]);
        Assert.Equal(new TokenUsage(120, 30, 0, 0), SampleFolder.Tokens(result.Record!));
        Assert.Equal("A test session", result.Record!.Title);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1775030400), result.Record.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1775030460), result.Record.EndedAt);
    }

    /// <summary>What the reader's store shows of a file's sessions, read through the loader as Get-AgentRollout reads them.</summary>
    private static IReadOnlyList<ReadResult> ReadLocated(ReadOptions options, string path) =>
        RolloutLoader.ReadAll(new HermesReader().SessionsIn(path), options, CancellationToken.None).ToArray();

    [Fact]
    public void A_database_is_located_as_one_reference_per_session_with_its_own_last_activity()
    {
        var path = Database("home/state.db", "WAL", Conversation);
        var recent = DateTimeOffset.UtcNow.AddMinutes(-5);
        using (var db = Writer(path))
        {
            db.Open();
            Execute(db, $"INSERT INTO sessions (id, source, started_at) VALUES ('20260402_080000_bbbbbb', 'cli', {recent.ToUnixTimeSeconds() - 60});" +
                $"INSERT INTO messages (session_id, role, content, timestamp) VALUES ('20260402_080000_bbbbbb', 'user', 'still going', {recent.ToUnixTimeSeconds()});");
        }

        var sessions = new HermesReader().SessionsIn(path);
        var results = ReadLocated(new ReadOptions { Since = DateTimeOffset.UtcNow.AddDays(-2) }, path);

        Assert.Equal(new[] { "20260401_080000_aaaaaa", "20260402_080000_bbbbbb" }, sessions.Select(s => s.Ids?.TraceId));
        Assert.Equal(new[] { "20260401_080000_aaaaaa", "20260402_080000_bbbbbb" }, sessions.Select(s => s.Source.Key));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1775030460), sessions[0].LastActivity);
        Assert.Equal(recent.ToUnixTimeSeconds(), sessions[1].LastActivity?.ToUnixTimeSeconds());
        Assert.All(sessions, s => Assert.Equal(new[] { path + "-wal" }, s.DependsOn));
        Assert.Equal("its store shows no activity since -Since", results[0].SkipReason);
        Assert.Empty(results[0].Diagnostics);
        Assert.Equal("20260402_080000_bbbbbb", results[1].Record?.TraceId);
    }

    [Fact]
    public void Since_goes_by_the_write_ahead_log_of_a_database_whose_sessions_cannot_be_listed()
    {
        // Hermes writes new messages into state.db-wal; state.db itself changes only at a checkpoint. (A rollback
        // journal here, because opening a WAL database, even read-only, makes SQLite create the log when it is missing.)
        var path = Database("home/state.db", "DELETE", Conversation);
        using (var db = Writer(path))
        {
            db.Open();
            Execute(db, "DELETE FROM messages; DELETE FROM sessions;");
        }
        var since = DateTimeOffset.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddDays(-10));
        File.WriteAllBytes(path + "-wal", Array.Empty<byte>());

        var withLog = Assert.Single(ReadLocated(new ReadOptions { Since = since }, path));
        File.Delete(path + "-wal");
        var withoutLog = Assert.Single(ReadLocated(new ReadOptions { Since = since }, path));

        Assert.Equal("it holds no session yet", withLog.SkipReason);
        Assert.Equal("it was last written before -Since", withoutLog.SkipReason);
    }

    [Fact]
    public void A_session_read_by_its_key_reads_that_session_alone_and_the_listing_problems_once()
    {
        var path = Database("home/state.db", "DELETE", Conversation);
        using (var db = Writer(path))
        {
            db.Open();
            Execute(db, "INSERT INTO sessions (id, source, started_at) VALUES ('20260402_080000_bbbbbb', 'cli', 1775116800);" +
                "INSERT INTO sessions (id, source, started_at) VALUES (NULL, 'cli', 1775116900);" +
                "INSERT INTO messages (session_id, role, content, timestamp) VALUES ('20260402_080000_bbbbbb', 'user', 'second', 1775116801);");
        }

        var results = ReadLocated(new ReadOptions(), path);

        Assert.Equal(new[] { "20260401_080000_aaaaaa", "20260402_080000_bbbbbb" }, results.Select(r => r.Record?.TraceId));
        Assert.Equal("second", results[1].Record!.Messages.Single().Text);
        Assert.Contains("has no id", Assert.Single(results.SelectMany(r => r.Diagnostics)).Message);
        Assert.Contains("has no id", Assert.Single(results[0].Diagnostics).Message);
    }

    [Fact]
    public void Reading_a_live_wal_store_neither_waits_for_nor_blocks_the_writer_and_changes_no_file()
    {
        var path = Database("home/state.db", "WAL", Conversation);
        SqliteStore.AssertLiveStoreIsReadUntouched(path, "INSERT INTO messages (session_id, role, content, timestamp) VALUES ('20260401_080000_aaaaaa', 'user', 'not committed yet', 1775030500);",
            () => Read(path), "Prompt Response ToolResult Response");
    }

    [Fact]
    public void A_locked_store_is_a_clear_error_after_a_short_wait_not_a_hang()
    {
        var path = Database("locked/state.db", "DELETE", Conversation);
        SqliteStore.AssertLockedStoreIsAnError(path, "UPDATE sessions SET title = 'held';", () => Read(path));
    }

    [Fact]
    public void A_sqlite_file_without_hermes_tables_and_a_file_that_is_not_sqlite_are_reported()
    {
        var foreign = SqliteStore.Create(Path.Combine(_folder, "foreign", "state.db"), "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);");
        var text = Write("text/state.db", "this is not a database\n");

        var results = Read(foreign, text);

        Assert.Equal(
            new[]
            {
                $"{foreign}: it is a SQLite database without Hermes' sessions and messages tables; no record.",
                $"{text}: not readable as Hermes' SQLite store: SQLite Error 26: 'file is not a database'.",
            },
            results.SelectMany(r => r.Diagnostics).Select(d => d.Message));
    }

    [Fact]
    public void A_wal_copy_whose_index_cannot_be_opened_reads_as_an_immutable_copy()
    {
        var path = Database("copy/state.db", "WAL", Conversation);
        var folder = Path.GetDirectoryName(path)!;
        File.WriteAllBytes(Path.Combine(folder, "state.db-wal"), Array.Empty<byte>());
        var readOnly = new DirectoryInfo(folder);
        if (!OperatingSystem.IsWindows() && Environment.UserName != "root")
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        try
        {
            var result = Assert.Single(Read(path), r => r.Record is not null);
            Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        }
        finally
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void An_immutable_copy_opens_by_uri_whatever_characters_its_path_holds()
    {
        var path = Database("a copy #2/state.db", "WAL", Conversation);
        using var db = ReadOnlySqlite.Open(path, immutable: true);
        using var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM messages";
        Assert.Equal(4L, count.ExecuteScalar());
        Assert.Throws<SqliteException>(() =>
        {
            using var write = db.CreateCommand();
            write.CommandText = "DELETE FROM messages";
            write.ExecuteNonQuery();
        });
    }

    [Fact]
    public void Snapshots_and_transcripts_are_told_from_other_json_by_their_first_keys()
    {
        var reader = new HermesReader();
        bool Recognizes(string json) => reader.Score(JsonHead.Read(Encoding.UTF8.GetBytes(json))!) > DetectionScore.None;

        Assert.True(Recognizes("{\"session_id\": \"20260310_140000_0f1e2d\", \"model\": \"m\", \"base_url\": \"u\", \"platform\": \"cli\", \"session_start\": \"2026-03-10T14:00:00\"}"));
        Assert.True(Recognizes("{\"role\": \"session_meta\", \"tools\": []}"));
        Assert.True(Recognizes("{\"role\": \"user\", \"content\": \"hi\", \"timestamp\": \"2026-03-10T14:00:00\"}"));
        Assert.False(Recognizes("{\"timestamp\": \"2026-03-11T19:35:12\", \"session_id\": \"x\", \"reason\": \"max_retries_exhausted\", \"request\": {}}"));
        Assert.False(Recognizes("{\n  \"role\": \"user\",\n  \"content\": \"a message nested in a request dump\"\n}"));
        Assert.False(Recognizes("{\"type\": \"user\", \"message\": {\"role\": \"user\", \"content\": \"hi\"}}"));
        Assert.False(Recognizes("{\"trace_id\": \"t\", \"source_kind\": \"hermes_agent\", \"messages\": []}"));

        Assert.True(reader.IsSidecarFile("/x/sessions/request_dump_20260311_193000_77aa88_20260311_193512.json"));
        Assert.True(reader.IsSidecarFile("/x/sessions/sessions.json"));
        Assert.False(reader.IsTraceFile("/x/sessions/sessions.json"));
        Assert.True(reader.IsTraceFile("/x/backup/state.db"));
        Assert.True(reader.IsTraceFile("/x/backup/session_20260310_140000_0f1e2d.json"));
    }

    [Fact]
    public void Inside_the_hermes_home_only_its_session_places_hold_sessions()
    {
        var previous = Environment.GetEnvironmentVariable("HERMES_HOME");
        Environment.SetEnvironmentVariable("HERMES_HOME", _folder);
        try
        {
            var reader = new HermesReader();
            Assert.True(reader.IsTraceFile(Path.Combine(_folder, "state.db")));
            Assert.True(reader.IsTraceFile(Path.Combine(_folder, "sessions", "20260311_193000_77aa88.jsonl")));
            Assert.True(reader.IsTraceFile(Path.Combine(_folder, "profiles", "work", "state.db")));
            Assert.True(reader.IsTraceFile(Path.Combine(_folder, "profiles", "work", "sessions", "session_1.json")));
            Assert.False(reader.IsTraceFile(Path.Combine(_folder, "hermes-agent", "tests", "fixtures", "session_1.json")));
            Assert.False(reader.IsTraceFile(Path.Combine(_folder, "logs", "gateway.jsonl")));
            Assert.False(reader.IsTraceFile(Path.Combine(_folder, "sessions", "saved", "x.jsonl")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("HERMES_HOME", previous);
        }
    }

    [Fact]
    public void Openai_tool_calls_take_call_id_flat_names_and_object_arguments()
    {
        using var document = System.Text.Json.JsonDocument.Parse("""
            [{"call_id": "c1", "name": "terminal", "arguments": {"command": "ls"}},
             {"id": 7, "function": {"name": "read_file"}},
             {"function": {"name": "patch", "arguments": "{\"path\": \"a\"}"}}]
            """);
        Assert.Equal(
            new[] { new ToolCall("c1", "terminal", "{\"command\": \"ls\"}"), new ToolCall("7", "read_file", "{}"), new ToolCall("call_3", "patch", "{\"path\": \"a\"}") },
            OpenAIMessages.ReadToolCalls(document.RootElement));
    }

    [Fact]
    public void Display_kinds_tell_scaffolding_notifications_and_peer_agents_from_a_persons_prompt()
    {
        var path = Create(Path.Combine(_folder, "home", "state.db"),
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT NOT NULL, model TEXT, started_at REAL NOT NULL);" +
            "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, role TEXT NOT NULL, content TEXT, timestamp REAL NOT NULL, display_kind TEXT);" +
            "INSERT INTO sessions VALUES ('s1', 'cli', 'm', 1775030400);" +
            "INSERT INTO messages (session_id, role, content, timestamp, display_kind) VALUES " +
            "('s1', 'user', 'Accord request 7 was approved by the owner. Retry the exact original tool call once.', 1775030401, 'hidden')," +
            "('s1', 'user', '[peer hermes:x] can you check the logs?', 1775030402, 'peer_message')," +
            "('s1', 'user', '[Background process proc_1 finished with exit code 0]', 1775030403, 'internal_notification')," +
            "('s1', 'user', 'fix the bug', 1775030404, NULL)," +
            "('s1', 'user', 'a kind this reader does not know', 1775030405, 'card')," +
            "('s1', 'assistant', 'done', 1775030406, NULL);");

        var record = Assert.Single(Read(path)).Record!;

        Assert.Equal("Context AgentMessage Context Prompt Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("fix the bug", record.Title);
        var kinds = (IReadOnlyDictionary<string, long>)record.SourceMeta["display_kinds"];
        Assert.Equal(new[] { ("card", 1L), ("hidden", 1L), ("internal_notification", 1L), ("peer_message", 1L) }, kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => (k.Key, k.Value)));
    }

    [Fact]
    public void A_delegate_session_keeping_its_parents_source_is_a_subagent_by_its_model_config_marker()
    {
        var path = Create(Path.Combine(_folder, "home", "state.db"),
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT NOT NULL, model TEXT, model_config TEXT, parent_session_id TEXT, started_at REAL NOT NULL);" +
            "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, role TEXT NOT NULL, content TEXT, timestamp REAL NOT NULL);" +
            "INSERT INTO sessions VALUES ('p', 'cli', 'm', NULL, NULL, 1775030400), ('sub', 'cli', 'm', '{\"_delegate_from\": \"p\"}', 'p', 1775030410)," +
            " ('br', 'desktop', 'm', '{\"_branched_from\": \"p\", \"_reset_from\": \"q\"}', 'p', 1775030420), ('bad', 'cli', 'm', 'not json', 'p', 1775030430);" +
            "INSERT INTO messages (session_id, role, content, timestamp) VALUES ('p', 'user', 'look into the flaky test', 1775030401)," +
            " ('sub', 'user', 'Investigate the failing test in tests/x.py and report back', 1775030411), ('sub', 'assistant', 'It races.', 1775030412)," +
            " ('br', 'user', 'try another way', 1775030421), ('bad', 'user', 'go on', 1775030431);");

        var records = Read(path).Select(r => r.Record!).ToDictionary(r => r.TraceId);

        var sub = records["sub"];
        Assert.Equal((true, "sub", "p"), (sub.IsSidechain, sub.AgentId, sub.RootSessionId));
        Assert.Equal("AgentMessage Response", SampleFolder.Kinds(sub));
        Assert.Equal("p", sub.SourceMeta["delegated_from"]);
        var branch = records["br"];
        Assert.Equal((false, null, "Prompt"), (branch.IsSidechain, branch.AgentId, SampleFolder.Kinds(branch)));
        Assert.Equal(("p", "q"), (branch.SourceMeta["branched_from"], branch.SourceMeta["reset_from"]));
        Assert.Equal((false, "Prompt"), (records["bad"].IsSidechain, SampleFolder.Kinds(records["bad"])));
    }

    [Fact]
    public void Compaction_summaries_are_told_by_marker_or_prefix_and_a_carrier_keeps_the_persons_words_apart()
    {
        const string Summary = "[CONTEXT COMPACTION — REFERENCE ONLY] Earlier turns were compacted into the summary below. This is a handoff.";
        const string End = "--- END OF CONTEXT SUMMARY — respond to the message below, not the summary above ---";
        string Line(string content, string extra = "") => $$"""{"role": "user", "content": {{ClaudeLines.Q(content)}}{{extra}}, "timestamp": "2026-04-02T09:00:01"}""";
        var path = Write("sessions/20260402_090000_bbbbbb.jsonl", string.Join("\n",
            "{\"role\": \"session_meta\", \"tools\": [], \"platform\": \"telegram\"}",
            Line(Summary + " ## Active Task fix the flaky test", ", \"_compressed_summary\": true"),
            Line("[CONTEXT SUMMARY]: older summary text"),
            Line($"{Summary} ## Active Task lint\n{End}\n\nnow run the tests"),
            Line("[PRIOR CONTEXT — for reference only; not a new message]\nplease also lint\n\n[END OF PRIOR CONTEXT — COMPACTION SUMMARY BELOW]\n\n[CONTEXT SUMMARY]: merged"),
            Line("Continue from the compressed conversation context above. This marker exists because no human user turn was available."),
            Line("[CONTEXT SUMMARY] is what I called my notes"),
            Line("Retry the exact original tool call once.", ", \"display_kind\": \"hidden\""),
            "{\"role\": \"assistant\", \"content\": \"ok\"}") + "\n");

        var record = Assert.Single(Read(path)).Record!;

        Assert.Equal("CompactionSummary CompactionSummary CompactionSummary Prompt Prompt CompactionSummary Context Prompt Context Response", SampleFolder.Kinds(record));
        Assert.Equal(new[] { $"{Summary} ## Active Task lint\n{End}", "now run the tests", "please also lint", "[CONTEXT SUMMARY]: merged" }, record.Messages.Skip(2).Take(4).Select(m => m.Text));
        Assert.Equal("now run the tests", record.Title);
    }
}
