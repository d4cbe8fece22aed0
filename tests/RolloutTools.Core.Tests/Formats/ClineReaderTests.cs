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
    private ReadResult Read(string history, string? ui = null, string? metadata = null, string id = "1700000000000")
    {
        var task = Directory.CreateDirectory(Path.Combine(_folder.FullName, "tasks", id)).FullName;
        File.WriteAllText(Path.Combine(task, ClineReader.HistoryFile), history);
        if (ui is not null) File.WriteAllText(Path.Combine(task, ClineTask.UiMessagesFile), ui);
        if (metadata is not null) File.WriteAllText(Path.Combine(task, ClineTask.MetadataFile), metadata);
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
        Assert.Equal(new TokenUsage(400, 20, 600, 0), response.Usage);
        Assert.Equal(0.002m, response.CostUsd);
        Assert.Equal("metrics", result.Record.SourceMeta["usage_source"]);
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
        Assert.Equal("read_file", ClineXmlTools.ResultHeader("[read_file for 'a.ts'] Result:"));
        Assert.Equal("execute_command", ClineXmlTools.ResultHeader("[execute_command for 'npm test'] Result:\nok"));
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
            new UnlistedResponse("msg_01A", DateTimeOffset.FromUnixTimeMilliseconds(1767225605000), "claude-sonnet-4-5", new TokenUsage(1200, 80, 4000, 0), 0.0051m),
            Assert.Single(record.UnlistedResponses));
        // Cline states tokens per response only, so the totals add the unlisted one to the listed one's.
        Assert.Equal(new TokenUsage(1200 + 1000, 100, 9000, 0), SampleFolder.Tokens(record));
        Assert.Equal(new[] { "claude-opus-4-5", "claude-sonnet-4-5" }, record.Models);
        Assert.Equal(1L, record.SourceMeta["redacted_reasoning"]);
    }
}
