using System.Text;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Codex;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

public sealed class CodexReaderTests
{
    private const string Id = "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b";

    /// <summary>Envelope lines as Codex writes them: {"timestamp", "type", "payload"}, one second apart.</summary>
    private sealed class Lines
    {
        private readonly List<string> _lines = new();
        private DateTimeOffset _clock = new(2025, 11, 20, 21, 5, 9, TimeSpan.Zero);

        public Lines Add(string type, string payload)
        {
            _clock = _clock.AddSeconds(1);
            _lines.Add($"{{\"timestamp\":\"{_clock.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fff}Z\",\"type\":\"{type}\",\"payload\":{payload}}}");
            return this;
        }

        public Lines Meta(string extra = "") => Add("session_meta",
            $"{{\"id\":\"{Id}\",\"timestamp\":\"2025-11-20T21:05:09.100Z\",\"cwd\":\"/home/dev/acme-shop\",\"originator\":\"codex_cli_rs\",\"cli_version\":\"0.58.0\",\"instructions\":null,\"source\":\"cli\",\"model_provider\":\"openai\",\"git\":{{\"commit_hash\":\"3f2a9c1\",\"branch\":\"feature/tax\",\"repository_url\":\"https://git.example.test/acme/shop.git\"}}{extra}}}");

        public Lines Context(string model = "gpt-5-codex", string effort = "medium") => Add("turn_context",
            $"{{\"cwd\":\"/home/dev/acme-shop\",\"approval_policy\":\"on-request\",\"sandbox_policy\":{{\"type\":\"workspace-write\",\"network_access\":false}},\"model\":\"{model}\",\"effort\":\"{effort}\",\"summary\":\"auto\"}}");

        public Lines User(string text) => Add("response_item", $"{{\"type\":\"message\",\"role\":\"user\",\"content\":[{{\"type\":\"input_text\",\"text\":{ClaudeLines.Q(text)}}}]}}");

        public Lines Developer(string text) => Add("response_item", $"{{\"type\":\"message\",\"role\":\"developer\",\"content\":[{{\"type\":\"input_text\",\"text\":{ClaudeLines.Q(text)}}}]}}");

        public Lines Assistant(string text) => Add("response_item", $"{{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{{\"type\":\"output_text\",\"text\":{ClaudeLines.Q(text)}}}]}}");

        public Lines Reasoning(string summary) => Add("response_item", $"{{\"type\":\"reasoning\",\"summary\":[{{\"type\":\"summary_text\",\"text\":{ClaudeLines.Q(summary)}}}],\"content\":null,\"encrypted_content\":\"gAAAAB\"}}");

        public Lines Event(string payload) => Add("event_msg", payload);

        public Lines Call(string callId, string name, string arguments) => Add("response_item", $"{{\"type\":\"function_call\",\"name\":\"{name}\",\"arguments\":{ClaudeLines.Q(arguments)},\"call_id\":\"{callId}\"}}");

        public Lines Output(string callId, string output) => Add("response_item", $"{{\"type\":\"function_call_output\",\"call_id\":\"{callId}\",\"output\":{ClaudeLines.Q(output)}}}");

        public Lines Tokens(long input, long cached, long output, long reasoning, long totalInput) => Event(
            $"{{\"type\":\"token_count\",\"info\":{{\"total_token_usage\":{{\"input_tokens\":{totalInput},\"cached_input_tokens\":0,\"output_tokens\":0,\"reasoning_output_tokens\":0,\"total_tokens\":{totalInput}}},\"last_token_usage\":{{\"input_tokens\":{input},\"cached_input_tokens\":{cached},\"output_tokens\":{output},\"reasoning_output_tokens\":{reasoning},\"total_tokens\":{input + output}}},\"model_context_window\":272000}},\"rate_limits\":null}}");

