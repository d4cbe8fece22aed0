using System.Text;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.GeminiCli;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

public sealed class GeminiCliReaderTests
{
    private const string Meta = """{"sessionId":"s1","projectHash":"p","startTime":"2026-05-01T10:00:00Z","lastUpdated":"2026-05-01T10:00:00Z","kind":"main"}""";

    private static ReadResult Read(string text, string name = "session-2026-05-01T10-00-s1.jsonl", bool includeAbandoned = false)
    {
        var reader = new GeminiCliReader();
        return reader.BeginScan(Array.Empty<TraceSource>(), CancellationToken.None, new ReadOptions { IncludeAbandoned = includeAbandoned })
            .Read(TraceSource.FromBytes(name, Encoding.UTF8.GetBytes(text)), CancellationToken.None);
    }

    private static string User(string id, string text) => $$"""{"id":"{{id}}","timestamp":"2026-05-01T10:00:01Z","type":"user","content":[{"text":"{{text}}"}]}""";

    private static string Gemini(string id, string text) => $$"""{"id":"{{id}}","timestamp":"2026-05-01T10:00:02Z","type":"gemini","content":"{{text}}","model":"gemini-2.5-pro"}""";

    [Fact]
    public void A_later_record_with_the_same_id_replaces_the_earlier_in_its_place()
    {
        var record = Read(string.Join("\n", Meta, User("u1", "one"), Gemini("g1", "draft"), User("u2", "two"), Gemini("g1", "final"))).Record!;
        Assert.Equal(new[] { "one", "final", "two" }, record.Messages.Select(m => m.Text));
    }

    [Fact]
    public void A_rewind_to_an_unknown_id_drops_everything_before_it()
    {
        var record = Read(string.Join("\n", Meta, User("u1", "one"), Gemini("g1", "a"), """{"$rewindTo":"nope"}""", User("u2", "two"))).Record!;
        Assert.Equal(new[] { "two" }, record.Messages.Select(m => m.Text));
        Assert.Equal(2L, record.SourceMeta["rewound_messages"]);
    }

    [Fact]
    public void A_rewound_branch_is_kept_in_place_with_include_abandoned_and_its_responses_counted_either_way()
    {
        const string tokens = ""","tokens":{"input":900,"output":40,"cached":800,"thoughts":5,"tool":0,"total":945}""";
        var lines = string.Join("\n", Meta, User("u1", "one"), Gemini("g1", "a"), User("u2", "patch it"),
            Gemini("g2", "patched").Replace("\"model\"", tokens[1..] + ",\"model\"", StringComparison.Ordinal).Replace("gemini-2.5-pro", "gemini-2.5-flash", StringComparison.Ordinal),
            """{"$rewindTo":"u2"}""", User("u3", "do it in the client"), Gemini("g3", "done"));

        var kept = Read(lines, includeAbandoned: true).Record!;
        var left = Read(lines).Record!;

        Assert.Equal(new[] { "one", "a", "patch it", "patched", "do it in the client", "done" }, kept.Messages.Select(m => m.Text));
        Assert.Equal(new[] { false, false, true, true, false, false }, kept.Messages.Select(m => m.IsAbandoned));
        Assert.Empty(kept.UnlistedResponses);
        Assert.Equal(new[] { "one", "a", "do it in the client", "done" }, left.Messages.Select(m => m.Text));
        var unlisted = Assert.Single(left.UnlistedResponses);
        Assert.Equal(("g2", "gemini-2.5-flash", new TokenUsage(100, 45, 800, 0)), (unlisted.ResponseId, unlisted.Model, unlisted.Usage));
        Assert.Equal(kept.Usage, left.Usage);
        Assert.Equal(new TokenUsage(100, 45, 800, 0), left.Usage);
        Assert.Equal(kept.Models, left.Models);
        Assert.Equal(2L, left.SourceMeta["rewound_messages"]);
    }

    [Fact]
    public void A_damaged_line_costs_only_itself_and_is_reported_by_line()
    {
        var result = Read(string.Join("\n", Meta, User("u1", "one"), "{\"id\":\"g1\",\"type\":", Gemini("g2", "answer")));
        Assert.Equal(new[] { "one", "answer" }, result.Record!.Messages.Select(m => m.Text));
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(3, error.LineNumber);
    }

