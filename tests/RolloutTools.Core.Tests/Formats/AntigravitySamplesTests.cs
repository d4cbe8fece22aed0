using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Antigravity;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/antigravity is a user's home: .gemini/antigravity-cli/brain holds two CLI conversations (one read from
/// transcript_full.jsonl, one from an early build's transcript.jsonl), .gemini/antigravity/brain one of the IDE's
/// (samples/antigravity/README.md says what each shows). Read as the default locations, with HOME naming the folder.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class AntigravitySamplesTests
{
    private const string Units = "3f6c2a1e-8b4d-4e7a-9c15-2d7e9b0a4f61";
    private const string Build = "8a1d4b2c-6e3f-4a90-b7c1-5f2e8d9c0a13";
    private const string Audit = "c5e7a9b1-2d4f-4613-8a5c-7e9f1b3d5a70";

    private static readonly Lazy<(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        using var home = new HomeVariable(SampleFolder.Root("antigravity"));
        var sessions = SessionLocator.InDefaultLocations(new AntigravityReader(), new TraceSearch()).Sessions;
        return (sessions, RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
    });

    private static RolloutRecord Record(string id) => SampleFolder.Record(Run.Value.Results, id);

    [Fact]
    public void The_default_locations_are_the_clis_brain_and_the_ides_two_under_the_home()
    {
        using var home = new HomeVariable(Path.Combine(Path.GetTempPath(), "someone"));
        Assert.Equal(new[] { "antigravity-cli", "antigravity", "antigravity-ide" }.Select(app => Path.Combine(home.Path, ".gemini", app, "brain")), new AntigravityReader().DefaultLocations());
    }

    [Fact]
    public void A_search_finds_each_conversation_by_its_folder_in_the_clis_brain_and_the_ides()
    {
        var sessions = Run.Value.Sessions;
        Assert.Equal(new[]
        {
            $".gemini/antigravity-cli/brain/{Units}/.system_generated/logs/transcript_full.jsonl",
            $".gemini/antigravity-cli/brain/{Build}/.system_generated/logs/transcript.jsonl",
            $".gemini/antigravity/brain/{Audit}/.system_generated/logs/transcript.jsonl",
        }, sessions.Select(s => Path.GetRelativePath(SampleFolder.Root("antigravity"), s.Source.Path).Replace('\\', '/')));
        Assert.Equal(new[] { Units, Build, Audit }, sessions.Select(s => s.Ids!.TraceId));
        Assert.Equal(3, Run.Value.Results.Count(r => r.Record is not null));
        SampleFolder.AssertToolMessagesAnswerCalls(Run.Value.Results.Select(r => r.Record).OfType<RolloutRecord>());
        Assert.Empty(Run.Value.Results.SelectMany(r => r.Diagnostics));
    }

    [Fact]
    public void The_cli_conversation_pairs_each_step_with_the_call_it_answers_and_keeps_the_tokens_each_response_states()
    {
        var record = Record(Units);
        Assert.Equal((RolloutFormat.Antigravity, "antigravity", Units), (record.Format, record.SourceKind, record.RootSessionId));
        Assert.Equal(
            "Prompt Context Response ToolResult Response ToolResult ToolResult Response ToolResult Response ToolResult Response "
            + "Prompt Response ToolResult Synthetic Response CompactionSummary Context Prompt Response ToolResult Response",
            SampleFolder.Kinds(record));
        Assert.Equal("Add a --units flag to the forecast command and document it in the README.", record.Title);
        Assert.StartsWith("<USER_REQUEST>\nAdd a --units flag", record.Messages[0].Text);
        Assert.Contains("<USER_SETTINGS_CHANGE>", record.Messages[0].Text);
        Assert.Equal(new[] { "Gemini 3.5 Flash (High)" }, record.Models);
        Assert.All(record.Messages.Where(m => m.Kind == MessageKind.Response), m => Assert.Equal("Gemini 3.5 Flash (High)", m.Model));

        var twoCalls = record.Messages[4];
        Assert.Equal(new[] { ("6.0", "view_file"), ("6.1", "grep_search") }, twoCalls.ToolCalls.Select(c => (c.Id, c.Name)));
        Assert.Equal("{\"AbsolutePath\":\"/home/dev/weather-cli/README.md\",\"IsSkillFile\":false,\"toolAction\":\"Viewing file\",\"toolSummary\":\"Read README\"}", twoCalls.ToolCalls[0].Arguments);
        Assert.Equal(("6.0", "view_file"), (record.Messages[5].ToolCallId, record.Messages[5].ToolName));
        Assert.EndsWith("The above content shows the entire, complete file contents of the requested file.", record.Messages[5].Text);
        Assert.Equal(("6.1", "grep_search"), (record.Messages[6].ToolCallId, record.Messages[6].ToolName));
        Assert.Equal("{\"CommandLine\":\"npm test\",\"Cwd\":\"/home/dev/weather-cli\",\"WaitMsBeforeAsync\":5000,\"SafeToAutoRun\":true,\"toolAction\":\"Running tests\",\"toolSummary\":\"Run the test suite\"}", record.Messages[9].ToolCalls[0].Arguments);
        Assert.StartsWith("**Locating the command**", record.Messages[2].ReasoningContent);
        Assert.Equal(new TokenUsage(11824, 0, 0, 0), record.Messages[2].Usage);
        Assert.Equal(new TokenUsage(11824 + 12690 + 13402 + 14011 + 14630 + 15102 + 15877 + 3920 + 4188, 0, 0, 0), SampleFolder.Tokens(record));
        Assert.Null(record.Messages[15].Model);
        Assert.Equal("Model call failed: RESOURCE_EXHAUSTED (429). Retrying in 4s.", record.Messages[15].Text);
        Assert.Equal((DateTimeOffset.Parse("2026-10-12T09:14:02Z"), DateTimeOffset.Parse("2026-10-12T09:31:18Z")), (record.StartedAt!.Value, record.EndedAt!.Value));
        Assert.Null(record.Cwd);

        var meta = record.SourceMeta;
        Assert.Equal(("transcript_full.jsonl", "antigravity-cli"), ((string)meta["transcript"], (string)meta["app"]));
        Assert.Equal(new[] { "task.md", "walkthrough.md" }, (IEnumerable<string>)meta["artifacts"]);
        Assert.Equal((9L, 2L, 1L, 2L), ((long)meta["responses_with_usage"], (long)meta["context_messages"], (long)meta["model_errors"], (long)meta["empty_system_steps"]));
        Assert.False(meta.ContainsKey("clipped_steps"));
    }

    [Fact]
    public void An_early_conversation_keeps_plain_argument_values_counts_its_clipped_step_and_leaves_the_running_command_unanswered()
    {
        var record = Record(Build);
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal("{\"CommandLine\":\"npm ci && npm run build\",\"Cwd\":\"/home/dev/invoice-api\",\"WaitMsBeforeAsync\":20000}", record.Messages[1].ToolCalls[0].Arguments);
        Assert.Equal(("2.0", "run_command"), (record.Messages[2].ToolCallId, record.Messages[2].ToolName));
        Assert.Empty(record.Models);
        Assert.Null(record.Messages[1].Model);
        Assert.Equal(default, SampleFolder.Tokens(record));
        var meta = record.SourceMeta;
        Assert.Equal(("transcript.jsonl", 1L, 1L, 1L), ((string)meta["transcript"], (long)meta["clipped_steps"], (long)meta["unfinished_steps"], (long)meta["unanswered_tool_calls"]));
        Assert.False(meta.ContainsKey("usage_stated"));
    }

    [Fact]
    public void The_ides_conversation_follows_the_model_chosen_before_each_prompt_and_keeps_what_the_agent_recalled_as_context()
    {
        var record = Record(Audit);
        Assert.Equal("Prompt Context Response ToolResult Response Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(new[] { "Gemini 3.5 Flash (Medium)", "Gemini 3.1 Pro (High)" }, record.Models);
        Assert.Equal(("Gemini 3.5 Flash (Medium)", "Gemini 3.1 Pro (High)"), (record.Messages[2].Model, record.Messages[6].Model));
        Assert.StartsWith("# Conversation History", record.Messages[1].Text);
        Assert.Equal(("open_browser_url", "write_to_file"), (record.Messages[3].ToolName, record.Messages[7].ToolName));
        Assert.Equal("antigravity", record.SourceMeta["app"]);
        Assert.Equal(new[] { "implementation_plan.md" }, (IEnumerable<string>)record.SourceMeta["artifacts"]);
    }
}