        public ReadResult Read(string name = $"rollout-2025-11-20T14-05-09-{Id}.jsonl")
        {
            var source = TraceSource.FromBytes($"/home/dev/.codex/sessions/2025/11/20/{name}", Encoding.UTF8.GetBytes(string.Join("\n", _lines) + "\n"));
            return new CodexReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None);
        }
    }

    private static string Kinds(RolloutRecord record) => string.Join(" ", record.Messages.Select(m => $"{m.Role}:{m.Kind}"));

    [Fact]
    public void Envelope_session_reads_once_despite_duplicate_events()
    {
        var record = new Lines()
            .Meta()
            .Developer("<permissions instructions>Filesystem sandboxing: workspace-write.</permissions instructions>")
            .User("<environment_context>\n  <cwd>/home/dev/acme-shop</cwd>\n</environment_context>")
            .User("# AGENTS.md instructions for /home/dev/acme-shop\n\n<INSTRUCTIONS>Run make test.</INSTRUCTIONS>")
            .Context()
            .User("Add sales tax to the cart total")
            .Event("{\"type\":\"user_message\",\"message\":\"Add sales tax to the cart total\",\"images\":[]}")
            .Event("{\"type\":\"agent_reasoning\",\"text\":\"Look at cart.py first.\"}")
            .Reasoning("Look at cart.py first.")
            .Call("call_1", "shell", "{\"command\":[\"bash\",\"-lc\",\"cat cart.py\"]}")
            .Tokens(1200, 1000, 40, 12, 1200)
            .Tokens(1200, 1000, 40, 12, 1200)
            .Output("call_1", "{\"output\":\"def total(items): ...\\n\",\"metadata\":{\"exit_code\":0,\"duration_seconds\":0.25}}")
            .Assistant("Added a tax rate to total().")
            .Event("{\"type\":\"agent_message\",\"message\":\"Added a tax rate to total().\"}")
            .Tokens(1500, 1300, 60, 0, 2700)
            .Read().Record!;

        Assert.Equal("System:Context User:Context User:Context User:Prompt Assistant:Response Tool:ToolResult Assistant:Response", Kinds(record));
        Assert.Equal("Look at cart.py first.", record.Messages[4].ReasoningContent);
        Assert.Equal(new ToolCall("call_1", "shell", "{\"command\":[\"bash\",\"-lc\",\"cat cart.py\"]}"), record.Messages[4].ToolCalls.Single());
        var output = record.Messages[5];
        Assert.Equal("def total(items): ...\n", output.Text);
        Assert.Equal(0, output.ExitCode);
        Assert.Equal(TimeSpan.FromSeconds(0.25), output.ToolDuration);
        Assert.False(output.IsError);
        Assert.Equal(Id, record.TraceId);
        Assert.Equal("Add sales tax to the cart total", record.Title);
        Assert.Equal("feature/tax", record.GitBranch);
        Assert.Equal(new[] { "gpt-5-codex" }, record.Models);
        Assert.Equal(new TokenUsage(200 + 200, 100, 2300, 0), new TokenUsage(record.InputTokens, record.OutputTokens, record.CacheReadTokens, record.CacheWriteTokens));
        Assert.Equal(12L, record.SourceMeta["reasoning_output_tokens"]);
        Assert.Equal(1L, record.SourceMeta["duplicate_token_counts"]);
        Assert.Equal("0.58.0", record.SourceMeta["cli_version"]);
        Assert.Equal("https://git.example.test/acme/shop.git", record.SourceMeta["git_repository"]);
        Assert.Equal(DateTimeOffset.Parse("2025-11-20T21:05:09.100Z"), record.StartedAt);
    }

    [Fact]
    public void Reasoning_comes_from_events_only_when_no_item_carries_text_and_never_crosses_a_user_message()
    {
        var record = new Lines()
            .Meta().Context()
            .User("First")
            .Event("{\"type\":\"agent_reasoning\",\"text\":\"Thinking about first.\"}")
            .Add("response_item", "{\"type\":\"reasoning\",\"summary\":[],\"content\":null,\"encrypted_content\":\"gAAAAB\"}")
            .Assistant("One.")
            .Reasoning("Stale thought")
            .User("Second")
            .Assistant("Two.")
            .Read().Record!;

        Assert.Equal("Thinking about first.", record.Messages[1].ReasoningContent);
        Assert.Null(record.Messages[3].ReasoningContent);
    }

    [Fact]
    public void Parallel_calls_of_one_response_are_one_message_and_failed_commands_are_errors()
    {
        var record = new Lines()
            .Meta().Context()
            .User("Run both")
            .Call("call_a", "shell", "{\"command\":[\"make\",\"lint\"]}")
            .Call("call_b", "shell", "{\"command\":[\"make\",\"test\"]}")
            .Output("call_a", "Exit code: 0\nWall time: 1.5 seconds\nOutput:\nok")
            .Output("call_b", "{\"output\":\"1 failed\",\"metadata\":{\"exit_code\":2,\"duration_seconds\":3.0}}")
            .Assistant("Lint passes; one test fails.")
            .Read().Record!;

        Assert.Equal("User:Prompt Assistant:Response Tool:ToolResult Tool:ToolResult Assistant:Response", Kinds(record));
        Assert.Equal(2, record.Messages[1].ToolCalls.Count);
        Assert.Equal((0, TimeSpan.FromSeconds(1.5), false), (record.Messages[2].ExitCode!.Value, record.Messages[2].ToolDuration!.Value, record.Messages[2].IsError!.Value));
        Assert.Equal((2, true), (record.Messages[3].ExitCode!.Value, record.Messages[3].IsError!.Value));
    }

    [Fact]
    public void Custom_tools_web_search_compaction_and_unknown_items()
    {
        var record = new Lines()
            .Meta().Context()
            .User("Patch it")
            .Add("response_item", "{\"type\":\"custom_tool_call\",\"status\":\"completed\",\"call_id\":\"call_p\",\"name\":\"apply_patch\",\"input\":\"*** Begin Patch\\n*** End Patch\"}")
            .Add("response_item", "{\"type\":\"custom_tool_call_output\",\"call_id\":\"call_p\",\"output\":\"{\\\"output\\\":\\\"Success.\\\",\\\"metadata\\\":{\\\"exit_code\\\":0,\\\"duration_seconds\\\":0.0}}\"}")
            .Add("response_item", "{\"type\":\"web_search_call\",\"status\":\"completed\",\"action\":{\"type\":\"search\",\"query\":\"sales tax rates 2025\"}}")
            .Assistant("Patched and checked the rates.")
            .Add("response_item", "{\"type\":\"ghost_snapshot\",\"ghost_commit\":{\"id\":\"abc\",\"parent\":\"def\"}}")
            .Add("compacted", "{\"message\":\"Summary: tax added, tests pass.\"}")
            .Add("response_item", "{\"type\":\"x_future_item\"}")
            .User("Thanks")
            .Read().Record!;

        Assert.Equal("User:Prompt Assistant:Response Tool:ToolResult Assistant:Response Tool:ToolResult Assistant:Response User:CompactionSummary User:Prompt", Kinds(record));
        Assert.Equal("{\"input\":\"*** Begin Patch\\n*** End Patch\"}", record.Messages[1].ToolCalls[0].Arguments);
        Assert.Equal("Success.", record.Messages[2].Text);
        Assert.Equal("web_search", record.Messages[3].ToolCalls[0].Name);
        Assert.Contains("sales tax rates 2025", record.Messages[3].ToolCalls[0].Arguments);
        Assert.Equal(1L, record.SourceMeta["ghost_snapshots"]);
        Assert.Equal(1L, record.SourceMeta["compactions"]);
        Assert.Equal(new Dictionary<string, long> { ["x_future_item"] = 1 }, (IReadOnlyDictionary<string, long>)record.SourceMeta["unknown_item_types"]);
    }

    [Fact]
    public void Token_counts_with_only_running_totals_count_the_difference()
    {
        static string Totals(long input, long cached, long output) =>
            $"{{\"type\":\"token_count\",\"info\":{{\"total_token_usage\":{{\"input_tokens\":{input},\"cached_input_tokens\":{cached},\"output_tokens\":{output},\"reasoning_output_tokens\":0,\"total_tokens\":{input + output}}}}}}}";
        var record = new Lines()
            .Meta().Context()
            .User("Go").Assistant("One.").Event(Totals(1000, 800, 50))
            .User("Again").Assistant("Two.").Event(Totals(2500, 2000, 120)).Event(Totals(2500, 2000, 120))
            .Read().Record!;

        Assert.Equal(new TokenUsage(500, 120, 2000, 0), new TokenUsage(record.InputTokens, record.OutputTokens, record.CacheReadTokens, record.CacheWriteTokens));
        Assert.Equal(new TokenUsage(300, 70, 1200, 0), record.Messages[3].Usage);
    }

    [Fact]
    public void Pre_envelope_lines_have_a_bare_meta_and_no_timestamps()
    {
        var text = string.Join("\n",
            $"{{\"id\":\"{Id}\",\"timestamp\":\"2025-08-14T16:30:00.000Z\",\"instructions\":null,\"git\":{{\"commit_hash\":\"aa11\",\"branch\":\"main\",\"repository_url\":null}}}}",
            "{\"record_type\":\"state\"}",
            "{\"type\":\"message\",\"id\":null,\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"List files\"}]}",
            "{\"type\":\"local_shell_call\",\"id\":\"lsc_1\",\"call_id\":\"call_1\",\"status\":\"completed\",\"action\":{\"type\":\"exec\",\"command\":[\"ls\"],\"timeout_ms\":10000}}",
            "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"{\\\"output\\\":\\\"a.txt\\\",\\\"metadata\\\":{\\\"exit_code\\\":0,\\\"duration_seconds\\\":0.1}}\"}",
            "{\"type\":\"message\",\"id\":null,\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"One file.\"}]}") + "\n";
        var source = TraceSource.FromBytes($"rollout-2025-08-14T09-30-00-{Id}.jsonl", Encoding.UTF8.GetBytes(text));

        var record = new CodexReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None).Record!;

        Assert.Equal("User:Prompt Assistant:Response Tool:ToolResult Assistant:Response", Kinds(record));
        Assert.Equal("local_shell", record.Messages[1].ToolCalls[0].Name);
        Assert.Equal("bare-jsonl", record.SourceMeta["generation"]);
        Assert.Equal(DateTimeOffset.Parse("2025-08-14T16:30:00Z"), record.StartedAt);
        Assert.Equal(record.StartedAt, record.EndedAt);
        Assert.Equal("main", record.GitBranch);
    }

    [Fact]
    public void TypeScript_era_document_with_chat_completions_items()
    {
        var json = $$"""
            {
              "session": { "id": "{{Id}}", "timestamp": "2025-05-02T17:11:12.000Z", "instructions": "" },
              "items": [
                { "role": "user", "content": [{ "type": "text", "text": "What does main.py do?" }] },
                { "role": "assistant", "content": null, "reasoning": "Read it first.", "tool_calls": [{ "id": "call_1", "type": "function", "function": { "name": "shell", "arguments": "{\"command\":[\"cat\",\"main.py\"]}" } }] },
                { "role": "tool", "tool_call_id": "call_1", "content": "print('hi')" },
                { "role": "assistant", "content": "It prints hi." }
              ]
            }
            """;
        var source = TraceSource.FromBytes($"rollout-2025-05-02-{Id}.json", Encoding.UTF8.GetBytes(json));

        var record = new CodexReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None).Record!;

        Assert.Equal("User:Prompt Assistant:Response Tool:ToolResult Assistant:Response", Kinds(record));
        Assert.Equal("Read it first.", record.Messages[1].ReasoningContent);
        Assert.Equal("typescript-json", record.SourceMeta["generation"]);
        Assert.Equal("It prints hi.", record.FinalAssistantMessage);
    }

    [Theory]
    [InlineData("{\"timestamp\":\"2025-11-20T21:05:09.100Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"x\"}}", RolloutFormat.Codex)]
    [InlineData("{\"id\":\"x\",\"timestamp\":\"2025-08-14T16:30:00.000Z\",\"instructions\":null}", RolloutFormat.Codex)]
    [InlineData("{\n  \"session\": {\"id\": \"x\"},\n  \"items\": []\n}", RolloutFormat.Codex)]
    [InlineData("{\"type\":\"summary\",\"summary\":\"t\",\"leafUuid\":\"u\"}", RolloutFormat.ClaudeCode)]
    [InlineData("{\"parentUuid\":null,\"isSidechain\":false,\"type\":\"user\",\"message\":{\"content\":\"", RolloutFormat.ClaudeCode)]
    [InlineData("{\"type\":\"file-history-snapshot\",\"messageId\":\"m\",\"snapshot\":{}}", RolloutFormat.ClaudeCode)]
    public void Detection_tells_formats_apart_from_the_first_bytes(string head, RolloutFormat expected)
    {
        var shape = JsonHead.Read(Encoding.UTF8.GetBytes(head))!;

        Assert.Equal(expected, FormatRegistry.All.Single(r => r.Recognizes(shape)).Format);
    }

    [Theory]
    [InlineData("{\"display\":\"hi\",\"pastedContents\":{},\"timestamp\":1762160400000,\"project\":\"/home/dev\"}")]
    [InlineData("{\"session_id\":\"x\",\"ts\":1762160400,\"text\":\"hi\"}")]
    [InlineData("[1,2,3]")]
    [InlineData("not json")]
    public void Detection_recognises_no_format_in_other_files(string head)
    {
        var shape = JsonHead.Read(Encoding.UTF8.GetBytes(head));

        Assert.True(shape is null || FormatRegistry.All.All(r => !r.Recognizes(shape)));
    }
}
