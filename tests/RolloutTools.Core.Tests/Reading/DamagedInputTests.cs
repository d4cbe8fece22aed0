using System.Text;
using RolloutTools.Core.Export;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.ClaudeCode;
using RolloutTools.Core.Formats.Codex;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Formats;

namespace RolloutTools.Core.Tests.Reading;

/// <summary>Values that parse as JSON and still break naive readers: each costs its line, never the run.</summary>
public sealed class DamagedInputTests
{
    private static ReadResult ReadCodex(string name, string text)
    {
        var source = TraceSource.FromBytes(name, Encoding.UTF8.GetBytes(text));
        return RolloutLoader.ReadAll(new[] { new SessionReference(source, new CodexReader()) }, new ReadOptions(), CancellationToken.None).Single();
    }

    [Fact]
    public void A_lone_surrogate_escape_costs_its_line_only()
    {
        // A JavaScript writer that cut a string mid-emoji leaves half a surrogate pair.
        var result = new ClaudeLines()
            .User("u1", null, "Hi")
            .UserContent("u2", "u1", "\"cut \\ud83d here\"")
            .Text("a1", "u1", "msg_01A", "Hello")
            .Read();

        Assert.Equal(2, result.Record!.MessageCount);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((RolloutDiagnostic.ParseError, 2), (error.ErrorId, error.LineNumber));
    }

    [Fact]
    public void A_line_that_is_not_an_object_costs_its_line_only()
    {
        var result = ReadCodex("rollout-x.jsonl",
            "{\"timestamp\":\"2025-11-20T21:05:09.100Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"t1\"}}\n42\n[1,2]\n" +
            "{\"timestamp\":\"2025-11-20T21:05:10.100Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Go\"}]}}\n");

        Assert.Equal("t1", result.Record!.TraceId);
        Assert.Equal(1, result.Record.MessageCount);
        Assert.Equal(new int?[] { 2, 3 }, result.Diagnostics.Select(d => d.LineNumber));
    }

    [Fact]
    public void Out_of_range_numbers_in_a_rollout_are_ignored_not_fatal()
    {
        var result = ReadCodex("rollout-y.jsonl",
            "{\"timestamp\":\"2025-11-20T21:05:09.100Z\",\"ordinal\":1.5,\"type\":\"session_meta\",\"payload\":{\"id\":\"t2\",\"subagent_history_start_ordinal\":2.5,\"forked_from_id\":\"p\"}}\n" +
            "{\"timestamp\":\"2025-11-20T21:05:10.100Z\",\"ordinal\":2.5,\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Go\"}]}}\n" +
            "{\"timestamp\":\"2025-11-20T21:05:11.100Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call\",\"name\":\"shell\",\"arguments\":\"{}\",\"call_id\":\"c1\"}}\n" +
            "{\"timestamp\":\"2025-11-20T21:05:12.100Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"Exit code: 99999999999\\nWall time: 1e308 seconds\\nOutput:\\nok\"}}\n");

        Assert.Empty(result.Diagnostics);
        var output = result.Record!.Messages[^1];
        Assert.Null(output.ExitCode);
        Assert.Null(output.ToolDuration);
    }

    [Fact]
    public void A_typescript_document_with_long_instructions_is_still_a_document()
    {
        var instructions = new string('x', 9000);
        var json = $"{{\n  \"session\": {{ \"id\": \"ts1\", \"timestamp\": \"2025-05-02T17:11:12.000Z\", \"instructions\": \"{instructions}\" }},\n  \"items\": [ {{ \"role\": \"user\", \"content\": \"Hi\" }}, {{ \"role\": \"assistant\", \"content\": \"Hello\" }} ]\n}}";

        var shape = JsonHead.Read(Encoding.UTF8.GetBytes(json)[..8192])!;
        var result = ReadCodex("rollout-2025-05-02-ts1.json", json);

        Assert.True(new CodexReader().Score(shape) > DetectionScore.None);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!).Replace("Context ", string.Empty));
    }

    [Fact]
    public void A_log_line_with_an_id_and_a_timestamp_is_not_a_codex_rollout()
    {
        var shape = JsonHead.Read("{\"id\":\"req-1\",\"timestamp\":\"2025-11-20T21:05:09Z\",\"level\":\"info\"}"u8)!;

        Assert.All(FormatRegistry.Default.All, r => Assert.Equal(DetectionScore.None, r.Score(shape)));
    }

    [Fact]
    public void A_title_cut_at_an_emoji_keeps_the_pair_whole()
    {
        var title = Titles.Clean(new string('a', 198) + "🎉 and more")!;

        Assert.Equal(new string('a', 198) + "…", title);
        Assert.EndsWith(".md", Transcript.FileName(new RolloutRecord { TraceId = "x", Format = RolloutFormat.Codex, SourceKind = "codex", RootSessionId = "x", Title = title }, TranscriptFormat.Markdown));
    }

    [Fact]
    public void Calls_of_one_response_split_by_a_token_count_are_one_chat_message()
    {
        var record = ReadCodex("rollout-z.jsonl", string.Join("\n",
            "{\"timestamp\":\"2025-11-20T21:05:09.100Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"t3\"}}",
            "{\"timestamp\":\"2025-11-20T21:05:10.100Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Run both\"}]}}",
            "{\"timestamp\":\"2025-11-20T21:05:11.100Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call\",\"name\":\"shell\",\"arguments\":\"{}\",\"call_id\":\"c1\"}}",
            "{\"timestamp\":\"2025-11-20T21:05:11.200Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"input_tokens\":10,\"output_tokens\":5}}}}",
            "{\"timestamp\":\"2025-11-20T21:05:11.300Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call\",\"name\":\"shell\",\"arguments\":\"{}\",\"call_id\":\"c2\"}}",
            "{\"timestamp\":\"2025-11-20T21:05:12.100Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"a\"}}",
            "{\"timestamp\":\"2025-11-20T21:05:12.200Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call_output\",\"call_id\":\"c2\",\"output\":\"b\"}}",
            "{\"timestamp\":\"2025-11-20T21:05:13.100Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Done\"}]}}") + "\n").Record!;

        var line = new DatasetWriter(new DatasetOptions { Format = DatasetFormat.OpenAIChat }).Line(record, out var rejection);

        Assert.Null(rejection);
        var json = Encoding.UTF8.GetString(line!.Value.Span);
        Assert.Contains("\"tool_calls\":[{\"id\":\"c1\"", json);
        Assert.Contains("{\"id\":\"c2\",\"type\":\"function\"", json);
        Assert.Equal(2, json.Split("\"role\":\"assistant\"").Length - 1);
    }

    [Fact]
    public void ShareGPT_refuses_a_conversation_that_opens_with_the_assistant()
    {
        var record = new RolloutRecord
        {
            TraceId = "g", Format = RolloutFormat.ClaudeCode, SourceKind = "claude_code", RootSessionId = "g",
            Messages = new[]
            {
                new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Content = new[] { ContentBlock.FromText("Hello") } },
                new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromText("Hi") } },
                new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Content = new[] { ContentBlock.FromText("Yes?") } },
            },
        };

        Assert.Null(new DatasetWriter(new DatasetOptions { Format = DatasetFormat.ShareGPT }).Line(record, out var reason));
        Assert.Equal("its turns do not alternate between input and output at turn 1 (the start, then gpt)", reason);
    }
}
