using System.Text;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Cursor;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

public sealed class CursorReaderTests
{
    private const string Session = "0d3c2b1a-9f8e-4d7c-8b6a-5f4e3d2c1b0a";

    private static string User(string text) => $"{{\"role\":\"user\",\"message\":{{\"content\":[{{\"type\":\"text\",\"text\":{ClaudeLines.Q(text)}}}]}}}}";

    private static string Assistant(string blocks) => $"{{\"role\":\"assistant\",\"message\":{{\"content\":[{blocks}]}}}}";

    private static string Text(string text) => $"{{\"type\":\"text\",\"text\":{ClaudeLines.Q(text)}}}";

    private static string Call(string name, string? id = null) => $"{{\"type\":\"tool_use\",{(id is null ? "" : $"\"id\":\"{id}\",")}\"name\":\"{name}\",\"input\":{{}}}}";

    private static string Results(params string[] results) => $"{{\"role\":\"user\",\"message\":{{\"content\":[{string.Join(",", results)}]}}}}";

    private static string Result(string text, string? id = null) => $"{{\"type\":\"tool_result\",{(id is null ? "" : $"\"tool_use_id\":\"{id}\",")}\"content\":{ClaudeLines.Q(text)}}}";

    private const string TurnEnded = "{\"type\":\"turn_ended\",\"status\":\"success\"}";

    private static ReadResult Read(IEnumerable<string> lines, string name = Session + ".jsonl")
    {
        var source = TraceSource.FromBytes(name, Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
        return new CursorReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None);
    }

    [Fact]
    public void Text_around_the_user_query_is_context_and_a_prompt_without_tags_is_kept_whole()
    {
        var record = Read(new[]
        {
            User("<attached_files>\nsrc/a.ts\n</attached_files>\n<user_query>\nFix a.ts\n</user_query>\n<reminder>be brief</reminder>"),
            Assistant(Text("Done.")),
            User("plain words"),
        }).Record!;

        Assert.Equal("Context Prompt Context Response Prompt", SampleFolder.Kinds(record));
        Assert.Equal(new[] { "<attached_files>\nsrc/a.ts\n</attached_files>", "Fix a.ts", "<reminder>be brief</reminder>", "Done.", "plain words" }, record.Messages.Select(m => m.Text));
        Assert.Equal("Fix a.ts", record.Title);
        Assert.Equal(1L, record.SourceMeta["user_queries"]);
    }

    [Fact]
    public void A_block_of_context_beside_the_blocks_query_is_context_and_cursors_summary_is_a_compaction_summary()
    {
        var record = Read(new[]
        {
            "{\"role\":\"user\",\"message\":{\"content\":[" + Text("<attached_files>\n<code_selection path=\"a.c\">int x;</code_selection>\n</attached_files>") + "," + Text("<user_query>\nwhy does x crash?\n</user_query>") + "]}}",
            Assistant(Text("It is never set.")),
            User("Your conversation was summarized due to context constraints. Here is the summary of the conversation so far:\n<summary_content>x is unset</summary_content>"),
        }).Record!;

        Assert.Equal("Context Prompt Response CompactionSummary", SampleFolder.Kinds(record));
        Assert.Equal(("why does x crash?", "why does x crash?"), (record.Messages[1].Text, record.Title));
        Assert.StartsWith("<attached_files>", record.Messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pasted_image_goes_with_the_prompt_and_an_unknown_block_type_is_warned_once_by_line()
    {
        var image = "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}";
        var result = Read(new[]
        {
            "{\"role\":\"user\",\"message\":{\"content\":[" + image + "," + Text("<user_query>what is in this screenshot?</user_query>") + "]}}",
            Assistant(Text("a chart") + ",{\"type\":\"redacted_thinking\",\"data\":\"x\"},{\"type\":\"mystery\"}"),
            Assistant(Text("more") + ",{\"type\":\"mystery\"}"),
        });

        var record = result.Record!;
        Assert.Equal("Prompt Response Response", SampleFolder.Kinds(record));
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image }, record.Messages[0].Content.Select(b => b.Type));
        Assert.Equal(("image/png", "iVBORw0KGgo="), (record.Messages[0].Content[1].MediaType, record.Messages[0].Content[1].Data));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, 2), (warning.Severity, warning.LineNumber ?? 0));
        Assert.Contains("mystery", warning.Message, StringComparison.Ordinal);
        Assert.Equal(2L, ((IReadOnlyDictionary<string, long>)record.SourceMeta["unknown_block_types"])["mystery"]);
        Assert.Equal(1L, record.SourceMeta["redacted_thinking"]);
    }

    [Fact]
    public void A_failed_or_aborted_turn_is_kept_as_a_notice_with_its_error()
    {
        var record = Read(new[]
        {
            User("go"),
            Assistant(Text("working")),
            "{\"type\":\"turn_ended\",\"status\":\"aborted\",\"error\":\"User aborted/interrupted manually.\"}",
            User("again"),
            "{\"type\":\"turn_ended\",\"status\":\"error\",\"error\":\"You are out of usage.\"}",
            User("and again"),
            Assistant(Text("done")),
            TurnEnded,
        }).Record!;

        Assert.Equal("Prompt Response Interruption Prompt Synthetic Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(("[aborted: User aborted/interrupted manually.]", "[error: You are out of usage.]"), (record.Messages[2].Text, record.Messages[4].Text));
        Assert.Equal(MessageRole.Assistant, record.Messages[4].Role);
        Assert.Equal(2L, record.SourceMeta["failed_turns"]);
    }

    [Fact]
    public void A_transcript_cursor_overwrote_with_its_error_still_gives_a_record_with_a_warning()
    {
        var result = Read(new[] { "{\"type\":\"turn_ended\",\"status\":\"error\",\"error\":\"You are out of usage.\"}" });

        Assert.Equal("Synthetic", SampleFolder.Kinds(result.Record!));
        Assert.Equal("[error: You are out of usage.]", result.Record!.Messages[0].Text);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(result.Diagnostics).Severity);
    }

    private const string TextTranscript = """
        user:
        <user_info>OS: linux</user_info>
        <user_query>
        why does the build fail?
        </user_query>

        assistant:
        [Thinking] The error names a missing header.
        Check the include path first.
        Let me look at the makefile.
        [Tool call] Read
          path: Makefile
          limit: 40

        [Tool result] Read
        CFLAGS = -Iinclude

        all: app
        [Thinking] The include folder is right.
        [Tool call] Shell
          command: make
        [Tool result] Shell
        error: foo.h not found
        A:
        foo.h is missing from include/; add it.
        """;

    [Fact]
    public void A_plain_text_transcript_of_an_older_cursor_is_read_turn_by_turn_with_calls_and_results()
    {
        var source = TraceSource.FromBytes(Path.Combine(Path.GetTempPath(), "agent-transcripts", Session + ".txt"), Encoding.UTF8.GetBytes(TextTranscript));
        var reader = new CursorReader();
        var record = reader.BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None).Record!;

        Assert.Equal("Context Prompt Response ToolResult Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal("why does the build fail?", record.Title);
        var first = record.Messages[2];
        Assert.Equal(("The error names a missing header.\nCheck the include path first.\nLet me look at the makefile.", ""), (first.ReasoningContent, first.Text));
        Assert.Equal(new ToolCall("cursor-11-1", "Read", "{\"path\":\"Makefile\",\"limit\":\"40\"}"), first.ToolCalls.Single());
        Assert.Equal(("cursor-11-1", "CFLAGS = -Iinclude\n\nall: app"), (record.Messages[3].ToolCallId!, record.Messages[3].Text));
        Assert.Equal(("Shell", "error: foo.h not found"), (record.Messages[4].ToolCalls.Single().Name, record.Messages[5].Text));
        Assert.Equal("foo.h is missing from include/; add it.", record.Messages[6].Text);
        Assert.Equal("text", record.SourceMeta["transcript_format"]);
        Assert.True(reader.IsTraceFile(source.Path));
        Assert.False(reader.IsTraceFile(Path.Combine(Path.GetTempPath(), "notes", Session + ".txt")));
    }

    [Fact]
    public void A_plain_text_transcript_is_found_beside_the_jsonl_ones()
    {
        var home = Directory.CreateTempSubdirectory("cursor-home-").FullName;
        try
        {
            var transcripts = Path.Combine(home, "projects", "srv-app", "agent-transcripts");
            Directory.CreateDirectory(Path.Combine(transcripts, Session));
            File.WriteAllLines(Path.Combine(transcripts, Session, Session + ".jsonl"), new[] { User("<user_query>new</user_query>"), Assistant(Text("ok")) });
            const string old = "cccccccc-0000-4000-8000-000000000003";
            File.WriteAllText(Path.Combine(transcripts, old + ".txt"), "user:\n<user_query>\nold prompt\n</user_query>\n\nassistant:\nSure.\n");

            var sessions = new CursorReader().Locate(Path.Combine(home, "projects"), new TraceSearch(), FormatRegistry.Default).Sessions;
            Assert.Equal(new[] { Session, old }, sessions.Select(s => s.Ids!.TraceId).Order(StringComparer.Ordinal));
            var text = sessions.Single(s => s.Ids!.TraceId == old).Source;
            var record = new CursorReader().BeginScan(new[] { text }, CancellationToken.None).Read(text, CancellationToken.None).Record!;
            Assert.Equal(new[] { "old prompt", "Sure." }, record.Messages.Select(m => m.Text));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public void A_subagent_without_a_chat_folder_of_its_own_takes_the_cwd_its_session_store_states()
    {
        var home = Directory.CreateTempSubdirectory("cursor-home-").FullName;
        try
        {
            const string agent = "2f8b6d13-9a4c-4e71-b5d0-6c3a8e2f1b94";
            var subagents = Path.Combine(home, "projects", "srv-app", "agent-transcripts", Session, "subagents");
            Directory.CreateDirectory(subagents);
            var path = Path.Combine(subagents, agent + ".jsonl");
            File.WriteAllLines(path, new[] { User("Run the tests"), Assistant(Text("All pass.")) });
            var chat = Path.Combine(home, "chats", "5a1b", Session);
            Directory.CreateDirectory(chat);
            File.WriteAllText(Path.Combine(chat, "meta.json"), "{\"title\":\"Parent\",\"cwd\":\"/srv/app\"}");

            var source = TraceSource.FromFile(path);
            var result = new CursorReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None);
            var record = result.Record!;
            Assert.Empty(result.Diagnostics);
            Assert.Equal(("/srv/app", "/srv/app", "parent_store"), (record.Cwd, record.ProjectPath, (string)record.SourceMeta["cwd_source"]));
            Assert.Equal(("Run the tests", $"{Session}:{agent}"), (record.Title, record.TraceId));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public void Results_pair_by_their_id_when_it_names_a_call_else_in_order_with_calls_without_ids_and_never_across_a_turn_end()
    {
        var record = Read(new[]
        {
            User("go"),
            Assistant(Call("Read", "c1") + "," + Call("Grep") + "," + Call("Shell")),
            Results(Result("grep out"), Result("read out", "c1"), Result("shell out", "t-unknown")),
            Assistant(Call("Write")),
            TurnEnded,
            Results(Result("late")),
        }).Record!;

        Assert.Equal("Prompt Response ToolResult ToolResult ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(new[] { ("cursor-2-2", "grep out"), ("c1", "read out"), ("cursor-2-3", "shell out") },
            record.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => (m.ToolCallId!, m.Text)));
        var meta = record.SourceMeta;
        Assert.Equal(1L, meta["tool_results_paired_by_id"]);
        Assert.Equal(2L, meta["tool_results_paired_by_order"]);
        Assert.Equal(1L, meta["orphan_tool_results"]);
        Assert.Equal(1L, meta["unanswered_tool_calls"]);
        Assert.Equal(1L, meta["turns_ended"]);
    }

    [Fact]
    public void Turn_statuses_are_counted_and_unknown_lines_and_blocks_are_counted_not_lost()
    {
        var record = Read(new[]
        {
            User("go"),
            Assistant(Text("a") + ",{\"type\":\"custom_block\",\"text\":\"visible\"},{\"type\":\"image_ref\"}"),
            "{\"type\":\"turn_ended\",\"status\":\"aborted\"}",
            "{\"type\":\"turn_ended\"}",
            "{\"type\":\"checkpoint\",\"id\":1}",
            "{\"note\":\"no role, no type\"}",
        }).Record!;

        Assert.Equal("a\nvisible", record.Messages[1].Text.Replace("\n\n", "\n", StringComparison.Ordinal));
        var meta = record.SourceMeta;
        Assert.Equal(new Dictionary<string, long> { ["aborted"] = 1, ["(none)"] = 1 }, (IReadOnlyDictionary<string, long>)meta["turn_statuses"]);
        Assert.Equal(new Dictionary<string, long> { ["turn_ended"] = 2, ["checkpoint"] = 1 }, (IReadOnlyDictionary<string, long>)meta["line_types"]);
        Assert.Equal(new Dictionary<string, long> { ["custom_block"] = 1, ["image_ref"] = 1 }, (IReadOnlyDictionary<string, long>)meta["unknown_block_types"]);
        Assert.Equal(1L, meta["untyped_lines"]);
    }

    [Fact]
    public void A_damaged_line_costs_only_itself_and_text_of_the_wrong_type_is_reported()
    {
        var result = Read(new[]
        {
            User("first"),
            "{\"role\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"te",
            "{\"role\":\"user\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":42}]}}",
            Assistant(Text("second")),
        });

        Assert.Equal(new[] { 2, 3 }, result.Diagnostics.Select(d => d.LineNumber ?? 0));
        Assert.All(result.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.Equal(new[] { "first", "second" }, result.Record!.Messages.Select(m => m.Text));
        Assert.Equal(2L, result.Record.SourceMeta["skipped_lines"]);
    }

    [Fact]
    public void An_unknown_role_is_kept_as_context_with_a_warning()
    {
        var result = Read(new[] { "{\"role\":\"narrator\",\"message\":{\"content\":\"meanwhile\"}}", User("go"), Assistant(Text("ok")) });

        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(1, warning.LineNumber);
        Assert.Equal("Context Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(1L, ((IReadOnlyDictionary<string, long>)result.Record!.SourceMeta["unknown_roles"])["narrator"]);
    }

    [Fact]
    public void A_file_of_turn_markers_only_gives_no_record()
    {
        var result = Read(new[] { TurnEnded });

        Assert.Null(result.Record);
        Assert.Equal(RolloutDiagnostic.NoUsableLines, Assert.Single(result.Diagnostics).ErrorId);
    }

    [Fact]
    public void Lines_are_claimed_by_cursor_alone_and_other_agents_lines_are_not()
    {
        var registry = FormatRegistry.Default.All;
        IRolloutReader? Winner(string line) => FormatDetector.MostConfident(JsonHead.Read(Encoding.UTF8.GetBytes(line))!, registry);

        Assert.Equal(RolloutFormat.Cursor, Winner(User("hi"))!.Format);
        Assert.Equal(RolloutFormat.Cursor, Winner(Assistant(Call("Shell")))!.Format);
        Assert.Equal(RolloutFormat.Cursor, Winner(TurnEnded)!.Format);
        var cursor = new CursorReader();
        Assert.Equal(DetectionScore.None, cursor.Score(JsonHead.Read(Encoding.UTF8.GetBytes("{\"type\":\"user\",\"uuid\":\"u\",\"sessionId\":\"s\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}"))!));
        Assert.Equal(DetectionScore.None, cursor.Score(JsonHead.Read(Encoding.UTF8.GetBytes("{\"role\":\"user\",\"content\":\"hi\",\"timestamp\":\"2026-01-01T00:00:00Z\"}"))!));
        Assert.Equal(DetectionScore.None, cursor.Score(JsonHead.Read(Encoding.UTF8.GetBytes("{\"role\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}"))!));
    }

    [Fact]
    public void A_damaged_store_db_costs_only_the_metadata_with_a_warning_and_a_flat_transcript_is_found()
    {
        var home = Directory.CreateTempSubdirectory("cursor-home-").FullName;
        try
        {
            var transcripts = Path.Combine(home, "projects", "srv-app", "agent-transcripts");
            Directory.CreateDirectory(transcripts);
            var flat = Path.Combine(transcripts, Session + ".jsonl");
            File.WriteAllLines(flat, new[] { User("<user_query>\nhello\n</user_query>"), Assistant(Text("hi")) });
            var chat = Path.Combine(home, "chats", "5a1b", Session);
            Directory.CreateDirectory(chat);
            File.WriteAllText(Path.Combine(chat, "store.db"), "not a database, just text that is long enough to be looked at by SQLite");
            File.WriteAllText(Path.Combine(chat, "meta.json"), "{\"title\":");

            var reader = new CursorReader();
            var session = Assert.Single(reader.Locate(Path.Combine(home, "projects"), new TraceSearch(), FormatRegistry.Default).Sessions);
            Assert.Equal(Session, session.Ids!.TraceId);
            Assert.Equal(Path.Combine(chat, "store.db"), session.DependsOn[0]);

            var result = new CursorReader().BeginScan(new[] { session.Source }, CancellationToken.None).Read(session.Source, CancellationToken.None);
            Assert.Equal(2, result.Diagnostics.Count);
            Assert.All(result.Diagnostics, d => Assert.Equal(RolloutDiagnostic.SidecarDamaged, d.ErrorId));
            Assert.Equal("hello", result.Record!.Title);
            Assert.Equal("srv-app", result.Record.SourceMeta["project_slug"]);
            Assert.Equal("5a1b", result.Record.SourceMeta["workspace_hash"]);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public void Store_db_metadata_as_plain_json_text_is_read_and_the_database_is_left_unchanged()
    {
        var home = Directory.CreateTempSubdirectory("cursor-home-").FullName;
        try
        {
            var folder = Path.Combine(home, "projects", "srv-app", "agent-transcripts", Session);
            Directory.CreateDirectory(folder);
            var transcript = Path.Combine(folder, Session + ".jsonl");
            File.WriteAllLines(transcript, new[] { User("hello"), Assistant(Text("hi")) });
            var chat = Path.Combine(home, "chats", "9c9c", Session);
            Directory.CreateDirectory(chat);
            var database = Path.Combine(chat, "store.db");
            using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); CREATE TABLE blobs (id TEXT PRIMARY KEY, data BLOB);"
                    + "INSERT INTO meta VALUES ('0', '{\"agentId\":\"" + Session + "\",\"name\":\"Greeting\",\"createdAt\":1767225600000,\"lastUsedModel\":\"gpt-5\"}'), ('1', 'x');";
                command.ExecuteNonQuery();
            }
            var before = File.GetLastWriteTimeUtc(database);
            var bytes = File.ReadAllBytes(database);

            var source = TraceSource.FromFile(transcript);
            var record = new CursorReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None).Record!;

            Assert.Equal("Greeting", record.Title);
            Assert.Equal(new[] { "gpt-5" }, record.Models);
            Assert.Equal(DateTimeOffset.Parse("2026-01-01T00:00:00Z"), record.StartedAt);
            Assert.Equal(new[] { "0", "1" }, (IEnumerable<string>)record.SourceMeta["store_meta_keys"]);
            Assert.False(record.SourceMeta.ContainsKey("store_blobs_unread"));
            Assert.Equal(bytes, File.ReadAllBytes(database));
            Assert.Equal(before, File.GetLastWriteTimeUtc(database));
            Assert.False(File.Exists(database + "-journal"));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
