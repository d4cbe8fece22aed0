using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.GrokCli;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Grok CLI's session folders written here line by line: every line type, damage in each file, missing files and subagents.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class GrokCliReaderTests : IDisposable
{
    private const string Id = "0198c2d3-4e5f-7a6b-8c7d-9e0f1a2b3c4d";
    private const string Child = "0198c2d4-1a2b-7c3d-8e4f-5a6b7c8d9e0f";
    private const string Project = "%2Fw%2Fapp";
    private readonly string _home = Directory.CreateTempSubdirectory("grok-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private string Sessions => Path.Combine(_home, "sessions");

    private const string SystemPrompt = "{\"type\":\"system\",\"content\":\"You are Grok.\"}";
    private const string Prompt = "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<user_query>\\nList the files\\n</user_query>\"}],\"prompt_index\":0}";
    private const string Reasoning = "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"Use ls.\"}],\"encrypted_content\":\"x\",\"status\":\"completed\"}";
    private const string Call = "{\"type\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"c1\",\"name\":\"run_terminal_command\",\"arguments\":\"{\\\"command\\\":\\\"ls\\\"}\"}],\"model_id\":\"grok-4.5\"}";
    private const string Result = "{\"type\":\"tool_result\",\"tool_call_id\":\"c1\",\"content\":\"a.txt\\n\"}";
    private const string Final = "{\"type\":\"assistant\",\"content\":\"One file: a.txt\",\"model_id\":\"grok-4.5\"}";

    private static string Summary(string id = Id, string? kind = null, string title = "List files") =>
        "{\"info\":{\"id\":\"" + id + "\",\"cwd\":\"/w/app\"},\"created_at\":\"2026-04-01T10:00:00Z\",\"updated_at\":\"2026-04-01T10:00:09.5Z\"," +
        "\"current_model_id\":\"grok-4.5\",\"generated_title\":\"" + title + "\",\"head_branch\":\"main\"" + (kind is null ? string.Empty : ",\"session_kind\":\"" + kind + "\"") + "}";

    private static string Turn(long input, long output, long cached, long ticks, string prompt = "p1") =>
        "{\"timestamp\":1775037609,\"method\":\"_x.ai/session/update\",\"params\":{\"sessionId\":\"s\",\"update\":{\"sessionUpdate\":\"turn_completed\",\"prompt_id\":\"" + prompt +
        "\",\"usage\":{\"inputTokens\":" + input + ",\"outputTokens\":" + output + ",\"totalTokens\":" + (input + output) + ",\"cachedReadTokens\":" + cached +
        ",\"reasoningTokens\":3,\"modelCalls\":2,\"costUsdTicks\":" + ticks + "}}}}";

    /// <summary>A session folder as Grok writes it; a null file is left out.</summary>
    private string Session(string id, string? summary, string? updates, params string[] chat)
    {
        var folder = Path.Combine(Sessions, Project, id);
        Directory.CreateDirectory(folder);
        if (summary is not null) File.WriteAllText(Path.Combine(folder, "summary.json"), summary);
        if (updates is not null) File.WriteAllText(Path.Combine(folder, "updates.jsonl"), updates);
        File.WriteAllText(Path.Combine(folder, "chat_history.jsonl"), string.Join("\n", chat) + "\n");
        return Path.Combine(folder, "chat_history.jsonl");
    }

    private static IReadOnlyList<ReadResult> Read(params string[] paths)
    {
        var reader = new GrokCliReader();
        return RolloutLoader.ReadAll(paths.SelectMany(reader.SessionsIn).ToArray(), new ReadOptions(), CancellationToken.None).ToArray();
    }

    private static ReadResult ReadOne(string path) => Assert.Single(Read(path));

    [Fact]
    public void A_session_pairs_calls_with_results_keeps_reasoning_and_takes_its_facts_from_the_summary_and_its_tokens_from_the_updates()
    {
        var path = Session(Id, Summary(), Turn(1000, 50, 800, 20_000_000) + "\n" + Turn(300, 20, 0, 5_000_000, "p2") + "\n", SystemPrompt, Prompt, Reasoning, Call, Result, Final);
        var result = ReadOne(path);
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal((Id, RolloutFormat.GrokCli, "grok_cli"), (record.TraceId, record.Format, record.SourceKind));
        Assert.Equal("Context Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal("Use ls.", record.Messages[2].ReasoningContent);
        Assert.Equal(("c1", "run_terminal_command", "{\"command\":\"ls\"}"), (record.Messages[2].ToolCalls[0].Id, record.Messages[2].ToolCalls[0].Name, record.Messages[2].ToolCalls[0].Arguments));
        Assert.Equal(("c1", "a.txt\n"), (record.Messages[3].ToolCallId, record.Messages[3].Text));
        Assert.All(record.Messages, m => Assert.Null(m.Usage));
        Assert.Equal(new TokenUsage(500, 70, 800, 0), SampleFolder.Tokens(record));
        Assert.Equal(0.0025, (double)record.SourceMeta["cost_usd"], 9);
        Assert.Equal((2L, 4L, 6L), ((long)record.SourceMeta["turns_with_usage"], (long)record.SourceMeta["model_calls"], (long)record.SourceMeta["reasoning_tokens"]));
        Assert.Equal(("/w/app", "main", "List files"), (record.Cwd, record.GitBranch, record.Title));
        Assert.Equal(TimeSpan.FromSeconds(9.5), record.Duration);
        Assert.Equal(new[] { "grok-4.5" }, record.Models);
    }

    [Fact]
    public void Context_the_cli_added_is_context_and_a_prompt_needs_its_prompt_index()
    {
        var path = Session(Id, Summary(), null, SystemPrompt,
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<user_info>OS: linux</user_info>\"}],\"synthetic_reason\":\"environment_context\"}",
            "{\"type\":\"user\",\"content\":\"<system-reminder>Tests are slow.</system-reminder>\"}",
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"injected\"}],\"prompt_index\":0,\"synthetic_reason\":\"system_reminder\"}",
            Prompt, Final);
        var record = ReadOne(path).Record!;
        Assert.Equal("Context Context Context Context Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(4L, record.SourceMeta["context_messages"]);
    }

    [Fact]
    public void A_person_s_words_are_told_by_their_synthetic_reason_and_an_unmarked_line_that_is_only_a_tagged_block_is_context()
    {
        var path = Session(Id, Summary(), null, SystemPrompt,
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<user_info>OS: linux</user_info>\"}]}",
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Fix the build\"}],\"synthetic_reason\":\"human\",\"prompt_index\":0}", Final,
            "{\"type\":\"user\",\"content\":\"Plain words with no index\"}", Final,
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<user_info>x</user_info>\\n<user_query>\\nAnd the docs\\n</user_query>\"}]}", Final,
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"also the README\"}],\"synthetic_reason\":\"interjection\"}",
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"$ git status\\nclean\"}],\"synthetic_reason\":\"direct_bash\"}",
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Passed on\"}],\"synthetic_reason\":\"parent_human_message\"}", Final);
        var record = ReadOne(path).Record!;
        Assert.Equal("Context Context Prompt Response Prompt Response Prompt Response QueuedPrompt Command Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(2L, record.SourceMeta["context_messages"]);
    }

    [Fact]
    public void A_compacted_history_s_summary_is_a_compaction_summary_and_its_other_compaction_meta_items_context()
    {
        // build_compacted_history: system prompt, the <user_info> prefix and the summary (both compaction_meta), the
        // last query and what followed it, a reminder.
        var path = Session(Id, Summary(), null, SystemPrompt,
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<user_info>OS: linux</user_info>\"}],\"synthetic_reason\":\"compaction_meta\"}",
            Prompt, Final,
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"This session is being continued from a previous conversation.\\n\\nSummary: listed the files.\"}],\"synthetic_reason\":\"compaction_meta\"}",
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<system-reminder>edited: a.txt</system-reminder>\"}],\"synthetic_reason\":\"system_reminder\"}");
        var record = ReadOne(path).Record!;
        Assert.Equal("Context Context Prompt Response CompactionSummary Context", SampleFolder.Kinds(record));
        Assert.StartsWith("This session is being continued", record.Messages[4].Text, StringComparison.Ordinal);
        Assert.Equal((1L, 3L), (record.SourceMeta["compactions"], record.SourceMeta["context_messages"]));
    }

    [Fact]
    public void Rows_from_before_chat_format_version_1_are_told_by_role_with_their_reasoning_calls_and_results()
    {
        var path = Session(Id, Summary(), null,
            "{\"role\":\"system\",\"content\":\"You are Grok.\"}",
            "{\"role\":\"user\",\"content\":\"<user_query>\\nList the files\\n</user_query>\"}",
            "{\"role\":\"assistant\",\"content\":\"\",\"reasoning_content\":\"Use ls.\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"run_terminal_command\",\"arguments\":\"{}\"}}]}",
            "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"a.txt\"}",
            "{\"role\":\"assistant\",\"content\":\"One file: a.txt\"}");
        var result = ReadOne(path);
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("Context Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(("Use ls.", "run_terminal_command"), (record.Messages[2].ReasoningContent, record.Messages[2].ToolCalls[0].Name));
        Assert.Equal(("c1", "a.txt"), (record.Messages[3].ToolCallId, record.Messages[3].Text));
    }

    [Fact]
    public void A_session_of_rows_from_before_chat_format_version_1_is_told_by_its_place_in_grok_s_home_not_by_its_lines()
    {
        string[] rows = { "{\"role\":\"system\",\"content\":\"You are Grok.\"}", "{\"role\":\"user\",\"content\":\"List the files\"}", "{\"role\":\"assistant\",\"content\":\"One file: a.txt\"}" };
        var path = Session(Id, Summary(), null, rows);
        var elsewhere = Path.Combine(_home, "copy", "chat_history.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(elsewhere)!);
        File.Copy(path, elsewhere);

        // The generic chat-completions shape (kimi-cli's context lines have it too): no format is sure of such a row.
        Assert.All(rows, row => Assert.Null(FormatDetector.MostConfident(JsonHead.Read(System.Text.Encoding.UTF8.GetBytes(row))!, FormatRegistry.Default.All)));
        var results = RolloutLoader.ReadAll(new[] { path, elsewhere }.Select(p => new SessionReference(TraceSource.FromFile(p))).ToArray(), new ReadOptions(), CancellationToken.None).ToArray();

        Assert.Equal((RolloutFormat.GrokCli, Id, "Context Prompt Response"), (results[0].Record!.Format, results[0].Record!.TraceId, SampleFolder.Kinds(results[0].Record!)));
        Assert.Null(results[1].Record);
        Assert.Contains("no format recognises", results[1].SkipReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Reasoning_text_reasoning_on_the_response_a_tool_s_images_and_a_server_call_s_sources_and_logs_are_kept()
    {
        var path = Session(Id, Summary(), null, Prompt,
            "{\"type\":\"reasoning\",\"content\":[{\"type\":\"reasoning_text\",\"text\":\"Raw thought.\"}],\"summary\":[{\"type\":\"summary_text\",\"text\":\"Short.\"}]}",
            "{\"type\":\"backend_tool_call\",\"kind\":{\"tool_type\":\"code_interpreter\",\"id\":\"ci_1\",\"status\":\"completed\",\"code\":\"print(6*7)\",\"outputs\":[{\"type\":\"logs\",\"logs\":\"42\"}]}}",
            "{\"type\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"c1\",\"name\":\"screenshot\",\"arguments\":\"{}\"}],\"model_id\":\"grok-4.5\"}",
            "{\"type\":\"tool_result\",\"tool_call_id\":\"c1\",\"content\":\"taken\",\"images\":[{\"type\":\"image\",\"url\":\"data:image/png;base64,AAAA\"}]}",
            "{\"type\":\"assistant\",\"content\":\"Done.\",\"reasoning\":{\"text\":\"Old-style thought.\"},\"model_id\":\"grok-4.5\"}");
        var record = ReadOne(path).Record!;
        Assert.Equal("Prompt Response ToolResult ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal("Raw thought.", record.Messages[1].ReasoningContent);
        Assert.Equal(("code_interpreter", "{\"code\":\"print(6*7)\"}"), (record.Messages[1].ToolCalls[0].Name, record.Messages[1].ToolCalls[0].Arguments));
        Assert.Equal("code_interpreter completed\n42", record.Messages[2].Text);
        var picture = Assert.Single(record.Messages[3].Content, b => b.Type == ContentBlockType.Image);
        Assert.Equal(("image/png", "AAAA"), (picture.MediaType, picture.Data));
        Assert.Equal(("Old-style thought.", "Done."), (record.Messages[4].ReasoningContent, record.Messages[4].Text));
        Assert.Equal(1L, record.SourceMeta["images"]);
    }

    [Fact]
    public void Reasoning_and_a_server_call_open_the_response_whose_output_follows_and_without_output_stand_alone()
    {
        var path = Session(Id, Summary(), null, Prompt, Reasoning,
            "{\"type\":\"backend_tool_call\",\"kind\":{\"tool_type\":\"web_search\",\"action\":{\"type\":\"search\",\"query\":\"ls flags\"},\"id\":\"ws_1\",\"status\":\"completed\"}}",
            Final,
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"And hidden ones?\"}],\"prompt_index\":1,\"prior_turn_interrupt\":\"mid_turn_abort\"}",
            "{\"type\":\"reasoning\",\"id\":\"rs_2\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"Use ls -a.\"}]}",
            "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Stop.\"}],\"prompt_index\":2}",
            "{\"type\":\"reasoning\",\"id\":\"rs_3\",\"summary\":[],\"encrypted_content\":\"opaque\"}");
        var record = ReadOne(path).Record!;
        Assert.Equal("Prompt Response ToolResult Prompt Response Prompt", SampleFolder.Kinds(record));
        var response = record.Messages[1];
        Assert.Equal(("Use ls.", "One file: a.txt", "grok-4.5"), (response.ReasoningContent, response.Text, response.Model));
        Assert.Equal(("ws_1", "web_search", "{\"type\":\"search\",\"query\":\"ls flags\"}"), (response.ToolCalls[0].Id, response.ToolCalls[0].Name, response.ToolCalls[0].Arguments));
        Assert.Equal(("ws_1", "web_search completed"), (record.Messages[2].ToolCallId, record.Messages[2].Text));
        // Reasoning the interruption cut off before any output is a response of the session's model.
        Assert.Equal(("Use ls -a.", string.Empty, "grok-4.5"), (record.Messages[4].ReasoningContent, record.Messages[4].Text, record.Messages[4].Model));
        Assert.Equal((1L, 1L, 1L), ((long)record.SourceMeta["interrupted_turns"], (long)record.SourceMeta["encrypted_reasoning_only"], (long)record.SourceMeta["server_tool_calls"]));
    }

    [Fact]
    public void Damaged_chat_lines_are_errors_at_their_numbers_an_unknown_type_a_warning_and_the_rest_is_read()
    {
        var path = Session(Id, Summary(), null, Prompt, "{not json", Call, "{\"content\":\"no type\"}", "{\"type\":\"hologram\",\"content\":\"x\"}",
            "{\"type\":\"assistant\",\"content\":\"x\",\"tool_calls\":5}", Result, Final);
        var result = ReadOne(path);
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(new int?[] { 2, 4, 5, 6 }, result.Diagnostics.Select(d => d.LineNumber));
        Assert.Equal(new[] { DiagnosticSeverity.Error, DiagnosticSeverity.Error, DiagnosticSeverity.Warning, DiagnosticSeverity.Error }, result.Diagnostics.Select(d => d.Severity));
        Assert.All(result.Diagnostics, d => Assert.StartsWith(path + ":", d.Message));
        Assert.Contains("no \"type\"", result.Diagnostics[1].Message);
        Assert.Contains("type 'hologram'", result.Diagnostics[2].Message);
        Assert.Equal(3L, result.Record!.SourceMeta["skipped_lines"]);
    }

    [Fact]
    public void A_damaged_updates_line_is_a_warning_naming_updates_jsonl_and_its_line_and_that_turn_is_not_counted()
    {
        var updates = Turn(1000, 50, 800, 0) + "\n{broken\n"
            + Turn(1, 1, 0, 0).Replace("\"outputTokens\":1", "\"outputTokens\":\"many\"") + "\n"
            + "{\"params\":{\"update\":{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"text\",\"text\":\"hi\"}}}}\n"
            + Turn(9000, 400, 6000, 0, "subagent-completed-" + Child) + "\n";
        var path = Session(Id, Summary(), updates, Prompt, Final);
        var result = ReadOne(path);
        var updatesPath = Path.Combine(Path.GetDirectoryName(path)!, "updates.jsonl");
        Assert.Equal(new int?[] { 3 }, result.Diagnostics.Select(d => d.LineNumber));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, updatesPath), (warning.Severity, warning.Path));
        Assert.StartsWith(updatesPath + ":3:", warning.Message);
        Assert.EndsWith("the tokens of that turn are not counted.", warning.Message);
        Assert.Equal(new TokenUsage(200, 50, 800, 0), SampleFolder.Tokens(result.Record!));
        Assert.Equal(1L, result.Record!.SourceMeta["subagent_usage_left_out"]);
        // No costUsdTicks other than zero: no stated cost, so a usage report prices the tokens itself.
        Assert.False(result.Record.SourceMeta.ContainsKey("cost_usd"));
    }

    [Fact]
    public void Without_summary_the_id_is_the_folder_s_name_and_the_working_directory_the_project_folder_decoded()
    {
        var path = Session(Id, null, null, Prompt, Final);
        var result = ReadOne(path);
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal((Id, "/w/app", "List the files"), (record.TraceId, record.Cwd, record.Title));
        Assert.Null(record.StartedAt);
        Assert.Equal(new[] { "grok-4.5" }, record.Models);
    }

    [Fact]
    public void A_damaged_summary_is_a_warning_naming_it_and_a_summary_of_another_id_keeps_the_folder_s()
    {
        var damaged = Session(Id, "{\"info\":{\"id\":5}}", null, Prompt, Final);
        var warning = Assert.Single(ReadOne(damaged).Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.SidecarDamaged), (warning.Severity, warning.ErrorId));
        Assert.Contains("summary.json", warning.Message);

        var other = Session(Child, Summary(Id), null, Prompt, Final);
        var result = ReadOne(other);
        Assert.Contains($"names the session '{Id}'", Assert.Single(result.Diagnostics).Message);
        Assert.Equal((Child, Id), (result.Record!.TraceId, result.Record.SourceMeta["summary_session_id"]));
    }

    [Fact]
    public void A_subagent_is_a_sidechain_of_the_session_whose_subagents_folder_names_it_and_without_one_its_own_root()
    {
        var parent = Session(Id, Summary(), null, Prompt, Final);
        var meta = Path.Combine(Path.GetDirectoryName(parent)!, "subagents", Child, "meta.json");
        Directory.CreateDirectory(Path.GetDirectoryName(meta)!);
        File.WriteAllText(meta, "{\"parent_session_id\":\"" + Id + "\",\"child_session_id\":\"" + Child + "\",\"subagent_type\":\"explore\",\"prompt\":\"Find ls\"}");
        var child = Session(Child, Summary(Child, "subagent", ""), null, "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Find ls\"}],\"prompt_index\":0}", Final);
        var record = ReadOne(child).Record!;
        Assert.True(record.IsSidechain);
        Assert.Equal((Child, Id, "explore"), (record.AgentId, record.RootSessionId, record.SourceMeta["subagent_type"]));
        Assert.Equal("AgentMessage Response", SampleFolder.Kinds(record));
        Assert.Equal("Find ls", record.Title);

        File.Delete(meta);
        var orphan = ReadOne(child).Record!;
        Assert.True(orphan.IsSidechain);
        Assert.Equal((Child, Child), (orphan.AgentId, orphan.RootSessionId));

        // A kind of the subagent family is a subagent too; a person's words its parent passed on stay a prompt.
        var kinded = Session(Child, Summary(Child, "subagent_explore", ""), null, "{\"type\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Find ls\"}],\"prompt_index\":0}",
            "{\"type\":\"user\",\"content\":\"Passed on\",\"synthetic_reason\":\"parent_human_message\"}", Final);
        var explore = ReadOne(kinded).Record!;
        Assert.True(explore.IsSidechain);
        Assert.Equal("AgentMessage Prompt Response", SampleFolder.Kinds(explore));
    }

    [Fact]
    public void A_chat_history_with_nothing_to_show_is_no_record()
    {
        var result = ReadOne(Session(Id, Summary(), null, SystemPrompt, "{\"type\":\"reasoning\",\"summary\":[],\"encrypted_content\":\"x\"}"));
        Assert.Null(result.Record);
        Assert.Equal(RolloutDiagnostic.NoUsableLines, Assert.Single(result.Diagnostics).ErrorId);
    }

    [Fact]
    public void Names_and_places_tell_grok_s_files_and_a_search_finds_every_session_folder_two_levels_down()
    {
        var reader = new GrokCliReader();
        var main = Session(Id, Summary(), Turn(10, 1, 0, 0), Prompt, Final);
        var folder = Path.GetDirectoryName(main)!;
        var meta = Path.Combine(folder, "subagents", Child, "meta.json");
        Directory.CreateDirectory(Path.GetDirectoryName(meta)!);
        File.WriteAllText(meta, "{}");
        var child = Session(Child, Summary(Child, "subagent"), null, Prompt, Final);
        Assert.True(reader.IsTraceFile(main));
        Assert.False(reader.IsTraceFile(Path.Combine(_home, "notes", "chat_history.jsonl")));
        Assert.True(reader.IsSidecarFile(Path.Combine(folder, "summary.json")));
        Assert.True(reader.IsSidecarFile(Path.Combine(folder, "updates.jsonl")));
        Assert.True(reader.IsSidecarFile(meta));
        Assert.False(reader.IsSidecarFile(Path.Combine(_home, "notes", "updates.jsonl")));

        Assert.Equal(new[] { Sessions }, reader.StoresIn(_home));
        Assert.Equal(new[] { Sessions }, reader.StoresIn(Sessions));
        Assert.Empty(reader.StoresIn(folder));
        var located = reader.Locate(Sessions, new TraceSearch(), FormatRegistry.Default).Sessions;
        Assert.Equal(new[] { main, child }, located.Select(s => s.Source.Path));
        Assert.Equal(new[] { Id, Child }, located.Select(s => s.Ids!.TraceId));
        Assert.Equal(new[] { Path.Combine(folder, "summary.json"), Path.Combine(folder, "updates.jsonl") }, located[0].DependsOn);
    }

    [Fact]
    public void Grok_s_lines_are_certain_by_fields_only_grok_writes_there_and_other_agents_typed_lines_are_not_grok_s()
    {
        var reader = new GrokCliReader();
        int Score(string line) => reader.Score(JsonHead.Read(System.Text.Encoding.UTF8.GetBytes(line))!);
        foreach (var line in new[] { SystemPrompt, Prompt, Reasoning, Call, Result, "{\"type\":\"backend_tool_call\",\"kind\":{}}" }) Assert.Equal(DetectionScore.Certain, Score(line));
        Assert.Equal(DetectionScore.None, Score("{\"type\":\"user\",\"content\":\"Hi\"}"));
        Assert.Equal(DetectionScore.None, Score("{\"type\":\"system\",\"content\":\"x\",\"uuid\":\"u\",\"sessionId\":\"s\"}"));
        Assert.Equal(DetectionScore.None, Score("{\"type\":\"reasoning\",\"summary\":[],\"timestamp\":\"2026-01-01T00:00:00Z\"}"));
        Assert.IsType<GrokCliReader>(FormatDetector.MostConfident(JsonHead.Read(System.Text.Encoding.UTF8.GetBytes(SystemPrompt))!, FormatRegistry.Default.All));
    }

    [Fact]
    public void The_default_location_follows_grok_home()
    {
        var previous = Environment.GetEnvironmentVariable(GrokCliReader.HomeVariable);
        try
        {
            Environment.SetEnvironmentVariable(GrokCliReader.HomeVariable, "/g");
            Assert.Equal(Path.Combine("/g", "sessions"), Assert.Single(new GrokCliReader().DefaultLocations()));
            Environment.SetEnvironmentVariable(GrokCliReader.HomeVariable, null);
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".grok", "sessions"), Assert.Single(new GrokCliReader().DefaultLocations()));
        }
        finally
        {
            Environment.SetEnvironmentVariable(GrokCliReader.HomeVariable, previous);
        }
    }
}
