using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Continue;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/continue/global is a Continue global folder (CONTINUE_GLOBAL_DIR): sessions/ holds three sessions of
/// different versions and sessions.json (samples/continue/README.md says what each shows), found the way
/// Get-AgentRollout -Path samples/continue -Recurse finds them.
/// </summary>
public sealed class ContinueSamplesTests
{
    private const string Extension2024 = "0b6f1c52-7d1e-4c8a-9f3e-2a51c4d8e901";
    private const string Agent2025 = "5c9e2a7f-1b3d-4e6f-8a2c-7d4b9e1f3a62";
    private const string Cli = "a7d3e1b9-46c2-4f8e-b5a1-3c9d2e7f6b14";

    private static readonly Lazy<(IReadOnlyList<string> Files, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var found = TraceFileFinder.Find(SampleFolder.Root("continue"), FormatRegistry.Default.All, new TraceSearch { Recurse = true }).Files;
        Assert.All(found, f => Assert.IsType<ContinueReader>(Assert.Single(f.Readers)));
        var files = found.Select(f => f.Path).ToArray();
        return (files, SampleFolder.Read(new ContinueReader(), files));
    });

    private static RolloutRecord Record(string id) => SampleFolder.Record(Run.Value.Results, id);

    [Fact]
    public void A_recursive_search_finds_the_session_files_and_leaves_the_index_alone()
    {
        Assert.Equal(new[] { Extension2024, Agent2025, Cli }.Order(StringComparer.Ordinal), Run.Value.Files.Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal));
        Assert.Empty(Run.Value.Results.SelectMany(r => r.Diagnostics));
        Assert.All(Run.Value.Results, r => Assert.NotNull(r.Record));
    }

    [Fact]
    public void A_2024_extension_session_keeps_the_attached_file_apart_from_the_prompt_with_its_image()
    {
        var record = Record(Extension2024);
        Assert.Equal("Context Prompt Response", SampleFolder.Kinds(record));
        var context = record.Messages[0];
        Assert.Equal(MessageRole.User, context.Role);
        Assert.StartsWith("```src/config.ts\nexport function parseConfig", context.Text);
        var prompt = record.Messages[1];
        Assert.Equal("Why does parseConfig drop empty keys? The screenshot shows the output.", prompt.Text);
        var image = Assert.Single(prompt.Content, b => b.Type == ContentBlockType.Image);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal("gpt-4o", record.Messages[2].Model);
        Assert.Equal(new[] { "gpt-4o" }, record.Models);
        Assert.Equal("Why does parseConfig drop empty keys?", record.Title);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1718612345678), record.StartedAt);
        Assert.Null(record.EndedAt);
        Assert.Equal("/home/dev/tally-app", record.Cwd);
        Assert.Equal(1L, record.SourceMeta["context_items"]);
        Assert.Equal(0L, record.TotalTokens);
    }

    [Fact]
    public void An_agent_session_pairs_parallel_calls_with_their_tool_messages_and_answers_a_cancelled_call_from_its_state()
    {
        var record = Record(Agent2025);
        Assert.Equal("Prompt Response ToolResult ToolResult Response ToolResult ToolResult CompactionSummary Prompt Response", SampleFolder.Kinds(record));
        var first = record.Messages[1];
        Assert.Equal("I should look at the command first, and its tests.", first.ReasoningContent);
        Assert.Equal("I'll read the command and its test.", first.Text);
        Assert.Equal(new[] { "toolu_01A", "toolu_01B" }, first.ToolCalls.Select(c => c.Id));
        Assert.Equal("Claude Sonnet 4", first.Model);
        Assert.Equal(("toolu_01A", "read_file", false), (record.Messages[2].ToolCallId, record.Messages[2].ToolName, record.Messages[2].IsError));
        Assert.Equal(("toolu_01B", true), (record.Messages[3].ToolCallId, record.Messages[3].IsError));
        Assert.Equal("File test/report.test.ts does not exist", record.Messages[3].Text);

        // The redacted thinking opens the second response and leaves nothing readable in it.
        var second = record.Messages[4];
        Assert.Null(second.ReasoningContent);
        Assert.Equal(new[] { "edit_existing_file", "run_terminal_command" }, second.ToolCalls.Select(c => c.Name));
        Assert.Equal(("toolu_02B", true, "The user cancelled this tool call."), (record.Messages[5].ToolCallId, record.Messages[5].IsError, record.Messages[5].Text));
        Assert.Equal(("toolu_02A", false), (record.Messages[6].ToolCallId, record.Messages[6].IsError));
        Assert.StartsWith("The user asked for a --json flag", record.Messages[7].Text);

        // A <think> reply: the reasoning sits on the empty message put in place before streaming, the answer follows.
        var last = record.Messages[9];
        Assert.Equal("One line: what the flag does.", last.ReasoningContent);
        Assert.StartsWith("`report --json` prints", last.Text);
        Assert.Equal("DeepSeek R1", last.Model);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1748937726000), last.Timestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1748937726000), record.EndedAt);

        Assert.Equal(new[] { "Claude Sonnet 4", "DeepSeek R1" }, record.Models);
        Assert.Equal("agent", record.SourceMeta["mode"]);
        Assert.Equal("anthropic, ollama", record.SourceMeta["providers"]!.ToString());
        Assert.Equal(1L, record.SourceMeta["redacted_reasoning"]);
        Assert.Equal(1L, record.SourceMeta["results_from_tool_states"]);
        Assert.Equal(1L, record.SourceMeta["compaction_summaries"]);
        Assert.False(record.SourceMeta.ContainsKey("orphan_tool_results"));
        Assert.False(record.SourceMeta.ContainsKey("unanswered_tool_calls"));
    }

    [Fact]
    public void A_cli_session_answers_calls_from_their_states_and_states_usage_per_response()
    {
        var record = Record(Cli);
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal("/home/dev/tally-app", record.Cwd);
        Assert.Equal(("toolu_03", "Search"), (record.Messages[2].ToolCallId, record.Messages[2].ToolName));
        Assert.StartsWith("src/report.ts:12: // TODO: sort by count", record.Messages[2].Text);
        Assert.Equal(new TokenUsage(350, 40, 3000, 0), record.Messages[1].Usage);
        Assert.Equal(new TokenUsage(95, 25, 3000, 400), record.Messages[3].Usage);
        // The per-response counts add up to the session's running totals the CLI keeps beside them.
        Assert.Equal((445L, 65L, 6000L, 400L), (record.InputTokens, record.OutputTokens, record.CacheReadTokens, record.CacheWriteTokens));
        Assert.Equal(445L, record.SourceMeta["session_prompt_tokens"]);
        Assert.Equal(0.00521, record.SourceMeta["stated_cost_usd"]);
        Assert.Empty(record.Models);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1763030400000), record.StartedAt);
    }

    [Fact]
    public void The_default_location_is_the_sessions_folder_of_the_global_folder()
    {
        var reader = new ContinueReader();
        var sessions = SampleFolder.Root("continue", "global", "sessions");
        Assert.Equal(new[] { sessions }, reader.StoresIn(SampleFolder.Root("continue", "global")).Select(Path.GetFullPath));
        Assert.True(reader.IsSidecarFile(Path.Combine(sessions, "sessions.json")));
        Assert.False(reader.IsTraceFile(Path.Combine(sessions, "sessions.json")));
        Assert.True(reader.IsTraceFile(Path.Combine(sessions, Cli + ".json")));
    }
}
