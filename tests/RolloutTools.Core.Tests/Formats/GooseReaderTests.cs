using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Goose;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Tests.Formats.SqliteStore;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Goose's stores written here row by row and line by line, including damage, early schemas, a busy database and the default location.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class GooseReaderTests : IDisposable
{
    private const string Session = "20260401_1";
    private readonly string _folder = Directory.CreateTempSubdirectory("goose-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Q(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private const string Prompt = "[{\"type\":\"text\",\"text\":\"List the files\"}]";
    private const string Call = "[{\"type\":\"toolRequest\",\"id\":\"c1\",\"toolCall\":{\"status\":\"success\",\"value\":{\"name\":\"developer__shell\",\"arguments\":{\"command\":\"ls\"}}}}]";
    private const string Answer = "[{\"type\":\"toolResponse\",\"id\":\"c1\",\"toolResult\":{\"status\":\"success\",\"value\":{\"content\":[{\"type\":\"text\",\"text\":\"a.txt\"}],\"isError\":false}}}]";
    private const string Final = "[{\"type\":\"text\",\"text\":\"One file: a.txt\"}]";
    private const string Visible = "{\"userVisible\":true,\"agentVisible\":true}";

    /// <summary>A current sessions.db (schema 13's columns that matter here) with one session of one turn, plus the rows given.</summary>
    private string Database(string relative, string journal, string extra = "")
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var db = Writer(path);
        db.Open();
        var sql = $"PRAGMA journal_mode={journal};" +
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '', session_type TEXT NOT NULL DEFAULT 'user', working_dir TEXT NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER, model_config_json TEXT);" +
            "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, role TEXT NOT NULL, content_json TEXT NOT NULL, created_timestamp INTEGER NOT NULL, metadata_json TEXT, message_id TEXT);" +
            $"INSERT INTO sessions VALUES ({Q(Session)}, 'List files', '', 'user', '/w', '2026-04-01 10:00:00', '2026-04-01 10:00:09', 120, 30, '{{\"model_name\":\"gpt-4.1\"}}');" +
            $"INSERT INTO messages (session_id, role, content_json, created_timestamp, metadata_json, message_id) VALUES ({Q(Session)}, 'user', {Q(Prompt)}, 1775037601, {Q(Visible)}, 'm1');" +
            $"INSERT INTO messages (session_id, role, content_json, created_timestamp, metadata_json, message_id) VALUES ({Q(Session)}, 'assistant', {Q(Call)}, 1775037602, {Q(Visible)}, 'm2');" +
            $"INSERT INTO messages (session_id, role, content_json, created_timestamp, metadata_json, message_id) VALUES ({Q(Session)}, 'user', {Q(Answer)}, 1775037603, {Q(Visible)}, 'm3');" +
            $"INSERT INTO messages (session_id, role, content_json, created_timestamp, metadata_json, message_id) VALUES ({Q(Session)}, 'assistant', {Q(Final)}, 1775037609, {Q(Visible)}, 'm4');";
        Execute(db, sql + extra);
        return path;
    }

    private static IReadOnlyList<ReadResult> ReadLocated(params string[] paths) =>
        RolloutLoader.ReadAll(paths.SelectMany(p => new GooseReader().SessionsIn(p)).ToArray(), new ReadOptions(), CancellationToken.None).ToArray();

    [Fact]
    public void A_database_session_pairs_its_call_and_result_and_carries_the_session_totals()
    {
        var record = Assert.Single(ReadLocated(Database("sessions/sessions.db", "DELETE"))).Record!;
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(("c1", "developer__shell"), (record.Messages[2].ToolCallId, record.Messages[2].ToolName));
        Assert.Equal(new TokenUsage(120, 30, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(new[] { "gpt-4.1" }, record.Models);
        Assert.Equal("List files", record.Title);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1775037609), record.EndedAt);
    }

    [Fact]
    public void A_damaged_row_is_reported_by_its_id_and_the_rest_of_the_session_is_read()
    {
        var path = Database("damaged/sessions.db", "DELETE",
            $"INSERT INTO messages (session_id, role, content_json, created_timestamp) VALUES ({Q(Session)}, 'user', '{{not json', 1775037610);" +
            $"INSERT INTO messages (session_id, role, content_json, created_timestamp, metadata_json) VALUES ({Q(Session)}, 'user', '{{\"type\":\"text\"}}', 1775037611, NULL);" +
            $"INSERT INTO messages (session_id, role, content_json, created_timestamp, metadata_json) VALUES ({Q(Session)}, 'user', '[{{\"type\":\"text\",\"text\":5}}]', 1775037612, NULL);");
        var result = Assert.Single(ReadLocated(path));
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(3, result.Diagnostics.Count);
        Assert.All(result.Diagnostics, d => Assert.Equal(RolloutDiagnostic.ParseError, d.ErrorId));
        Assert.StartsWith($"{path}: message row 5 of session {Session} skipped:", result.Diagnostics[0].Message);
        Assert.Contains("message row 6", result.Diagnostics[1].Message);
        Assert.Contains("is a JSON object, not array", result.Diagnostics[1].Message);
        Assert.Contains("message row 7", result.Diagnostics[2].Message);
        Assert.Equal(3L, result.Record!.SourceMeta["skipped_rows"]);
    }

    [Fact]
    public void A_damaged_metadata_json_is_a_warning_and_the_message_is_read_as_seen_by_both()
    {
        var path = Database("metadata/sessions.db", "DELETE",
            $"INSERT INTO messages (session_id, role, content_json, created_timestamp, metadata_json, message_id) VALUES ({Q(Session)}, 'user', '[{{\"type\":\"text\",\"text\":\"And the tests?\"}}]', 1775037610, '{{\"userVisible\":tru', 'm5');");
        var result = Assert.Single(ReadLocated(path));
        Assert.Equal("Prompt Response ToolResult Response Prompt", SampleFolder.Kinds(result.Record!));
        Assert.Equal("And the tests?", result.Record!.Messages[4].Text);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("message row 5", warning.Message);
        Assert.Contains("metadata_json", warning.Message);
    }

    [Fact]
    public void An_early_schema_without_name_metadata_or_message_ids_reads_its_description_and_counts_each_row_a_response()
    {
        var path = Path.Combine(_folder, "early", "sessions.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var db = Writer(path))
        {
            db.Open();
            Execute(db,
                "CREATE TABLE sessions (id TEXT PRIMARY KEY, description TEXT NOT NULL DEFAULT '', working_dir TEXT NOT NULL, created_at TIMESTAMP, updated_at TIMESTAMP, input_tokens INTEGER, output_tokens INTEGER);" +
                "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, role TEXT NOT NULL, content_json TEXT NOT NULL, created_timestamp INTEGER NOT NULL);" +
                $"INSERT INTO sessions VALUES ('early', 'Early one', '/e', '2025-10-01T08:00:00+00:00', '2025-10-01T08:05:00+00:00', 50, 7);" +
                $"INSERT INTO messages (session_id, role, content_json, created_timestamp) VALUES ('early', 'user', {Q(Prompt)}, 1759305601);" +
                $"INSERT INTO messages (session_id, role, content_json, created_timestamp) VALUES ('early', 'assistant', {Q(Final)}, 1759305602);" +
                $"INSERT INTO messages (session_id, role, content_json, created_timestamp) VALUES ('early', 'assistant', {Q(Final)}, 1759305603);");
        }
        var record = Assert.Single(ReadLocated(path)).Record!;
        Assert.Equal("Prompt Response Response", SampleFolder.Kinds(record));
        Assert.Equal("Early one", record.Title);
        // Without accumulated counts, the last response's stand in.
        Assert.Equal(new TokenUsage(50, 7, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(DateTimeOffset.Parse("2025-10-01T08:00:00Z"), record.StartedAt);
    }

    [Fact]
    public void A_legacy_file_reports_each_damaged_line_by_number_and_reads_the_rest()
    {
        var path = Path.Combine(_folder, "sessions", "20250101_120000.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path,
            "{\"working_dir\":\"/w\",\"description\":\"Legacy\",\"message_count\":2,\"accumulated_input_tokens\":9,\"accumulated_output_tokens\":4}\n" +
            $"{{\"role\":\"user\",\"created\":1735732800,\"content\":{Prompt}}}\n" +
            "{\"role\":\"user\",\"created\":1735732801,\"content\":\n" +
            "[1,2]\n" +
            "{\"role\":\"assistant\",\"created\":1735732802}\n" +
            $"{{\"role\":\"assistant\",\"created\":1735732803,\"content\":{Final}}}\n");
        var result = Assert.Single(ReadLocated(path));
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(new int?[] { 3, 4, 5 }, result.Diagnostics.Select(d => d.LineNumber));
        Assert.Equal(new TokenUsage(9, 4, 0, 0), SampleFolder.Tokens(result.Record!));
        Assert.Equal("Legacy", result.Record!.Title);
    }

    private ReadResult ReadLegacy(string name, params string[] rows)
    {
        var path = Path.Combine(_folder, "sessions", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{\"working_dir\":\"/w\",\"description\":\"Probe\",\"message_count\":1}\n" + string.Join("\n", rows) + "\n");
        return Assert.Single(ReadLocated(path));
    }

    [Fact]
    public void A_tools_question_is_with_the_response_and_the_persons_answer_is_a_prompt()
    {
        var result = ReadLegacy("20250101_140000.jsonl",
            "{\"id\":\"u1\",\"role\":\"user\",\"created\":1750000001,\"content\":[{\"type\":\"text\",\"text\":\"deploy the app\"}]}",
            "{\"id\":\"a1\",\"role\":\"assistant\",\"created\":1750000002,\"content\":[{\"type\":\"actionRequired\",\"data\":{\"actionType\":\"elicitation\",\"id\":\"e1\",\"message\":\"Which environment?\",\"requested_schema\":{}}}],\"metadata\":{\"userVisible\":true,\"agentVisible\":false}}",
            "{\"id\":\"u2\",\"role\":\"user\",\"created\":1750000003,\"content\":[{\"type\":\"actionRequired\",\"data\":{\"actionType\":\"elicitationResponse\",\"id\":\"e1\",\"user_data\":{\"env\":\"staging\"},\"action\":\"accept\"}}],\"metadata\":{\"userVisible\":false,\"agentVisible\":true}}",
            "{\"id\":\"a3\",\"role\":\"assistant\",\"created\":1750000004,\"content\":[{\"type\":\"actionRequired\",\"data\":{\"actionType\":\"toolConfirmation\",\"id\":\"t1\",\"toolName\":\"x\",\"arguments\":{}}},{\"type\":\"text\",\"text\":\"Deploying to staging\"}]}");
        var record = result.Record!;
        Assert.Equal("Prompt Response Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("Which environment?", record.Messages[1].Text);
        Assert.Equal("{\"action\":\"accept\",\"user_data\":{\"env\":\"staging\"}}", record.Messages[2].Text);
        Assert.Equal(1L, record.SourceMeta["interface_items"]);
        // The question's row is hidden from the agent from the start: no compaction touched it.
        Assert.False(record.SourceMeta.ContainsKey("compacted_messages"));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void An_assistant_row_after_a_tool_answer_is_a_new_response_even_under_the_same_id()
    {
        var result = ReadLegacy("20250101_160000.jsonl",
            "{\"id\":\"u1\",\"role\":\"user\",\"created\":1750000001,\"content\":[{\"type\":\"text\",\"text\":\"List the files\"}]}",
            $"{{\"id\":\"a1\",\"role\":\"assistant\",\"created\":1750000002,\"content\":{Call}}}",
            $"{{\"id\":\"u2\",\"role\":\"user\",\"created\":1750000003,\"content\":{Answer}}}",
            $"{{\"id\":\"a1\",\"role\":\"assistant\",\"created\":1750000004,\"content\":{Final}}}",
            "{\"id\":\"\",\"role\":\"assistant\",\"created\":1750000005,\"content\":[{\"type\":\"text\",\"text\":\"More\"}]}",
            "{\"id\":\"\",\"role\":\"assistant\",\"created\":1750000006,\"content\":[{\"type\":\"text\",\"text\":\"Still more\"}]}");
        var record = result.Record!;
        Assert.Equal("Prompt Response ToolResult Response Response Response", SampleFolder.Kinds(record));
        Assert.Equal("One file: a.txt", record.Messages[3].Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1750000004), record.Messages[3].Timestamp);
    }

    [Fact]
    public void The_prompt_compaction_sends_again_mid_tool_loop_is_context_not_a_second_prompt()
    {
        var result = ReadLegacy("20250101_170000.jsonl",
            "{\"id\":\"u1\",\"role\":\"user\",\"created\":1750000001,\"content\":[{\"type\":\"text\",\"text\":\"deploy the app\"}]}",
            "{\"id\":\"a1\",\"role\":\"assistant\",\"created\":1750000002,\"content\":[{\"type\":\"text\",\"text\":\"On it\"}]}",
            "{\"id\":\"s\",\"role\":\"user\",\"created\":1750000006,\"content\":[{\"type\":\"text\",\"text\":\"SUMMARY\"}],\"metadata\":{\"userVisible\":false,\"agentVisible\":true}}",
            "{\"id\":\"c\",\"role\":\"assistant\",\"created\":1750000006,\"content\":[{\"type\":\"text\",\"text\":\"continue\"}],\"metadata\":{\"userVisible\":false,\"agentVisible\":true}}",
            "{\"id\":\"u1copy\",\"role\":\"user\",\"created\":1750000006,\"content\":[{\"type\":\"text\",\"text\":\"deploy the app\"}]}",
            "{\"id\":\"u3\",\"role\":\"user\",\"created\":1750000007,\"content\":[{\"type\":\"text\",\"text\":\"deploy the app\"}]}");
        var record = result.Record!;
        Assert.Equal("Prompt Response CompactionSummary Synthetic Context Prompt", SampleFolder.Kinds(record));
        Assert.Equal(1L, record.SourceMeta["resent_prompts"]);
        Assert.False(record.SourceMeta.ContainsKey("compacted_messages"));
    }

    [Fact]
    public void The_final_output_nudge_goose_sends_as_the_user_is_context_not_a_prompt()
    {
        var result = ReadLegacy("20250101_180000.jsonl",
            "{\"id\":\"u1\",\"role\":\"user\",\"created\":1750000001,\"content\":[{\"type\":\"text\",\"text\":\"Summarise the repo\"}]}",
            "{\"id\":\"a1\",\"role\":\"assistant\",\"created\":1750000002,\"content\":[{\"type\":\"text\",\"text\":\"It holds a.txt\"}]}",
            "{\"id\":\"u2\",\"role\":\"user\",\"created\":1750000003,\"content\":[{\"type\":\"text\",\"text\":\"You MUST call the `final_output` tool NOW with the final output for the user.\"}]}",
            "{\"id\":\"a2\",\"role\":\"assistant\",\"created\":1750000004,\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}");
        var record = result.Record!;
        Assert.Equal("Prompt Response Context Response", SampleFolder.Kinds(record));
        Assert.Equal(1L, record.SourceMeta["final_output_nudges"]);
    }

    [Fact]
    public void An_unknown_content_type_is_told_once_and_its_text_kept_as_context()
    {
        var result = ReadLegacy("20250101_150000.jsonl",
            "{\"id\":\"u1\",\"role\":\"user\",\"created\":1750000001,\"content\":[{\"type\":\"futureThing\",\"text\":\"hello from a new type\"}]}",
            "{\"id\":\"a1\",\"role\":\"assistant\",\"created\":1750000002,\"content\":[{\"type\":\"futureThing\",\"text\":\"again\"},{\"type\":\"text\",\"text\":\"ok\"}]}");
        var record = result.Record!;
        Assert.Equal("Context Response Context", SampleFolder.Kinds(record));
        Assert.Equal("hello from a new type", record.Messages[0].Text);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(2, warning.LineNumber);
        Assert.Contains("'futureThing'", warning.Message);
        Assert.Equal(2L, Assert.IsAssignableFrom<IReadOnlyDictionary<string, long>>(record.SourceMeta["unknown_content"])["futureThing"]);
    }

    [Fact]
    public void A_legacy_file_of_damage_only_is_no_record_and_says_so()
    {
        var path = Path.Combine(_folder, "sessions", "20250101_130000.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{\"working_dir\":\"/w\",\"description\":\"x\",\"message_count\":1}\n{\"role\":\"user\"\n");
        var result = Assert.Single(ReadLocated(path));
        Assert.Null(result.Record);
        Assert.Contains(result.Diagnostics, d => d.ErrorId == RolloutDiagnostic.NoUsableLines);
    }

    [Fact]
    public void Reading_a_live_wal_store_neither_waits_for_nor_blocks_the_writer_and_changes_no_file()
    {
        var path = Database("live/sessions.db", "WAL");
        SqliteStore.AssertLiveStoreIsReadUntouched(path,
            $"INSERT INTO messages (session_id, role, content_json, created_timestamp) VALUES ({Q(Session)}, 'user', {Q(Prompt)}, 1775037700);",
            () => ReadLocated(path), "Prompt Response ToolResult Response");
    }

    [Fact]
    public void A_locked_store_is_a_clear_error_after_a_short_wait_not_a_hang()
    {
        var path = Database("locked/sessions.db", "DELETE");
        SqliteStore.AssertLockedStoreIsAnError(path, "UPDATE sessions SET name = 'held';", () => ReadLocated(path));
    }

    [Fact]
    public void A_sqlite_file_without_gooses_tables_is_reported_and_gives_no_record()
    {
        var foreign = SqliteStore.Create(Path.Combine(_folder, "foreign", "sessions.db"), "CREATE TABLE sessions (sid TEXT PRIMARY KEY, uid INTEGER);");
        var problem = Assert.Single(Assert.Single(ReadLocated(foreign)).Diagnostics);
        Assert.Equal($"{foreign}: it is a SQLite database without Goose's sessions and messages tables; no record.", problem.Message);
    }

    [Fact]
    public void Since_skips_a_row_whose_last_message_is_older()
    {
        var path = Database("since/sessions.db", "DELETE");
        var reference = Assert.Single(new GooseReader().SessionsIn(path));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1775037609), reference.LastActivity);
        Assert.Equal(Session, reference.Source.Key);
    }

    [Fact]
    public void The_default_location_follows_goose_path_root_and_the_xdg_data_folder()
    {
        var previousRoot = Environment.GetEnvironmentVariable("GOOSE_PATH_ROOT");
        var previousXdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        try
        {
            Environment.SetEnvironmentVariable("GOOSE_PATH_ROOT", "/r");
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", "/x");
            Assert.Equal(Path.Combine("/r", "data", "sessions"), Assert.Single(new GooseReader().DefaultLocations()));
            // goose ignores a relative root, as etcetera ignores a relative XDG_DATA_HOME.
            Environment.SetEnvironmentVariable("GOOSE_PATH_ROOT", "relative/root");
            if (!OperatingSystem.IsWindows()) Assert.Equal(Path.Combine("/x", "goose", "sessions"), Assert.Single(new GooseReader().DefaultLocations()));
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOSE_PATH_ROOT", previousRoot);
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", previousXdg);
        }
    }

    [Fact]
    public void Sessions_db_is_goose_s_anywhere_and_a_jsonl_file_only_in_a_goose_sessions_folder()
    {
        var reader = new GooseReader();
        string P(params string[] parts) => Path.Combine(new[] { _folder }.Concat(parts).ToArray());
        Assert.True(reader.IsTraceFile(P("copy", "sessions.db")));
        Assert.True(reader.IsTraceFile(P(".local", "share", "goose", "sessions", "20250101_120000.jsonl")));
        Assert.True(reader.IsTraceFile(P("Block", "goose", "data", "sessions", "my-named-session.jsonl")));
        Assert.True(reader.IsTraceFile(P(".goose", "sessions", "20250101_120000.jsonl")));
        Assert.False(reader.IsTraceFile(P("goose", "logs", "20250101_120000.jsonl")));
        Assert.False(reader.IsTraceFile(P("goose", "sessions", "sessions.db-wal")));
        // Hermes Agent's gateway transcripts are .jsonl files in a sessions folder too.
        Assert.False(reader.IsTraceFile(P(".hermes", "sessions", "20260311_193000_77aa88.jsonl")));
        Directory.CreateDirectory(P("backup", "sessions"));
        File.WriteAllBytes(P("backup", "sessions", "sessions.db"), Array.Empty<byte>());
        Assert.True(reader.IsTraceFile(P("backup", "sessions", "20250101_120000.jsonl")));
    }
}
