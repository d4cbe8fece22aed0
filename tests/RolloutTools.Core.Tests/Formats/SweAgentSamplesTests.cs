using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.SweAgent;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/sweagent holds one trajectory of each shape (samples/sweagent/README.md): SWE-agent 1.1 with function
/// calling and 0.7 with thought/action, mini-swe-agent 2.x (mini-swe-agent-1.1), 1.x (mini-swe-agent-1, the last run
/// in a config folder) and the first versions' bare list. Found the way Get-AgentRollout -Path samples/sweagent
/// -Recurse finds them.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class SweAgentSamplesTests
{
    private static readonly Lazy<IReadOnlyList<ReadResult>> Run = new(() =>
    {
        var found = TraceFileFinder.Find(SampleFolder.Root("sweagent"), FormatRegistry.Default.All, new TraceSearch { Recurse = true }).Files;
        Assert.All(found, f => Assert.IsType<SweAgentReader>(Assert.Single(f.Readers)));
        return SampleFolder.Read(new SweAgentReader(), found.Select(f => f.Path).ToArray());
    });

    private static RolloutRecord[] Records => Run.Value.Select(r => r.Record).OfType<RolloutRecord>().ToArray();

    private static RolloutRecord ByFile(string name) => Records.Single(r => Path.GetFileName(r.SourcePath) == name);

    private static string Kinds(RolloutRecord record) => string.Join(" ", record.Messages.Select(m => $"{m.Role}/{m.Kind}"));

    [Fact]
    public void A_recursive_search_finds_every_trajectory_by_name_and_reads_it_without_a_problem()
    {
        Assert.Empty(Run.Value.SelectMany(r => r.Diagnostics));
        Assert.Equal(new[] { "acme__tally-12.traj", "acme__tally-3.traj.json", "acme__tally-7.traj", "acme__tally-7.traj.json", "last_mini_run.traj.json" },
            Records.Select(r => Path.GetFileName(r.SourcePath!)).Order(StringComparer.Ordinal));
        Assert.Equal(5, Records.Select(r => r.TraceId).Distinct().Count());
        SampleFolder.AssertToolMessagesAnswerCalls(Records);
    }

    [Fact]
    public void Swe_agent_1_with_function_calling()
    {
        var record = ByFile("acme__tally-7.traj");
        Assert.Equal("swe_agent", record.SourceKind);
        // The answer SWE-agent asked again for is listed, without a call, with the format error it got.
        Assert.Equal("System/Context User/Prompt Assistant/Response Tool/ToolResult Assistant/Response Tool/ToolResult Assistant/Response User/Synthetic Assistant/Response Tool/ToolResult Assistant/Response Tool/ToolResult", Kinds(record));
        Assert.Equal(("Let me run the tests now.", 0), (record.Messages[6].Text, record.Messages[6].ToolCalls.Count));
        Assert.StartsWith("Your last output did not use any tool calls!", record.Messages[7].Text, StringComparison.Ordinal);
        Assert.Equal(new[] { "str_replace_editor", "str_replace_editor", "bash", "submit" }, record.Messages.SelectMany(m => m.ToolCalls).Select(c => c.Name));
        Assert.Equal("The PR is about punctuation in word counts; find where words are split.", record.Messages[2].ReasoningContent);
        Assert.Equal(new double?[] { 0.31, 0.12, 1.87, 0.42 }, record.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.ToolDuration?.TotalSeconds));
        Assert.StartsWith("<uploaded_files>", record.Messages[1].Text, StringComparison.Ordinal);
        Assert.Equal(("acme__tally-7", "/testbed", null), (record.Title, record.Cwd, record.StartedAt));
        Assert.Equal(new[] { "claude-sonnet-4-20250514" }, record.Models);
        Assert.Equal(new TokenUsage(18342, 612, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(("submitted", 0.0731, 5L, 1L, "1.1.0"),
            (record.SourceMeta["exit_status"], record.SourceMeta["cost_usd"], record.SourceMeta["api_calls"], record.SourceMeta["requeried_steps"], record.SourceMeta["swe_agent_version"]));
        Assert.StartsWith("diff --git a/tally/words.py", (string)record.SourceMeta["submission"], StringComparison.Ordinal);
    }

    [Fact]
    public void Swe_agent_0_7_with_thought_action_and_a_demonstration()
    {
        var record = ByFile("acme__tally-12.traj");
        Assert.Equal("System/Context User/Context User/Prompt Assistant/Response Tool/ToolResult Assistant/Response Tool/ToolResult Assistant/Response Assistant/Response Tool/ToolResult Assistant/Response Tool/ToolResult", Kinds(record));
        Assert.Empty(record.Messages[7].ToolCalls);
        Assert.StartsWith("Here is a demonstration", record.Messages[1].Text, StringComparison.Ordinal);
        var calls = record.Messages.SelectMany(m => m.ToolCalls).ToArray();
        Assert.Equal(new[] { "bash" }, calls.Select(c => c.Name).Distinct());
        Assert.Equal("{\"command\":\"edit 14:15\\n    if args.top is not None and args.top > 0:\\n        rows = rows[: args.top]\\n    elif args.top == 0:\\n        rows = []\\nend_of_edit\"}", calls[2].Arguments);
        Assert.Equal("First, let's find where the --top option is handled.", record.Messages[3].Text);
        Assert.Equal(("acme__tally-12", "/acme__tally"), (record.Title, record.Cwd));
        Assert.Empty(record.Models);
        Assert.Equal(new TokenUsage(19843, 371, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal((0.2105, "swe_main", 1L, 1L), (record.SourceMeta["cost_usd"], record.SourceMeta["environment"], record.SourceMeta["demonstration_messages"], record.SourceMeta["requeried_steps"]));
    }

    [Fact]
    public void Mini_2_with_tool_calls_a_format_error_and_a_submission()
    {
        var record = ByFile("acme__tally-7.traj.json");
        Assert.Equal("mini_swe_agent", record.SourceKind);
        Assert.Equal("System/Context User/Prompt Assistant/Response Tool/ToolResult Assistant/Response User/Synthetic Assistant/Response Tool/ToolResult Tool/ToolResult Assistant/Response Tool/ToolResult Assistant/Response", Kinds(record));
        var responses = record.Messages.Where(m => m.Kind == MessageKind.Response).ToArray();
        Assert.Equal(new[] { 0.000529m, 0.000371m, 0.000702m, 0.000402m, 0.000188m }, responses.Select(m => m.CostUsd!.Value));
        // The response that broke the format is the model's words, listed before the notice; none of it ran.
        Assert.Equal(("chatcmpl-CjT2xQ2mZ", 0), (responses[1].ResponseId, responses[1].ToolCalls.Count));
        Assert.Equal("The split keeps punctuation; I will strip it.", responses[1].Text);
        Assert.Equal(new TokenUsage(410, 241, 1280, 0), responses[2].Usage);
        Assert.Equal(2, responses[2].ToolCalls.Count);
        Assert.Empty(record.UnlistedResponses);
        Assert.Equal(new TokenUsage(1412 + 318 + 410 + 322 + 151, 88 + 96 + 241 + 64 + 45, 1280 + 1280 + 1664 + 1920, 0), SampleFolder.Tokens(record));
        Assert.Equal(new[] { "gpt-5-mini-2025-08-07" }, record.Models);
        Assert.Equal(("acme__tally-7", "Submitted", 1L), (record.Title, record.SourceMeta["exit_status"], record.SourceMeta["format_errors"]));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1763540402800), record.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1763540417800), record.EndedAt);
    }

    [Fact]
    public void Mini_1_s_last_run_is_the_default_location_read_by_its_config_folder()
    {
        var previous = Environment.GetEnvironmentVariable(SweAgentReader.ConfigDirVariable);
        Environment.SetEnvironmentVariable(SweAgentReader.ConfigDirVariable, SampleFolder.Root("sweagent", "mini-swe-agent"));
        IReadOnlyList<SessionReference> sessions;
        try
        {
            sessions = SessionLocator.InDefaultLocations(new SweAgentReader(), new TraceSearch()).Sessions;
        }
        finally
        {
            Environment.SetEnvironmentVariable(SweAgentReader.ConfigDirVariable, previous);
        }
        Assert.Equal(SampleFolder.Root("sweagent", "mini-swe-agent", "last_mini_run.traj.json"), Assert.Single(sessions).Source.Path);

        var record = ByFile("last_mini_run.traj.json");
        Assert.Equal("System/Context User/Prompt Assistant/Response Tool/ToolResult Assistant/Response User/Synthetic Assistant/Response Tool/ToolResult Assistant/Response Tool/ToolResult", Kinds(record));
        Assert.Empty(record.Messages[4].ToolCalls);
        Assert.Equal(1L, record.SourceMeta["format_errors"]);
        Assert.StartsWith("diff --git a/tally/cli.py", record.Messages[^1].Text, StringComparison.Ordinal);
        Assert.Equal(new TokenUsage(16, 424, 4644, 1986), SampleFolder.Tokens(record));
        Assert.Equal(new[] { "claude-sonnet-4-5-20250929" }, record.Models);
        Assert.Matches("^last_mini_run-[0-9a-f]{12}-20251030T095500$", record.TraceId);
        Assert.StartsWith("Please solve this issue: Add a --min-count option", record.Title, StringComparison.Ordinal);
        Assert.Equal(("mini-swe-agent-1", 0.01874), (record.SourceMeta["trajectory_format"], record.SourceMeta["cost_usd"]));
    }

    [Fact]
    public void The_first_versions_bare_list()
    {
        var record = ByFile("acme__tally-3.traj.json");
        Assert.Equal("System/Context User/Prompt Assistant/Response Tool/ToolResult Assistant/Response Tool/ToolResult", Kinds(record));
        Assert.Equal("THOUGHT: Reproduce the crash first.", record.Messages[2].Text);
        Assert.Equal(("bare message list", 0L), (record.SourceMeta["trajectory_format"], record.TotalTokens));
    }
}
