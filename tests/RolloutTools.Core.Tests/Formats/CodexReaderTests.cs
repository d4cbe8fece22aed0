using System.Text;
using RolloutTools.Core.Discovery;
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

        /// <summary>A 0.150+ user message whose content item carries its origin label.</summary>
        public Lines LabelledUser(string text, string kind) => Add("response_item",
            $"{{\"type\":\"message\",\"id\":\"msg_{_lines.Count:x4}\",\"role\":\"user\",\"content\":[{{\"type\":\"input_text\",\"text\":{ClaudeLines.Q(text)}}}],\"internal_chat_message_metadata_passthrough\":{{\"turn_id\":\"turn_1\",\"content_item_kinds\":[\"{kind}\"]}}}}");

        public Lines UserMessageEvent(string text) => Event($"{{\"type\":\"user_message\",\"message\":{ClaudeLines.Q(text)},\"images\":[],\"local_images\":[],\"text_elements\":[]}}");

        /// <summary>The 0.147+ form of a typed prompt: item_completed with a UserMessage item.</summary>
        public Lines UserItemCompleted(string text) => Event(
            $"{{\"type\":\"item_completed\",\"thread_id\":\"{Id}\",\"turn_id\":\"turn_1\",\"item\":{{\"type\":\"UserMessage\",\"id\":\"item_{_lines.Count}\",\"content\":[{{\"type\":\"text\",\"text\":{ClaudeLines.Q(text)},\"text_elements\":[]}}]}},\"started_at_ms\":1763672710000,\"completed_at_ms\":1763672710000}}");

        public Lines ExecEnd(string callId, int exitCode, long secs, long nanos) => Event(
            $"{{\"type\":\"exec_command_end\",\"call_id\":\"{callId}\",\"process_id\":\"41\",\"turn_id\":\"turn_1\",\"command\":[\"bash\",\"-lc\",\"make test\"],\"cwd\":\"/home/dev/acme-shop\",\"parsed_cmd\":[],\"source\":\"unified_exec_startup\",\"stdout\":\"\",\"stderr\":\"\",\"aggregated_output\":\"1 failed\\n\",\"exit_code\":{exitCode},\"duration\":{{\"secs\":{secs},\"nanos\":{nanos}}},\"formatted_output\":\"1 failed\\n\"}}");

        public Lines Call(string callId, string name, string arguments) => Add("response_item", $"{{\"type\":\"function_call\",\"name\":\"{name}\",\"arguments\":{ClaudeLines.Q(arguments)},\"call_id\":\"{callId}\"}}");

        public Lines Output(string callId, string output) => Add("response_item", $"{{\"type\":\"function_call_output\",\"call_id\":\"{callId}\",\"output\":{ClaudeLines.Q(output)}}}");

        public Lines Tokens(long input, long cached, long output, long reasoning, long totalInput) => Event(
            $"{{\"type\":\"token_count\",\"info\":{{\"total_token_usage\":{{\"input_tokens\":{totalInput},\"cached_input_tokens\":0,\"output_tokens\":0,\"reasoning_output_tokens\":0,\"total_tokens\":{totalInput}}},\"last_token_usage\":{{\"input_tokens\":{input},\"cached_input_tokens\":{cached},\"output_tokens\":{output},\"reasoning_output_tokens\":{reasoning},\"total_tokens\":{input + output}}},\"model_context_window\":272000}},\"rate_limits\":null}}");

        public ReadResult Read(string name = $"rollout-2025-11-20T14-05-09-{Id}.jsonl", ReadOptions? options = null)
        {
            var source = TraceSource.FromBytes($"/home/dev/.codex/sessions/2025/11/20/{name}", Encoding.UTF8.GetBytes(string.Join("\n", _lines) + "\n"));
            return new CodexReader().BeginScan(new[] { source }, CancellationToken.None, options).Read(source, CancellationToken.None);
        }
    }

    private static string Kinds(RolloutRecord record) => string.Join(" ", record.Messages.Select(m => $"{m.Role}:{m.Kind}"));

    private static string[] Texts(RolloutRecord record) => record.Messages.Select(m => m.Text).ToArray();

    private static (string? CallId, int? ExitCode, TimeSpan? Duration, bool? IsError)[] Outputs(RolloutRecord record) =>
        record.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => (m.ToolCallId, m.ExitCode, m.ToolDuration, m.IsError)).ToArray();

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
            .Assistant("One.").Tokens(100, 0, 10, 0, 100)
            .Reasoning("Unfinished thought")
            .User("Second")
            .Assistant("Two.")
            .Read().Record!;

        Assert.Equal("User:Prompt Assistant:Response Assistant:Response User:Prompt Assistant:Response", Kinds(record));
        Assert.Equal("Thinking about first.", record.Messages[1].ReasoningContent);
        // Reasoning no message took is a response of its own, at its own time, never the next response's.
        Assert.Equal(("Unfinished thought", ""), (record.Messages[2].ReasoningContent, record.Messages[2].Text));
        Assert.Equal(DateTimeOffset.Parse("2025-11-20T21:05:17Z"), record.Messages[2].Timestamp);
        Assert.Null(record.Messages[4].ReasoningContent);
    }

    [Fact]
    public void Reasoning_before_an_interruption_is_kept_with_the_request_that_wrote_it()
    {
        var record = new Lines()
            .Meta().Context()
            .User("Fix the rounding")
            .Assistant("Looking.").Tokens(1000, 200, 100, 50, 1000)
            .Reasoning("Rounding happens twice.")
            .Event("{\"type\":\"agent_reasoning\",\"text\":\"Rounding happens twice.\"}")
            .Tokens(1300, 800, 60, 10, 2300)
            .Event("{\"type\":\"turn_aborted\",\"reason\":\"interrupted\",\"turn_id\":\"turn_1\"}")
            .User("<turn_aborted>\nThe user interrupted the previous turn.\n</turn_aborted>")
            .Read().Record!;

        Assert.Equal("User:Prompt Assistant:Response Assistant:Response User:Interruption", Kinds(record));
        var interrupted = record.Messages[2];
        Assert.Equal("Rounding happens twice.", interrupted.ReasoningContent);
        Assert.Equal(new TokenUsage(500, 60, 800, 0), interrupted.Usage);
        Assert.Empty(record.UnlistedResponses);
        Assert.Equal(1L, record.SourceMeta["aborted_turns"]);
    }

    private static Lines RolledBack() => new Lines()
        .Meta().Context()
        .User("Add sales tax").UserMessageEvent("Add sales tax").Assistant("Added.").Tokens(1000, 0, 100, 0, 1000)
        .User("Now drop the tests").UserMessageEvent("Now drop the tests").Call("call_1", "shell", "{\"command\":[\"rm\",\"-r\",\"tests\"]}")
        .Tokens(1200, 1000, 20, 0, 2200).Output("call_1", "").Assistant("Dropped.").Tokens(1300, 1200, 10, 0, 3500)
        .Event("{\"type\":\"thread_rolled_back\",\"num_turns\":1}")
        .User("Round to cents").UserMessageEvent("Round to cents").Assistant("Rounded.").Tokens(1400, 1000, 30, 0, 4900);

    [Fact]
    public void Turns_a_rollback_took_back_leave_the_conversation_and_keep_their_tokens()
    {
        var record = RolledBack().Read().Record!;

        Assert.Equal(new[] { "Add sales tax", "Added.", "Round to cents", "Rounded." }, Texts(record));
        Assert.Equal(new[] { 1220L, 1310L }, record.UnlistedResponses.Select(r => r.Usage.Total));
        Assert.Equal(4900L, record.InputTokens + record.CacheReadTokens);
        Assert.Equal(1L, record.SourceMeta["rolled_back_turns"]);
    }

    [Fact]
    public void With_IncludeAbandoned_the_turns_a_rollback_took_back_are_kept_marked()
    {
        var record = RolledBack().Read(options: new ReadOptions { IncludeAbandoned = true }).Record!;

        Assert.Equal("User:Prompt Assistant:Response User:Prompt Assistant:Response Tool:ToolResult Assistant:Response User:Prompt Assistant:Response", Kinds(record));
        Assert.Equal(new[] { false, false, true, true, true, true, false, false }, record.Messages.Select(m => m.IsAbandoned));
        Assert.Empty(record.UnlistedResponses);
    }

    [Fact]
    public void A_forks_copy_of_its_parents_history_ends_where_the_fork_was_next_given_work_not_at_a_second_boundary()
    {
        const string parent = "0199a0b1-0000-7000-8000-000000000002";
        static string Line(string time, string type, string payload) => $"{{\"timestamp\":\"2025-11-20T{time}Z\",\"type\":\"{type}\",\"payload\":{payload}}}";
        static string Said(string role, string text) =>
            $"{{\"type\":\"message\",\"role\":\"{role}\",\"content\":[{{\"type\":\"{(role == "user" ? "input_text" : "output_text")}\",\"text\":\"{text}\"}}]}}";
        const string tokens = "{\"type\":\"token_count\",\"info\":{\"total_token_usage\":{\"input_tokens\":900,\"cached_input_tokens\":0,\"output_tokens\":90,\"total_tokens\":990},\"last_token_usage\":{\"input_tokens\":900,\"cached_input_tokens\":0,\"output_tokens\":90,\"total_tokens\":990}}}";
        var text = string.Join("\n",
            Line("02:00:00.900", "session_meta", $"{{\"id\":\"{Id}\",\"forked_from_id\":\"{parent}\",\"timestamp\":\"2025-11-20T02:00:00.800Z\",\"cwd\":\"/w\",\"source\":\"cli\"}}"),
            Line("02:00:00.950", "session_meta", $"{{\"id\":\"{parent}\",\"timestamp\":\"2025-11-20T01:00:00.000Z\",\"cwd\":\"/w\",\"source\":\"cli\"}}"),
            Line("02:00:00.960", "response_item", Said("user", "Parent prompt one")),
            Line("02:00:00.970", "event_msg", "{\"type\":\"user_message\",\"message\":\"Parent prompt one\"}"),
            Line("02:00:00.990", "response_item", Said("assistant", "Parent answer one")),
            Line("02:00:01.010", "event_msg", tokens),
            Line("02:00:01.020", "response_item", Said("user", "Parent prompt two")),
            Line("02:00:01.030", "event_msg", "{\"type\":\"user_message\",\"message\":\"Parent prompt two\"}"),
            Line("02:00:01.040", "response_item", Said("assistant", "Parent answer two")),
            Line("02:00:05.000", "turn_context", "{\"cwd\":\"/w\",\"model\":\"gpt-5.2-codex\"}"),
            Line("02:00:05.100", "response_item", Said("user", "Fork prompt")),
            Line("02:00:05.100", "event_msg", "{\"type\":\"user_message\",\"message\":\"Fork prompt\"}"),
            Line("02:00:06.000", "response_item", Said("assistant", "Fork answer"))) + "\n";
        var source = TraceSource.FromBytes($"rollout-2025-11-20T02-00-00-{Id}.jsonl", Encoding.UTF8.GetBytes(text));

        var record = new CodexReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None).Record!;

        Assert.Equal(new[] { "Fork prompt", "Fork answer" }, Texts(record));
        Assert.Equal("Fork prompt", record.Title);
        Assert.Equal(7L, record.SourceMeta["replayed_lines"]);
        // The copied token count after the copy's first second still counts, as ccusage counts it.
        Assert.Equal(990L, record.InputTokens + record.OutputTokens);
    }

    [Fact]
    public void A_paginated_fork_continues_the_record_of_the_thread_it_was_forked_from()
    {
        const string parent = "0199a0b1-0000-7000-8000-000000000002";
        var record = new Lines()
            .Meta($",\"forked_from_id\":\"{parent}\",\"history_mode\":\"paginated\",\"history_base\":{{\"thread_id\":\"{parent}\",\"end_ordinal_exclusive\":4,\"end_byte_offset\":2048}}")
            .Context()
            .User("Try it the other way")
            .Assistant("Tried.")
            .Read().Record!;

        Assert.Equal(Id, record.TraceId);
        Assert.Equal(parent, record.SourceMeta["continues"]);
        Assert.Equal(4L, record.SourceMeta["inherited_records"]);
        Assert.Equal(new[] { "Try it the other way", "Tried." }, Texts(record));
    }

    /// <summary>A worker's rollout (multi-agent v2): its session names the parent thread and the worker's path.</summary>
    private static Lines Worker() => new Lines()
        .Add("session_meta", $"{{\"id\":\"{Id}\",\"timestamp\":\"2025-11-20T21:05:09.100Z\",\"cwd\":\"/home/dev/acme-shop\",\"cli_version\":\"0.150.0\",\"source\":{{\"subagent\":{{\"thread_spawn\":{{\"parent_thread_id\":\"0199a0b1-0000-7000-8000-000000000001\",\"depth\":1,\"agent_path\":\"/root/worker\",\"agent_role\":\"worker\"}}}}}}}}")
        .Context();

    private static string Communication(string author, string recipient, string content) =>
        $"{{\"author\":\"{author}\",\"recipient\":\"{recipient}\",\"other_recipients\":[],\"content\":{ClaudeLines.Q(content)},\"trigger_turn\":true}}";

    [Fact]
    public void Messages_between_agents_are_agent_messages_not_the_models_answer()
    {
        var task = Communication("/root", "/root/worker", "Count the files under src/");
        var record = Worker()
            .Add("inter_agent_communication", task)
            .Add("response_item", $"{{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{{\"type\":\"output_text\",\"text\":{ClaudeLines.Q(task)}}}],\"phase\":\"commentary\"}}")
            .Add("response_item", "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"12 files.\"}],\"phase\":\"final_answer\"}")
            .Tokens(100, 0, 10, 0, 100)
            // A build that puts only the history item in, as a user message when it starts a task.
            .Add("response_item", $"{{\"type\":\"message\",\"role\":\"user\",\"content\":[{{\"type\":\"input_text\",\"text\":{ClaudeLines.Q(Communication("/root", "/root/worker", "Now count the tests"))}}}]}}")
            .Assistant("4 tests.")
            .Read().Record!;

        Assert.Equal("User:AgentMessage Assistant:Response User:AgentMessage Assistant:Response", Kinds(record));
        Assert.Equal(new[] { "Count the files under src/", "12 files.", "Now count the tests", "4 tests." }, Texts(record));
        Assert.Equal(new TokenUsage(100, 10, 0, 0), record.Messages[1].Usage);
        Assert.Equal("Count the files under src/", record.Title);
        Assert.Equal(1L, ((IReadOnlyDictionary<string, long>)record.SourceMeta["record_types"])["inter_agent_communication"]);
    }

    [Fact]
    public void A_spawned_agents_prompts_are_its_parents_words()
    {
        var record = Worker()
            .User("Count the files under src/")
            .UserMessageEvent("Count the files under src/")
            .Assistant("12 files.")
            .User("Now count the tests")
            .UserMessageEvent("Now count the tests")
            .Assistant("4 tests.")
            .Read().Record!;

        Assert.Equal("User:AgentMessage Assistant:Response User:AgentMessage Assistant:Response", Kinds(record));
        Assert.Equal("Count the files under src/", record.Title);
        Assert.True(record.IsSidechain);

        // Under multi-agent v2 the parent speaks in agent messages; user input in the worker's thread is a person's.
        var v2 = Worker()
            .Add("turn_context", "{\"cwd\":\"/home/dev/acme-shop\",\"model\":\"gpt-5-codex\",\"multi_agent_version\":\"v2\"}")
            .Add("response_item", "{\"type\":\"agent_message\",\"author\":\"/root\",\"recipient\":\"/root/worker\",\"content\":[{\"type\":\"input_text\",\"text\":\"Message Type: NEW_TASK\\nPayload:\\nCount the files\"}]}")
            .Assistant("12 files.")
            .User("Skip the vendor folder")
            .UserMessageEvent("Skip the vendor folder")
            .Assistant("9 files.")
            .Read().Record!;
        Assert.Equal("User:AgentMessage Assistant:Response User:Prompt Assistant:Response", Kinds(v2));
    }

    [Fact]
    public void Encrypted_agent_messages_show_that_something_was_said_not_the_ciphertext()
    {
        var record = new Lines()
            .Meta().Context()
            .User("Split the work")
            .Add("response_item", "{\"type\":\"agent_message\",\"author\":\"/root/worker\",\"recipient\":\"/root\",\"content\":[{\"type\":\"encrypted_content\",\"encrypted_content\":\"gAAAAABENCRYPTED\"}]}")
            .Add("inter_agent_communication", "{\"author\":\"/root/tester\",\"recipient\":\"/root\",\"other_recipients\":[],\"content\":\"\",\"encrypted_content\":\"gAAAAABOTHER\",\"trigger_turn\":false}")
            .Add("response_item", "{\"type\":\"agent_message\",\"author\":\"/root/tester\",\"recipient\":\"/root\",\"content\":[{\"type\":\"input_text\",\"text\":\"Message Type: MESSAGE\\nTask name: /root\\nSender: /root/tester\\nPayload:\\n\"},{\"type\":\"encrypted_content\",\"encrypted_content\":\"gAAAAABOTHER\"}]}")
            .Assistant("Both reported.")
            .Read().Record!;

        Assert.Equal("User:Prompt User:AgentMessage User:AgentMessage Assistant:Response", Kinds(record));
        Assert.Equal(new[] { "Split the work", "[encrypted]", "[encrypted]", "Both reported." }, Texts(record));
        Assert.DoesNotContain(record.Messages, m => m.Text.Contains("gAAAA", StringComparison.Ordinal));
    }

    [Fact]
    public void A_review_is_the_persons_command_and_the_prompt_codex_forwards_from_its_reviewer_is_not_theirs()
    {
        var record = new Lines()
            .Meta().Context()
            .User("Add sales tax").UserMessageEvent("Add sales tax").Assistant("Added.").Tokens(1000, 0, 100, 0, 1000)
            .Event("{\"type\":\"entered_review_mode\",\"target\":{\"type\":\"uncommittedChanges\"},\"user_facing_hint\":\"current changes\"}")
            .UserMessageEvent("Review the current code changes (staged, unstaged, and untracked files) and provide prioritized findings.")
            .Event("{\"type\":\"agent_reasoning\",\"text\":\"The reviewer reads the diff.\"}")
            .Tokens(500, 0, 50, 0, 500)
            .User("<user_action>\n  <context>User initiated a review task.</context>\n  <action>review</action>\n  <results>\n  No issues\n  </results>\n</user_action>\n")
            .Event("{\"type\":\"exited_review_mode\",\"review_output\":{\"findings\":[],\"overall_correctness\":\"patch is correct\",\"overall_explanation\":\"No issues\",\"overall_confidence_score\":0.9}}")
            .Assistant("No issues found.")
            .User("Thanks").UserMessageEvent("Thanks")
            .Read().Record!;

        Assert.Equal("User:Prompt Assistant:Response User:Command User:Context Assistant:Response User:Prompt", Kinds(record));
        Assert.Equal("/review current changes", record.Messages[2].Text);
        Assert.DoesNotContain(record.Messages, m => m.Text.StartsWith("Review the current", StringComparison.Ordinal) || m.ReasoningContent is not null);
        Assert.Equal(new[] { "Add sales tax", "Thanks" }, record.Messages.Where(m => m.Kind == MessageKind.Prompt).Select(m => m.Text));
        // The reviewer's tokens stay in the totals, as ccusage counts them, but in no message of this thread.
        Assert.Equal(1500L, record.InputTokens);
        Assert.Equal(500L, Assert.Single(record.UnlistedResponses).Usage.InputTokens);
    }

    [Fact]
    public void A_review_recorded_as_turn_items_is_one_command_and_its_forwarded_prompt_is_dropped()
    {
        var record = new Lines()
            .Meta().Context()
            .Event($"{{\"type\":\"item_completed\",\"thread_id\":\"{Id}\",\"turn_id\":\"turn_2\",\"item\":{{\"type\":\"EnteredReviewMode\",\"id\":\"review-mode-2\",\"target\":{{\"type\":\"custom\",\"instructions\":\"Check the tax code only\"}},\"user_facing_hint\":\"Check the tax code only\"}}}}")
            .Event("{\"type\":\"entered_review_mode\",\"target\":{\"type\":\"custom\",\"instructions\":\"Check the tax code only\"},\"user_facing_hint\":\"Check the tax code only\"}")
            .UserItemCompleted("Check the tax code only")
            .Event($"{{\"type\":\"item_completed\",\"thread_id\":\"{Id}\",\"turn_id\":\"turn_2\",\"item\":{{\"type\":\"ExitedReviewMode\",\"id\":\"review-mode-2-exit\",\"review\":\"No issues\"}}}}")
            .Assistant("No issues found.")
            .Read().Record!;

        Assert.Equal("User:Command Assistant:Response", Kinds(record));
        Assert.Equal("/review Check the tax code only", record.Messages[0].Text);
    }

    [Fact]
    public void A_prompt_event_of_another_thread_is_not_this_sessions_prompt()
    {
        var record = new Lines()
            .Meta().Context()
            .User("Add sales tax").UserItemCompleted("Add sales tax").Assistant("Added.")
            .Event("{\"type\":\"item_completed\",\"thread_id\":\"0199a0b1-0000-7000-8000-00000000000f\",\"turn_id\":\"turn_9\",\"item\":{\"type\":\"UserMessage\",\"id\":\"item_9\",\"content\":[{\"type\":\"text\",\"text\":\"Review the code changes introduced by commit 3f2a9c1.\"}]}}")
            .Read().Record!;

        Assert.Equal("User:Prompt Assistant:Response", Kinds(record));
    }

    [Fact]
    public void Injected_plugins_subagents_and_review_results_are_context_without_events()
    {
        var record = new Lines()
            .Meta().Context()
            .User("<plugins>\n- github\n</plugins>")
            .User("<subagents>\n- worker\n</subagents>")
            .User("Add sales tax")
            .Assistant("Added.")
            .User("<user_action>\n  <context>User initiated a review task, but was interrupted.</context>\n  <action>review</action>\n</user_action>")
            .Read().Record!;

        Assert.Equal("User:Context User:Context User:Prompt Assistant:Response User:Context", Kinds(record));
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
    public void Unknown_items_and_outputs_without_their_call_are_told_once_with_their_line()
    {
        var result = new Lines()
            .Meta().Context()
            .User("Patch it")
            .Add("response_item", "{\"type\":\"additional_tools\",\"role\":\"developer\",\"tools\":[{\"type\":\"function\",\"name\":\"x\"}]}")
            .Add("response_item", "{\"type\":\"future_text_item\",\"text\":\"Some new item\"}")
            .Output("call_gone", "ok")
            .Add("response_item", "{\"type\":\"future_text_item\",\"text\":\"Another\"}")
            .Output("call_gone_too", "ok")
            .Assistant("Done.")
            .Read();

        Assert.Collection(
            result.Diagnostics,
            d => Assert.Equal((5, true), (d.LineNumber!.Value, d.Message.EndsWith("a response item of type 'future_text_item' is not one this reader knows; left out (SourceMeta unknown_item_types).", StringComparison.Ordinal))),
            d => Assert.Equal((6, true), (d.LineNumber!.Value, d.Message.EndsWith("the output of call 'call_gone' answers no call before it, or one answered already; left out, with any others (SourceMeta orphan_tool_results).", StringComparison.Ordinal))));
        Assert.All(result.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Equal(new Dictionary<string, long> { ["future_text_item"] = 2 }, (IReadOnlyDictionary<string, long>)result.Record!.SourceMeta["unknown_item_types"]);
        Assert.Equal(2L, result.Record.SourceMeta["orphan_tool_results"]);
    }

    [Fact]
    public void Namespaced_tools_keep_their_namespace_as_codex_qualifies_them()
    {
        var record = new Lines()
            .Meta().Context()
            .User("Who am I on GitHub?")
            .Add("response_item", "{\"type\":\"function_call\",\"name\":\"get_me\",\"namespace\":\"mcp__github\",\"arguments\":\"{}\",\"call_id\":\"call_1\"}")
            .Add("response_item", "{\"type\":\"function_call\",\"name\":\"list_repos\",\"namespace\":\"mcp__github__\",\"arguments\":\"{}\",\"call_id\":\"call_2\"}")
            .Add("response_item", "{\"type\":\"function_call\",\"name\":\"spawn_agent\",\"namespace\":\"multi_agent_v1\",\"arguments\":\"{}\",\"call_id\":\"call_3\"}")
            .Call("call_4", "mcp__github__get_me", "{}")
            .Output("call_1", "octocat").Output("call_2", "[]").Output("call_3", "ok").Output("call_4", "octocat")
            .Read().Record!;

        Assert.Equal(
            new[] { "mcp__github__get_me", "mcp__github__list_repos", "multi_agent_v1__spawn_agent", "mcp__github__get_me" },
            record.Messages[1].ToolCalls.Select(c => c.Name));
        Assert.Equal("mcp__github__get_me", record.Messages[2].ToolName);
    }

    [Fact]
    public void A_rollout_read_without_its_thread_index_takes_the_last_name_it_records()
    {
        var record = new Lines()
            .Meta().Context()
            .User("Add sales tax").Assistant("Added.")
            .Event($"{{\"type\":\"thread_name_updated\",\"thread_id\":\"{Id}\",\"thread_name\":\"Tax\"}}")
            .Event($"{{\"type\":\"thread_name_updated\",\"thread_id\":\"{Id}\",\"thread_name\":\"Sales tax in the cart\"}}")
            .Event("{\"type\":\"thread_name_updated\",\"thread_id\":\"0199a0b1-0000-7000-8000-00000000000f\",\"thread_name\":\"Another thread\"}")
            .Read().Record!;

        Assert.Equal("Sales tax in the cart", record.Title);
        Assert.Equal("Sales tax in the cart", record.SourceMeta["thread_name"]);
    }

    [Fact]
    public void TypeScript_tool_calls_that_are_not_objects_are_counted_not_read_as_calls()
    {
        var json = $$"""
            {
              "session": { "id": "{{Id}}", "timestamp": "2025-04-20T10:00:00.000Z", "instructions": "" },
              "items": [
                { "role": "user", "content": [{ "type": "text", "text": "List the files" }] },
                { "role": "assistant", "content": "Listing.", "tool_calls": ["bad", { "id": "c1", "type": "function", "function": { "name": "shell", "arguments": "{}" } }] },
                { "role": "tool", "tool_call_id": "c1", "content": "a.txt" }
              ]
            }
            """;
        var source = TraceSource.FromBytes($"rollout-2025-04-20-{Id}.json", Encoding.UTF8.GetBytes(json));

        var record = new CodexReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None).Record!;

        Assert.Equal(new[] { "shell" }, record.Messages[1].ToolCalls.Select(c => c.Name));
        Assert.False(record.SourceMeta.ContainsKey("unanswered_tool_calls"));
        Assert.Equal(new Dictionary<string, long> { ["tool_calls entry that is not an object"] = 1 }, (IReadOnlyDictionary<string, long>)record.SourceMeta["unknown_item_types"]);
    }

    [Fact]
    public void User_message_events_decide_which_user_items_are_prompts()
    {
        var record = new Lines()
            .Meta().Context()
            .User("<environment_context>\n  <cwd>/home/dev/acme-shop</cwd>\n</environment_context>")
            .Event("{\"type\":\"user_message\",\"message\":\"<environment_context>\\n  <cwd>/home/dev/acme-shop</cwd>\\n</environment_context>\",\"kind\":\"environment_context\"}")
            .User("Files you may edit: cart.py, tax.py")
            .User("Add sales tax to the cart total")
            .UserMessageEvent("Add sales tax to the cart total")
            .Assistant("Added a tax rate to total().")
            .UserMessageEvent("Also round to cents")
            .Assistant("Rounded with Decimal.quantize.")
            .User("<turn_aborted>\nThe user interrupted the previous turn.\n</turn_aborted>")
            .Read().Record!;

        Assert.Equal("User:Context User:Context User:Prompt Assistant:Response User:Prompt Assistant:Response User:Interruption", Kinds(record));
        Assert.Equal(
            new[]
            {
                "<environment_context>\n  <cwd>/home/dev/acme-shop</cwd>\n</environment_context>", "Files you may edit: cart.py, tax.py",
                "Add sales tax to the cart total", "Added a tax rate to total().", "Also round to cents", "Rounded with Decimal.quantize.",
                "<turn_aborted>\nThe user interrupted the previous turn.\n</turn_aborted>",
            },
            Texts(record));
        Assert.Equal(DateTimeOffset.Parse("2025-11-20T21:05:18Z"), record.Messages[4].Timestamp);
        Assert.Equal("Add sales tax to the cart total", record.Title);
    }

    [Fact]
    public void Item_completed_user_messages_match_their_items_in_either_order_and_once_each()
    {
        var record = new Lines()
            .Meta().Context()
            .User("# AGENTS.md instructions for /home/dev/acme-shop\n\n<INSTRUCTIONS>Run make test.</INSTRUCTIONS>")
            .User("Skill loaded: csv-tools")
            .User("yes")
            .UserItemCompleted("yes")
            .Assistant("Applied.")
            .UserItemCompleted("yes")
            .User("yes")
            .Assistant("Applied again.")
            .Add("response_item", "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"<image name=[Image #1]>\"},{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,iVBORw0KGgo=\"},{\"type\":\"input_text\",\"text\":\"</image>\"},{\"type\":\"input_text\",\"text\":\"What is wrong here?\"}]}")
            .UserItemCompleted("What is wrong here?")
            .Read().Record!;

        Assert.Equal("User:Context User:Context User:Prompt Assistant:Response User:Prompt Assistant:Response User:Prompt", Kinds(record));
        Assert.Equal(
            new[]
            {
                "# AGENTS.md instructions for /home/dev/acme-shop\n\n<INSTRUCTIONS>Run make test.</INSTRUCTIONS>", "Skill loaded: csv-tools",
                "yes", "Applied.", "yes", "Applied again.", "What is wrong here?",
            },
            Texts(record));
        // The tags Codex puts around an attached image are not the prompt's words; the image is.
        Assert.Equal(new[] { ContentBlockType.Image, ContentBlockType.Text }, record.Messages[6].Content.Select(b => b.Type));
        // The second "yes" event came before its item; the item stands, at its own time.
        Assert.Equal(DateTimeOffset.Parse("2025-11-20T21:05:18Z"), record.Messages[4].Timestamp);
    }

    [Fact]
    public void Content_item_kinds_say_which_user_items_a_person_typed()
    {
        var record = new Lines()
            .Meta().Context()
            .LabelledUser("Repository rules: keep functions small.", "agents_md.instructions")
            .LabelledUser("Ticket ACME-12 is assigned to you.", "hooks.additional_context")
            .LabelledUser("Split the CSV importer", "user.text")
            .Assistant("Split it into reader and mapper.")
            .LabelledUser("<turn_aborted>\nThe user interrupted the previous turn.\n</turn_aborted>", "generic.turn_aborted")
            .Read().Record!;

        Assert.Equal("User:Context User:Context User:Prompt Assistant:Response User:Interruption", Kinds(record));
        Assert.Equal("Split the CSV importer", record.Title);
    }

    [Fact]
    public void IDE_extension_prompts_become_the_editor_context_then_the_request()
    {
        const string typed = "# Context from my IDE setup:\n\n## Active file: src/cart.py\n\n## Open tabs:\n- cart.py: src/cart.py\n- tax.py: src/tax.py\n\n## My request for Codex:\nAdd sales tax to the cart total\n";
        var record = new Lines()
            .Meta().Context()
            .User(typed)
            .UserMessageEvent(typed)
            .Assistant("Added a tax rate to total().")
            .UserMessageEvent("# Context from my IDE setup:\n\n## Active file: src/tax.py\n\n## My request for Codex:\nNow round to cents")
            .Read().Record!;

        Assert.Equal("User:Context User:Prompt Assistant:Response User:Context User:Prompt", Kinds(record));
        Assert.Equal(
            new[]
            {
                "# Context from my IDE setup:\n\n## Active file: src/cart.py\n\n## Open tabs:\n- cart.py: src/cart.py\n- tax.py: src/tax.py",
                "Add sales tax to the cart total", "Added a tax rate to total().",
                "# Context from my IDE setup:\n\n## Active file: src/tax.py", "Now round to cents",
            },
            Texts(record));
        Assert.Equal("Add sales tax to the cart total", record.Title);
    }

    [Fact]
    public void Desktop_app_prompts_become_what_the_app_attached_then_the_request()
    {
        const string apps = "\n# Applications mentioned by the user:\n\n[@Google Drive](plugin://google-drive@openai-curated)\n\n## My request:\nFind the tax report\n";
        const string files = "# Files mentioned by the user:\n\n## screenshot.png: /home/dev/screenshot.png\n\n## My request for Codex:\nWhy does the total overflow?";
        var record = new Lines()
            .Meta().Context()
            .LabelledUser(apps, "user.text")
            .UserItemCompleted(apps)
            .Assistant("Found it in Drive.")
            .User(files)
            .UserMessageEvent(files)
            .Assistant("The column is too narrow.")
            .User("## My request: is a heading I like\n\nKeep it as typed")
            .UserMessageEvent("## My request: is a heading I like\n\nKeep it as typed")
            .Read().Record!;

        Assert.Equal("User:Context User:Prompt Assistant:Response User:Context User:Prompt Assistant:Response User:Prompt", Kinds(record));
        Assert.Equal(
            new[]
            {
                "\n# Applications mentioned by the user:\n\n[@Google Drive](plugin://google-drive@openai-curated)", "Find the tax report",
                "Found it in Drive.", "# Files mentioned by the user:\n\n## screenshot.png: /home/dev/screenshot.png",
                "Why does the total overflow?", "The column is too narrow.", "## My request: is a heading I like\n\nKeep it as typed",
            },
            Texts(record));
        Assert.Equal("Find the tax report", record.Title);
    }

    [Fact]
    public void TypeScript_notices_are_synthetic_not_model_output()
    {
        var json = $$"""
            {
              "session": { "id": "{{Id}}", "timestamp": "2025-05-02T17:11:12.000Z", "instructions": "" },
              "items": [
                { "id": "msg_01", "type": "message", "role": "user", "content": [{ "type": "input_text", "text": "What does main.py do?" }] },
                { "id": "msg_02", "type": "message", "role": "assistant", "content": [{ "type": "output_text", "text": "It prints hi." }] },
                { "id": "switch-model-1746205912000", "type": "message", "role": "system", "content": [{ "type": "input_text", "text": "Switched model to o3" }] },
                { "role": "assistant", "content": [{ "type": "text", "text": "Switched approval mode to full-auto" }] },
                { "id": "msg_03", "type": "message", "role": "user", "content": [{ "type": "input_text", "text": "Now add a test" }] }
              ]
            }
            """;
        var source = TraceSource.FromBytes($"rollout-2025-05-02-{Id}.json", Encoding.UTF8.GetBytes(json));

        var record = new CodexReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None).Record!;

        Assert.Equal("User:Prompt Assistant:Response System:Synthetic Assistant:Synthetic User:Prompt", Kinds(record));
        Assert.Equal(new[] { "What does main.py do?", "It prints hi.", "Switched model to o3", "Switched approval mode to full-auto", "Now add a test" }, Texts(record));
        Assert.All(record.Messages.Where(m => m.Kind == MessageKind.Synthetic), m => Assert.Equal((null, null), (m.Model, m.Usage)));
        Assert.Equal("It prints hi.", record.FinalAssistantMessage);
    }

    [Fact]
    public void Commands_that_did_not_run_to_their_end_are_errors_with_the_exit_code_codex_wrote()
    {
        var record = new Lines()
            .Meta().Context()
            .User("Touch the config, then build")
            .Call("call_1", "shell", "{\"command\":[\"touch\",\"/etc/acme.conf\"]}")
            .Call("call_2", "shell", "{\"command\":[\"make\",\"build\"],\"timeout_ms\":10000}")
            .Call("call_3", "shell", "{\"command\":[\"mkae\"]}")
            .Call("call_4", "shell", "{\"command\":[\"git\",\"push\"]}")
            .Call("call_5", "shell", "{\"command\":[\"ls\"]}")
            .Output("call_1", "failed in sandbox MacosSeatbelt with execution error: sandbox denied exec error, exit code: 1, stdout: , stderr: touch: /etc/acme.conf: Operation not permitted\n")
            .Output("call_2", "command timed out after 10000 milliseconds")
            .Output("call_3", "execution error: Io(Os { code: 2, kind: NotFound, message: \"No such file or directory\" })")
            .Output("call_4", "exec command rejected by user")
            .Output("call_5", "cart.py\ntax.py\n")
            .Assistant("The sandbox blocked /etc; the build timed out.")
            .Read().Record!;

        Assert.Equal("User:Prompt Assistant:Response Tool:ToolResult Tool:ToolResult Tool:ToolResult Tool:ToolResult Tool:ToolResult Assistant:Response", Kinds(record));
        Assert.Equal(
            new (string?, int?, TimeSpan?, bool?)[]
            {
                ("call_1", 1, null, true), ("call_2", 124, null, true), ("call_3", null, null, true), ("call_4", null, null, true), ("call_5", null, null, false),
            },
            Outputs(record));
        Assert.Equal("command timed out after 10000 milliseconds", record.Messages[3].Text);
    }

    [Fact]
    public void A_still_running_command_takes_its_exit_code_and_duration_from_the_later_end_event()
    {
        var record = new Lines()
            .Meta().Context()
            .User("Run the tests")
            .Call("call_exec", "exec_command", "{\"cmd\":\"make test\",\"yield_time_ms\":10000}")
            .Output("call_exec", "Chunk ID: 3f1a2b\nWall time: 10.0021 seconds\nProcess running with session ID 41\nOriginal token count: 3\nOutput:\nrunning 12 tests\n")
            .Call("call_poll", "write_stdin", "{\"session_id\":41,\"chars\":\"\",\"yield_time_ms\":30000}")
            .ExecEnd("call_exec", 1, 42, 500_000_000)
            .Output("call_poll", "Chunk ID: 9c0d4e\nWall time: 32.4100 seconds\nProcess exited with code 1\nOriginal token count: 2\nOutput:\n1 failed\n")
            .Assistant("One test fails.")
            .Read().Record!;

        Assert.Equal("User:Prompt Assistant:Response Tool:ToolResult Assistant:Response Tool:ToolResult Assistant:Response", Kinds(record));
        Assert.Equal(
            new (string?, int?, TimeSpan?, bool?)[] { ("call_exec", 1, TimeSpan.FromSeconds(42.5), true), ("call_poll", 1, TimeSpan.FromTicks(324_100_000), true) },
            Outputs(record));
    }

    [Fact]
    public void Web_search_calls_take_their_id_and_query_from_the_end_event_before_them()
    {
        var record = new Lines()
            .Meta().Context()
            .User("Look up the tax rates")
            .Event("{\"type\":\"web_search_end\",\"call_id\":\"ws_0a1b2c\",\"query\":\"sales tax rates 2025\",\"action\":{\"type\":\"search\",\"query\":\"sales tax rates 2025\"}}")
            .Add("response_item", "{\"type\":\"web_search_call\",\"status\":\"completed\",\"action\":{\"type\":\"search\"}}")
            .Event("{\"type\":\"web_search_end\",\"call_id\":\"ws_3d4e5f\",\"query\":\"https://tax.example.test/rates\",\"action\":{\"type\":\"open_page\",\"url\":\"https://tax.example.test/rates\"}}")
            .Add("response_item", "{\"type\":\"web_search_call\",\"status\":\"completed\"}")
            .Add("response_item", "{\"type\":\"web_search_call\",\"status\":\"completed\",\"action\":{\"type\":\"search\",\"query\":\"vat rates\"}}")
            .Assistant("Rates found.")
            .Read().Record!;

        Assert.Equal(
            "User:Prompt Assistant:Response Tool:ToolResult Assistant:Response Tool:ToolResult Assistant:Response Tool:ToolResult Assistant:Response",
            Kinds(record));
        Assert.Equal(
            new[]
            {
                new ToolCall("ws_0a1b2c", "web_search", "{\"type\":\"search\",\"query\":\"sales tax rates 2025\"}"),
                new ToolCall("ws_3d4e5f", "web_search", "{\"type\":\"open_page\",\"url\":\"https://tax.example.test/rates\",\"query\":\"https://tax.example.test/rates\"}"),
                new ToolCall("web_search_1", "web_search", "{\"type\":\"search\",\"query\":\"vat rates\"}"),
            },
            record.Messages.SelectMany(m => m.ToolCalls));
        Assert.Equal(new[] { "ws_0a1b2c", "ws_3d4e5f", "web_search_1" }, Outputs(record).Select(o => o.CallId));
        Assert.Equal(new[] { "web search completed", "web search completed", "web search completed" }, record.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.Text));
    }

    [Fact]
    public void A_prompt_of_a_pasted_image_alone_is_the_persons_prompt()
    {
        const string image = "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"<image name=[Image #1]>\"},{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,iVBORw0KGgo=\"},{\"type\":\"input_text\",\"text\":\"</image>\"}]}";
        var record = new Lines()
            .Meta().Context()
            .User("Fix the layout")
            .UserMessageEvent("Fix the layout")
            .Assistant("Which page?")
            .Add("response_item", image)
            .Event("{\"type\":\"user_message\",\"message\":\"\",\"images\":[],\"local_images\":[\"/home/dev/shot.png\"],\"text_elements\":[]}")
            .Assistant("The cart page; the total overflows.")
            .Add("response_item", image)
            .Event($"{{\"type\":\"item_completed\",\"thread_id\":\"{Id}\",\"item\":{{\"type\":\"UserMessage\",\"id\":\"u2\",\"content\":[{{\"type\":\"local_image\",\"path\":\"/home/dev/shot2.png\"}}]}}}}")
            .Assistant("Still overflowing on mobile.")
            .Read().Record!;

        Assert.Equal("User:Prompt Assistant:Response User:Prompt Assistant:Response User:Prompt Assistant:Response", Kinds(record));
        Assert.All(new[] { record.Messages[2], record.Messages[4] }, m => Assert.Equal("iVBORw0KGgo=", Assert.Single(m.Content).Data));
    }

    [Fact]
    public void A_prompt_given_by_voice_names_its_audio_and_is_read_once()
    {
        var record = new Lines()
            .Meta().Context()
            .Add("response_item", "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"What does this say?\"},{\"type\":\"input_audio\",\"audio_url\":\"data:audio/wav;base64,UklGRiQAAABXQVZF\"}]}")
            .UserMessageEvent("What does this say?")
            .Call("call_1", "transcribe", "{}")
            .Add("response_item", "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":[{\"type\":\"input_text\",\"text\":\"clip:\"},{\"type\":\"input_audio\",\"audio_url\":\"https://cdn.example.test/a.mp3\"}]}")
            .Assistant("It says hello.")
            .Read().Record!;

        Assert.Equal("User:Prompt Assistant:Response Tool:ToolResult Assistant:Response", Kinds(record));
        Assert.Equal("What does this say?\n\n[audio: audio/wav, 0.0 KB]", record.Messages[0].Text);
        Assert.Equal("clip:\n\n[audio: https://cdn.example.test/a.mp3]", record.Messages[2].Text);
    }

    [Fact]
    public void A_voice_conversation_keeps_what_the_person_said_and_what_was_said_back()
    {
        var record = new Lines()
            .Meta().Context()
            .Add("realtime_item", "{\"id\":\"rt_1\",\"realtime_session_id\":\"voice-1\",\"type\":\"realtime_session_started\"}")
            .Add("realtime_item", "{\"id\":\"rt_2\",\"realtime_session_id\":\"voice-1\",\"type\":\"transcript_segment\",\"role\":\"user\",\"text\":\"Check why the build fails\"}")
            .Add("realtime_item", "{\"id\":\"rt_3\",\"realtime_session_id\":\"voice-1\",\"type\":\"transcript_segment\",\"role\":\"assistant\",\"text\":\"Looking at it now.\"}")
            .Call("call_1", "exec_command", "{\"cmd\":\"make\"}")
            .Output("call_1", "Exit code: 2")
            .Assistant("The linker cannot find libtax.")
            .Tokens(100, 0, 10, 0, 100)
            .Add("realtime_item", "{\"id\":\"rt_4\",\"realtime_session_id\":\"voice-1\",\"type\":\"realtime_session_closed\"}")
            .Read().Record!;

        Assert.Equal("User:Prompt Assistant:Response Assistant:Response Tool:ToolResult Assistant:Response", Kinds(record));
        Assert.Equal(new[] { "Check why the build fails", "Looking at it now." }, Texts(record).Take(2));
        Assert.Null(record.Messages[1].Usage);
        Assert.Equal(new TokenUsage(100, 10, 0, 0), record.Messages[4].Usage);
        Assert.Equal("Check why the build fails", record.Title);
    }

    [Fact]
    public void A_hooks_prompt_is_context_and_an_interruption_written_as_a_developer_message_is_one()
    {
        var record = new Lines()
            .Meta().Context()
            .User("Add a test for rounding")
            .Assistant("Added.")
            .User("<hook_prompt hook_run_id=\"hook-run-1\">Run the whole suite before you stop.</hook_prompt>")
            .Assistant("Suite passes.")
            .Developer("<turn_aborted>\nThe user interrupted the previous turn on purpose.\n</turn_aborted>")
            .Read().Record!;

        Assert.Equal("User:Prompt Assistant:Response User:Context Assistant:Response System:Interruption", Kinds(record));
    }

    [Fact]
    public void Image_generation_keeps_the_prompt_it_drew_from_and_a_server_tool_search_its_output()
    {
        var read = new Lines()
            .Meta().Context()
            .User("Draw the logo, then find a tool for GitHub")
            .Add("response_item", "{\"type\":\"image_generation_call\",\"id\":\"ig_1\",\"status\":\"completed\",\"revised_prompt\":\"A flat green shopping cart logo\",\"result\":\"iVBORw0KGgo=\"}")
            .Add("response_item", "{\"type\":\"tool_search_call\",\"id\":\"tsc_1\",\"execution\":\"server\",\"status\":\"completed\",\"arguments\":{\"query\":\"github\"}}")
            .Add("response_item", "{\"type\":\"tool_search_output\",\"id\":\"tso_1\",\"execution\":\"server\",\"status\":\"completed\",\"tools\":[{\"type\":\"namespace\",\"name\":\"mcp__github\"}]}")
            .Add("response_item", "{\"type\":\"tool_search_call\",\"id\":\"tsc_2\",\"call_id\":\"call_s\",\"execution\":\"client\",\"arguments\":{\"query\":\"jira\"}}")
            .Add("response_item", "{\"type\":\"tool_search_output\",\"call_id\":\"call_s\",\"execution\":\"client\",\"status\":\"completed\",\"tools\":[]}")
            .Assistant("Done.")
            .Read();

        var record = read.Record!;
        var calls = record.Messages.SelectMany(m => m.ToolCalls).ToArray();
        Assert.Equal(new ToolCall("ig_1", "image_generation", "{\"revised_prompt\":\"A flat green shopping cart logo\"}"), calls[0]);
        Assert.Equal(new[] { "ig_1", "tsc_1", "call_s" }, calls.Select(c => c.Id));
        Assert.Equal(new[] { "ig_1", "tsc_1", "call_s" }, Outputs(record).Select(o => o.CallId));
        Assert.Contains("mcp__github", record.Messages.Single(m => m.ToolCallId == "tsc_1").Text);
        Assert.Empty(read.Diagnostics);
    }

    /// <summary>A turn of two requests where only the first wrote a message, a model change, then a /compact.</summary>
    private static Lines TwoRequestsAndACompaction() => new Lines()
        .Meta().Context()
        .User("Fix the tax rounding.").Assistant("Done.").Tokens(100, 0, 10, 0, 100)
        .Tokens(200, 100, 20, 0, 300)
        .Context(model: "gpt-5.1-codex").User("Thanks").Assistant("Welcome.").Tokens(50, 0, 5, 0, 350)
        .Context(model: "gpt-5.1-codex").Tokens(400, 0, 40, 0, 750)
        .Add("compacted", "{\"message\":\"Summary: rounding fixed.\"}");

    [Fact]
    public void A_request_without_a_message_of_its_own_counts_at_its_own_time_and_model()
    {
        var record = TwoRequestsAndACompaction().Read().Record!;

        var unlisted = Assert.Single(record.UnlistedResponses);
        Assert.Equal(new TokenUsage(100, 20, 100, 0), unlisted.Usage);
        Assert.Equal("gpt-5-codex", unlisted.Model);
        Assert.Equal(DateTimeOffset.Parse("2025-11-20T21:05:15Z"), unlisted.Timestamp);
        Assert.Equal("gpt-5.1-codex", record.Messages.Single(m => m.Kind == MessageKind.CompactionSummary).Model);
        // Nothing is left for a usage report to put at the session's end.
        Assert.Equal(record.Usage, record.Messages.Aggregate(unlisted.Usage, (sum, m) => sum + (m.Usage ?? default)));
    }

    [Fact]
    public void A_usage_read_passes_over_the_conversation_and_keeps_every_request_at_its_time_and_model()
    {
        var full = TwoRequestsAndACompaction().Read().Record!;
        var usage = TwoRequestsAndACompaction().Read(options: new ReadOptions { UsageOnly = true }).Record!;

        Assert.True(usage.ListsResponsesOnly);
        Assert.False(full.ListsResponsesOnly);
        Assert.DoesNotContain(usage.Messages, m => m.Kind is MessageKind.Prompt or MessageKind.Response);
        Assert.Equal(full.Usage, usage.Usage);
        Assert.Equal(Id, usage.RootSessionId);
        Assert.Equal(full.ProjectPath, usage.ProjectPath);
        // The two responses with messages become requests of their own, at their token events' times and models.
        Assert.Equal(
            new[] { ("gpt-5-codex", 110L), ("gpt-5-codex", 220L), ("gpt-5.1-codex", 55L) },
            usage.UnlistedResponses.Select(r => (r.Model!, r.Usage.Total)).ToArray());
        Assert.Equal(440L, usage.Messages.Single(m => m.Kind == MessageKind.CompactionSummary).Usage!.Value.Total);
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

        Assert.Equal(expected, FormatDetector.MostConfident(shape, FormatRegistry.Default.All)!.Format);
    }

    [Theory]
    [InlineData("{\"display\":\"hi\",\"pastedContents\":{},\"timestamp\":1762160400000,\"project\":\"/home/dev\"}")]
    [InlineData("{\"session_id\":\"x\",\"ts\":1762160400,\"text\":\"hi\"}")]
    [InlineData("[1,2,3]")]
    [InlineData("not json")]
    public void Detection_recognises_no_format_in_other_files(string head)
    {
        var shape = JsonHead.Read(Encoding.UTF8.GetBytes(head));

        Assert.True(shape is null || FormatDetector.MostConfident(shape, FormatRegistry.Default.All) is null);
    }
}
