using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.FactoryDroid;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Droid session files and settings written here line by line: damage, lines and blocks not known, titles, layout.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class DroidReaderTests : IDisposable
{
    private const string Id = "4d2c9a10-7e3b-4f5a-9c8d-1e2f3a4b5c6d";
    private readonly string _folder = Directory.CreateTempSubdirectory("droid-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Sessions => Path.Combine(_folder, ".factory", "sessions");

    private static string Start(string title = "list files", string extra = "") =>
        "{\"type\":\"session_start\",\"id\":\"" + Id + "\",\"title\":\"" + title + "\",\"sessionTitle\":\"List Project Files\",\"owner\":\"dev\",\"version\":2,\"cwd\":\"/w\"" + extra + "}";

    private const string Prompt = """{"type":"message","id":"u1","timestamp":"2026-04-01T10:00:00.000Z","message":{"role":"user","content":[{"type":"text","text":"List the files"}]}}""";
    private const string Call = """{"type":"message","id":"a1","parentId":"u1","timestamp":"2026-04-01T10:00:03.000Z","message":{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"LS","input":{"directory_path":"/w"}}]}}""";
    private const string Result = """{"type":"message","id":"u2","parentId":"a1","timestamp":"2026-04-01T10:00:04.000Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"a.txt"}]}}""";
    private const string Final = """{"type":"message","id":"a2","parentId":"u2","timestamp":"2026-04-01T10:00:09.000Z","message":{"role":"assistant","content":[{"type":"text","text":"One file: a.txt"}]}}""";

    private const string Settings = """{"model":"claude-sonnet-4-5-20250929","providerLock":"anthropic","tokenUsage":{"inputTokens":1200,"outputTokens":80,"cacheCreationTokens":300,"cacheReadTokens":4000,"thinkingTokens":12,"factoryCredits":0}}""";

    /// <summary>A session file in a workspace folder, with its settings file when given.</summary>
    private string Session(string? settings, params string[] lines)
    {
        var folder = Path.Combine(Sessions, "-w");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Id + ".jsonl");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        if (settings is not null) File.WriteAllText(Path.Combine(folder, Id + ".settings.json"), settings);
        return path;
    }

    private static ReadResult ReadOne(string path)
    {
        var reader = new DroidReader();
        return Assert.Single(RolloutLoader.ReadAll(reader.SessionsIn(path), new ReadOptions(), CancellationToken.None));
    }

    [Fact]
    public void A_session_pairs_its_call_with_the_result_and_takes_model_and_totals_from_the_settings_file()
    {
        var result = ReadOne(Session(Settings, Start(), Prompt, Call, Result, Final));
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal((Id, RolloutFormat.FactoryDroid, "factory_droid"), (record.TraceId, record.Format, record.SourceKind));
        Assert.Equal("LS", record.Messages[2].ToolName);
        Assert.Equal("claude-sonnet-4-5-20250929", record.Messages[1].Model);
        Assert.Equal(new TokenUsage(1200, 80, 4000, 300), SampleFolder.Tokens(record));
        Assert.Equal(12L, record.SourceMeta["thinking_tokens"]);
        Assert.Equal("-w", record.SourceMeta["workspace_folder"]);
        Assert.Equal(TimeSpan.FromSeconds(9), record.Duration);
    }

    [Fact]
    public void A_damaged_line_is_an_error_with_its_number_and_the_rest_still_reads()
    {
        var path = Session(Settings, Start(), Prompt, "{\"type\":\"message\",\"id\":", Call, Result, Final);
        var result = ReadOne(path);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Error, RolloutDiagnostic.ParseError, path, (int?)3), (error.Severity, error.ErrorId, error.Path, error.LineNumber));
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(1L, result.Record!.SourceMeta["skipped_lines"]);
    }

    [Fact]
    public void A_line_type_and_a_block_type_not_known_are_warnings_naming_their_lines_and_a_role_not_known_is_skipped()
    {
        var path = Session(null, Start(), Prompt,
            """{"type":"branch_marker","id":"x1","timestamp":"2026-04-01T10:00:01.000Z"}""",
            """{"type":"message","id":"a0","timestamp":"2026-04-01T10:00:02.000Z","message":{"role":"assistant","content":[{"type":"text","text":"Looking."},{"type":"web_citation","url":"https://example.com"}]}}""",
            """{"type":"message","id":"s0","timestamp":"2026-04-01T10:00:02.500Z","message":{"role":"developer","content":"be brief"}}""",
            Call, Result, Final);
        var result = ReadOne(path);
        Assert.Equal(new (DiagnosticSeverity, int?)[] { (DiagnosticSeverity.Warning, 3), (DiagnosticSeverity.Warning, 4), (DiagnosticSeverity.Error, 5) },
            result.Diagnostics.Select(d => (d.Severity, d.LineNumber)));
        Assert.Contains("'branch_marker'", result.Diagnostics[0].Message);
        Assert.Contains("'web_citation'", result.Diagnostics[1].Message);
        Assert.Contains("'developer'", result.Diagnostics[2].Message);
        Assert.Equal("Prompt Response Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal("Looking.", result.Record!.Messages[1].Text);
    }

    private static string UserLine(string id, string content, string extra = "") =>
        "{\"type\":\"message\",\"id\":\"" + id + "\",\"timestamp\":\"2026-04-01T10:00:01.000Z\",\"message\":{\"role\":\"user\"" + extra + ",\"content\":" + content + "}}";

    [Fact]
    public void Reminders_around_the_persons_words_in_one_block_are_context_and_the_words_between_the_prompt()
    {
        var text = System.Text.Json.JsonSerializer.Serialize(new[] { new { type = "text", text = "<system-reminder>env</system-reminder>\n\nPlease add tests\n<system-reminder>TodoWrite was not called yet</system-reminder>" } });
        var record = ReadOne(Session(null, Start(), UserLine("u1", text), Final)).Record!;
        Assert.Equal("Context Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(new[] { "<system-reminder>env</system-reminder>", "<system-reminder>TodoWrite was not called yet</system-reminder>" },
            record.Messages[0].Content.Select(b => b.Text));
        Assert.Equal("Please add tests", record.Messages[1].Text);
        Assert.Equal(1L, record.SourceMeta["context_messages"]);
    }

    [Fact]
    public void A_bash_mode_run_is_a_command_with_its_output_not_a_prompt()
    {
        var run = "{\"type\":\"bash_result\",\"command\":\"git status\",\"stdout\":\"clean\\n\",\"stderr\":\"warn\",\"exitCode\":1}";
        var content = System.Text.Json.JsonSerializer.Serialize(new[] { new { type = "text", text = run } });
        var record = ReadOne(Session(null, Start(), UserLine("u1", content), Prompt, Final)).Record!;
        Assert.Equal("Command Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal((MessageRole.User, "$ git status\nclean\nwarn\n(exit code 1)"), (record.Messages[0].Role, record.Messages[0].Text));
        Assert.Equal(1L, record.SourceMeta["shell_commands"]);
    }

    [Fact]
    public void Hook_output_and_a_services_messages_are_no_prompts_and_a_tool_message_answers_its_call()
    {
        const string words = "[{\"type\":\"text\",\"text\":\"words\"}]";
        var tool = """{"type":"message","id":"u2","parentId":"a1","timestamp":"2026-04-01T10:00:04.000Z","message":{"role":"tool","content":[{"type":"tool_result","tool_use_id":"t1","content":"a.txt"}]}}""";
        var system = """{"type":"message","id":"s1","timestamp":"2026-04-01T10:00:05.000Z","message":{"role":"system","content":"be brief"}}""";
        var record = ReadOne(Session(null, Start(),
            UserLine("u0", words, ",\"userMessageSource\":\"readiness-evaluation\""), Call, tool,
            UserLine("h1", words, ",\"hookEventName\":\"UserPromptSubmit\""), system, Prompt, Final)).Record!;
        Assert.Equal("AgentMessage Response ToolResult Synthetic Context Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("a.txt", record.Messages[2].Text);
        Assert.Equal(MessageRole.System, record.Messages[4].Role);
        Assert.False(record.SourceMeta.ContainsKey("unanswered_tool_calls"));
        Assert.Equal((1L, 1L), ((long)record.SourceMeta["hook_messages"], (long)record.SourceMeta["service_messages"]));
        Assert.Equal("List the files", record.Messages.First(m => m.Kind == MessageKind.Prompt).Text);
    }

    [Fact]
    public void Settings_lines_and_documents_are_counted_a_time_in_milliseconds_is_read_and_a_summary_not_text_is_reported()
    {
        var document = UserLine("u1", """[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"AAA"}},{"type":"text","text":"summarise this pdf"}]""");
        var dated = """{"type":"message","id":"a9","timestamp":1775037609000,"message":{"role":"assistant","content":[{"type":"text","text":"Summary."}]}}""";
        var path = Session(null, Start(), """{"type":"session_settings","autonomyLevel":"low"}""", document, dated,
            """{"type":"compaction_state","summaryText":5,"removedCount":3,"timestamp":"2026-04-01T10:00:10.000Z"}""");
        var result = ReadOne(path);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, (int?)5), (warning.Severity, warning.LineNumber));
        Assert.Contains("summaryText", warning.Message);
        var record = result.Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1775037609000), record.Messages[1].Timestamp);
        Assert.Equal((1L, 1L), ((long)record.SourceMeta["settings_lines"], (long)record.SourceMeta["documents"]));
    }

    [Fact]
    public void A_calls_input_is_compact_json_and_an_images_media_type_may_be_spelled_in_camel_case()
    {
        var image = UserLine("u1", """[{"type":"image","source":{"type":"base64","mediaType":"image/png","data":"iVBO"}},{"type":"text","text":"what is this?"}]""");
        var call = """{"type":"message","id":"a1","timestamp":"2026-04-01T10:00:03.000Z","message":{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"LS","input":{ "directory_path" : "/w" }}]}}""";
        var record = ReadOne(Session(null, Start(), image, call, Result, Final)).Record!;
        Assert.Equal("image/png", record.Messages[0].Content.Single(b => b.Type == ContentBlockType.Image).MediaType);
        Assert.Equal("{\"directory_path\":\"/w\"}", record.Messages[1].ToolCalls.Single().Arguments);
    }

    [Fact]
    public void A_damaged_settings_file_is_a_warning_and_the_session_reads_without_model_or_tokens()
    {
        var path = Session("""{"model":"m","tokenUsage":{"inputTokens":"many"}}""", Start(), Prompt, Final);
        var result = ReadOne(path);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.SidecarDamaged, Path.ChangeExtension(path, ".settings.json")), (warning.Severity, warning.ErrorId, warning.Path));
        Assert.Contains("\"tokenUsage\".\"inputTokens\"", warning.Message);
        Assert.Equal(0, result.Record!.TotalTokens);
        Assert.Empty(result.Record.Models);
        Assert.Equal(true, result.Record.SourceMeta["no_settings_file"]);
    }

    [Fact]
    public void The_title_is_the_generated_one_unless_the_person_named_the_session_and_then_the_first_prompt()
    {
        Assert.Equal("List Project Files", ReadOne(Session(null, Start(), Prompt, Final)).Record!.Title);
        Assert.Equal("Files of w", ReadOne(Session(null, Start("Files of w", ",\"isSessionTitleManuallySet\":true"), Prompt, Final)).Record!.Title);
        var bare = "{\"type\":\"session_start\",\"id\":\"" + Id + "\"}";
        Assert.Equal("List the files", ReadOne(Session(null, bare, Prompt, Final)).Record!.Title);
    }

    [Fact]
    public void A_message_whose_content_is_neither_text_nor_blocks_is_an_error_at_its_line_and_messages_of_nothing_are_a_warning()
    {
        var retyped = """{"type":"message","id":"u9","timestamp":"2026-04-01T10:00:00.000Z","message":{"role":"user","content":12345}}""";
        var path = Session(null, Start(), retyped, Final);
        var result = ReadOne(path);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Error, (int?)2), (error.Severity, error.LineNumber));
        Assert.Contains("JSON number", error.Message);
        Assert.Equal("Response", SampleFolder.Kinds(result.Record!));

        var empty = ReadOne(Session(null, Start(), """{"type":"message","id":"u1","timestamp":"2026-04-01T10:00:00.000Z","message":{"role":"user","content":[]}}"""));
        Assert.Null(empty.Record);
        Assert.Null(empty.SkipReason);
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.NoUsableLines), (Assert.Single(empty.Diagnostics).Severity, empty.Diagnostics[0].ErrorId));
    }

    [Fact]
    public void A_file_with_only_its_start_line_is_skipped_as_holding_no_message_yet()
    {
        var result = ReadOne(Session(Settings, Start()));
        Assert.Null(result.Record);
        Assert.Equal("the session holds no message yet", result.SkipReason);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void A_result_for_no_call_is_counted_and_a_call_without_a_result_too()
    {
        var orphan = """{"type":"message","id":"u3","timestamp":"2026-04-01T10:00:05.000Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"nope","content":"x"}]}}""";
        var record = ReadOne(Session(null, Start(), Prompt, Call, orphan)).Record!;
        Assert.Equal(1L, record.SourceMeta["orphan_tool_results"]);
        Assert.Equal(1L, record.SourceMeta["unanswered_tool_calls"]);
    }

    [Fact]
    public void Turn_outcomes_and_session_ends_are_counted_by_kind()
    {
        var record = ReadOne(Session(null, Start(), Prompt, Final,
            """{"type":"agent_turn_outcome","id":"o1","turnId":"t1","reason":"end_turn","resultKind":"success"}""",
            """{"type":"agent_turn_outcome","id":"o2","turnId":"t2","reason":"error","resultKind":"provider_error"}""",
            """{"type":"session_end","id":"e1"}""")).Record!;
        var outcomes = Assert.IsAssignableFrom<IReadOnlyDictionary<string, long>>(record.SourceMeta["turn_outcomes"]);
        Assert.Equal(new Dictionary<string, long> { ["success"] = 1, ["provider_error"] = 1, ["session_end"] = 1 }, outcomes.ToDictionary(p => p.Key, p => p.Value));
    }

    [Fact]
    public void A_search_by_id_passes_over_session_files_named_for_other_sessions()
    {
        var path = Session(Settings, Start(), Prompt, Final);
        var reader = new DroidReader();
        Assert.Equal(new NamedIds(Id), Assert.Single(reader.SessionsIn(path)).Ids);
        Assert.False(new SessionIdFilter(new[] { "0b1c2d3e" }).MayMatch(Assert.Single(reader.SessionsIn(path)).Ids!));
        Assert.True(new SessionIdFilter(new[] { "4d2c9a10" }).MayMatch(Assert.Single(reader.SessionsIn(path)).Ids!));

        // A file named otherwise may hold any session, so it is read.
        var renamed = Path.Combine(Path.GetDirectoryName(path)!, "exported.jsonl");
        File.Copy(path, renamed);
        Assert.Null(Assert.Single(reader.SessionsIn(renamed)).Ids);
    }

    [Fact]
    public void The_settings_file_is_a_sidecar_the_session_depends_on_and_a_factory_home_holds_the_store()
    {
        var path = Session(Settings, Start(), Prompt, Final);
        var reader = new DroidReader();
        var settings = Path.ChangeExtension(path, ".settings.json");
        Assert.True(reader.IsSidecarFile(settings));
        Assert.False(reader.IsSidecarFile(Path.Combine(_folder, "other.settings.json")));
        Assert.Equal(new[] { settings }, Assert.Single(reader.SessionsIn(path)).DependsOn);
        Assert.Equal(new[] { Sessions }, reader.StoresIn(Path.Combine(_folder, ".factory")));
        Assert.Equal(new[] { Sessions }, reader.StoresIn(Sessions));
        var codexLike = Directory.CreateDirectory(Path.Combine(_folder, "elsewhere", "sessions", "2026")).FullName;
        File.WriteAllText(Path.Combine(codexLike, "rollout.jsonl"), "{}\n");
        Assert.Empty(reader.StoresIn(Path.Combine(_folder, "elsewhere")));
    }

    [Fact]
    public void The_default_location_is_under_the_home_or_FACTORY_HOME_OVERRIDE_unless_DROID_SESSIONS_DIR_names_one()
    {
        var previous = Environment.GetEnvironmentVariable(DroidReader.SessionsVariable);
        var previousHome = Environment.GetEnvironmentVariable(DroidReader.HomeVariable);
        try
        {
            Environment.SetEnvironmentVariable(DroidReader.SessionsVariable, null);
            Environment.SetEnvironmentVariable(DroidReader.HomeVariable, null);
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".factory", "sessions"), Assert.Single(new DroidReader().DefaultLocations()));
            Environment.SetEnvironmentVariable(DroidReader.HomeVariable, _folder);
            Assert.Equal(Sessions, Assert.Single(new DroidReader().DefaultLocations()));
            var named = Path.Combine(_folder, "elsewhere");
            Environment.SetEnvironmentVariable(DroidReader.SessionsVariable, named);
            Assert.Equal(named, Assert.Single(new DroidReader().DefaultLocations()));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DroidReader.SessionsVariable, previous);
            Environment.SetEnvironmentVariable(DroidReader.HomeVariable, previousHome);
        }
    }

    [Theory]
    [InlineData("""{"type":"session_start","id":"s","title":"t","sessionTitle":"T","owner":"o","version":2,"cwd":"/w","isSessionTitleManuallySet":false}""")]
    [InlineData("""{"type":"session_start","id":"s","title":"t","cwd":"/w"}""")]
    public void Detection_picks_Droid_for_its_start_line_and_leaves_Pi_its_own(string line)
    {
        var scores = FormatRegistry.Default.All.Select(r => (r.Format, Score: r.Score(JsonHead.Read(Encoding.UTF8.GetBytes(line))!))).ToArray();
        var best = scores.Max(s => s.Score);
        Assert.Equal(RolloutFormat.FactoryDroid, Assert.Single(scores, s => s.Score == best).Format);
        var pi = JsonHead.Read("""{"type":"session","version":3,"id":"s","timestamp":"2026-04-01T10:00:00.000Z","cwd":"/w"}"""u8)!;
        Assert.Equal(DetectionScore.None, new DroidReader().Score(pi));
    }
}
