using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Usage;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// Claude Code's advisor tool: the executor's response calls an advisor model inside the same request. The advice
/// comes back as an advisor_tool_result block, and the advisor's tokens are an advisor_message entry of
/// usage.iterations, billed to the advisor's model and left out of the top-level usage.
/// </summary>
public sealed class ClaudeAdvisorTests
{
    private const string Executor = "claude-sonnet-4-6";
    private const string Advisor = "claude-opus-4-7";

    // The executor's two iterations add up to the top level; the advisor's is apart from it.
    private static readonly string FullUsage = """
        {"input_tokens":3,"output_tokens":60,"cache_read_input_tokens":2000,"cache_creation_input_tokens":100,"iterations":[
        {"type":"message","input_tokens":1,"output_tokens":20,"cache_read_input_tokens":1000,"cache_creation_input_tokens":100},
        {"type":"advisor_message","model":"claude-opus-4-7","input_tokens":1500,"output_tokens":700,"cache_read_input_tokens":0,"cache_creation_input_tokens":0},
        {"type":"message","input_tokens":2,"output_tokens":40,"cache_read_input_tokens":1000,"cache_creation_input_tokens":0}]}
        """.ReplaceLineEndings(string.Empty);

    // An early line of the same response, written while it streamed: partial counts, the advisor not yet listed.
    private static readonly string EarlyUsage = """
        {"input_tokens":1,"output_tokens":20,"cache_read_input_tokens":1000,"cache_creation_input_tokens":100,"iterations":[
        {"type":"message","input_tokens":1,"output_tokens":20,"cache_read_input_tokens":1000,"cache_creation_input_tokens":100}]}
        """.ReplaceLineEndings(string.Empty);

    private static ClaudeLines Session(string resultContent = """{"type":"advisor_result","text":"Fix the parser first; the flaky test follows from it."}""") =>
        new ClaudeLines()
            .User("u1", null, "Why does the nightly build fail?")
            .Assistant("a1", "u1", "msg_01A", """{"type":"server_tool_use","id":"srvtoolu_01","name":"advisor","input":{}}""", EarlyUsage, Executor, extra: $",\"advisorModel\":\"{Advisor}\"")
            .Assistant("a2", "a1", "msg_01A", $$"""{"type":"advisor_tool_result","tool_use_id":"srvtoolu_01","content":{{resultContent}}}""", FullUsage, Executor, extra: $",\"advisorModel\":\"{Advisor}\"")
            .Assistant("a3", "a2", "msg_01A", """{"type":"text","text":"The parser rejects the new config key; fixing it."}""", FullUsage, Executor, extra: $",\"advisorModel\":\"{Advisor}\"");

    private static RolloutRecord Read(ClaudeLines lines, ReadOptions? options = null)
    {
        var result = lines.Read(options: options);
        Assert.True(result.Record is not null, $"no record: {result.SkipReason}");
        return result.Record!;
    }

    [Fact]
    public void The_advice_is_the_result_of_the_advisor_call()
    {
        var record = Read(Session());

        Assert.Equal(new[] { MessageRole.User, MessageRole.Assistant, MessageRole.Tool }, record.Messages.Select(m => m.Role));
        var call = Assert.Single(record.Messages[1].ToolCalls);
        Assert.Equal(("srvtoolu_01", "advisor"), (call.Id, call.Name));
        Assert.Equal("The parser rejects the new config key; fixing it.", record.Messages[1].Text);
        Assert.Equal(("srvtoolu_01", "Fix the parser first; the flaky test follows from it.", (bool?)false),
            (record.Messages[2].ToolCallId, record.Messages[2].Text, record.Messages[2].IsError));
    }

    [Fact]
    public void Advice_the_API_encrypted_reads_as_empty_and_a_failed_call_as_an_error()
    {
        var redacted = Read(Session("""{"type":"advisor_redacted_result","encrypted_content":"EqQBCkYIBxgCKkB"}""")).Messages[2];
        var failed = Read(Session("""{"type":"advisor_tool_result_error","error_code":"overloaded"}""")).Messages[2];

        Assert.Equal((string.Empty, (bool?)false), (redacted.Text, redacted.IsError));
        Assert.Equal(("overloaded", (bool?)true), (failed.Text, failed.IsError));
    }

    [Fact]
    public void The_advisor_tokens_count_once_at_the_advisor_model_beside_the_executor_tokens()
    {
        var record = Read(Session());

        // The message keeps the executor's usage; the record's totals add the advisor's.
        Assert.Equal(new TokenUsage(3, 60, 2000, 100), record.Messages[1].Usage);
        Assert.Equal((1503L, 760L, 2000L, 100L), (record.InputTokens, record.OutputTokens, record.CacheReadTokens, record.CacheWriteTokens));
        Assert.Equal(new[] { Executor, Advisor }, record.Models);

        // A resumed session copies the response into its own file: a second read counts nothing again.
        var meter = new UsageMeter(new UsageOptions { GroupBy = new[] { UsageGroup.Model } });
        meter.Add(record);
        meter.Add(Read(Session()));
        var rows = meter.Rows().ToDictionary(r => r.Model!);

        Assert.Equal((3L, 60L, 2000L, 100L), (rows[Executor].InputTokens, rows[Executor].OutputTokens, rows[Executor].CacheReadTokens, rows[Executor].CacheWriteTokens));
        Assert.Equal((1500L, 700L, 0L, 0L), (rows[Advisor].InputTokens, rows[Advisor].OutputTokens, rows[Advisor].CacheReadTokens, rows[Advisor].CacheWriteTokens));
        Assert.True(rows[Advisor].CostUsd > 0);
    }

    [Fact]
    public void A_usage_read_and_the_normalized_json_keep_the_advisor_tokens()
    {
        var full = Read(Session());
        var usageOnly = Read(Session(), new ReadOptions { UsageOnly = true });
        var copied = RecordJsonReader.Read(JsonDocument.Parse(full.ToJson()).RootElement);

        foreach (var record in new[] { usageOnly, copied })
        {
            Assert.Equal(full.TotalTokens, record.TotalTokens);
            var advisor = Assert.Single(record.UnlistedResponses);
            Assert.Equal((Advisor, new TokenUsage(1500, 700, 0, 0)), (advisor.Model, advisor.Usage));
        }
    }
}
