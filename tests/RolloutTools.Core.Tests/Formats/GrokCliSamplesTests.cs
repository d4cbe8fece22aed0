using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.GrokCli;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/grok is a GROK_HOME: sessions/ holds two project folders, one with a session and the subagent it spawned,
/// one with a session that has no updates.jsonl (samples/grok/README.md says what each shows). Read as the default
/// location, with GROK_HOME naming the folder.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class GrokCliSamplesTests
{
    private const string Main = "0197a1b2-3c4d-7e5f-8a6b-1c2d3e4f5a6b";
    private const string Subagent = "0197a1b4-0d1e-7f2a-9b3c-4d5e6f7a8b9c";
    private const string Notes = "0197b0c1-2d3e-7f4a-8b5c-6d7e8f9a0b1c";

    private static readonly Lazy<(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var previous = Environment.GetEnvironmentVariable(GrokCliReader.HomeVariable);
        Environment.SetEnvironmentVariable(GrokCliReader.HomeVariable, SampleFolder.Root("grok"));
        try
        {
            var sessions = SessionLocator.InDefaultLocations(new GrokCliReader(), new TraceSearch()).Sessions;
            return (sessions, RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
        }
        finally
        {
            Environment.SetEnvironmentVariable(GrokCliReader.HomeVariable, previous);
        }
    });

    private static RolloutRecord Record(string id) => SampleFolder.Record(Run.Value.Results, id);

    [Fact]
    public void A_search_finds_each_session_folders_chat_history_named_by_its_folder_with_the_files_beside_it()
    {
        var sessions = Run.Value.Sessions;
        Assert.Equal(new[]
        {
            $"%2Fhome%2Fdev%2Fnotes/{Notes}/chat_history.jsonl",
            $"%2Fhome%2Fdev%2Fweather-app/{Main}/chat_history.jsonl",
            $"%2Fhome%2Fdev%2Fweather-app/{Subagent}/chat_history.jsonl",
        }, sessions.Select(s => Path.GetRelativePath(SampleFolder.Root("grok", "sessions"), s.Source.Path).Replace('\\', '/')));
        Assert.Equal(new[] { Notes, Main, Subagent }, sessions.Select(s => s.Ids!.TraceId));
        Assert.Equal(new[] { "summary.json", "updates.jsonl" }, sessions[1].DependsOn.Select(Path.GetFileName));
        Assert.Equal(new[] { "summary.json" }, sessions[0].DependsOn.Select(Path.GetFileName));
        Assert.Empty(Run.Value.Results.SelectMany(r => r.Diagnostics));
        Assert.Equal(3, Run.Value.Results.Count(r => r.Record is not null));
        SampleFolder.AssertToolMessagesAnswerCalls(Run.Value.Results.Select(r => r.Record).OfType<RolloutRecord>());
    }

    [Fact]
    public void The_main_session_keeps_context_prompts_reasoning_calls_a_server_search_and_an_image_with_the_tokens_updates_states()
    {
        var record = Record(Main);
        Assert.Equal("Context Context Context Prompt Response ToolResult Response ToolResult ToolResult Response ToolResult ToolResult Response Prompt Response",
            SampleFolder.Kinds(record));
        Assert.Equal(MessageRole.System, record.Messages[0].Role);
        Assert.StartsWith("<user_info>", record.Messages[1].Text);
        Assert.Equal("<user_query>\nWhy does the forecast page show temperatures in Kelvin?\n</user_query>", record.Messages[3].Text);
        Assert.Equal("The page probably renders the raw API value. Read the formatter first.", record.Messages[4].ReasoningContent);
        Assert.Equal(("read_file", "grok-4.5-build"), (record.Messages[4].ToolCalls[0].Name, record.Messages[4].Model));
        Assert.Equal(new[] { "web_search", "task" }, record.Messages[6].ToolCalls.Select(c => c.Name));
        Assert.Contains("openweathermap units parameter metric", record.Messages[6].ToolCalls[0].Arguments);
        // The trace keeps a search's status and the sources it cites, not what the server fed the model.
        Assert.StartsWith("web_search completed\nhttps://openweathermap.org", record.Messages[7].Text);
        Assert.StartsWith("Two call sites", record.Messages[8].Text);
        Assert.Equal(new[] { "edit_file", "run_terminal_command" }, record.Messages[9].ToolCalls.Select(c => c.Name));
        Assert.Equal(ContentBlockType.Image, record.Messages[13].Content[0].Type);
        Assert.Equal("image/png", record.Messages[13].Content[0].MediaType);
        Assert.Null(record.Messages[14].ReasoningContent);

        // Two turns' usage: input counts the cached reads, so 52400 - 41000 and 21800 - 20100 are the uncached input;
        // the subagent's aggregate turn is left out (its own session states it).
        Assert.Equal(new TokenUsage(13100, 1550, 61100, 0), SampleFolder.Tokens(record));
        Assert.Equal(0.04737, (double)record.SourceMeta["cost_usd"], 9);
        Assert.Equal((2L, 5L, 800L, 1L), ((long)record.SourceMeta["turns_with_usage"], (long)record.SourceMeta["model_calls"], (long)record.SourceMeta["reasoning_tokens"], (long)record.SourceMeta["subagent_usage_left_out"]));
        Assert.Equal((3L, 1L, 1L, 1L, 1L), ((long)record.SourceMeta["context_messages"], (long)record.SourceMeta["interrupted_turns"],
            (long)record.SourceMeta["encrypted_reasoning_only"], (long)record.SourceMeta["server_tool_calls"], (long)record.SourceMeta["images"]));

        Assert.Equal(("/home/dev/weather-app", "fix-units", "Show forecast temperatures in Celsius"), (record.Cwd, record.GitBranch, record.Title));
        Assert.Equal(new[] { "grok-4.5-build" }, record.Models);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 9, 15, 0, 412, TimeSpan.Zero), record.StartedAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 9, 20, 21, 870, TimeSpan.Zero), record.EndedAt);
        Assert.False(record.IsSidechain);
        Assert.Equal((Main, (string?)null), (record.RootSessionId, record.AgentId));
        Assert.Equal("Forecast page showed Kelvin; fixed units and the degree sign", record.SourceMeta["session_summary"]);
    }

    [Fact]
    public void The_subagent_is_a_sidechain_of_the_session_whose_subagents_folder_names_it_its_task_an_agent_message()
    {
        var record = Record(Subagent);
        Assert.True(record.IsSidechain);
        Assert.Equal((Subagent, Main), (record.AgentId, record.RootSessionId));
        Assert.Equal("Context AgentMessage Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(("explore", Main, "subagent"), (record.SourceMeta["subagent_type"], record.SourceMeta["parent_session_id"], record.SourceMeta["session_kind"]));
        Assert.Equal("List every place in src/ that calls the forecast API and whether it passes units.", record.Title);
        Assert.Equal(new TokenUsage(1800, 400, 6000, 1200), SampleFolder.Tokens(record));
        Assert.Equal(new[] { "grok-4.5-fast" }, record.Models);
    }

    [Fact]
    public void A_session_without_updates_states_no_tokens_and_takes_its_title_from_the_first_prompt_inside_its_user_query()
    {
        var record = Record(Notes);
        Assert.Equal("Context Context Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(default, SampleFolder.Tokens(record));
        Assert.False(record.SourceMeta.ContainsKey("usage_stated"));
        Assert.False(record.SourceMeta.ContainsKey("cost_usd"));
        Assert.Equal("Rename notes/todo.md to notes/inbox.md", record.Title);
        Assert.Equal("/home/dev/notes", record.Cwd);
    }
}
