using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.DevinCli;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/devin stands for Devin CLI's data folder: cli/sessions.db holds two sessions and one sub-agent chain
/// (samples/devin/README.md says what each shows).
/// </summary>
public sealed class DevinCliSamplesTests
{
    private const string A = "quiet-harbor";
    private const string B = "amber-falcon";
    private const string Sub = "quiet-harbor:explore-1";

    private static readonly string Database = SampleFolder.Root("devin", "cli", "sessions.db");

    private static readonly Lazy<(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var sessions = new DevinCliReader().SessionsIn(Database);
        return (sessions, RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
    });

    private static IReadOnlyList<ReadResult> Results => Run.Value.Results;

    [Fact]
    public void Each_session_row_and_each_sub_agent_head_is_a_reference_with_its_last_activity_oldest_first()
    {
        var sessions = Run.Value.Sessions;
        Assert.Equal(new[] { B, A, Sub }, sessions.Select(s => s.Ids!.TraceId));
        Assert.All(sessions, s => Assert.Equal(Database, s.Source.Path));
        Assert.Equal(DateTimeOffset.Parse("2026-07-29T08:01:38Z"), sessions[1].LastActivity);
        Assert.Equal(DateTimeOffset.Parse("2026-07-29T08:00:50Z"), sessions[2].LastActivity);
    }

