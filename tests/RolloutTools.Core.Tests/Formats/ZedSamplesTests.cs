using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Zed;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/zed stands for Zed's data folder: threads/threads.db holds four threads (samples/zed/README.md says what each
/// shows), two of the current agent stored zstd-compressed as Zed writes them, two of the first agent stored as JSON.
/// </summary>
public sealed class ZedSamplesTests
{
    private const string A = "5b0e8f3a-2c41-4d7e-9a6b-1f2e3d4c5b6a";
    private const string B = "9c8d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e6f";
    private const string C = "thread-legacy-0.2.0";
    private const string D = "thread-legacy-unversioned";

    private static readonly string Database = SampleFolder.Root("zed", "threads", "threads.db");

    private static readonly Lazy<(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var sessions = new ZedReader().SessionsIn(Database);
        return (sessions, RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
    });

    private static IReadOnlyList<ReadResult> Results => Run.Value.Results;

    [Fact]
    public void Each_thread_row_is_a_reference_with_its_last_change_oldest_first()
    {
        var sessions = Run.Value.Sessions;
        Assert.Equal(new[] { D, C, A, B }, sessions.Select(s => s.Ids!.TraceId));
        Assert.All(sessions, s => Assert.Equal(Database, s.Source.Path));
        Assert.Equal(DateTimeOffset.Parse("2026-04-02T09:07:41Z"), sessions[2].LastActivity);
    }

