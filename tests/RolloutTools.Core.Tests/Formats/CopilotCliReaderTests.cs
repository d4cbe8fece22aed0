using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.CopilotCli;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

[Collection(nameof(EnvironmentVariables))]
public sealed class CopilotCliReaderTests : IDisposable
{
    private const string Session = "5a0e7c3b-2d41-4b86-9f0a-6c1e8d2b7f49";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "copilot-reader-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static string Event(string type, string data, int second, string? id = null, string? parent = null) =>
        $"{{\"type\":\"{type}\",\"data\":{data},\"id\":{ClaudeLines.Q(id)},\"timestamp\":\"2026-10-01T08:00:{second:00}.000Z\",\"parentId\":{ClaudeLines.Q(parent)}}}";

    private static string Start(string? id = "e0") =>
        Event("session.start", $"{{\"sessionId\":\"{Session}\",\"copilotVersion\":\"1.0.40\",\"selectedModel\":\"gpt-5\",\"context\":{{\"cwd\":\"/home/dev/api\",\"branch\":\"main\"}}}}", 0, id);

    private static ReadResult Read(IEnumerable<string> lines, ReadOptions? options = null)
    {
        var source = TraceSource.FromBytes($"{Session}.jsonl", Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
        return new CopilotCliReader().BeginScan(new[] { source }, CancellationToken.None, options).Read(source, CancellationToken.None);
    }

    private static IReadOnlyList<ReadResult> ReadAll(IEnumerable<string> lines)
    {
        var source = TraceSource.FromBytes($"{Session}.jsonl", Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
        return ((IMultiRecordScan)new CopilotCliReader().BeginScan(new[] { source }, CancellationToken.None)).ReadEach(source, CancellationToken.None).ToArray();
    }

    private static string AgentEvent(string type, string data, int second, string id, string parent, string agent) =>
        Event(type, data, second, id, parent).Replace("\"timestamp\"", $"\"agentId\":\"{agent}\",\"timestamp\"", StringComparison.Ordinal);

    private static string Metrics(params (string Model, int Input, int Output)[] models) =>
        "{\"shutdownType\":\"routine\",\"modelMetrics\":{" + string.Join(",", models.Select(m => $"\"{m.Model}\":{{\"requests\":{{\"count\":1}},\"usage\":{{\"inputTokens\":{m.Input},\"outputTokens\":{m.Output}}}}}")) + "}}";

    [Fact]
    public void A_sub_agents_events_are_a_sidechain_record_of_their_own_never_the_persons_prompt()
    {
        var results = ReadAll(new[]
        {
            Start(),
            Event("user.message", "{\"content\":\"find the bug\"}", 1, "e1", "e0"),
            Event("assistant.message", "{\"messageId\":\"m1\",\"content\":\"Delegating.\",\"toolRequests\":[{\"toolCallId\":\"task1\",\"name\":\"task\",\"arguments\":{\"prompt\":\"search\"}}],\"outputTokens\":10}", 2, "e2", "e1"),
            Event("tool.execution_start", "{\"toolCallId\":\"task1\",\"toolName\":\"task\"}", 3, "e3", "e2"),
            AgentEvent("subagent.started", "{\"toolCallId\":\"task1\",\"agentName\":\"explore\",\"agentDisplayName\":\"Explore\",\"model\":\"claude-haiku-4.5\"}", 3, "e4", "e3", "sub-1"),
            AgentEvent("session.model_change", "{\"newModel\":\"claude-haiku-4.5\"}", 3, "e5", "e4", "sub-1"),
            AgentEvent("user.message", "{\"content\":\"search for the bug\",\"source\":\"agent-main\"}", 4, "e6", "e5", "sub-1"),
            AgentEvent("assistant.message", "{\"messageId\":\"m2\",\"content\":\"found in foo.c\",\"parentToolCallId\":\"task1\",\"toolRequests\":[{\"toolCallId\":\"g1\",\"name\":\"grep\",\"arguments\":{}}],\"outputTokens\":5}", 5, "e7", "e6", "sub-1"),
            AgentEvent("tool.execution_complete", "{\"toolCallId\":\"g1\",\"success\":true,\"result\":{\"content\":\"foo.c:3\"}}", 6, "e8", "e7", "sub-1"),
            Event("tool.execution_complete", "{\"toolCallId\":\"task1\",\"success\":true,\"result\":{\"content\":\"found in foo.c\"}}", 7, "e9", "e8"),
            Event("assistant.message", "{\"messageId\":\"m3\",\"content\":\"The bug is in foo.c.\",\"outputTokens\":7}", 8, "e10", "e9"),
            Event("session.shutdown", Metrics(("gpt-5", 1000, 17), ("claude-haiku-4.5", 200, 5)), 9, "e11", "e10"),
        });

        Assert.Equal(2, results.Count);
        var main = results[0].Record!;
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(main));
        Assert.Equal(new[] { "gpt-5", "gpt-5" }, main.Messages.Where(m => m.Role == MessageRole.Assistant).Select(m => m.Model));
        Assert.Equal(("task1", "found in foo.c"), (main.Messages[2].ToolCallId, main.Messages[2].Text));
        Assert.Equal(new TokenUsage(1000, 17, 0, 0), SampleFolder.Tokens(main));
        Assert.Equal(new[] { "gpt-5" }, main.Models);
        Assert.Equal((1L, 5L), ((long)main.SourceMeta["subagents"], (long)main.SourceMeta["subagent_events"]));

        var sub = results[1].Record!;
        Assert.Equal(($"{Session}:sub-1", "sub-1", Session, true), (sub.TraceId, sub.AgentId, sub.RootSessionId, sub.IsSidechain));
        Assert.Equal("AgentMessage Response ToolResult", SampleFolder.Kinds(sub));
        Assert.Equal(("claude-haiku-4.5", new TokenUsage(200, 5, 0, 0)), (sub.Messages[1].Model, sub.Messages[1].Usage!));
        Assert.Equal(("Explore", "task1", "/home/dev/api"), ((string)sub.SourceMeta["agent_name"], (string)sub.SourceMeta["parent_tool_call_id"], sub.Cwd));
        Assert.Equal("search for the bug", sub.Title);
    }

    [Fact]
    public void User_messages_the_person_did_not_type_are_context_or_agent_messages()
    {
        var record = Read(new[]
        {
            Start(),
            Event("user.message", "{\"content\":\"SKILL BODY\",\"source\":\"skill-pdf\"}", 1, "e1", "e0"),
            Event("skill.invoked", "{\"name\":\"pdf\",\"content\":\"SKILL BODY\"}", 1, "e2", "e1"),
            Event("user.message", "{\"content\":\"/review\",\"source\":\"command-review\"}", 2, "e3", "e2"),
            Event("user.message", "{\"content\":\"keep going\",\"isAutopilotContinuation\":true}", 3, "e4", "e3"),
            Event("user.message", "{\"content\":\"your results\",\"source\":\"agent-7\"}", 4, "e5", "e4"),
            Event("system.notification", "{\"content\":\"<system_notification>shell done</system_notification>\",\"kind\":{\"type\":\"shell_completed\"}}", 5, "e6", "e5"),
            Event("skill.invoked", "{\"name\":\"docx\",\"content\":\"DOCX SKILL\"}", 6, "e7", "e6"),
            Event("user.message", "{\"content\":\"DOCX SKILL\",\"source\":\"skill-docx\"}", 6, "e7b", "e7"),
            Event("user.message", "{\"content\":\"thanks\"}", 7, "e8", "e7b"),
        }).Record!;

        Assert.Equal("Context Prompt Context AgentMessage Context Context Prompt", SampleFolder.Kinds(record));
        Assert.Equal("<system_notification>shell done</system_notification>", record.Messages[4].Text);
        Assert.Equal("DOCX SKILL", record.Messages[5].Text);
        Assert.Equal("/review", record.Title);
        var sources = (IReadOnlyDictionary<string, long>)record.SourceMeta["message_sources"];
        Assert.Equal((1L, 1L, 1L, 2L, 1L), (sources["skill-pdf"], sources["command-review"], sources["agent-7"], sources["typed"], sources["skill-docx"]));
        Assert.False(record.SourceMeta.ContainsKey("unknown_event_types"));
    }

    [Fact]
    public void A_tool_the_person_ran_is_a_command_with_its_result_not_a_response()
    {
        var record = Read(new[]
        {
            Start(),
            Event("user.message", "{\"content\":\"hi\"}", 1, "e1", "e0"),
            Event("tool.user_requested", "{\"toolCallId\":\"u1\",\"toolName\":\"bash\",\"arguments\":{\"command\":\"ls\"}}", 2, "e2", "e1"),
            Event("tool.execution_start", "{\"toolCallId\":\"u1\",\"toolName\":\"bash\",\"arguments\":{\"command\":\"ls\"}}", 2, "e3", "e2"),
            Event("tool.execution_complete", "{\"toolCallId\":\"u1\",\"success\":true,\"isUserRequested\":true,\"result\":{\"content\":\"a b c\"}}", 3, "e4", "e3"),
        }).Record!;

        Assert.Equal("Prompt Command ToolResult", SampleFolder.Kinds(record));
        Assert.Equal((MessageRole.Assistant, (string?)null), (record.Messages[1].Role, record.Messages[1].Model));
        Assert.Equal(new ToolCall("u1", "bash", "{\"command\":\"ls\"}"), record.Messages[1].ToolCalls.Single());
        Assert.Equal("a b c", record.Messages[2].Text);
        Assert.False(record.SourceMeta.ContainsKey("calls_without_request"));
        Assert.Equal(1L, record.SourceMeta["user_requested_calls"]);
    }

    [Fact]
    public void A_run_marked_the_person_s_only_on_its_result_is_a_command_though_its_start_came_first()
    {
        var record = Read(new[]
        {
            Start(),
            Event("user.message", "{\"content\":\"hi\"}", 1, "e1", "e0"),
            Event("tool.execution_start", "{\"toolCallId\":\"u1\",\"toolName\":\"bash\",\"arguments\":{\"command\":\"ls\"}}", 2, "e2", "e1"),
            Event("tool.execution_complete", "{\"toolCallId\":\"u1\",\"success\":true,\"isUserRequested\":true,\"result\":{\"content\":\"a b c\"}}", 3, "e3", "e2"),
            Event("tool.execution_start", "{\"toolCallId\":\"t2\",\"toolName\":\"view\",\"arguments\":{\"path\":\"a\"}}", 4, "e4", "e3"),
            Event("tool.execution_complete", "{\"toolCallId\":\"t2\",\"success\":true,\"result\":{\"content\":\"A\"}}", 5, "e5", "e4"),
        }).Record!;

        Assert.Equal("Prompt Command ToolResult Response ToolResult", SampleFolder.Kinds(record));
        Assert.Equal((MessageRole.Assistant, (string?)null), (record.Messages[1].Role, record.Messages[1].Model));
        Assert.Equal(new ToolCall("u1", "bash", "{\"command\":\"ls\"}"), record.Messages[1].ToolCalls.Single());
        Assert.Equal(TimeSpan.FromSeconds(1), record.Messages[2].ToolDuration);
        Assert.Equal(("gpt-5", "t2"), (record.Messages[3].Model, record.Messages[3].ToolCalls.Single().Id));
        Assert.Equal(1L, record.SourceMeta["user_requested_calls"]);
        Assert.Equal(1L, record.SourceMeta["calls_without_request"]);
    }

    [Fact]
    public void A_resumed_run_on_another_model_is_priced_as_that_model_and_no_output_is_counted_twice()
    {
        var record = Read(new[]
        {
            Start(),
            Event("user.message", "{\"content\":\"one\"}", 1, "e1", "e0"),
            Event("assistant.message", "{\"messageId\":\"m1\",\"content\":\"r1\",\"outputTokens\":10}", 2, "e2", "e1"),
            Event("assistant.message", "{\"messageId\":\"m2\",\"model\":\"mystery-1\",\"content\":\"r2\",\"outputTokens\":5}", 3, "e3", "e2"),
            Event("session.shutdown", Metrics(("gpt-5", 100, 15)), 4, "e4", "e3"),
            Event("session.resume", "{\"selectedModel\":\"claude-opus-4.7\"}", 5, "e5", null),
            Event("user.message", "{\"content\":\"two\"}", 6, "e6", "e5"),
            Event("assistant.message", "{\"messageId\":\"m3\",\"content\":\"r3\",\"outputTokens\":30}", 7, "e7", "e6"),
            Event("session.shutdown", Metrics(("claude-opus-4.7", 500, 30)), 8, "e8", "e7"),
        }).Record!;

        // m2 names a model the metrics do not: its output is inside gpt-5's 15 already.
        Assert.Null(record.Messages[2].Usage);
        Assert.Equal(new TokenUsage(100, 15, 0, 0), record.Messages[1].Usage);
        Assert.Equal(("claude-opus-4.7", new TokenUsage(500, 30, 0, 0)), (record.Messages[4].Model, record.Messages[4].Usage!));
        Assert.Equal(new TokenUsage(600, 45, 0, 0), SampleFolder.Tokens(record));
    }

    [Fact]
    public void Responses_of_a_model_the_log_never_names_take_the_model_of_the_metrics_that_cover_them()
    {
        var record = Read(new[]
        {
            Event("session.start", $"{{\"sessionId\":\"{Session}\"}}", 0, "e0"),
            Event("user.message", "{\"content\":\"one\"}", 1, "e1", "e0"),
            Event("assistant.message", "{\"messageId\":\"m1\",\"content\":\"r1\",\"outputTokens\":10}", 2, "e2", "e1"),
            Event("session.shutdown", Metrics(("claude-sonnet-4.5", 100, 10)), 3, "e3", "e2"),
        }).Record!;

        Assert.Equal(("claude-sonnet-4.5", new TokenUsage(100, 10, 0, 0)), (record.Messages[1].Model, record.Messages[1].Usage!));
        Assert.False(record.SourceMeta.ContainsKey("unplaced_usage_models"));
    }

    [Fact]
    public void The_chunks_of_one_model_call_are_one_response_with_its_output_once()
    {
        var record = Read(new[]
        {
            Start(),
            Event("user.message", "{\"content\":\"explain\"}", 1, "e1", "e0"),
            Event("assistant.message", "{\"messageId\":\"m1\",\"apiCallId\":\"c1\",\"chunkIndex\":0,\"chunkCount\":2,\"content\":\"part one\",\"reasoningText\":\"think A\",\"outputTokens\":40}", 2, "e2", "e1"),
            Event("assistant.message", "{\"messageId\":\"m2\",\"apiCallId\":\"c1\",\"chunkIndex\":1,\"chunkCount\":2,\"content\":\"part two\",\"reasoningText\":\"think B\",\"toolRequests\":[{\"toolCallId\":\"c9\",\"name\":\"view\",\"arguments\":{}}],\"outputTokens\":40}", 3, "e3", "e2"),
            Event("tool.execution_complete", "{\"toolCallId\":\"c9\",\"success\":true,\"result\":{\"content\":\"x\"}}", 4, "e4", "e3"),
            Event("assistant.message", "{\"messageId\":\"m3\",\"apiCallId\":\"c2\",\"content\":\"done\",\"outputTokens\":3}", 5, "e5", "e4"),
        }).Record!;

        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        var response = record.Messages[1];
        Assert.Equal(("think A\n\nthink B", "part one\n\npart two"), (response.ReasoningContent, response.Text));
        Assert.Equal(("m1", "c9", new TokenUsage(0, 40, 0, 0)), (response.ResponseId, response.ToolCalls.Single().Id, response.Usage!));
        Assert.Equal(new TokenUsage(0, 43, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(1L, record.SourceMeta["merged_chunks"]);
    }

    [Fact]
    public void Pasted_images_and_images_a_tool_returned_are_kept_with_assets_resolved()
    {
        var record = Read(new[]
        {
            Start(),
            Event("session.binary_asset", "{\"assetId\":\"sha256:ab\",\"byteLength\":3,\"data\":\"QUJD\",\"mimeType\":\"image/png\",\"type\":\"image\"}", 1, "e1", "e0"),
            Event("user.message", "{\"content\":\"\",\"attachments\":[{\"type\":\"blob\",\"data\":\"iVBO\",\"mimeType\":\"image/png\"},{\"type\":\"file\",\"path\":\"/a/s.png\",\"displayName\":\"s.png\",\"assetId\":\"sha256:ab\",\"mimeType\":\"image/png\"},{\"type\":\"file\",\"path\":\"/a/b.c\",\"displayName\":\"b.c\"}]}", 2, "e2", "e1"),
            Event("assistant.message", "{\"messageId\":\"m1\",\"content\":\"\",\"toolRequests\":[{\"toolCallId\":\"s1\",\"name\":\"screenshot\",\"arguments\":{}}]}", 3, "e3", "e2"),
            Event("tool.execution_complete", "{\"toolCallId\":\"s1\",\"success\":true,\"result\":{\"content\":\"taken\",\"binaryResultsForLlm\":[{\"type\":\"image\",\"data\":\"R0lG\",\"mimeType\":\"image/gif\"},{\"type\":\"image\",\"assetId\":\"sha256:gone\",\"byteLength\":9,\"mimeType\":\"image/png\"}]}}", 4, "e4", "e3"),
        }).Record!;

        Assert.Equal("Prompt Response ToolResult", SampleFolder.Kinds(record));
        Assert.Equal(new[] { ("image/png", "iVBO"), ("image/png", "QUJD") }, record.Messages[0].Content.Select(b => (b.MediaType!, b.Data!)));
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image }, record.Messages[2].Content.Select(b => b.Type));
        Assert.Equal(1L, record.SourceMeta["missing_assets"]);
    }

    [Fact]
    public void A_change_of_folder_during_the_session_moves_the_cwd_and_branch()
    {
        var record = Read(new[]
        {
            Start(),
            Event("user.message", "{\"content\":\"hi\"}", 1, "e1", "e0"),
            Event("session.context_changed", "{\"cwd\":\"/home/dev/web\",\"branch\":\"feature/ui\"}", 2, "e2", "e1"),
        }).Record!;

        Assert.Equal(("/home/dev/web", "feature/ui", "/home/dev/api"), (record.Cwd, record.GitBranch, record.ProjectPath));
    }

    [Fact]
    public void A_damaged_line_costs_only_itself_and_unknown_event_types_are_counted_not_errors()
    {
        var result = Read(new[]
        {
            Start(null),
            Event("user.message", "{\"content\":\"Add a health check\"}", 1),
            "{\"type\":\"assistant.message\",\"data\":{\"content\":\"cut off",
            Event("session.telemetry_snapshot", "{\"x\":1}", 2),
            Event("assistant.message", "{\"messageId\":\"m2\",\"content\":\"Added /healthz.\",\"outputTokens\":12}", 3),
        });

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(RolloutDiagnostic.ParseError, error.ErrorId);
        Assert.Equal(3, error.LineNumber);
        var record = result.Record!;
        Assert.Equal(new[] { "Add a health check", "Added /healthz." }, record.Messages.Select(m => m.Text));
        Assert.Equal(new TokenUsage(0, 12, 0, 0), record.Messages[1].Usage);
        Assert.Equal("gpt-5", record.Messages[1].Model);
        Assert.Equal(new TokenUsage(0, 12, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(1L, ((IReadOnlyDictionary<string, long>)record.SourceMeta["unknown_event_types"])["session.telemetry_snapshot"]);
        Assert.Equal(1L, record.SourceMeta["skipped_lines"]);
        Assert.Equal(("/home/dev/api", "main"), (record.Cwd, record.GitBranch));
    }

    [Fact]
    public void A_prompt_of_the_wrong_type_is_reported_never_dropped_silently()
    {
        var result = Read(new[] { Start(), Event("user.message", "{\"content\":42}", 1, "e1", "e0"), Event("user.message", "{\"content\":\"again\"}", 2, "e2", "e1") });

        Assert.Equal(2, Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error).LineNumber);
        Assert.Equal(new[] { "again" }, result.Record!.Messages.Select(m => m.Text));
    }

    [Fact]
    public void A_session_closed_without_a_prompt_is_skipped_with_its_reason()
    {
        var result = Read(new[] { Start(), Event("session.shutdown", "{\"shutdownType\":\"routine\",\"modelMetrics\":{}}", 1, "e1", "e0") });

        Assert.Null(result.Record);
        Assert.Empty(result.Diagnostics);
        Assert.Contains("no message", result.SkipReason);
    }

    [Fact]
    public void A_shutdown_without_metrics_leaves_its_run_open_for_the_next()
    {
        var metrics = "{\"modelMetrics\":{\"gpt-5\":{\"requests\":{\"count\":2},\"usage\":{\"inputTokens\":9000,\"outputTokens\":70,\"cacheReadTokens\":6000,\"cacheWriteTokens\":500}}}}";
        var record = Read(new[]
        {
            Start(),
            Event("user.message", "{\"content\":\"one\"}", 1, "e1", "e0"),
            Event("assistant.message", "{\"messageId\":\"m1\",\"content\":\"first\",\"outputTokens\":30}", 2, "e2", "e1"),
            Event("session.shutdown", "{\"shutdownType\":\"routine\"}", 3, "e3", "e2"),
            Event("session.resume", "{}", 4, "e4", null),
            Event("user.message", "{\"content\":\"two\"}", 5, "e5", "e4"),
            Event("assistant.message", "{\"messageId\":\"m2\",\"content\":\"second\",\"outputTokens\":40}", 6, "e6", "e5"),
            Event("session.shutdown", metrics, 7, "e7", "e6"),
        }).Record!;

        Assert.Equal(new TokenUsage(0, 30, 0, 0), record.Messages[1].Usage);
        Assert.Equal(new TokenUsage(9000 - 6000 - 500, 40, 6000, 500), record.Messages[3].Usage);
        Assert.Equal(new TokenUsage(2500, 70, 6000, 500), SampleFolder.Tokens(record));
    }

    [Fact]
    public void A_log_without_ids_is_read_in_file_order_with_tool_calls_paired_by_id()
    {
        var record = Read(new[]
        {
            Start(null),
            Event("user.message", "{\"content\":\"list files\"}", 1),
            Event("assistant.message", "{\"content\":\"\",\"toolRequests\":[{\"toolCallId\":\"c1\",\"name\":\"bash\",\"arguments\":{\"command\":\"ls\"}}]}", 2),
            Event("tool.execution_start", "{\"toolCallId\":\"c1\",\"toolName\":\"bash\",\"arguments\":{\"command\":\"ls\"}}", 2),
            Event("tool.execution_complete", "{\"toolCallId\":\"c1\",\"success\":true,\"result\":{\"content\":\"README.md\"}}", 4),
            Event("tool.execution_complete", "{\"toolCallId\":\"c9\",\"success\":true,\"result\":{\"content\":\"stray\"}}", 5),
            Event("assistant.message", "{\"content\":\"One file: README.md.\"}", 6),
        }).Record!;

        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(new ToolCall("c1", "bash", "{\"command\":\"ls\"}"), record.Messages[1].ToolCalls.Single());
        Assert.Equal(("c1", "bash", "README.md", TimeSpan.FromSeconds(2)), (record.Messages[2].ToolCallId, record.Messages[2].ToolName, record.Messages[2].Text, record.Messages[2].ToolDuration!.Value));
        Assert.Equal(1L, record.SourceMeta["orphan_tool_results"]);
        Assert.False(record.SourceMeta.ContainsKey("calls_without_request"));
    }

    [Fact]
    public void A_damaged_workspace_yaml_is_ignored_with_one_warning()
    {
        var folder = Path.Combine(_folder, "session-state", Session);
        Directory.CreateDirectory(folder);
        var events = Path.Combine(folder, "events.jsonl");
        File.WriteAllLines(events, new[] { Start(), Event("user.message", "{\"content\":\"hello\"}", 1, "e1", "e0") });
        File.WriteAllText(Path.Combine(folder, "workspace.yaml"), "id: x\nthis line is no yaml mapping\n");

        var reader = new CopilotCliReader();
        var source = TraceSource.FromFile(events);
        var result = reader.BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None);

        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.SidecarDamaged), (warning.Severity, warning.ErrorId));
        Assert.Contains("workspace.yaml", warning.Message);
        Assert.Equal("hello", result.Record!.Title);

