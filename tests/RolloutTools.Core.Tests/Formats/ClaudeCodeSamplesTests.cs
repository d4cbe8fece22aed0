using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.ClaudeCode;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// The traces under samples/claude-code mirror what Claude Code 1.0.89, 2.0.64–2.0.76, 2.1.39, 2.1.236 and
/// 2.1.270 write; samples/claude-code/README.md lists what each demonstrates. These tests read the whole folder in
/// one run, as Get-AgentRollout does, and check the normalized result line by line.
/// </summary>
public sealed class ClaudeCodeSamplesTests
{
    private static readonly Lazy<IReadOnlyList<ReadResult>> Results = new(() =>
    {
        var reader = new ClaudeCodeReader();
        return SampleFolder.Read(reader, TraceFileFinder.Find(SampleFolder.Root("claude-code", "projects"), new[] { reader }, new TraceSearch { Recurse = true }).Files.Select(f => f.Path).ToArray());
    });

    private static RolloutRecord Record(string traceId) => SampleFolder.Record(Results.Value, traceId);

    private static string Kinds(RolloutRecord record) => SampleFolder.Kinds(record);

    private static TokenUsage Tokens(RolloutRecord r) => SampleFolder.Tokens(r);

    [Fact]
    public void The_folder_reads_without_errors_into_nine_records()
    {
        Assert.DoesNotContain(Results.Value, r => r.Diagnostics.Count > 0);
        Assert.Equal(9, Results.Value.Count(r => r.Record is not null));
        var skipped = Assert.Single(Results.Value, r => r.Record is null);
        Assert.EndsWith("19545640-aa3f-454e-bd14-befd3aa09821.jsonl", skipped.Source.Path);
    }

