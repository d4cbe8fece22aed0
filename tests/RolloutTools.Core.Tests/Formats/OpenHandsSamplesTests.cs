using System.Globalization;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.OpenHands;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Usage;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/openhands is laid out as ~/.openhands: conversations/&lt;id&gt;/ (a V1 CLI conversation), sessions/&lt;sid&gt;/
/// (a legacy server conversation with metadata.json) and trajectories/&lt;sid&gt;.json (a headless run's saved
/// trajectory); samples/openhands/README.md says what each shows.
/// </summary>
public sealed class OpenHandsSamplesTests
{
    private const string V1 = "3f2a9c1e7b5d4e0f8a6b2c4d1e9f7a35";
    private const string Legacy = "7d1c9e0a4b2f4c6e8a1b3d5f7e9c2a4b";
    private const string Subagent = "9a8b7c6d5e4f40318a2b1c0d9e8f7a6b";

    private static readonly Lazy<(IReadOnlyList<string> Files, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var found = TraceFileFinder.Find(SampleFolder.Root("openhands"), FormatRegistry.Default.All, new TraceSearch { Recurse = true }).Files;
        Assert.All(found, f => Assert.IsType<OpenHandsReader>(Assert.Single(f.Readers)));
        var files = found.Select(f => f.Path).ToArray();
        return (files, SampleFolder.Read(new OpenHandsReader(), files));
    });

    private static RolloutRecord Record(string id) => SampleFolder.Record(Run.Value.Results, id);

    private static RolloutRecord Trajectory() => Assert.Single(SampleFolder.Read(new OpenHandsReader(), new[] { SampleFolder.Root("openhands", "trajectories", "headless-5e8b1f2a.json") })).Record!;

    /// <summary>OpenHands writes datetime.now().isoformat(): local time without an offset.</summary>
    private static DateTimeOffset Local(string time) => new DateTimeOffset(DateTime.Parse(time, CultureInfo.InvariantCulture)).ToUniversalTime();

    [Fact]
    public void A_recursive_search_finds_one_file_per_conversation_and_passes_over_the_event_files_and_metadata()
    {
        Assert.Equal(new[]
        {
            SampleFolder.Root("openhands", "conversations", V1, "base_state.json"),
            SampleFolder.Root("openhands", "conversations", V1, "subagents", Subagent, "base_state.json"),
            SampleFolder.Root("openhands", "sessions", Legacy, "events", "0.json"),
        }, Run.Value.Files);
        Assert.Empty(Run.Value.Results.SelectMany(r => r.Diagnostics));
        var located = new OpenHandsReader().SessionsIn(Run.Value.Files[2]).Single();
        Assert.Equal(Legacy, located.Ids!.TraceId);
        Assert.Equal(17, located.DependsOn.Count);
        Assert.EndsWith("metadata.json", located.DependsOn[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void The_v1_conversation_groups_actions_by_response_and_pairs_observations_by_tool_call_id()
    {
        var record = Record(V1);
        Assert.Equal(
            "Context Prompt Context Response ToolResult Response ToolResult ToolResult Response ToolResult CompactionSummary Response ToolResult Response ToolResult Response Synthetic",
            SampleFolder.Kinds(record));
        Assert.Equal(MessageRole.System, record.Messages[0].Role);
        Assert.Equal("You are OpenHands agent, a helpful AI assistant that can interact with a computer to solve tasks.\n\nWorking directory: /home/dev/tally", record.Messages[0].Text);
        Assert.Equal("<EXTRA_INFO>Run the tests with: pytest -q</EXTRA_INFO>", record.Messages[2].Text);
        var first = record.Messages[3];
        Assert.Equal("I'll look at cli.py first.", first.Text);
        Assert.Equal("The user wants a verbose flag; I need to see how arguments are parsed.", first.ReasoningContent);
        Assert.Equal("resp-1", first.ResponseId);
        Assert.Equal("{\"command\": \"view\", \"path\": \"/home/dev/tally/cli.py\"}", Assert.Single(first.ToolCalls).Arguments);
        var both = record.Messages[5];
        Assert.Equal(new[] { "toolu_b1", "toolu_b2" }, both.ToolCalls.Select(c => c.Id));
        Assert.Equal("Two quick looks, in parallel.", both.ReasoningContent);
        Assert.Equal((0, "terminal"), (record.Messages[6].ExitCode, record.Messages[6].ToolName));
        Assert.Equal(("task", "All 5 tests pass."), (Assert.Single(record.Messages[8].ToolCalls).Name, record.Messages[9].Text));
        Assert.Equal("USER_CONTEXT: add --verbose to cli.py and run the tests. DONE: read cli.py (argparse, one positional 'path').", record.Messages[10].Text);
        var failed = record.Messages[14];
        Assert.True(failed.IsError);
        Assert.StartsWith("Tool 'browser' not found.", failed.Text, StringComparison.Ordinal);
        Assert.Equal("The edit is in place; the tests were listed but I could not run them.", record.Messages[15].ReasoningContent);
        Assert.Equal("LLMBadRequestError: The model refused the request: context length exceeded.", record.Messages[16].Text);
        Assert.Equal("/home/dev/tally", record.Cwd);
        Assert.Equal("Add a --verbose flag to cli.py that prints each word's count, then run the tests.", record.Title);
        Assert.Equal(Local("2025-10-02T10:00:00.12"), record.StartedAt);
        Assert.Equal(Local("2025-10-02T10:00:41"), record.EndedAt);
    }

    [Fact]
    public void The_v1_conversation_takes_each_response_s_tokens_from_base_state_and_the_condenser_s_call_unlisted()
    {
        var record = Record(V1);
        Assert.Equal(new TokenUsage(200, 120, 0, 4000), record.Messages[3].Usage);
        Assert.Equal(new TokenUsage(100, 150, 4000, 500), record.Messages[5].Usage);
        Assert.Equal("anthropic/claude-sonnet-4-5-20250929", record.Messages[5].Model);
        var condenser = Assert.Single(record.UnlistedResponses);
        Assert.Equal(("resp-c1", "openai/gpt-5-mini", new TokenUsage(3000, 200, 0, 0)), (condenser.ResponseId, condenser.Model, condenser.Usage));
        Assert.Equal(new[] { "anthropic/claude-sonnet-4-5-20250929", "openai/gpt-5-mini" }, record.Models);
        // Both LLMs' accumulated totals, which here are exactly what the calls add up to.
        Assert.Equal(new TokenUsage(4600, 770, 8800, 6400), SampleFolder.Tokens(record));
        Assert.Equal(0.043, record.SourceMeta["cost_usd"]);
        Assert.Equal("v1", record.SourceMeta["generation"]);
        Assert.Equal("3f2a9c1e-7b5d-4e0f-8a6b-2c4d1e9f7a35", record.SourceMeta["conversation_id"]);
        Assert.Equal("finished", record.SourceMeta["execution_status"]);
        Assert.Equal("per response", record.SourceMeta["usage_source"]);
        var kinds = (IReadOnlyDictionary<string, long>)record.SourceMeta["event_kinds"];
        Assert.Equal((1L, 1L, 1L, 6L), (kinds["PauseEvent"], kinds["ConversationStateUpdateEvent"], kinds["Condensation"], kinds["ActionEvent"]));
        Assert.Equal(19L, record.SourceMeta["event_files"]);
    }

    [Fact]
    public void A_v1_sub_agent_persisted_under_its_parent_is_a_sidechain_of_the_parent_conversation()
    {
        var record = Record($"{V1}:{Subagent}");
        Assert.Equal((V1, Subagent, true), (record.RootSessionId, record.AgentId, record.IsSidechain));
        Assert.Equal(new NamedIds($"{V1}:{Subagent}", Subagent), new OpenHandsReader().SessionsIn(Run.Value.Files[1]).Single().Ids);
        // The parent's task call sent the first message (sender: the parent agent).
        Assert.Equal("Context AgentMessage Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(new TokenUsage(600, 70, 1200, 1400), SampleFolder.Tokens(record));
        Assert.Equal("All 5 tests pass.", record.FinalAssistantMessage);
        Assert.False(Record(V1).IsSidechain);
    }

    [Fact]
    public void The_legacy_conversation_reads_its_metadata_its_responses_and_the_accumulated_totals_beyond_them()
    {
        var record = Record(Legacy);
        Assert.Equal("Context Prompt Context Response ToolResult Response ToolResult ToolResult CompactionSummary Response Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(("Fix count_words on empty input", "main", "/workspace/tally"), (record.Title, record.GitBranch, record.Cwd));
        Assert.StartsWith("Added workspace context\n\nTally is a tiny word counter.", record.Messages[2].Text, StringComparison.Ordinal);
        var run = record.Messages[3];
        Assert.Equal(("Let me reproduce it first.", "chatcmpl-a1", "claude-sonnet-4-20250514"), (run.Text, run.ResponseId, run.Model));
        Assert.Equal(new TokenUsage(100, 96, 4800, 300), run.Usage);
        Assert.Equal(("execute_bash", "toolu_01"), (run.ToolCalls[0].Name, run.ToolCalls[0].Id));
        Assert.Equal((1, true), (record.Messages[4].ExitCode, record.Messages[4].IsError));
        Assert.Equal(new[] { "toolu_02", "toolu_03" }, record.Messages[5].ToolCalls.Select(c => c.Id));
        Assert.Contains("\"old_str\": \"    first = words[0]\"", record.Messages[5].ToolCalls[1].Arguments, StringComparison.Ordinal);
        Assert.Null(record.Messages[9].Usage);
        Assert.Equal("claude-sonnet-4-20250514", record.Messages[9].Model);
        Assert.Equal(ContentBlockType.Image, record.Messages[10].Content[1].Type);
        Assert.Equal("finish", Assert.Single(record.Messages[11].ToolCalls).Name);
        // The last llm_metrics: the responses listed, the agent's last words (no model_response), and the condenser.
        Assert.Equal(new TokenUsage(4000, 460, 20900, 300), SampleFolder.Tokens(record));
        Assert.Equal("per response, and accumulated totals beyond them", record.SourceMeta["usage_source"]);
        Assert.Equal(0.0168, record.SourceMeta["cost_usd"]);
        Assert.Equal(("0.59.0", "CodeActAgent", "finished", "dev/tally"),
            (record.SourceMeta["openhands_version"], record.SourceMeta["agent_class"], record.SourceMeta["agent_state"], record.SourceMeta["selected_repository"]));
        var kinds = (IReadOnlyDictionary<string, long>)record.SourceMeta["event_kinds"];
        Assert.Equal((3L, 1L, 1L), (kinds["observation:agent_state_changed"], kinds["action:recall"], kinds["action:condensation"]));
    }

    [Fact]
    public void The_meter_counts_the_legacy_totals_once_the_responses_beyond_them_as_one_more()
    {
        var meter = new UsageMeter(new UsageOptions { GroupBy = new[] { UsageGroup.Session } });
        meter.Add(Record(Legacy));
        var row = Assert.Single(meter.Rows());
        Assert.Equal((4000L, 460L, 20900L, 300L), (row.InputTokens, row.OutputTokens, row.CacheReadTokens, row.CacheWriteTokens));
    }

    [Fact]
    public void A_saved_trajectory_is_read_with_the_format_named_and_keeps_delegation_thoughts_and_environment_errors()
    {
        var record = Trajectory();
        Assert.Equal("headless-5e8b1f2a", record.TraceId);
        Assert.Equal("Context Prompt Response ToolResult Response ToolResult Context Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal("{\"thought\": \"I need the date from the web; a browsing agent can fetch it.\"}", Assert.Single(record.Messages[2].ToolCalls).Arguments);
        Assert.Equal("", record.Messages[2].Text);
        Assert.Equal("delegate_to_browsing_agent", Assert.Single(record.Messages[4].ToolCalls).Name);
        Assert.Equal("BrowsingAgent finishes task with content: tally 1.0 was released on 2024-05-01.", record.Messages[5].Text);
        Assert.Equal("The delegate stopped early: browsing quota reached.", record.Messages[6].Text);
        Assert.Equal("CHANGELOG.md now dates 1.0 as 2024-05-01.", record.Messages[9].Text);
        Assert.Equal(new[] { "gpt-4o-2024-08-06" }, record.Models);
        Assert.Equal("/workspace", record.Cwd);
        Assert.Equal("trajectory", record.SourceMeta["generation"]);
        Assert.Equal(new TokenUsage(3800, 180, 6000, 0), SampleFolder.Tokens(record));
    }
}
