using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Cline;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>The Cline SDK's sessions: sessions/&lt;id&gt;/&lt;id&gt;.messages.json beside the manifest &lt;id&gt;.json.</summary>
public sealed class ClineSessionTests : IDisposable
{
    private const string Id = "1767312000000_abcde";
    private const string Model = """{"id":"anthropic/claude-sonnet-4.5","provider":"cline","family":"claude-sonnet"}""";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-cline-sessions-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string SessionFolder => Directory.CreateDirectory(Path.Combine(_folder.FullName, "sessions", Id)).FullName;

    /// <summary>Writes a messages file (named by the session, or by a subagent's file stem) and reads it as Get-AgentRollout would.</summary>
    private ReadResult Read(string messagesFile, string? manifest = null, string? stem = null)
    {
        var folder = SessionFolder;
        var path = Path.Combine(folder, (stem ?? Id) + ClineSession.MessagesSuffix);
        File.WriteAllText(path, messagesFile);
        if (manifest is not null) File.WriteAllText(Path.Combine(folder, Id + ".json"), manifest);
        var reader = new ClineReader();
        var session = Assert.Single(reader.SessionsIn(path));
        return Assert.Single(RolloutLoader.ReadAll(new[] { session }, new ReadOptions(), CancellationToken.None));
    }

    private static string File_(string messages, string extra = "") =>
        $$"""{"version":1,"updated_at":"2026-01-02T00:01:00.000Z","agent":"lead","sessionId":"{{Id}}","origin":{"source":"cli","mode":"user","sessionId":"{{Id}}"}{{extra}},"messages":[{{messages}}]}""";

