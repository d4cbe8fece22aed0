using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Continue;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Each kind of history item and message part Continue writes into a session file, the index beside it, and damage.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class ContinueReaderTests : IDisposable
{
    private const string Id = "11111111-2222-4333-8444-555555555555";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-continue-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Sessions => Directory.CreateDirectory(Path.Combine(_folder.FullName, ".continue", "sessions")).FullName;

    /// <summary>Writes sessions/&lt;id&gt;.json (and sessions.json when given) and reads it as Get-AgentRollout would.</summary>
    private ReadResult Read(string session, string? index = null, string id = Id)
    {
        var path = Path.Combine(Sessions, id + ".json");
        File.WriteAllText(path, session);
        if (index is not null) File.WriteAllText(Path.Combine(Sessions, "sessions.json"), index);
        var reference = Assert.Single(new ContinueReader().SessionsIn(path));
        return Assert.Single(RolloutLoader.ReadAll(new[] { reference }, new ReadOptions(), CancellationToken.None));
    }

    private static string Session(string history, string extra = "") =>
        $$"""{"sessionId":"{{Id}}","title":"A title","workspaceDirectory":"file:///home/dev/app","history":[{{history}}]{{extra}}}""";

    private const string Hello = """{"message":{"role":"user","content":"hello"},"contextItems":[]}""";

    [Fact]
    public void String_content_reads_as_prompt_and_response_with_the_title_workspace_and_id_of_the_file()
    {
        var result = Read(Session(Hello + """,{"message":{"role":"assistant","content":"Hi."},"contextItems":[]}"""));
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(("hello", "Hi."), (record.Messages[0].Text, record.Messages[1].Text));
        Assert.Equal((Id, Id, "A title"), (record.TraceId, record.RootSessionId, record.Title));
        Assert.Equal(("/home/dev/app", "/home/dev/app"), (record.Cwd, record.ProjectPath));
        Assert.Equal((RolloutFormat.Continue, "continue"), (record.Format, record.SourceKind));
        Assert.Null(record.StartedAt);
        Assert.Null(record.Messages[1].Usage);
    }

    [Fact]
    public void Text_and_image_parts_stay_apart_and_an_unknown_part_keeps_its_json()
    {
        var record = Read(Session("""
            {"message":{"role":"user","content":[{"type":"text","text":"see"},{"type":"imageUrl","imageUrl":{"url":"https://example.test/a.png"}},{"type":"audio","data":"x"}]},"contextItems":[]}
            """)).Record!;
        var content = Assert.Single(record.Messages).Content;
        Assert.Equal(3, content.Count);
        Assert.Equal("see", content[0].Text);
        Assert.Equal((ContentBlockType.Image, "https://example.test/a.png"), (content[1].Type, content[1].Url));
        Assert.Equal("""{"type":"audio","data":"x"}""", content[2].Text);
    }

    [Fact]
    public void Context_items_become_one_context_message_before_the_prompt_never_part_of_it()
    {
        var record = Read(Session("""
            {"message":{"role":"user","content":"explain"},"contextItems":[
              {"content":"```a.ts\nconst a = 1;\n```","name":"a.ts","description":"src/a.ts","id":{"providerTitle":"file","itemId":"1"}},
              {"content":"","name":"empty","description":"nothing","id":{"providerTitle":"file","itemId":"2"}},
              {"content":"diff --git a/b b/b","name":"diff","description":"git diff","id":{"providerTitle":"diff","itemId":"3"}}]}
            """)).Record!;
        Assert.Equal("Context Prompt", SampleFolder.Kinds(record));
        Assert.Equal(MessageRole.User, record.Messages[0].Role);
        Assert.Equal(new[] { "```a.ts\nconst a = 1;\n```", "diff --git a/b b/b" }, record.Messages[0].Content.Select(b => b.Text));
        Assert.Equal("explain", record.Messages[1].Text);
        Assert.Equal(2L, record.SourceMeta["context_items"]);
    }

    [Fact]
    public void A_system_message_is_context_and_an_empty_prompt_is_counted_not_shown()
    {
        var record = Read(Session("""
            {"message":{"role":"system","content":"You are a helper."},"contextItems":[]},
            {"message":{"role":"user","content":""},"contextItems":[]},
            """ + Hello)).Record!;
        Assert.Equal("Context Prompt", SampleFolder.Kinds(record));
        Assert.Equal(MessageRole.System, record.Messages[0].Role);
        Assert.Equal(1L, record.SourceMeta["empty_prompts"]);
    }

    [Fact]
    public void Thinking_then_assistant_is_one_response_and_redacted_thinking_leaves_no_text()
    {
        var record = Read(Session(Hello + """
            ,{"message":{"role":"thinking","content":[{"type":"text","text":"plan"}],"signature":"s"},"contextItems":[]}
            ,{"message":{"role":"assistant","content":"done"},"contextItems":[]}
            ,{"message":{"role":"user","content":"again"},"contextItems":[]}
            ,{"message":{"role":"thinking","content":"internal reasoning is hidden due to safety reasons","redactedThinking":"abc"},"contextItems":[]}
            ,{"message":{"role":"assistant","content":"ok"},"contextItems":[]}
            """)).Record!;
        Assert.Equal("Prompt Response Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(("plan", "done"), (record.Messages[1].ReasoningContent, record.Messages[1].Text));
        Assert.Equal(((string?)null, "ok"), (record.Messages[3].ReasoningContent, record.Messages[3].Text));
        Assert.Equal(1L, record.SourceMeta["redacted_reasoning"]);
    }

    [Fact]
    public void Think_tag_reasoning_on_the_placeholder_joins_the_answer_that_follows_and_dates_it()
    {
        var record = Read(Session(Hello + """
            ,{"message":{"role":"assistant","content":""},"contextItems":[],"reasoning":{"active":false,"text":"hmm","startAt":1700000000000,"endAt":1700000001000}}
            ,{"message":{"role":"assistant","content":"answer"},"contextItems":[],"promptLogs":[{"modelTitle":"R1","modelProvider":"ollama","prompt":"p","completion":"c"}]}
            """)).Record!;
        var answer = Assert.Single(record.Messages, m => m.Role == MessageRole.Assistant);
        Assert.Equal(("hmm", "answer", "R1"), (answer.ReasoningContent, answer.Text, answer.Model));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), answer.Timestamp);
        Assert.Equal(answer.Timestamp, record.StartedAt);
        Assert.Equal("ollama", record.SourceMeta["providers"]!.ToString());
    }

    private const string Call = """{"id":"c1","type":"function","function":{"name":"read_file","arguments":"{\"filepath\":\"a.ts\"}"}}""";

    private static string State(string status, string output = "") =>
        $$"""{"toolCallId":"c1","toolCall":{{Call}},"status":"{{status}}","parsedArgs":{}{{output}}}""";

    [Fact]
    public void A_tool_message_answers_its_call_once_and_the_state_only_says_it_failed()
    {
        var record = Read(Session(Hello + $$"""
            ,{"message":{"role":"assistant","content":"","toolCalls":[{{Call}}]},"contextItems":[],"toolCallStates":[{{State("errored", ""","output":[{"content":"no such file","name":"Error","description":"x"}]""")}}]}
            ,{"message":{"role":"tool","content":"no such file","toolCallId":"c1"},"contextItems":[]}
            """)).Record!;
        Assert.Equal("Prompt Response ToolResult", SampleFolder.Kinds(record));
        var call = Assert.Single(record.Messages[1].ToolCalls);
        Assert.Equal(("c1", "read_file", "{\"filepath\":\"a.ts\"}"), (call.Id, call.Name, call.Arguments));
        Assert.Equal(("c1", "read_file", true, "no such file"), (record.Messages[2].ToolCallId, record.Messages[2].ToolName, record.Messages[2].IsError, record.Messages[2].Text));
        Assert.False(record.SourceMeta.ContainsKey("results_from_tool_states"));
    }

    [Fact]
    public void The_copy_of_a_tool_output_on_its_tool_message_is_not_read_twice_and_context_on_a_response_is_counted()
    {
        var record = Read(Session(Hello + $$$"""
            ,{"message":{"role":"assistant","content":"","toolCalls":[{{{Call}}}]},"contextItems":[{"content":"stray","name":"n","description":"d","id":{"providerTitle":"file","itemId":"9"}}],"toolCallStates":[{{{State("done", ""","output":[{"content":"one","name":"n","description":"d"}]""")}}}]}
            ,{"message":{"role":"tool","content":"one","toolCallId":"c1"},"contextItems":[{"content":"one","name":"n","description":"d","id":{"providerTitle":"toolCall","itemId":"c1"}}]}
            """)).Record!;
        Assert.Equal("Prompt Response ToolResult", SampleFolder.Kinds(record));
        Assert.Equal("one", record.Messages[2].Text);
        Assert.False(record.SourceMeta.ContainsKey("context_items"));
        Assert.Equal(1L, record.SourceMeta["unsent_context_items"]);
    }

    [Theory]
    [InlineData("done", ""","output":[{"content":"one","name":"n","description":"d"},{"content":"two","name":"n","description":"d","status":"exit 0"}]""", "one\n\ntwo\n[Status: exit 0]", false)]
    [InlineData("done", "", "No tool output", false)]
    [InlineData("errored", "", "There was an error calling the tool.", true)]
    [InlineData("canceled", ""","output":[{"content":"partial","name":"n","description":"d"}]""", "The user cancelled this tool call.", true)]
    public void Without_a_tool_message_the_state_answers_as_continue_tells_the_model(string status, string output, string text, bool isError)
    {
        var record = Read(Session(Hello + $$"""
            ,{"message":{"role":"assistant","content":"","toolCalls":[{{Call}}]},"contextItems":[],"toolCallStates":[{{State(status, output)}}]}
            """)).Record!;
        Assert.Equal("Prompt Response ToolResult", SampleFolder.Kinds(record));
        Assert.Equal((text, isError), (record.Messages[2].Text, record.Messages[2].IsError));
        Assert.Equal(1L, record.SourceMeta["results_from_tool_states"]);
    }

    [Fact]
    public void A_call_still_waiting_is_counted_unanswered_and_the_singular_state_of_2024_gives_the_call()
    {
        var record = Read(Session(Hello + $$"""
            ,{"message":{"role":"assistant","content":"let me look"},"contextItems":[],"toolCallState":{{State("generated")}}}
            """)).Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("read_file", Assert.Single(record.Messages[1].ToolCalls).Name);
        Assert.Equal(1L, record.SourceMeta["unanswered_tool_calls"]);
    }

    [Fact]
    public void A_tool_message_for_no_call_is_counted_not_shown()
    {
        var record = Read(Session(Hello + """,{"message":{"role":"tool","content":"x","toolCallId":"nope"},"contextItems":[]}""")).Record!;
        Assert.Equal("Prompt", SampleFolder.Kinds(record));
        Assert.Equal(1L, record.SourceMeta["orphan_tool_results"]);
    }

    [Theory]
    // The CLI's Anthropic adapter: prompt_tokens without the cache, the cache read and write beside it.
    [InlineData("""{"prompt_tokens":100,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":900,"cache_read_tokens":900,"cache_write_tokens":50}}""", 100, 20, 900, 50)]
    // OpenAI: cached tokens counted inside prompt_tokens.
    [InlineData("""{"prompt_tokens":1000,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":900}}""", 100, 20, 900, 0)]
    // OpenRouter, passed through: prompt_tokens counts the cache read and, for Anthropic models, the cache write.
    [InlineData("""{"prompt_tokens":1000,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":800,"cache_write_tokens":100}}""", 100, 20, 800, 100)]
    // core's Usage from Anthropic.ts: promptTokens without the cache.
    [InlineData("""{"promptTokens":100,"completionTokens":20,"promptTokensDetails":{"cachedTokens":900,"cacheWriteTokens":0}}""", 100, 20, 900, 0)]
    // core's Usage from an OpenAI provider.
    [InlineData("""{"promptTokens":1000,"completionTokens":20,"promptTokensDetails":{"cachedTokens":900}}""", 100, 20, 900, 0)]
    [InlineData("""{"promptTokens":7,"completionTokens":3}""", 7, 3, 0, 0)]
    public void Usage_is_taken_per_response_in_either_shape_with_the_cache_out_of_the_input(string usage, long input, long output, long read, long write)
    {
        var record = Read(Session(Hello + $$""",{"message":{"role":"assistant","content":"ok","usage":{{usage}}},"contextItems":[]}""")).Record!;
        Assert.Equal(new TokenUsage(input, output, read, write), record.Messages[1].Usage);
        Assert.Equal(new TokenUsage(input, output, read, write), SampleFolder.Tokens(record));
    }

    [Fact]
    public void A_compaction_summary_follows_the_item_it_was_made_at()
    {
        var record = Read(Session(Hello + """
            ,{"message":{"role":"assistant","content":"ok"},"contextItems":[],"conversationSummary":"We said hello."}
            ,{"message":{"role":"user","content":"next"},"contextItems":[]}
            """)).Record!;
        Assert.Equal("Prompt Response CompactionSummary Prompt", SampleFolder.Kinds(record));
        Assert.Equal((MessageRole.User, "We said hello."), (record.Messages[2].Role, record.Messages[2].Text));
    }

    [Fact]
    public void The_clis_compaction_message_is_the_summary_once_not_a_response()
    {
        // extensions/cli/src/compaction.ts: the history becomes the system message and an assistant message that is the summary.
        var record = Read(Session("""
            {"message":{"role":"system","content":"You are an agent"},"contextItems":[]}
            ,{"message":{"role":"assistant","content":"We said hello."},"contextItems":[],"conversationSummary":"We said hello."}
            ,{"message":{"role":"user","content":"next"},"contextItems":[]}
            ,{"message":{"role":"assistant","content":"ok"},"contextItems":[]}
            """)).Record!;
        Assert.Equal("Context CompactionSummary Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("We said hello.", record.Messages[1].Text);
        Assert.Equal(1L, record.SourceMeta["compaction_summaries"]);
    }

    [Fact]
    public void A_shell_escape_is_the_persons_command_with_its_output_dated_by_its_id()
    {
        // ui/hooks/useChat.shellMode.ts: "!ls -la" adds no user message, only an empty assistant message with a Bash call.
        var record = Read(Session(Hello + """
            ,{"message":{"role":"assistant","content":"","toolCalls":[{"id":"shell-1760000000000-abc123","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"ls -la\"}"}}]},"contextItems":[],"toolCallStates":[{"toolCallId":"shell-1760000000000-abc123","toolCall":{"id":"shell-1760000000000-abc123","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"ls -la\"}"}},"status":"done","parsedArgs":{"command":"ls -la"},"output":[{"content":"a b c","name":"Tool Result","description":"Tool execution result"}]}]}
            ,{"message":{"role":"user","content":"next"},"contextItems":[]}
            ,{"message":{"role":"assistant","content":"","toolCalls":[{"id":"call_1","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"pwd\"}"}}]},"contextItems":[],"toolCallStates":[{"toolCallId":"call_1","status":"done","output":[{"content":"/home"}]}]}
            """)).Record!;
        Assert.Equal("Prompt Command Prompt Response ToolResult", SampleFolder.Kinds(record));
        var command = record.Messages[1];
        Assert.Equal((MessageRole.User, "$ ls -la\na b c"), (command.Role, command.Text));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1760000000000), command.Timestamp);
        Assert.Equal(1L, record.SourceMeta["shell_commands"]);
        Assert.Empty(record.Messages[3].Text);
    }

    [Fact]
    public void The_index_dates_the_session_and_titles_it_when_the_file_has_only_the_placeholder_title()
    {
        var session = Session(Hello).Replace("\"A title\"", "\"New Session\"");
        var index = $$"""[{"session_id":"old","title":"x"},{"sessionId":"{{Id}}","title":"From the index","dateCreated":"1718612345678","workspaceDirectory":"file:///home/dev/app","messageCount":0}]""";
        var record = Read(session, index).Record!;
        Assert.Equal("From the index", record.Title);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1718612345678), record.StartedAt);
        Assert.True((bool)record.SourceMeta["indexed"]!);

        var untitled = Read(session, "[]").Record!;
        Assert.Equal("hello", untitled.Title);
        Assert.Null(untitled.StartedAt);
    }

    [Fact]
    public void A_damaged_index_is_reported_once_and_the_session_is_still_read()
    {
        var result = Read(Session(Hello), "[{\"sessionId\": ");
        Assert.NotNull(result.Record);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(RolloutDiagnostic.SidecarDamaged, warning.ErrorId);
        Assert.EndsWith("sessions.json", warning.Path);
    }

    [Fact]
    public void A_file_cut_off_mid_document_is_reported_with_its_line()
    {
        var result = Read("{\n  \"sessionId\": \"x\",\n  \"history\": [\n    {\"message\": ");
        Assert.Null(result.Record);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(RolloutDiagnostic.ParseError, error.ErrorId);
        Assert.Equal(4, error.LineNumber);
    }

    [Fact]
    public void A_bad_item_costs_only_itself_and_is_reported_by_its_line()
    {
        var result = Read(Session("\n" + Hello + ",\n{\"contextItems\":[]},\n{\"message\":{\"role\":\"user\",\"content\":42},\"contextItems\":[]},\n{\"message\":{\"role\":\"critic\",\"content\":\"x\"},\"contextItems\":[]},\n"
            + """{"message":{"role":"assistant","content":"still here"},"contextItems":[]}"""));
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(new int?[] { 3, 4, 5 }, result.Diagnostics.Select(d => d.LineNumber));
        Assert.Equal(new[] { DiagnosticSeverity.Error, DiagnosticSeverity.Error, DiagnosticSeverity.Warning }, result.Diagnostics.Select(d => d.Severity));
        Assert.Equal(2L, result.Record!.SourceMeta["skipped_items"]);
        Assert.Contains("critic", result.Record.SourceMeta["unknown_roles"]!.ToString());
    }

    [Fact]
    public void A_file_without_history_is_an_error_and_an_empty_session_is_skipped()
    {
        var old = Read("""{"session_info":{"session_id":"x"},"timeline":[]}""");
        Assert.Null(old.Record);
        Assert.Equal(RolloutDiagnostic.NoUsableLines, Assert.Single(old.Diagnostics).ErrorId);

        var empty = Read(Session(""));
        Assert.Null(empty.Record);
        Assert.Empty(empty.Diagnostics);
        Assert.Equal("the session has no messages yet", empty.SkipReason);
    }

    [Fact]
    public void The_index_named_alone_is_skipped_as_no_session()
    {
        var path = Path.Combine(Sessions, "sessions.json");
        File.WriteAllText(path, "[]");
        var scan = new ContinueReader().BeginScan(Array.Empty<TraceSource>(), CancellationToken.None);
        var result = scan.Read(TraceSource.FromFile(path), CancellationToken.None);
        Assert.Null(result.Record);
        Assert.Contains("index of sessions", result.SkipReason);
    }

    [Theory]
    [InlineData("file:///home/dev/app", "/home/dev/app")]
    [InlineData("file:///home/dev/my%20app", "/home/dev/my app")]
    [InlineData("/home/dev/app", "/home/dev/app")]
    [InlineData("vscode-remote://ssh-remote%2Bbox/home/dev/app", null)]
    public void The_workspace_uri_becomes_a_path(string workspace, string? path)
    {
        Assert.Equal(path, FileUris.ToPath(workspace));
    }

    [Fact]
    public void A_windows_drive_uri_loses_its_root_slash()
    {
        var path = FileUris.ToPath("file:///c%3A/Users/dev/app")!;
        Assert.Equal(OperatingSystem.IsWindows() ? @"c:\Users\dev\app" : "c:/Users/dev/app", path);
    }

    [Fact]
    public void A_remote_workspace_keeps_its_uri_in_source_meta()
    {
        var record = Read(Session(Hello).Replace("file:///home/dev/app", "vscode-remote://wsl%2Bubuntu/home/dev/app")).Record!;
        Assert.Null(record.Cwd);
        Assert.Equal("vscode-remote://wsl%2Bubuntu/home/dev/app", record.SourceMeta["workspace_uri"]);
    }

    [Fact]
    public void Detection_is_certain_of_the_keys_continue_writes_first_and_the_name_must_be_a_uuid_in_a_sessions_folder()
    {
        var reader = new ContinueReader();
        Assert.Equal(DetectionScore.Certain, reader.Score(JsonHead.Read(Encoding.UTF8.GetBytes("{\n  \"sessionId\": \"x\",\n  \"title\": \"t\",\n  \"workspaceDirectory\": \"\",\n  \"history\": []\n}"))!));
        Assert.Equal(DetectionScore.None, reader.Score(JsonHead.Read("""{"sessionId":"x","messages":[]}"""u8)!));
        File.WriteAllText(Path.Combine(Sessions, Id + ".json"), "{}");
        Assert.True(reader.IsTraceFile(Path.Combine(Sessions, Id + ".json")));
        Assert.False(reader.IsTraceFile(Path.Combine(Sessions, "notes.json")));
        var elsewhere = Directory.CreateDirectory(Path.Combine(_folder.FullName, "other", "sessions")).FullName;
        Assert.False(reader.IsTraceFile(Path.Combine(elsewhere, Id + ".json")));
        File.WriteAllText(Path.Combine(elsewhere, "sessions.json"), "{}");
        Assert.True(reader.IsTraceFile(Path.Combine(elsewhere, Id + ".json")));
    }

    [Fact]
    public void The_default_location_is_the_sessions_folder_of_continue_global_dir_taken_from_the_working_directory_when_relative()
    {
        var previous = Environment.GetEnvironmentVariable(ContinueReader.GlobalDirVariable);
        try
        {
            Environment.SetEnvironmentVariable(ContinueReader.GlobalDirVariable, _folder.FullName);
            Assert.Equal(Path.Combine(_folder.FullName, "sessions"), Assert.Single(new ContinueReader().DefaultLocations()));
            Environment.SetEnvironmentVariable(ContinueReader.GlobalDirVariable, "relative-global");
            Assert.Equal(Path.Combine(Environment.CurrentDirectory, "relative-global", "sessions"), Assert.Single(new ContinueReader().DefaultLocations()));
            Environment.SetEnvironmentVariable(ContinueReader.GlobalDirVariable, null);
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".continue", "sessions"), Assert.Single(new ContinueReader().DefaultLocations()));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ContinueReader.GlobalDirVariable, previous);
        }
    }
}
