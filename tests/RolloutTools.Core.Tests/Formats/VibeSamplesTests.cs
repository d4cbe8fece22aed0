using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.MistralVibe;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/vibe is a VIBE_HOME: logs/session holds a session with a subagent, the session a compaction continued it in,
/// a legacy file of Vibe 1.x and a legacy file Vibe 2.0 moved into its folder without deleting it
/// (samples/vibe/README.md says what each shows). Read as the default location, with VIBE_HOME naming the folder.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class VibeSamplesTests
{
    private const string Main = "3f9a2c1e-7b4d-4e21-9c0a-5d6e7f8a9b01";
    private const string Continued = "c47e9b02-1a3f-4b5c-8d9e-5d6e7f8a9b01";
    private const string Subagent = "8b1d4e70-2c3d-4e5f-a6b7-c8d9e0f1a2b3";

    private static readonly Lazy<(IReadOnlyList<string> Files, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var previous = Environment.GetEnvironmentVariable(VibeReader.HomeVariable);
        Environment.SetEnvironmentVariable(VibeReader.HomeVariable, SampleFolder.Root("vibe"));
        try
        {
            var sessions = SessionLocator.InDefaultLocations(new VibeReader(), new TraceSearch()).Sessions;
            return (sessions.Select(s => s.Source.Path).ToArray(), RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
        }
        finally
        {
            Environment.SetEnvironmentVariable(VibeReader.HomeVariable, previous);
        }
    });

    private static RolloutRecord Record(string id) => SampleFolder.Record(Run.Value.Results, id);

    [Fact]
    public void A_search_finds_each_messages_file_and_legacy_file_and_reads_a_moved_legacy_file_once()
    {
        var names = Run.Value.Files.Select(f => Path.GetRelativePath(SampleFolder.Root("vibe", "logs", "session"), f).Replace('\\', '/')).ToArray();
        Assert.Equal(new[]
        {
            "session_20251201_140000_a1b2c3d4.json",
            "session_20251202_080000_e5f6a7b8.json",
            "session_20251202_080000_e5f6a7b8/messages.jsonl",
            "session_20260310_091500_3f9a2c1e/agents/explore_20260310_091612_8b1d4e70/messages.jsonl",
            "session_20260310_091500_3f9a2c1e/messages.jsonl",
            "session_20260310_092630_c47e9b02/messages.jsonl",
        }, names);
        Assert.Empty(Run.Value.Results.SelectMany(r => r.Diagnostics));
        var skipped = Assert.Single(Run.Value.Results, r => r.Record is null);
        Assert.EndsWith("session_20251202_080000_e5f6a7b8.json", skipped.Source.Path);
        Assert.Contains("Vibe 2.0 moved it there", skipped.SkipReason);
        Assert.Equal(5, Run.Value.Results.Count(r => r.Record is not null));
        SampleFolder.AssertToolMessagesAnswerCalls(Run.Value.Results.Select(r => r.Record).OfType<RolloutRecord>());
    }

    [Fact]
    public void The_main_session_has_its_image_prompt_reasoning_calls_results_an_injected_plan_update_and_the_stated_totals()
    {
        var record = Record(Main);
        Assert.Equal("Prompt Response ToolResult Response ToolResult ToolResult Response ToolResult Response ToolResult Context Response Prompt Response ToolResult Response",
            SampleFolder.Kinds(record));
        Assert.Equal(ContentBlockType.Image, record.Messages[0].Content[1].Type);
        Assert.Equal("/home/dev/projects/weather-cli/docs/crash.png", record.Messages[0].Content[1].Url);
        Assert.StartsWith("The traceback points", record.Messages[1].ReasoningContent);
        Assert.Equal(new[] { "read", "task" }, record.Messages[3].ToolCalls.Select(c => c.Name));
        Assert.True(record.Messages[7].IsError);
        Assert.False(record.Messages[9].IsError);
        Assert.StartsWith("<vibe_warning>The user has manually updated the plan file.", record.Messages[10].Text);
        Assert.Equal("Also run the tests.", record.Messages[12].Text);
        Assert.Equal(new TokenUsage(48210, 2315, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(new[] { "mistral-vibe-cli-latest" }, record.Models);
        Assert.Equal(("/home/dev/projects/weather-cli", "fix/hourly-forecast", "Fix crash on missing hourly data"), (record.Cwd, record.GitBranch, record.Title));
        Assert.Equal(TimeSpan.FromSeconds(406.705655), record.Duration);
        Assert.Equal(0.0896775, (double)record.SourceMeta["estimated_cost_usd"], 9);
        Assert.Equal(1L, record.SourceMeta["injected_messages"]);
        Assert.Equal(1L, record.SourceMeta["display_content_messages"]);
    }

    [Fact]
    public void The_subagent_is_a_sidechain_its_task_an_agent_message_linked_to_the_call_that_started_it()
    {
        var record = Record(Subagent);
        Assert.True(record.IsSidechain);
        Assert.Equal((Subagent, Main), (record.AgentId, record.RootSessionId));
        Assert.Equal("AgentMessage Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal("call_task01", record.SourceMeta["parent_tool_use_id"]);
        Assert.Equal("explore", record.SourceMeta["agent_profile"]);
        Assert.Equal("List every place in src/ that indexes the API payload without checking the key exists.", record.Title);
        Assert.Equal(new TokenUsage(6100, 420, 0, 0), SampleFolder.Tokens(record));
    }

    [Fact]
    public void The_session_a_compaction_continued_counts_only_the_tokens_it_added_and_opens_with_the_summary()
    {
        var record = Record(Continued);
        Assert.Equal("CompactionSummary Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(new TokenUsage(24000, 1400, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(0.0465, (double)record.SourceMeta["estimated_cost_usd"], 9);
        Assert.Equal(Main, record.SourceMeta["parent_session_id"]);
        Assert.Equal("Now guard the alerts the same way.", record.Title);
    }

    [Fact]
    public void The_legacy_file_and_the_moved_one_read_as_vibe_1_wrote_them_system_prompt_first_and_local_times()
    {
        var legacy = Record("a1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
        Assert.Equal("Context Prompt Response ToolResult Response", SampleFolder.Kinds(legacy));
        Assert.Equal("legacy_json", legacy.SourceMeta["store"]);
        Assert.Equal(new DateTimeOffset(new DateTime(2025, 12, 1, 14, 0, 3, 512, DateTimeKind.Local).AddTicks(3450)), legacy.StartedAt);
        Assert.Equal(new TokenUsage(3050, 140, 0, 0), SampleFolder.Tokens(legacy));

        var moved = Record("e5f6a7b8-9c0d-4e1f-a2b3-c4d5e6f7a8b9");
        Assert.Equal("Context Prompt Response ToolResult Response", SampleFolder.Kinds(moved));
        Assert.Equal("session_folder", moved.SourceMeta["store"]);
        Assert.Equal("search_replace", moved.Messages[2].ToolCalls[0].Name);
    }
}
