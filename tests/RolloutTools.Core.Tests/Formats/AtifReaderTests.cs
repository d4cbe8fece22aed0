using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Atif;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

public sealed class AtifReaderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "atif-tests-" + Guid.NewGuid().ToString("N"));

    public AtifReaderTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Trajectory(string steps, string root = "\"session_id\": \"s-1\",", string version = "ATIF-v1.5") => $$"""
        {
          "schema_version": "{{version}}",
          {{root}}
          "agent": {"name": "terminus-2", "version": "2.0.0", "model_name": "gpt-4o"},
          "steps": [
        {{steps}}
          ]
        }
        """;

    private static IReadOnlyList<ReadResult> ReadText(string json, string name = "trajectory.json")
    {
        var source = TraceSource.FromBytes(name, Encoding.UTF8.GetBytes(json));
        return ((IMultiRecordScan)new AtifReader().BeginScan(new[] { source }, CancellationToken.None)).ReadEach(source, CancellationToken.None).ToArray();
    }

    private string Write(string name, string json)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
        return path;
    }

    private static IReadOnlyList<ReadResult> ReadFiles(ReadOptions options, params string[] paths) => SampleFolder.Read(new AtifReader(), paths, options);

    [Fact]
    public void A_bad_step_costs_only_itself_and_is_reported_by_file_and_line()
    {
        var json = Trajectory("""
                {"step_id": 1, "source": "user", "message": "Fix the build"},
                {"step_id": 2, "source": "agent", "message": 42},
                {"step_id": 3, "source": "robot", "message": "beep"},
                "not a step",
                {"step_id": 5, "source": "agent", "message": "Done."}
            """);
        var result = Assert.Single(ReadText(json));

        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(new[] { 7, 8, 9 }, result.Diagnostics.Select(d => d.LineNumber!.Value));
        Assert.All(result.Diagnostics, d => Assert.Equal((DiagnosticSeverity.Error, RolloutDiagnostic.ParseError), (d.Severity, d.ErrorId)));
        Assert.Equal("trajectory.json:7: step 2 (steps[1]) is not read: \"message\" is Number, not text or content parts.", result.Diagnostics[0].Message);
        Assert.Contains("\"source\" is \"robot\"", result.Diagnostics[1].Message);
        Assert.Contains("steps[3]", result.Diagnostics[2].Message);
        Assert.Equal(3L, result.Record!.SourceMeta["skipped_steps"]);
    }

    [Fact]
    public void Results_without_or_with_unknown_call_ids_are_kept_as_tool_output_never_an_error()
    {
        var json = Trajectory("""
                {"step_id": 1, "source": "user", "message": "List files"},
                {"step_id": 2, "source": "agent", "message": "",
                 "tool_calls": [{"tool_call_id": "c1", "function_name": "bash", "arguments": {"cmd": "ls"}}],
                 "observation": {"results": [
                   {"source_call_id": "c1", "content": "a.txt"},
                   {"source_call_id": "c9", "content": "from a call never made"},
                   {"content": "environment: disk 91% full"}
                 ]}},
                {"step_id": 3, "source": "agent", "message": "One file."}
            """);
        var result = Assert.Single(ReadText(json));
        var r = result.Record!;

        Assert.Empty(result.Diagnostics);
        Assert.Equal("Prompt Response ToolResult ToolResult ToolResult Response", SampleFolder.Kinds(r));
        Assert.Equal(new[] { MessageRole.User, MessageRole.Assistant, MessageRole.Tool, MessageRole.User, MessageRole.User, MessageRole.Assistant }, r.Messages.Select(m => m.Role));
        Assert.Equal(("c1", "bash", "a.txt"), (r.Messages[2].ToolCallId, r.Messages[2].ToolName, r.Messages[2].Text));
        Assert.Equal("from a call never made", r.Messages[3].Text);
        Assert.Equal(1L, r.SourceMeta["unmatched_source_call_ids"]);
        Assert.Equal(2L, r.SourceMeta["untethered_results"]);
        SampleFolder.AssertToolMessagesAnswerCalls(new[] { r });
    }

    [Fact]
    public void A_step_wide_result_answers_the_calls_of_its_step()
    {
        // Terminus-2 writes its parsed commands as calls and the terminal output once, without source_call_id,
        // for the whole step; the same count of results as calls pairs them in order.
        var json = Trajectory("""
                {"step_id": 1, "source": "user", "message": "Make hello.txt"},
                {"step_id": 2, "source": "agent", "message": "Analysis: empty dir.",
                 "tool_calls": [{"tool_call_id": "call_0_1", "function_name": "bash_command", "arguments": {"keystrokes": "mkdir d\n", "duration": 0.1}}],
                 "observation": {"results": [{"content": "New Terminal Output:\n$ mkdir d"}]}},
                {"step_id": 3, "source": "agent", "message": "Analysis: write it.",
                 "tool_calls": [
                   {"tool_call_id": "call_1_1", "function_name": "bash_command", "arguments": {"keystrokes": "cd d\n", "duration": 0.1}},
                   {"tool_call_id": "call_1_2", "function_name": "bash_command", "arguments": {"keystrokes": "echo hi > hello.txt\n", "duration": 0.1}},
                   {"tool_call_id": "call_1_task_complete", "function_name": "mark_task_complete", "arguments": {}}
                 ],
                 "observation": {"results": [{"content": "Current terminal state:\n$ cd d\n$ echo hi > hello.txt"}]}},
                {"step_id": 4, "source": "agent", "message": "",
                 "tool_calls": [
                   {"tool_call_id": "a", "function_name": "read", "arguments": {"path": "x"}},
                   {"tool_call_id": "b", "function_name": "read", "arguments": {"path": "y"}}
                 ],
                 "observation": {"results": [{"content": "x body"}, {"content": "y body"}]}}
            """);
        var result = Assert.Single(ReadText(json));
        var r = result.Record!;

        Assert.Empty(result.Diagnostics);
        Assert.Equal("Prompt Response ToolResult Response ToolResult Response ToolResult ToolResult", SampleFolder.Kinds(r));
        Assert.Equal(("call_0_1", "bash_command", "New Terminal Output:\n$ mkdir d"), (r.Messages[2].ToolCallId, r.Messages[2].ToolName, r.Messages[2].Text));
        // One output for three calls answers the last: the terminal as the step left it.
        Assert.Equal(("call_1_task_complete", "mark_task_complete"), (r.Messages[4].ToolCallId, r.Messages[4].ToolName));
        Assert.Equal(new[] { ("a", "x body"), ("b", "y body") }, r.Messages.Skip(6).Select(m => (m.ToolCallId!, m.Text)));
        Assert.All(r.Messages.Where(m => m.Kind == MessageKind.ToolResult), m => Assert.Equal(MessageRole.Tool, m.Role));
        Assert.Equal(4L, r.SourceMeta["step_wide_results"]);
        Assert.False(r.SourceMeta.ContainsKey("untethered_results"));
        Assert.Equal(2L, r.SourceMeta["unanswered_tool_calls"]);
        SampleFolder.AssertToolMessagesAnswerCalls(new[] { r });
    }

    [Fact]
    public void A_single_call_or_result_written_as_an_object_is_read_and_other_shapes_are_reported()
    {
        var result = Assert.Single(ReadText(Trajectory("""
                {"step_id": 1, "source": "agent", "message": "Listing.",
                 "tool_calls": {"tool_call_id": "c1", "function_name": "bash", "arguments": {"cmd": "ls"}},
                 "observation": {"results": {"source_call_id": "c1", "content": "a.txt"}}},
                {"step_id": 2, "source": "agent", "message": "Again.",
                 "tool_calls": "ls -la"},
                {"step_id": 3, "source": "agent", "message": "And once more.",
                 "observation": "b.txt"}
            """)));
        var r = result.Record!;

        Assert.Equal("Response ToolResult", SampleFolder.Kinds(r));
        Assert.Equal(("c1", "a.txt"), (r.Messages[1].ToolCallId, r.Messages[1].Text));
        Assert.Equal(2, result.Diagnostics.Count);
        Assert.Contains("step 2 (steps[1]) is not read: \"tool_calls\" is String, not a list of calls.", result.Diagnostics[0].Message);
        Assert.Contains("step 3 (steps[2]) is not read: \"observation\" is String, not an object with results.", result.Diagnostics[1].Message);
    }

    [Fact]
    public void Metrics_on_a_system_or_user_step_count_in_the_record()
    {
        // Harbor's models allow metrics on agent steps only; a writer that bills a system step (a compaction's call) still spent them.
        var r = Assert.Single(ReadText(Trajectory("""
                {"step_id": 1, "source": "user", "message": "Go"},
                {"step_id": 2, "source": "agent", "message": "Done.", "metrics": {"prompt_tokens": 100, "completion_tokens": 10}},
                {"step_id": 3, "source": "system", "message": "Compacted.", "metrics": {"prompt_tokens": 400, "cached_tokens": 300, "completion_tokens": 50}}
            """, version: "ATIF-v1.7"))).Record!;
        Assert.Equal(new TokenUsage(200, 60, 300, 0), r.Usage);
    }

    [Fact]
    public void Without_session_or_trajectory_id_the_file_name_is_the_id()
    {
        var r = Assert.Single(ReadText(Trajectory("""{"step_id": 1, "source": "user", "message": "hi"}""", root: "", version: "ATIF-v1.7"), "trajectory-run7.json")).Record!;
        Assert.Equal(("trajectory-run7", "trajectory-run7"), (r.TraceId, r.RootSessionId));
    }

    [Fact]
    public void Damaged_documents_are_one_error_each_and_no_record()
    {
        var truncated = Assert.Single(ReadText(Trajectory("""{"step_id": 1, "source": "user", "message": "hi"}""")[..60]));
        Assert.Null(truncated.Record);
        var error = Assert.Single(truncated.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(RolloutDiagnostic.ParseError, error.ErrorId);
        Assert.Contains("ends before the document does", error.Message);

        var array = Assert.Single(ReadText("[1, 2]"));
        Assert.Equal(RolloutDiagnostic.NoUsableLines, Assert.Single(array.Diagnostics).ErrorId);

        var empty = Assert.Single(ReadText("  \n"));
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.EmptyFile), (Assert.Single(empty.Diagnostics).Severity, empty.Diagnostics[0].ErrorId));

        var other = Assert.Single(ReadText("""{"name": "package", "version": "1.0.0"}"""));
        Assert.Equal(RolloutDiagnostic.NoUsableLines, Assert.Single(other.Diagnostics).ErrorId);

        var noSteps = Assert.Single(ReadText("""{"schema_version": "ATIF-v1.5", "session_id": "s", "agent": {"name": "a", "version": "1"}, "steps": []}"""));
        Assert.Equal("trajectory.json: the trajectory has no steps; no record.", Assert.Single(noSteps.Diagnostics).Message);
        var stepsNotList = Assert.Single(ReadText("""{"schema_version": "ATIF-v1.5", "steps": "none"}"""));
        Assert.Equal("trajectory.json: \"steps\" is String, not a list; no record.", Assert.Single(stepsNotList.Diagnostics).Message);
    }

    [Fact]
    public void Invalid_utf8_is_replaced_and_warned_about()
    {
        var bytes = Encoding.UTF8.GetBytes(Trajectory("""{"step_id": 1, "source": "user", "message": "caf#"}"""));
        bytes[Array.IndexOf(bytes, (byte)'#')] = 0xC3;
        var source = TraceSource.FromBytes("trajectory.json", bytes);
        var result = new AtifReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None);
        Assert.Equal("caf\uFFFD", result.Record!.Messages[0].Text);
        Assert.Equal(RolloutDiagnostic.InvalidUtf8, Assert.Single(result.Diagnostics).ErrorId);
    }

    [Fact]
    public void Content_parts_of_unknown_type_keep_their_text_and_are_counted()
    {
        var r = Assert.Single(ReadText(Trajectory("""
                {"step_id": 1, "source": "user", "message": [{"type": "text", "text": "Read this"}, {"type": "audio", "text": "(transcript) hello"}, {"type": "image", "source": {"media_type": "image/jpeg", "path": "https://img.example.test/a.jpg"}}]}
            """, version: "ATIF-v1.6"))).Record!;
        Assert.Equal("Read this\n\n(transcript) hello", r.Messages[0].Text);
        Assert.Equal(("https://img.example.test/a.jpg", "image/jpeg"), (r.Messages[0].Content[2].Url, r.Messages[0].Content[2].MediaType));
        Assert.Equal(1L, r.SourceMeta["unknown_content_parts"]);
    }

    [Fact]
    public void Arguments_of_other_shapes_become_json_objects()
    {
        var r = Assert.Single(ReadText(Trajectory("""
                {"step_id": 1, "source": "agent", "message": "", "tool_calls": [
                  {"tool_call_id": "a", "function_name": "f", "arguments": "{\"x\": 1}"},
                  {"tool_call_id": "b", "function_name": "g", "arguments": "ls -la"},
                  {"tool_call_id": "c", "function_name": "h"}
                ]}
            """))).Record!;
        Assert.Equal(new[] { "{\"x\":1}", "{\"input\":\"ls -la\"}", "{}" }, r.Messages[0].ToolCalls.Select(c => c.Arguments));
        Assert.Equal(3L, r.SourceMeta["unanswered_tool_calls"]);
    }

    [Fact]
    public void Stitched_per_file_final_metrics_are_added()
    {
        // A writer that counts only its own file's steps in final_metrics: the chain's totals are the sum.
        var main = Write("per-file/agent/trajectory.json", Trajectory("""{"step_id": 1, "source": "agent", "message": "a", "metrics": {"prompt_tokens": 300, "completion_tokens": 5}}""")
            .Replace("\"steps\"", "\"continued_trajectory_ref\": \"trajectory.cont-1.json\", \"final_metrics\": {\"total_prompt_tokens\": 300, \"total_completion_tokens\": 5, \"total_cost_usd\": 0.01}, \"steps\""));
        Write("per-file/agent/trajectory.cont-1.json", Trajectory("""{"step_id": 1, "source": "agent", "message": "b", "metrics": {"prompt_tokens": 200, "completion_tokens": 7}}""")
            .Replace("\"steps\"", "\"final_metrics\": {\"total_prompt_tokens\": 200, \"total_completion_tokens\": 7, \"total_cost_usd\": 0.02}, \"steps\""));
        var r = ReadFiles(new ReadOptions { StitchContinuations = true }, main).Single(x => x.Record is not null).Record!;
        Assert.Equal(new Dictionary<string, long> { ["total_completion_tokens"] = 12, ["total_prompt_tokens"] = 500 }, (IReadOnlyDictionary<string, long>)r.SourceMeta["final_metrics"]);
        Assert.Equal("0.03", r.SourceMeta["final_cost_usd"]);
        Assert.Equal(new TokenUsage(500, 12, 0, 0), r.Usage);
    }

    [Fact]
    public void A_missing_continuation_is_a_warning_and_the_record_ends_before_it()
    {
        var main = Write("trial/agent/trajectory.json", Trajectory("""{"step_id": 1, "source": "user", "message": "go"}""").Replace("\"steps\"", "\"continued_trajectory_ref\": \"trajectory.cont-1.json\", \"steps\""));
        var result = Assert.Single(ReadFiles(new ReadOptions { StitchContinuations = true }, main));
        Assert.Equal("s-1", result.Record!.TraceId);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.FileNotFound), (warning.Severity, warning.ErrorId));
        Assert.Equal(Path.Combine(_folder, "trial", "agent", "trajectory.cont-1.json"), result.Record.SourceMeta["missing_continuation"]);
    }

    [Fact]
    public void A_continuation_loop_is_read_once()
    {
        var a = Write("loop/trajectory.json", Trajectory("""{"step_id": 1, "source": "user", "message": "a"}""").Replace("\"steps\"", "\"continued_trajectory_ref\": \"trajectory.cont-1.json\", \"steps\""));
        var b = Write("loop/trajectory.cont-1.json", Trajectory("""{"step_id": 1, "source": "user", "message": "b"}""").Replace("\"steps\"", "\"continued_trajectory_ref\": \"trajectory.json\", \"steps\""));
        var results = ReadFiles(new ReadOptions { StitchContinuations = true }, a, b);
        var record = Assert.Single(results, r => r.Record is not null).Record!;
        Assert.Equal("b a", string.Join(" ", record.Messages.Select(m => m.Text)));
        Assert.Single(record.Messages.Select(m => m.Text), "a");
    }

    [Fact]
    public void A_damaged_continuation_is_reported_under_its_own_name()
    {
        var main = Write("d/trajectory.json", Trajectory("""{"step_id": 1, "source": "user", "message": "go"}""").Replace("\"steps\"", "\"continued_trajectory_ref\": \"trajectory.cont-1.json\", \"steps\""));
        var cont = Write("d/trajectory.cont-1.json", "{\"schema_version\": \"ATIF-v1.5\", \"steps\": [");
        var results = ReadFiles(new ReadOptions { StitchContinuations = true }, main, cont);
        var first = results[0];
        Assert.Equal("Prompt", SampleFolder.Kinds(first.Record!));
        Assert.Contains(first.Diagnostics, d => d.Path == cont && d.ErrorId == RolloutDiagnostic.ParseError);
        Assert.Null(results[1].Record);
    }

    [Theory]
    [InlineData("{\n  \"schema_version\": \"ATIF-v1.6\",\n  \"session_id\": \"x\",")]
    [InlineData("{\"agent\": {\"name\": \"a\", \"version\": \"1\"}, \"trajectory_id\": \"t\", \"steps\": []}")]
    public void Detection_recognises_atif_and_no_other_format_claims_it(string head)
    {
        var shape = JsonHead.Read(Encoding.UTF8.GetBytes(head))!;
        Assert.Equal(RolloutFormat.Atif, Assert.Single(FormatRegistry.Default.All, r => r.Score(shape) > DetectionScore.None).Format);
    }

    [Fact]
    public void Every_sample_file_is_detected_as_atif()
    {
        foreach (var file in Directory.EnumerateFiles(SampleFolder.Root("atif"), "*.json", SearchOption.AllDirectories))
        {
            Assert.Equal(RolloutFormat.Atif, FormatDetector.Detect(TraceSource.FromFile(file), FormatRegistry.Default.All).Reader?.Format);
        }
    }

    [Fact]
    public void A_json_file_of_another_program_is_not_atif()
    {
        Assert.Equal(DetectionScore.None, new AtifReader().Score(JsonHead.Read("""{"schema_version": "2.1", "steps": [], "agent": "x", "session_id": "s"}"""u8)!));
        Assert.Equal(DetectionScore.None, new AtifReader().Score(JsonHead.Read("""{"schema_version": "2.1", "name": "pkg"}"""u8)!));
    }

    [Fact]
    public void An_agent_step_with_metrics_and_nothing_readable_is_carried_unlisted_at_its_own_time_and_model()
    {
        // A model call that returned nothing a reader can show (redacted or encrypted reasoning only) is still a step:
        // its message empty, no reasoning_content, no calls, and the metrics it was billed.
        var r = Assert.Single(ReadText(Trajectory("""
                {"step_id": 1, "timestamp": "2026-03-01T23:59:00Z", "source": "user", "message": "Fix the build"},
                {"step_id": 2, "timestamp": "2026-03-01T23:59:30Z", "source": "agent", "model_name": "claude-opus-4-5", "message": "",
                 "metrics": {"prompt_tokens": 5000, "cached_tokens": 4000, "completion_tokens": 300, "extra": {"cache_creation_input_tokens": 200}}},
                {"step_id": 3, "timestamp": "2026-03-02T00:00:10Z", "source": "agent", "message": "Fixed.", "metrics": {"prompt_tokens": 6000, "cached_tokens": 5000, "completion_tokens": 40}}
            """))).Record!;

        Assert.Equal("Prompt Response", SampleFolder.Kinds(r));
        Assert.Equal(
            new UnlistedResponse(null, DateTimeOffset.Parse("2026-03-01T23:59:30Z", System.Globalization.CultureInfo.InvariantCulture), "claude-opus-4-5", new TokenUsage(1000, 300, 4000, 200), null),
            Assert.Single(r.UnlistedResponses));
        // The record's totals are the steps' metrics, as before: the unlisted step is in them once.
        Assert.Equal(new TokenUsage(2000, 340, 9000, 200), SampleFolder.Tokens(r));
    }

    [Fact]
    public void A_sidechain_user_step_is_the_subagents_task_not_the_persons_prompt()
    {
        // Harbor's Claude Code converter marks each step with Claude Code's isSidechain: the subagent's task (the
        // main agent's Task prompt) is a user step, and older converters put the sidechain first.
        var r = Assert.Single(ReadText(Trajectory("""
                {"step_id": 1, "source": "user", "message": "Find the test", "extra": {"is_sidechain": true}},
                {"step_id": 2, "source": "agent", "message": "It is tests/test_a.py", "extra": {"is_sidechain": true}},
                {"step_id": 3, "source": "user", "message": "Fix the failing test", "extra": {"is_sidechain": false}},
                {"step_id": 4, "source": "agent", "message": "Fixed."}
            """, version: "ATIF-v1.6"))).Record!;

        Assert.Equal("AgentMessage Response Prompt Response", SampleFolder.Kinds(r));
        Assert.Equal(MessageRole.User, r.Messages[0].Role);
        Assert.Equal("Fix the failing test", r.Title);
        Assert.Equal(2L, r.SourceMeta["sidechain_steps"]);
    }

    [Fact]
    public void A_converters_placeholder_for_a_tool_call_is_not_the_models_text()
    {
        var r = Assert.Single(ReadText(Trajectory("""
                {"step_id": 1, "source": "user", "message": "Look around"},
                {"step_id": 2, "source": "agent", "message": "Executed Bash toolu_01",
                 "tool_calls": [{"tool_call_id": "toolu_01", "function_name": "Bash", "arguments": {"command": "ls"}}]},
                {"step_id": 3, "source": "agent", "message": "Executed bash",
                 "tool_calls": [{"tool_call_id": "c2", "function_name": "bash", "arguments": {"command": "pwd"}}]},
                {"step_id": 4, "source": "agent", "message": "[tool call: shell]",
                 "tool_calls": [{"tool_call_id": "c3", "function_name": "developer.shell", "arguments": {"command": "id"}}]},
                {"step_id": 5, "source": "agent", "message": "Executed ls",
                 "tool_calls": [{"tool_call_id": "c4", "function_name": "bash", "arguments": {"command": "ls"}}]}
            """))).Record!;

        var responses = r.Messages.Where(m => m.Kind == MessageKind.Response).ToArray();
        Assert.Equal(new[] { "", "", "", "Executed ls" }, responses.Select(m => m.Text));
        Assert.Equal(new[] { "Bash", "bash", "developer.shell", "bash" }, responses.Select(m => Assert.Single(m.ToolCalls).Name));
        Assert.Equal(3L, r.SourceMeta["placeholder_messages"]);
    }

    [Fact]
    public void Reasoning_copied_onto_each_tool_call_step_is_read_once()
    {
        // Harbor's Claude Code converter (until early 2026) wrote a response as a step for its text and one per
        // tool call, each with the response's reasoning.
        var r = Assert.Single(ReadText(Trajectory("""
                {"step_id": 1, "source": "user", "message": "Check"},
                {"step_id": 2, "source": "agent", "message": "Checking.", "reasoning_content": "Run both."},
                {"step_id": 3, "source": "agent", "message": "", "reasoning_content": "Run both.",
                 "tool_calls": [{"tool_call_id": "t1", "function_name": "Bash", "arguments": {"command": "a"}}]},
                {"step_id": 4, "source": "agent", "message": "", "reasoning_content": "Run both.",
                 "tool_calls": [{"tool_call_id": "t2", "function_name": "Bash", "arguments": {"command": "b"}}]},
                {"step_id": 5, "source": "user", "message": "Again"},
                {"step_id": 6, "source": "agent", "message": "Again.", "reasoning_content": "Run both."}
            """))).Record!;

        var responses = r.Messages.Where(m => m.Kind == MessageKind.Response).ToArray();
        Assert.Equal(new[] { "Run both.", null, null, "Run both." }, responses.Select(m => m.ReasoningContent));
        Assert.Equal(2L, r.SourceMeta["repeated_reasoning"]);
    }

    [Fact]
    public void Injected_or_pruned_context_is_context_and_only_a_compaction_gives_a_summary()
    {
        var r = Assert.Single(ReadText(Trajectory("""
                {"step_id": 1, "source": "user", "message": "Q"},
                {"step_id": 2, "source": "system", "message": "Knowledge injected",
                 "extra": {"context_management": {"type": "injection", "boundary": "append"}},
                 "observation": {"results": [{"content": "Retrieved: X is 5"}]}},
                {"step_id": 3, "source": "system", "message": "Context compaction performed",
                 "extra": {"context_management": {"type": "compaction", "boundary": "replace"}},
                 "observation": {"results": [{"content": "Summary so far"}]}},
                {"step_id": 4, "source": "agent", "message": "A"}
            """, version: "ATIF-v1.7"))).Record!;

        Assert.Equal("Prompt Context Context Context CompactionSummary Response", SampleFolder.Kinds(r));
        Assert.Equal("Retrieved: X is 5", r.Messages[2].Text);
    }

    [Fact]
    public void Harbors_claude_code_and_codex_conversions_give_folder_branch_and_token_details()
    {
        var claude = Assert.Single(ReadText("""
            {"schema_version": "ATIF-v1.6", "session_id": "c-1",
             "agent": {"name": "claude-code", "version": "2.1.3", "extra": {"cwds": ["/app"], "git_branches": ["main"]}},
             "steps": [{"step_id": 1, "source": "user", "message": "hi"}]}
            """)).Record!;
        Assert.Equal(("/app", "main"), (claude.Cwd, claude.GitBranch));

        var twoFolders = Assert.Single(ReadText("""
            {"schema_version": "ATIF-v1.6", "session_id": "c-2",
             "agent": {"name": "claude-code", "version": "2.1.3", "extra": {"cwds": ["/app", "/app/sub"]}},
             "steps": [{"step_id": 1, "source": "user", "message": "hi"}]}
            """)).Record!;
        Assert.Null(twoFolders.Cwd);

        var codex = Assert.Single(ReadText("""
            {"schema_version": "ATIF-v1.7", "session_id": "x-1",
             "agent": {"name": "codex", "version": "0.98.0", "extra": {"cwd": "/app", "git": {"branch": "dev", "commit_hash": "abc"}}},
             "steps": [{"step_id": 1, "source": "user", "message": "hi"},
                       {"step_id": 2, "source": "agent", "message": "ok", "metrics": {"prompt_tokens": 100, "completion_tokens": 20, "cached_tokens": 60,
                        "extra": {"reasoning_output_tokens": 12, "cache_write_input_tokens": 5}}}]}
            """)).Record!;
        Assert.Equal(("/app", "dev"), (codex.Cwd, codex.GitBranch));
        Assert.Equal(new TokenUsage(40, 20, 60, 5), codex.Usage);
        Assert.Equal(12L, codex.SourceMeta["reasoning_output_tokens"]);
    }

    [Fact]
    public void Terminus_2s_hand_off_after_a_summarization_is_the_summary_not_a_prompt()
    {
        // Without linear history Terminus-2 writes the summarization as a system step that only points to the
        // subagents that wrote the summary, then the hand-off it prompts the model with as a user step.
        var r = Assert.Single(ReadText(Trajectory("""
                {"step_id": 1, "source": "user", "message": "Create hello.txt"},
                {"step_id": 2, "source": "agent", "message": "Working."},
                {"step_id": 3, "source": "system", "message": "Performed context summarization and handoff to continue task.",
                 "observation": {"results": [{"subagent_trajectory_ref": [{"session_id": "s-1-summary", "trajectory_path": "trajectory.summarization-1-summary.json"}]}]},
                 "extra": {"context_management": {"type": "compaction", "boundary": "replace"}}},
                {"step_id": 4, "source": "user", "message": "Here are the answers the other agent provided. Continue working on this task."},
                {"step_id": 5, "source": "agent", "message": "Done."},
                {"step_id": 6, "source": "system", "message": "Compacted.",
                 "extra": {"context_management": {"type": "compaction", "boundary": "replace"}},
                 "observation": {"results": [{"content": "Summary so far"}]}},
                {"step_id": 7, "source": "user", "message": "Now add a test"}
            """, version: "ATIF-v1.7"))).Record!;

        Assert.Equal("Prompt Response Context CompactionSummary Response Context CompactionSummary Prompt", SampleFolder.Kinds(r));
        Assert.Equal(MessageRole.User, r.Messages[3].Role);
        Assert.Equal(1L, r.SourceMeta["handoff_steps"]);
    }

    [Fact]
    public void Content_blocks_harbors_claude_code_converter_wrote_as_json_are_read_as_blocks()
    {
        // The converter json.dumps the blocks it does not take apart, one per paragraph: a user turn's text and
        // image blocks (until early 2026) and a tool result's list content (a Task's report), before its own notes.
        const string steps = """
                {"step_id": 1, "source": "user", "message": "{\"type\": \"text\", \"text\": \"Fix the bug in this screenshot\"}\n\n{\"type\": \"image\", \"source\": {\"type\": \"base64\", \"media_type\": \"image/png\", \"data\": \"iVBORw0K\"}}"},
                {"step_id": 2, "source": "agent", "message": "",
                 "tool_calls": [{"tool_call_id": "toolu_1", "function_name": "Task", "arguments": {"prompt": "Find it"}}],
                 "observation": {"results": [{"source_call_id": "toolu_1", "content": "{\"type\": \"text\", \"text\": \"Found in a.py\"}\n\n[metadata] {\"status\": \"completed\"}"}]}}
            """;
        var claude = Assert.Single(ReadText(Trajectory(steps).Replace("\"terminus-2\"", "\"claude-code\"", StringComparison.Ordinal))).Record!;

        var prompt = claude.Messages[0];
        Assert.Equal((MessageKind.Prompt, "Fix the bug in this screenshot"), (prompt.Kind, prompt.Text));
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image }, prompt.Content.Select(b => b.Type));
        Assert.Equal(("image/png", "iVBORw0K"), (prompt.Content[1].MediaType, prompt.Content[1].Data));
        Assert.Equal(new[] { "Found in a.py", "[metadata] {\"status\": \"completed\"}" }, claude.Messages[2].Content.Select(b => b.Text));

        // Another agent's text is never reinterpreted.
        var other = Assert.Single(ReadText(Trajectory(steps))).Record!;
        Assert.StartsWith("{\"type\": \"text\"", other.Messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Claude_codes_own_text_in_harbors_user_steps_gets_the_kind_the_claude_code_reader_gives_it()
    {
        // Harbor's Claude Code converter makes every user line a user step and keeps only its text (isMeta is lost):
        // a slash command's echo, its skill text, a reminder before the person's words, an interruption marker and a
        // finished task's notice are Claude Code's, as its own reader reads them; the person's words stay Prompts.
        const string steps = """
                {"step_id": 1, "source": "user", "message": "<command-message>review is running\u2026</command-message>\n<command-name>/review</command-name>\n<command-args>src/cart.ts</command-args>"},
                {"step_id": 2, "source": "user", "message": "Base directory for this skill: /home/u/.claude/skills/review\n\n# Review\n\nRead the diff first."},
                {"step_id": 3, "source": "user", "message": "<system-reminder>\nThe file a.py was modified.\n</system-reminder>\n\nFix the failing test"},
                {"step_id": 4, "source": "agent", "message": "Looking."},
                {"step_id": 5, "source": "user", "message": "[Request interrupted by user]"},
                {"step_id": 6, "source": "user", "message": "<task-notification>\n<task-id>b1</task-id>\n<status>completed</status>\n</task-notification>\nRead the output file to retrieve the result: /tmp/b1.output"},
                {"step_id": 7, "source": "user", "message": "<system-reminder>be brief</system-reminder>\n\nFind the caller", "extra": {"is_sidechain": true}}
            """;
        var r = Assert.Single(ReadText(Trajectory(steps).Replace("\"terminus-2\"", "\"claude-code\"", StringComparison.Ordinal))).Record!;

        Assert.Equal("Command Context Context Prompt Response Interruption Context Context AgentMessage", SampleFolder.Kinds(r));
        Assert.Equal("<system-reminder>\nThe file a.py was modified.\n</system-reminder>", r.Messages[2].Text);
        Assert.Equal("Fix the failing test", r.Messages[3].Text);
        Assert.Equal("Find the caller", r.Messages[8].Text);
        Assert.Equal("Fix the failing test", r.Title);
        Assert.Equal(6L, r.SourceMeta["claude_code_injected_parts"]);

        // Another agent's user steps are its person's words, whatever they hold.
        var other = Assert.Single(ReadText(Trajectory(steps))).Record!;
        Assert.Equal("Prompt Prompt Prompt Response Prompt Prompt AgentMessage", SampleFolder.Kinds(other));
    }

    [Fact]
    public void Calls_written_with_an_empty_id_each_get_their_own_and_their_output()
    {
        // Harbor's Gemini CLI, Codex and OpenHands converters write tool_call_id "" when the agent's log had none.
        var r = Assert.Single(ReadText(Trajectory("""
                {"step_id": 1, "source": "user", "message": "go"},
                {"step_id": 2, "source": "agent", "message": "", "tool_calls": [{"tool_call_id": "", "function_name": "ls", "arguments": {}}],
                 "observation": {"results": [{"source_call_id": "", "content": "a.txt"}]}},
                {"step_id": 3, "source": "agent", "message": "", "tool_calls": [{"tool_call_id": "", "function_name": "cat", "arguments": {"f": "a.txt"}}],
                 "observation": {"results": [{"content": "hello"}]}}
            """))).Record!;

        Assert.Equal("Prompt Response ToolResult Response ToolResult", SampleFolder.Kinds(r));
        Assert.Equal(new[] { "step2_call1", "step3_call1" }, r.Messages.SelectMany(m => m.ToolCalls).Select(c => c.Id));
        Assert.Equal(new (string?, string)[] { ("step2_call1", "a.txt"), ("step3_call1", "hello") },
            r.Messages.Where(m => m.Kind == MessageKind.ToolResult).Select(m => (m.ToolCallId, m.Text)));
        Assert.False(r.SourceMeta.ContainsKey("unanswered_tool_calls"));
    }
}