    [Fact]
    public void Prompt_tool_call_and_results_read_with_tokens_cost_and_model_per_response()
    {
        var result = Read(File_($$$"""
            {"id":"msg_u1","role":"user","content":[{"type":"text","text":"<user_input mode=\"act\">Fix the bug</user_input>"}],"ts":1767312001000},
            {"id":"msg_a1","role":"assistant","content":[{"type":"thinking","thinking":"Look first.","signature":"x"},{"type":"text","text":"Reading."},{"type":"tool_use","id":"toolu_1","name":"read_files","input":{"files":[{"path":"a.ts"}]}}],"ts":1767312002000,"modelInfo":{{{Model}}},"metrics":{"inputTokens":1500,"outputTokens":40,"cacheReadTokens":1000,"cacheWriteTokens":200,"cost":0.0123}},
            {"id":"msg_t1","role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","name":"read_files","content":[{"query":"a.ts","result":"1 | let a","success":true}]}],"ts":1767312002100},
            {"id":"msg_a2","role":"assistant","content":[{"type":"text","text":"Done."}],"ts":1767312003000,"modelInfo":{{{Model}}},"metrics":{"inputTokens":1600,"outputTokens":5,"cacheReadTokens":1500,"cacheWriteTokens":0}}
            """));
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal((Id, Id, RolloutFormat.Cline, "cline"), (record.TraceId, record.RootSessionId, record.Format, record.SourceKind));
        Assert.Equal("Fix the bug", record.Messages[0].Text);
        Assert.Equal("Fix the bug", record.Title);

        var first = record.Messages[1];
        Assert.Equal(("Reading.", "Look first.", "msg_a1", "anthropic/claude-sonnet-4.5"), (first.Text, first.ReasoningContent, first.ResponseId, first.Model));
        // inputTokens counts the cached prompt too: what is left beside the cache reads and writes is fresh input.
        Assert.Equal(new TokenUsage(300, 40, 1000, 200), first.Usage);
        Assert.Equal(0.0123m, first.CostUsd);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal(("toolu_1", "read_files", """{"files":[{"path":"a.ts"}]}"""), (call.Id, call.Name, call.Arguments));
        Assert.Equal(("toolu_1", "read_files"), (record.Messages[2].ToolCallId, record.Messages[2].ToolName));
        Assert.Equal("""{"query":"a.ts","result":"1 | let a","success":true}""", record.Messages[2].Text);

        Assert.Equal(new TokenUsage(100, 5, 1500, 0), record.Messages[3].Usage);
        Assert.Null(record.Messages[3].CostUsd);
        Assert.Equal(new TokenUsage(400, 45, 2500, 200), SampleFolder.Tokens(record));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767312001000), record.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767312003000), record.EndedAt);
        Assert.Equal(new[] { "act" }, record.SourceMeta["modes"] as IEnumerable<string>);
    }

    [Fact]
    public void Attached_files_images_system_prompt_errors_and_mode_notices_are_kept()
    {
        var result = Read(File_("""
            {"id":"msg_u1","role":"user","content":[{"type":"text","text":"<mode_notice>The user switched from act mode to plan mode before sending this message.</mode_notice><user_input mode=\"plan\">Why?</user_input>"},{"type":"file","path":"/w/a.ts","content":"let a = 1;"},{"type":"image","data":"iVBORw0KGgo=","mediaType":"image/png"}],"ts":1767312001000},
            {"id":"msg_a1","role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"run_commands","input":{"commands":["npm test"]}}],"ts":1767312002000},
            {"id":"msg_t1","role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","name":"run_commands","content":"1 failing","is_error":true}],"ts":1767312003000},
            {"id":"msg_n1","role":"user","content":"Recovered after an error.","metadata":{"kind":"recovery_notice","displayRole":"system"},"ts":1767312004000}
            """, ""","system_prompt":"You are Cline." """));
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("Context Prompt Response ToolResult Context", SampleFolder.Kinds(record));
        Assert.Equal((MessageRole.System, "You are Cline."), (record.Messages[0].Role, record.Messages[0].Text));
        var prompt = record.Messages[1].Content;
        Assert.Equal("Why?", prompt[0].Text);
        Assert.Equal("<file_content path=\"/w/a.ts\">\nlet a = 1;\n</file_content>", prompt[1].Text);
        Assert.Equal((ContentBlockType.Image, "image/png"), (prompt[2].Type, prompt[2].MediaType));
        Assert.True(record.Messages[3].IsError);
        Assert.Equal(1L, record.SourceMeta["attached_files"]);
        Assert.Equal(new[] { "plan" }, record.SourceMeta["modes"] as IEnumerable<string>);
    }

    [Fact]
    public void A_response_of_redacted_reasoning_only_is_carried_unlisted_with_its_tokens_and_cost()
    {
        var result = Read(File_($$$"""
            {"id":"msg_u1","role":"user","content":"go","ts":1767312001000},
            {"id":"msg_a1","role":"assistant","content":[{"type":"redacted_thinking","data":"ZW5j"}],"ts":1767312002000,"modelInfo":{{{Model}}},"metrics":{"inputTokens":900,"outputTokens":30,"cacheReadTokens":0,"cacheWriteTokens":0,"cost":0.004}},
            {"id":"msg_a2","role":"assistant","content":[{"type":"text","text":"ok"}],"ts":1767312003000,"modelInfo":{{{Model}}},"metrics":{"inputTokens":950,"outputTokens":2,"cacheReadTokens":0,"cacheWriteTokens":0,"cost":0.001}}
            """));
        var record = result.Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        var unlisted = Assert.Single(record.UnlistedResponses);
        Assert.Equal(("msg_a1", "anthropic/claude-sonnet-4.5", new TokenUsage(900, 30, 0, 0), 0.004m), (unlisted.ResponseId, unlisted.Model, unlisted.Usage, unlisted.CostUsd));
        Assert.Equal(new TokenUsage(1850, 32, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(1L, record.SourceMeta["redacted_reasoning"]);
        Assert.Equal(0.005, (double)record.SourceMeta["stated_cost_usd"], 6);
    }

    [Fact]
    public void The_manifest_gives_times_title_workspace_and_status()
    {
        var manifest = $$$"""
            {"version":1,"session_id":"{{{Id}}}","source":"vscode","pid":7,"started_at":"2026-01-02T00:00:00.000Z","ended_at":"2026-01-02T00:05:00.000Z","exit_code":0,"status":"completed","interactive":true,"provider":"anthropic","model":"claude-sonnet-4-5","cwd":"/w/app","workspace_root":"/w","enable_tools":true,"enable_spawn":false,"enable_teams":false,"metadata":{"title":"Fix the bug in app","mode":"act","fork":{"forkedFromSessionId":"1767300000000_zzzzz"} } }
            """;
        var record = Read(File_("""{"role":"user","content":"go","ts":1767312001000},{"role":"assistant","content":"ok","ts":1767312002000}"""), manifest).Record!;
        Assert.Equal(("Fix the bug in app", "/w/app", "/w"), (record.Title, record.Cwd, record.ProjectPath));
        Assert.Equal((DateTimeOffset.Parse("2026-01-02T00:00:00Z"), DateTimeOffset.Parse("2026-01-02T00:05:00Z")), (record.StartedAt!.Value, record.EndedAt!.Value));
        Assert.Equal(new[] { "claude-sonnet-4-5" }, record.Models);
        Assert.Equal(("vscode", "completed", "anthropic", "1767300000000_zzzzz"),
            ((string)record.SourceMeta["session_source"], (string)record.SourceMeta["status"], (string)record.SourceMeta["provider"], (string)record.SourceMeta["forked_from"]));
    }

    [Fact]
    public void A_subagent_and_a_team_task_are_named_under_their_root_session()
    {
        var reader = new ClineReader();
        var folder = SessionFolder;
        var subagent = Path.Combine(folder, "reviewer" + ClineSession.MessagesSuffix);
        var teamTask = Path.Combine(folder, "tester__Xy12ab" + ClineSession.MessagesSuffix);
        Assert.Equal((Id, $"{Id}__reviewer", "reviewer"), ClineSession.Ids(subagent));
        Assert.Equal((Id, $"{Id}__teamtask__tester__Xy12ab", "tester"), ClineSession.Ids(teamTask));

        var record = Read("""{"version":1,"agent":"subagent","sessionId":"1767312000000_abcde__reviewer","origin":{"source":"cli","parentThreadId":"1767312000000_abcde"},"messages":[{"role":"user","content":"Review it.","ts":1767312001000},{"role":"assistant","content":"Fine.","ts":1767312002000}]}""",
            stem: "reviewer").Record!;
        Assert.Equal(($"{Id}__reviewer", Id, "reviewer", true), (record.TraceId, record.RootSessionId, record.AgentId, record.IsSidechain));
        Assert.Equal("Review it.", record.Title);
        Assert.Equal(Id, record.SourceMeta["parent_session_id"]);
        Assert.Equal(new NamedIds($"{Id}__reviewer", "reviewer"), Assert.Single(reader.SessionsIn(subagent)).Ids);
    }

    [Fact]
    public void The_manifest_compaction_state_and_store_index_are_sidecars_and_a_sessions_folder_is_a_store()
    {
        var reader = new ClineReader();
        var folder = SessionFolder;
        File.WriteAllText(Path.Combine(folder, Id + ClineSession.MessagesSuffix), File_(""));
        var sessions = Path.GetDirectoryName(folder)!;
        foreach (var sidecar in new[] { Path.Combine(folder, Id + ".json"), Path.Combine(folder, Id + ".compaction.json"), Path.Combine(sessions, "sessions.index.json") })
        {
            Assert.True(reader.IsSidecarFile(sidecar), sidecar);
        }
        Assert.False(reader.IsSidecarFile(Path.Combine(folder, "other.json")));
        Assert.True(reader.IsTraceFile(Path.Combine(folder, Id + ClineSession.MessagesSuffix)));
        Assert.Equal(new[] { sessions }, reader.StoresIn(sessions));
        Assert.Equal(new[] { sessions }, reader.StoresIn(_folder.FullName));
    }

    [Fact]
    public void A_bad_message_is_reported_on_its_line_and_the_rest_read()
    {
        var result = Read($$"""
            {
              "version": 1,
              "sessionId": "{{Id}}",
              "messages": [
                {"role": "user", "content": "go", "ts": 1767312001000},
                7,
                {"role": "tool", "content": "x"},
                {"role": "assistant", "content": [{"type": "text", "text": 5}]},
                {"role": "assistant", "content": "ok", "ts": 1767312002000}
              ]
            }
            """);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(new[] { (6, "message 1 of the session is a JSON Number, not a message; skipped."), (7, "message 2 of the session is of role \"tool\" with content of type String, not a message; skipped.") },
            result.Diagnostics.Take(2).Select(d => (d.LineNumber ?? 0, d.Message[d.Message.IndexOf("message ", StringComparison.Ordinal)..])));
        Assert.Equal((8, RolloutDiagnostic.ParseError), (result.Diagnostics[2].LineNumber ?? 0, result.Diagnostics[2].ErrorId));
        Assert.Equal(3L, result.Record!.SourceMeta["skipped_messages"]);
    }

    [Fact]
    public void A_truncated_file_a_file_without_messages_and_a_damaged_manifest_are_reported()
    {
        var truncated = Read("""{"version":1,"sessionId":"x","messages":[{"role":"user","content":"go"}""");
        Assert.Null(truncated.Record);
        Assert.Contains(truncated.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);

        var empty = Read(File_(""));
        Assert.Null(empty.Record);
        Assert.Contains("no messages yet", Assert.Single(empty.Diagnostics).Message, StringComparison.Ordinal);

        var damagedManifest = Read(File_("""{"role":"user","content":"go"},{"role":"assistant","content":"ok"}"""), manifest: """{"version":1,"cwd":7}""");
        Assert.NotNull(damagedManifest.Record);
        var warning = Assert.Single(damagedManifest.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains(Id + ".json", warning.Message, StringComparison.Ordinal);
    }
    [Fact]
    public void Text_under_another_name_is_told_by_its_root_object_and_detected_by_it()
    {
        var text = File_("""{"role":"user","content":"go"},{"role":"assistant","content":"ok"}""");
        var reader = new ClineReader();
        var scan = reader.BeginScan(Array.Empty<TraceSource>(), CancellationToken.None);
        var result = scan.Read(TraceSource.FromBytes("<pipeline>", System.Text.Encoding.UTF8.GetBytes(text)), CancellationToken.None);
        Assert.Equal((Id, "Prompt Response"), (result.Record!.TraceId, SampleFolder.Kinds(result.Record)));

        Assert.Equal(RolloutTools.Core.Discovery.DetectionScore.Certain, reader.Score(RolloutTools.Core.Json.JsonHead.Read(System.Text.Encoding.UTF8.GetBytes(text))!));
        Assert.Equal(RolloutTools.Core.Discovery.DetectionScore.None, reader.Score(RolloutTools.Core.Json.JsonHead.Read("""{"sessionId":"x","messages":[]}"""u8)!));
    }

    [Fact]
    public void A_summary_the_compactor_wrote_into_the_messages_is_a_compaction_summary_not_context()
    {
        var result = Read(File_("""
            {"id":"msg_s","role":"user","content":[{"type":"text","text":"Context summary:\n\nWe fixed the bug."}],"metadata":{"kind":"compaction_summary","displayRole":"system","summary":"We fixed the bug."}},
            {"id":"msg_u2","role":"user","content":[{"type":"text","text":"<user_input mode=\"act\">Now the tests</user_input>"}]}
            """));
        var record = result.Record!;
        Assert.Equal("CompactionSummary Prompt", SampleFolder.Kinds(record));
        Assert.Equal(1L, record.SourceMeta["compaction_summaries"]);
    }
}
