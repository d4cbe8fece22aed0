using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Amp;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Each kind of message, block and run Amp writes into a thread file, its usage and relationships, where it lives, and damage.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class AmpReaderTests : IDisposable
{
    private const string Id = "T-0f1e2d3c-4b5a-4968-8776-655443322110";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-amp-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Threads => Directory.CreateDirectory(Path.Combine(_folder.FullName, "amp", "threads")).FullName;

    /// <summary>Writes threads/&lt;id&gt;.json and reads it as Get-AgentRollout would.</summary>
    private ReadResult Read(string thread, string id = Id)
    {
        var path = Path.Combine(Threads, id + ".json");
        File.WriteAllText(path, thread);
        var reference = Assert.Single(new AmpReader().SessionsIn(path));
        return Assert.Single(RolloutLoader.ReadAll(new[] { reference }, new ReadOptions(), CancellationToken.None));
    }

    private static string Thread(string messages, string extra = "") =>
        $$"""{"v":3,"id":"{{Id}}","created":1764831600000,"agentMode":"smart","nextMessageId":2,"messages":[{{messages}}]{{extra}}}""";

    private const string Hello = """{"role":"user","messageId":0,"content":[{"type":"text","text":"hello"}],"meta":{"sentAt":1764831601000}}""";

    private static string Answer(string blocks, string usage = "") =>
        $$"""{"role":"assistant","messageId":1,"content":[{{blocks}}],"state":{"type":"complete","stopReason":"end_turn"}{{usage}}}""";

    private static string Results(string blocks) => $$"""{"role":"user","messageId":2,"content":[{{blocks}}]}""";

    private const string Call = """{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"cmd":"ls"}}""";

    [Fact]
    public void A_prompt_and_its_answer_read_with_the_thread_id_time_and_mode()
    {
        var result = Read(Thread(Hello + "," + Answer("""{"type":"text","text":"Hi."}""")));
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(("hello", "Hi."), (record.Messages[0].Text, record.Messages[1].Text));
        Assert.Equal((Id, Id, "hello"), (record.TraceId, record.RootSessionId, record.Title));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764831600000), record.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764831601000), record.EndedAt);
        Assert.Equal("smart", record.SourceMeta["agent_mode"]);
        Assert.Null(record.Cwd);
        Assert.Null(record.Messages[1].Usage);
    }

    [Theory]
    [InlineData("\"fromExecutorThreadID\":\"T-11111111-2222-3333-4444-555555555555\"")]
    [InlineData("\"fromAggman\":true")]
    public void A_user_message_another_agent_sent_is_an_agent_message_naming_its_thread(string from)
    {
        var sent = "{\"role\":\"user\",\"messageId\":2,\"content\":[{\"type\":\"text\",\"text\":\"Sub-task finished: all good\"}],\"meta\":{\"sentAt\":1764831602000," + from + "}}";
        var record = Read(Thread(Hello + "," + Answer("""{"type":"text","text":"Hi."}""") + "," + sent)).Record!;
        Assert.Equal("Prompt Response AgentMessage", SampleFolder.Kinds(record));
        Assert.Equal((MessageRole.User, "Sub-task finished: all good"), (record.Messages[2].Role, record.Messages[2].Text));
        Assert.Equal(1L, record.SourceMeta["agent_messages"]);
        if (from.Contains("T-1", StringComparison.Ordinal))
        {
            Assert.Equal(new[] { "T-11111111-2222-3333-4444-555555555555" }, (IEnumerable<string>)record.SourceMeta["from_thread_ids"]);
        }
    }

    [Fact]
    public void Text_amp_hides_from_the_person_is_context_apart_from_their_prompt()
    {
        var prompt = """{"role":"user","messageId":0,"content":[{"type":"text","text":"Fix the bug"},{"type":"text","text":"<attached_files>big file</attached_files>","hidden":true}],"meta":{"sentAt":1764831601000}}""";
        var record = Read(Thread(prompt + "," + Answer("""{"type":"text","text":"Done."}"""))).Record!;
        Assert.Equal("Context Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(("<attached_files>big file</attached_files>", "Fix the bug"), (record.Messages[0].Text, record.Messages[1].Text));
        Assert.Equal("Fix the bug", record.Title);
        Assert.Equal(1L, record.SourceMeta["hidden_context_messages"]);
    }

    [Fact]
    public void A_thread_without_messages_yet_is_skipped_with_the_reason()
    {
        var result = Read(Thread(string.Empty));
        Assert.Null(result.Record);
        Assert.Equal("the thread has no messages yet", result.SkipReason);
    }

    [Theory]
    [InlineData("\"Hi.")]
    [InlineData(",\n{\"role\":\"assistant\"")]
    public void A_file_caught_while_amp_rewrites_it_is_reported_by_line_and_not_read_in_part(string cutBefore)
    {
        // Cut inside a value, or after a whole message with the messages array still open.
        var whole = Thread(Hello + ",\n" + Answer("""{"type":"text","text":"Hi."}"""));
        var cut = whole[..whole.IndexOf(cutBefore, StringComparison.Ordinal)];
        var result = Read(cut);
        Assert.Null(result.Record);
        var problem = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Error, problem.Severity);
        Assert.Contains("the file ends before the document does", problem.Message);
        Assert.Equal(cut.Split('\n').Length, problem.LineNumber);
    }

    [Fact]
    public void A_run_answers_its_call_in_the_words_amp_sends_the_model()
    {
        var record = Read(Thread(Hello + "," + Answer(Call) + "," + Results("""{"type":"tool_result","toolUseID":"toolu_1","run":{"status":"error","error":"permission denied"}}"""))).Record!;
        Assert.Equal(("permission denied", true, "Bash"), (record.Messages[2].Text, record.Messages[2].IsError, record.Messages[2].ToolName));

        Assert.Equal("Tool execution error", Answered("""{"status":"error","error":{}}""").Text);
        Assert.Equal("Tool execution cancelled: Unknown reason", Answered("""{"status":"cancelled"}""").Text);
        Assert.Equal("Tool execution rejected by user: not now", Answered("""{"status":"rejected-by-user","reason":"not now"}""").Text);
        var done = Answered("""{"status":"done","result":{"output":"a\nb","exitCode":0}}""");
        Assert.Equal(("""{"output":"a\nb","exitCode":0}""", 0, false), (done.Text, done.ExitCode, done.IsError));
        Assert.Equal("""{"output":"a\nb","exitCode":0}""", done.StructuredResult);
        var image = Answered("""{"status":"done","result":[{"type":"text","text":"shot"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]}""");
        Assert.Equal(new[] { ContentBlock.FromText("shot"), ContentBlock.FromImageData("image/png", "AAAA") }, image.Content);
    }

    private RolloutMessage Answered(string run)
    {
        var record = Read(Thread(Hello + "," + Answer(Call) + "," + Results($$"""{"type":"tool_result","toolUseID":"toolu_1","run":{{run}}}"""))).Record!;
        return record.Messages[2];
    }

    [Fact]
    public void A_run_still_going_when_the_file_was_saved_leaves_its_call_unanswered_and_is_counted()
    {
        var record = Read(Thread(Hello + "," + Answer(Call) + "," + Results("""{"type":"tool_result","toolUseID":"toolu_1","run":{"status":"blocked-on-user"}}"""))).Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(1L, record.SourceMeta["unanswered_tool_calls"]);
        Assert.Equal("blocked-on-user: 1", record.SourceMeta["tool_run_statuses"].ToString());
    }

    [Theory]
    [InlineData("""{"model":"claude-sonnet-4-5","inputTokens":10,"outputTokens":20,"cacheCreationInputTokens":300,"cacheReadInputTokens":4000,"totalInputTokens":4310}""", 10, 20, 4000, 300)]
    [InlineData("""{"model":"claude-sonnet-4-5","inputTokens":10,"outputTokens":20,"cacheCreationInputTokens":300,"cacheReadInputTokens":4000}""", 10, 20, 4000, 300)]
    [InlineData("""{"model":"gpt-5","inputTokens":5000,"outputTokens":20,"cacheReadInputTokens":4096,"totalInputTokens":5000}""", 904, 20, 4096, 0)]
    public void Usage_is_taken_as_amp_states_it_with_the_cache_outside_the_input(string usage, long input, long output, long read, long write)
    {
        var record = Read(Thread(Hello + "," + Answer("""{"type":"text","text":"Hi."}""", ",\"usage\":" + usage))).Record!;
        Assert.Equal(new TokenUsage(input, output, read, write), record.Messages[1].Usage);
        Assert.Equal(new TokenUsage(input, output, read, write), SampleFolder.Tokens(record));
        Assert.Single(record.Models);
    }

    [Fact]
    public void A_call_the_provider_ran_itself_is_counted_without_a_warning()
    {
        var result = Read(Thread(Hello + "," + Answer("""{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"x"}},{"type":"text","text":"Found."}""")));
        Assert.Empty(result.Diagnostics);
        Assert.Equal("Found.", result.Record!.Messages[1].Text);
        Assert.Equal(1L, result.Record.SourceMeta["server_tool_uses"]);
        Assert.False(result.Record.SourceMeta.ContainsKey("unknown_blocks"));
    }

    [Fact]
    public void Credits_and_the_usage_ledger_are_counted_in_source_meta()
    {
        var record = Read(Thread(Hello + "," + Answer("""{"type":"text","text":"Hi."}""", ""","usage":{"model":"m","inputTokens":1,"outputTokens":1,"credits":0.25}"""),
            ""","usageLedger":{"events":[{"timestamp":"2025-12-04T07:00:02Z","model":"m","credits":0.25,"tokens":{"input":1,"output":1},"operationType":"inference"}]}""")).Record!;
        Assert.Equal(0.25, (double)record.SourceMeta["stated_credits"], 6);
        Assert.Equal(1L, record.SourceMeta["ledger_events"]);
    }

    [Fact]
    public void Thinking_is_reasoning_and_redacted_thinking_is_counted()
    {
        var record = Read(Thread(Hello + "," + Answer("""{"type":"redacted_thinking","data":"eA=="},{"type":"thinking","thinking":"Plan first.","signature":"x"},{"type":"text","text":"Done."}"""))).Record!;
        Assert.Equal(("Plan first.", "Done."), (record.Messages[1].ReasoningContent, record.Messages[1].Text));
        Assert.Equal(1L, record.SourceMeta["redacted_reasoning"]);
    }

    [Fact]
    public void An_unknown_block_is_reported_once_by_its_line_and_counted_and_the_rest_reads()
    {
        var result = Read(Thread(Hello + ",\n" + Answer("""{"type":"hologram"},{"type":"text","text":"Hi."},{"type":"hologram"}""")));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, 2), (warning.Severity, warning.LineNumber));
        Assert.Contains("\"hologram\"", warning.Message);
        Assert.Equal("Hi.", result.Record!.Messages[1].Text);
        Assert.Equal("hologram: 2", result.Record.SourceMeta["unknown_blocks"].ToString());
    }

    [Fact]
    public void A_message_whose_content_is_neither_text_nor_blocks_is_an_error_naming_it_and_the_rest_reads()
    {
        var result = Read(Thread(Hello + ",\n" + """{"role":"assistant","messageId":1,"content":42}"""));
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Error, 2), (error.Severity, error.LineNumber));
        Assert.Contains("message 2 (assistant): its content is a JSON Number", error.Message);
        Assert.Equal("Prompt", SampleFolder.Kinds(result.Record!));
        Assert.Equal(1L, result.Record!.SourceMeta["skipped_messages"]);
    }

    [Fact]
    public void A_role_amp_does_not_write_is_reported_and_counted()
    {
        var result = Read(Thread(Hello + ",\n" + """{"role":"narrator","content":[{"type":"text","text":"Meanwhile"}]}"""));
        Assert.Contains("\"narrator\"", Assert.Single(result.Diagnostics).Message);
        Assert.Equal("narrator: 1", result.Record!.SourceMeta["unknown_roles"].ToString());
    }

    [Fact]
    public void Sub_agent_messages_inside_a_thread_are_reported_once_counted_and_kept_out_of_its_conversation()
    {
        var sub = """{"role":"assistant","parentToolUseId":"toolu_1","content":[{"type":"text","text":"inner"}]}""";
        var result = Read(Thread(Hello + "," + Answer(Call) + "," + sub + "," + sub + "," + Results("""{"type":"tool_result","toolUseID":"toolu_1","run":{"status":"done","result":"ok"}}""")));
        Assert.Contains("sub-agent", Assert.Single(result.Diagnostics).Message);
        Assert.Equal("Prompt Response ToolResult", SampleFolder.Kinds(result.Record!));
        Assert.Equal(2L, result.Record!.SourceMeta["subagent_messages"]);
    }

    [Fact]
    public void A_fork_names_its_parent_and_a_plain_uri_workspace_is_the_working_directory()
    {
        var record = Read(Thread(Hello, """
            ,"env":{"initial":{"trees":[{"displayName":"app","uri":"file:///home/dev/my%20app","repository":{"type":"git","url":"https://git.example.com/app","ref":"feature/x"}}],"platform":{"os":"darwin","client":"CLI","clientVersion":"1"}}},
            "relationships":[{"threadID":"T-aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa","type":"fork","role":"child"},{"threadID":"T-bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb","type":"mention","role":"reference"}]
            """)).Record!;
        Assert.Equal(("/home/dev/my app", "feature/x"), (record.Cwd, record.GitBranch));
        Assert.Equal(("T-aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "fork"), (record.SourceMeta["parent_thread_id"], record.SourceMeta["parent_relationship"]));
        Assert.Equal(new[] { "T-bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb" }, record.SourceMeta["related_thread_ids"]);
        Assert.False(record.SourceMeta.ContainsKey("workspace_uri"));
    }

    [Fact]
    public void A_remote_workspace_keeps_its_uri_in_source_meta()
    {
        var record = Read(Thread(Hello, ""","env":{"initial":{"trees":[{"uri":"vscode-remote://ssh-remote%2Bbox/home/dev/app"}]}}""")).Record!;
        Assert.Null(record.Cwd);
        Assert.Equal("vscode-remote://ssh-remote%2Bbox/home/dev/app", record.SourceMeta["workspace_uri"]);
    }

    [Fact]
    public void A_thread_without_an_id_is_named_after_its_file()
    {
        var record = Read("""{"created":1764831600000,"messages":[""" + Hello + "]}").Record!;
        Assert.Equal(Id, record.TraceId);
    }

    [Fact]
    public void A_thread_head_is_told_apart_from_other_json_with_an_id()
    {
        var reader = new AmpReader();
        Assert.Equal(DetectionScore.Certain, reader.Score(Head($$"""{"v":1,"id":"{{Id}}","created":1,"messages":[]}""")));
        Assert.Equal(DetectionScore.Certain, reader.Score(Head($$"""{"id":"{{Id}}","title":"t","agentMode":"smart"}""")));
        Assert.Equal(DetectionScore.Likely, reader.Score(Head($$"""{"id":"{{Id}}","messages":[]}""")));
        Assert.Equal(DetectionScore.None, reader.Score(Head("""{"id":"thread-001","created":1,"messages":[]}""")));
        Assert.Equal(DetectionScore.None, reader.Score(Head($$"""{"id":"{{Id}}","title":"t"}""")));
    }

    private static JsonHead Head(string json) => JsonHead.Read(Encoding.UTF8.GetBytes(json))!;

    [Fact]
    public void Thread_files_are_known_by_their_t_uuid_names()
    {
        var reader = new AmpReader();
        Assert.True(reader.IsTraceFile(Path.Combine(Threads, Id + ".json")));
        Assert.False(reader.IsTraceFile(Path.Combine(Threads, "T-not-a-uuid.json")));
        Assert.False(reader.IsTraceFile(Path.Combine(Threads, Id[2..] + ".json")));
    }

    [Fact]
    public void The_data_folder_and_a_copied_threads_folder_are_amp_stores_and_an_ordinary_folder_is_not()
    {
        File.WriteAllText(Path.Combine(Threads, Id + ".json"), Thread(Hello));
        var reader = new AmpReader();
        Assert.Equal(new[] { Threads }, reader.StoresIn(Threads));
        Assert.Equal(new[] { Threads }, reader.StoresIn(Path.Combine(_folder.FullName, "amp")));
        Assert.Empty(reader.StoresIn(_folder.FullName));
    }

    [Fact]
    public void The_default_location_follows_xdg_data_home_on_every_os()
    {
        var previous = Environment.GetEnvironmentVariable(AmpReader.DataHomeVariable);
        try
        {
            Environment.SetEnvironmentVariable(AmpReader.DataHomeVariable, _folder.FullName);
            Assert.Equal(new[] { Threads }, new AmpReader().DefaultLocations());
            Environment.SetEnvironmentVariable(AmpReader.DataHomeVariable, null);
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(new[] { Path.Combine(home, ".local", "share", "amp", "threads") }, new AmpReader().DefaultLocations());
        }
        finally
        {
            Environment.SetEnvironmentVariable(AmpReader.DataHomeVariable, previous);
        }
    }
}
