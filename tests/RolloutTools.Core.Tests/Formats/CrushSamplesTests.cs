using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Crush;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/crush/tally-app is a project Crush ran in: .crush/crush.db holds its sessions (samples/crush/README.md says
/// what each shows). Read as Get-AgentRollout reads the default location: CRUSH_GLOBAL_DATA names a folder whose
/// projects.json lists the sample's data directory, as Crush lists every project it runs in.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class CrushSamplesTests
{
    private const string A = "3f2a9c1e-5b7d-4e21-9a0c-7d1e2f3a4b5c";
    private const string B = "b7e6d5c4-3a21-4f0e-8d9c-1b2a3c4d5e6f";
    private const string C = "8c1d2e3f-0a1b-4c2d-9e3f-4a5b6c7d8e9f$$toolu_agent_01";
    private const string E = "e0e1e2e3-e4e5-4e6e-8e7e-8e9eaebecede";

    /// <summary>The working folder projects.json names for the sample's data directory (where it ran on the machine that wrote it).</summary>
    private const string WorkingFolder = "/home/dev/src/tally-app";

    private static readonly Lazy<(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var global = Directory.CreateTempSubdirectory("crush-global-").FullName;
        var previous = Environment.GetEnvironmentVariable(CrushReader.GlobalDataVariable);
        Environment.SetEnvironmentVariable(CrushReader.GlobalDataVariable, global);
        try
        {
            var dataDir = SampleFolder.Root("crush", "tally-app", ".crush");
            File.WriteAllText(Path.Combine(global, "projects.json"),
                $"{{\"projects\":[{{\"path\":\"{WorkingFolder}\",\"data_dir\":{System.Text.Json.JsonSerializer.Serialize(dataDir)},\"last_accessed\":\"2026-04-03T16:20:00Z\"}}]}}");
            var sessions = SessionLocator.InDefaultLocations(new CrushReader(), new TraceSearch()).Sessions;
            return (sessions, RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
        }
        finally
        {
            Environment.SetEnvironmentVariable(CrushReader.GlobalDataVariable, previous);
            Directory.Delete(global, recursive: true);
        }
    });

    private static IReadOnlyList<ReadResult> Results => Run.Value.Results;

    [Fact]
    public void Projects_json_leads_to_the_database_and_each_session_row_is_a_reference()
    {
        var sessions = Run.Value.Sessions;
        Assert.Equal(new[] { A, C, B, E }, sessions.Select(s => s.Ids!.TraceId));
        Assert.All(sessions, s => Assert.Equal(SampleFolder.Root("crush", "tally-app", ".crush", "crush.db"), s.Source.Path));
        Assert.Equal(DateTimeOffset.Parse("2026-04-02T10:09:30Z"), sessions[0].LastActivity);
    }

    [Fact]
    public void Every_session_reads_without_errors_and_the_one_without_messages_is_a_note()
    {
        Assert.Empty(Results.SelectMany(r => r.Diagnostics));
        Assert.Equal(new[] { A, C, B }, Results.Select(r => r.Record).OfType<RolloutRecord>().Select(r => r.TraceId));
        Assert.Contains(Results, r => r.SkipReason == $"session {E} holds no message yet");
    }

    [Fact]
    public void The_main_session_keeps_attachments_reasoning_calls_results_a_shell_command_and_its_summary()
    {
        var a = SampleFolder.Record(Results, A);
        Assert.Equal(RolloutFormat.Crush, a.Format);
        Assert.Equal("crush", a.SourceKind);
        Assert.Equal("Prompt Response ToolResult Response ToolResult Response ToolResult Response ToolResult Response Command CompactionSummary Prompt",
            SampleFolder.Kinds(a));
        Assert.Equal(WorkingFolder, a.Cwd);
        Assert.Equal("Add a --json flag to tally", a.Title);
        Assert.Equal(new[] { "claude-sonnet-4-5" }, a.Models);
        Assert.Equal(DateTimeOffset.Parse("2026-04-02T10:00:00Z"), a.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-04-02T10:09:30Z"), a.EndedAt);
        Assert.Equal(default, SampleFolder.Tokens(a));

        var prompt = a.Messages[0];
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Text, ContentBlockType.Image }, prompt.Content.Select(c => c.Type));
        Assert.StartsWith("<file path='notes/design.txt'>\ntally counts lines", prompt.Content[1].Text);
        Assert.Equal("Look at how the flags are parsed first.", a.Messages[1].ReasoningContent);
        Assert.Equal(new[] { "view", "edit", "agent", "bash" }, a.Messages.SelectMany(m => m.ToolCalls).Select(c => c.Name));
        Assert.Equal(TimeSpan.FromMilliseconds(2500), a.Messages[8].ToolDuration);
        Assert.Equal("$ git status --short\n M cmd/tally/main.go\n\n(exit code 0)", a.Messages[10].Text);
        Assert.StartsWith("Summary: the user asked for a --json flag", a.Messages[11].Text);

        var meta = a.SourceMeta;
        Assert.Equal(0.1525, meta["cost_usd"]);
        Assert.Equal(true, meta["cost_includes_child_sessions"]);
        Assert.Equal(18250L, meta["last_prompt_tokens"]);
        Assert.Equal(new[] { C }, (IEnumerable<string>)meta["child_session_ids"]);
        Assert.Equal(new[] { "Overloaded: The provider is overloaded; try again later." }, (IEnumerable<string>)meta["errors"]);
        Assert.Equal(new[] { "notes/design.txt", "screenshot.png" }, (IEnumerable<string>)meta["attached_files"]);
    }

    [Fact]
    public void The_sub_agent_is_a_sidechain_of_the_main_session_and_names_the_call_that_ran_it()
    {
        var c = SampleFolder.Record(Results, C);
        Assert.True(c.IsSidechain);
        Assert.Equal((A, C), (c.RootSessionId, c.AgentId));
        Assert.Equal("AgentMessage Response ToolResult Response", SampleFolder.Kinds(c));
        Assert.Equal("toolu_agent_01", c.SourceMeta["parent_tool_use_id"]);
        Assert.Equal(new[] { "claude-haiku-4-5" }, c.Models);
        Assert.Contains(SampleFolder.Record(Results, A).Messages.SelectMany(m => m.ToolCalls), call => call.Id == (string)c.SourceMeta["parent_tool_use_id"]);
    }

    [Fact]
    public void A_canceled_session_keeps_its_image_url_the_tools_image_and_the_cancel()
    {
        var b = SampleFolder.Record(Results, B);
        Assert.Equal("Prompt Response ToolResult Response ToolResult", SampleFolder.Kinds(b));
        Assert.Equal("What is in this picture?", b.Title);
        Assert.Equal("https://example.com/chart.png", b.Messages[0].Content[1].Url);
        Assert.Equal("image/png", b.Messages[2].Content[1].MediaType);
        Assert.True(b.Messages[4].IsError);
        Assert.Equal(1L, ((IReadOnlyDictionary<string, long>)b.SourceMeta["finish_reasons"])["canceled"]);
        Assert.Equal(1L, b.SourceMeta["unfinished_tool_calls"]);
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Select(r => r.Record).OfType<RolloutRecord>());
    }
}
