using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Crush;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Tests.Formats.SqliteStore;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Crush's crush.db written here row by row, with every part type, damage, an early schema, a busy database and the default location.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class CrushReaderTests : IDisposable
{
    private const string Session = "5d0c7e2a-0000-4000-8000-000000000001";
    private readonly string _folder = Directory.CreateTempSubdirectory("crush-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Q(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Parts(params string[] parts) => "[" + string.Join(",", parts) + "]";

    private static string Text(string text) => $"{{\"type\":\"text\",\"data\":{{\"text\":\"{text}\"}}}}";

    private static string Finish(string reason, string extra = "") => $"{{\"type\":\"finish\",\"data\":{{\"reason\":\"{reason}\",\"time\":1775037609{extra}}}}}";

    private const string Call = "{\"type\":\"tool_call\",\"data\":{\"id\":\"call_1\",\"name\":\"ls\",\"input\":\"{\\\"path\\\":\\\".\\\"}\",\"provider_executed\":false,\"finished\":true}}";
    private const string Result = "{\"type\":\"tool_result\",\"data\":{\"tool_call_id\":\"call_1\",\"name\":\"ls\",\"content\":\"a.txt\",\"data\":\"\",\"mime_type\":\"\",\"metadata\":\"\",\"is_error\":false}}";

    /// <summary>A current crush.db (every migration's columns) with one session of one turn, plus the rows given.</summary>
    private string Database(string relative, string journal, string extra = "")
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var db = Writer(path);
        db.Open();
        var sql = $"PRAGMA journal_mode={journal};" +
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, parent_session_id TEXT, title TEXT NOT NULL, message_count INTEGER NOT NULL DEFAULT 0, prompt_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0, cost REAL NOT NULL DEFAULT 0.0, updated_at INTEGER NOT NULL, created_at INTEGER NOT NULL, summary_message_id TEXT, todos TEXT);" +
            "CREATE TABLE messages (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, role TEXT NOT NULL, parts TEXT NOT NULL default '[]', model TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at INTEGER, provider TEXT, is_summary_message INTEGER DEFAULT 0 NOT NULL);" +
            $"INSERT INTO sessions VALUES ({Q(Session)}, NULL, 'List files', 4, 900, 40, 0.0125, 1775037609, 1775037600, NULL, NULL);" +
            Message("m1", "user", Parts(Text("List the files"), Finish("stop")), 1775037601) +
            Message("m2", "assistant", Parts(Call, Finish("tool_use")), 1775037602, finished: 1775037603) +
            Message("m3", "tool", Parts(Result, Finish("stop")), 1775037603) +
            Message("m4", "assistant", Parts(Text("One file: a.txt"), Finish("end_turn")), 1775037604, finished: 1775037609);
        Execute(db, sql + extra);
        return path;
    }

    private static string Message(string id, string role, string parts, long created, string session = Session, long? finished = null, int summary = 0) =>
        $"INSERT INTO messages VALUES ({Q(id)}, {Q(session)}, {Q(role)}, {Q(parts)}, {(role == "assistant" ? "'gpt-5'" : "''")}, {created}, {finished ?? created}, " +
        $"{(finished is { } f ? f.ToString(System.Globalization.CultureInfo.InvariantCulture) : "NULL")}, {(role == "assistant" ? "'openai'" : "NULL")}, {summary});";

    private static IReadOnlyList<ReadResult> ReadLocated(params string[] paths) =>
        RolloutLoader.ReadAll(paths.SelectMany(p => new CrushReader().SessionsIn(p)).ToArray(), new ReadOptions(), CancellationToken.None).ToArray();

    private static RolloutRecord Only(IReadOnlyList<ReadResult> results, string id = Session) => results.Select(r => r.Record).Single(r => r?.TraceId == id)!;

    [Fact]
    public void A_session_pairs_its_call_and_result_states_no_token_totals_and_keeps_its_cost_and_last_counts()
    {
        var result = Assert.Single(ReadLocated(Database("p/.crush/crush.db", "DELETE")));
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(("call_1", "ls"), (record.Messages[2].ToolCallId, record.Messages[2].ToolName));
        Assert.Equal("{\"path\":\".\"}", record.Messages[1].ToolCalls[0].Arguments);
        Assert.Equal("m2", record.Messages[1].ResponseId);
        Assert.Equal(new[] { "gpt-5" }, record.Models);
        Assert.Equal("List files", record.Title);
        // prompt_tokens and completion_tokens are the last response's, not the session's: no totals are claimed.
        Assert.Equal(default, SampleFolder.Tokens(record));
        Assert.Equal(0.0125, record.SourceMeta["cost_usd"]);
        Assert.Equal(900L, record.SourceMeta["last_prompt_tokens"]);
        Assert.Equal(40L, record.SourceMeta["last_completion_tokens"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1775037600), record.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1775037609), record.EndedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1775037601), record.Messages[0].Timestamp);
        // A data directory named .crush belongs to the folder that holds it.
        Assert.Equal(Path.Combine(_folder, "p"), record.Cwd);
        Assert.False(record.IsSidechain);
        Assert.Equal(Session, record.RootSessionId);
    }

    [Fact]
    public void Every_part_type_finds_its_place()
    {
        const string png = "iVBORw0KGgo=";
        var text = Convert.ToBase64String("line one\n"u8.ToArray());
        var path = Database("parts/crush.db", "DELETE",
            Message("m5", "user", Parts(Text("Look"),
                "{\"type\":\"image_url\",\"data\":{\"url\":\"https://example.com/a.png\",\"detail\":\"auto\"}}",
                $"{{\"type\":\"binary\",\"data\":{{\"Path\":\"shot.png\",\"MIMEType\":\"image/png\",\"Data\":\"{png}\"}}}}",
                $"{{\"type\":\"binary\",\"data\":{{\"Path\":\"notes.md\",\"MIMEType\":\"text/markdown\",\"Data\":\"{text}\"}}}}",
                "{\"type\":\"binary\",\"data\":{\"Path\":\"spec.pdf\",\"MIMEType\":\"application/pdf\",\"Data\":\"JVBERg==\"}}",
                Finish("stop")), 1775037610) +
            Message("m6", "assistant", Parts(
                "{\"type\":\"reasoning\",\"data\":{\"thinking\":\"Check the picture.\",\"signature\":\"s\",\"started_at\":1775037611,\"finished_at\":1775037612}}",
                Text("Viewing it."),
                "{\"type\":\"tool_call\",\"data\":{\"id\":\"call_2\",\"name\":\"view\",\"input\":\"{}\",\"finished\":true}}",
                "{\"type\":\"tool_call\",\"data\":{\"id\":\"call_3\",\"name\":\"bash\",\"input\":\"\",\"finished\":false}}",
                Finish("tool_use")), 1775037611, finished: 1775037613) +
            Message("m7", "tool", Parts(
                $"{{\"type\":\"tool_result\",\"data\":{{\"tool_call_id\":\"call_2\",\"name\":\"view\",\"content\":\"Image read\",\"data\":\"{png}\",\"mime_type\":\"image/png\",\"metadata\":\"\",\"is_error\":false}}}}",
                "{\"type\":\"tool_result\",\"data\":{\"tool_call_id\":\"call_3\",\"name\":\"bash\",\"content\":\"ok\",\"metadata\":\"{\\\"start_time\\\":1775037613000,\\\"end_time\\\":1775037614250,\\\"working_directory\\\":\\\"/srv/app\\\"}\",\"is_error\":true}}",
                Finish("stop")), 1775037614) +
            Message("m8", "user", Parts("{\"type\":\"shell_command\",\"data\":{\"command\":\"ls\",\"output\":\"a.txt\\n\",\"exit_code\":2}}", Finish("stop")), 1775037615) +
            Message("m9", "assistant", Parts(Text("Summary so far."), Finish("end_turn")), 1775037616, summary: 1) +
            Message("m10", "assistant", Parts(Finish("canceled", ",\"message\":\"User canceled request\"")), 1775037617) +
            Message("m11", "assistant", Parts(Finish("error", ",\"message\":\"Rate limited\",\"details\":\"Slow down.\""), "{\"type\":\"hologram\",\"data\":{}}"), 1775037618) +
            Message("m12", "system", Parts(Text("Be brief.")), 1775037619));
        var result = Assert.Single(ReadLocated(path));
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("Prompt Response ToolResult Response Prompt Response ToolResult ToolResult Command CompactionSummary Context", SampleFolder.Kinds(record));

        var prompt = record.Messages[4];
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image, ContentBlockType.Image, ContentBlockType.Text, ContentBlockType.Text }, prompt.Content.Select(c => c.Type));
        Assert.Equal("https://example.com/a.png", prompt.Content[1].Url);
        Assert.Equal(("image/png", png), (prompt.Content[2].MediaType, prompt.Content[2].Data));
        Assert.Equal("<file path='notes.md'>\nline one\n\n</file>", prompt.Content[3].Text);
        Assert.Equal("[attached file spec.pdf (application/pdf)]", prompt.Content[4].Text);

        var response = record.Messages[5];
        Assert.Equal("Check the picture.", response.ReasoningContent);
        Assert.Equal("Viewing it.", response.Text);
        Assert.Equal(new[] { "view", "bash" }, response.ToolCalls.Select(c => c.Name));
        // A call a cancel cut off before its input came has none; Crush writes it as {} too.
        Assert.Equal("{}", response.ToolCalls[1].Arguments);

        var image = record.Messages[6];
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image }, image.Content.Select(c => c.Type));
        var bash = record.Messages[7];
        Assert.True(bash.IsError);
        Assert.Equal(TimeSpan.FromMilliseconds(1250), bash.ToolDuration);
        Assert.Contains("\"working_directory\":\"/srv/app\"", bash.StructuredResult);

        Assert.Equal("$ ls\na.txt\n\n(exit code 2)", record.Messages[8].Text);
        Assert.Equal(("Summary so far.", MessageRole.Assistant), (record.Messages[9].Text, record.Messages[9].Role));

        var meta = record.SourceMeta;
        Assert.Equal(new[] { "shot.png", "notes.md", "spec.pdf" }, (IEnumerable<string>)meta["attached_files"]);
        Assert.Equal(1L, meta["compactions"]);
        Assert.Equal(1L, meta["shell_commands"]);
        Assert.Equal(1L, meta["unfinished_tool_calls"]);
        Assert.Equal(new[] { "Rate limited: Slow down." }, (IEnumerable<string>)meta["errors"]);
        Assert.Equal(1L, ((IReadOnlyDictionary<string, long>)meta["finish_reasons"])["canceled"]);
        Assert.Equal(1L, ((IReadOnlyDictionary<string, long>)meta["unknown_parts"])["hologram"]);
    }

    [Fact]
    public void The_request_crush_queues_again_after_a_summary_is_context_not_a_second_prompt()
    {
        var path = Database("requeued/crush.db", "DELETE",
            Message("m5", "assistant", Parts(Text("Summary so far."), Finish("end_turn")), 1775037610, summary: 1) +
            Message("m6", "user", Parts(Text("The previous session was interrupted because it got too long, the initial user request was: `List the files`"), Finish("stop")), 1775037611) +
            Message("m7", "assistant", Parts(Text("Still one file."), Finish("end_turn")), 1775037612));
        var record = Assert.Single(ReadLocated(path)).Record!;
        Assert.Equal("Prompt Response ToolResult Response CompactionSummary Context Response", SampleFolder.Kinds(record));
    }

    [Fact]
    public void A_sub_agents_session_is_a_sidechain_of_its_parent_naming_the_call_that_ran_it()
    {
        const string child = "m2$$call_1";
        var path = Database("agents/crush.db", "DELETE",
            $"INSERT INTO sessions VALUES ({Q(child)}, {Q(Session)}, 'New Agent Session', 2, 100, 5, 0.001, 1775037603, 1775037602, NULL, NULL);" +
            Message("c1", "user", Parts(Text("Count the files"), Finish("stop")), 1775037602, session: child) +
            Message("c2", "assistant", Parts(Text("One."), Finish("end_turn")), 1775037603, session: child));
        var results = ReadLocated(path);
        Assert.Equal(2, results.Count);
        var sub = Only(results, child);
        Assert.True(sub.IsSidechain);
        Assert.Equal(child, sub.AgentId);
        Assert.Equal(Session, sub.RootSessionId);
        Assert.Equal("AgentMessage Response", SampleFolder.Kinds(sub));
        // Crush's placeholder title gives way to the task.
        Assert.Equal("Count the files", sub.Title);
        Assert.Equal(Session, sub.SourceMeta["parent_session_id"]);
        Assert.Equal("call_1", sub.SourceMeta["parent_tool_use_id"]);
        var parent = Only(results);
        Assert.Equal(new[] { child }, (IEnumerable<string>)parent.SourceMeta["child_session_ids"]);
        Assert.Equal(true, parent.SourceMeta["cost_includes_child_sessions"]);
    }

    [Fact]
    public void A_damaged_row_is_reported_by_its_id_and_skipped_whole_and_the_rest_of_the_session_is_read()
    {
        var path = Database("damaged/crush.db", "DELETE",
            Message("bad-json", "user", "[{not json", 1775037610) +
            Message("bad-array", "user", "{\"type\":\"text\"}", 1775037611) +
            Message("bad-text", "assistant", Parts(Text("kept?"), "{\"type\":\"text\",\"data\":{\"text\":5}}"), 1775037612) +
            Message("bad-part", "assistant", Parts("[1]"), 1775037613) +
            Message("bad-role", "narrator", Parts(Text("hello")), 1775037614));
        var result = Assert.Single(ReadLocated(path));
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(5, result.Diagnostics.Count);
        Assert.All(result.Diagnostics, d => Assert.Equal(RolloutDiagnostic.ParseError, d.ErrorId));
        Assert.StartsWith($"{path}: message row bad-json of session {Session} skipped:", result.Diagnostics[0].Message);
        Assert.Contains("message row bad-array", result.Diagnostics[1].Message);
        Assert.Contains("are a JSON object, not an array", result.Diagnostics[1].Message);
        Assert.Contains("message row bad-text", result.Diagnostics[2].Message);
        Assert.Contains("message row bad-part", result.Diagnostics[3].Message);
        Assert.Contains("role 'narrator'", result.Diagnostics[4].Message);
        Assert.Equal(5L, result.Record!.SourceMeta["skipped_rows"]);
        Assert.DoesNotContain(result.Record.Messages, m => m.Text == "kept?");
    }

    [Fact]
    public void The_first_schema_without_provider_summary_flag_or_later_session_columns_reads()
    {
        var path = Path.Combine(_folder, "early", "crush.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var db = Writer(path))
        {
            db.Open();
            Execute(db,
                "CREATE TABLE sessions (id TEXT PRIMARY KEY, parent_session_id TEXT, title TEXT NOT NULL, message_count INTEGER NOT NULL DEFAULT 0, prompt_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0, cost REAL NOT NULL DEFAULT 0.0, updated_at INTEGER NOT NULL, created_at INTEGER NOT NULL);" +
                "CREATE TABLE messages (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, role TEXT NOT NULL, parts TEXT NOT NULL default '[]', model TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at INTEGER);" +
                "INSERT INTO sessions VALUES ('early', NULL, 'Early one', 2, 0, 0, 0, 1750000009, 1750000000);" +
                $"INSERT INTO messages VALUES ('e1', 'early', 'user', {Q(Parts(Text("Hi")))}, '', 1750000001, 1750000001, NULL);" +
                $"INSERT INTO messages VALUES ('e2', 'early', 'assistant', {Q(Parts(Text("Hello"), Finish("end_turn")))}, 'claude-3-7-sonnet', 1750000002, 1750000003, 1750000003);");
        }
        var record = Assert.Single(ReadLocated(path)).Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("Early one", record.Title);
        Assert.Equal(new[] { "claude-3-7-sonnet" }, record.Models);
        // Its data directory has another name than .crush, and no projects.json names it.
        Assert.Null(record.Cwd);
    }

    [Fact]
    public void Reading_a_live_wal_store_neither_waits_for_nor_blocks_the_writer_and_changes_no_file()
    {
        var path = Database("live/crush.db", "WAL");
        SqliteStore.AssertLiveStoreIsReadUntouched(path, Message("m9", "user", Parts(Text("More")), 1775037700),
            () => ReadLocated(path), "Prompt Response ToolResult Response");
    }

    [Fact]
    public void A_locked_store_is_a_clear_error_after_a_short_wait_not_a_hang()
    {
        var path = Database("locked/crush.db", "DELETE");
        SqliteStore.AssertLockedStoreIsAnError(path, "UPDATE sessions SET title = 'held';", () => ReadLocated(path));
    }

    [Fact]
    public void A_sqlite_file_without_crushs_tables_is_reported_and_gives_no_record()
    {
        var foreign = SqliteStore.Create(Path.Combine(_folder, "foreign", "crush.db"), "CREATE TABLE sessions (id TEXT PRIMARY KEY, name TEXT);");
        var problem = Assert.Single(Assert.Single(ReadLocated(foreign)).Diagnostics);
        Assert.Equal($"{foreign}: it is a SQLite database without Crush's sessions and messages tables; no record.", problem.Message);
    }

    [Fact]
    public void Since_sees_a_rows_last_message_update_and_each_row_is_its_own_reference()
    {
        var path = Database("since/crush.db", "DELETE",
            "INSERT INTO sessions VALUES ('other', NULL, 'Other', 0, 0, 0, 0, 1775037000, 1775036000, NULL, NULL);");
        var references = new CrushReader().SessionsIn(path);
        Assert.Equal(new[] { "other", Session }, references.Select(r => r.Source.Key));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1775037609), references[1].LastActivity);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1775037000), references[0].LastActivity);
        Assert.All(references, r => Assert.Equal(new[] { path + "-wal" }, r.DependsOn));
    }

    [Fact]
    public void The_default_location_is_the_global_data_folder_and_projects_json_names_the_databases_and_their_folders()
    {
        var previousGlobal = Environment.GetEnvironmentVariable(CrushReader.GlobalDataVariable);
        var previousXdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        try
        {
            Environment.SetEnvironmentVariable(CrushReader.GlobalDataVariable, null);
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", "/x");
            Assert.Equal(Path.Combine("/x", "crush"), Assert.Single(new CrushReader().DefaultLocations()));

            var global = Path.Combine(_folder, "global");
            Environment.SetEnvironmentVariable(CrushReader.GlobalDataVariable, global);
            Assert.Equal(global, Assert.Single(new CrushReader().DefaultLocations()));

            // A data directory set by options.data_directory, named otherwise, shared by two working folders, and one gone.
            var database = Database("state/crush.db", "DELETE");
            Directory.CreateDirectory(global);
            File.WriteAllText(Path.Combine(global, "projects.json"), System.Text.Json.JsonSerializer.Serialize(new
            {
                projects = new[]
                {
                    new { path = "/srv/app", data_dir = Path.Combine(_folder, "state"), last_accessed = "2026-04-01T10:00:00Z" },
                    new { path = "/srv/app/web", data_dir = Path.Combine(_folder, "state") + Path.DirectorySeparatorChar, last_accessed = "2026-03-01T10:00:00Z" },
                    new { path = "/srv/gone", data_dir = "/srv/gone/.crush", last_accessed = "2026-02-01T10:00:00Z" },
                },
            }));
            var located = SessionLocator.InDefaultLocations(new CrushReader(), new TraceSearch());
            var reference = Assert.Single(located.Sessions);
            Assert.Equal((database, Session), (reference.Source.Path, reference.Source.Key));
            // Two folders share the directory, so neither is its working folder, and its name tells none.
            Assert.Null(Assert.Single(RolloutLoader.ReadAll(located.Sessions, new ReadOptions(), CancellationToken.None)).Record!.Cwd);

            File.WriteAllText(Path.Combine(global, "projects.json"),
                $"{{\"projects\":[{{\"path\":\"/srv/app\",\"data_dir\":{System.Text.Json.JsonSerializer.Serialize(Path.Combine(_folder, "state"))}}}]}}");
            Assert.Equal("/srv/app", Assert.Single(RolloutLoader.ReadAll(located.Sessions, new ReadOptions(), CancellationToken.None)).Record!.Cwd);

            File.WriteAllText(Path.Combine(global, "projects.json"), "{\"projects\":");
            var damaged = SessionLocator.InDefaultLocations(new CrushReader(), new TraceSearch());
            Assert.Empty(damaged.Sessions);
            Assert.Contains("projects.json cannot be read", Assert.Single(damaged.UnreadableFolders).Diagnostic.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(CrushReader.GlobalDataVariable, previousGlobal);
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", previousXdg);
        }
    }

    [Fact]
    public void A_projects_crush_db_is_found_when_its_folder_is_named_and_a_global_data_folder_is_read_whole()
    {
        var database = Database("repo/.crush/crush.db", "DELETE");
        File.WriteAllText(Path.Combine(_folder, "repo", ".aider.chat.history.md"), "# aider chat started at 2026-04-01 10:00:00\n");
        var found = TraceFileFinder.Find(Path.Combine(_folder, "repo"), FormatRegistry.Default.All, new TraceSearch());
        Assert.Equal(new[] { Path.Combine(_folder, "repo", ".aider.chat.history.md"), database }, found.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Empty(new CrushReader().StoresIn(Path.Combine(_folder, "repo")));

        var global = Path.Combine(_folder, "share", "crush");
        Directory.CreateDirectory(global);
        File.WriteAllText(Path.Combine(global, "projects.json"), "{\"projects\":[]}");
        Assert.Equal(new[] { global }, new CrushReader().StoresIn(Path.Combine(_folder, "share")));
        Assert.Equal(new[] { global }, new CrushReader().StoresIn(global));
    }
}
