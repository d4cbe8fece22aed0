using System.Text;
using System.Text.Json;
using RolloutTools.Core.Export;
using RolloutTools.Core.Formats.Normalized;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Export;

public sealed class DatasetWriterTests
{
    private static readonly DateTimeOffset T0 = new(2025, 11, 3, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A prompt with an image, a response with reasoning and two parallel calls (one never answered
    /// after an interruption), a long tool result, a synthetic notice and a final answer.</summary>
    private static RolloutRecord Sample(bool sidechain = false) => new()
    {
        TraceId = "s1",
        Format = RolloutFormat.ClaudeCode,
        SourceKind = "claude_code",
        RootSessionId = "s1",
        IsSidechain = sidechain,
        StartedAt = T0,
        EndedAt = T0.AddMinutes(2),
        Models = new[] { "claude-opus-4-6" },
        Messages = new[]
        {
            new RolloutMessage { Role = MessageRole.System, Kind = MessageKind.Context, Content = new[] { ContentBlock.FromText("Be brief.") } },
            new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromText("What is in a.txt?"), ContentBlock.FromImageData("image/png", "iVBORw0KGgo=") }, Timestamp = T0 },
            new RolloutMessage
            {
                Role = MessageRole.Assistant, Kind = MessageKind.Response, ReasoningContent = "Read it.", Model = "claude-opus-4-6",
                ToolCalls = new[] { new ToolCall("t1", "Read", "{\"file_path\":\"a.txt\",\"limit\":10}"), new ToolCall("t2", "mcp.search", "not json") },
            },
            new RolloutMessage { Role = MessageRole.Tool, Kind = MessageKind.ToolResult, ToolCallId = "t1", ToolName = "Read", Content = new[] { ContentBlock.FromText("0123456789ABCDEF") }, IsError = false },
            new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Synthetic, Content = new[] { ContentBlock.FromText("API Error: 529") } },
            new RolloutMessage
            {
                Role = MessageRole.Assistant, Kind = MessageKind.Response, Content = new[] { ContentBlock.FromText("It holds digits.") },
                ToolCalls = new[] { new ToolCall("t3", "Read", "{\"file_path\":\"b.txt\"}") },
            },
            new RolloutMessage { Role = MessageRole.Tool, Kind = MessageKind.ToolResult, ToolCallId = "t3", ToolName = "Read", Content = new[] { ContentBlock.FromText("none") } },
            new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Content = new[] { ContentBlock.FromText("Done.") } },
        },
        SourceMeta = new SourceMeta.Builder().Add("session_id", "s1").Add("record_types", new Dictionary<string, long> { ["user"] = 2 }).Build(),
        Usage = new TokenUsage(10, 20, 30, 40),
    };

    private static string Line(RolloutRecord record, DatasetOptions options)
    {
        var line = new DatasetWriter(options).Line(record, out var rejection);
        Assert.True(line is not null, rejection);
        return Encoding.UTF8.GetString(line!.Value.Span);
    }

    [Fact]
    public void OpenAIChat_line_is_exactly_what_the_fine_tuning_api_takes()
    {
        var json = Line(Sample(), new DatasetOptions { Format = DatasetFormat.OpenAIChat, MaxToolOutputLength = 10 });

        Assert.Equal(
            "{\"messages\":[" +
            "{\"role\":\"system\",\"content\":\"Be brief.\"}," +
            "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is in a.txt?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}}]}," +
            "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"Read\",\"arguments\":\"{\\\"file_path\\\":\\\"a.txt\\\",\\\"limit\\\":10}\"}}]}," +
            "{\"role\":\"tool\",\"tool_call_id\":\"t1\",\"content\":\"0123456789\\n\\n[… truncated: 10 of 16 characters kept]\"}," +
            "{\"role\":\"assistant\",\"content\":\"It holds digits.\",\"tool_calls\":[{\"id\":\"t3\",\"type\":\"function\",\"function\":{\"name\":\"Read\",\"arguments\":\"{\\\"file_path\\\":\\\"b.txt\\\"}\"}}]}," +
            "{\"role\":\"tool\",\"tool_call_id\":\"t3\",\"content\":\"none\"}," +
            "{\"role\":\"assistant\",\"content\":\"Done.\"}]," +
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"Read\",\"parameters\":{\"type\":\"object\",\"properties\":{\"file_path\":{\"type\":\"string\"},\"limit\":{\"type\":\"integer\"}}}}}]}",
            json);
    }

    [Fact]
    public void OpenAIChat_keeps_reasoning_only_when_asked()
    {
        var json = Line(Sample(), new DatasetOptions { Format = DatasetFormat.OpenAIChat, IncludeReasoning = true, ExcludeImages = true });

        using var document = JsonDocument.Parse(json);
        var messages = document.RootElement.GetProperty("messages");
        Assert.Equal("Read it.", messages[2].GetProperty("reasoning_content").GetString());
        Assert.Equal("What is in a.txt?", messages[1].GetProperty("content").GetString());
    }

    [Fact]
    public void ShareGPT_line_uses_the_trainers_roles()
    {
        var json = Line(Sample(), new DatasetOptions { Format = DatasetFormat.ShareGPT, IncludeReasoning = true });

        Assert.Equal(
            "{\"conversations\":[" +
            "{\"from\":\"system\",\"value\":\"Be brief.\"}," +
            "{\"from\":\"human\",\"value\":\"What is in a.txt?\\n\\n<image>\"}," +
            "{\"from\":\"function_call\",\"value\":\"{\\\"name\\\":\\\"Read\\\",\\\"arguments\\\":{\\\"file_path\\\":\\\"a.txt\\\",\\\"limit\\\":10}}\"}," +
            "{\"from\":\"observation\",\"value\":\"0123456789ABCDEF\"}," +
            "{\"from\":\"function_call\",\"value\":\"{\\\"name\\\":\\\"Read\\\",\\\"arguments\\\":{\\\"file_path\\\":\\\"b.txt\\\"}}\"}," +
            "{\"from\":\"observation\",\"value\":\"none\"}," +
            "{\"from\":\"gpt\",\"value\":\"Done.\"}]," +
            "\"tools\":\"[{\\\"type\\\":\\\"function\\\",\\\"function\\\":{\\\"name\\\":\\\"Read\\\",\\\"parameters\\\":{\\\"type\\\":\\\"object\\\",\\\"properties\\\":{\\\"file_path\\\":{\\\"type\\\":\\\"string\\\"},\\\"limit\\\":{\\\"type\\\":\\\"integer\\\"}}}}}]\"," +
            "\"images\":[\"data:image/png;base64,iVBORw0KGgo=\"]}",
            json);
    }

    [Fact]
    public void ShareGPT_keeps_words_that_follow_a_result_with_its_observation_and_drops_a_trailing_prompt()
    {
        var sample = Sample();
        var interrupted = new RolloutRecord(sample)
        {
            Messages = sample.Messages.Take(4)
                .Append(new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Interruption, Content = new[] { ContentBlock.FromText("[Request interrupted by user for tool use]") } })
                .Append(new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromText("Read b.txt instead") } })
                .Append(new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Content = new[] { ContentBlock.FromText("b.txt is empty.") } })
                .Append(new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, ToolCalls = new[] { new ToolCall("t4", "Read", "{\"file_path\":\"c.txt\"}") } })
                .Append(new RolloutMessage { Role = MessageRole.Tool, Kind = MessageKind.ToolResult, ToolCallId = "t4", ToolName = "Read", Content = new[] { ContentBlock.FromText("c") } })
                .Append(sample.Messages[^1])
                .ToArray(),
        };
        var writer = new DatasetWriter(new DatasetOptions { Format = DatasetFormat.ShareGPT });

        var json = Encoding.UTF8.GetString(writer.Line(interrupted, out var reason)!.Value.Span);
        var turns = JsonDocument.Parse(json).RootElement.GetProperty("conversations").EnumerateArray()
            .Select(t => $"{t.GetProperty("from").GetString()}: {t.GetProperty("value").GetString()}").ToArray();
        Assert.Null(reason);
        Assert.Equal(new[]
        {
            "system: Be brief.",
            "human: What is in a.txt?\n\n<image>",
            "function_call: {\"name\":\"Read\",\"arguments\":{\"file_path\":\"a.txt\",\"limit\":10}}",
            "observation: 0123456789ABCDEF\n\n[Request interrupted by user for tool use]\n\nRead b.txt instead",
            "function_call: {\"name\":\"Read\",\"arguments\":{\"file_path\":\"c.txt\"}}",
            "observation: c",
            "gpt: Done.",
        }, turns);

        var unanswered = new RolloutRecord(sample) { Messages = sample.Messages.Append(new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromText("Thanks") } }).ToArray() };
        json = Encoding.UTF8.GetString(writer.Line(unanswered, out _)!.Value.Span);
        Assert.EndsWith("{\"from\":\"gpt\",\"value\":\"Done.\"}],\"tools\"", json[..(json.IndexOf(",\"tools\"", StringComparison.Ordinal) + 8)]);
    }

    [Fact]
    public void Normalized_line_reads_back_into_an_equal_record()
    {
        var record = Sample();
        var json = Line(record, new DatasetOptions());
        var source = TraceSource.FromBytes("data.jsonl", Encoding.UTF8.GetBytes(json + "\n"));

        var scan = (IMultiRecordScan)new NormalizedReader().BeginScan(new[] { source }, CancellationToken.None);
        var back = Assert.Single(scan.ReadEach(source, CancellationToken.None)).Record!;

        Assert.Equal(record.ToJson(), back.ToJson());
        Assert.Equal(record.Messages[1].Content, back.Messages[1].Content);
        Assert.Equal(record.Messages[2].ToolCalls, back.Messages[2].ToolCalls);
        Assert.Equal((record.InputTokens, record.CacheWriteTokens, record.Duration), (back.InputTokens, back.CacheWriteTokens, back.Duration));
        Assert.Equal(2L, ((IReadOnlyDictionary<string, long>)back.SourceMeta["record_types"])["user"]);
    }

    [Fact]
    public void Records_a_fine_tuning_api_would_reject_are_refused_with_the_reason()
    {
        var promptOnly = new RolloutRecord(Sample()) { Messages = new[] { Sample().Messages[1] } };

        Assert.Null(new DatasetWriter(new DatasetOptions { Format = DatasetFormat.OpenAIChat }).Line(promptOnly, out var reason));
        Assert.Equal("it has no assistant message to learn from", reason);
        Assert.NotNull(new DatasetWriter(new DatasetOptions()).Line(promptOnly, out _));
        Assert.Null(new DatasetWriter(new DatasetOptions { ExcludeSidechain = true }).Line(Sample(sidechain: true), out reason));
        Assert.Contains("-ExcludeSidechain", reason);
    }
}
