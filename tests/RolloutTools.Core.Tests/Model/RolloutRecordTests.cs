using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Model;

public sealed class RolloutRecordTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 8, 22, 0, 0, TimeSpan.Zero);

    private static RolloutRecord Record(DateTimeOffset? started, DateTimeOffset? ended) => new()
    {
        TraceId = "t1",
        Format = RolloutFormat.Codex,
        SourceKind = "codex",
        RootSessionId = "t1",
        StartedAt = started,
        EndedAt = ended,
        Usage = new TokenUsage(10, 20, 300, 4000),
    };

    [Fact]
    public void TotalTokens_adds_input_output_cache_reads_and_cache_writes()
    {
        Assert.Equal(4330, Record(Start, Start).TotalTokens);
    }

    [Fact]
    public void Duration_and_DurationSeconds_span_the_first_to_the_last_moment()
    {
        var record = Record(Start, Start.AddSeconds(90.5));

        Assert.Equal(TimeSpan.FromSeconds(90.5), record.Duration);
        Assert.Equal(90.5, record.DurationSeconds);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void A_trace_that_records_one_moment_or_none_has_no_duration(bool started, bool ended)
    {
        // Early Codex files date only their header: StartedAt and EndedAt are the same moment.
        var record = Record(started ? Start : null, ended ? Start : null);

        Assert.Null(record.Duration);
        Assert.Null(record.DurationSeconds);
    }

    [Fact]
    public void Json_carries_the_derived_numbers_and_reading_it_back_derives_them_again()
    {
        var record = Record(Start, Start.AddSeconds(90.5));
        var json = JsonDocument.Parse(record.ToJson()).RootElement;

        Assert.Equal(4330, json.GetProperty("total_tokens").GetInt64());
        Assert.Equal(90.5, json.GetProperty("duration_seconds").GetDouble());

        // A line whose derived numbers were edited reads back with the ones its facts give.
        var edited = record.ToJson().Replace("\"total_tokens\":4330", "\"total_tokens\":1").Replace("\"duration_seconds\":90.5", "\"duration_seconds\":1");
        var back = RecordJsonReader.Read(JsonDocument.Parse(edited).RootElement);
        Assert.Equal((4330L, 90.5), (back.TotalTokens, back.DurationSeconds));
        Assert.Equal(record.ToJson(), back.ToJson());
    }

    [Fact]
    public void A_message_usage_in_json_carries_its_total_too()
    {
        var message = new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Usage = new TokenUsage(1, 2, 3, 4) };
        var record = new RolloutRecord(Record(Start, Start)) { Messages = new[] { message } };

        var usage = JsonDocument.Parse(record.ToJson()).RootElement.GetProperty("messages")[0].GetProperty("usage");

        Assert.Equal(10, usage.GetProperty("total_tokens").GetInt64());
    }

    [Fact]
    public void A_responses_identity_stated_cost_and_one_hour_cache_writes_survive_the_json_round_trip()
    {
        var message = new RolloutMessage
        {
            Role = MessageRole.Assistant, Kind = MessageKind.Response, ResponseId = "msg_1:req_1", CostUsd = 0.0125m,
            Usage = new TokenUsage(1, 2, 3, 40) { CacheWrite1hTokens = 30 },
        };
        var record = new RolloutRecord(Record(Start, Start)) { Messages = new[] { message } };

        var back = RecordJsonReader.Read(JsonDocument.Parse(record.ToJson()).RootElement).Messages[0];

        Assert.Equal(("msg_1:req_1", (decimal?)0.0125m, (TokenUsage?)new TokenUsage(1, 2, 3, 40) { CacheWrite1hTokens = 30 }), (back.ResponseId, back.CostUsd, back.Usage));
        Assert.Equal(record.ToJson(), new RolloutRecord(record) { Messages = new[] { back } }.ToJson());
    }

    [Fact]
    public void Unlisted_responses_survive_the_json_round_trip()
    {
        var unlisted = new[]
        {
            new UnlistedResponse("msg_1:req_1", Start.AddMinutes(3), "claude-sonnet-4-5", new TokenUsage(1, 2, 3, 40) { CacheWrite1hTokens = 30 }, null),
            new UnlistedResponse(null, null, null, new TokenUsage(5, 0, 0, 0), 0.5m),
        };
        var record = new RolloutRecord(Record(Start, Start.AddHours(1))) { UnlistedResponses = unlisted };

        var json = record.ToJson();
        var back = RecordJsonReader.Read(JsonDocument.Parse(json).RootElement);

        Assert.Equal(unlisted, back.UnlistedResponses);
        Assert.Equal(json, back.ToJson());
        Assert.DoesNotContain("unlisted_responses", Record(Start, Start).ToJson());
    }

    [Fact]
    public void The_copy_constructors_copy_every_property_a_with_expression_copied()
    {
        // Every settable property, public or internal, filled with a value that is not its default.
        var message = new RolloutMessage
        {
            Role = MessageRole.Tool, Kind = MessageKind.ToolResult, Content = new[] { ContentBlock.FromText("ok") }, ReasoningContent = "r",
            ToolCalls = new[] { new ToolCall("c", "n", "{}") }, ToolCallId = "c", ToolName = "n", IsError = true, StructuredResult = "{}",
            ExitCode = 2, ToolDuration = TimeSpan.FromSeconds(1), Timestamp = Start, Model = "m", Usage = new TokenUsage(1, 2, 3, 4), IsAbandoned = true,
            ResponseId = "msg_1:req_1", CostUsd = 0.25m,
        };
        var record = new RolloutRecord(Record(Start, Start.AddMinutes(1)))
        {
            SourcePath = "/p", AgentId = "a", IsSidechain = true, Cwd = "/w", ProjectPath = "/w", GitBranch = "b", Title = "t",
            Models = new[] { "m" }, Messages = new[] { message }, SourceMeta = new SourceMeta.Builder().Add("k", "v").Build(),
            UnlistedResponses = new[] { new UnlistedResponse("msg_2:req_2", Start, "m", new TokenUsage(5, 6, 7, 8), null) },
            ListsResponsesOnly = true,
        };

        AssertCopied(record, new RolloutRecord(record));
        AssertCopied(message, new RolloutMessage(message));
    }

    private static void AssertCopied<T>(T source, T copy)
    {
        var properties = typeof(T).GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
            .Where(p => p.SetMethod is not null).ToArray();
        Assert.NotEmpty(properties);
        foreach (var property in properties)
        {
            var value = property.GetValue(source);
            Assert.False(value is null || value.Equals(property.PropertyType.IsValueType ? Activator.CreateInstance(property.PropertyType) : null), $"{property.Name} is left at its default in the test");
            Assert.Equal(value, property.GetValue(copy));
        }
    }
}
