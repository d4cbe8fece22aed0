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
    private ReadResult Read(string content, string extension = ".json")
    {
        var path = Path.Combine(Sessions, Id + extension);
        File.WriteAllText(path, content);
        var reference = Assert.Single(new CopilotChatReader().SessionsIn(path));
        return Assert.Single(RolloutLoader.ReadAll(new[] { reference }, new ReadOptions(), CancellationToken.None));
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
}