    [Fact]
    public void Text_of_the_wrong_type_is_reported_not_dropped_silently()
    {
        var result = Read(string.Join("\n", Meta, """{"id":"u1","timestamp":"2026-05-01T10:00:01Z","type":"user","content":[{"text":42}]}""", User("u2", "two")));
        Assert.Equal(new[] { "two" }, result.Record!.Messages.Select(m => m.Text));
        Assert.Equal(2, Assert.Single(result.Diagnostics).LineNumber);
    }

    [Fact]
    public void A_session_with_only_its_metadata_line_is_skipped_with_a_reason()
    {
        var result = Read(Meta);
        Assert.Null(result.Record);
        Assert.Equal("it holds no message yet", result.SkipReason);
    }

    [Fact]
    public void Detection_is_certain_of_gemini_lines_and_leaves_claude_code_lines_alone()
    {
        var registry = FormatRegistry.Default.All;
        foreach (var line in new[] { Meta, User("u1", "x"), """{"$rewindTo":"u1"}""", """{"$set":{"summary":"s"}}""" })
        {
            var head = RolloutTools.Core.Json.JsonHead.Read(Encoding.UTF8.GetBytes(line))!;
            Assert.Equal(RolloutFormat.GeminiCli, RolloutTools.Core.Discovery.FormatDetector.MostConfident(head, registry)!.Format);
        }
        var claude = RolloutTools.Core.Json.JsonHead.Read("""{"parentUuid":null,"type":"user","uuid":"a","sessionId":"b","timestamp":"2026-05-01T10:00:00Z","message":{"role":"user","content":"hi"}}"""u8)!;
        Assert.Equal(0, new GeminiCliReader().Score(claude));
    }

    /// <summary>
    /// A response that only thought, on 1 May (its thoughts not returned as summaries: the recorder writes it with
    /// empty content, no thoughts and its tokens), then the answer on 2 May on another model.
    /// </summary>
    internal static readonly string ThoughtOnlyThenAnswer = string.Join("\n", Meta, User("u1", "go"),
        """{"id":"g1","timestamp":"2026-05-01T10:00:02Z","type":"gemini","content":"","thoughts":[],"tokens":{"input":900,"output":0,"cached":600,"thoughts":40,"tool":0,"total":940},"model":"gemini-2.5-flash"}""",
        """{"id":"g2","timestamp":"2026-05-02T09:00:00Z","type":"gemini","content":"Done.","thoughts":[],"tokens":{"input":1000,"output":20,"cached":0,"thoughts":0,"tool":0,"total":1020},"model":"gemini-2.5-pro"}""");

    internal static RolloutRecord ReadRecord(string text) => Read(text).Record!;

    [Fact]
    public void A_response_with_tokens_and_nothing_readable_is_carried_unlisted_at_its_own_time_and_model()
    {
        var record = ReadRecord(ThoughtOnlyThenAnswer);

        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(
            new UnlistedResponse("g1", new DateTimeOffset(2026, 5, 1, 10, 0, 2, TimeSpan.Zero), "gemini-2.5-flash", new TokenUsage(300, 40, 600, 0), null),
            Assert.Single(record.UnlistedResponses));
        Assert.Equal(new TokenUsage(1300, 60, 600, 0), SampleFolder.Tokens(record));
    }
    private static string Tokens(int input, int output) => $$$""","tokens":{"input":{{{input}}},"output":{{{output}}},"cached":0,"thoughts":0,"tool":0,"total":{{{input + output}}}}""";

    private static string Answer(string id, string text, int input, int output) => Gemini(id, text).Replace(",\"model\"", Tokens(input, output) + ",\"model\"", StringComparison.Ordinal);

    /// <summary>A message as a history sync writes it: id, time, type and content only (newMessage).</summary>
    private static string Bare(string id, string type, string parts) => $$"""{"id":"{{id}}","timestamp":"2026-05-01T10:05:00Z","type":"{{type}}","content":{{parts}}}""";

    private static string SyncOf(params string[] messages) => "{\"$set\":{\"messages\":[" + string.Join(",", messages) + "]}}";