        File.WriteAllText(Path.Combine(folder, "workspace.yaml"), "id: " + Session + "\nname: \"Health \\\"check\\\"\"\nuser_named: true\nsummary: |\n  first line\n  second line\nbranch: feature/x # moved\n");
        result = reader.BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None);
        Assert.Empty(result.Diagnostics);
        Assert.Equal("Health \"check\"", result.Record!.Title);
        Assert.False(result.Record.SourceMeta.ContainsKey("workspace_summary"));
        Assert.Equal("main", result.Record.GitBranch);
    }

    [Fact]
    public void The_home_is_COPILOT_HOME_when_set()
    {
        var previous = Environment.GetEnvironmentVariable(CopilotCliReader.HomeVariable);
        Environment.SetEnvironmentVariable(CopilotCliReader.HomeVariable, _folder);
        try
        {
            Assert.Equal(new[] { Path.Combine(_folder, "session-state"), Path.Combine(_folder, "history-session-state") }, new CopilotCliReader().DefaultLocations());
        }
        finally
        {
            Environment.SetEnvironmentVariable(CopilotCliReader.HomeVariable, previous);
        }
    }

    [Theory]
    [InlineData("{\"type\":\"session.start\",\"data\":{\"sessionId\":\"s\"},\"id\":\"a\",\"timestamp\":\"2026-10-01T08:00:00Z\",\"parentId\":null}", DetectionScore.Certain)]
    [InlineData("{\"type\":\"user.message\",\"data\":{\"content\":\"hi\"},\"timestamp\":\"2026-10-01T08:00:00Z\"}", DetectionScore.Certain)]
    [InlineData("{\"sessionId\":\"s\",\"startTime\":\"2025-09-26T11:02:44Z\",\"chatMessages\":[]}", DetectionScore.Certain)]
    [InlineData("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hi\"},\"uuid\":\"u\",\"sessionId\":\"s\"}", DetectionScore.None)]
    [InlineData("{\"type\":\"event_msg\",\"payload\":{},\"timestamp\":\"2026-10-01T08:00:00Z\"}", DetectionScore.None)]
    [InlineData("{\"type\":\"metric.latency\",\"value\":12}", DetectionScore.None)]
    public void Detection_is_certain_of_events_and_legacy_documents_only(string line, int expected)
    {
        Assert.Equal(expected, new CopilotCliReader().Score(JsonHead.Read(Encoding.UTF8.GetBytes(line))!));
    }

    [Fact]
    public void A_response_of_encrypted_reasoning_only_is_carried_unlisted_at_its_own_time_and_model()
    {
        // An OpenAI model's turn that kept its reasoning encrypted (reasoningOpaque) and wrote no text and no call.
        var record = Read(new[]
        {
            Start(),
            Event("user.message", "{\"content\":\"Tidy the handlers\"}", 1, "e1", "e0"),
            Event("assistant.message", "{\"messageId\":\"m1\",\"model\":\"gpt-5\",\"content\":\"\",\"toolRequests\":[],\"reasoningOpaque\":\"gAAAAABpZ3Jx\",\"outputTokens\":64}", 2, "e2", "e1"),
            Event("assistant.turn_end", "{\"turnId\":\"0\"}", 3, "e3", "e2"),
            Event("user.message", "{\"content\":\"go on\"}", 4, "e4", "e3"),
            Event("assistant.message", "{\"messageId\":\"m2\",\"model\":\"claude-sonnet-4.5\",\"content\":\"Done.\",\"outputTokens\":12}", 5, "e5", "e4"),
        }).Record!;

        Assert.Equal("Prompt Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(
            new UnlistedResponse("m1", new DateTimeOffset(2026, 10, 1, 8, 0, 2, TimeSpan.Zero), "gpt-5", new TokenUsage(0, 64, 0, 0), null),
            Assert.Single(record.UnlistedResponses));
        Assert.Equal(new TokenUsage(0, 76, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(new[] { "claude-sonnet-4.5", "gpt-5" }, record.Models);
    }
}