    [Fact]
    public void Every_conversation_reads_without_diagnostics()
    {
        Assert.Empty(Results.SelectMany(r => r.Diagnostics));
        Assert.Equal(new[] { B, A, Sub }, Results.Select(r => r.Record!.TraceId));
        Assert.All(Results, r => Assert.Equal(RolloutFormat.DevinCli, r.Record!.Format));
        Assert.All(Results, r => Assert.Equal("devin_cli", r.Record!.SourceKind));
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Select(r => r.Record!));
    }

    [Fact]
    public void The_main_chain_is_read_from_its_root_with_the_conversation_a_compaction_summarized_before_it()
    {
        var a = SampleFolder.Record(Results, A);
        Assert.Equal("Context Context Prompt Response ToolResult Response ToolResult ToolResult Response ToolResult Prompt Response "
            + "CompactionSummary Prompt Response ToolResult Response", SampleFolder.Kinds(a));
        Assert.Equal("Add --dry-run to sync", a.Title);
        Assert.Equal("/home/dev/ledger-cli", a.Cwd);
        Assert.Equal(A, a.RootSessionId);
        Assert.False(a.IsSidechain);
        Assert.Null(a.AgentId);
        Assert.Equal(new[] { "swe-1.5" }, a.Models);
        Assert.Equal(DateTimeOffset.Parse("2026-07-29T08:00:00Z"), a.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-07-29T08:01:38Z"), a.EndedAt);
        // The retried response beside the one kept, and the compaction's summarizer thread, are off the chain.
        Assert.DoesNotContain(a.Messages, m => m.Text.Contains("ABANDONED", StringComparison.Ordinal) || m.Text.Contains("<summary>", StringComparison.Ordinal));
        Assert.StartsWith("You are continuing work from a previous conversation thread.", a.Messages[12].Text);
        Assert.Equal(MessageRole.System, a.Messages[12].Role);
    }

    [Fact]
    public void Calls_pair_with_their_results_and_a_failed_command_keeps_its_exit_code_and_duration()
    {
        var a = SampleFolder.Record(Results, A);
        var first = a.Messages[3];
        Assert.Equal("Let me look at the sync command first.", first.Text);
        Assert.Equal("The flag belongs in the clap struct; read sync.rs.", first.ReasoningContent);
        var read = Assert.Single(first.ToolCalls);
        Assert.Equal(("read_0#1", "read", """{"file_path": "/home/dev/ledger-cli/src/sync.rs"}"""), (read.Id, read.Name, read.Arguments));
        Assert.Equal("read", a.Messages[4].ToolName);
        Assert.Equal(TimeSpan.FromMilliseconds(120), a.Messages[4].ToolDuration);

        var second = a.Messages[5];
        Assert.Equal(new[] { "edit", "exec" }, second.ToolCalls.Select(c => c.Name));
        Assert.NotEqual(true, a.Messages[6].IsError);
        var exec = a.Messages[7];
        Assert.Equal("exec_1#2", exec.ToolCallId);
        Assert.Equal(true, exec.IsError);
        Assert.Equal(101, exec.ExitCode);
        Assert.Equal(TimeSpan.FromSeconds(8.8), exec.ToolDuration);
        Assert.Equal("SyncArgs is defined in src/cli.rs at line 40.", a.Messages[9].Text);
    }

    [Fact]
    public void A_prompt_keeps_its_image_and_system_rows_are_context()
    {
        var a = SampleFolder.Record(Results, A);
        Assert.Equal(MessageRole.System, a.Messages[0].Role);
        Assert.StartsWith("You are Devin", a.Messages[0].Text);
        Assert.StartsWith("<system_info>", a.Messages[1].Text);
        var image = a.Messages[10];
        Assert.Equal("This is the error I saw earlier:", image.Text);
        Assert.Equal(ContentBlockType.Image, image.Content[1].Type);
        Assert.StartsWith("iVBORw0KGgo", image.Content[1].Data);
    }

    [Fact]
    public void Usage_is_each_responses_metrics_once_though_the_rebuilt_chain_copies_a_response()
    {
        var a = SampleFolder.Record(Results, A);
        var listed = a.Messages.Select(m => m.Usage).OfType<TokenUsage>().Aggregate(default(TokenUsage), (t, u) => t + u);
        Assert.Equal(new TokenUsage(4390, 410, 47200, 400), listed);
        // Off the conversation, billed all the same: the retried response and the compaction's summarizer, at their own
        // times; the sub-agent's responses are its own record's.
        Assert.Equal(new[] { ("req-a-r2-retried", DateTimeOffset.Parse("2026-07-29T08:00:18Z"), new TokenUsage(300, 20, 10200, 0)),
                ("req-c-r1", DateTimeOffset.Parse("2026-07-29T08:01:15Z"), new TokenUsage(3000, 90, 0, 0)) },
            a.UnlistedResponses.Select(u => (u.ResponseId!, u.Timestamp!.Value, u.Usage)));
        Assert.Equal(2L, a.SourceMeta["off_chain_responses"]);
        Assert.Equal(new TokenUsage(7690, 520, 57400, 400), SampleFolder.Tokens(a));
        Assert.Equal(new TokenUsage(1200, 80, 9000, 400), a.Messages[3].Usage);
        Assert.Equal("req-a-r1", a.Messages[3].ResponseId);
        // The system prompt and the last answer, each copied onto the chain the compaction rebuilt.
        Assert.Equal(2L, a.SourceMeta["copied_messages"]);
        Assert.Equal(1L, a.SourceMeta["compactions"]);
    }

    [Fact]
    public void The_session_row_says_what_devin_recorded_beside_the_conversation()
    {
        var a = SampleFolder.Record(Results, A);
        Assert.Equal("windsurf", a.SourceMeta["backend_type"]);
        Assert.Equal("accept-edits", a.SourceMeta["agent_mode"]);
        Assert.Equal(17L, a.SourceMeta["schema_version"]);
        Assert.Equal(56L, a.SourceMeta["head_node"]);
        Assert.Equal(12.5, a.SourceMeta["total_credit_cost"]);
        Assert.Equal(0.8, a.SourceMeta["total_acu_cost"]);
        Assert.Equal("/home/dev/ledger-docs", a.SourceMeta["workspace_dirs"]?.ToString());
        Assert.Equal(Sub, a.SourceMeta["child_session_ids"]?.ToString());
    }

    [Fact]
    public void A_sub_agents_chain_is_a_sidechain_of_its_session_opened_by_the_leads_brief()
    {
        var sub = SampleFolder.Record(Results, Sub);
        Assert.Equal("Context AgentMessage Response ToolResult Response", SampleFolder.Kinds(sub));
        Assert.True(sub.IsSidechain);
        Assert.Equal(A, sub.RootSessionId);
        Assert.Equal("explore-1", sub.AgentId);
        Assert.Equal("Find where SyncArgs is defined", sub.Title);
        Assert.Equal(new[] { "swe-1.5-lite" }, sub.Models);
        Assert.Equal(new TokenUsage(850, 55, 4400, 0), SampleFolder.Tokens(sub));
        Assert.Equal(A, sub.SourceMeta["parent_session_id"]);
        Assert.Equal(DateTimeOffset.Parse("2026-07-29T08:00:34Z"), sub.StartedAt);
    }

    [Fact]
    public void A_hidden_session_without_a_main_chain_or_a_session_model_reads_to_its_newest_node()
    {
        var b = SampleFolder.Record(Results, B);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(b));
        Assert.Equal("What does the --verbose flag of ledger do?", b.Title);
        Assert.Equal(new[] { "claude-sonnet-4-5" }, b.Models);
        Assert.Equal(new TokenUsage(2100, 45, 0, 1800), SampleFolder.Tokens(b));
        Assert.Equal(true, b.SourceMeta["hidden"]);
        Assert.Equal(true, b.SourceMeta["main_chain_fallback"]);
    }
}
