using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Codex;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/codex mirrors a CODEX_HOME with every rollout generation (samples/codex/README.md says which
/// Codex source each mirrors). Read as Get-AgentRollout reads the default locations, with CODEX_HOME there.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class CodexSamplesTests
{
    private static readonly Lazy<IReadOnlyList<ReadResult>> Results = new(() =>
    {
        var previous = Environment.GetEnvironmentVariable("CODEX_HOME");
        Environment.SetEnvironmentVariable("CODEX_HOME", SampleFolder.Root("codex"));
        try
        {
            var reader = new CodexReader();
            return SampleFolder.Read(reader, TraceFileFinder.FindInDefaultLocations(reader, filter: null));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CODEX_HOME", previous);
        }
    });

    private static RolloutRecord Record(string traceId) => SampleFolder.Record(Results.Value, traceId);

    [Fact]
    public void Every_generation_reads_without_errors_and_the_active_copy_wins()
    {
        Assert.DoesNotContain(Results.Value, r => r.Diagnostics.Count > 0);
        Assert.Equal(8, Results.Value.Count(r => r.Record is not null));
        var g2 = Assert.Single(Results.Value, r => r.Record?.TraceId == "019aa34c-c6e2-7d2f-8b66-8cfc48e6059d");
        Assert.Contains($"{Path.DirectorySeparatorChar}sessions{Path.DirectorySeparatorChar}", g2.Source.DisplayPath);
    }

    [Fact]
    public void Envelope_session_of_2025_with_compaction_abort_and_model_switch()
    {
        var g2 = Record("019aa34c-c6e2-7d2f-8b66-8cfc48e6059d");

        Assert.Equal(
            "Context Context Context Prompt Response ToolResult Response ToolResult Response ToolResult Response Prompt Response ToolResult Response " +
            "CompactionSummary Prompt Response Prompt Response",
            SampleFolder.Kinds(g2));
        Assert.Equal(new TokenUsage(18204, 3411, 57984, 0), SampleFolder.Tokens(g2));
        Assert.Equal(1568L, g2.SourceMeta["reasoning_output_tokens"]);
        Assert.Equal(new[] { "gpt-5.1-codex", "gpt-5.1-codex-mini" }, g2.Models);
        Assert.Equal(new[] { "medium", "low" }, (IEnumerable<string>)g2.SourceMeta["reasoning_efforts"]);
        Assert.Equal("Fix cent rounding", g2.Title);
        Assert.Equal("fix/rounding", g2.GitBranch);
        Assert.Equal("0.63.0", g2.SourceMeta["cli_version"]);
        Assert.Equal(1L, g2.SourceMeta["aborted_turns"]);
        Assert.Equal(1L, g2.SourceMeta["unanswered_tool_calls"]);
        Assert.Equal(DateTimeOffset.Parse("2025-11-20T22:05:09.218Z"), g2.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2025-11-20T22:10:52.240Z"), g2.EndedAt);
        Assert.Equal("apply_patch", g2.Messages[6].ToolCalls.Single().Name);
        Assert.All(g2.Messages.Where(m => m.Role == MessageRole.Tool && m.ToolName != "web_search"), m => Assert.Equal(0, m.ExitCode));
    }

    [Fact]
    public void Newest_session_reads_items_once_and_its_subagent_skips_the_copied_history()
    {
        var g3 = Record("019ccfad-d001-7921-871a-a0881e3e9483");
        Assert.Equal(
            "Context Context Context Prompt Response ToolResult Response ToolResult Response AgentMessage Response ToolResult Response",
            SampleFolder.Kinds(g3));
        Assert.Equal(new TokenUsage(18182, 1742, 61568, 0), SampleFolder.Tokens(g3));
        Assert.Equal("Split CSV importer", g3.Title);
        Assert.Equal(DateTimeOffset.Parse("2026-03-08T23:00:00.641Z"), g3.StartedAt);
        Assert.Equal(TimeSpan.FromTicks(831_000), g3.Messages[5].ToolDuration);
        Assert.StartsWith("The importer mixes", g3.Messages[4].ReasoningContent);

        var sub = Record("019ccfb2-61b7-7429-aa26-f59410d95df5");
        Assert.Equal("AgentMessage Response ToolResult Response", SampleFolder.Kinds(sub));
        Assert.True(sub.IsSidechain);
        Assert.Equal("019ccfad-d001-7921-871a-a0881e3e9483", sub.RootSessionId);
        Assert.Equal(sub.TraceId, sub.AgentId);
        Assert.Equal(new TokenUsage(3374, 862, 30336, 0), SampleFolder.Tokens(sub));
        Assert.Equal(10L, sub.SourceMeta["replayed_lines"]);
        Assert.Equal("Quartz", sub.SourceMeta["agent_nickname"]);
        Assert.Equal(new[] { "medium" }, (IEnumerable<string>)sub.SourceMeta["reasoning_efforts"]);
        Assert.Equal(DateTimeOffset.Parse("2026-03-08T23:05:00.087Z"), sub.StartedAt);
    }

    [Fact]
    public void Older_generations_read_too()
    {
        var g1 = Record("711430f6-164e-4380-bd93-428bc1fab80f");
        Assert.Equal("bare-jsonl", g1.SourceMeta["generation"]);
        Assert.Equal("Context Context Prompt Response ToolResult Response ToolResult Response Prompt Response ToolResult Response", SampleFolder.Kinds(g1));
        Assert.Equal("local_shell", g1.Messages[5].ToolCalls.Single().Name);
        Assert.Equal(1, g1.Messages[6].ExitCode);
        Assert.True(g1.Messages[6].IsError);
        Assert.Equal("/home/dev/ledger", g1.Cwd);

        var archived = Record("01999c6c-ce92-7192-8270-eca49c3f6393");
        Assert.Equal(new TokenUsage(5176, 237, 4736, 0), SampleFolder.Tokens(archived));
        Assert.Equal(@"C:\Users\dev\source\widgets", archived.Cwd);

        var ts = Record("6958e93c-9ebd-462c-9573-643b91f15bc8");
        Assert.Equal("typescript-json", ts.SourceMeta["generation"]);
        Assert.Equal("Context Prompt Response ToolResult Response ToolResult Response", SampleFolder.Kinds(ts));
        Assert.Equal(1, ts.Messages[3].ExitCode);

        var chat = Record("56b04fa5-785a-4bb1-90b9-30006e1f4882");
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(chat));
        Assert.NotNull(chat.Messages[1].ReasoningContent);
    }

    [Fact]
    public void Every_tool_message_answers_an_earlier_call_in_every_sample() =>
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Value.Select(r => r.Record).OfType<RolloutRecord>());
}

/// <summary>Tests that set process-wide environment variables never run in parallel with each other.</summary>
[CollectionDefinition(nameof(EnvironmentVariables), DisableParallelization = true)]
public sealed class EnvironmentVariables
{
}
