using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.CursorIde;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/cursor-ide stands for Cursor's user folder: globalStorage/state.vscdb holds an agent chat whose bubbles are
/// rows of their own, an older chat with its bubbles inline, and a chat never written to; one workspace folder lists
/// the agent chat (samples/cursor-ide/make-state-db.py says what each shows).
/// </summary>
public sealed class CursorIdeSamplesTests
{
    private const string Agent = "6b0f3c1e-2a4d-4f7b-9c8e-1d2a3b4c5d6e";
    private const string Chat = "c41d9e7a-8b2f-4e1c-a6d3-5f7e9b0c2a14";
    private const string Empty = "e0a7b3d1-5c9f-4a2e-8d6b-3f1c7e9a0b25";

    private static readonly string Database = SampleFolder.Root("cursor-ide", "User", "globalStorage", "state.vscdb");

    private static readonly Lazy<(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var sessions = new CursorIdeReader().SessionsIn(Database);
        return (sessions, RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
    });

    private static IReadOnlyList<ReadResult> Results => Run.Value.Results;

    [Fact]
    public void Each_composer_is_a_reference_by_its_id_oldest_first_with_its_last_update()
    {
        var sessions = Run.Value.Sessions;
        Assert.Equal(new[] { Chat, Agent, Empty }, sessions.Select(s => s.Ids!.TraceId));
        Assert.Equal(DateTimeOffset.Parse("2026-10-14T09:13:01Z"), sessions[1].LastActivity);
        Assert.Equal(DateTimeOffset.Parse("2026-10-14T11:12:00Z"), sessions[2].LastActivity);
    }

    [Fact]
    public void The_chats_with_messages_read_without_diagnostics_and_the_empty_one_is_skipped()
    {
        Assert.Empty(Results.SelectMany(r => r.Diagnostics));
        Assert.Equal(new[] { Chat, Agent }, Results.Select(r => r.Record?.TraceId).OfType<string>());
        Assert.Equal($"session {Empty} holds no message yet", Assert.Single(Results, r => r.Record is null).SkipReason);
        Assert.All(Results.Select(r => r.Record).OfType<RolloutRecord>(), r => Assert.Equal(RolloutFormat.CursorIde, r.Format));
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Select(r => r.Record).OfType<RolloutRecord>());
    }

    [Fact]
    public void An_agent_chat_reads_its_bubble_rows_as_responses_with_their_calls_results_reasoning_and_usage()
    {
        var agent = SampleFolder.Record(Results, Agent);
        Assert.Equal("cursor_ide", agent.SourceKind);
        Assert.Equal("Prompt Response ToolResult ToolResult Response Prompt Response ToolResult ToolResult Response Response", SampleFolder.Kinds(agent));
        Assert.Equal("Fix flaky parse_date test", agent.Title);
        Assert.Equal("/home/dev/projects/date-utils", agent.Cwd);
        Assert.Equal(new[] { "claude-4.5-sonnet-thinking" }, agent.Models);
        Assert.Equal(DateTimeOffset.Parse("2026-10-14T09:12:00Z"), agent.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-10-14T09:13:01Z"), agent.EndedAt);

        var first = agent.Messages[1];
        Assert.StartsWith("CI runs in UTC", first.ReasoningContent);
        Assert.Equal("Let me read the test and run it the way CI does.", first.Text);
        Assert.Equal(new[] { "read_file", "run_terminal_cmd" }, first.ToolCalls.Select(c => c.Name));
        Assert.Equal("{\"target_file\": \"tests/test_dates.py\", \"should_read_entire_file\": true}", first.ToolCalls[0].Arguments);
        Assert.Null(first.Usage);
        Assert.Equal("toolu_01Bw", agent.Messages[3].ToolCallId);
        Assert.Contains("1 failed in 0.12s", agent.Messages[3].Text);
        Assert.Equal(new TokenUsage(18234, 412, 0, 0), agent.Messages[4].Usage);
        Assert.Equal(DateTimeOffset.Parse("2026-10-14T09:12:40Z"), agent.Messages[5].Timestamp);

        Assert.Equal(new[] { "search_replace", "run_terminal_cmd" }, agent.Messages[6].ToolCalls.Select(c => c.Name));
        Assert.True(agent.Messages[8].IsError == true);
        // The push the person rejected ends its response: the answer after it is one of its own.
        var rejected = agent.Messages[9];
        Assert.StartsWith("The edit needed", rejected.Text);
        Assert.Equal("git push origin fix/parse-date-tz", System.Text.Json.JsonDocument.Parse(Assert.Single(rejected.ToolCalls).Arguments).RootElement.GetProperty("command").GetString());
        Assert.Equal(new TokenUsage(20411, 233, 0, 0), rejected.Usage);
        var last = agent.Messages[10];
        Assert.StartsWith("I left the push to you.", last.Text);
        Assert.Equal(new TokenUsage(20702, 61, 0, 0), last.Usage);
        Assert.Equal(18234 + 20411 + 20702, agent.InputTokens);

        Assert.Equal(1L, agent.SourceMeta["unanswered_tool_calls"]);
        Assert.Equal(1L, agent.SourceMeta["empty_bubbles"]);
        Assert.Equal(1L, agent.SourceMeta["code_blocks"]);
        Assert.Equal(11L, agent.SourceMeta["bubbles"]);
        Assert.Equal("workspace_storage", agent.SourceMeta["cwd_source"]);
        Assert.Equal("3f9a1c5e7b2d4f6a8c0e1b3d5f7a9c2e", agent.SourceMeta["workspace_storage"]);
        Assert.Equal("agent", agent.SourceMeta["unified_mode"]);
        Assert.Equal("bubbles", agent.SourceMeta["storage"]);
        Assert.Equal("cancelled: 1, completed: 3, error: 1", agent.SourceMeta["tool_statuses"].ToString());
    }

    [Fact]
    public void An_older_chat_reads_its_inline_conversation_titled_by_its_first_prompt_without_a_model_or_folder()
    {
        var chat = SampleFolder.Record(Results, Chat);
        Assert.Equal("Prompt Response Prompt Response", SampleFolder.Kinds(chat));
        Assert.Equal("How do I make this regex match across lines in Python?", chat.Title);
        Assert.Equal("first_prompt", chat.SourceMeta["title_source"]);
        Assert.Equal("inline", chat.SourceMeta["storage"]);
        Assert.Equal("default", chat.SourceMeta["model_config"]);
        Assert.Empty(chat.Models);
        Assert.Null(chat.Cwd);
        Assert.All(chat.Messages, m => Assert.Null(m.Timestamp));
        Assert.Contains("re.DOTALL", chat.Messages[1].Text);
    }
}
