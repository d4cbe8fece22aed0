using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.FactoryDroid;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/factory-droid is a Factory home: sessions/ holds a workspace folder with a session, the session it delegated
/// to (each with its settings file) and an older session directly in sessions/ without one (samples/factory-droid/README.md
/// says what each shows). Read as the default location, with DROID_SESSIONS_DIR naming sessions/.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class DroidSamplesTests
{
    private const string Main = "7c1e4b2a-5d3f-4e8a-9b6c-2f0d1a3e5b71";
    private const string Worker = "e3a90f6d-1b2c-4d5e-8f70-9a1b2c3d4e5f";
    private const string Older = "0b5d2e71-8c4a-4f19-a6d3-5e7f9012c4b8";

    private static readonly Lazy<(IReadOnlyList<string> Files, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var previous = Environment.GetEnvironmentVariable(DroidReader.SessionsVariable);
        Environment.SetEnvironmentVariable(DroidReader.SessionsVariable, SampleFolder.Root("factory-droid", "sessions"));
        try
        {
            var sessions = SessionLocator.InDefaultLocations(new DroidReader(), new TraceSearch()).Sessions;
            return (sessions.Select(s => s.Source.Path).ToArray(), RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
        }
        finally
        {
            Environment.SetEnvironmentVariable(DroidReader.SessionsVariable, previous);
        }
    });

    private static RolloutRecord Record(string id) => SampleFolder.Record(Run.Value.Results, id);

    [Fact]
    public void A_search_finds_each_session_file_and_never_a_settings_file()
    {
        var names = Run.Value.Files.Select(f => Path.GetRelativePath(SampleFolder.Root("factory-droid", "sessions"), f).Replace('\\', '/')).ToArray();
        Assert.Equal(new[]
        {
            $"-home-dev-acme-shop/{Main}.jsonl",
            $"-home-dev-acme-shop/{Worker}.jsonl",
            $"{Older}.jsonl",
        }, names.Order(StringComparer.Ordinal));
        Assert.Empty(Run.Value.Results.SelectMany(r => r.Diagnostics));
        Assert.Equal(3, Run.Value.Results.Count(r => r.Record is not null));
        SampleFolder.AssertToolMessagesAnswerCalls(Run.Value.Results.Select(r => r.Record).OfType<RolloutRecord>());
    }

    [Fact]
    public void The_main_session_keeps_harness_context_apart_from_prompts_pairs_every_call_and_places_the_compaction_summary()
    {
        var record = Record(Main);
        Assert.Equal("Context Prompt Response ToolResult Response ToolResult Response ToolResult ToolResult Response ToolResult CompactionSummary Context Prompt Response ToolResult Response Synthetic",
            SampleFolder.Kinds(record));
        Assert.Equal(2, record.Messages[0].Content.Count);
        Assert.StartsWith("<system-reminder>", record.Messages[0].Text);
        Assert.Equal(ContentBlockType.Image, record.Messages[1].Content[1].Type);
        Assert.Equal("image/png", record.Messages[1].Content[1].MediaType);
        Assert.Equal("Run the cart tests first to see the exact assertion.", record.Messages[2].ReasoningContent);
        Assert.Equal("Execute", record.Messages[2].ToolCalls.Single().Name);
        Assert.Contains("\"riskLevel\":\"low\"", record.Messages[2].ToolCalls.Single().Arguments);
        Assert.True(record.Messages[3].IsError);
        Assert.Equal("Execute", record.Messages[3].ToolName);
        Assert.Equal(new[] { "Read", "Edit" }, record.Messages[6].ToolCalls.Select(c => c.Name));
        Assert.StartsWith("export function total", record.Messages[7].Text);
        Assert.StartsWith("The cart total test failed on float rounding", record.Messages[11].Text);
        Assert.Equal("Fix applyDiscount the same way and run the whole suite.", record.Messages[13].Text);
        Assert.Equal(MessageRole.User, record.Messages[^1].Role);
    }

    [Fact]
    public void The_main_session_takes_its_generated_title_cwd_times_model_and_the_settings_files_own_totals()
    {
        var record = Record(Main);
        Assert.Equal("Fix Cart Total Rounding Test", record.Title);
        Assert.Equal("/home/dev/acme-shop", record.Cwd);
        Assert.Equal(Main, record.RootSessionId);
        Assert.False(record.IsSidechain);
        Assert.Equal(new[] { "claude-sonnet-4-5-20250929" }, record.Models);
        Assert.Equal(DateTimeOffset.Parse("2026-10-14T09:12:00Z"), record.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-10-14T09:14:50.290Z"), record.EndedAt);
        // tokenUsage is the session's own; inclusiveTokenUsage, with the worker's, is kept apart.
        Assert.Equal(new TokenUsage(18250, 2140, 84200, 9600), SampleFolder.Tokens(record));
        Assert.Equal(610L, record.SourceMeta["thinking_tokens"]);
        Assert.Equal(18250L + 2140 + 84200 + 9600 + 3100 + 420 + 5200, record.SourceMeta["inclusive_total_tokens"]);
        Assert.Equal(95.21, record.SourceMeta["assistant_active_seconds"]);
        Assert.Equal("anthropic", record.SourceMeta["provider_lock"]);
        Assert.Equal(1L, record.SourceMeta["todo_states"]);
        Assert.Equal(1L, record.SourceMeta["compactions"]);
        Assert.Equal(9L, record.SourceMeta["compacted_messages"]);
        Assert.Equal(2L, record.SourceMeta["context_messages"]);
        Assert.Equal(1L, record.SourceMeta["notices"]);
    }

    [Fact]
    public void The_delegated_session_is_its_parents_sidechain_with_the_task_as_an_agent_message_and_chat_completion_reasoning()
    {
        var record = Record(Worker);
        Assert.Equal("AgentMessage Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.True(record.IsSidechain);
        Assert.Equal(Main, record.RootSessionId);
        Assert.Equal(Worker, record.AgentId);
        Assert.Equal("toolu_05Task", record.SourceMeta["parent_tool_use_id"]);
        Assert.Equal("Grep for multiplications by (1 + rate) or (1 - rate) under src.", record.Messages[1].ReasoningContent);
        Assert.Equal(new[] { "custom:GPT-5-Codex-[OpenAI-BYOK]-0" }, record.Models);
        Assert.Equal(new TokenUsage(3100, 420, 5200, 0), SampleFolder.Tokens(record));
    }

    [Fact]
    public void An_older_session_without_settings_reads_its_string_content_and_states_no_tokens()
    {
        var record = Record(Older);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("Explain the checkout flow", record.Title);
        Assert.Equal(0, record.TotalTokens);
        Assert.Equal(true, record.SourceMeta["no_settings_file"]);
        Assert.Empty(record.Models);
    }
}