    [Fact]
    public void Every_thread_reads_without_diagnostics()
    {
        Assert.Empty(Results.SelectMany(r => r.Diagnostics));
        Assert.Equal(new[] { D, C, A, B }, Results.Select(r => r.Record!.TraceId));
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Select(r => r.Record!));
    }

    [Fact]
    public void The_current_agents_thread_keeps_mentions_thinking_calls_results_an_image_and_a_resume()
    {
        var a = SampleFolder.Record(Results, A);
        Assert.Equal(RolloutFormat.Zed, a.Format);
        Assert.Equal("zed", a.SourceKind);
        Assert.Equal("Prompt Context Response ToolResult Response ToolResult ToolResult Response ToolResult Response Prompt Context Response ToolResult Command Response",
            SampleFolder.Kinds(a));
        Assert.Equal("Fix rounding in invoice totals", a.Title);
        Assert.Equal("/home/dev/tally-app", a.Cwd);
        Assert.Equal("fix-rounding", a.GitBranch);
        Assert.Equal(new[] { "claude-sonnet-4-5" }, a.Models);
        Assert.Equal(DateTimeOffset.Parse("2026-04-02T08:59:58Z"), a.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-04-02T09:07:41Z"), a.EndedAt);
        Assert.Equal(A, a.RootSessionId);
        Assert.False(a.IsSidechain);

        Assert.Equal("The totals in @invoice.rs are off by a cent. Compare with @round_cents and fix it.", a.Messages[0].Text);
        var context = a.Messages[1];
        Assert.Equal(MessageRole.User, context.Role);
        Assert.Equal(new[] { "@File /home/dev/tally-app/src/invoice.rs", "@Symbol round_cents /home/dev/tally-app/src/money.rs:12-15" },
            context.Content.Select(c => c.Text!.Split('\n')[0]));

        var first = a.Messages[2];
        Assert.Equal("Summing floats before rounding loses a cent; check the tests first.", first.ReasoningContent);
        Assert.Equal("Let me look at the failing test.", first.Text);
        Assert.Equal("grep", Assert.Single(first.ToolCalls).Name);
        Assert.Equal("""{"regex": "fn total", "include_pattern": "tests/**/*.rs"}""", first.ToolCalls[0].Arguments);
        Assert.Equal("tests/invoice.rs:12: fn total_rounds_each_line()", a.Messages[3].Text);

        var edit = a.Messages[5];
        Assert.Equal("toolu_02", edit.ToolCallId);
        Assert.Equal("""{"input_path": "tally-app/src/invoice.rs", "diff": "@@ -1,3 +1,3 @@"}""", edit.StructuredResult);
        var terminal = a.Messages[6];
        Assert.True(terminal.IsError == true);
        Assert.Equal("test result: FAILED. 3 passed; 1 failed", terminal.Text);

        var second = a.Messages[10];
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image, ContentBlockType.Text }, second.Content.Select(c => c.Type));
        Assert.Equal("image/png", second.Content[1].MediaType);
        Assert.Equal("and the page @https://docs.example.com/rounding. Does it match?", second.Content[2].Text);
        Assert.StartsWith("@Fetch https://docs.example.com/rounding\n# Rounding", a.Messages[11].Text);

        Assert.Equal("Continue where you left off", a.Messages[14].Text);
        Assert.Equal(MessageRole.User, a.Messages[14].Role);
    }

    [Fact]
    public void A_turns_usage_is_its_last_responses_as_zed_keeps_it_per_prompt()
    {
        var a = SampleFolder.Record(Results, A);
        var used = a.Messages.Where(m => m.Usage is not null).ToArray();
        Assert.Equal(new[] { 9, 15 }, used.Select(m => a.Messages.ToList().IndexOf(m)));
        Assert.Equal(new TokenUsage(2210, 164, 8400, 1300), used[0].Usage);
        Assert.Equal(new TokenUsage(1480, 96, 9800, 0), used[1].Usage);
        Assert.Equal(new TokenUsage(3690, 260, 18200, 1300), SampleFolder.Tokens(a));
        Assert.Equal(5120L, a.SourceMeta["cumulative_input_tokens"]);
        Assert.Equal(1L, a.SourceMeta["redacted_reasoning"]);
        Assert.Equal(1L, a.SourceMeta["resumes"]);
        Assert.Equal("0.3.0", a.SourceMeta["thread_version"]);
        Assert.Equal("zstd", a.SourceMeta["data_type"]);
        Assert.Equal("zed.dev", a.SourceMeta["provider"]);
        Assert.Equal("write", a.SourceMeta["profile"]);
        Assert.Equal("Rounded invoice lines half-even before summing; tests pass.", a.SourceMeta["detailed_summary"]);
        Assert.Equal("/home/dev/tally-app, /home/dev/tally-docs", a.SourceMeta["folder_paths"]!.ToString());
        Assert.Equal(B, a.SourceMeta["child_session_ids"]!.ToString());
    }

    [Fact]
    public void The_sub_agents_thread_is_a_sidechain_of_the_thread_that_ran_it()
    {
        var b = SampleFolder.Record(Results, B);
        Assert.True(b.IsSidechain);
        Assert.Equal(A, b.RootSessionId);
        Assert.Equal(B, b.AgentId);
        Assert.Equal(A, b.SourceMeta["parent_session_id"]);
        Assert.Equal(1L, b.SourceMeta["subagent_depth"]);
        Assert.Equal("AgentMessage Response ToolResult Response", SampleFolder.Kinds(b));
        Assert.Equal(new[] { "claude-haiku-4-5" }, b.Models);
        Assert.Equal(new TokenUsage(900, 40, 2100, 600), SampleFolder.Tokens(b));
        Assert.Equal("/home/dev/tally-app", b.Cwd);
    }

    [Fact]
    public void The_first_agents_thread_keeps_its_context_thinking_and_each_responses_usage()
    {
        var c = SampleFolder.Record(Results, C);
        Assert.Equal("Prompt Context Response ToolResult Response", SampleFolder.Kinds(c));
        Assert.Equal("Add CSV export", c.Title);
        Assert.Equal("/home/dev/tally-app", c.Cwd);
        Assert.Equal("main", c.GitBranch);
        Assert.Equal(new[] { "claude-3-7-sonnet" }, c.Models);
        Assert.StartsWith("<files>", c.Messages[1].Text);
        Assert.Equal("The report command needs a --csv flag.", c.Messages[2].ReasoningContent);
        Assert.Equal("""{"path": "tally-app/src/report.rs", "display_description": "Add --csv"}""", c.Messages[2].ToolCalls[0].Arguments);
        Assert.StartsWith("Edited tally-app/src/report.rs:\n\n```diff\n", c.Messages[3].Text);
        Assert.Equal(new TokenUsage(1500, 260, 0, 0), c.Messages[2].Usage);
        Assert.Equal(new TokenUsage(1800, 160, 0, 0), c.Messages[4].Usage);
        Assert.Equal("0.2.0", c.SourceMeta["thread_version"]);
        Assert.Equal("json", c.SourceMeta["data_type"]);
        Assert.Equal("Added a --csv flag to the report command.", c.SourceMeta["detailed_summary"]);
        Assert.Equal(DateTimeOffset.Parse("2025-06-18T15:40:02Z"), c.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2025-06-18T15:42:10Z"), c.EndedAt);
    }

    [Fact]
    public void The_oldest_shape_without_a_version_reads_its_plain_texts()
    {
        var d = SampleFolder.Record(Results, D);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(d));
        Assert.Equal("What does build.rs do?", d.Messages[0].Text);
        Assert.Equal("It embeds the git revision into the binary at compile time.", d.Messages[1].Text);
        Assert.Null(d.Cwd);
        Assert.Empty(d.Models);
    }
}
