using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Cline;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

public sealed class ClineReaderTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-cline-");

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>Writes a task folder tasks/&lt;id&gt;/ with the given files and reads it as Get-AgentRollout would.</summary>
    private ReadResult Read(string history, string? ui = null, string? metadata = null, string id = "1700000000000", string? item = null, string store = "")
    {
        var task = Directory.CreateDirectory(Path.Combine(_folder.FullName, store, "tasks", id)).FullName;
        File.WriteAllText(Path.Combine(task, ClineReader.HistoryFile), history);
        if (ui is not null) File.WriteAllText(Path.Combine(task, ClineTask.UiMessagesFile), ui);
        if (metadata is not null) File.WriteAllText(Path.Combine(task, ClineTask.MetadataFile), metadata);
        if (item is not null) File.WriteAllText(Path.Combine(task, ClineTask.HistoryItemFile), item);
        var reader = new ClineReader();
        var session = Assert.Single(reader.SessionsIn(Path.Combine(task, ClineReader.HistoryFile)));
        return Assert.Single(RolloutLoader.ReadAll(new[] { session }, new ReadOptions(), CancellationToken.None));
    }

    [Fact]
    public void Oldest_string_contents_read_as_prompt_and_response()
    {
        var result = Read("""[{"role":"user","content":"<task>\nSay hi\n</task>"},{"role":"assistant","content":"Hi there."}]""");
        var record = result.Record!;
        Assert.Empty(result.Diagnostics);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(("Say hi", "Hi there."), (record.Messages[0].Text, record.Messages[1].Text));
        Assert.Equal("1700000000000", record.TraceId);
        Assert.Equal("Say hi", record.Title);
        Assert.Null(record.Messages[1].Usage);
    }

    [Fact]
    public void A_bad_entry_costs_only_itself_and_is_reported_by_its_place()
    {
        var result = Read("""[{"role":"user","content":"<task>\nGo\n</task>"},42,{"role":"system","content":"x"},{"role":"assistant","content":[{"type":"text","text":5}]},{"role":"assistant","content":"Done."}]""");
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(new[]
        {
            "entry 1 of the API history is a JSON Number, not a message; skipped.",
            "entry 2 of the API history has role \"system\" and content of type String: not a message; skipped.",
        }, result.Diagnostics.Take(2).Select(d => d.Message[(d.Message.IndexOf("entry", StringComparison.Ordinal))..]));
        var wrongType = result.Diagnostics[2];
        Assert.Equal((DiagnosticSeverity.Error, RolloutDiagnostic.ParseError), (wrongType.Severity, wrongType.ErrorId));
        Assert.Contains(": entry 3 of the API history: ", wrongType.Message, StringComparison.Ordinal);
        Assert.Equal(3L, result.Record!.SourceMeta["skipped_messages"]);
    }

    [Fact]
    public void A_bad_entry_is_reported_on_the_line_it_starts_on()
    {
        // The agents write the array on one line; a history pretty-printed by hand or by a tool has one entry a line or more.
        var result = Read("[\n  {\"role\":\"user\",\"content\":\"go\"},\n  \"stray\",\n  {\"role\":\"assistant\",\"content\":\"ok\"}\n]");
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(3, error.LineNumber);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(1, Assert.Single(Read("""[{"role":"user","content":"go"},null]""", id: "1700000000003").Diagnostics).LineNumber);
    }

    [Fact]
    public void A_history_cut_off_mid_write_or_not_an_array_gives_no_record_and_says_why()
    {
        var cut = Read("""[{"role":"user","content":"<task>\nGo\n</task>"},{"role":"assi""");
        Assert.Null(cut.Record);
        Assert.Contains(cut.Diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Message.Contains("ends before the document does", StringComparison.Ordinal));

        var obj = Read("""{"role":"user"}""", id: "1700000000001");
        Assert.Null(obj.Record);
        Assert.EndsWith("the file holds a JSON Object, not an array; no record.", Assert.Single(obj.Diagnostics).Message, StringComparison.Ordinal);

        var empty = Read("[]", id: "1700000000002");
        Assert.Null(empty.Record);
        Assert.EndsWith("the API history is empty; no record.", Assert.Single(empty.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_ui_log_is_set_aside_with_one_warning_and_the_history_keeps_its_own_metrics()
    {
        var result = Read(
            """[{"role":"user","content":"go","ts":1700000000000},{"role":"assistant","content":"ok","ts":1700000001000,"metrics":{"tokens":{"prompt":1000,"completion":20,"cached":600},"cost":0.002}}]""",
            ui: """[{"ts":1700000000000,"type":"say","say":"task","text":"go"},""");
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.SidecarDamaged), (warning.Severity, warning.ErrorId));
        var response = result.Record!.Messages[1];
        // tokens.prompt is the input beside the cache; cached sums writes and reads, counted as reads.
        Assert.Equal(new TokenUsage(1000, 20, 600, 0), response.Usage);
        Assert.Equal(0.002m, response.CostUsd);
        Assert.Equal(("metrics", 1L), (result.Record.SourceMeta["usage_source"], result.Record.SourceMeta["cache_unsplit_responses"]));
    }

    [Fact]
    public void Without_times_requests_pair_in_order_passing_over_those_that_stated_nothing()
    {
        var result = Read(
            """[{"role":"user","content":"a"},{"role":"assistant","content":"one"},{"role":"user","content":"b"},{"role":"assistant","content":"two"}]""",
            ui: """[{"type":"say","say":"api_req_started","text":"{\"tokensIn\":10,\"tokensOut\":1,\"cost\":0.1}"},{"type":"say","say":"api_req_started","text":"{\"request\":\"b\"}"},{"type":"say","say":"api_req_started","text":"{\"tokensIn\":20,\"tokensOut\":2,\"cacheReads\":5,\"cacheWrites\":3,\"cost\":0.2}"}]""");
        var responses = result.Record!.Messages.Where(m => m.Role == MessageRole.Assistant).ToArray();
        Assert.Equal(new TokenUsage?[] { new(10, 1, 0, 0), new(20, 2, 5, 3) }, responses.Select(m => m.Usage));
        Assert.Equal(new decimal?[] { 0.1m, 0.2m }, responses.Select(m => m.CostUsd));
        Assert.Equal((2L, 1L), ((long)result.Record.SourceMeta["paired_requests"], (long)result.Record.SourceMeta["unpaired_requests"]));
    }

    [Fact]
    public void Xml_parsing_keeps_the_text_around_calls_and_takes_an_unclosed_call_as_far_as_it_goes()
    {
        var parsed = ClineXmlTools.Parse("Reading it now.\n<read_file>\n<path>a.ts</path>\n</read_file>\nThen <execute_command>\n<command>npm test");
        Assert.Equal("Reading it now.\n\nThen", parsed.Text);
        Assert.Equal(new[] { ("read_file", """{"path":"a.ts"}""", true), ("execute_command", """{"command":"npm test"}""", false) }, parsed.Calls);

        // Tags that are no tool (a path mentioned in prose) leave the text alone.
        Assert.False(ClineXmlTools.MayHoldCalls("Set <path> in the config and use <b>bold</b>."));
        // A file's content holding tags of its own stays whole.
        var write = ClineXmlTools.Parse("<write_to_file><path>x.html</path><content><p>hi</p></content></write_to_file>");
        Assert.Equal("""{"path":"x.html","content":"<p>hi</p>"}""", write.Calls[0].Arguments);
        Assert.Equal(new ClineXmlTools.Header("read_file", 30), ClineXmlTools.ResultHeader("[read_file for 'a.ts'] Result:"));
        Assert.Equal("execute_command", ClineXmlTools.ResultHeader("[execute_command for 'npm test'] Result:\nok")?.Tool);
        Assert.Null(ClineXmlTools.ResultHeader("[ERROR] You did not use a tool in your previous response!"));
    }

    [Fact]
    public void Claude_4_function_calls_and_results_and_calls_not_run_are_paired()
    {
        var result = Read("""
            [{"role":"user","content":[{"type":"text","text":"<task>\nCheck both\n</task>"}]},
             {"role":"assistant","content":[{"type":"text","text":"Reading.\n<function_calls>\n<invoke name=\"read_file\">\n<parameter name=\"path\">a.ts</parameter>\n</invoke>\n</function_calls>\n<read_file>\n<path>b.ts</path>\n</read_file>"}]},
             {"role":"user","content":[{"type":"text","text":"<function_results>\nconst a = 1\n</function_results>"},{"type":"text","text":"Tool [read_file for 'b.ts'] was not executed because a tool has already been used in this message. Only one tool may be used per message."},{"type":"text","text":"<environment_details>\nnone\n</environment_details>"}]},
             {"role":"assistant","content":"Done."}]
            """);
        var record = result.Record!;
        Assert.Empty(result.Diagnostics);
        Assert.Equal("Prompt Response ToolResult ToolResult Context Response", SampleFolder.Kinds(record));
        Assert.Equal(new[] { new ToolCall("xml-1-0", "read_file", """{"path":"a.ts"}"""), new ToolCall("xml-1-1", "read_file", """{"path":"b.ts"}""") }, record.Messages[1].ToolCalls);
        Assert.Equal("Reading.", record.Messages[1].Text);
        Assert.Equal(("const a = 1", false), (record.Messages[2].Text, record.Messages[2].IsError ?? false));
        Assert.True(record.Messages[3].IsError);
        Assert.StartsWith("Tool [read_file for 'b.ts'] was not executed", record.Messages[3].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Roo_reasoning_items_go_to_the_next_response_and_encrypted_ones_are_counted()
    {
        var result = Read("""
            [{"role":"user","content":[{"type":"text","text":"<task>\nPlan it\n</task>"}]},
             {"type":"reasoning","summary":[{"type":"summary_text","text":"Think about the steps."}],"encrypted_content":"gAAA","id":"rs_1"},
             {"role":"assistant","content":[{"type":"text","text":"Step one."}]},
             {"type":"reasoning","summary":[],"encrypted_content":"gAAB"},
             {"role":"user","content":[{"type":"text","text":"<feedback>\nmore\n</feedback>"}]},
             {"role":"assistant","content":[{"type":"reasoning","encrypted_content":"gAAC","summary":[]},{"type":"text","text":"Step two."}],"reasoning_content":"Plain reasoning."}]
            """);
        var record = result.Record!;
        Assert.Empty(result.Diagnostics);
        Assert.Equal("Prompt Response Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("Think about the steps.", record.Messages[1].ReasoningContent);
        Assert.Equal("more", record.Messages[2].Text);
        Assert.Equal("Plain reasoning.", record.Messages[3].ReasoningContent);
        Assert.Equal(2L, record.SourceMeta["redacted_reasoning"]);
    }

    [Fact]
    public void A_task_folder_is_found_under_any_store_and_its_other_files_are_sidecars()
    {
        var reader = new ClineReader();
        var task = Directory.CreateDirectory(Path.Combine(_folder.FullName, "tasks", "1700000000009")).FullName;
        File.WriteAllText(Path.Combine(task, ClineReader.HistoryFile), "[]");
        File.WriteAllText(Path.Combine(task, ClineTask.UiMessagesFile), "[]");
        Assert.True(reader.IsTraceFile(Path.Combine(task, ClineReader.HistoryFile)));
        Assert.True(reader.IsSidecarFile(Path.Combine(task, ClineTask.UiMessagesFile)));
        Assert.False(reader.IsSidecarFile(Path.Combine(_folder.FullName, "ui_messages.json")));
        Assert.Equal(new[] { Path.Combine(_folder.FullName, "tasks") }, reader.StoresIn(_folder.FullName));
        Assert.Equal(new[] { Path.Combine(_folder.FullName, "tasks") }, reader.StoresIn(Path.Combine(_folder.FullName, "tasks")));
        Assert.Equal((ClineAgent.RooCode, "rooveterinaryinc.roo-cline", "Code - Insiders"),
            ClineStorage.Owner(Path.Combine(_folder.FullName, "Code - Insiders", "User", "globalStorage", "RooVeterinaryInc.roo-cline", "tasks", "x")));
        Assert.Equal((ClineAgent.ZooCode, "zoocodeorganization.zoo-code", "Antigravity"),
            ClineStorage.Owner(Path.Combine(_folder.FullName, "Antigravity", "User", "globalStorage", "zoocodeorganization.zoo-code", "tasks", "x")));
        Assert.Equal((ClineAgent.Cline, "saoudrizwan.claude-dev", ".vscode-server"),
            ClineStorage.Owner(Path.Combine(_folder.FullName, ".vscode-server", "data", "User", "globalStorage", "saoudrizwan.claude-dev", "tasks", "x")));
        Assert.Equal((ClineAgent.Cline, null, null), ClineStorage.Owner(Path.Combine(_folder.FullName, "tasks", "x")));
    }

    [Fact]
    public void A_response_of_redacted_thinking_only_is_carried_unlisted_and_counts_in_the_totals()
    {
        // Newer Cline keeps each response's metrics on its history entry; one that holds only redacted_thinking has
        // nothing to list, and Cline answers it with its "[ERROR] You did not use a tool" note.
        var result = Read("""
            [{"role":"user","content":[{"type":"text","text":"<task>\nTidy the build script\n</task>"}],"ts":1767225600000},
             {"role":"assistant","id":"msg_01A","content":[{"type":"redacted_thinking","data":"EmwKAhgBEgyQ2c3Zk"}],"ts":1767225605000,"modelInfo":{"modelId":"claude-sonnet-4-5","providerId":"anthropic","mode":"act"},"metrics":{"tokens":{"prompt":5200,"completion":80,"cached":4000},"cost":0.0051}},
             {"role":"user","content":[{"type":"text","text":"[ERROR] You did not use a tool in your previous response! Please retry with a tool use."}],"ts":1767225606000},
             {"role":"assistant","id":"msg_01B","content":[{"type":"text","text":"The script is tidy."}],"ts":1767312000000,"modelInfo":{"modelId":"claude-opus-4-5","providerId":"anthropic","mode":"act"},"metrics":{"tokens":{"prompt":6000,"completion":20,"cached":5000},"cost":0.004}}]
            """);
        var record = result.Record!;

        Assert.Empty(result.Diagnostics);
        Assert.Equal("Prompt Synthetic Response", SampleFolder.Kinds(record));
        Assert.Equal(
            new UnlistedResponse("msg_01A", DateTimeOffset.FromUnixTimeMilliseconds(1767225605000), "claude-sonnet-4-5", new TokenUsage(5200, 80, 4000, 0), 0.0051m),
            Assert.Single(record.UnlistedResponses));
        // Cline states tokens per response only, so the totals add the unlisted one to the listed one's.
        Assert.Equal(new TokenUsage(5200 + 6000, 100, 9000, 0), SampleFolder.Tokens(record));
        Assert.Equal(new[] { "claude-opus-4-5", "claude-sonnet-4-5" }, record.Models);
        Assert.Equal(1L, record.SourceMeta["redacted_reasoning"]);
    }

    [Fact]
    public void Metrics_whose_counts_cannot_be_read_state_no_usage()
    {
        var result = Read("""[{"role":"user","content":"go"},{"role":"assistant","content":"ok","metrics":{"tokens":{"prompt":"3"},"cost":0.01}}]""");
        var response = result.Record!.Messages[1];
        Assert.Null(response.Usage);
        Assert.Null(result.Record.SourceMeta.GetValueOrDefault("usage_source"));
    }

    [Fact]
    public void Words_typed_to_resume_a_task_are_a_prompt_after_the_resumption_note()
    {
        // Cline 2.x and 3.x (until April 2025) wrote the note and the person's new message as one block.
        var result = Read("""
            [{"role":"user","content":[{"type":"text","text":"<task>\nFix the bug\n</task>"}]},
             {"role":"assistant","content":"Looking."},
             {"role":"user","content":[{"type":"text","text":"[TASK RESUMPTION] This task was interrupted 2 minutes ago.\n\nNew instructions for task continuation:\n<user_message>\nNow do X\n</user_message>"},{"type":"text","text":"<environment_details>\nx\n</environment_details>"}]},
             {"role":"assistant","content":"Doing X."}]
            """);
        var record = result.Record!;
        Assert.Empty(result.Diagnostics);
        Assert.Equal("Prompt Response Context Prompt Context Response", SampleFolder.Kinds(record));
        Assert.Equal("[TASK RESUMPTION] This task was interrupted 2 minutes ago.\n\nNew instructions for task continuation:", record.Messages[2].Text);
        Assert.Equal("Now do X", record.Messages[3].Text);
        // Without words (a plain resumption) the note stays context whole.
        var plain = Read("""[{"role":"user","content":"<task>\nGo\n</task>"},{"role":"assistant","content":"ok"},{"role":"user","content":"[TASK RESUMPTION] This task was interrupted just now."}]""", id: "1700000000001");
        Assert.Equal("Prompt Response Context", SampleFolder.Kinds(plain.Record!));
    }

    [Fact]
    public void Xml_era_feedback_after_a_tool_result_is_the_persons_prompt_and_the_note_before_it_stays_the_tools()
    {
        var result = Read("""
            [{"role":"user","content":[{"type":"text","text":"<task>\nFix 'src/a.cs' (see below for file content)\n</task>\n\n<file_content path=\"src/a.cs\">\nclass A{}\n</file_content>"}]},
             {"role":"assistant","content":[{"type":"text","text":"<attempt_completion>\n<result>done</result>\n</attempt_completion>"}]},
             {"role":"user","content":[{"type":"text","text":"[attempt_completion] Result:"},{"type":"text","text":"The user has provided feedback on the results. Consider their input to continue the task, and then attempt completion again.\n<feedback>\nAdd tests\n</feedback>"},{"type":"text","text":"<environment_details>\nx\n</environment_details>"}]},
             {"role":"assistant","content":[{"type":"text","text":"<ask_followup_question>\n<question>Which framework?</question>\n</ask_followup_question>"}]},
             {"role":"user","content":[{"type":"text","text":"[ask_followup_question for 'Which framework?'] Result:"},{"type":"text","text":"<answer>\nxunit, like 'src/b.cs' (see below for file content)\n</answer>\n\n<file_content path=\"src/b.cs\">\nclass B{}\n</file_content>"}]},
             {"role":"assistant","content":[{"type":"text","text":"<read_file>\n<path>a.cs</path>\n</read_file>"}]},
             {"role":"user","content":[{"type":"text","text":"[read_file for 'a.cs'] Result:"},{"type":"text","text":"class A{}"},{"type":"text","text":"The user provided the following feedback:\n<feedback>\nLook at b too\n</feedback>"}]},
             {"role":"assistant","content":[{"type":"text","text":"<write_to_file>\n<path>b.cs</path>\n<content>x</content>\n</write_to_file>"}]},
             {"role":"user","content":[{"type":"text","text":"[write_to_file for 'b.cs'] Result:"},{"type":"text","text":"The user denied this operation and provided the following feedback:\n<feedback>\nNo, use c.cs\n</feedback>"}]},
             {"role":"assistant","content":"ok"}]
            """);
        var record = result.Record!;
        Assert.Empty(result.Diagnostics);
        Assert.Equal("Context Prompt Response ToolResult Prompt Context Response ToolResult Context Prompt Response ToolResult Prompt Response ToolResult Prompt Response",
            SampleFolder.Kinds(record));
        var prompts = record.Messages.Where(m => m.Kind == MessageKind.Prompt).Select(m => m.Text).ToArray();
        Assert.Equal(new[] { "Fix 'src/a.cs' (see below for file content)", "Add tests", "xunit, like 'src/b.cs' (see below for file content)", "Look at b too", "No, use c.cs" }, prompts);
        // The files the person mentioned are context the model was sent ahead of their words.
        Assert.Equal("<file_content path=\"src/a.cs\">\nclass A{}\n</file_content>", record.Messages[0].Text);
        Assert.Equal("<file_content path=\"src/b.cs\">\nclass B{}\n</file_content>", record.Messages[8].Text);
        Assert.Equal("The user has provided feedback on the results. Consider their input to continue the task, and then attempt completion again.", record.Messages[3].Text);
        Assert.Equal("", record.Messages[7].Text);
        Assert.Equal("class A{}\n\nThe user provided the following feedback:", record.Messages[11].Text);
        Assert.Equal("The user denied this operation and provided the following feedback:", record.Messages[14].Text);
        Assert.Equal("Fix 'src/a.cs' (see below for file content)", record.Title);
    }

    [Fact]
    public void A_tag_inside_a_tools_output_is_not_taken_for_the_person()
    {
        // Only a tag that starts a line and is followed by nothing but @-mention contents holds the person's words.
        var result = Read("""
            [{"role":"user","content":"<task>\nRead it\n</task>"},
             {"role":"assistant","content":[{"type":"text","text":"<read_file>\n<path>p.md</path>\n</read_file>"}]},
             {"role":"user","content":[{"type":"text","text":"[read_file for 'p.md'] Result:"},{"type":"text","text":"Reply in\n<answer>\nthis shape\n</answer>\nand nothing else."}]},
             {"role":"assistant","content":"ok"}]
            """);
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Null(ClinePersonWords.Find("x <feedback>no</feedback>", ClinePersonWords.InToolResult));
    }

    [Fact]
    public void A_persons_answer_inside_a_native_tool_result_follows_it_as_a_prompt()
    {
        var result = Read("""
            [{"role":"user","content":[{"type":"text","text":"<user_message>\nRefactor it\n</user_message>"}]},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"attempt_completion","input":{"result":"done"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"<user_message>\nAdd tests\n</user_message>"}]},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_2","name":"ask_followup_question","input":{"question":"Which?"}},{"type":"tool_use","id":"toolu_3","name":"write_to_file","input":{"path":"a"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"<answer>\nxunit\n</answer>"}]},{"type":"tool_result","tool_use_id":"toolu_3","content":"The user denied this operation and provided the following feedback:\n<feedback>\nnot there\n</feedback>"}]},
             {"role":"assistant","content":"ok"}]
            """);
        var record = result.Record!;
        Assert.Empty(result.Diagnostics);
        // The answers to parallel calls reach the model together, after both results.
        Assert.Equal("Prompt Response ToolResult Prompt Response ToolResult ToolResult Prompt Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("<user_message>\nAdd tests\n</user_message>", record.Messages[2].Text);
        Assert.Equal(new[] { "Refactor it", "Add tests", "xunit", "not there" }, record.Messages.Where(m => m.Kind == MessageKind.Prompt).Select(m => m.Text));
        Assert.Equal(3L, record.SourceMeta["prompts_in_tool_results"]);
    }

    [Fact]
    public void A_block_whose_text_is_not_text_costs_only_itself()
    {
        var result = Read("""[{"role":"user","content":[{"type":"text","text":5},{"type":"text","text":"<task>\nhi\n</task>"}]},{"role":"assistant","content":"hello"}]""");
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal("hi", result.Record!.Messages[0].Text);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.EndsWith("entry 0 of the API history: block 0 has \"text\" of type Number, not text; the block is skipped.", warning.Message, StringComparison.Ordinal);
        Assert.False(result.Record.SourceMeta.ContainsKey("skipped_messages"));
    }

    [Fact]
    public void A_subtask_names_its_root_and_parent_and_starts_with_the_parents_instructions()
    {
        var result = Read("""
            [{"role":"user","content":[{"type":"text","text":"<user_message>\nWrite the tests\n</user_message>"},{"type":"text","text":"<environment_details>\nx\n</environment_details>"}]},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"attempt_completion","input":{"result":"done"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"<user_message>\nAlso the docs\n</user_message>"}]},
             {"role":"assistant","content":"ok"}]
            """,
            id: "aaaaaaaa-1111-2222-3333-444444444444",
            item: """{"id":"aaaaaaaa-1111-2222-3333-444444444444","rootTaskId":"rrrrrrrr-1111-2222-3333-444444444444","parentTaskId":"bbbbbbbb-1111-2222-3333-444444444444","number":2,"ts":1760000001000,"task":"Write the tests","tokensIn":10,"tokensOut":5,"totalCost":0.1,"workspace":"/home/u/proj","mode":"code"}""");
        var record = result.Record!;
        Assert.Empty(result.Diagnostics);
        Assert.Equal(("rrrrrrrr-1111-2222-3333-444444444444", true), (record.RootSessionId, record.IsSidechain));
        Assert.Equal("bbbbbbbb-1111-2222-3333-444444444444", record.SourceMeta["parent_task_id"]);
        Assert.Equal("AgentMessage Context Response ToolResult Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(("Write the tests", "Also the docs"), (record.Messages[0].Text, record.Messages[4].Text));

        var parent = Read("""[{"role":"user","content":"<task>\nPlan\n</task>"}]""", id: "bbbbbbbb-1111-2222-3333-444444444444",
            item: """{"id":"bbbbbbbb-1111-2222-3333-444444444444","number":1,"ts":1,"task":"Plan","tokensIn":0,"tokensOut":0,"totalCost":0,"childIds":["aaaaaaaa-1111-2222-3333-444444444444"]}""").Record!;
        Assert.Equal(("bbbbbbbb-1111-2222-3333-444444444444", false), (parent.RootSessionId, parent.IsSidechain));
        Assert.Equal(new[] { "aaaaaaaa-1111-2222-3333-444444444444" }, (IEnumerable<string>)parent.SourceMeta["child_task_ids"]);
        Assert.Equal("Prompt", SampleFolder.Kinds(parent));
    }

    [Fact]
    public void Reasoning_kept_only_in_reasoning_details_is_read_and_a_thought_signature_is_no_unknown_block()
    {
        var result = Read("""
            [{"role":"user","content":"<task>\nThink\n</task>"},
             {"role":"assistant","content":[{"type":"thoughtSignature","thoughtSignature":"abc"},{"type":"text","text":"Done."}],"reasoning_details":[{"type":"reasoning.text","text":"Deep thought.","format":"google-gemini-v1","index":0},{"type":"reasoning.encrypted","data":"x"}]},
             {"role":"user","content":"<feedback>\nmore\n</feedback>"},
             {"role":"assistant","content":[{"type":"thinking","thinking":"Plain thought."},{"type":"text","text":"More.","reasoning_details":[{"type":"reasoning.summary","summary":"Plain thought."}]}]}]
            """);
        var record = result.Record!;
        Assert.Equal("Deep thought.", record.Messages[1].ReasoningContent);
        // Cline writes the details beside a thinking block that has the text already: read once.
        Assert.Equal("Plain thought.", record.Messages[3].ReasoningContent);
        Assert.Equal(1L, record.SourceMeta["redacted_reasoning"]);
        Assert.True(!record.SourceMeta.TryGetValue("unknown_block_types", out var unknown) || ((IReadOnlyDictionary<string, long>)unknown).Count == 0);
    }

    [Theory]
    // Roo since 3.30: tokensIn is the whole prompt, cache writes and reads included.
    [InlineData("rooveterinaryinc.roo-cline", "anthropic", 5200, 5000, 100, 100, 1L)]
    // Before: the input beside the cache, which a cached request's input is far below.
    [InlineData("rooveterinaryinc.roo-cline", "anthropic", 10, 5000, 100, 10, 0L)]
    // An OpenAI-protocol provider counts the cache inside its input in every version.
    [InlineData("kilocode.kilo-code", "openai", 200, 50, 5, 145, 1L)]
    // Cline states the input beside the cache from every provider.
    [InlineData("saoudrizwan.claude-dev", "anthropic", 5200, 5000, 100, 5200, 0L)]
    public void Roo_code_tokens_in_that_count_the_cache_have_it_taken_out(string extension, string protocol, long tokensIn, long reads, long writes, long input, long adjusted)
    {
        var result = Read(
            """[{"role":"user","content":"go","ts":1700000000000},{"role":"assistant","content":"ok","ts":1700000002000}]""",
            ui: $$"""[{"ts":1700000001000,"type":"say","say":"api_req_started","text":"{\"apiProtocol\":\"{{protocol}}\",\"tokensIn\":{{tokensIn}},\"tokensOut\":7,\"cacheReads\":{{reads}},\"cacheWrites\":{{writes}},\"cost\":0.01}"}]""",
            id: "aaaaaaaa-1111-2222-3333-444444444444",
            store: Path.Combine("Code", "User", "globalStorage", extension));
        var record = result.Record!;
        Assert.Equal(new TokenUsage(input, 7, reads, writes), record.Messages[1].Usage);
        Assert.Equal(adjusted, record.SourceMeta.TryGetValue("inputs_with_cache", out var count) ? count : 0L);
    }

    [Fact]
    public void Clines_summarize_task_result_stays_the_tools_answer_and_counts_as_a_summary()
    {
        var result = Read("""
            [{"role":"user","content":"<task>\nLong job\n</task>"},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"summarize_task","input":{"context":"We did A."}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"This session is being continued from a previous conversation that ran out of context. The conversation is summarized below:\nWe did A."}]},
             {"role":"assistant","content":"Going on."}]
            """);
        var record = result.Record!;
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(1L, record.SourceMeta["compaction_summaries"]);
    }
}
