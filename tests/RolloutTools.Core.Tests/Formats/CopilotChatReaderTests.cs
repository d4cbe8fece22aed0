using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.CopilotChat;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Both file forms of VS Code's chat sessions, the parts a response holds, damage, detection and where sessions are kept.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class CopilotChatReaderTests : IDisposable
{
    private const string Id = "aaaaaaaa-1111-4222-8333-444444444444";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-copilot-chat-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Sessions => Directory.CreateDirectory(Path.Combine(_folder.FullName, "User", "workspaceStorage", "0123abcd", "chatSessions")).FullName;

    /// <summary>Writes chatSessions/&lt;id&gt;.json or .jsonl and reads it as Get-AgentRollout would.</summary>
    private ReadResult Read(string content, string extension = ".json", ReadOptions? options = null)
    {
        var path = Path.Combine(Sessions, Id + extension);
        File.WriteAllText(path, content);
        var reference = Assert.Single(new CopilotChatReader().SessionsIn(path));
        return Assert.Single(RolloutLoader.ReadAll(new[] { reference }, options ?? new ReadOptions(), CancellationToken.None));
    }

    private static string Session(string requests) =>
        $$"""{"version":3,"requesterUsername":"dev","responderUsername":"GitHub Copilot","initialLocation":"panel","sessionId":"{{Id}}","creationDate":1760000000000,"requests":[{{requests}}]}""";

    private static string Request(string response, string extra = "") =>
        $$"""{"requestId":"r1","timestamp":1760000001000,"message":{"text":"hello","parts":[]},"variableData":{"variables":[]},"modelId":"copilot/gpt-4.1","response":[{{response}}]{{extra}}}""";

    [Fact]
    public void A_prompt_and_its_markdown_read_with_the_file_name_as_id_and_no_working_directory_without_workspace_json()
    {
        var result = Read(Session(Request("""{"value":"Hi."}""")));
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(("hello", "Hi."), (record.Messages[0].Text, record.Messages[1].Text));
        Assert.Equal((Id, "hello", RolloutFormat.CopilotChat), (record.TraceId, record.Title, record.Format));
        Assert.Null(record.Cwd);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1760000000000), record.StartedAt);
    }

    [Fact]
    public void Workspace_json_names_the_working_directory_and_a_multi_root_workspace_is_kept_as_its_uri()
    {
        File.WriteAllText(Path.Combine(Sessions, "..", "workspace.json"), """{"folder":"file:///home/dev/my%20app"}""");
        Assert.Equal("/home/dev/my app", Read(Session(Request("""{"value":"Hi."}"""))).Record!.Cwd);

        File.WriteAllText(Path.Combine(Sessions, "..", "workspace.json"), """{"workspace":"file:///home/dev/all.code-workspace"}""");
        var record = Read(Session(Request("""{"value":"Hi."}"""))).Record!;
        Assert.Null(record.Cwd);
        Assert.Equal("file:///home/dev/all.code-workspace", record.SourceMeta["workspace_uri"]);
    }

    [Fact]
    public void A_part_of_an_unknown_kind_is_told_once_by_file_and_line_and_the_rest_reads()
    {
        var result = Read(Session(Request("""{"kind":"hologram","x":1},{"value":"Hi."},{"kind":"hologram","x":2}""")));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(1, warning.LineNumber);
        Assert.Contains("hologram", warning.Message);
        Assert.Equal("Hi.", result.Record!.Messages[1].Text);
    }

    [Fact]
    public void A_request_that_is_no_object_is_told_with_its_line_and_the_others_read()
    {
        var result = Read(Session("\n42,\n" + Request("""{"value":"Hi."}""")));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(2, warning.LineNumber);
        Assert.Contains("request 1", warning.Message);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(1L, result.Record!.SourceMeta["skipped_requests"]);
    }

    [Fact]
    public void Damaged_json_gives_no_record_and_an_error()
    {
        var result = Read("""{"version":3,"requests":[{"requestId":""");
        Assert.Null(result.Record);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void A_session_without_requests_is_skipped_with_the_reason()
    {
        var result = Read(Session(string.Empty));
        Assert.Null(result.Record);
        Assert.Equal("the session has no requests yet", result.SkipReason);
    }

    [Fact]
    public void Response_parts_give_reasoning_calls_with_their_output_and_text_after_a_result_starts_a_new_message()
    {
        var record = Read(Session(Request("""
            {"kind":"thinking","value":["Look ","first."]},
            {"kind":"toolInvocationSerialized","toolCallId":"t1","toolId":"copilot_readFile","isComplete":true,"resultDetails":{"input":"{\"filePath\":\"/a.ts\"}","output":[{"type":"embed","isText":true,"value":"const a = 1;"},{"type":"embed","isText":false,"value":"AAAA"}]}},
            {"kind":"toolInvocationSerialized","toolCallId":"t2","toolId":"copilot_runInTerminal","isComplete":true,"toolSpecificData":{"kind":"input","rawInput":{"command":"npm test"}}},
            {"kind":"markdownContent","content":{"value":"Done."}}
            """))).Record!;
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal("Look first.", record.Messages[1].ReasoningContent);
        Assert.Equal("{\"filePath\":\"/a.ts\"}", record.Messages[1].ToolCalls[0].Arguments);
        Assert.Equal("const a = 1;", record.Messages[2].Text);
        var second = record.Messages[3];
        Assert.Equal("{\"command\":\"npm test\"}", Assert.Single(second.ToolCalls).Arguments);
        Assert.Equal("Done.", second.Text);
        Assert.Equal(1L, record.SourceMeta["unanswered_tool_calls"]);
    }

    [Fact]
    public void The_tool_loop_in_the_result_wins_over_the_parts_and_a_call_without_a_result_stays_unanswered()
    {
        var record = Read(Session(Request("""{"value":"shown only"}""", """
            ,"result":{"metadata":{"toolCallRounds":[{"id":"a","response":"Reading.","toolCalls":[{"id":"c1","name":"read_file","arguments":"{}"},{"id":"c2","name":"list_dir","arguments":"{}"}]},{"id":"b","response":"Done.","toolCalls":[]}],
            "toolCallResults":{"c1":{"content":[{"value":"one"},{"value":"two"}]}}}}
            """))).Record!;
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal("one\ntwo", record.Messages[2].Text);
        Assert.Equal("Done.", record.Messages[3].Text);
        Assert.DoesNotContain(record.Messages, m => m.Text.Contains("shown only"));
        Assert.Equal(1L, record.SourceMeta["unanswered_tool_calls"]);
    }

    [Fact]
    public void An_error_of_the_request_is_a_notice_of_vs_codes_and_counts_as_failed()
    {
        var record = Read(Session(Request(string.Empty, ""","result":{"errorDetails":{"message":"Request failed."}},"modelState":{"value":3}"""))).Record!;
        Assert.Equal("Prompt Synthetic", SampleFolder.Kinds(record));
        Assert.Equal("Request failed.", record.Messages[1].Text);
        Assert.Equal(1L, record.SourceMeta["failed_requests"]);
    }

    private static string Line(string json) => json + "\n";

    [Fact]
    public void The_log_replays_sets_pushes_cuts_and_deletes()
    {
        var log = Line($$$"""{"kind":0,"v":{"version":3,"responderUsername":"GitHub Copilot","sessionId":"{{{Id}}}","requests":[],"customTitle":"old"}}""")
            + Line("""{"kind":2,"k":["requests"],"v":[""" + Request("""{"value":"draft"}""") + "]}")
            + Line("""{"kind":2,"k":["requests",0,"response"],"i":0,"v":[{"value":"final"}]}""")
            + Line("""{"kind":1,"k":["customTitle"],"v":"new"}""")
            + Line("""{"kind":1,"k":["requests",0,"message","text"],"v":"edited"}""")
            + Line("""{"kind":3,"k":["customTitle"]}""");
        var result = Read(log, ".jsonl");
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal(("edited", "final"), (record.Messages[0].Text, record.Messages[1].Text));
        Assert.Equal("edited", record.Title);
        Assert.Equal("log", record.SourceMeta["file_form"]);
    }

    [Fact]
    public void A_damaged_log_line_and_changes_that_lead_nowhere_are_told_by_line_and_the_rest_reads()
    {
        var log = Line("""{"kind":1,"k":["customTitle"],"v":"too early"}""")
            + Line("""{"kind":0,"v":{"version":3,"responderUsername":"GitHub Copilot","requests":[""" + Request("""{"value":"Hi."}""") + "]}}")
            + Line("""{"kind":2,"k":["requests",0,"resp""")
            + Line("""{"kind":1,"k":["requests",5,"result"],"v":{}}""")
            + Line("""{"kind":7,"k":["x"]}""");
        var result = Read(log, ".jsonl");
        Assert.Equal(new int?[] { 1, 3, 4, 5 }, result.Diagnostics.Select(d => d.LineNumber));
        Assert.Equal("Hi.", result.Record!.Messages[1].Text);
    }

    [Fact]
    public void A_log_without_its_first_full_copy_gives_no_record()
    {
        var result = Read(Line("""{"kind":1,"k":["customTitle"],"v":"x"}"""), ".jsonl");
        Assert.Null(result.Record);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Message.Contains("kind 0"));
    }

    [Theory]
    [InlineData("""{"version":3,"requesterUsername":"dev","responderUsername":"GitHub Copilot","initialLocation":"panel","requests":[]}""", DetectionScore.Certain)]
    [InlineData("""{"kind":0,"v":{"version":3,"requests":[]}}""", DetectionScore.Likely)]
    [InlineData("""{"kind":"message","v":1}""", DetectionScore.None)]
    [InlineData("""{"sessionId":"x","requests":[]}""", DetectionScore.None)]
    public void Detection_knows_both_forms_by_their_first_keys(string head, int score) =>
        Assert.Equal(score, new CopilotChatReader().Score(JsonHead.Read(Encoding.UTF8.GetBytes(head))!));

    [Fact]
    public void Session_files_are_told_by_their_folder_and_workspace_json_is_none()
    {
        var reader = new CopilotChatReader();
        Assert.True(reader.IsTraceFile(Path.Combine(Sessions, Id + ".json")));
        Assert.True(reader.IsTraceFile(Path.Combine(_folder.FullName, "emptyWindowChatSessions", Id + ".jsonl")));
        Assert.False(reader.IsTraceFile(Path.Combine(Sessions, "..", "workspace.json")));
        Assert.False(reader.IsTraceFile(Path.Combine(_folder.FullName, Id + ".json")));
    }

    [Fact]
    public void The_default_locations_are_both_stores_of_code_and_of_each_other_editor_that_has_them()
    {
        var appData = Path.Combine(_folder.FullName, "appdata");
        Directory.CreateDirectory(Path.Combine(appData, "Code - Insiders", "User", "workspaceStorage"));
        var previous = (Environment.GetEnvironmentVariable(VsCodeUserData.AppDataVariable), Environment.GetEnvironmentVariable(VsCodeUserData.PortableVariable));
        Environment.SetEnvironmentVariable(VsCodeUserData.AppDataVariable, appData);
        Environment.SetEnvironmentVariable(VsCodeUserData.PortableVariable, Path.Combine(_folder.FullName, "portable"));
        Directory.CreateDirectory(Path.Combine(_folder.FullName, "portable", "user-data", "User", "globalStorage", "emptyWindowChatSessions"));
        try
        {
            Assert.Equal(new[]
            {
                Path.Combine(appData, "Code", "User", "workspaceStorage"),
                Path.Combine(appData, "Code", "User", "globalStorage", "emptyWindowChatSessions"),
                Path.Combine(appData, "Code - Insiders", "User", "workspaceStorage"),
                Path.Combine(_folder.FullName, "portable", "user-data", "User", "globalStorage", "emptyWindowChatSessions"),
            }, new CopilotChatReader().DefaultLocations());
        }
        finally
        {
            Environment.SetEnvironmentVariable(VsCodeUserData.AppDataVariable, previous.Item1);
            Environment.SetEnvironmentVariable(VsCodeUserData.PortableVariable, previous.Item2);
        }
    }

    [Fact]
    public void A_user_folder_or_the_dir_above_it_holds_both_stores_a_store_is_its_own_and_a_workspace_folder_none()
    {
        var user = Path.Combine(_folder.FullName, "User");
        var workspaces = Path.Combine(user, "workspaceStorage");
        File.WriteAllText(Path.Combine(Sessions, Id + ".json"), Session(string.Empty));
        var empty = Directory.CreateDirectory(Path.Combine(user, "globalStorage", "emptyWindowChatSessions")).FullName;
        var reader = new CopilotChatReader();
        Assert.Equal(new[] { workspaces, empty }, reader.StoresIn(user));
        Assert.Equal(new[] { workspaces, empty }, reader.StoresIn(_folder.FullName));
        Assert.Equal(new[] { workspaces }, reader.StoresIn(workspaces));
        Assert.Equal(new[] { empty }, reader.StoresIn(Path.Combine(user, "globalStorage")));
        Assert.Empty(reader.StoresIn(Path.GetDirectoryName(Sessions)!));
    }

    [Fact]
    public void A_request_vs_code_sent_itself_is_context_not_the_persons_prompt_nor_the_title()
    {
        var notice = """{"requestId":"r2","timestamp":1760000002000,"message":{"text":"[Terminal 3 notification: command completed with exit code 0.]\nTerminal output:\nready","parts":[]},"isSystemInitiated":true,"systemInitiatedLabel":"Background task completed","response":[{"value":"The server is up."}]}""";
        var record = Read(Session(Request("""{"value":"Started."}""").Replace("\"hello\"", "\"\"") + "," + notice)).Record!;
        Assert.Equal("Prompt Response Context Response", SampleFolder.Kinds(record));
        Assert.StartsWith("[Terminal 3 notification", record.Messages[2].Text);
        Assert.Null(record.Title);
        Assert.Equal(1L, record.SourceMeta["system_requests"]);
    }

    [Fact]
    public void The_persons_answers_to_a_question_carousel_and_a_plan_review_are_prompts_after_their_questions()
    {
        var record = Read(Session(Request("""
            {"value":"Which database?"},
            {"kind":"questionCarousel","allowSkip":true,"isUsed":true,"questions":[{"id":"q1","type":"text","title":"Which database?"},{"id":"q2","type":"multiSelect","title":"Which targets?"},{"id":"q3","type":"text","title":"Skipped?"}],
             "data":{"q1":"Use Postgres 16, not MySQL","q2":{"selectedValues":["linux","mac"],"freeformValue":"and arm64"}}},
            {"kind":"planReview","title":"Plan","content":"1. x","actions":[],"canProvideFeedback":true,"data":{"rejected":true,"feedback":"Split step 2."}},
            {"value":"Noted."}
            """))).Record!;
        Assert.Equal("Prompt Response Context Prompt Context Prompt Context Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(("Which database?", "Use Postgres 16, not MySQL"), (record.Messages[2].Text, record.Messages[3].Text));
        Assert.Equal("linux, mac, and arm64", record.Messages[5].Text);
        Assert.Equal(("Plan", "Split step 2."), (record.Messages[6].Text, record.Messages[7].Text));
        Assert.Equal(3L, record.SourceMeta["person_answers"]);
        Assert.Equal("hello", record.Title);
    }

    [Fact]
    public void A_stale_json_beside_the_jsonl_of_the_same_session_is_skipped_with_the_reason()
    {
        File.WriteAllText(Path.Combine(Sessions, Id + ".jsonl"), Line("""{"kind":0,"v":""" + Session(Request("""{"value":"Hi."}""")) + "}"));
        var result = Read(Session(Request("""{"value":"Hi."}""")));
        Assert.Null(result.Record);
        Assert.Contains(".jsonl", result.SkipReason);
        Assert.NotNull(Read(File.ReadAllText(Path.Combine(Sessions, Id + ".jsonl")), ".jsonl").Record);
    }

    [Fact]
    public void A_terminal_call_read_from_the_parts_keeps_its_command_output_and_exit_code_and_the_text_after_it_is_a_new_message()
    {
        var record = Read(Session(Request("""
            {"value":"I'll run the tests."},
            {"kind":"toolInvocationSerialized","toolCallId":"t1","toolId":"run_in_terminal","isComplete":true,"isConfirmed":{"type":1},
             "toolSpecificData":{"kind":"terminal","language":"sh","commandLine":{"original":"npm test"},"terminalCommandOutput":{"text":"3 passing\n1 failing"},"terminalCommandState":{"exitCode":1}}},
            {"kind":"toolInvocationSerialized","toolCallId":"t2","toolId":"runSubagent","isComplete":true,"toolSpecificData":{"kind":"subagent","prompt":"find it","result":"in a.ts"}},
            {"kind":"toolInvocationSerialized","toolCallId":"t3","toolId":"x","isComplete":true,"toolSpecificData":{"kind":"simpleToolInvocation","input":"q","output":"a"}},
            {"value":"One test fails."}
            """))).Record!;
        Assert.Equal("Prompt Response ToolResult Response ToolResult Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal("""{"command":"npm test"}""", record.Messages[1].ToolCalls[0].Arguments);
        Assert.Equal("3 passing\n1 failing", record.Messages[2].Text);
        Assert.Equal(1, record.Messages[2].ExitCode);
        Assert.Equal("""{"prompt":"find it"}""", record.Messages[3].ToolCalls[0].Arguments);
        Assert.Equal("in a.ts", record.Messages[4].Text);
        Assert.Equal(("""{"input":"q"}""", "a"), (record.Messages[5].ToolCalls[0].Arguments, record.Messages[6].Text));
        Assert.Equal("One test fails.", record.Messages[7].Text);
        Assert.False(record.SourceMeta.ContainsKey("unanswered_tool_calls"));
    }

    [Theory]
    [InlineData("""{"type":0}""")]
    [InlineData("false")]
    public void A_call_the_person_denied_is_answered_as_denied(string confirmed)
    {
        var record = Read(Session(Request("""{"kind":"toolInvocationSerialized","toolCallId":"t1","toolId":"run_in_terminal","isComplete":true,"isConfirmed":""" + confirmed + ""","toolSpecificData":{"kind":"terminal","commandLine":{"original":"rm -rf /"}}}"""))).Record!;
        Assert.Equal("Prompt Response ToolResult", SampleFolder.Kinds(record));
        Assert.True(record.Messages[2].IsError);
        Assert.Equal("denied by the user", record.Messages[2].Text);
        Assert.Equal(1L, record.SourceMeta["denied_tool_calls"]);
        Assert.False(record.SourceMeta.ContainsKey("unanswered_tool_calls"));
    }

    [Fact]
    public void An_untitled_multi_root_workspace_and_a_remote_folder_give_no_working_directory_but_their_uri()
    {
        File.WriteAllText(Path.Combine(Sessions, "..", "workspace.json"), """{"workspace":"file:///home/dev/.config/Code/Workspaces/1732000000000/workspace.json"}""");
        var record = Read(Session(Request("""{"value":"Hi."}"""))).Record!;
        Assert.Null(record.Cwd);
        Assert.Equal("file:///home/dev/.config/Code/Workspaces/1732000000000/workspace.json", record.SourceMeta["workspace_uri"]);

        File.WriteAllText(Path.Combine(Sessions, "..", "workspace.json"), """{"folder":"vscode-remote://ssh-remote%2Bbox/home/dev/app"}""");
        record = Read(Session(Request("""{"value":"Hi."}"""))).Record!;
        Assert.Null(record.Cwd);
        Assert.Equal("vscode-remote://ssh-remote%2Bbox/home/dev/app", record.SourceMeta["workspace_uri"]);

        File.WriteAllText(Path.Combine(Sessions, "..", "workspace.json"), """{"folder":"file:///home/dev/app"}""");
        record = Read(Session(Request("""{"value":"Hi."}"""))).Record!;
        Assert.Equal("/home/dev/app", record.Cwd);
        Assert.False(record.SourceMeta.ContainsKey("workspace_uri"));
    }

    [Fact]
    public void A_request_the_person_canceled_counts_as_cancelled_with_no_notice_and_quota_and_filter_flags_are_counted()
    {
        var canceled = Request("""{"value":"partial"}""", ""","result":{"errorDetails":{"message":"Canceled","code":"canceled"}}""");
        var quota = Request(string.Empty, ""","result":{"errorDetails":{"message":"Quota exceeded.","isQuotaExceeded":true,"responseIsFiltered":true}},"modelState":{"value":3}""");
        var record = Read(Session(canceled + "," + quota)).Record!;
        Assert.Equal("Prompt Response Prompt Synthetic", SampleFolder.Kinds(record));
        Assert.Equal((1L, 1L), (record.SourceMeta["cancelled_requests"], record.SourceMeta["failed_requests"]));
        Assert.Equal((1L, 1L), (record.SourceMeta["quota_exceeded_requests"], record.SourceMeta["filtered_requests"]));
    }

    [Fact]
    public void The_model_that_answered_is_the_resolved_one_and_the_picked_one_is_kept()
    {
        var record = Read(Session(Request("""{"value":"Hi."}""", ""","result":{"metadata":{"resolvedModel":"gpt-4.1-2025-04-14"}}""").Replace("copilot/gpt-4.1", "copilot/auto"))).Record!;
        Assert.Equal("gpt-4.1-2025-04-14", record.Messages[1].Model);
        Assert.Equal(new[] { "copilot/auto" }, (IEnumerable<string>)record.SourceMeta["requested_models"]!);
    }

    [Fact]
    public void A_kindless_file_tree_and_newer_shown_kinds_are_counted_without_a_warning_and_an_external_edit_is_an_edited_file()
    {
        var result = Read(Session(Request("""
            {"label":"my-app","uri":{"$mid":1,"scheme":"file","path":"/tmp/my-app"},"children":[]},
            {"kind":"systemNotification","content":"x"},{"kind":"info","content":"x"},{"kind":"autoModeResolution","resolvedModel":"m"},
            {"kind":"externalEdit","uri":{"$mid":1,"scheme":"file","path":"/src/a.ts"}},
            {"value":"Here is the tree."}
            """)));
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(new[] { "/src/a.ts" }, (IEnumerable<string>)record.SourceMeta["edited_files"]!);
        Assert.Equal(1L, ((IReadOnlyDictionary<string, long>)record.SourceMeta["shown_parts"]!)["treeData"]);
    }

    [Fact]
    public void A_log_with_a_value_nested_deeper_than_64_reads_as_the_document_does()
    {
        var deep = string.Concat(Enumerable.Repeat("""{"children":[""", 40)) + """{"text":"leaf"}""" + string.Concat(Enumerable.Repeat("]}", 40));
        var session = Session(Request("""{"value":"Done."}""", ""","result":{"metadata":{"toolCallRounds":[{"id":"a","response":"Reading.","toolCalls":[{"id":"c1","name":"read_file","arguments":"{}"}]}],"toolCallResults":{"c1":{"content":[{"value":""" + deep + """}]}}}}"""));
        var result = Read(Line("""{"kind":0,"v":""" + session + "}"), ".jsonl");
        Assert.Equal("leaf", result.Record!.Messages[2].Text);
    }

    [Fact]
    public void Tokens_are_the_turns_model_totals_else_its_completion_tokens_and_last_prompt_and_credits_are_kept()
    {
        var totals = Request("""{"value":"Hi."}""", ""","result":{"metadata":{"resolvedModel":"gpt-4.1"}},"promptTokens":900,"completionTokens":40,"copilotCredits":1.5,"modelTotals":[{"model":"gpt-4.1","inputTokens":12000,"cachedTokens":2000,"outputTokens":340},{"model":"gpt-5-mini","inputTokens":500,"cachedTokens":0,"outputTokens":20}]""");
        var plain = Request("""{"value":"Bye."}""", ""","promptTokens":12000,"completionTokens":340,"copilotCredits":1""");
        var record = Read(Session(totals + "," + plain)).Record!;
        Assert.Equal(new TokenUsage(10000, 340, 2000, 0), record.Messages[1].Usage);
        Assert.Equal(new TokenUsage(12000, 340, 0, 0), record.Messages[3].Usage);
        Assert.Contains(record.UnlistedResponses, u => u.Model == "gpt-5-mini" && u.Usage == new TokenUsage(500, 20, 0, 0));
        Assert.Equal(2.5, record.SourceMeta["copilot_credits"]);
    }

    [Fact]
    public void A_request_a_feature_sent_for_the_person_is_context()
    {
        var record = Read(Session(Request("""{"value":"Merged."}""", ""","requestSource":"agentMerge" """))).Record!;
        Assert.Equal("Context Response", SampleFolder.Kinds(record));
        Assert.Equal(1L, record.SourceMeta["system_requests"]);
    }

    [Fact]
    public void A_request_that_fails_partway_counts_as_skipped_not_read()
    {
        var result = Read(Session(Request("""{"value":"Hi."}""") + "," + Request("""{"value":"\ud800"}""")));
        Assert.Contains("request 2", Assert.Single(result.Diagnostics).Message);
        Assert.Equal((1L, 1L), (result.Record!.SourceMeta["requests"], result.Record.SourceMeta["skipped_requests"]));
    }

    [Fact]
    public void A_session_vs_code_copied_to_another_store_names_its_copies()
    {
        var inWorkspace = Path.Combine(Sessions, Id + ".json");
        var inEmptyWindow = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder.FullName, "User", "globalStorage", "emptyWindowChatSessions")).FullName, Id + ".json");
        File.WriteAllText(inWorkspace, Session(Request("""{"value":"Hi."}""")));
        File.WriteAllText(inEmptyWindow, Session(Request("""{"value":"Hi."}""")));
        var reader = new CopilotChatReader();
        var results = RolloutLoader.ReadAll(reader.SessionsIn(inWorkspace).Concat(reader.SessionsIn(inEmptyWindow)).ToArray(), new ReadOptions(), CancellationToken.None).ToArray();
        Assert.Equal(new[] { inEmptyWindow }, (IEnumerable<string>)results[0].Record!.SourceMeta["copies"]!);
        Assert.Equal(new[] { inWorkspace }, (IEnumerable<string>)results[1].Record!.SourceMeta["copies"]!);
    }

    [Fact]
    public void A_prompt_tsx_result_joins_its_leaves_as_line_pieces_breaking_only_where_a_leaf_says_so()
    {
        var tree = """{"node":{"type":1,"ctor":2,"children":[{"type":2,"text":"a.ts","lineBreakBefore":false},{"type":2,"text":" line 1","lineBreakBefore":false},{"type":2,"text":"const a = 1;","lineBreakBefore":true}]}}""";
        var record = Read(Session(Request("""{"value":"Done."}""", ""","result":{"metadata":{"toolCallRounds":[{"id":"a","response":"Reading.","toolCalls":[{"id":"c1","name":"read_file","arguments":"{}"}]}],"toolCallResults":{"c1":{"content":[{"value":""" + tree + """},{"value":"note"}]}}}}"""))).Record!;
        Assert.Equal("a.ts line 1\nconst a = 1;\nnote", record.Messages[2].Text);
    }

    [Fact]
    public void A_result_kept_with_the_next_request_answers_its_call_and_a_result_no_call_names_is_counted()
    {
        var stopped = Request("""{"value":"x"}""", ""","result":{"metadata":{"maxToolCallsExceeded":true,"toolCallRounds":[{"id":"a","response":"Reading.","toolCalls":[{"id":"c1","name":"read_file","arguments":"{}"}]}],"toolCallResults":{}}}""");
        var continued = Request("""{"value":"y"}""", ""","result":{"metadata":{"toolCallRounds":[{"id":"b","response":"Done.","toolCalls":[]}],"toolCallResults":{"c1":{"content":[{"value":"file text"}]},"zz":{"content":[]}}}}""");
        var record = Read(Session(stopped + "," + continued)).Record!;
        Assert.Equal("Prompt Response ToolResult Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("file text", record.Messages[2].Text);
        Assert.False(record.SourceMeta.ContainsKey("unanswered_tool_calls"));
        Assert.Equal(1L, record.SourceMeta["unused_tool_results"]);
    }

    [Fact]
    public void A_compaction_summary_follows_the_round_it_summarized_and_one_of_an_earlier_request_comes_before_the_first_round()
    {
        var first = Request("""{"value":"x"}""", ""","result":{"metadata":{"toolCallRounds":[{"id":"a","response":"Reading.","toolCalls":[{"id":"c1","name":"read_file","arguments":"{}"}]},{"id":"b","response":"Read.","toolCalls":[]}],"toolCallResults":{"c1":{"content":[{"value":"file text"}]}},"summary":{"toolCallRoundId":"a","text":"The file was read."}}}""");
        var second = Request("""{"value":"y"}""", ""","result":{"metadata":{"toolCallRounds":[{"id":"c","response":"Next.","toolCalls":[]}],"summaries":[{"toolCallRoundId":"b","text":"All so far, summarized."}]}}""");
        var record = Read(Session(first + "," + second)).Record!;
        Assert.Equal("Prompt Response ToolResult CompactionSummary Response Prompt CompactionSummary Response", SampleFolder.Kinds(record));
        Assert.Equal("The file was read.", record.Messages[3].Text);
        Assert.Equal(MessageRole.User, record.Messages[3].Role);
        Assert.Equal("All so far, summarized.", record.Messages[6].Text);
        Assert.Equal("Next.", record.Messages[7].Text);
        Assert.Equal(2L, record.SourceMeta["compaction_summaries"]);
    }

    [Theory]
    [InlineData(""","shouldBeRemovedOnSend":{"requestId":"r1"}""")]
    [InlineData(""","isHidden":true""")]
    public void A_request_the_person_undid_is_left_out_with_its_usage_kept_and_listed_as_abandoned_when_asked(string undone)
    {
        var kept = Request("""{"value":"kept answer"}""");
        var left = Request("""{"value":"undone answer"}""", ""","completionTokens":50""" + undone);
        var session = Session(kept + "," + left);
        var record = Read(session).Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("kept answer", record.Messages[1].Text);
        Assert.Equal(1L, record.SourceMeta["undone_requests"]);
        Assert.Equal(50L, Assert.Single(record.UnlistedResponses).Usage.OutputTokens);
        Assert.Equal(50L, record.Usage.OutputTokens);

        var all = Read(session, options: new ReadOptions { IncludeAbandoned = true }).Record!;
        Assert.Equal("Prompt Response Prompt Response", SampleFolder.Kinds(all));
        Assert.Equal(new[] { false, false, true, true }, all.Messages.Select(m => m.IsAbandoned));
        Assert.Equal("undone answer", all.Messages[3].Text);
    }

    [Fact]
    public void A_request_cut_after_an_undo_stop_is_read_whole()
    {
        var record = Read(Session(Request("""{"value":"answer"}""", ""","shouldBeRemovedOnSend":{"requestId":"r1","afterUndoStop":"u1"}"""))).Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.DoesNotContain(record.Messages, m => m.IsAbandoned);
        Assert.False(record.SourceMeta.ContainsKey("undone_requests"));
    }
}