    [Fact]
    public void A_compress_sync_keeps_the_turns_it_summarised_and_reads_the_turns_it_kept_once()
    {
        // /compress keeps the last turn, rebuilt from bare Content under new ids (startChat), after the summary.
        var lines = string.Join("\n", Meta, User("u1", "one"), Answer("g1", "a", 1000, 10), User("u2", "two"), Answer("g2", "b", 2000, 20),
            SyncOf(Bare("s1", "user", """[{"text":"<state_snapshot>one, two</state_snapshot>"}]"""), Bare("s2", "gemini", """[{"text":"Got it. Thanks for the additional context!"}]"""),
                Bare("c1", "user", """[{"text":"two"}]"""), Bare("c2", "gemini", """[{"text":"b"}]""")),
            User("u3", "three"), Answer("g3", "c", 300, 3));

        var record = Read(lines).Record!;

        Assert.Equal(new[] { "one", "a", "two", "b", "<state_snapshot>one, two</state_snapshot>", "Got it. Thanks for the additional context!", "three", "c" }, record.Messages.Select(m => m.Text));
        Assert.Equal(new[] { "g1", "g2", "g3" }, record.Messages.Where(m => m.Usage is not null).Select(m => m.ResponseId));
        Assert.Equal(new TokenUsage(3300, 33, 0, 0), record.Usage);
        Assert.Empty(record.UnlistedResponses);
        Assert.Equal((2L, 2L), (record.SourceMeta["left_by_history_sync"], record.SourceMeta["copied_by_history_sync"]));
        Assert.False(record.SourceMeta.ContainsKey("rolled_back_messages"));
    }

    [Fact]
    public void A_sync_copy_that_joins_turns_of_one_role_in_a_row_stands_for_them_and_is_not_read_again()
    {
        // Gemini CLI hands on its history with a shell command's output and the prompt after it joined into one
        // user turn (coalesceConsecutiveRoles); masking records that history again under new ids, then syncs it.
        string[] copies =
        {
            Bare("m1", "user", """[{"text":"list"}]"""), Bare("m2", "gemini", """[{"text":"ok"}]"""),
            Bare("m3", "user", """[{"text":"I ran the following shell command: ls"},{"text":"why?"}]"""), Bare("m4", "gemini", """[{"text":"because"}]"""),
        };
        var lines = string.Join("\n", new[] { Meta, User("u1", "list"), Answer("g1", "ok", 1000, 10), User("s1", "I ran the following shell command: ls"), User("u2", "why?"), Answer("g2", "because", 2000, 20) }
            .Concat(copies).Append(SyncOf(copies)).Append(User("u3", "thanks")));

        var record = Read(lines).Record!;

        Assert.Equal(new[] { "list", "ok", "I ran the following shell command: ls", "why?", "because", "thanks" }, record.Messages.Select(m => m.Text));
        Assert.Equal(new TokenUsage(3000, 30, 0, 0), record.Usage);
        Assert.Equal((1L, 4L), (record.SourceMeta["left_by_history_sync"], record.SourceMeta["copied_by_history_sync"]));
    }

    [Fact]
    public void A_masking_sync_that_writes_the_history_again_under_new_ids_keeps_the_original_calls_results_and_tokens()
    {
        // setHistory records each bare Content as a new message, then syncs the list of them.
        const string call = ""","toolCalls":[{"id":"c1","name":"read_file","args":{"path":"a"},"result":[{"functionResponse":{"id":"c1","name":"read_file","response":{"output":"AAA"}}}],"status":"success"}]""";
        var lines = string.Join("\n", Meta, User("u1", "read a"), Answer("g1", "reading", 1000, 10)[..^1] + call + "}",
            Bare("m1", "user", """[{"text":"read a"}]"""),
            Bare("m2", "gemini", """[{"text":"reading"},{"functionCall":{"id":"c1","name":"read_file","args":{"path":"a"}}}]"""),
            Bare("m3", "user", """[{"functionResponse":{"id":"c1","name":"read_file","response":{"output":"[masked]"}}}]"""),
            SyncOf(Bare("m1", "user", """[{"text":"read a"}]"""), Bare("m2", "gemini", """[{"text":"reading"},{"functionCall":{"id":"c1","name":"read_file","args":{"path":"a"}}}]"""),
                Bare("m3", "user", """[{"functionResponse":{"id":"c1","name":"read_file","response":{"output":"[masked]"}}}]""")),
            User("u2", "thanks"));

        var record = Read(lines).Record!;

        Assert.Equal("Prompt Response ToolResult Prompt", SampleFolder.Kinds(record));
        Assert.Equal("AAA", record.Messages[2].Text);
        Assert.Equal(("g1", new TokenUsage(1000, 10, 0, 0)), (record.Messages[1].ResponseId, record.Messages[1].Usage));
        Assert.Equal(2L, record.SourceMeta["copied_by_history_sync"]);
    }

