using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Amp;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/amp/share is an XDG data folder: amp/threads holds three threads (samples/amp/README.md says what each
/// shows), found the way Get-AgentRollout -Path samples/amp -Recurse finds them.
/// </summary>
public sealed class AmpSamplesTests
{
    private const string Cli = "T-019a7c1e-4b2d-7f3a-9c1e-2d4b6f8a0c11";
    private const string Handoff = "T-019a7c4f-8e1a-7b2c-a3d4-5e6f7a8b9c22";
    private const string Editor = "T-019a8d02-13f4-7a5b-8c6d-7e8f9a0b1c33";

    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeMilliseconds(1764831600000);

    private static readonly Lazy<(IReadOnlyList<string> Files, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var found = TraceFileFinder.Find(SampleFolder.Root("amp"), FormatRegistry.Default.All, new TraceSearch { Recurse = true }).Files;
        Assert.All(found, f => Assert.IsType<AmpReader>(Assert.Single(f.Readers)));
        var files = found.Select(f => f.Path).ToArray();
        return (files, SampleFolder.Read(new AmpReader(), files));
    });

    private static RolloutRecord Record(string id) => SampleFolder.Record(Run.Value.Results, id);

    [Fact]
    public void A_recursive_search_finds_the_three_threads_and_reads_them_without_a_problem()
    {
        Assert.Equal(new[] { Cli, Handoff, Editor }, Run.Value.Files.Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal));
        Assert.Empty(Run.Value.Results.SelectMany(r => r.Diagnostics));
        Assert.All(Run.Value.Results, r => Assert.NotNull(r.Record));
        SampleFolder.AssertToolMessagesAnswerCalls(Run.Value.Results.Select(r => r.Record!));
    }

    [Fact]
    public void A_cli_thread_keeps_its_image_thinking_and_calls_each_answered_as_amp_answers_the_model()
    {
        var record = Record(Cli);
        Assert.Equal("Prompt Response ToolResult Response ToolResult Response ToolResult Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal((RolloutFormat.Amp, "amp", Cli, Cli), (record.Format, record.SourceKind, record.TraceId, record.RootSessionId));
        Assert.Equal("Fix the rounding in invoice totals", record.Title);
        Assert.Equal(("/home/dev/tally-app", "/home/dev/tally-app", "main"), (record.Cwd, record.ProjectPath, record.GitBranch));
        Assert.Equal((Created, Created.AddSeconds(40)), (record.StartedAt, record.EndedAt));

        var prompt = record.Messages[0];
        Assert.Equal(Created.AddSeconds(2), prompt.Timestamp);
        var image = Assert.Single(prompt.Content, b => b.Type == ContentBlockType.Image);
        Assert.Equal("image/png", image.MediaType);
        Assert.StartsWith("iVBORw0KGgo", image.Data);

        var first = record.Messages[1];
        Assert.Equal("The total is probably summed from rounded line amounts. Read the file first.", first.ReasoningContent);
        Assert.Equal("Let me look at how the totals are computed.", first.Text);
        Assert.Equal(("toolu_01Ra9Ld2", "Read", """{"path":"/home/dev/tally-app/src/invoice.ts"}"""), (first.ToolCalls[0].Id, first.ToolCalls[0].Name, first.ToolCalls[0].Arguments));
        Assert.Equal("claude-opus-4-5-20251101", first.Model);
        Assert.Equal(new TokenUsage(12, 96, 0, 5120), first.Usage);
        Assert.StartsWith("1: export function total", record.Messages[2].Text);
        Assert.False(record.Messages[2].IsError);

        var bash = record.Messages[4];
        Assert.Equal("""{"output":"FAIL src/invoice.test.ts\n  expected 10.03, received 10.02","exitCode":1}""", bash.Text);
        Assert.Equal((1, false), (bash.ExitCode, bash.IsError));
        Assert.NotNull(bash.StructuredResult);

        var rejected = record.Messages[6];
        Assert.Equal(("Tool execution rejected by user: User declined permission", true, "edit_file"), (rejected.Text, rejected.IsError, rejected.ToolName));
        Assert.Equal("Round the final total instead, and hand off the test cleanup to a new thread.", record.Messages[7].Text);

        Assert.Equal(new[] { "claude-opus-4-5-20251101" }, record.Models);
        Assert.Equal(new TokenUsage(35, 289, 16122, 5692), SampleFolder.Tokens(record));
        Assert.Equal(0.051, (double)record.SourceMeta["stated_credits"], 6);
        Assert.Equal(new[] { Handoff }, record.SourceMeta["child_thread_ids"]);
        Assert.False(record.SourceMeta.ContainsKey("parent_thread_id"));
        Assert.Equal(("smart", "CLI", "linux"), (record.SourceMeta["agent_mode"], record.SourceMeta["client"], record.SourceMeta["os"]));
        Assert.Equal("https://git.example.com/dev/tally-app", record.SourceMeta["repository_url"]);
        Assert.Equal("done: 2, rejected-by-user: 1", record.SourceMeta["tool_run_statuses"].ToString());
        Assert.Equal(14L, record.SourceMeta["thread_version"]);
    }

    [Fact]
    public void A_handoff_thread_names_its_parent_and_keeps_failed_cancelled_and_shell_runs_apart()
    {
        var record = Record(Handoff);
        Assert.Equal("Prompt Response ToolResult ToolResult Command Response ToolResult CompactionSummary Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(Cli, record.SourceMeta["parent_thread_id"]);
        Assert.Equal("handoff", record.SourceMeta["parent_relationship"]);

        var calls = record.Messages[1];
        Assert.Null(calls.ReasoningContent);
        Assert.Equal(new[] { "Task", "Grep" }, calls.ToolCalls.Select(c => c.Name));
        Assert.Equal(("fixtureLines is defined twice (lines 4 and 31).", false), (record.Messages[2].Text, record.Messages[2].IsError));
        Assert.Equal(("ripgrep exited with code 2: src: No such file or directory", true), (record.Messages[3].Text, record.Messages[3].IsError));
        Assert.Equal("$ git status --short\n M src/invoice.ts", record.Messages[4].Text);
        Assert.Equal(MessageRole.User, record.Messages[4].Role);
        Assert.Equal(("Tool execution cancelled: The user interrupted the tool run", true), (record.Messages[6].Text, record.Messages[6].IsError));
        Assert.StartsWith("The user wants the duplicated fixtureLines", record.Messages[7].Text);
        Assert.Equal("Stopping. The duplicate", record.Messages[9].Text);

        // The GPT response's totalInputTokens equals its inputTokens: its cache read is inside the input and taken out.
        Assert.Equal(new TokenUsage(256, 85, 6144, 0), record.Messages[5].Usage);
        Assert.Equal(new[] { "claude-opus-4-5-20251101", "gpt-5" }, record.Models);
        Assert.Equal("cancelled: 1, complete: 2", record.SourceMeta["response_states"].ToString());
        Assert.Equal("cancelled", record.SourceMeta["last_state"]);
        Assert.Equal("cancelled: 1, done: 1, error: 1", record.SourceMeta["tool_run_statuses"].ToString());
        Assert.Equal((1L, 1L, 1L), ((long)record.SourceMeta["redacted_reasoning"], (long)record.SourceMeta["shell_commands"], (long)record.SourceMeta["compaction_summaries"]));
    }

    [Fact]
    public void An_editor_thread_saved_mid_run_leaves_the_running_call_unanswered_and_is_titled_by_its_prompt()
    {
        var record = Record(Editor);
        Assert.Equal("Prompt Response ToolResult", SampleFolder.Kinds(record));
        Assert.Equal("Which commands does the README list for running the tests?", record.Title);
        Assert.Equal("## Tests\nRun `npm test`.", record.Messages[2].Text);
        Assert.Equal(1L, record.SourceMeta["unanswered_tool_calls"]);
        Assert.Equal("done: 1, in-progress: 1", record.SourceMeta["tool_run_statuses"].ToString());
        Assert.Equal(new[] { Cli }, record.SourceMeta["summary_thread_ids"]);
        Assert.Equal(("rush", "VS Code"), (record.SourceMeta["agent_mode"], record.SourceMeta["client"]));
        Assert.Null(record.GitBranch);
        Assert.Equal(Created.AddDays(1), record.StartedAt);
    }
}