    [Fact]
    public void Version_1_0_89_session_merges_split_responses_and_takes_its_title_from_another_file()
    {
        var a = Record("94fe2fee-1f17-4678-aeda-d6bb3612583b");

        Assert.Equal(
            "Prompt Response ToolResult Response ToolResult Response ToolResult Response Context Command Command Prompt Response ToolResult Response ToolResult Response ToolResult Response",
            Kinds(a));
        Assert.Equal(new TokenUsage(43, 1065, 133434, 4624), Tokens(a));
        Assert.Equal("Fix cart rounding with integer-cent math", a.Title);
        Assert.Equal("/home/dev/acme-shop/services/cart", a.Cwd);
        Assert.Equal("fix/cart-rounding", a.GitBranch);
        Assert.Equal(DateTimeOffset.Parse("2025-08-21T09:14:03.218Z"), a.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2025-08-21T09:15:48.965Z"), a.EndedAt);
        Assert.Equal(new[] { "claude-opus-4-1-20250805" }, a.Models);
        var failed = a.Messages.Where(m => m.IsError == true).ToArray();
        Assert.Single(failed);
        Assert.Equal("LS", failed[0].ToolName);
        Assert.NotNull(a.Messages[1].ReasoningContent);
        Assert.Equal("Read", Assert.Single(a.Messages[1].ToolCalls).Name);
    }

    [Fact]
    public void Version_2_0_session_follows_the_active_path_through_rewind_and_compaction()
    {
        var b = Record("7e1599af-9d87-4fa7-bd6f-82486f2131ce");

        Assert.Equal(
            "Prompt Response ToolResult ToolResult Response ToolResult Response Prompt Response ToolResult Response Interruption " +
            "Prompt Response ToolResult Response Context Command Command Prompt Response ToolResult Response QueuedPrompt Response " +
            "CompactionSummary Context Command Command Prompt Synthetic Prompt Response ToolResult Response ToolResult Response",
            Kinds(b));
        Assert.Equal(2, b.Messages[1].ToolCalls.Count);
        Assert.Equal(new TokenUsage(136, 1429, 312303, 52282), Tokens(b));
        Assert.Equal(5L, b.SourceMeta["abandoned_entries"]);
        Assert.Equal(new[] { "claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101" }, b.Models);
        Assert.Equal("Coupon validation endpoint with rate limiting", b.Title);
        Assert.Equal(ContentBlockType.Image, b.Messages[7].Content[1].Type);
        Assert.Contains(b.Messages[9].Content, c => c.Type == ContentBlockType.Image);
        Assert.Equal("feature/coupon-validate", b.GitBranch);
        Assert.Equal(new[] { "2.0.64", "2.0.76" }, (IEnumerable<string>)b.SourceMeta["claude_versions"]);
    }

    [Fact]
    public void Version_2_1_39_session_skips_foreign_lines_and_recovers_an_absorbed_queued_prompt()
    {
        var d = Record("2cb29738-c0cd-422a-a851-f96c078ca30a");

        Assert.Equal(
            "Prompt Response ToolResult Response ToolResult QueuedPrompt Response ToolResult ToolResult Response Command Command " +
            "CompactionSummary Context Command Command Prompt Response ToolResult Response",
            Kinds(d));
        // /cost and its output, written as system/local_command lines.
        Assert.StartsWith("<command-name>/cost</command-name>", d.Messages[10].Text);
        Assert.StartsWith("<local-command-stdout>Total cost:", d.Messages[11].Text);
        Assert.Equal("use the 2026 rate table, not the 2025 one", d.Messages[5].Text);
        Assert.Equal(2, d.Messages[6].ToolCalls.Count);
        Assert.Equal(new TokenUsage(21, 627, 127648, 16322), Tokens(d));
        Assert.Equal("EU shipping rates from the 2026 rate table", d.Title);
        Assert.Equal(DateTimeOffset.Parse("2026-02-12T15:04:01.104Z"), d.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-02-12T15:06:54.578Z"), d.EndedAt);
        Assert.Equal(new[] { "claude-opus-4-6" }, d.Models);
        Assert.Contains("https://", string.Join(",", (IEnumerable<string>)d.SourceMeta["pr_links"]));
    }

    [Fact]
    public void Subagents_of_both_layouts_are_sidechain_records_with_their_own_usage()
    {
        var sub = Record("2cb29738-c0cd-422a-a851-f96c078ca30a:a2f5215");
        Assert.True(sub.IsSidechain);
        Assert.Equal("2cb29738-c0cd-422a-a851-f96c078ca30a", sub.RootSessionId);
        Assert.Equal(new TokenUsage(12, 289, 17720, 9445), Tokens(sub));
        Assert.Equal(new[] { "claude-sonnet-4-5-20250929" }, sub.Models);
        Assert.Equal("Explore", sub.SourceMeta["agent_type"]);

        var compact = Record("2cb29738-c0cd-422a-a851-f96c078ca30a:acompact-f584e4");
        Assert.Equal(new TokenUsage(3, 611, 47188, 2113), Tokens(compact));

        var warmup = Record("7e1599af-9d87-4fa7-bd6f-82486f2131ce:60751213");
        Assert.True(warmup.IsSidechain);
        Assert.Equal(new TokenUsage(3318, 26, 0, 0), Tokens(warmup));
    }

    [Fact]
    public void Version_2_1_236_session_reads_attachments_queued_prompts_and_titles()
    {
        var e = Record("2a37c33d-4ece-48e4-a018-6d0d4feab708");

        Assert.Equal("Prompt Response ToolResult QueuedPrompt Response ToolResult Response ToolResult Response QueuedPrompt", Kinds(e));
        Assert.Equal(new TokenUsage(12, 308, 67692, 6202), Tokens(e));
        Assert.Equal("widgets: release build fix", e.Title);
        Assert.Equal(@"C:\Users\dev\source\widgets", e.Cwd);
        Assert.Equal(new Dictionary<string, long> { ["x-future-thing"] = 1 }, (IReadOnlyDictionary<string, long>)e.SourceMeta["unknown_record_types"]);
        Assert.True(e.Messages[2].IsError);

        var f = Record("1987ac24-f359-4d63-8baa-ff44e6fd0113");
        Assert.Equal("Prompt", Kinds(f));
        Assert.Null(f.FinalAssistantMessage);
        Assert.Empty(f.Models);
        Assert.Equal(f.Messages[0].Text, f.Title);
    }

    private const string HarborSession = "5d0c7a4e-3b19-4f6e-9a2d-8c1e47b2f935";

    private static string HarborFile => SampleFolder.Root("claude-code", "projects", "-home-dev-harbor-api", HarborSession + ".jsonl");

    [Fact]
    public void Version_2_1_270_session_bridges_gaps_keeps_both_segments_and_never_splits_a_response()
    {
        var g = Record(HarborSession);

        Assert.Equal(
            "Context Prompt Response ToolResult ToolResult Response ToolResult QueuedPrompt Response ToolResult Response " +
            "Context Response ToolResult " +
            "Prompt Response ToolResult Response ToolResult Response Prompt Context Response ToolResult Response " +
            "CompactionSummary Context Command Command Prompt Response ToolResult Response",
            Kinds(g));

        // G:5: an <ide_opened_file> block before the typed words.
        Assert.Equal("<ide_opened_file>The user opened the file /home/dev/harbor-api/app/bookings.py in the IDE. This may or may not be related to the current task.</ide_opened_file>", g.Messages[0].Text);
        Assert.Equal("Bookings that cross midnight (22:00-02:00) are rejected as overlapping even when the berth is free. Find out why and plan a fix.", g.Messages[1].Text);

        // G:6-10: one response (apiBlockIndex 0, 1, 2) with the async Agent's result written between blocks 1 and 2.
        var first = g.Messages[2];
        Assert.Equal(new[] { ("toolu_01TWwD3RZGEMbLo7dY374J2c", "Agent"), ("toolu_01mJ1LY8v6BRwxv38Zn5CEjw", "Read") }, first.ToolCalls.Select(c => (c.Id, c.Name)));
        Assert.StartsWith("The overlap check probably compares naive times of day", first.ReasoningContent);
        Assert.Equal(string.Empty, first.Text);
        Assert.Equal(new TokenUsage(6, 611, 31702, 9214) { CacheWrite1hTokens = 9214 }, first.Usage);
        Assert.Contains("\"status\":\"async_launched\"", g.Messages[3].StructuredResult);

        // G:11-16: the queue lines and the queued_command attachment inside a response; the prompt follows its result.
        Assert.Equal("Found it: `overlaps()` and `validate()` compare `.time()` only, so 22:00-02:00 looks like an end before its start. Let me confirm with the test suite.", g.Messages[5].Text);
        Assert.Equal("toolu_01ohqugCkJiphMbuVKARtYmm", Assert.Single(g.Messages[5].ToolCalls).Id);
        Assert.True(g.Messages[6].IsError);
        Assert.Equal("the nightly export in jobs/export.py builds the same intervals, check it too", g.Messages[7].Text);

        // G:24: a task notification is input the session made, not a person's words.
        Assert.StartsWith("<task-notification>\n<task-id>a3f09c2d41b7e8a65</task-id>", g.Messages[11].Text);
        Assert.Equal("ExitPlanMode", Assert.Single(g.Messages[12].ToolCalls).Name);

        // G:30: the fresh chain after the plan; G:43: the edited prompt with a <system-reminder> after its words.
        Assert.StartsWith("Implement the following plan:\n\n# Accept bookings that cross midnight", g.Messages[14].Text);
        Assert.Equal("Add a regression test for a booking that ends exactly at midnight, in tests/test_bookings.py rather than a new file.", g.Messages[20].Text);
        Assert.StartsWith("<system-reminder>\nNote: /home/dev/harbor-api/tests/test_bookings.py was modified", g.Messages[21].Text);
        Assert.EndsWith("</system-reminder>", g.Messages[21].Text);
        Assert.StartsWith("This session is being continued from a previous conversation", g.Messages[25].Text);
        Assert.Equal("Commit this on a new branch fix/overnight-bookings", g.Messages[29].Text);

        Assert.Equal(
            new[]
            {
                "toolu_01TWwD3RZGEMbLo7dY374J2c", "toolu_01mJ1LY8v6BRwxv38Zn5CEjw", "toolu_01ohqugCkJiphMbuVKARtYmm", "toolu_01Pbi1n7tb7xkmq3K2GJY7qq",
                "toolu_01fzov3cFr9xnu6c22DBJVa6", "toolu_01r5T9oeZkYRMJyYg9rK6phF", "toolu_01CJexR6CXtiQwggYDnjx7yW", "toolu_01r8NzrK4VUuP5ksaJq1ZLga",
                "toolu_01hXqYfh6hgA5ShPJaCQTuJN",
            },
            g.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.ToolCallId));
        Assert.Equal(new[] { "Agent", "Read", "Bash", "Bash", "ExitPlanMode", "Edit", "Bash", "Edit", "Bash" }, g.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.ToolName));
        Assert.DoesNotContain(g.Messages, m => m.IsAbandoned);

        // Thirteen responses, the abandoned one (G:40) included: it was billed.
        Assert.Equal(new TokenUsage(58, 3550, 419620, 30550), Tokens(g));
        Assert.Equal(2L, g.SourceMeta["segments"]);
        Assert.Equal(2L, g.SourceMeta["bridged_gaps"]);
        Assert.Equal(3L, g.SourceMeta["abandoned_entries"]);
        Assert.Equal(1L, g.SourceMeta["compactions"]);
        Assert.Equal(76951L, g.SourceMeta["turn_duration_ms"]);
        // G:61: Claude Code's own cost of the session, a side call to haiku included that no line of the file holds.
        Assert.Equal(0.9412785, g.SourceMeta["stated_cost_usd"]);
        Assert.Equal("claude-vscode", g.SourceMeta["entrypoint"]);
        Assert.Equal("acceptEdits", g.SourceMeta["permission_mode"]);
        Assert.Equal("amber-tidal-quokka", g.SourceMeta["slug"]);
        Assert.Equal("Commit this on a new branch fix/overnight-bookings", g.SourceMeta["last_prompt"]);
        Assert.Equal(new[] { "2.1.270" }, (IEnumerable<string>)g.SourceMeta["claude_versions"]);
        Assert.Equal("Fix overlap check for bookings that cross midnight", g.Title);
        Assert.Equal(DateTimeOffset.Parse("2026-09-17T07:41:02.118Z"), g.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-09-17T07:47:02.468Z"), g.EndedAt);
        Assert.Equal("/home/dev/harbor-api", g.Cwd);
        Assert.Equal("fix/overnight-bookings", g.GitBranch);
        Assert.Equal(new[] { "claude-opus-5" }, g.Models);
        Assert.Equal("Committed as 4e1b9c2 on fix/overnight-bookings.", g.FinalAssistantMessage);
        var times = g.Messages.Select(m => m.Timestamp!.Value).ToArray();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public void Responses_of_a_branch_left_are_carried_unlisted_as_IncludeAbandoned_reads_them()
    {
        var reader = new ClaudeCodeReader();
        var files = Results.Value.Select(r => r.Source.Path).ToArray();

        var pairs = SampleFolder.Pairs(Results.Value, SampleFolder.Read(reader, files, new ReadOptions { IncludeAbandoned = true }));

        Assert.Equal(9, pairs.Length);
        SampleFolder.AssertAbandonedResponsesCarried(pairs);
        // 7e1599af: the two Sonnet responses of the branch a rewind left on 2025-12-10 (bench/CCUSAGE.md).
        var left = pairs.Single(p => p.Without.TraceId == "7e1599af-9d87-4fa7-bd6f-82486f2131ce").Without.UnlistedResponses;
        Assert.Equal(53_028L, left.Sum(u => u.Usage.Total));
        Assert.All(left, u => Assert.StartsWith("claude-sonnet", u.Model));
        Assert.All(left, u => Assert.Equal(new DateOnly(2025, 12, 10), DateOnly.FromDateTime(u.Timestamp!.Value.UtcDateTime)));
    }

    [Fact]
    public void Version_2_1_270_rewound_branch_is_kept_in_place_and_marked_when_asked()
    {
        var reader = new ClaudeCodeReader();
        var g = SampleFolder.Read(reader, new[] { HarborFile }, new ReadOptions { IncludeAbandoned = true }).Single().Record!;

        Assert.Equal(
            "Context Prompt Response ToolResult ToolResult Response ToolResult QueuedPrompt Response ToolResult Response " +
            "Context Response ToolResult " +
            "Prompt Response ToolResult Response ToolResult Response Prompt Response ToolResult Prompt Context Response ToolResult Response " +
            "CompactionSummary Context Command Command Prompt Response ToolResult Response",
            Kinds(g));
        Assert.Equal(new[] { 20, 21, 22 }, g.Messages.Select((m, i) => (m, i)).Where(x => x.m.IsAbandoned).Select(x => x.i));
        Assert.Equal("Add a regression test for a booking that ends exactly at midnight.", g.Messages[20].Text);
        Assert.Equal("toolu_012EsL4L9ZV6R4bL3sVRVc7u", Assert.Single(g.Messages[21].ToolCalls).Id);
        Assert.Equal("toolu_012EsL4L9ZV6R4bL3sVRVc7u", g.Messages[22].ToolCallId);
        Assert.Equal(3L, g.SourceMeta["abandoned_entries"]);
        Assert.Equal(new TokenUsage(58, 3550, 419620, 30550), Tokens(g));
    }

    [Fact]
    public void Version_2_1_270_cost_state_is_known_bookkeeping()
    {
        var g = Record(HarborSession);
        Assert.False(g.SourceMeta.ContainsKey("unknown_record_types"));
    }

    [Fact]
    public void Version_2_1_270_queued_prompts_count_only_what_a_person_typed()
    {
        var g = Record(HarborSession);
        Assert.Equal(1L, g.SourceMeta["queued_prompts"]);
    }

    [Fact]
    public void Every_tool_message_answers_an_earlier_call_in_every_sample() =>
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Value.Select(r => r.Record).OfType<RolloutRecord>());
}
