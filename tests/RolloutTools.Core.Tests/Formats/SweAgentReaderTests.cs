using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.SweAgent;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// Each shape of trajectory SWE-agent (agents.py get_trajectory_data) and mini-swe-agent (agents/default.py serialize,
/// run/utils/save.py before 2.0) write, and the damage a file can carry.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class SweAgentReaderTests
{
    private static ReadResult Read(string json, string name = "/runs/dev/acme__tally-7/acme__tally-7.traj") =>
        new SweAgentReader().BeginScan(Array.Empty<TraceSource>(), CancellationToken.None)
            .Read(TraceSource.FromBytes(name, Encoding.UTF8.GetBytes(json)), CancellationToken.None);

    private static RolloutRecord Single(string json, string name = "/runs/dev/acme__tally-7/acme__tally-7.traj")
    {
        var result = Read(json, name);
        Assert.Empty(result.Diagnostics);
        return result.Record!;
    }

    private static string Kinds(RolloutRecord record) => string.Join(" ", record.Messages.Select(m => $"{m.Role}/{m.Kind}"));

    private const string Replay = "\"replay_config\": \"{\\\"agent\\\": {\\\"name\\\": \\\"main\\\", \\\"model\\\": {\\\"name\\\": \\\"claude-sonnet-4-20250514\\\"}}, \\\"problem_statement\\\": {\\\"id\\\": \\\"acme__tally-7\\\", \\\"type\\\": \\\"text\\\"}}\"";

    private const string FunctionCalling = """
        {
          "trajectory": [
            {"action": "ls", "observation": "a.py", "response": "Look first.", "thought": "Look first.", "execution_time": 0.25, "state": {"working_dir": "/testbed"}, "query": [], "extra_info": {}},
            {"action": "", "observation": "", "response": "No call here.", "thought": "No call here.", "execution_time": 0.0, "state": {}, "query": [], "extra_info": {}},
            {"action": "submit", "observation": "diff", "response": "Done.", "thought": "Done.", "execution_time": 1.5, "state": {"working_dir": "/testbed/src"}, "query": [], "extra_info": {}}
          ],
          "history": [
            {"role": "system", "content": "You are a helpful assistant.", "agent": "main", "message_type": "system_prompt"},
            {"role": "user", "content": [{"type": "text", "text": "<pr_description>\nFix it\n</pr_description>", "cache_control": {"type": "ephemeral"}}], "agent": "main", "message_type": "observation"},
            {"role": "assistant", "content": "Look first.", "thought": "Look first.", "action": "ls", "agent": "main", "message_type": "action",
             "tool_calls": [{"function": {"arguments": "{\"command\":\"ls\"}", "name": "bash"}, "id": "toolu_1", "type": "function"}],
             "thinking_blocks": [{"type": "thinking", "thinking": "Where is the code?", "signature": "x"}]},
            {"role": "tool", "content": "OBSERVATION:\na.py", "agent": "main", "message_type": "observation", "tool_call_ids": ["toolu_1"]},
            {"role": "assistant", "content": "Done.", "thought": "Done.", "action": "submit", "agent": "main", "message_type": "action",
             "tool_calls": [{"function": {"arguments": "{}", "name": "submit"}, "id": "toolu_2", "type": "function"}]},
            {"role": "tool", "content": "diff", "agent": "main", "message_type": "observation", "tool_call_ids": ["toolu_2"]}
          ],
          "info": {"swe_agent_version": "1.1.0", "submission": "diff", "exit_status": "submitted",
                   "model_stats": {"instance_cost": 0.0731, "tokens_sent": 18342, "tokens_received": 612, "api_calls": 3}},
          REPLAY,
          "environment": "main"
        }
        """;

    [Fact]
    public void Swe_agent_function_calls_are_answered_by_their_tool_messages_timed_by_the_trajectory_steps()
    {
        var record = Single(FunctionCalling.Replace("REPLAY", Replay, StringComparison.Ordinal));
        // The step asked again for is the model's answer, listed without a call; no query names the error it got.
        Assert.Equal("System/Context User/Prompt Assistant/Response Tool/ToolResult Assistant/Response Assistant/Response Tool/ToolResult", Kinds(record));
        Assert.Equal(("No call here.", 0, "claude-sonnet-4-20250514"), (record.Messages[4].Text, record.Messages[4].ToolCalls.Count, record.Messages[4].Model));
        Assert.Equal((RolloutFormat.SweAgent, "swe_agent"), (record.Format, record.SourceKind));
        Assert.Equal("<pr_description>\nFix it\n</pr_description>", record.Messages[1].Text);
        var first = record.Messages[2];
        Assert.Equal(("Look first.", "Where is the code?", "claude-sonnet-4-20250514"), (first.Text, first.ReasoningContent, first.Model));
        Assert.Equal(new ToolCall("toolu_1", "bash", "{\"command\":\"ls\"}"), Assert.Single(first.ToolCalls));
        Assert.Null(first.Usage);
        Assert.Equal(("toolu_1", "bash", TimeSpan.FromSeconds(0.25)), (record.Messages[3].ToolCallId, record.Messages[3].ToolName, record.Messages[3].ToolDuration));
        Assert.Equal(("submit", TimeSpan.FromSeconds(1.5)), (record.Messages[6].ToolName, record.Messages[6].ToolDuration));
        Assert.Equal(new TokenUsage(18342, 612, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(new[] { "claude-sonnet-4-20250514" }, record.Models);
        Assert.Equal(("acme__tally-7", "/testbed/src"), (record.Title, record.Cwd));
        Assert.Null(record.StartedAt);
        Assert.Equal("acme__tally-7", record.SourceMeta["instance_id"]);
        Assert.Equal(("submitted", "diff", 3L, 0.0731), (record.SourceMeta["exit_status"], record.SourceMeta["submission"], record.SourceMeta["api_calls"], record.SourceMeta["cost_usd"]));
        Assert.Equal(("1.1.0", "main", 1L), (record.SourceMeta["swe_agent_version"], record.SourceMeta["environment"], record.SourceMeta["requeried_steps"]));
    }

    [Fact]
    public void The_trace_id_is_the_instance_and_a_hash_of_the_path_the_same_on_every_read()
    {
        var json = FunctionCalling.Replace("REPLAY", Replay, StringComparison.Ordinal);
        var id = Single(json).TraceId;
        Assert.Matches("^acme__tally-7-[0-9a-f]{12}$", id);
        Assert.Equal(id, Single(json).TraceId);
        Assert.NotEqual(id, Single(json, "/runs/other/acme__tally-7/acme__tally-7.traj").TraceId);
        Assert.Equal(id, Single(json).RootSessionId);
        // Without replay_config, the instance is the file's name, as SWE-agent names the file.
        var unnamed = Single(FunctionCalling.Replace("REPLAY", "\"replay_config\": null", StringComparison.Ordinal), "/runs/x/pydicom__pydicom-1458.traj");
        Assert.Equal("pydicom__pydicom-1458", unnamed.Title);
        Assert.Empty(unnamed.Models);
    }

    private const string ThoughtAction = """
        {
          "environment": "swe_main",
          "trajectory": [
            {"action": "open cli.py\n", "observation": "[File: cli.py]", "response": "Open it.\n```\nopen cli.py\n```", "thought": "Open it.\n", "state": "{\"open_file\": \"/repo/cli.py\", \"working_dir\": \"/repo\"}"},
            {"action": "submit\n", "observation": "diff", "response": "Submit.\n```\nsubmit\n```", "thought": "Submit.\n", "state": "{\"open_file\": \"/repo/cli.py\", \"working_dir\": \"/repo\"}"}
          ],
          "history": [
            {"role": "system", "content": "SETTING: ...", "agent": "primary"},
            {"agent": "primary", "content": "--- DEMONSTRATION ---\n...\n--- END OF DEMONSTRATION ---", "is_demo": true, "role": "user"},
            {"role": "user", "content": "ISSUE:\ntally --top 0 prints every word", "agent": "primary"},
            {"role": "assistant", "content": "Open it.\n```\nopen cli.py\n```", "thought": "Open it.\n", "action": "open cli.py\n", "agent": "primary"},
            {"role": "user", "content": "[File: cli.py]\n(Open file: /repo/cli.py)\nbash-$", "agent": "primary"},
            {"role": "assistant", "content": "Submit.\n```\nsubmit\n```", "thought": "Submit.\n", "action": "submit\n", "agent": "primary"},
            {"role": "user", "content": "diff", "agent": "primary"}
          ],
          "info": {"exit_status": "submitted", "submission": "diff", "model_stats": {"total_cost": 1.5, "instance_cost": 0.21, "tokens_sent": 19843, "tokens_received": 371, "api_calls": 2}}
        }
        """;

    [Fact]
    public void A_thought_action_answer_is_its_thought_and_a_shell_call_answered_by_the_next_observation()
    {
        var record = Single(ThoughtAction);
        Assert.Equal("System/Context User/Context User/Prompt Assistant/Response Tool/ToolResult Assistant/Response Tool/ToolResult", Kinds(record));
        Assert.Equal("--- DEMONSTRATION ---\n...\n--- END OF DEMONSTRATION ---", record.Messages[1].Text);
        Assert.Equal(1L, record.SourceMeta["demonstration_messages"]);
        Assert.Equal("Open it.", record.Messages[3].Text);
        Assert.Equal(new ToolCall("action-1", "bash", "{\"command\":\"open cli.py\"}"), Assert.Single(record.Messages[3].ToolCalls));
        Assert.Equal(("action-1", "bash", "[File: cli.py]\n(Open file: /repo/cli.py)\nbash-$"), (record.Messages[4].ToolCallId, record.Messages[4].ToolName, record.Messages[4].Text));
        Assert.Null(record.Messages[4].ToolDuration);
        Assert.Equal("action-2", record.Messages[6].ToolCallId);
        Assert.Equal(("/repo", "acme__tally-7"), (record.Cwd, record.Title));
        Assert.Equal(new TokenUsage(19843, 371, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(0.21, record.SourceMeta["cost_usd"]);
        Assert.False(record.SourceMeta.ContainsKey("requeried_steps"));
        SampleFolder.AssertToolMessagesAnswerCalls(new[] { record });
    }

    [Fact]
    public void The_agent_s_notice_of_why_it_stopped_is_synthetic_not_the_model_s_answer_or_a_call()
    {
        // 1.x (handle_error_with_autosubmission): a step without an action whose output and thought are the notice.
        var current = """
            {"trajectory": [],
             "history": [
               {"role": "system", "content": "sys", "agent": "main", "message_type": "system_prompt"},
               {"role": "user", "content": "Fix it", "agent": "main", "message_type": "observation"},
               {"role": "assistant", "content": "Exit due to cost limit", "thought": "Exit due to cost limit", "action": "", "agent": "main",
                "tool_calls": null, "message_type": "action", "thinking_blocks": null},
               {"role": "user", "content": "Exited (autosubmitted)", "agent": "main", "message_type": "observation"}
             ],
             "info": {"exit_status": "submitted (exit_cost)", "model_stats": {"instance_cost": 3.0, "tokens_sent": 900, "tokens_received": 90, "api_calls": 9}},
             REPLAY, "environment": "main"}
            """.Replace("REPLAY", Replay, StringComparison.Ordinal);
        var record = Single(current);
        Assert.Equal("System/Context User/Prompt Assistant/Synthetic User/Context", Kinds(record));
        Assert.Equal(("Exit due to cost limit", null), (record.Messages[2].Text, record.Messages[2].Model));

        // 0.x (forward_with_error_check): an exit_* action in the model's place; for exit_format the output is the model's.
        var legacy = """
            {"environment": "swe_main", "trajectory": [],
             "history": [
               {"role": "system", "content": "sys", "agent": "primary"},
               {"role": "user", "content": "ISSUE: fix it", "agent": "primary"},
               {"role": "assistant", "content": "exit due to runtime error: boom", "thought": "Exit due to runtime error: boom", "action": "exit_error", "agent": "primary"},
               {"role": "user", "content": "ISSUE: again", "agent": "primary"},
               {"role": "assistant", "content": "I think\n```\nls\n```\n```\npwd\n```", "thought": "Exit due to format error", "action": "exit_format", "agent": "primary"}
             ],
             "info": {"exit_status": "submitted (exit_format)", "model_stats": {"instance_cost": 0.5, "tokens_sent": 90, "tokens_received": 9, "api_calls": 3}}}
            """;
        var old = Single(legacy);
        Assert.Equal("System/Context User/Prompt Assistant/Synthetic User/Context Assistant/Response", Kinds(old));
        Assert.All(old.Messages, m => Assert.Empty(m.ToolCalls));
        Assert.Equal("I think\n```\nls\n```\n```\npwd\n```", old.Messages[4].Text);
    }

    [Fact]
    public void Demonstrations_put_in_history_step_by_step_stay_context_without_calls_or_a_model()
    {
        var json = """
            {"trajectory": [], "history": [
              {"role": "system", "content": "sys", "agent": "main", "message_type": "system_prompt"},
              {"role": "user", "content": "demo task", "agent": "main", "message_type": "observation", "is_demo": true},
              {"role": "assistant", "content": "Let's look.", "thought": "Let's look.", "action": "ls -a", "agent": "main", "message_type": "action", "is_demo": true,
               "tool_calls": [{"function": {"arguments": "{\"command\":\"ls -a\"}", "name": "bash"}, "id": "call_demo", "type": "function"}]},
              {"role": "tool", "content": "a.py", "agent": "main", "message_type": "observation", "tool_call_ids": ["call_demo"], "is_demo": true},
              {"role": "user", "content": "the real task", "agent": "main", "message_type": "observation"}
            ], "info": {}}
            """;
        var record = Single(json);
        Assert.Equal("System/Context User/Context Assistant/Context User/Context User/Prompt", Kinds(record));
        Assert.Equal("Let's look.\n\n```\nls -a\n```", record.Messages[2].Text);
        Assert.Empty(record.Messages[2].ToolCalls);
        Assert.Null(record.Messages[2].Model);
        Assert.Equal(3L, record.SourceMeta["demonstration_messages"]);
        Assert.Null(record.FinalAssistantMessage);
        Assert.Equal(0, record.ToolCallCount);
    }

    [Fact]
    public void A_call_id_a_replay_repeats_is_answered_by_the_tool_message_after_it()
    {
        var json = """
            {"trajectory": [], "history": [
              {"role": "user", "content": "task", "agent": "main", "message_type": "observation"},
              {"role": "assistant", "content": "one", "agent": "main", "message_type": "action", "tool_calls": [{"function": {"arguments": "{}", "name": "bash"}, "id": "call_5i", "type": "function"}]},
              {"role": "tool", "content": "first", "agent": "main", "message_type": "observation", "tool_call_ids": ["call_5i"]},
              {"role": "assistant", "content": "two", "agent": "main", "message_type": "action", "tool_calls": [{"function": {"arguments": "{}", "name": "bash"}, "id": "call_5i", "type": "function"}]},
              {"role": "tool", "content": "second", "agent": "main", "message_type": "observation", "tool_call_ids": ["call_5i"]}
            ], "info": {}}
            """;
        var record = Single(json);
        Assert.Equal(new[] { "call_5i", "call_5i~2" }, record.Messages.SelectMany(m => m.ToolCalls).Select(c => c.Id));
        Assert.Equal(new[] { ("call_5i", "first"), ("call_5i~2", "second") }, record.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => (m.ToolCallId!, m.Text)));
        Assert.False(record.SourceMeta.ContainsKey("orphan_tool_results"));
    }

    [Fact]
    public void A_tool_message_naming_its_call_by_a_number_still_answers_it()
    {
        var json = """
            {"trajectory": [], "history": [
              {"role": "user", "content": "task"},
              {"role": "assistant", "content": "go", "tool_calls": [{"function": {"arguments": "{}", "name": "bash"}, "id": 7, "type": "function"}]},
              {"role": "tool", "content": "done", "tool_call_ids": [7]}
            ], "info": {}}
            """;
        var record = Single(json);
        Assert.Equal(("7", "done"), (record.Messages[^1].ToolCallId, record.Messages[^1].Text));
    }

    private static string Attempt(string model, string answer, int sent) => $$$"""
        {"trajectory": [], "history": [
          {"role": "user", "content": "task", "agent": "main", "message_type": "observation"},
          {"role": "assistant", "content": "{{{answer}}}", "agent": "main", "message_type": "action"}],
         "info": {"exit_status": "submitted", "submission": "{{{answer}}}", "model_stats": {"instance_cost": 1.0, "tokens_sent": {{{sent}}}, "tokens_received": 10, "api_calls": 2}},
         "replay_config": "{\"agent\": {\"model\": {\"name\": \"{{{model}}}\"}}, \"problem_statement\": {\"id\": \"acme__tally-7\"}}",
         "environment": "main"}
        """;

    [Fact]
    public void The_retry_agent_s_file_gives_each_attempt_once_and_the_reviewer_counts_with_the_chosen_one()
    {
        var first = Attempt("gpt-4o", "first try", 100);
        var second = Attempt("claude-sonnet-4-20250514", "second try", 200);
        var json = $$$"""
            {"attempts": [{{{first}}}, {{{second}}}],
             "trajectory": [], "history": [{"role": "user", "content": "task"}, {"role": "assistant", "content": "second try"}],
             "info": {"best_attempt_idx": 1, "model_stats": {"instance_cost": 2.5, "tokens_sent": 350, "tokens_received": 25, "api_calls": 5},
                      "rloop_model_stats": {"instance_cost": 0.5, "tokens_sent": 50, "tokens_received": 5, "api_calls": 1} } }
            """;
        var results = ((IMultiRecordScan)new SweAgentReader().BeginScan(Array.Empty<TraceSource>(), CancellationToken.None))
            .ReadEach(TraceSource.FromBytes("/runs/heavy/acme__tally-7/acme__tally-7.traj", Encoding.UTF8.GetBytes(json)), CancellationToken.None).ToArray();
        Assert.All(results, r => Assert.Empty(r.Diagnostics));
        var records = results.Select(r => r.Record!).ToArray();
        Assert.Equal(2, records.Length);
        var root = records[0].RootSessionId;
        Assert.Matches("^acme__tally-7-[0-9a-f]{12}$", root);
        Assert.Equal(new[] { root + ":attempt-1", root + ":attempt-2" }, records.Select(r => r.TraceId));
        Assert.Equal(new[] { "attempt-1", "attempt-2" }, records.Select(r => r.AgentId));
        Assert.Equal(new[] { "first try", "second try" }, records.Select(r => r.FinalAssistantMessage));
        Assert.Equal(new[] { "gpt-4o", "claude-sonnet-4-20250514" }, records.Select(r => r.Models.Single()));
        Assert.Equal(new TokenUsage(100, 10, 0, 0), SampleFolder.Tokens(records[0]));
        Assert.Equal(new TokenUsage(250, 15, 0, 0), SampleFolder.Tokens(records[1]));
        Assert.Equal((1.0, false), (records[0].SourceMeta["cost_usd"], records[0].SourceMeta.ContainsKey("chosen_attempt")));
        Assert.Equal((1.5, 0.5, true, 2L, 2L), (records[1].SourceMeta["cost_usd"], records[1].SourceMeta["reviewer_cost_usd"], records[1].SourceMeta["chosen_attempt"],
            records[1].SourceMeta["attempt"], records[1].SourceMeta["attempts"]));
    }

    [Fact]
    public void An_attempt_s_own_file_is_passed_over_once_the_retry_agent_s_file_lists_it()
    {
        var folder = Directory.CreateTempSubdirectory("sweagent-retry-");
        try
        {
            var instance = Path.Combine(folder.FullName, "acme__tally-7");
            Directory.CreateDirectory(Path.Combine(instance, "attempt_0"));
            Directory.CreateDirectory(Path.Combine(instance, "attempt_1"));
            var parent = Path.Combine(instance, "acme__tally-7.traj");
            File.WriteAllText(parent, "{\"attempts\": [" + Attempt("gpt-4o", "first try", 100) + "]}");
            File.WriteAllText(Path.Combine(instance, "attempt_0", "acme__tally-7.traj"), Attempt("gpt-4o", "first try", 100));
            File.WriteAllText(Path.Combine(instance, "attempt_1", "acme__tally-7.traj"), Attempt("gpt-4o", "still running", 40));

            var plan = new ReadPlan { Search = new TraceSearch { Recurse = true } };
            plan.AddPath(folder.FullName).ToList();
            var results = plan.Read(new ReadOptions(), CancellationToken.None).ToArray();
            var records = results.Select(r => r.Record).OfType<RolloutRecord>().OrderBy(r => r.TraceId, StringComparer.Ordinal).ToArray();
            Assert.Equal(new[] { "first try", "still running" }, records.Select(r => r.FinalAssistantMessage));
            Assert.Equal(new[] { parent, Path.Combine(instance, "attempt_1", "acme__tally-7.traj") }, records.Select(r => r.SourcePath));
            Assert.Equal(records[0].RootSessionId + ":attempt-2", records[1].TraceId);
            Assert.Equal($"attempt 1 is read from the retry agent's '{parent}'", Assert.Single(results, r => r.SkipReason is not null).SkipReason);

            // Before any attempt ends, the retry agent's file lists none: it is passed over, and each attempt read from its own file.
            File.WriteAllText(parent, """{"attempts": []}""");
            var again = new ReadPlan { Search = new TraceSearch { Recurse = true } };
            again.AddPath(folder.FullName).ToList();
            results = again.Read(new ReadOptions(), CancellationToken.None).ToArray();
            Assert.Equal(2, results.Count(r => r.Record is not null));
            Assert.Contains(results, r => r.SkipReason == "the retry agent has ended no attempt yet; each is read from its attempt_<n> folder");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private const string MiniChat = """
        {
          "info": {"model_stats": {"instance_cost": 0.0021, "api_calls": 3},
                   "config": {"model": {"model_name": "openai/gpt-5-mini"}, "model_type": "minisweagent.models.litellm_model.LitellmModel", "agent_type": "minisweagent.agents.default.DefaultAgent"},
                   "mini_version": "2.1.0", "exit_status": "Submitted", "submission": "diff"},
          "messages": [
            {"role": "system", "content": "sys"},
            {"role": "user", "content": "Fix the bug"},
            {"content": "Reading it.", "role": "assistant", "function_call": null,
             "tool_calls": [{"function": {"arguments": "{\"command\":\"cat a.py\"}", "name": "bash"}, "id": "call_1", "type": "function"}],
             "extra": {"actions": [{"command": "cat a.py", "tool_call_id": "call_1"}],
                       "response": {"id": "chatcmpl-1", "model": "gpt-5-mini-2025-08-07", "usage": {"prompt_tokens": 1500, "completion_tokens": 90, "prompt_tokens_details": {"cached_tokens": 1200}}},
                       "cost": 0.0005, "timestamp": 1763540402.5}},
            {"content": "<returncode>1</returncode>\n<output>\nno such file</output>", "role": "tool", "tool_call_id": "call_1",
             "extra": {"raw_output": "no such file", "returncode": 1, "timestamp": 1763540403.0, "exception_info": null}},
            {"role": "user", "content": "No tool calls found in the response.",
             "extra": {"interrupt_type": "FormatError", "cost": 0.0004, "response": {"id": "chatcmpl-2", "model": "gpt-5-mini-2025-08-07", "usage": {"prompt_tokens": 1600, "completion_tokens": 40}}}},
            {"content": "", "role": "assistant",
             "tool_calls": [{"function": {"arguments": "{\"command\":\"echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\"}", "name": "bash"}, "id": "call_2", "type": "function"}],
             "extra": {"actions": [{"command": "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT", "tool_call_id": "call_2"}],
                       "response": {"id": "chatcmpl-3", "usage": {"prompt_tokens": 1700, "completion_tokens": 30}}, "cost": 0.0002, "timestamp": 1763540410.0}},
            {"role": "exit", "content": "diff", "extra": {"exit_status": "Submitted", "submission": "diff"}}
          ],
          "trajectory_format": "mini-swe-agent-1.1",
          "instance_id": "acme__tally-7"
        }
        """;

    [Fact]
    public void Mini_chat_responses_carry_their_usage_cost_identity_and_time_and_a_format_error_counts_unlisted()
    {
        var record = Single(MiniChat, "/out/acme__tally-7/acme__tally-7.traj.json");
        Assert.Equal("System/Context User/Prompt Assistant/Response Tool/ToolResult User/Synthetic Assistant/Response", Kinds(record));
        Assert.Equal("mini_swe_agent", record.SourceKind);
        var first = record.Messages[2];
        Assert.Equal((new TokenUsage(300, 90, 1200, 0), 0.0005m, "chatcmpl-1", "gpt-5-mini-2025-08-07"), (first.Usage!.Value, first.CostUsd!.Value, first.ResponseId, first.Model));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1763540402500), first.Timestamp);
        Assert.Equal((1, false), (record.Messages[3].ExitCode!.Value, record.Messages[3].IsError!.Value));
        Assert.Equal("openai/gpt-5-mini", record.Messages[5].Model);
        var unlisted = Assert.Single(record.UnlistedResponses);
        Assert.Equal((new TokenUsage(1600, 40, 0, 0), 0.0004m, "chatcmpl-2"), (unlisted.Usage, unlisted.CostUsd, unlisted.ResponseId));
        Assert.Equal(new TokenUsage(300 + 1600 + 1700, 90 + 40 + 30, 1200, 0), SampleFolder.Tokens(record));
        Assert.Equal(new[] { "gpt-5-mini-2025-08-07", "openai/gpt-5-mini" }, record.Models);
        Assert.Equal(("acme__tally-7", "Submitted", "diff", 1L), (record.Title, record.SourceMeta["exit_status"], record.SourceMeta["submission"], record.SourceMeta["format_errors"]));
        Assert.Equal(("mini-swe-agent-1.1", "2.1.0", 0.0021), (record.SourceMeta["trajectory_format"], record.SourceMeta["mini_version"], record.SourceMeta["cost_usd"]));
        Assert.Equal((DateTimeOffset.FromUnixTimeMilliseconds(1763540402500), DateTimeOffset.FromUnixTimeSeconds(1763540410)), (record.StartedAt!.Value, record.EndedAt!.Value));
        Assert.Matches("^acme__tally-7-[0-9a-f]{12}$", record.TraceId);
    }

    [Fact]
    public void Mini_a_response_that_broke_the_format_keeps_the_model_s_words_before_the_notice()
    {
        // models/litellm_model.py query: on a FormatError the response and its cost go into the notice's extra;
        // utils/actions_text.py also keeps the text alone (model_response).
        var json = """
            {"info": {"config": {"model": {"model_name": "openai/gpt-5-mini"}}}, "trajectory_format": "mini-swe-agent-1.1", "messages": [
              {"role": "user", "content": "Fix it"},
              {"role": "user", "content": "No tool calls found in the response. Every response MUST include at least one tool call.",
               "extra": {"interrupt_type": "FormatError", "cost": 0.0004,
                         "response": {"id": "chatcmpl-9", "created": 1763540400, "model": "gpt-5-mini-2025-08-07",
                                      "choices": [{"finish_reason": "stop", "message": {"role": "assistant", "content": "The fix is in place; tests pass.",
                                                   "reasoning_content": "I should stop.", "tool_calls": null}}],
                                      "usage": {"prompt_tokens": 1600, "completion_tokens": 40}}}},
              {"role": "user", "content": "Expected exactly 1 action, found 0.",
               "extra": {"interrupt_type": "FormatError", "n_actions": 0, "model_response": "I am not sure what to run.", "response": "ModelResponse(...)"}}
            ]}
            """;
        var record = Single(json, "/out/x.traj.json");
        Assert.Equal("User/Prompt Assistant/Response User/Synthetic Assistant/Response User/Synthetic", Kinds(record));
        var refused = record.Messages[1];
        Assert.Equal(("The fix is in place; tests pass.", "I should stop.", "chatcmpl-9", "gpt-5-mini-2025-08-07"),
            (refused.Text, refused.ReasoningContent, refused.ResponseId, refused.Model));
        Assert.Equal((new TokenUsage(1600, 40, 0, 0), 0.0004m), (refused.Usage!.Value, refused.CostUsd!.Value));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1763540400), refused.Timestamp);
        Assert.Empty(refused.ToolCalls);
        Assert.Equal("I am not sure what to run.", record.Messages[3].Text);
        Assert.Empty(record.UnlistedResponses);
        Assert.Equal(2L, record.SourceMeta["format_errors"]);
    }

    [Fact]
    public void Mini_text_based_actions_are_shell_calls_answered_by_the_user_observations_in_order()
    {
        var json = """
            {"info": {}, "trajectory_format": "mini-swe-agent-1.1", "messages": [
              {"role": "user", "content": "Fix it"},
              {"role": "assistant", "content": "THOUGHT: look.\n\n```mswea_bash_command\nls\n```", "extra": {"actions": [{"command": "ls"}], "timestamp": 1763540400}},
              {"role": "user", "content": "<returncode>0</returncode>\n<output>\na.py\n</output>", "extra": {"raw_output": "a.py\n", "returncode": 0, "timestamp": 1763540401}}
            ]}
            """;
        var record = Single(json, "/out/x.traj.json");
        Assert.Equal("User/Prompt Assistant/Response Tool/ToolResult", Kinds(record));
        Assert.Equal("THOUGHT: look.", record.Messages[1].Text);
        Assert.Equal(new ToolCall("action-1", "bash", "{\"command\":\"ls\"}"), Assert.Single(record.Messages[1].ToolCalls));
        Assert.Equal(("action-1", 0), (record.Messages[2].ToolCallId, record.Messages[2].ExitCode!.Value));
        Assert.Equal("Fix it", record.Title);
        Assert.Equal(new[] { "text" }, (IEnumerable<string>)record.SourceMeta["message_shapes"]);
    }

    [Fact]
    public void Mini_responses_api_responses_keep_their_reasoning_text_and_function_calls()
    {
        var json = """
            {"info": {"config": {"model": {"model_name": "openai/gpt-5"}}}, "trajectory_format": "mini-swe-agent-1.1", "messages": [
              {"role": "user", "content": "Fix it"},
              {"id": "resp_1", "object": "response", "created_at": 1763540400, "model": "gpt-5-2025-08-07",
               "output": [{"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "List files first."}]},
                          {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Listing."}]},
                          {"type": "function_call", "call_id": "call_r1", "name": "bash", "arguments": "{\"command\":\"ls\"}"}],
               "usage": {"input_tokens": 900, "output_tokens": 50, "input_tokens_details": {"cached_tokens": 100}},
               "extra": {"actions": [{"command": "ls", "tool_call_id": "call_r1"}], "cost": 0.001, "timestamp": 1763540401}},
              {"type": "function_call_output", "call_id": "call_r1", "output": "<returncode>0</returncode>", "extra": {"returncode": 0, "timestamp": 1763540402}}
            ]}
            """;
        var record = Single(json, "/out/x.traj.json");
        Assert.Equal("User/Prompt Assistant/Response Tool/ToolResult", Kinds(record));
        var response = record.Messages[1];
        Assert.Equal(("Listing.", "List files first.", "gpt-5-2025-08-07", "resp_1"), (response.Text, response.ReasoningContent, response.Model, response.ResponseId));
        Assert.Equal(new ToolCall("call_r1", "bash", "{\"command\":\"ls\"}"), Assert.Single(response.ToolCalls));
        Assert.Equal((new TokenUsage(800, 50, 100, 0), 0.001m), (response.Usage!.Value, response.CostUsd!.Value));
        Assert.Equal(("call_r1", "<returncode>0</returncode>"), (record.Messages[2].ToolCallId, record.Messages[2].Text));
        Assert.Equal(new[] { "responses_api" }, (IEnumerable<string>)record.SourceMeta["message_shapes"]);
    }

    [Fact]
    public void Mini_interactive_commands_interruptions_and_new_tasks_are_told_apart()
    {
        var json = """
            {"info": {}, "trajectory_format": "mini-swe-agent-1.1", "messages": [
              {"role": "user", "content": "Fix it"},
              {"role": "user", "content": "User command: \n```bash\nls\n```", "extra": {"actions": [{"command": "ls"}]}},
              {"role": "user", "content": "<returncode>0</returncode>\n<output>\na.py\n</output>", "extra": {"returncode": 0}},
              {"role": "user", "content": "Interrupted by user: try the tests", "extra": {"interrupt_type": "UserInterruption"}},
              {"role": "user", "content": "Interrupted by user: Temporary interruption caught.", "extra": {"interrupt_type": "UserInterruption"}},
              {"role": "user", "content": "Commands not executed. Switching to human mode", "extra": {"interrupt_type": "UserRejection"}},
              {"role": "user", "content": "Commands not executed. The user rejected your commands with the following message: not rm", "extra": {"interrupt_type": "UserRejection"}},
              {"role": "user", "content": "The user added a new task: also update the README", "extra": {"interrupt_type": "UserNewTask"}},
              {"role": "user", "content": "LimitsExceeded", "extra": {"interrupt_type": "Unknown"}}
            ]}
            """;
        var record = Single(json, "/cfg/last_mini_run.traj.json");
        // What the person typed after an interruption or a rejection is theirs; the fixed markers are not.
        Assert.Equal("User/Prompt User/Command User/Command User/Prompt User/Interruption User/Interruption User/Prompt User/Prompt User/Synthetic", Kinds(record));
        // No time in these messages: the last run is named by its path alone.
        Assert.Matches("^last_mini_run-[0-9a-f]{12}$", record.TraceId);
        Assert.Equal("Fix it", record.Title);
    }

    [Fact]
    public void Mini_1_interactive_notices_and_typed_commands_are_the_person_s_not_observations_or_answers()
    {
        // Before 2.0 (agents/interactive.py) a command typed in human mode was an assistant message holding only the
        // fenced block, and interruptions, rejections and new tasks were plain user messages.
        var json = """
            {"info": {}, "trajectory_format": "mini-swe-agent-1", "messages": [
              {"role": "system", "content": "sys", "timestamp": 1761818100.0},
              {"role": "user", "content": "Please solve this issue: add --min-count", "timestamp": 1761818100.0},
              {"role": "assistant", "content": "THOUGHT: look.\n\n```bash\nls\n```", "timestamp": 1761818101.0},
              {"role": "user", "content": "Interrupted by user: read cli.py first", "timestamp": 1761818102.0},
              {"role": "assistant", "content": "\n```bash\ncat cli.py\n```", "timestamp": 1761818103.0},
              {"role": "user", "content": "<returncode>0</returncode>\n<output>\nimport sys\n</output>", "timestamp": 1761818104.0},
              {"role": "assistant", "content": "THOUGHT: edit.\n\n```bash\nsed -i s/a/b/ cli.py\n```", "timestamp": 1761818105.0},
              {"role": "user", "content": "Command not executed. The user rejected your command with the following message: use python", "timestamp": 1761818106.0},
              {"role": "assistant", "content": "THOUGHT: python.\n\n```bash\npython fix.py\n```", "timestamp": 1761818107.0},
              {"role": "user", "content": "Command not executed. Switching to human mode", "timestamp": 1761818108.0},
              {"role": "user", "content": "The user added a new task: add a test", "timestamp": 1761818109.0}
            ]}
            """;
        var record = Single(json, "/out/x.traj.json");
        Assert.Equal("System/Context User/Prompt Assistant/Response User/Prompt User/Command User/Command Assistant/Response User/Prompt Assistant/Response User/Interruption User/Prompt", Kinds(record));
        Assert.Equal("Interrupted by user: read cli.py first", record.Messages[3].Text);
        Assert.Equal("\n```bash\ncat cli.py\n```", record.Messages[4].Text);
        Assert.All(record.Messages, m => Assert.NotEqual(MessageRole.Tool, m.Role));
        Assert.Equal(3, record.Messages.Count(m => m.Kind == MessageKind.Response && m.ToolCalls.Count == 1));
    }

    [Fact]
    public void Mini_1_answers_are_read_for_their_one_bash_block_and_last_runs_are_dated()
    {
        var json = """
            {"info": {"exit_status": "Submitted", "submission": "diff", "model_stats": {"instance_cost": 0.01, "api_calls": 2}, "mini_version": "1.17.4",
                      "config": {"model": {"model_name": "anthropic/claude-sonnet-4-5-20250929"}}},
             "trajectory_format": "mini-swe-agent-1", "messages": [
              {"role": "system", "content": "sys", "timestamp": 1761818100.0},
              {"role": "user", "content": "Please solve this issue: add --min-count", "timestamp": 1761818100.0},
              {"role": "assistant", "content": "THOUGHT: two at once.\n\n```bash\nls\n```\n\n```bash\npwd\n```", "timestamp": 1761818104.0,
               "extra": {"response": {"id": "chatcmpl-a", "usage": {"prompt_tokens": 1310, "completion_tokens": 52, "cache_creation_input_tokens": 1306, "cache_read_input_tokens": 0}}}},
              {"role": "user", "content": "Please always provide EXACTLY ONE action in triple backticks, found 2 actions.", "timestamp": 1761818104.5},
              {"role": "assistant", "content": "THOUGHT: one.\n\n```bash\nls\n```", "timestamp": 1761818110.0,
               "extra": {"response": {"id": "chatcmpl-b", "usage": {"prompt_tokens": 1555, "completion_tokens": 40, "prompt_tokens_details": {"cached_tokens": 1306}, "cache_creation_input_tokens": 200, "cache_read_input_tokens": 1306}}}},
              {"role": "user", "content": "<returncode>0</returncode>\n<output>\na.py\n</output>", "timestamp": 1761818111.0}
            ]}
            """;
        var record = Single(json, "/cfg/last_mini_run.traj.json");
        // The format error is the agent's notice, as 2.0's interrupt_type names it.
        Assert.Equal("System/Context User/Prompt Assistant/Response User/Synthetic Assistant/Response Tool/ToolResult", Kinds(record));
        Assert.Equal(1L, record.SourceMeta["format_errors"]);
        Assert.Empty(record.Messages[2].ToolCalls);
        Assert.Equal("THOUGHT: two at once.\n\n```bash\nls\n```\n\n```bash\npwd\n```", record.Messages[2].Text);
        Assert.Equal(("THOUGHT: one.", "action-1"), (record.Messages[4].Text, Assert.Single(record.Messages[4].ToolCalls).Id));
        Assert.Equal(new TokenUsage(4, 52, 0, 1306), record.Messages[2].Usage);
        Assert.Equal(new TokenUsage(49, 40, 1306, 200), record.Messages[4].Usage);
        Assert.Null(record.Messages[4].CostUsd);
        Assert.Equal(new[] { "anthropic/claude-sonnet-4-5-20250929" }, record.Models);
        Assert.Matches("^last_mini_run-[0-9a-f]{12}-20251030T095500$", record.TraceId);
        Assert.Equal(("mini-swe-agent-1", "1.17.4", 0.01), (record.SourceMeta["trajectory_format"], record.SourceMeta["mini_version"], record.SourceMeta["cost_usd"]));
    }

    [Fact]
    public void The_first_versions_bare_message_list_is_read_with_its_file_name_as_the_id()
    {
        var json = """
            [{"role": "system", "content": "sys"}, {"role": "user", "content": "task"},
             {"role": "assistant", "content": "THOUGHT: go.\n\n```bash\nls\n```"}, {"role": "user", "content": "a.py"}]
            """;
        var record = Single(json, "/out/hello.traj.json");
        Assert.Equal("System/Context User/Prompt Assistant/Response Tool/ToolResult", Kinds(record));
        Assert.Equal("bare message list", record.SourceMeta["trajectory_format"]);
        Assert.Matches("^hello-[0-9a-f]{12}$", record.TraceId);
        Assert.Empty(record.Models);
        Assert.Equal(0, record.TotalTokens);
    }

    [Fact]
    public void A_damaged_message_is_reported_at_its_line_and_the_rest_is_read()
    {
        var json = "{\n\"history\": [\n{\"role\": \"user\", \"content\": \"task\"},\n42,\n{\"role\": \"narrator\", \"content\": \"x\"},\n{\"role\": \"assistant\", \"content\": 7}\n],\n\"info\": {}\n}";
        var result = Read(json, "/runs/a.traj");
        Assert.Equal("User/Prompt", Kinds(result.Record!));
        Assert.Equal(new int?[] { 4, 5, 6 }, result.Diagnostics.Select(d => d.LineNumber));
        Assert.All(result.Diagnostics, d => Assert.Equal((DiagnosticSeverity.Error, RolloutDiagnostic.ParseError), (d.Severity, d.ErrorId)));
        Assert.StartsWith("/runs/a.traj:4: history[1] could not be read", result.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Contains("narrator", result.Diagnostics[1].Message, StringComparison.Ordinal);

        var mini = Read("{\"messages\": [\n{\"role\": \"user\", \"content\": \"task\"},\n\"text\"\n]}", "/out/b.traj.json");
        Assert.Equal("/out/b.traj.json:3: messages[1] could not be read, message skipped: the message is String, not an object.", Assert.Single(mini.Diagnostics).Message);
    }

    [Theory]
    [InlineData("{\"trajectory\": [], \"history\": [", "a.traj:1:32: not valid JSON")]
    [InlineData("{\"environment\": \"main\"}", "neither \"history\" (SWE-agent) nor \"messages\" (mini-swe-agent)")]
    [InlineData("{\"trajectory\": [], \"history\": [], \"info\": {}}", "the history is empty")]
    [InlineData("{\"history\": {}}", "\"history\" is Object, not a list of messages")]
    [InlineData("{\"info\": {}, \"messages\": []}", "the trajectory holds no messages")]
    [InlineData("\"text\"", "not an object or an array")]
    public void A_file_that_gives_no_record_says_why(string json, string reason)
    {
        var result = Read(json, "/runs/a.traj");
        Assert.Null(result.Record);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"info\": {\"config\": {}}, \"messages\": [], \"trajectory_format\": \"mini-swe-agent-1.1\"}", DetectionScore.Certain)]
    [InlineData("{\"trajectory_format\": \"other-1\", \"messages\": []}", DetectionScore.None)]
    [InlineData("{\"trajectory\": [], \"history\": []}", DetectionScore.Certain)]
    [InlineData("{\"environment\": \"swe_main\", \"trajectory\": []}", DetectionScore.Certain)]
    [InlineData("{\"info\": {}, \"messages\": []}", DetectionScore.Likely)]
    [InlineData("{\"trajectory\": []}", DetectionScore.None)]
    [InlineData("{\"attempts\": []}", DetectionScore.Weak)]
    [InlineData("{\"type\": \"message\", \"info\": {}, \"messages\": []}", DetectionScore.None)]
    public void Detection_is_sure_of_the_names_only_these_agents_write_together(string head, int score)
    {
        Assert.Equal(score, new SweAgentReader().Score(JsonHead.Read(Encoding.UTF8.GetBytes(head))!));
    }

    [Fact]
    public void A_trajectory_is_told_by_its_name_and_the_last_mini_run_is_found_in_the_config_folder()
    {
        var reader = new SweAgentReader();
        Assert.True(reader.IsTraceFile("/t/dev/run/acme__tally-7/acme__tally-7.traj"));
        Assert.True(reader.IsTraceFile("/out/acme__tally-7/acme__tally-7.traj.json"));
        Assert.False(reader.IsTraceFile("/out/preds.json"));
        Assert.False(reader.IsTraceFile("/t/dev/run/acme__tally-7/acme__tally-7.config.yaml"));
        var previous = Environment.GetEnvironmentVariable(SweAgentReader.ConfigDirVariable);
        try
        {
            Environment.SetEnvironmentVariable(SweAgentReader.ConfigDirVariable, "/cfg/mini");
            Assert.Equal("/cfg/mini", Assert.Single(reader.DefaultLocations()));
            Environment.SetEnvironmentVariable(SweAgentReader.ConfigDirVariable, null);
            var folder = Assert.Single(reader.DefaultLocations(), l => !OperatingSystem.IsMacOS() || l.Contains("Application Support", StringComparison.Ordinal));
            Assert.EndsWith(OperatingSystem.IsWindows() ? Path.Combine("mini-swe-agent", "mini-swe-agent") : "mini-swe-agent", folder, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SweAgentReader.ConfigDirVariable, previous);
        }
    }
}
