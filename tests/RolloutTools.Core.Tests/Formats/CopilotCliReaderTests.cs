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
