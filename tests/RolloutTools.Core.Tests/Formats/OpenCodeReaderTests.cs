using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.OpenCode;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Tests.Formats.SqliteStore;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>OpenCode's stores written here row by row and file by file, including damage, a busy database and activity in the tree.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class OpenCodeReaderTests : IDisposable
{
    private const string Session = "ses_3f00000000001Aa2Bb3Cc4Dd5";
    private const string Other = "ses_3f00000000002Ee6Ff7Gg8Hh9";
    private readonly string _folder = Directory.CreateTempSubdirectory("opencode-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);


    private static string Q(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private const string UserData = "{\"role\":\"user\",\"time\":{\"created\":1775030401000},\"agent\":\"build\",\"model\":{\"providerID\":\"anthropic\",\"modelID\":\"claude-sonnet-4-5\"}}";
    private const string AssistantData = "{\"role\":\"assistant\",\"time\":{\"created\":1775030402000,\"completed\":1775030409000},\"parentID\":\"msg_1\",\"modelID\":\"claude-sonnet-4-5\",\"providerID\":\"anthropic\",\"mode\":\"build\",\"agent\":\"build\",\"path\":{\"cwd\":\"/w\",\"root\":\"/w\"},\"cost\":0.01,\"tokens\":{\"input\":10,\"output\":5,\"reasoning\":0,\"cache\":{\"read\":100,\"write\":0}},\"finish\":\"stop\"}";

    /// <summary>The parts of a one-turn conversation: prompt, a bash call with its result, an answer.</summary>
    private static readonly (string Id, string Message, string Data)[] Parts =
    {
        ("prt_1", "msg_1", "{\"type\":\"text\",\"text\":\"List the files\"}"),
        ("prt_2", "msg_2", "{\"type\":\"step-start\"}"),
        ("prt_3", "msg_2", "{\"type\":\"tool\",\"callID\":\"call_1\",\"tool\":\"bash\",\"state\":{\"status\":\"completed\",\"input\":{\"command\":\"ls\"},\"output\":\"a.txt\",\"title\":\"ls\",\"metadata\":{\"exit\":0},\"time\":{\"start\":1775030403000,\"end\":1775030404000}}}"),
        ("prt_4", "msg_2", "{\"type\":\"step-finish\",\"reason\":\"tool-calls\",\"cost\":0.006,\"tokens\":{\"input\":6,\"output\":3,\"reasoning\":0,\"cache\":{\"read\":50,\"write\":0}}}"),
        ("prt_5", "msg_2", "{\"type\":\"step-start\"}"),
        ("prt_6", "msg_2", "{\"type\":\"text\",\"text\":\"One file: a.txt\"}"),
        ("prt_7", "msg_2", "{\"type\":\"step-finish\",\"reason\":\"stop\",\"cost\":0.004,\"tokens\":{\"input\":4,\"output\":2,\"reasoning\":0,\"cache\":{\"read\":50,\"write\":0}}}"),
    };

    /// <summary>A database with one session of the one-turn conversation, plus the rows given.</summary>
    private string Database(string relative, string journal, string extra = "")
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var db = Writer(path);
        db.Open();
        var sql = $"PRAGMA journal_mode={journal};" +
            "CREATE TABLE project (id TEXT PRIMARY KEY, worktree TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, sandboxes TEXT NOT NULL);" +
            "CREATE TABLE session (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, parent_id TEXT, slug TEXT NOT NULL, directory TEXT NOT NULL, title TEXT NOT NULL, version TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL);" +
            "CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL);" +
            "CREATE TABLE part (id TEXT PRIMARY KEY, message_id TEXT NOT NULL, session_id TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL);" +
            "INSERT INTO project VALUES ('p1', '/w', 1775030400000, 1775030400000, '[]');" +
            $"INSERT INTO session VALUES ({Q(Session)}, 'p1', NULL, 'brave-owl', '/w', 'A test session', '1.2.10', 1775030400000, 1775030409000);" +
            $"INSERT INTO message VALUES ('msg_1', {Q(Session)}, 1775030401000, 1775030401000, {Q(UserData)});" +
            $"INSERT INTO message VALUES ('msg_2', {Q(Session)}, 1775030402000, 1775030409000, {Q(AssistantData)});";
        foreach (var (id, message, data) in Parts) sql += $"INSERT INTO part VALUES ({Q(id)}, {Q(message)}, {Q(Session)}, 1775030401000, 1775030401000, {Q(data)});";
        Execute(db, sql + extra);
        return path;
    }

    /// <summary>The same conversation as the JSON tree of OpenCode before 1.2; returns the session file.</summary>
    private string Tree(string data, string id = Session)
    {
        var storage = Path.Combine(_folder, data, "storage");
        string Put(string relative, string json)
        {
            var path = Path.Combine(storage, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, json);
            return path;
        }
        var session = Put($"session/p1/{id}.json", $"{{\n  \"id\": \"{id}\",\n  \"version\": \"0.15.8\",\n  \"projectID\": \"p1\",\n  \"directory\": \"/w\",\n  \"title\": \"A test session\",\n  \"time\": {{\n    \"created\": 1775030400000,\n    \"updated\": 1775030409000\n  }}\n}}\n");
        Put($"message/{id}/msg_1.json", UserData.Insert(1, $"\"id\":\"msg_1\",\"sessionID\":\"{id}\","));
        Put($"message/{id}/msg_2.json", AssistantData.Insert(1, $"\"id\":\"msg_2\",\"sessionID\":\"{id}\","));
        foreach (var (part, message, json) in Parts) Put($"part/{message}/{part}.json", json.Insert(1, $"\"id\":\"{part}\",\"sessionID\":\"{id}\",\"messageID\":\"{message}\","));
        return session;
    }

    private static IReadOnlyList<ReadResult> ReadLocated(ReadOptions options, params string[] paths) =>
        RolloutLoader.ReadAll(paths.SelectMany(p => new OpenCodeReader().SessionsIn(p)).ToArray(), options, CancellationToken.None).ToArray();

    private static IReadOnlyList<ReadResult> ReadLocated(params string[] paths) => ReadLocated(new ReadOptions(), paths);

    [Fact]
    public void A_database_session_and_its_json_tree_copy_read_alike()
    {
        var fromDatabase = Assert.Single(ReadLocated(Database("db/opencode.db", "DELETE"))).Record!;
        var fromTree = Assert.Single(ReadLocated(Tree("tree"))).Record!;

        foreach (var record in new[] { fromDatabase, fromTree })
        {
            Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
            Assert.Equal(new ToolCall("call_1", "bash", "{\"command\":\"ls\"}"), Assert.Single(record.Messages[1].ToolCalls));
            Assert.Equal(("a.txt", 0, TimeSpan.FromSeconds(1)), (record.Messages[2].Text, record.Messages[2].ExitCode, record.Messages[2].ToolDuration));
            Assert.Equal(new TokenUsage(6, 3, 50, 0), record.Messages[1].Usage);
            Assert.Equal(new TokenUsage(4, 2, 50, 0), record.Messages[3].Usage);
            Assert.Equal(new TokenUsage(10, 5, 100, 0), SampleFolder.Tokens(record));
            Assert.Equal(0.01, record.SourceMeta["cost_usd"]);
            Assert.Equal("A test session", record.Title);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1775030400000), record.StartedAt);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1775030409000), record.EndedAt);
        }
        Assert.Equal("/w", fromDatabase.ProjectPath);
    }

    [Fact]
    public void A_bad_message_or_part_row_costs_only_itself_and_names_the_database_and_row()
    {
        var path = Database("bad/opencode.db", "DELETE",
            $"INSERT INTO part VALUES ('prt_8', 'msg_2', {Q(Session)}, 1775030401000, 1775030401000, 'not json');" +
            $"INSERT INTO message VALUES ('msg_3', {Q(Session)}, 1775030410000, 1775030410000, '[1, 2]');");

        var result = Assert.Single(ReadLocated(path));

        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(2, result.Diagnostics.Count);
        Assert.All(result.Diagnostics, d => Assert.Equal((DiagnosticSeverity.Error, RolloutDiagnostic.ParseError), (d.Severity, d.ErrorId)));
        Assert.StartsWith($"{path}: part row prt_8 of session {Session} skipped:", result.Diagnostics[0].Message);
        Assert.Equal($"{path}: message row msg_3 of session {Session} skipped: it is a JSON array, not an object.", result.Diagnostics[1].Message);
        Assert.Equal(2L, result.Record!.SourceMeta["skipped_rows"]);
    }

    [Fact]
    public void A_damaged_file_of_the_json_tree_is_named_by_its_own_path_and_the_others_stand()
    {
        var session = Tree("tree");
        var storage = OpenCodeHome.StorageOf(session);
        var part = Path.Combine(storage, "part", "msg_2", "prt_6.json");
        File.WriteAllText(part, "{\"id\": \"prt_6\", \"type\": \"te");

        var result = Assert.Single(ReadLocated(session));

        Assert.Equal("Prompt Response ToolResult", SampleFolder.Kinds(result.Record!));
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((RolloutDiagnostic.ParseError, part), (error.ErrorId, error.Path));
        Assert.StartsWith($"{part}: skipped, not a JSON object:", error.Message);

        File.WriteAllText(session, "not json");
        var broken = Assert.Single(ReadLocated(session));
        Assert.Null(broken.Record);
        Assert.Contains("the session file is not a JSON object", Assert.Single(broken.Diagnostics).Message);
    }

    [Fact]
    public void A_database_is_located_as_one_reference_per_session_with_its_parent_and_last_activity()
    {
        var recent = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        var path = Database("home/opencode/opencode.db", "WAL",
            $"INSERT INTO session VALUES ({Q(Other)}, 'p1', {Q(Session)}, 'calm-elk', '/w', 'Child session', '1.2.10', {recent - 60000}, {recent - 60000});" +
            $"INSERT INTO message VALUES ('msg_9', {Q(Other)}, {recent - 30000}, {recent - 30000}, {Q(UserData)});" +
            $"INSERT INTO part VALUES ('prt_9', 'msg_9', {Q(Other)}, {recent}, {recent}, '{{\"type\":\"text\",\"text\":\"Find the tests\"}}');");

        var sessions = new OpenCodeReader().SessionsIn(path);
        var results = ReadLocated(new ReadOptions { Since = DateTimeOffset.UtcNow.AddDays(-2) }, path);

        Assert.Equal(new[] { Session, Other }, sessions.Select(s => s.Source.Key));
        Assert.Equal(new[] { (Session, (string?)null), (Other, Other) }, sessions.Select(s => (s.Ids!.TraceId, s.Ids.AgentId)));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1775030409000), sessions[0].LastActivity);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(recent), sessions[1].LastActivity);
        Assert.All(sessions, s => Assert.Equal(new[] { path + "-wal" }, s.DependsOn));
        Assert.Equal("its store shows no activity since -Since", results[0].SkipReason);
        var child = results[1].Record!;
        Assert.Equal((Other, Session, true), (child.AgentId, child.RootSessionId, child.IsSidechain));
        Assert.Equal("AgentMessage", SampleFolder.Kinds(child));
    }

    [Fact]
    public void A_session_file_counts_the_writes_of_its_message_and_part_files_for_since()
    {
        var session = Tree("tree");
        var old = DateTime.UtcNow.AddDays(-10);
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(OpenCodeHome.StorageOf(session))!, "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(file, old);
        var since = new ReadOptions { Since = DateTimeOffset.UtcNow.AddHours(-1) };

        Assert.Equal("it was last written before -Since", Assert.Single(ReadLocated(since, session)).SkipReason);
        File.SetLastWriteTimeUtc(Path.Combine(OpenCodeHome.StorageOf(session), "part", "msg_2", "prt_6.json"), DateTime.UtcNow);
        // Now it is read (its messages' own times then decide whether it is in range).
        Assert.NotEqual("it was last written before -Since", Assert.Single(ReadLocated(since, session)).SkipReason);
    }

    [Fact]
    public void Reading_a_live_wal_store_neither_waits_for_nor_blocks_the_writer_and_changes_no_file()
    {
        var path = Database("live/opencode.db", "WAL");
        SqliteStore.AssertLiveStoreIsReadUntouched(path, $"INSERT INTO message VALUES ('msg_4', {Q(Session)}, 1775030500000, 1775030500000, {Q(UserData)});",
            () => ReadLocated(path), "Prompt Response ToolResult Response");
    }

    [Fact]
    public void A_locked_store_is_a_clear_error_after_a_short_wait_not_a_hang()
    {
        var path = Database("locked/opencode.db", "DELETE");
        SqliteStore.AssertLockedStoreIsAnError(path, "UPDATE session SET title = 'held';", () => ReadLocated(path));
    }

    [Fact]
    public void A_sqlite_file_without_opencode_tables_and_a_file_that_is_not_sqlite_are_reported()
    {
        var foreign = SqliteStore.Create(Path.Combine(_folder, "foreign", "opencode.db"), "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);");
        var text = Path.Combine(_folder, "text", "kilo.db");
        Directory.CreateDirectory(Path.GetDirectoryName(text)!);
        File.WriteAllText(text, "this is not a database");

        var noTables = Assert.Single(Assert.Single(ReadLocated(foreign)).Diagnostics);
        var notSqlite = Assert.Single(Assert.Single(ReadLocated(text)).Diagnostics);

        Assert.Equal($"{foreign}: it is a SQLite database without OpenCode's session, message and part tables; no record.", noTables.Message);
        Assert.Equal(RolloutDiagnostic.ReadError, notSqlite.ErrorId);
        Assert.StartsWith($"{text}: not readable as OpenCode's SQLite store:", notSqlite.Message);
    }

    [Fact]
    public void The_data_folder_names_its_databases_and_session_files_and_nothing_else()
    {
        var reader = new OpenCodeReader();
        var data = Path.Combine(_folder, "opencode");
        string P(string relative) => Path.Combine(data, relative);

        Assert.True(reader.IsTraceFile(P("opencode.db")));
        Assert.True(reader.IsTraceFile(P("opencode-local.db")));
        Assert.True(reader.IsTraceFile(P("kilo.db")));
        Assert.True(reader.IsTraceFile(P("kilo-dev.db")));
        Assert.True(reader.IsTraceFile(P($"storage/session/p1/{Session}.json")));
        Assert.False(reader.IsTraceFile(P("opencode.db-wal")));
        Assert.False(reader.IsTraceFile(P("state.db")));
        Assert.False(reader.IsTraceFile(P($"{Session}.json")));
        Assert.False(reader.IsTraceFile(P("storage/project/p1.json")));
        Assert.True(reader.IsSidecarFile(P($"storage/message/{Session}/msg_1.json")));
        Assert.True(reader.IsSidecarFile(P("storage/part/msg_1/prt_1.json")));
        Assert.False(reader.IsSidecarFile(P($"storage/session/p1/{Session}.json")));

        Assert.Equal(DetectionScore.Certain, reader.Score(JsonHead.Read(File.ReadAllBytes(Tree("tree")))!));
        Assert.Equal(DetectionScore.None, reader.Score(JsonHead.Read("{\"id\":\"prt_1\",\"sessionID\":\"s\",\"messageID\":\"m\",\"type\":\"text\"}"u8)!));
        Assert.Equal(DetectionScore.None, reader.Score(JsonHead.Read("{\"id\":\"msg_1\",\"sessionID\":\"s\",\"role\":\"user\"}"u8)!));
    }

    [Fact]
    public void The_default_locations_follow_xdg_data_home_and_a_data_folder_holds_both_apps_stores()
    {
        var previous = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var xdg = Path.Combine(_folder, "xdg");
        Environment.SetEnvironmentVariable("XDG_DATA_HOME", xdg);
        try
        {
            var reader = new OpenCodeReader();
            Assert.Equal(new[] { Path.Combine(xdg, "opencode"), Path.Combine(xdg, "kilo") }, reader.DefaultLocations());
            Database("xdg/opencode/opencode.db", "DELETE");
            Database("xdg/kilo/kilo.db", "DELETE");
            Assert.Equal(new[] { Path.Combine(xdg, "opencode"), Path.Combine(xdg, "kilo") }, reader.StoresIn(xdg));

            Database("copy/opencode/opencode-beta.db", "DELETE");
            Tree("elsewhere/opencode");
            Assert.Equal(new[] { Path.Combine(_folder, "copy", "opencode") }, reader.StoresIn(Path.Combine(_folder, "copy")));
            Assert.Equal(new[] { Path.Combine(_folder, "elsewhere", "opencode") }, reader.StoresIn(Path.Combine(_folder, "elsewhere", "opencode")));
            Assert.Empty(reader.StoresIn(Path.Combine(_folder, "xdg", "opencode", "..", "..", "tree")));

            var located = reader.Locate(Path.Combine(_folder, "elsewhere", "opencode"), new TraceSearch(), FormatRegistry.Default);
            Assert.Equal(Session, Assert.Single(located.Sessions).Ids!.TraceId);
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", previous);
        }
    }

    [Fact]
    public void A_session_read_by_its_key_reads_that_session_alone()
    {
        var path = Database("keyed/opencode.db", "DELETE",
            $"INSERT INTO session VALUES ({Q(Other)}, 'p1', NULL, 'calm-elk', '/w', 'New session - 2026-04-01T08:00:00.000Z', '1.2.10', 1775116800000, 1775116800000);" +
            $"INSERT INTO message VALUES ('msg_9', {Q(Other)}, 1775116801000, 1775116801000, {Q(UserData)});" +
            $"INSERT INTO part VALUES ('prt_9', 'msg_9', {Q(Other)}, 1775116801000, 1775116801000, '{{\"type\":\"text\",\"text\":\"second\"}}');");

        var result = Assert.Single(RolloutLoader.ReadAll(new[] { new SessionReference(TraceSource.FromFile(path, Other), new OpenCodeReader()) }, new ReadOptions(), CancellationToken.None));
        var gone = Assert.Single(RolloutLoader.ReadAll(new[] { new SessionReference(TraceSource.FromFile(path, "ses_gone"), new OpenCodeReader()) }, new ReadOptions(), CancellationToken.None));

        Assert.Equal("second", Assert.Single(result.Record!.Messages).Text);
        // A title OpenCode made up before naming the session gives way to the first prompt.
        Assert.Equal("second", result.Record.Title);
        Assert.Equal("session ses_gone is no longer in the database", gone.SkipReason);
    }

    [Fact]
    public void A_message_of_no_known_role_an_empty_tree_session_and_a_bom_are_told_not_dropped()
    {
        var path = Database("roles/opencode.db", "DELETE", $"INSERT INTO message VALUES ('msg_7', {Q(Session)}, 1775030410000, 1775030410000, '{{\"role\":\"system\"}}');");
        var result = Assert.Single(ReadLocated(path));
        Assert.Equal($"{path}: message row msg_7 of session {Session} skipped: its role is 'system', neither user nor assistant.", Assert.Single(result.Diagnostics).Message);
        Assert.NotNull(result.Record);

        var session = Tree("bom");
        File.WriteAllBytes(session, System.Text.Encoding.UTF8.Preamble.ToArray().Concat(File.ReadAllBytes(session)).ToArray());
        Assert.Equal("A test session", Assert.Single(ReadLocated(session)).Record!.Title);

        Directory.Delete(Path.Combine(OpenCodeHome.StorageOf(session), "message"), recursive: true);
        var empty = Assert.Single(ReadLocated(session));
        Assert.Null(empty.Record);
        var warning = Assert.Single(empty.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, $"{session}: session {Session} has no message files (storage/message/{Session}/) yet; no record."), (warning.Severity, warning.Message));
    }

    [Fact]
    public void A_step_of_encrypted_reasoning_only_is_carried_unlisted_and_counts_in_the_totals()
    {
        // An OpenAI model's step whose reasoning OpenCode keeps encrypted in the part's metadata, with empty text.
        const string prompt = "{\"role\":\"user\",\"time\":{\"created\":1775116800000},\"agent\":\"build\",\"model\":{\"providerID\":\"openai\",\"modelID\":\"gpt-5\"}}";
        const string answer = "{\"role\":\"assistant\",\"time\":{\"created\":1775116801000,\"completed\":1775116805000},\"parentID\":\"msg_3\",\"modelID\":\"gpt-5\",\"providerID\":\"openai\",\"mode\":\"build\",\"agent\":\"build\",\"path\":{\"cwd\":\"/w\",\"root\":\"/w\"},\"cost\":0.02,\"tokens\":{\"input\":700,\"output\":10,\"reasoning\":80,\"cache\":{\"read\":0,\"write\":0}},\"finish\":\"stop\"}";
        var parts = new[]
        {
            ("prt_90", "msg_3", "{\"type\":\"text\",\"text\":\"Go on\"}"),
            ("prt_91", "msg_4", "{\"type\":\"step-start\"}"),
            ("prt_92", "msg_4", "{\"type\":\"reasoning\",\"text\":\"\",\"metadata\":{\"openai\":{\"itemId\":\"rs_1\",\"reasoningEncryptedContent\":\"gAAAAABpZ3Jx\"}},\"time\":{\"start\":1775116802000,\"end\":1775116803000}}"),
            ("prt_93", "msg_4", "{\"type\":\"step-finish\",\"reason\":\"stop\",\"cost\":0.02,\"tokens\":{\"input\":700,\"output\":10,\"reasoning\":80,\"cache\":{\"read\":0,\"write\":0}}}"),
        };
        var extra = $"INSERT INTO message VALUES ('msg_3', {Q(Session)}, 1775116800000, 1775116800000, {Q(prompt)});" +
            $"INSERT INTO message VALUES ('msg_4', {Q(Session)}, 1775116801000, 1775116805000, {Q(answer)});" +
            string.Concat(parts.Select(p => $"INSERT INTO part VALUES ({Q(p.Item1)}, {Q(p.Item2)}, {Q(Session)}, 1775116801000, 1775116801000, {Q(p.Item3)});"));
        var record = Assert.Single(ReadLocated(Database("unlisted/opencode.db", "DELETE", extra))).Record!;

        Assert.Equal("Prompt Response ToolResult Response Prompt", SampleFolder.Kinds(record));
        Assert.Equal(
            new UnlistedResponse("msg_4:1", DateTimeOffset.FromUnixTimeMilliseconds(1775116801000), "gpt-5", new TokenUsage(700, 90, 0, 0), 0.02m),
            Assert.Single(record.UnlistedResponses));
        // OpenCode states tokens per step only, so the totals add the unlisted step to the listed ones.
        Assert.Equal(new TokenUsage(10 + 700, 5 + 90, 100, 0), SampleFolder.Tokens(record));
    }

    /// <summary>A database holding the one-turn conversation, then the messages given (id, data) with their parts.</summary>
    private string DatabaseWith(string relative, (string Id, string Data)[] messages, (string Id, string Message, string Data)[] parts) =>
        Database(relative, "DELETE",
            string.Concat(messages.Select(m => $"INSERT INTO message VALUES ({Q(m.Id)}, {Q(Session)}, 1775116800000, 1775116800000, {Q(m.Data)});")) +
            string.Concat(parts.Select(p => $"INSERT INTO part VALUES ({Q(p.Id)}, {Q(p.Message)}, {Q(Session)}, 1775116801000, 1775116801000, {Q(p.Data)});")));

    [Fact]
    public void A_command_the_person_ran_with_a_bang_is_a_command_with_its_output_not_a_models_call()
    {
        var path = DatabaseWith("shell/opencode.db",
            new[]
            {
                ("msg_3", "{\"role\":\"user\",\"time\":{\"created\":1775116800000},\"agent\":\"build\"}"),
                ("msg_4", "{\"role\":\"assistant\",\"mode\":\"build\",\"cost\":0,\"modelID\":\"\",\"providerID\":\"\",\"path\":{\"cwd\":\"/w\",\"root\":\"/w\"},\"time\":{\"created\":1775116801000},\"tokens\":{\"input\":0,\"output\":0,\"reasoning\":0,\"cache\":{\"read\":0,\"write\":0}}}"),
            },
            new[]
            {
                ("prt_90", "msg_3", "{\"type\":\"text\",\"text\":\"The following tool was executed by the user\",\"synthetic\":true}"),
                ("prt_91", "msg_4", "{\"type\":\"tool\",\"tool\":\"bash\",\"callID\":\"c9\",\"state\":{\"status\":\"completed\",\"input\":{\"command\":\"make\"},\"output\":\"ok\",\"metadata\":{\"output\":\"ok\"},\"time\":{\"start\":1775116802000,\"end\":1775116803000}}}"),
            });
        var record = Assert.Single(ReadLocated(path)).Record!;

        Assert.Equal("Prompt Response ToolResult Response Command", SampleFolder.Kinds(record));
        Assert.Equal((MessageRole.User, "$ make\nok"), (record.Messages[4].Role, record.Messages[4].Text));
        Assert.Equal(new[] { "claude-sonnet-4-5" }, record.Models);
        Assert.Equal(1L, record.SourceMeta["shell_commands"]);
    }

    [Fact]
    public void A_part_of_an_unknown_type_is_told_once_and_its_text_kept_as_context()
    {
        var path = DatabaseWith("unknown/opencode.db",
            new[] { ("msg_3", "{\"role\":\"user\",\"time\":{\"created\":1775116800000},\"agent\":\"build\"}") },
            new[]
            {
                ("prt_90", "msg_3", "{\"type\":\"text\",\"text\":\"Go on\"}"),
                ("prt_91", "msg_3", "{\"type\":\"note\",\"text\":\"words of a future part type\"}"),
                ("prt_92", "msg_3", "{\"type\":\"note\",\"text\":\"more\"}"),
                ("prt_93", "msg_3", "{\"type\":\"snapshot\",\"snapshot\":\"abc\"}"),
            });
        var result = Assert.Single(ReadLocated(path));
        var record = result.Record!;

        Assert.Equal("Prompt Response ToolResult Response Prompt Context Context", SampleFolder.Kinds(record));
        Assert.Equal("words of a future part type", record.Messages[5].Text);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Contains("message row msg_3", warning.Message);
        Assert.Contains("'note'", warning.Message);
    }

    [Fact]
    public void An_interrupted_tools_partial_output_is_its_result_with_the_error_as_a_note()
    {
        const string answer = "{\"role\":\"assistant\",\"time\":{\"created\":1775116801000},\"modelID\":\"claude-sonnet-4-5\",\"providerID\":\"anthropic\",\"path\":{\"cwd\":\"/w\",\"root\":\"/w\"}}";
        var path = DatabaseWith("interrupted/opencode.db",
            new[] { ("msg_3", "{\"role\":\"user\",\"time\":{\"created\":1775116800000}}"), ("msg_4", answer) },
            new[]
            {
                ("prt_90", "msg_3", "{\"type\":\"text\",\"text\":\"Run the tests\"}"),
                ("prt_91", "msg_4", "{\"type\":\"tool\",\"tool\":\"bash\",\"callID\":\"c9\",\"state\":{\"status\":\"error\",\"input\":{\"command\":\"npm test\"},\"error\":\"Tool execution aborted\",\"metadata\":{\"interrupted\":true,\"output\":\"12 passing\"},\"time\":{\"start\":1775116802000,\"end\":1775116803000}}}"),
            });
        var record = Assert.Single(ReadLocated(path)).Record!;

        Assert.Equal("Prompt Response ToolResult Response Prompt Response ToolResult", SampleFolder.Kinds(record));
        var result = record.Messages[6];
        Assert.Equal("12 passing\n\n[Tool execution aborted]", result.Text);
        Assert.False(result.IsError);
        Assert.Equal("{\"interrupted\":true,\"output\":\"12 passing\"}", result.StructuredResult);
        Assert.Equal(1L, record.SourceMeta["interrupted_tools"]);
    }
    [Fact]
    public void The_prompt_compaction_replays_after_its_summary_is_context_not_a_second_prompt()
    {
        const string summary = "{\"role\":\"assistant\",\"mode\":\"compaction\",\"agent\":\"compaction\",\"summary\":true,\"time\":{\"created\":1775116801000},\"modelID\":\"claude-sonnet-4-5\",\"providerID\":\"anthropic\",\"path\":{\"cwd\":\"/w\",\"root\":\"/w\"}}";
        var path = DatabaseWith("replay/opencode.db",
            new[]
            {
                ("msg_3", "{\"role\":\"user\",\"time\":{\"created\":1775116800000},\"agent\":\"build\"}"),
                ("msg_4", summary),
                ("msg_5", "{\"role\":\"user\",\"time\":{\"created\":1775116802000},\"agent\":\"build\"}"),
                ("msg_6", "{\"role\":\"user\",\"time\":{\"created\":1775116803000},\"agent\":\"build\"}"),
            },
            new[]
            {
                ("prt_90", "msg_3", "{\"type\":\"compaction\",\"auto\":true,\"overflow\":true}"),
                ("prt_91", "msg_4", "{\"type\":\"text\",\"text\":\"## Goal\\nList the files\"}"),
                ("prt_92", "msg_5", "{\"type\":\"text\",\"text\":\"List the files\"}"),
                ("prt_93", "msg_5", "{\"type\":\"text\",\"text\":\"[Attached image/png: shot.png]\"}"),
                ("prt_94", "msg_6", "{\"type\":\"text\",\"text\":\"List the files\"}"),
            });
        var record = Assert.Single(ReadLocated(path)).Record!;

        // The person's second "List the files", typed after the replay, is a prompt again.
        Assert.Equal("Prompt Response ToolResult Response CompactionSummary Context Prompt", SampleFolder.Kinds(record));
        Assert.Equal("List the files", record.Messages[5].Content[0].Text);
        Assert.Equal(1L, record.SourceMeta["resent_prompts"]);
    }
}