    [Fact]
    public void A_turn_a_sync_rolls_back_is_abandoned_and_a_notice_it_leaves_out_is_kept()
    {
        // Esc during the stream: the history is cut back to its length before the prompt (geminiChat.ts rollback).
        var lines = string.Join("\n", Meta, User("u1", "one"), Answer("g1", "a", 1000, 10),
            """{"id":"i1","timestamp":"2026-05-01T10:00:03Z","type":"info","content":"Switched to plan mode."}""",
            User("u2", "never mind"), Answer("g2", "partial", 500, 5), SyncOf(User("u1", "one"), Answer("g1", "a", 1000, 10)),
            """{"id":"e1","timestamp":"2026-05-01T10:00:04Z","type":"info","content":"Request cancelled."}""", User("u3", "again"));

        var left = Read(lines).Record!;
        var kept = Read(lines, includeAbandoned: true).Record!;

        Assert.Equal(new[] { "one", "a", "Switched to plan mode.", "Request cancelled.", "again" }, left.Messages.Select(m => m.Text));
        Assert.Equal("g2", Assert.Single(left.UnlistedResponses).ResponseId);
        Assert.Equal(new[] { "one", "a", "Switched to plan mode.", "never mind", "partial", "Request cancelled.", "again" }, kept.Messages.Select(m => m.Text));
        Assert.Equal(new[] { false, false, false, true, true, false, false }, kept.Messages.Select(m => m.IsAbandoned));
        Assert.Equal(left.Usage, kept.Usage);
        Assert.Equal(new TokenUsage(1500, 15, 0, 0), left.Usage);
        Assert.Equal((2L, 1L), (left.SourceMeta["rolled_back_messages"], left.SourceMeta["left_by_history_sync"]));
    }

