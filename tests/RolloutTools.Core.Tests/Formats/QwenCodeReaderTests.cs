using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.QwenCode;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

public sealed class QwenCodeReaderTests
{
    private const string Session = "9e4b1c07-3d2a-4f6e-8b15-0c7a2d9f4e31";

    private static string Line(string uuid, string? parent, int second, string type, string body) =>
        $"{{\"uuid\":\"{uuid}\",\"parentUuid\":{ClaudeLines.Q(parent)},\"sessionId\":\"{Session}\",\"timestamp\":\"2026-03-01T10:00:{second:00}.000Z\",\"type\":\"{type}\",\"cwd\":\"/home/dev/notes\",\"version\":\"0.15.0\"{body}}}";

    private static string User(string uuid, string? parent, int second, string text) =>
        Line(uuid, parent, second, "user", $",\"message\":{{\"role\":\"user\",\"parts\":[{{\"text\":{ClaudeLines.Q(text)}}}]}}");

    private static string Answer(string uuid, string? parent, int second, string parts, string usage = "") =>
        Line(uuid, parent, second, "assistant", $",\"model\":\"qwen3-coder-plus\",\"message\":{{\"role\":\"model\",\"parts\":[{parts}]}}{usage}");

    private static string Text(string text) => $"{{\"text\":{ClaudeLines.Q(text)}}}";

    private static ReadResult Read(IEnumerable<string> lines, ReadOptions? options = null, string separator = "\n")
    {
        var source = TraceSource.FromBytes($"{Session}.jsonl", Encoding.UTF8.GetBytes(string.Join(separator, lines) + "\n"));
        return new QwenCodeReader().BeginScan(new[] { source }, CancellationToken.None, options).Read(source, CancellationToken.None);
    }

