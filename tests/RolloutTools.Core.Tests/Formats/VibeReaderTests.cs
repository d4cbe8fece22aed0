using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.MistralVibe;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Mistral Vibe's session folders and legacy files written here line by line, with every kind of row, damage and missing halves.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class VibeReaderTests : IDisposable
{
    private const string Id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    private readonly string _folder = Directory.CreateTempSubdirectory("vibe-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Sessions => Path.Combine(_folder, "logs", "session");

    private static string Meta(string id = Id, string? parent = null, long prompt = 1200, long completion = 80, string title = "List files") =>
        "{\"session_id\": \"" + id + "\", \"parent_session_id\": " + (parent is null ? "null" : "\"" + parent + "\"") +
        ", \"start_time\": \"2026-04-01T10:00:00+00:00\", \"end_time\": \"2026-04-01T10:00:09.500000+00:00\", \"git_commit\": \"abc\", \"git_branch\": \"main\"," +
        " \"environment\": {\"working_directory\": \"/w\"}, \"username\": \"dev\", \"title\": \"" + title + "\", \"title_source\": \"auto\"," +
        " \"stats\": {\"steps\": 2, \"session_prompt_tokens\": " + prompt + ", \"session_completion_tokens\": " + completion + ", \"session_cost\": 0.0024}," +
        " \"config\": {\"active_model\": \"medium\", \"models\": [{\"name\": \"mistral-medium-latest\", \"provider\": \"mistral\", \"alias\": \"medium\"}]}," +
        " \"agent_profile\": {\"name\": \"default\", \"overrides\": {}}}";

    private const string Prompt = "{\"role\": \"user\", \"content\": \"List the files\", \"injected\": false, \"message_id\": \"u1\"}";
    private const string Call = "{\"role\": \"assistant\", \"content\": \"\", \"injected\": false, \"reasoning_content\": \"Use ls.\", \"tool_calls\": [{\"id\": \"c1\", \"index\": 0, \"function\": {\"name\": \"bash\", \"arguments\": \"{\\\"command\\\": \\\"ls\\\"}\"}, \"type\": \"function\"}], \"message_id\": \"a1\"}";
    private const string Result = "{\"role\": \"tool\", \"content\": \"a.txt\", \"injected\": false, \"name\": \"bash\", \"tool_call_id\": \"c1\"}";
    private const string Final = "{\"role\": \"assistant\", \"content\": \"One file: a.txt\", \"injected\": false, \"message_id\": \"a2\"}";

    /// <summary>A session folder as Vibe writes it: meta.json (or none) and messages.jsonl (or none).</summary>
    private string Folder(string name, string? meta, params string[] rows)
    {
        var folder = Path.Combine(Sessions, name);
        Directory.CreateDirectory(folder);
        if (meta is not null) File.WriteAllText(Path.Combine(folder, "meta.json"), meta);
        if (rows.Length > 0) File.WriteAllText(Path.Combine(folder, "messages.jsonl"), string.Join("\n", rows) + "\n");
        return folder;
    }

    private static IReadOnlyList<ReadResult> Read(params string[] paths)
    {
        var reader = new VibeReader();
        return RolloutLoader.ReadAll(paths.SelectMany(reader.SessionsIn).ToArray(), new ReadOptions(), CancellationToken.None).ToArray();
    }

    private static ReadResult ReadOne(string path) => Assert.Single(Read(path));

    [Fact]
    public void A_session_folder_pairs_calls_with_results_keeps_reasoning_and_carries_the_stated_totals_and_metadata()
    {
        var folder = Folder("session_20260401_100000_0a1b2c3d", Meta(), Prompt, Call, Result, Final);
        var result = ReadOne(Path.Combine(folder, "messages.jsonl"));
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(Id, record.TraceId);
        Assert.Equal(RolloutFormat.MistralVibe, record.Format);
        Assert.Equal("mistral_vibe", record.SourceKind);
        Assert.Equal("Use ls.", record.Messages[1].ReasoningContent);
        Assert.Equal(("c1", "bash", "{\"command\": \"ls\"}"), (record.Messages[1].ToolCalls[0].Id, record.Messages[1].ToolCalls[0].Name, record.Messages[1].ToolCalls[0].Arguments));
        Assert.Equal(("c1", "bash", false), (record.Messages[2].ToolCallId, record.Messages[2].ToolName, record.Messages[2].IsError));
        Assert.Equal(new[] { "mistral-medium-latest" }, record.Models);
        Assert.Equal(new TokenUsage(1200, 80, 0, 0), SampleFolder.Tokens(record));
        Assert.All(record.Messages, m => Assert.Null(m.Usage));
        Assert.Equal(("/w", "main", "List files"), (record.Cwd, record.GitBranch, record.Title));
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 10, 0, 0, TimeSpan.Zero), record.StartedAt);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 10, 0, 9, 500, TimeSpan.Zero), record.EndedAt);
        Assert.False(record.IsSidechain);
        Assert.Equal(0.0024, record.SourceMeta["estimated_cost_usd"]);
        Assert.Equal("mistral", record.SourceMeta["provider"]);
        Assert.Equal("session_20260401_100000_0a1b2c3d", record.SourceMeta["session_folder"]);
    }

    [Fact]
    public void Injected_messages_are_context_the_compaction_envelope_a_summary_and_the_person_s_words_stay_prompts()
    {
        var folder = Folder("session_20260401_100000_0a1b2c3d", Meta(),
            "{\"role\": \"user\", \"content\": \"You are continuing a trajectory after a context compaction.\\n<previous_user_messages>\\n</previous_user_messages>\\n<compaction_summary>\\nListed files.\\n</compaction_summary>\", \"injected\": true, \"message_id\": \"u0\"}",
            "{\"role\": \"user\", \"content\": \"Now count them\", \"injected\": false, \"message_id\": \"u1\", \"user_display_content\": {\"version\": \"1\", \"host\": \"zed\", \"content\": [{\"type\": \"text\", \"text\": \"Now count @them\"}]}}",
            "{\"role\": \"user\", \"content\": \"<vibe_warning>The user has manually updated the plan file.</vibe_warning>\", \"injected\": true, \"message_id\": \"u2\"}",
            "{\"role\": \"assistant\", \"content\": \"Two files.\", \"injected\": false, \"message_id\": \"a1\"}");
        var record = ReadOne(Path.Combine(folder, "messages.jsonl")).Record!;
        Assert.Equal("CompactionSummary Prompt Context Response", SampleFolder.Kinds(record));
        Assert.Equal(MessageRole.User, record.Messages[2].Role);
        // The model was sent "content"; the editor's display of it is counted, not substituted.
        Assert.Equal("Now count them", record.Messages[1].Text);
        Assert.Equal(2L, record.SourceMeta["injected_messages"]);
        Assert.Equal(1L, record.SourceMeta["display_content_messages"]);
    }

    [Fact]
    public void Images_of_a_prompt_are_kept_by_file_or_inline_in_the_current_and_the_flat_shape()
    {
        var folder = Folder("session_20260401_100000_0a1b2c3d", Meta(),
            "{\"role\": \"user\", \"content\": \"What is wrong here?\", \"injected\": false, \"images\": [" +
            "{\"source\": {\"kind\": \"file\", \"path\": \"/w/shot.png\"}, \"alias\": \"shot.png\", \"mime_type\": \"image/png\"}," +
            "{\"source\": {\"kind\": \"inline\", \"data\": \"iVBORw0KGgo=\"}, \"alias\": \"paste\", \"mime_type\": \"image/png\"}," +
            "{\"path\": \"/w/old.jpg\", \"alias\": \"old.jpg\", \"mime_type\": \"image/jpeg\"}]}",
            Final);
        var prompt = ReadOne(Path.Combine(folder, "messages.jsonl")).Record!.Messages[0];
        Assert.Equal(MessageKind.Prompt, prompt.Kind);
        Assert.Equal("What is wrong here?", prompt.Content[0].Text);
        Assert.Equal((ContentBlockType.Image, "/w/shot.png", "image/png"), (prompt.Content[1].Type, prompt.Content[1].Url, prompt.Content[1].MediaType));
        Assert.Equal(("iVBORw0KGgo=", "image/png"), (prompt.Content[2].Data, prompt.Content[2].MediaType));
        Assert.Equal(("/w/old.jpg", "image/jpeg"), (prompt.Content[3].Url, prompt.Content[3].MediaType));
    }

    [Fact]
    public void A_result_vibe_marks_as_a_tool_error_or_a_cancellation_is_an_error()
    {
        var folder = Folder("session_20260401_100000_0a1b2c3d", Meta(), Prompt, Call,
            "{\"role\": \"tool\", \"content\": \"<tool_error>bash failed: exit 2</tool_error>\", \"injected\": false, \"name\": \"bash\", \"tool_call_id\": \"c1\"}", Final);
        var record = ReadOne(Path.Combine(folder, "messages.jsonl")).Record!;
        Assert.True(record.Messages[2].IsError);
        Assert.False(record.SourceMeta.ContainsKey("cancelled_tool_results"));

        Folder("session_20260401_100000_0a1b2c3d", Meta(), Prompt, Call,
            "{\"role\": \"tool\", \"content\": \"<user_cancellation>Tool execution interrupted by user.</user_cancellation>\", \"injected\": false, \"name\": \"bash\", \"tool_call_id\": \"c1\"}", Final);
        var cancelled = ReadOne(Path.Combine(folder, "messages.jsonl")).Record!;
        Assert.True(cancelled.Messages[2].IsError);
        Assert.Equal(1L, cancelled.SourceMeta["cancelled_tool_results"]);
    }

    [Fact]
    public void A_shell_command_the_person_ran_with_a_bang_is_a_command_not_context()
    {
        var folder = Folder("session_20260401_100000_0a1b2c3d", Meta(), Prompt, Final,
            "{\"role\": \"user\", \"content\": \"Manual `!` command result from the user. Use this as context only.\\nCommand: `git status`\\nWorking directory: `/w`\\nExit code: 0\", \"injected\": true, \"message_id\": \"u2\"}",
            "{\"role\": \"user\", \"content\": \"now refactor it\", \"message_id\": \"u3\"}");
        var record = ReadOne(Path.Combine(folder, "messages.jsonl")).Record!;
        Assert.Equal("Prompt Response Command Prompt", SampleFolder.Kinds(record));
        Assert.StartsWith("Manual `!` command", record.Messages[2].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_lines_are_reported_with_their_numbers_and_the_rest_of_the_session_is_read()
    {
        var folder = Folder("session_20260401_100000_0a1b2c3d", Meta(), Prompt, "{not json", Call, "[1, 2]", Result,
            "{\"role\": \"narrator\", \"content\": \"x\", \"injected\": false}", "{\"role\": \"user\", \"content\": 5, \"injected\": false}", Final);
        var result = ReadOne(Path.Combine(folder, "messages.jsonl"));
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(new int?[] { 2, 4, 6, 7 }, result.Diagnostics.Select(d => d.LineNumber));
        Assert.All(result.Diagnostics, d => Assert.Equal((DiagnosticSeverity.Error, RolloutDiagnostic.ParseError), (d.Severity, d.ErrorId)));
        Assert.Contains("not a JSON object", result.Diagnostics[1].Message);
        Assert.Contains("role 'narrator'", result.Diagnostics[2].Message);
        Assert.Equal(4L, result.Record!.SourceMeta["skipped_rows"]);
    }

    [Fact]
    public void A_folder_with_meta_json_and_no_messages_is_a_warning_and_no_record()
    {
        var folder = Folder("session_20260401_100000_0a1b2c3d", Meta());
        var meta = Path.Combine(folder, "meta.json");
        var reader = new VibeReader();
        Assert.True(reader.IsTraceFile(meta));
        Assert.False(reader.IsSidecarFile(meta));
        var result = ReadOne(meta);
        Assert.Null(result.Record);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.NoUsableLines), (warning.Severity, warning.ErrorId));
        Assert.Contains("meta.json but no messages.jsonl", warning.Message);
    }

    [Fact]
    public void Messages_without_meta_json_are_read_under_the_folder_s_name_with_a_warning()
    {
        var folder = Folder("session_20260401_100000_0a1b2c3d", null, Prompt, Final);
        var result = ReadOne(Path.Combine(folder, "messages.jsonl"));
        Assert.Equal("session_20260401_100000_0a1b2c3d", result.Record!.TraceId);
        Assert.Equal("List the files", result.Record.Title);
        Assert.Equal(0, result.Record.TotalTokens);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("no meta.json beside it", warning.Message);
    }

    [Fact]
    public void A_damaged_meta_json_is_a_warning_naming_it_and_the_messages_are_read_without_it()
    {
        var folder = Folder("session_20260401_100000_0a1b2c3d", "{\"session_id\": \"x\", \"stats\": {\"session_prompt_tokens\": \"many\"}}", Prompt, Final);
        var result = ReadOne(Path.Combine(folder, "messages.jsonl"));
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((RolloutDiagnostic.SidecarDamaged, Path.Combine(folder, "meta.json")), (warning.ErrorId, warning.Path));
        Assert.Contains("session_prompt_tokens", warning.Message);
    }

    [Fact]
    public void A_legacy_file_is_read_whole_with_its_system_prompt_and_its_migrated_copy_wins_over_it()
    {
        Directory.CreateDirectory(Sessions);
        var legacy = Path.Combine(Sessions, "session_20251201_140000_a1b2c3d4.json");
        File.WriteAllText(legacy, "{\n  \"metadata\": {\n    \"session_id\": \"a1b2c3d4-0000\",\n    \"start_time\": \"2025-12-01T14:00:03.5\",\n    \"end_time\": \"2025-12-01T14:02:10\",\n" +
            "    \"environment\": {\"working_directory\": \"/w\"},\n    \"username\": \"dev\",\n    \"stats\": {\"session_prompt_tokens\": 300, \"session_completion_tokens\": 20},\n" +
            "    \"agent_config\": {\"active_model\": \"devstral-2\", \"models\": [{\"name\": \"mistral-vibe-cli-latest\", \"provider\": \"mistral\", \"alias\": \"devstral-2\"}]}\n  },\n" +
            "  \"messages\": [\n    {\"role\": \"system\", \"content\": \"You are Vibe.\"},\n    {\"role\": \"user\", \"content\": \"Hi\"},\n    {\"role\": \"assistant\", \"content\": \"Hello.\"}\n  ]\n}");
        var record = ReadOne(legacy).Record!;
        Assert.Equal("Context Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(MessageRole.System, record.Messages[0].Role);
        Assert.Equal(("a1b2c3d4-0000", "legacy_json"), (record.TraceId, record.SourceMeta["store"]));
        Assert.Equal(new[] { "mistral-vibe-cli-latest" }, record.Models);
        Assert.Equal(new TokenUsage(300, 20, 0, 0), SampleFolder.Tokens(record));
        // Vibe before 2.0 wrote its local clock without an offset.
        Assert.Equal(new DateTimeOffset(new DateTime(2025, 12, 1, 14, 0, 3, 500, DateTimeKind.Local)), record.StartedAt);

        // Vibe 2.0 moved it into a folder of its name and stopped before deleting it: the folder is the session.
        Folder("session_20251201_140000_a1b2c3d4", Meta("a1b2c3d4-0000"), "{\"role\": \"system\", \"content\": \"You are Vibe.\"}", "{\"role\": \"user\", \"content\": \"Hi\"}");
        var skipped = ReadOne(legacy);
        Assert.Null(skipped.Record);
        Assert.Contains("read from '" + Path.Combine(Sessions, "session_20251201_140000_a1b2c3d4") + "' instead", skipped.SkipMessage);
    }

    [Fact]
    public void A_legacy_file_of_another_session_prefix_named_with_its_format_is_read_as_a_document()
    {
        Directory.CreateDirectory(Sessions);
        var legacy = Path.Combine(Sessions, "work_20251201_140000_a1b2c3d4.json");
        File.WriteAllText(legacy, "{\n  \"metadata\": {\"session_id\": \"a1b2c3d4-0000\"},\n  \"messages\": [\n    {\"role\": \"user\", \"content\": \"Hi\"}\n  ]\n}");
        Assert.False(new VibeReader().IsTraceFile(legacy));
        var record = ReadOne(legacy).Record!;
        Assert.Equal(("a1b2c3d4-0000", "Prompt"), (record.TraceId, SampleFolder.Kinds(record)));
    }

    [Fact]
    public void A_migration_that_wrote_only_meta_json_leaves_the_session_to_its_legacy_file()
    {
        var folder = Folder("session_20251201_140000_a1b2c3d4", Meta("a1b2c3d4-0000"));
        File.WriteAllText(folder + ".json", "{\"metadata\": {}, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello.\"}]}");
        var results = Read(Path.Combine(folder, "meta.json"), folder + ".json");
        Assert.Null(results[0].Record);
        Assert.Contains("read from '" + folder + ".json'", results[0].SkipMessage);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(results[1].Record!));
    }

    [Fact]
    public void A_damaged_legacy_file_is_an_error_at_its_line_and_a_message_of_the_wrong_kind_is_skipped()
    {
        Directory.CreateDirectory(Sessions);
        var legacy = Path.Combine(Sessions, "session_20251201_140000_a1b2c3d4.json");
        File.WriteAllText(legacy, "{\n  \"metadata\": {},\n  \"messages\": [\n    {\"role\": \"user\",\n");
        var broken = ReadOne(legacy);
        Assert.Null(broken.Record);
        Assert.Contains(broken.Diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.LineNumber is > 1);

        File.WriteAllText(legacy, "{\n  \"metadata\": {},\n  \"messages\": [\n    \"hello\",\n    {\"role\": \"user\", \"content\": \"Hi\"}\n  ]\n}");
        var result = ReadOne(legacy);
        Assert.Equal("Prompt", SampleFolder.Kinds(result.Record!));
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((RolloutDiagnostic.ParseError, 4), (error.ErrorId, error.LineNumber));
    }

    [Fact]
    public void A_session_that_continues_a_compacted_one_counts_only_what_it_added_to_the_stats_it_kept()
    {
        const string parent = "11112222-3333-4444-5555-5d6e7f8a9b01";
        const string child = "99998888-7777-4666-8555-5d6e7f8a9b01";
        const string envelope = "{\"role\": \"user\", \"content\": \"<previous_user_messages>\\n</previous_user_messages>\\n<compaction_summary>\\nDone so far.\\n</compaction_summary>\", \"injected\": true, \"message_id\": \"u0\"}";
        var childFolder = Folder("session_20260401_101000_99998888", Meta(child, parent, prompt: 5000, completion: 400, title: "<previous_user_messa…"), envelope, Prompt, Final);
        var alone = ReadOne(Path.Combine(childFolder, "messages.jsonl")).Record!;
        Assert.Equal(new TokenUsage(5000, 400, 0, 0), SampleFolder.Tokens(alone));
        Assert.True((bool)alone.SourceMeta["continues_compacted_session"]);
        Assert.False(alone.SourceMeta.ContainsKey("parent_tokens_taken_out"));

        Folder("session_20260401_100000_11112222", Meta(parent, prompt: 3000, completion: 150), Prompt, Final);
        var record = ReadOne(Path.Combine(childFolder, "messages.jsonl")).Record!;
        Assert.Equal(new TokenUsage(2000, 250, 0, 0), SampleFolder.Tokens(record));
        Assert.True((bool)record.SourceMeta["parent_tokens_taken_out"]);
        Assert.Equal(child, record.RootSessionId);
        // Vibe's stand-in title was cut from the envelope; the person's first prompt names the session.
        Assert.Equal("List the files", record.Title);

        // A fork of the continued session opens with the same envelope but counts from zero: its totals are its own.
        const string fork = "77776666-5555-4444-8333-5d6e7f8a9b01";
        var forkFolder = Folder("session_20260401_102000_77776666", Meta(fork, child, prompt: 900, completion: 60), envelope, Prompt, Final);
        var forked = ReadOne(Path.Combine(forkFolder, "messages.jsonl")).Record!;
        Assert.Equal(new TokenUsage(900, 60, 0, 0), SampleFolder.Tokens(forked));
        Assert.False(forked.SourceMeta.ContainsKey("parent_tokens_taken_out"));
    }

    [Fact]
    public void A_session_a_rewind_started_counts_only_what_it_added_to_the_stats_it_kept()
    {
        const string parent = "11112222-3333-4444-5555-5d6e7f8a9b02";
        const string child = "99998888-7777-4666-8555-5d6e7f8a9b02";
        Folder("session_20260401_100000_11112222", Meta(parent, prompt: 1000, completion: 100), Prompt, Final,
            "{\"role\": \"user\", \"content\": \"now refactor it\", \"message_id\": \"u3\"}");
        // A rewind keeps the rows before the message it returns to and goes on in a new session, with the same stats.
        var childFolder = Folder("session_20260401_101000_99998888", Meta(child, parent, prompt: 1500, completion: 150), Prompt, Final,
            "{\"role\": \"user\", \"content\": \"rename it instead\", \"message_id\": \"u4\"}");
        var record = ReadOne(Path.Combine(childFolder, "messages.jsonl")).Record!;
        Assert.Equal(new TokenUsage(500, 50, 0, 0), SampleFolder.Tokens(record));
        Assert.True((bool)record.SourceMeta["parent_tokens_taken_out"]);
        Assert.False(record.SourceMeta.ContainsKey("continues_compacted_session"));
    }

    [Fact]
    public void A_subagent_is_a_sidechain_of_its_parent_linked_to_the_task_call_that_started_it()
    {
        const string parent = "11112222-3333-4444-5555-666677778888";
        const string sub = "abcdef01-3333-4444-5555-666677778888";
        var parentFolder = Folder("session_20260401_100000_11112222", Meta(parent), Prompt,
            "{\"role\": \"assistant\", \"content\": \"\", \"injected\": false, \"tool_calls\": [{\"id\": \"t1\", \"index\": 0, \"function\": {\"name\": \"task\", \"arguments\": \"{\\\"task\\\": \\\"Find the tests\\\", \\\"agent\\\": \\\"explore\\\"}\"}, \"type\": \"function\"}]}",
            "{\"role\": \"tool\", \"content\": \"response: tests/\", \"injected\": false, \"name\": \"task\", \"tool_call_id\": \"t1\"}", Final);
        var subFolder = Path.Combine(parentFolder, "agents", "explore_20260401_100005_abcdef01");
        Directory.CreateDirectory(subFolder);
        File.WriteAllText(Path.Combine(subFolder, "meta.json"), Meta(sub, parent, title: "Scratchpad directory: /tmp/sp\\nYou can read and…"));
        File.WriteAllText(Path.Combine(subFolder, "messages.jsonl"),
            "{\"role\": \"user\", \"content\": \"Scratchpad directory: /tmp/sp\\nYou can read and write files here without permission prompts.\\n\\nFind the tests\", \"injected\": false}\n" + Final + "\n");
        var record = ReadOne(Path.Combine(subFolder, "messages.jsonl")).Record!;
        Assert.True(record.IsSidechain);
        Assert.Equal((sub, parent), (record.AgentId, record.RootSessionId));
        Assert.Equal("AgentMessage Response", SampleFolder.Kinds(record));
        Assert.Equal("t1", record.SourceMeta["parent_tool_use_id"]);
        Assert.Equal("Find the tests", record.Title);
    }

    [Fact]
    public void Names_and_places_tell_vibe_s_files_and_a_search_finds_sessions_and_subagents_but_no_meta_json_beside_messages()
    {
        var reader = new VibeReader();
        var folder = Folder("session_20260401_100000_0a1b2c3d", Meta(), Prompt, Final);
        Assert.True(reader.IsTraceFile(Path.Combine(folder, "messages.jsonl")));
        Assert.False(reader.IsTraceFile(Path.Combine(folder, "meta.json")));
        Assert.True(reader.IsSidecarFile(Path.Combine(folder, "meta.json")));
        Assert.False(reader.IsTraceFile(Path.Combine(_folder, "notes", "messages.jsonl")));
        Assert.True(reader.IsTraceFile(Path.Combine(_folder, "session_20251201_140000_a1b2c3d4.json")));
        Assert.False(reader.IsTraceFile(Path.Combine(_folder, "session.json")));
        var sub = Folder(Path.Combine("session_20260401_100000_0a1b2c3d", "agents", "explore_20260401_100005_abcdef01"), Meta("abcdef01"), Prompt, Final);

        Assert.Equal(new[] { Sessions }, reader.StoresIn(_folder));
        Assert.Equal(new[] { Sessions }, reader.StoresIn(Sessions));
        Assert.Empty(reader.StoresIn(folder));
        var located = reader.Locate(Sessions, new TraceSearch(), FormatRegistry.Default).Sessions;
        Assert.Equal(new[] { Path.Combine(folder, "messages.jsonl"), Path.Combine(sub, "messages.jsonl") }.Order(StringComparer.Ordinal), located.Select(s => s.Source.Path).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { Path.Combine(folder, "meta.json") }, located.Single(s => s.Source.Path == Path.Combine(folder, "messages.jsonl")).DependsOn);
    }

    [Fact]
    public void A_vibe_row_is_certain_by_its_injected_flag_and_a_plain_chat_row_is_not_vibe_s()
    {
        var reader = new VibeReader();
        Assert.Equal(DetectionScore.Certain, reader.Score(JsonHead.Read(System.Text.Encoding.UTF8.GetBytes(Prompt))!));
        Assert.Equal(DetectionScore.None, reader.Score(JsonHead.Read("{\"role\": \"user\", \"content\": \"Hi\"}"u8)!));
    }

    [Fact]
    public void The_default_location_follows_vibe_home()
    {
        var previous = Environment.GetEnvironmentVariable(VibeReader.HomeVariable);
        try
        {
            Environment.SetEnvironmentVariable(VibeReader.HomeVariable, "/v");
            Assert.Equal(Path.Combine("/v", "logs", "session"), Assert.Single(new VibeReader().DefaultLocations()));
            Environment.SetEnvironmentVariable(VibeReader.HomeVariable, null);
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".vibe", "logs", "session"), Assert.Single(new VibeReader().DefaultLocations()));
        }
        finally
        {
            Environment.SetEnvironmentVariable(VibeReader.HomeVariable, previous);
        }
    }
}
