using RolloutTools.Core.Export;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// How the conversation of a Claude Code file is rebuilt from its tree of lines: what is on the path, what
/// was abandoned, how a response's lines come together, and which user text is a person's words.
/// </summary>
public sealed class ClaudeConversationTests
{
    private static RolloutRecord Record(ClaudeLines lines, ReadOptions? options = null)
    {
        var result = lines.Read(options: options);
        Assert.True(result.Record is not null, $"no record: {result.SkipReason} {string.Join("; ", result.Diagnostics)}");
        return result.Record!;
    }

    private static string Kinds(RolloutRecord record) => string.Join(" ", record.Messages.Select(m => m.Kind));

    private static void AssertTimesInOrder(RolloutRecord record)
    {
        var times = record.Messages.Select(m => m.Timestamp).OfType<DateTimeOffset>().ToArray();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public void A_parent_never_written_is_bridged_to_the_line_before_and_the_first_prompt_stays()
    {
        var record = Record(new ClaudeLines()
            .User("u1", null, "Add EU shipping rates")
            .Text("a1", "u1", "msg_01A", "Looking at the rate loader.")
            // The streamed block this line names was never flushed to the file.
            .ToolUse("a2", "a1-unflushed", "msg_01B", "toolu_01", "Read", "{\"file_path\":\"/home/dev/acme-shop/rates.ts\"}")
            .ToolResult("u2", "a2", "toolu_01", "\"export const rates = {}\"")
            .Text("a3", "u2", "msg_01C", "The table is empty."));

        Assert.Equal("Prompt Response Response ToolResult Response", Kinds(record));
        Assert.Equal("Add EU shipping rates", record.Title);
        Assert.Equal(record.Messages[0].Timestamp, record.StartedAt);
        Assert.Equal(1L, record.SourceMeta["bridged_gaps"]);
        Assert.False(record.SourceMeta.ContainsKey("abandoned_entries"));
        Assert.False(record.SourceMeta.ContainsKey("segments"));
    }

    [Fact]
    public void A_compaction_boundary_pointing_to_an_unwritten_entry_keeps_the_history_before_it()
    {
        var record = Record(new ClaudeLines()
            .User("u1", null, "Refactor the cart")
            .Text("a1", "u1", "msg_01A", "Refactored.")
            .Progress("p1", "a1", "hook_progress")
            .System("s1", null, "compact_boundary", ",\"content\":\"Conversation compacted\",\"logicalParentUuid\":\"pre-compaction-tip\",\"compactMetadata\":{\"trigger\":\"auto\",\"preTokens\":155000}")
            .User("u2", "s1", "This session is being continued from a previous conversation that ran out of context.", ",\"isCompactSummary\":true")
            .User("u3", "u2", "Now add tests")
            .Text("a2", "u3", "msg_01B", "Added."));

        Assert.Equal("Prompt Response CompactionSummary Prompt Response", Kinds(record));
        Assert.Equal(1L, record.SourceMeta["bridged_gaps"]);
        Assert.False(record.SourceMeta.ContainsKey("abandoned_entries"));
    }

    [Fact]
    public void A_fresh_root_mid_file_starts_a_segment_and_the_earlier_one_stays()
    {
        var record = Record(new ClaudeLines()
            .User("u1", null, "Plan the migration to the new rate API")
            .Text("a1", "u1", "msg_01A", "Here is the plan: 1. … 2. …")
            // Accepting a plan with a cleared context starts a new chain in the same file.
            .User("u2", null, "Implement the following plan:\n\n1. … 2. …")
            .Text("a2", "u2", "msg_01B", "Implementing step 1."));

        Assert.Equal("Prompt Response Prompt Response", Kinds(record));
        Assert.Equal(2L, record.SourceMeta["segments"]);
        Assert.False(record.SourceMeta.ContainsKey("abandoned_entries"));
        Assert.Equal("Plan the migration to the new rate API", record.Title);
    }

    [Fact]
    public void Only_a_branch_that_lost_to_a_later_sibling_is_abandoned_and_can_be_kept_marked()
    {
        var lines = new ClaudeLines()
            .User("u1", null, "Add a test")
            .Text("a1", "u1", "msg_01A", "Which framework?")
            .User("u2", "a1", "pytest")
            .ToolUse("a2", "u2", "msg_01B", "toolu_01", "Write", "{\"file_path\":\"/home/dev/acme-shop/test_cart.py\"}")
            .ToolResult("u3", "a2", "toolu_01", "\"written\"")
            // Rewound to a1: a second child of the same parent.
            .User("u4", "a1", "unittest, please")
            .Text("a3", "u4", "msg_01C", "Done with unittest.");

        var active = Record(lines);
        Assert.Equal(new[] { "Add a test", "Which framework?", "unittest, please", "Done with unittest." }, active.Messages.Select(m => m.Text));
        Assert.Equal(3L, active.SourceMeta["abandoned_entries"]);
        Assert.DoesNotContain(active.Messages, m => m.IsAbandoned);

        var all = Record(lines, new ReadOptions { IncludeAbandoned = true });
        Assert.Equal("Prompt Response Prompt Response ToolResult Prompt Response", Kinds(all));
        Assert.Equal(new[] { false, false, true, true, true, false, false }, all.Messages.Select(m => m.IsAbandoned));
        Assert.Equal(3L, all.SourceMeta["abandoned_entries"]);

        // A dataset is the conversation the session went on with.
        var (messages, rejection) = ChatConversation.Prepare(all);
        Assert.Null(rejection);
        Assert.Equal(new[] { "Add a test", "Which framework?", "unittest, please", "Done with unittest." }, messages.Select(m => m.Text));
    }

    [Fact]
    public void A_prompt_queued_inside_a_response_waits_for_its_results_and_does_not_split_it()
    {
        var record = Record(new ClaudeLines { Version = "2.1.236" }
            .User("u1", null, "Run the tests")
            .Text("a1", "u1", "msg_01A", "Running them now.")
            .Queue("enqueue", "and lint too")
            .Attachment("q1", "a1", "{\"type\":\"queued_command\",\"prompt\":\"and lint too\",\"commandMode\":\"prompt\"}")
            .ToolUse("a2", "q1", "msg_01A", "toolu_01", "Bash", "{\"command\":\"npm test\"}")
            .ToolResult("u2", "a2", "toolu_01", "\"12 passed\"")
            .Text("a3", "u2", "msg_01B", "All 12 pass; linting next."));

        Assert.Equal("Prompt Response ToolResult QueuedPrompt Response", Kinds(record));
        var response = record.Messages[1];
        Assert.Equal("Running them now.", response.Text);
        Assert.Equal("toolu_01", Assert.Single(response.ToolCalls).Id);
        Assert.Equal("and lint too", record.Messages[3].Text);
        AssertTimesInOrder(record);
    }

    [Fact]
    public void Queued_command_attachments_say_who_spoke_and_keep_their_images()
    {
        var record = Record(new ClaudeLines { Version = "2.1.285" }
            .User("u1", null, "Audit the services")
            .Text("a1", "u1", "msg_01A", "Delegating.")
            // A peer's hand-back, a finished task's notice and a person's words with a screenshot, all absorbed mid-turn.
            .Attachment("q1", "a1", "{\"type\":\"queued_command\",\"commandMode\":\"prompt\",\"prompt\":\"Another Claude session sent a message:\\n<agent-message from=\\\"a1b2\\\">\\nAll services audited.\\n</agent-message>\",\"origin\":{\"kind\":\"peer\",\"from\":\"a1b2\"}}")
            .Attachment("q2", "q1", "{\"type\":\"queued_command\",\"commandMode\":\"prompt\",\"prompt\":\"<task-notification>\\n<task-id>b7</task-id>\\n<status>failed</status>\\n</task-notification>\"}")
            .Attachment("q3", "q2", "{\"type\":\"queued_command\",\"commandMode\":\"prompt\",\"prompt\":[{\"type\":\"text\",\"text\":\"and check this screenshot\"},{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo\"}}],\"origin\":{\"kind\":\"human\"}}")
            .Text("a2", "q3", "msg_01B", "Noted all three."));

        Assert.Equal("Prompt Response AgentMessage Context QueuedPrompt Response", Kinds(record));
        Assert.Equal("and check this screenshot", record.Messages[4].Text);
        Assert.Equal(ContentBlockType.Image, record.Messages[4].Content[1].Type);
    }

    [Fact]
    public void A_shell_command_queued_while_the_agent_was_busy_is_a_command_in_its_place()
    {
        // "!" switches the input to shell mode and is not kept: the queued item is the command, in commandMode bash.
        var record = Record(new ClaudeLines { Version = "2.1.236" }
            .User("u1", null, "Run the tests")
            .ToolUse("a1", "u1", "msg_01A", "toolu_01", "Bash", "{\"command\":\"npm test\"}")
            .ToolResult("u2", "a1", "toolu_01", "\"12 passed\"")
            .Attachment("q1", "u2", "{\"type\":\"queued_command\",\"prompt\":\"git status\",\"commandMode\":\"bash\"}")
            .Text("a2", "q1", "msg_01B", "All 12 pass.")
            .User("u3", "a2", "<bash-input>git diff --stat</bash-input>"));

        Assert.Equal("Prompt Response ToolResult Command Response Command", Kinds(record));
        Assert.Equal("git status", record.Messages[3].Text);
        Assert.Equal(MessageRole.User, record.Messages[3].Role);
    }

    [Fact]
    public void A_task_notification_recovered_from_the_queue_is_context_not_a_queued_prompt()
    {
        // 2.1.39–2.1.42: an item absorbed mid-turn survives only in its enqueue line; the remove line names nothing.
        var record = Record(new ClaudeLines { Version = "2.1.41" }
            .User("u1", null, "Build it")
            .ToolUse("a1", "u1", "msg_01A", "toolu_01", "Bash", "{\"command\":\"make\"}")
            .Queue("enqueue", "<task-notification>\n<task-id>b7</task-id>\n<status>failed</status>\n</task-notification>\nRead the output file to retrieve the result.")
            .Queue("remove")
            .Queue("enqueue", "and run the tests")
            .Queue("remove")
            .ToolResult("u2", "a1", "toolu_01", "\"built\"")
            .Text("a2", "u2", "msg_01B", "Built; the background task failed."));

        Assert.Equal("Prompt Response ToolResult Context QueuedPrompt Response", Kinds(record));
        Assert.StartsWith("<task-notification>", record.Messages[3].Text);
        Assert.Equal("and run the tests", record.Messages[4].Text);
        Assert.Equal(1L, record.SourceMeta["queued_prompts"]);
    }

    [Fact]
    public void A_remove_line_that_names_its_item_takes_that_one_off_the_queue()
    {
        var record = Record(new ClaudeLines { Version = "2.1.236" }
            .User("u1", null, "Run the tests")
            .ToolUse("a1", "u1", "msg_01A", "toolu_01", "Bash", "{\"command\":\"npm test\"}")
            .Queue("enqueue", "then lint")
            .Queue("enqueue", "and update the changelog")
            .Queue("remove", "and update the changelog")
            .Attachment("q1", "a1", "{\"type\":\"queued_command\",\"prompt\":\"and update the changelog\",\"commandMode\":\"prompt\"}")
            .ToolResult("u2", "q1", "toolu_01", "\"12 passed\"")
            .Text("a2", "u2", "msg_01B", "All pass; updating the changelog.")
            .Queue("dequeue")
            .User("u3", "a2", "then lint")
            .Text("a3", "u3", "msg_01C", "Linted."));

        Assert.Equal("Prompt Response ToolResult QueuedPrompt Response QueuedPrompt Response", Kinds(record));
    }

    [Fact]
    public void Blocks_of_one_response_interrupted_by_a_result_come_together_in_block_order_once_each()
    {
        var usage = "{\"input_tokens\":4,\"output_tokens\":60}";
        var record = Record(new ClaudeLines { Version = "2.1.268" }
            .User("u1", null, "Explore, then read the config")
            .Assistant("a1", "u1", "msg_01A", "{\"type\":\"thinking\",\"thinking\":\"Start an agent.\",\"signature\":\"s\"}", usage, extra: ",\"apiBlockIndex\":0")
            .Assistant("a2", "a1", "msg_01A", "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"Agent\",\"input\":{\"prompt\":\"map the repo\"}}", usage, extra: ",\"apiBlockIndex\":1")
            // The agent ran in the background and answered before the response finished streaming.
            .ToolResult("u2", "a2", "toolu_01", "\"async agent launched\"")
            .Assistant("a3", "u2", "msg_01A", "{\"type\":\"tool_use\",\"id\":\"toolu_02\",\"name\":\"Read\",\"input\":{\"file_path\":\"/home/dev/acme-shop/config.ts\"}}", usage, extra: ",\"apiBlockIndex\":2")
            .Assistant("a3b", "a3", "msg_01A", "{\"type\":\"tool_use\",\"id\":\"toolu_02\",\"name\":\"Read\",\"input\":{\"file_path\":\"/home/dev/acme-shop/config.ts\"}}", usage, extra: ",\"apiBlockIndex\":2")
            .ToolResult("u3", "a3b", "toolu_02", "\"export default {}\"")
            .Text("a4", "u3", "msg_01B", "The config is empty."));

        Assert.Equal("Prompt Response ToolResult ToolResult Response", Kinds(record));
        Assert.Equal(new[] { "toolu_01", "toolu_02" }, record.Messages[1].ToolCalls.Select(c => c.Id));
        Assert.Equal("Start an agent.", record.Messages[1].ReasoningContent);
        Assert.Equal(new TokenUsage(4, 60, 0, 0), record.Messages[1].Usage);
        Assert.Equal(0L, record.SourceMeta.TryGetValue("orphan_tool_results", out var orphans) ? orphans : 0L);
    }

    [Fact]
    public void Injected_blocks_beside_a_prompt_are_context_and_the_prompt_keeps_only_the_words()
    {
        var record = Record(new ClaudeLines()
            .UserContent("u1", null, "[{\"type\":\"text\",\"text\":\"<ide_opened_file>The user opened the file /home/dev/acme-shop/plan.md in the IDE. This may or may not be related to the current task.</ide_opened_file>\"},{\"type\":\"text\",\"text\":\"Check the plan for gaps\"}]")
            .Text("a1", "u1", "msg_01A", "Two gaps.")
            .User("u2", "a1", "<ide_selection>The user selected lines 3-5 from /home/dev/acme-shop/cart.ts:\nconst total = 0;</ide_selection>\n\nWhy is this zero?\n\n<system-reminder>The file changed on disk.</system-reminder>")
            .Text("a2", "u2", "msg_01B", "It is never summed.")
            .User("u3", "a2", "<task-notification>\n<task-id>b7</task-id>\n<status>completed</status>\n</task-notification>")
            .Text("a3", "u3", "msg_01C", "The background build finished."));

        Assert.Equal("Context Prompt Response Context Prompt Context Response Context Response", Kinds(record));
        Assert.Equal("Check the plan for gaps", record.Messages[1].Text);
        Assert.Equal("Why is this zero?", record.Messages[4].Text);
        Assert.StartsWith("<ide_selection>", record.Messages[3].Text);
        Assert.Equal("<system-reminder>The file changed on disk.</system-reminder>", record.Messages[5].Text);
        Assert.Equal("Check the plan for gaps", record.Title);
    }

    [Fact]
    public void Who_spoke_fields_tell_prompts_from_injected_and_agent_turns()
    {
        var record = Record(new ClaudeLines { Version = "2.1.280" }
            .User("u1", null, "Watch the deploy", ",\"origin\":{\"kind\":\"human\"},\"promptSource\":\"typed\"")
            .Text("a1", "u1", "msg_01A", "Watching.")
            .User("u2", "a1", "The scheduled check ran: deploy healthy.", ",\"origin\":{\"kind\":\"task-notification\",\"subkind\":\"scheduled-trigger\"},\"promptSource\":\"sdk\"")
            .Text("a2", "u2", "msg_01B", "Noted.")
            .User("u3", "a2", "Reviewer here: please also check the logs.", ",\"origin\":{\"kind\":\"peer\"}")
            .Text("a3", "u3", "msg_01C", "Checking logs.")
            .User("u4", "a3", "Resume where you left off.", ",\"turnOrigin\":\"scheduled\",\"scheduledTaskId\":\"t1\"")
            .Text("a4", "u4", "msg_01D", "Resumed.")
            .User("u5", "a4", "Continue.", ",\"promptSource\":\"system\"")
            .Text("a5", "u5", "msg_01E", "Continuing.")
            .User("u6", "a5", "ship it", ",\"turnOrigin\":\"sdk\",\"promptSource\":\"sdk\""));

        Assert.Equal("Prompt Response Context Response AgentMessage Response Context Response Context Response Prompt", Kinds(record));
    }

    [Fact]
    public void Another_agents_turn_written_as_meta_is_still_its_message()
    {
        var record = Record(new ClaudeLines { Version = "2.1.285" }
            .User("u1", null, "Fan out the audit", ",\"origin\":{\"kind\":\"human\"},\"promptSource\":\"typed\"")
            .Text("a1", "u1", "msg_01A", "Delegated.")
            .User("u2", "a1", "Another Claude session sent a message:\n<agent-message from=\"a1b2\">\nAudit done: 2 findings.\n</agent-message>", ",\"isMeta\":true,\"origin\":{\"kind\":\"peer\",\"from\":\"a1b2\"},\"promptSource\":\"system\"")
            .User("u3", "u2", "Merge the findings into one report.", ",\"isMeta\":true,\"origin\":{\"kind\":\"coordinator\"}")
            .Attachment("q1", "u3", "{\"type\":\"queued_command\",\"commandMode\":\"prompt\",\"prompt\":\"Another Claude session sent a message:\\nAlso check the logs.\",\"origin\":{\"kind\":\"peer\"},\"isMeta\":true}")
            .User("u4", "q1", "Caveat: injected.", ",\"isMeta\":true")
            .Text("a2", "u4", "msg_01B", "Merged."));

        Assert.Equal("Prompt Response AgentMessage AgentMessage AgentMessage Context Response", Kinds(record));
    }

    [Fact]
    public void A_file_whose_messages_are_not_anthropic_shaped_is_not_claimed()
    {
        // Qwen Code writes Claude's envelope around Gemini content parts.
        var result = new ClaudeLines()
            .Raw("{\"uuid\":\"q1\",\"parentUuid\":null,\"sessionId\":\"" + ClaudeLines.Session + "\",\"timestamp\":\"2026-03-01T10:00:00.000Z\",\"type\":\"system\",\"subtype\":\"ui_telemetry\",\"cwd\":\"/home/dev/acme-shop\",\"version\":\"0.14.2\",\"systemPayload\":{}}")
            .Raw("{\"uuid\":\"q2\",\"parentUuid\":\"q1\",\"sessionId\":\"" + ClaudeLines.Session + "\",\"timestamp\":\"2026-03-01T10:00:01.000Z\",\"type\":\"user\",\"cwd\":\"/home/dev/acme-shop\",\"version\":\"0.14.2\",\"message\":{\"role\":\"user\",\"parts\":[{\"text\":\"Add a health check\"}]}}")
            .Raw("{\"uuid\":\"q3\",\"parentUuid\":\"q2\",\"sessionId\":\"" + ClaudeLines.Session + "\",\"timestamp\":\"2026-03-01T10:00:04.000Z\",\"type\":\"assistant\",\"cwd\":\"/home/dev/acme-shop\",\"version\":\"0.14.2\",\"model\":\"qwen3-coder-plus\",\"message\":{\"role\":\"model\",\"parts\":[{\"text\":\"Adding /healthz.\"}]},\"usageMetadata\":{\"promptTokenCount\":900,\"candidatesTokenCount\":12}}")
            .Read();

        Assert.Null(result.Record);
        Assert.True(result.IsUnrecognized);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Output_a_refusal_withdrew_is_not_the_conversation_and_the_fallback_answers_the_turn()
    {
        var lines = new ClaudeLines { Version = "2.1.278" }
            .User("u1", null, "Explain the exploit in this log")
            .Assistant("a1", "u1", "msg_01R", "{\"type\":\"text\",\"text\":\"The log shows a\"}", "{\"input_tokens\":40,\"output_tokens\":3}", model: "claude-opus-5", requestId: "req_R")
            .System("s1", "a1", "model_refusal_fallback", ",\"trigger\":\"refusal\",\"direction\":\"retry\",\"scope\":\"session\",\"originalModel\":\"claude-opus-5\",\"fallbackModel\":\"claude-sonnet-5\",\"requestId\":\"req_R\",\"retractedMessageUuids\":[\"a1\"],\"refusedUserMessageUuid\":\"u1\"")
            .Assistant("a2", "u1", "msg_01F", "{\"type\":\"fallback\",\"from\":{\"model\":\"claude-opus-5\"},\"to\":{\"model\":\"claude-sonnet-5\"}},{\"type\":\"text\",\"text\":\"It records a failed login burst.\"}", "{\"input_tokens\":40,\"output_tokens\":9}", model: "claude-sonnet-5", requestId: "req_F");

        var record = Record(lines);

        Assert.Equal("Prompt Response", Kinds(record));
        Assert.Equal("It records a failed login burst.", record.Messages[1].Text);
        Assert.Equal(1L, record.SourceMeta["retracted_entries"]);
        Assert.Equal(1L, record.SourceMeta["refusal_fallbacks"]);
        Assert.False(record.SourceMeta.ContainsKey("abandoned_entries"));
        Assert.False(record.SourceMeta.ContainsKey("unknown_block_types"));
        Assert.Equal(12L, record.OutputTokens);

        var all = Record(lines, new ReadOptions { IncludeAbandoned = true });
        Assert.Equal(new[] { false, true, false }, all.Messages.Select(m => m.IsAbandoned));
    }

    [Fact]
    public void A_refusal_that_lists_the_persons_line_withdraws_only_the_models_output()
    {
        var record = Record(new ClaudeLines { Version = "2.1.278" }
            .User("u1", null, "Explain the exploit in this log")
            .Assistant("a1", "u1", "msg_01R", "{\"type\":\"text\",\"text\":\"The log shows a\"}", "{\"input_tokens\":40,\"output_tokens\":3}", model: "claude-opus-5", requestId: "req_R")
            .System("s1", "a1", "model_refusal_fallback", ",\"trigger\":\"refusal\",\"direction\":\"retry\",\"originalModel\":\"claude-opus-5\",\"fallbackModel\":\"claude-sonnet-5\",\"requestId\":\"req_R\",\"retractedMessageUuids\":[\"u1\",\"a1\"]")
            .Assistant("a2", "u1", "msg_01F", "{\"type\":\"text\",\"text\":\"It records a failed login burst.\"}", "{\"input_tokens\":40,\"output_tokens\":9}", model: "claude-sonnet-5", requestId: "req_F"));

        Assert.Equal("Prompt Response", Kinds(record));
        Assert.Equal("Explain the exploit in this log", record.Messages[0].Text);
        Assert.Equal("It records a failed login burst.", record.Messages[1].Text);
        Assert.Equal(1L, record.SourceMeta["retracted_entries"]);
    }

    [Fact]
    public void A_task_notification_with_its_output_line_is_context_whole()
    {
        var record = Record(new ClaudeLines { Version = "2.1.39" }
            .User("u1", null, "Run the tests in the background")
            .Text("a1", "u1", "msg_01A", "Started.")
            .User("u2", "a1", "<task-notification>\n<task-id>b7</task-id>\n<status>completed</status>\n</task-notification>\nRead the output file to retrieve the result: /tmp/claude/b7.output")
            .Text("a2", "u2", "msg_01B", "All green."));

        Assert.Equal("Prompt Response Context Response", Kinds(record));
        Assert.EndsWith("b7.output", record.Messages[2].Text);
    }

    [Fact]
    public void A_compaction_that_keeps_a_preserved_segment_keeps_its_summary_in_place()
    {
        var record = Record(new ClaudeLines { Version = "2.1.280" }
            .User("u1", null, "Refactor the cart")
            .Text("a1", "u1", "msg_01A", "Refactored.")
            .User("u2", "a1", "Now the checkout")
            .Text("a2", "u2", "msg_01B", "Checkout done.")
            .System("b1", null, "compact_boundary", ",\"logicalParentUuid\":\"a2\",\"compactMetadata\":{\"trigger\":\"auto\",\"preTokens\":160000,\"preservedSegment\":{\"headUuid\":\"u2\",\"anchorUuid\":\"s1\",\"tailUuid\":\"a2\"}}")
            .User("s1", "b1", "This session is being continued from a previous conversation that ran out of context.", ",\"isCompactSummary\":true")
            // New lines chain to the preserved segment's tail, written before the boundary.
            .User("u3", "a2", "Add tests")
            .Text("a3", "u3", "msg_01C", "Added."));

        Assert.Equal("Prompt Response Prompt Response CompactionSummary Prompt Response", Kinds(record));
        Assert.False(record.SourceMeta.ContainsKey("abandoned_entries"));
    }

    [Fact]
    public void Subagent_lines_inside_a_main_session_file_leave_it_a_main_session()
    {
        var lines = new ClaudeLines { Version = "1.0.89" }
            .User("u1", null, "Find the bug")
            .ToolUse("a1", "u1", "msg_01A", "toolu_01", "Task", "{\"prompt\":\"look\"}");
        lines.Sidechain = true;
        lines.User("s1", null, "look").Text("s2", "s1", "msg_01S", "Still looking");

        var record = Record(lines);

        Assert.False(record.IsSidechain);
        Assert.Equal("Prompt Response", Kinds(record));
        Assert.Equal(2L, record.SourceMeta["sidechain_entries"]);
        Assert.False(record.SourceMeta.ContainsKey("segments"));
    }

    [Fact]
    public void Pasted_images_stay_with_the_words_and_a_prompt_ending_in_a_quoted_tag_stays_whole()
    {
        var png = "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}";
        var record = Record(new ClaudeLines()
            .UserContent("u1", null, $"[{png},{{\"type\":\"text\",\"text\":\"<ide_selection>const total = 0;</ide_selection>\\n\\nexplain this\"}}]")
            .Text("a1", "u1", "msg_01A", "It is never summed.")
            .UserContent("u2", "a1", $"[{{\"type\":\"text\",\"text\":\"<ide_opened_file>The user opened cart.ts</ide_opened_file>\"}},{png},{{\"type\":\"text\",\"text\":\"What is wrong here?\"}}]")
            .Text("a2", "u2", "msg_01B", "A typo.")
            .User("u3", "a2", "Why is this shown as a command: <command-name>/review</command-name>")
            .Text("a3", "u3", "msg_01C", "It is an echo."));

        Assert.Equal("Prompt Context Response Context Prompt Response Prompt Response", Kinds(record));
        Assert.Equal(new[] { ContentBlockType.Image, ContentBlockType.Text }, record.Messages[0].Content.Select(b => b.Type));
        Assert.Equal("explain this", record.Messages[0].Text);
        Assert.Equal(new[] { ContentBlockType.Image, ContentBlockType.Text }, record.Messages[4].Content.Select(b => b.Type));
        Assert.Equal("Why is this shown as a command: <command-name>/review</command-name>", record.Messages[6].Text);
        Assert.Equal("explain this", record.Title);
    }
}