    [Fact]
    public void Records_glued_on_one_line_are_both_read()
    {
        var result = Read(new[] { User("u1", null, 0, "hi"), Answer("a1", "u1", 1, Text("hello")) }, separator: "");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { "hi", "hello" }, result.Record!.Messages.Select(m => m.Text));
    }

    [Fact]
    public void A_damaged_line_costs_only_itself_and_the_lost_parent_is_bridged()
    {
        var result = Read(new[]
        {
            User("u1", null, 0, "first"),
            Answer("a1", "u1", 1, Text("one")),
            "{\"uuid\":\"u2\",\"parentUuid\":\"a1\",\"type\":\"user\",\"message\":{\"role\":\"user\",\"parts\":[{\"text\":\"sec",
            Answer("a2", "u2", 3, Text("two")),
        });

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(3, error.LineNumber);
        Assert.Equal(new[] { "first", "one", "two" }, result.Record!.Messages.Select(m => m.Text));
        Assert.Equal(1L, result.Record.SourceMeta["bridged_gaps"]);
        Assert.Equal(1L, result.Record.SourceMeta["skipped_lines"]);
    }

    [Fact]
    public void Text_of_the_wrong_type_is_reported_never_dropped_silently()
    {
        var result = Read(new[]
        {
            User("u1", null, 0, "first"),
            Line("u2", "u1", 1, "user", ",\"message\":{\"role\":\"user\",\"parts\":[{\"text\":42}]}"),
            Answer("a1", "u2", 2, Text("answer")),
        });

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(2, error.LineNumber);
        Assert.Contains("\"text\" is Number", error.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { "first", "answer" }, result.Record!.Messages.Select(m => m.Text));
    }

    [Fact]
    public void A_rewind_re_roots_the_chain_and_its_missing_parent_is_no_gap()
    {
        var result = Read(new[]
        {
            User("u1", null, 0, "draft"),
            Answer("a1", "u1", 1, Text("drafted")),
            Line("r1", null, 2, "system", ",\"subtype\":\"rewind\",\"systemPayload\":{\"truncatedCount\":2}"),
            User("u2", "r1", 3, "start over"),
            Answer("a2", "u2", 4, Text("ok")),
        });

        Assert.Equal(new[] { "start over", "ok" }, result.Record!.Messages.Select(m => m.Text));
        Assert.Equal(2L, result.Record.SourceMeta["abandoned_entries"]);
        Assert.False(result.Record.SourceMeta.ContainsKey("bridged_gaps"));
    }

    [Fact]
    public void Calls_without_ids_and_results_named_by_toolCallResult_still_pair()
    {
        var result = Read(new[]
        {
            User("u1", null, 0, "list"),
            Answer("a1", "u1", 1, "{\"functionCall\":{\"name\":\"list_directory\",\"args\":{\"path\":\".\"}}}"),
            Line("t1", "a1", 2, "tool_result", ",\"message\":{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"list_directory\",\"response\":{\"output\":\"a.md\"}}},{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}]},\"toolCallResult\":{\"callId\":\"a1:1\",\"status\":\"success\"}"),
            Answer("a2", "t1", 3, Text("One file.")),
        });

        var messages = result.Record!.Messages;
        Assert.Equal("a1:1", messages[1].ToolCalls.Single().Id);
        Assert.Equal("a1:1", messages[2].ToolCallId);
        Assert.Equal(new[] { ContentBlock.FromText("a.md"), ContentBlock.FromImageData("image/png", "iVBORw0KGgo=") }, messages[2].Content);
        Assert.False(result.Record.SourceMeta.ContainsKey("orphan_tool_results"));
    }

    [Fact]
    public void Gemini_usage_counts_thoughts_beside_candidates_and_takes_cached_tokens_out_of_the_prompt()
    {
        var usage = ",\"usageMetadata\":{\"promptTokenCount\":1000,\"cachedContentTokenCount\":600,\"candidatesTokenCount\":50,\"thoughtsTokenCount\":20,\"totalTokenCount\":1070}";
        var result = Read(new[] { User("u1", null, 0, "q"), Answer("a1", "u1", 1, $"{{\"text\":\"plan\",\"thought\":true}},{Text("a")}", usage) });

        var answer = result.Record!.Messages[1];
        Assert.Equal("plan", answer.ReasoningContent);
        Assert.Equal(new TokenUsage(400, 70, 600, 0), answer.Usage);
    }

    [Fact]
    public void A_file_of_bookkeeping_records_only_is_no_record()
    {
        var result = Read(new[] { Line("s1", null, 0, "system", ",\"subtype\":\"session_artifact_snapshot\",\"systemPayload\":{}") });

        Assert.Null(result.Record);
        Assert.Equal(RolloutDiagnostic.NoUsableLines, Assert.Single(result.Diagnostics).ErrorId);
    }

    [Theory]
    [InlineData("{\"uuid\":\"u\",\"parentUuid\":null,\"sessionId\":\"s\",\"type\":\"user\",\"message\":{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}}")]
    [InlineData("{\"uuid\":\"u\",\"parentUuid\":null,\"sessionId\":\"s\",\"type\":\"system\",\"subtype\":\"session_source\",\"cwd\":\"/x\",\"systemPayload\":{\"sourceType\":\"cli\"}}")]
    [InlineData("{\"uuid\":\"u\",\"parentUuid\":\"p\",\"sessionId\":\"s\",\"type\":\"tool_result\",\"message\":{\"role\":\"user\",\"parts\":[]}}")]
    public void Detection_picks_Qwen_Code_for_each_kind_of_first_line(string line)
    {
        var head = JsonHead.Read(Encoding.UTF8.GetBytes(line))!;
        var scores = FormatRegistry.Default.All.Select(r => (r.Format, Score: r.Score(head))).ToArray();

        var best = scores.Max(s => s.Score);
        Assert.Equal(RolloutFormat.QwenCode, Assert.Single(scores, s => s.Score == best).Format);
        Assert.Equal(DetectionScore.Certain, best);
    }
    private static string ToolResult(string uuid, string parent, int second, string name, string output) =>
        Line(uuid, parent, second, "tool_result", $",\"message\":{{\"role\":\"user\",\"parts\":[{{\"functionResponse\":{{\"name\":\"{name}\",\"response\":{{\"output\":{ClaudeLines.Q(output)}}}}}}}]}},\"toolCallResult\":{{\"status\":\"success\"}}");

    [Fact]
    public void Results_without_ids_answer_the_calls_without_ids_by_name_and_one_that_answers_nothing_is_reported()
    {
        var result = Read(new[]
        {
            User("u1", null, 0, "read two"),
            Answer("a1", "u1", 1, """{"functionCall":{"name":"read_file","args":{"p":"a"}}},{"functionCall":{"name":"read_file","args":{"p":"b"}}}"""),
            ToolResult("t1", "a1", 2, "read_file", "AAA"),
            ToolResult("t2", "t1", 3, "read_file", "BBB"),
            ToolResult("t3", "t2", 4, "grep", "CCC"),
            Answer("a2", "t3", 5, Text("done")),
        });

        var record = result.Record!;
        Assert.Equal("Prompt Response ToolResult ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(record.Messages[1].ToolCalls.Select(c => c.Id), record.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.ToolCallId));
        Assert.Equal(new[] { "AAA", "BBB" }, record.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.Text));
        Assert.Equal(5, Assert.Single(result.Diagnostics).LineNumber);
    }
}
