using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.ClaudeCode;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// The traces under samples/claude-code mirror what Claude Code 1.0.89, 2.0.64–2.0.76, 2.1.39 and 2.1.236
/// write; samples/claude-code/README.md lists what each demonstrates. These tests read the whole folder in
/// one run, as Get-AgentRollout does, and check the normalized result line by line.
/// </summary>
public sealed class ClaudeCodeSamplesTests
{
    private static readonly Lazy<IReadOnlyList<ReadResult>> Results = new(() =>
    {
        var reader = new ClaudeCodeReader();
        return SampleFolder.Read(reader, TraceFileFinder.Find(SampleFolder.Root("claude-code", "projects"), reader, recurse: true, filter: null));
    });

    private static RolloutRecord Record(string traceId) => SampleFolder.Record(Results.Value, traceId);

    private static string Kinds(RolloutRecord record) => SampleFolder.Kinds(record);

    private static TokenUsage Tokens(RolloutRecord r) => SampleFolder.Tokens(r);

    [Fact]
    public void The_folder_reads_without_errors_into_eight_records()
    {
        Assert.DoesNotContain(Results.Value, r => r.Diagnostics.Count > 0);
        Assert.Equal(8, Results.Value.Count(r => r.Record is not null));
        var skipped = Assert.Single(Results.Value, r => r.Record is null);
        Assert.EndsWith("19545640-aa3f-454e-bd14-befd3aa09821.jsonl", skipped.Source.DisplayPath);
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
            "Prompt Response ToolResult Response ToolResult QueuedPrompt Response ToolResult ToolResult Response " +
            "CompactionSummary Context Command Command Prompt Response ToolResult Response",
            Kinds(d));
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

    [Fact]
    public void Every_tool_message_answers_an_earlier_call_in_every_sample() =>
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Value.Select(r => r.Record).OfType<RolloutRecord>());
}