    [Fact]
    public void A_rewind_to_a_copy_a_sync_wrote_takes_back_its_original()
    {
        var lines = string.Join("\n", Meta, User("u1", "one"), Answer("g1", "a", 1000, 10),
            SyncOf(Bare("s1", "user", """[{"text":"<state_snapshot>one</state_snapshot>"}]"""), Bare("c1", "user", """[{"text":"one"}]"""), Bare("c2", "gemini", """[{"text":"a"}]""")),
            """{"$rewindTo":"c1"}""", User("u2", "two"));

        var record = Read(lines, includeAbandoned: true).Record!;

        Assert.Equal(new[] { "one", "a", "<state_snapshot>one</state_snapshot>", "two" }, record.Messages.Select(m => m.Text));
        Assert.Equal(new[] { true, true, false, false }, record.Messages.Select(m => m.IsAbandoned));
    }
    [Fact]
    public void Each_parallel_call_keeps_only_its_own_response_when_a_sync_stored_the_whole_turn_in_every_call()
    {
        const string turn = """[{"functionResponse":{"id":"c1","name":"read_file","response":{"output":"AAA"}}},{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},{"functionResponse":{"id":"c2","name":"read_file","response":{"error":"BBB"}}}]""";
        var lines = string.Join("\n", Meta, User("u1", "read both"),
            $$"""{"id":"g1","timestamp":"2026-05-01T10:00:02Z","type":"gemini","content":"","model":"gemini-2.5-pro","toolCalls":[{"id":"c1","name":"read_file","args":{},"result":{{turn}},"status":"success"},{"id":"c2","name":"read_file","args":{},"result":{{turn}},"status":"error"}]}""");

        var tools = Read(lines).Record!.Messages.Where(m => m.Role == MessageRole.Tool).ToArray();

        Assert.Equal(new[] { "c1", "c2" }, tools.Select(m => m.ToolCallId));
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image }, tools[0].Content.Select(b => b.Type));
        Assert.Equal(("AAA", false), (tools[0].Text, tools[0].IsError));
        Assert.Equal(("BBB", true), (tools[1].Text, tools[1].IsError));
    }
    [Fact]
    public void A_compress_summary_with_its_scratchpad_first_is_a_compaction_summary_not_the_title()
    {
        var lines = string.Join("\n", Meta, User("u1", "one"), Answer("g1", "a", 1000, 10),
            SyncOf(Bare("s1", "user", """[{"text":"<scratchpad>notes</scratchpad>\n<state_snapshot>one</state_snapshot>"}]"""), Bare("s2", "gemini", """[{"text":"Got it. Thanks for the additional context!"}]""")),
            User("u2", "I pasted <state_snapshot> here"), Answer("g2", "ok", 100, 1));

        var record = Read(lines).Record!;

        Assert.Equal("Prompt Response CompactionSummary Synthetic Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("one", record.Title);
    }
    [Fact]
    public void A_prompt_starting_with_a_code_comment_is_a_prompt_and_a_slash_command_a_command()
    {
        var record = Read(string.Join("\n", Meta, User("u1", "/stats"), User("u2", "// why does this comment break the build?"), User("u3", "/* and this one? */"))).Record!;

        Assert.Equal("Command Prompt Prompt", SampleFolder.Kinds(record));
        Assert.Equal("// why does this comment break the build?", record.Title);
    }
    [Fact]
    public void A_tools_binary_output_joins_its_result_and_the_canned_thought_before_it_is_synthetic()
    {
        // geminiChat.ts: the tool response, a canned model thought, then the binary parts recorded as an info message.
        var lines = string.Join("\n", Meta, User("u1", "what is in pic.png?"),
            """{"id":"g1","timestamp":"2026-05-01T10:00:02Z","type":"gemini","content":"","model":"gemini-2.5-pro","toolCalls":[{"id":"c1","name":"read_file","args":{"path":"pic.png"},"result":[{"functionResponse":{"id":"c1","name":"read_file","response":{"output":"Binary content provided (1 item)."}}}],"status":"success"}]}""",
            """{"id":"u2","timestamp":"2026-05-01T10:00:03Z","type":"user","content":[{"functionResponse":{"id":"c1","name":"read_file","response":{"output":"Binary content provided (1 item)."}}}]}""",
            """{"id":"g2","timestamp":"2026-05-01T10:00:03Z","type":"gemini","content":[{"text":"Binary content received. Proceeding with analysis.","thought":true,"thoughtSignature":"skip_thought_signature_validator"}]}""",
            """{"id":"i1","timestamp":"2026-05-01T10:00:03Z","type":"info","content":[{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}]}""",
            Answer("g3", "It is a cat.", 1300, 5));

        var record = Read(lines).Record!;

        Assert.Equal("Prompt Response ToolResult Synthetic Response", SampleFolder.Kinds(record));
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image }, record.Messages[2].Content.Select(b => b.Type));
        Assert.Equal(MessageRole.Assistant, record.Messages[3].Role);
        Assert.False(record.SourceMeta.ContainsKey("notices"));
    }
    [Fact]
    public void A_legacy_session_migrated_to_jsonl_on_resume_is_read_once_from_the_jsonl()
    {
        var folder = Path.Combine(Path.GetTempPath(), "gemini-migrated-" + Guid.NewGuid().ToString("N"), "chats");
        Directory.CreateDirectory(folder);
        try
        {
            var legacy = Path.Combine(folder, "session-2026-05-01T10-00-s1.json");
            File.WriteAllText(legacy, """{"sessionId":"s1","projectHash":"p","startTime":"2026-05-01T10:00:00Z","lastUpdated":"2026-05-01T10:00:02Z","messages":[{"id":"u1","timestamp":"2026-05-01T10:00:01Z","type":"user","content":"one"}]}""");
            File.WriteAllText(legacy + "l", string.Join("\n", Meta, User("u1", "one"), User("u2", "two")));

            var results = SampleFolder.Read(new GeminiCliReader(), new[] { legacy, legacy + "l" });

            Assert.Null(results[0].Record);
            Assert.Contains("session-2026-05-01T10-00-s1.jsonl", results[0].SkipReason, StringComparison.Ordinal);
            Assert.Equal(new[] { "one", "two" }, results[1].Record!.Messages.Select(m => m.Text));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }
    [Fact]
    public void A_prompt_split_across_text_parts_is_one_text_block_as_in_qwen_code()
    {
        // An @file prompt: the typed text, then the file's contents, each a part of its own.
        var record = Read(string.Join("\n", Meta,
            """{"id":"u1","timestamp":"2026-05-01T10:00:01Z","type":"user","content":[{"text":"explain @a.ts"},{"text":"\n--- a.ts ---\nlet x = 1;"}]}""")).Record!;

        Assert.Equal("explain @a.ts\n--- a.ts ---\nlet x = 1;", Assert.Single(Assert.Single(record.Messages).Content).Text);
    }
}
