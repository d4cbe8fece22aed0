using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.OpenHands;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>OpenHands conversation folders written here event file by event file, including damage and the default locations.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class OpenHandsReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("openhands-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string System = """{"id": 0, "timestamp": "2025-10-02T09:00:00", "source": "agent", "message": "", "action": "system", "args": {"content": "You are OpenHands agent.", "openhands_version": "0.40.0", "agent_class": "CodeActAgent"}}""";
    private const string Ask = """{"id": 1, "timestamp": "2025-10-02T09:00:01", "source": "user", "message": "list", "action": "message", "args": {"content": "List the files", "image_urls": [], "wait_for_response": false}}""";

    /// <summary>A legacy conversation folder sessions/&lt;sid&gt;/events/&lt;n&gt;.json holding these events; the path of events/0.json.</summary>
    private string LegacyFolder(string sid, params string[] events)
    {
        var folder = Path.Combine(_folder, "sessions", sid, "events");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < events.Length; i++) File.WriteAllText(Path.Combine(folder, $"{i}.json"), events[i]);
        return Path.Combine(folder, "0.json");
    }

    /// <summary>A V1 conversation folder conversations/&lt;id&gt;/ with this base_state.json and events; the path of base_state.json.</summary>
    private string SdkFolder(string id, string baseState, params string[] events)
    {
        var folder = Path.Combine(_folder, "conversations", id);
        Directory.CreateDirectory(Path.Combine(folder, "events"));
        File.WriteAllText(Path.Combine(folder, "base_state.json"), baseState);
        for (var i = 0; i < events.Length; i++) File.WriteAllText(Path.Combine(folder, "events", $"event-{i:00000}-0000000{i}-aaaa-bbbb-cccc-dddddddddddd.json"), events[i]);
        return Path.Combine(folder, "base_state.json");
    }

    private static ReadResult Read(string path) =>
        Assert.Single(RolloutLoader.ReadAll(new OpenHandsReader().SessionsIn(path), new ReadOptions(), CancellationToken.None));

    [Fact]
    public void Actions_of_an_agent_without_function_calling_are_answered_by_the_observation_that_names_them_as_cause()
    {
        var record = Read(LegacyFolder("plain", System, Ask,
            """{"id": 2, "timestamp": "2025-10-02T09:00:02", "source": "agent", "message": "", "action": "run", "args": {"command": "ls", "thought": "Listing."}}""",
            """{"id": 3, "timestamp": "2025-10-02T09:00:03", "source": "environment", "message": "", "cause": 2, "observation": "run", "content": "a.txt", "extras": {"command": "ls", "metadata": {"exit_code": -1}}}""",
            """{"id": 4, "timestamp": "2025-10-02T09:00:04", "source": "agent", "message": "", "action": "run", "args": {"command": "rm a.txt", "thought": ""}}""",
            """{"id": 5, "timestamp": "2025-10-02T09:00:05", "source": "user", "message": "", "cause": 4, "observation": "user_rejected", "content": "Action has been rejected by the user.", "extras": {}}""",
            """{"id": 6, "timestamp": "2025-10-02T09:00:06", "source": "agent", "message": "", "action": "finish", "args": {"final_thought": "", "thought": "One file."}}""")).Record!;
        Assert.Equal("Context Prompt Response ToolResult Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(("event-4", true), (record.Messages[5].ToolCallId, record.Messages[5].IsError));
        Assert.False(record.Messages[3].IsError);
        var call = Assert.Single(record.Messages[2].ToolCalls);
        Assert.Equal(("event-2", "run", "Listing."), (call.Id, call.Name, record.Messages[2].Text));
        Assert.Contains("\"command\": \"ls\"", call.Arguments, StringComparison.Ordinal);
        Assert.Equal(("event-2", "a.txt"), (record.Messages[3].ToolCallId, record.Messages[3].Text));
        // -1 is OpenHands' unknown exit code.
        Assert.Null(record.Messages[3].ExitCode);
        Assert.Equal("One file.", record.Messages[6].Text);
        Assert.Equal("plain", record.TraceId);
        Assert.Equal("legacy", record.SourceMeta["generation"]);
    }

    [Fact]
    public void A_damaged_event_file_is_reported_by_its_own_path_and_line_and_the_rest_of_the_conversation_is_read()
    {
        var first = LegacyFolder("damaged", System, Ask, "{\"id\": 2,\n \"source\": ", """{"id": 3, "timestamp": "2025-10-02T09:00:03", "source": "agent", "message": "hi"}""",
            """{"id": 4, "timestamp": "2025-10-02T09:00:04", "source": "agent", "message": "", "action": "message", "args": {"content": "Here they are."}}""");
        var result = Read(first);
        Assert.Equal("Context Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(2, result.Diagnostics.Count);
        var events = Path.GetDirectoryName(first)!;
        Assert.Equal((RolloutDiagnostic.ParseError, Path.Combine(events, "2.json"), 2), (result.Diagnostics[0].ErrorId, result.Diagnostics[0].Path, result.Diagnostics[0].LineNumber));
        Assert.Equal(Path.Combine(events, "3.json"), result.Diagnostics[1].Path);
        Assert.EndsWith("the event is neither an action nor an observation; skipped.", result.Diagnostics[1].Message, StringComparison.Ordinal);
        Assert.Equal(1L, result.Record!.SourceMeta["damaged_events"]);
        Assert.Equal(4L, result.Record.SourceMeta["event_files"]);
    }

    [Fact]
    public void A_conversation_whose_every_event_is_damaged_gives_no_record_and_says_so()
    {
        var result = Read(LegacyFolder("lost", "{\"id\": 0,"));
        Assert.Null(result.Record);
        Assert.Equal(new[] { RolloutDiagnostic.ParseError, RolloutDiagnostic.NoUsableLines }, result.Diagnostics.Select(d => d.ErrorId));
    }

    [Fact]
    public void Per_call_usage_listed_in_llm_metrics_goes_to_its_response_and_a_smaller_accumulated_total_does_not_replace_the_responses()
    {
        var metrics = """{"accumulated_cost": 0.5, "accumulated_token_usage": {"prompt_tokens": 10, "completion_tokens": 1}, "token_usages": [{"prompt_tokens": 900, "completion_tokens": 40, "cache_read_tokens": 800, "cache_write_tokens": 0, "response_id": "r1"}]}""";
        var record = Read(LegacyFolder("listed", System, Ask,
            $$$"""{"id": 2, "timestamp": "2025-10-02T09:00:02", "source": "agent", "message": "", "action": "run", "llm_metrics": {{{metrics}}}, "tool_call_metadata": {"function_name": "execute_bash", "tool_call_id": "c1", "model_response": {"id": "r1", "model": "m1", "choices": [{"message": {"content": "Look.", "tool_calls": [{"id": "c1", "function": {"name": "execute_bash", "arguments": "{\"command\": \"ls\"}"}}]}}]}, "total_calls_in_response": 1}, "args": {"command": "ls", "thought": "Look."}}""")).Record!;
        Assert.Equal(new TokenUsage(100, 40, 800, 0), record.Messages[2].Usage);
        Assert.Equal("{\"command\": \"ls\"}", record.Messages[2].ToolCalls[0].Arguments);
        Assert.Equal(new TokenUsage(100, 40, 800, 0), SampleFolder.Tokens(record));
        Assert.Equal("per response", record.SourceMeta["usage_source"]);
        Assert.Equal(0.5, record.SourceMeta["cost_usd"]);
        Assert.Equal(1L, record.SourceMeta["unanswered_tool_calls"]);
    }

    private const string State = """{"id": "c0ffee00-0000-4000-8000-000000000001", "agent": {"kind": "Agent", "llm": {"model": "gpt-5"}}, "workspace": {"working_dir": "/w"}, "execution_status": "idle", "stats": {"usage_to_metrics": {}}}""";

    [Fact]
    public void V1_rejections_agent_messages_and_summary_events_each_become_their_kind_of_message_and_an_unknown_kind_is_a_warning()
    {
        var result = Read(SdkFolder("c0ffee00000040008000000000000001", State,
            """{"id": "e0", "timestamp": "2025-10-02T09:00:00", "source": "user", "llm_message": {"role": "user", "content": [{"type": "text", "text": "Delete the logs"}, {"type": "image", "image_urls": ["https://example.test/a.png"]}]}, "kind": "MessageEvent"}""",
            """{"id": "e1", "timestamp": "2025-10-02T09:00:01", "source": "agent", "thought": [], "action": {"command": "rm -r logs", "kind": "TerminalAction"}, "tool_name": "terminal", "tool_call_id": "c1", "tool_call": {"id": "c1", "name": "terminal", "arguments": "{\"command\": \"rm -r logs\"}"}, "llm_response_id": "r1", "kind": "ActionEvent"}""",
            """{"id": "e2", "timestamp": "2025-10-02T09:00:02", "source": "user", "tool_name": "terminal", "tool_call_id": "c1", "rejection_reason": "Not the logs, please", "action_id": "e1", "kind": "UserRejectObservation"}""",
            """{"id": "e3", "timestamp": "2025-10-02T09:00:03", "source": "agent", "llm_message": {"role": "user", "content": [{"type": "text", "text": "Sub-task done."}]}, "sender": "planner", "kind": "MessageEvent"}""",
            """{"id": "e4", "timestamp": "2025-10-02T09:00:04", "source": "environment", "summary": "The person asked to delete logs and refused.", "kind": "CondensationSummaryEvent"}""",
            """{"id": "e5", "timestamp": "2025-10-02T09:00:05", "source": "environment", "kind": "CondensationRequest"}""",
            """{"id": "e6", "timestamp": "2025-10-02T09:00:06", "source": "user", "kind": "InterruptEvent"}""",
            """{"id": "e7", "timestamp": "2025-10-02T09:00:07", "source": "agent", "kind": "SomethingNewEvent"}""",
            """{"id": "e8", "timestamp": "2025-10-02T09:00:08", "source": "agent", "kind": "SomethingNewEvent"}"""));
        var record = result.Record!;
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.ParseError), (warning.Severity, warning.ErrorId));
        Assert.EndsWith("event-00007-00000007-aaaa-bbbb-cccc-dddddddddddd.json", warning.Path, StringComparison.Ordinal);
        Assert.Contains("'SomethingNewEvent'", warning.Message, StringComparison.Ordinal);
        Assert.Equal("Prompt Response ToolResult AgentMessage CompactionSummary", SampleFolder.Kinds(record));
        Assert.Equal(ContentBlockType.Image, record.Messages[0].Content[1].Type);
        Assert.Equal(("Not the logs, please", true), (record.Messages[2].Text, record.Messages[2].IsError));
        Assert.Equal(new[] { "gpt-5" }, record.Models);
        Assert.Equal("/w", record.Cwd);
        var kinds = (IReadOnlyDictionary<string, long>)record.SourceMeta["event_kinds"];
        Assert.Equal((1L, 1L, 2L), (kinds["CondensationRequest"], kinds["InterruptEvent"], kinds["SomethingNewEvent"]));
        Assert.Equal("c0ffee00000040008000000000000001", record.TraceId);
    }

    [Fact]
    public void An_acp_agents_tool_calls_are_calls_with_their_results_as_the_last_event_of_each_states_them()
    {
        var record = Read(SdkFolder("acp", State,
            """{"id": "e0", "timestamp": "2025-10-02T09:00:00", "source": "user", "llm_message": {"role": "user", "content": [{"type": "text", "text": "read a.txt and b.txt"}]}, "kind": "MessageEvent"}""",
            """{"id": "e1", "timestamp": "2025-10-02T09:00:01", "source": "agent", "tool_call_id": "toolu_1", "title": "Read", "status": "pending", "tool_kind": "read", "raw_input": {}, "kind": "ACPToolCallEvent"}""",
            """{"id": "e2", "timestamp": "2025-10-02T09:00:02", "source": "agent", "tool_call_id": "toolu_2", "title": "Read b.txt", "status": "in_progress", "raw_input": {"file_path": "/w/b.txt"}, "kind": "ACPToolCallEvent"}""",
            """{"id": "e3", "timestamp": "2025-10-02T09:00:03", "source": "agent", "tool_call_id": "toolu_1", "title": "Read a.txt", "status": "completed", "tool_kind": "read", "raw_input": {"file_path": "/w/a.txt"}, "raw_output": null, "content": [{"type": "content", "content": {"type": "text", "text": "hello"}}], "is_error": false, "kind": "ACPToolCallEvent"}""",
            """{"id": "e4", "timestamp": "2025-10-02T09:00:04", "source": "agent", "tool_call_id": "toolu_2", "title": "Read b.txt", "status": "failed", "raw_input": {"file_path": "/w/b.txt"}, "raw_output": "no such file", "is_error": false, "kind": "ACPToolCallEvent"}""",
            """{"id": "e5", "timestamp": "2025-10-02T09:00:05", "source": "agent", "llm_message": {"role": "assistant", "content": [{"type": "text", "text": "a.txt says hello; b.txt is missing."}]}, "kind": "MessageEvent"}""")).Record!;
        Assert.Equal("Prompt Response ToolResult ToolResult Response", SampleFolder.Kinds(record));
        var calls = record.Messages[1].ToolCalls;
        Assert.Equal(new[] { ("toolu_1", "read", "{\"file_path\": \"/w/a.txt\"}"), ("toolu_2", "Read b.txt", "{\"file_path\": \"/w/b.txt\"}") }, calls.Select(c => (c.Id, c.Name, c.Arguments)));
        Assert.Equal(("toolu_1", "hello", false), (record.Messages[2].ToolCallId, record.Messages[2].Text, record.Messages[2].IsError));
        Assert.Equal(("toolu_2", "no such file", true), (record.Messages[3].ToolCallId, record.Messages[3].Text, record.Messages[3].IsError));
        Assert.Equal("a.txt says hello; b.txt is missing.", record.Messages[4].Text);
        Assert.Equal(4L, ((IReadOnlyDictionary<string, long>)record.SourceMeta["event_kinds"])["ACPToolCallEvent"]);
    }

    [Fact]
    public void The_reasoning_item_of_openais_responses_api_is_the_reasoning_its_content_before_its_summary()
    {
        var record = Read(SdkFolder("responses", State,
            """{"id": "e0", "timestamp": "2025-10-02T09:00:00", "source": "user", "llm_message": {"role": "user", "content": [{"type": "text", "text": "list files"}]}, "kind": "MessageEvent"}""",
            """{"id": "e1", "timestamp": "2025-10-02T09:00:01", "source": "agent", "thought": [], "reasoning_content": null, "thinking_blocks": [], "responses_reasoning_item": {"id": "rs_1", "summary": ["I should run ls.", "Then read."], "content": null, "encrypted_content": "gAAA", "status": "completed"}, "action": {"command": "ls", "kind": "TerminalAction"}, "tool_name": "terminal", "tool_call_id": "c1", "tool_call": {"id": "c1", "name": "terminal", "arguments": "{}"}, "llm_response_id": "r1", "kind": "ActionEvent"}""",
            """{"id": "e2", "timestamp": "2025-10-02T09:00:02", "source": "environment", "tool_name": "terminal", "tool_call_id": "c1", "observation": {"content": [{"type": "text", "text": "a.txt"}], "is_error": false}, "kind": "ObservationEvent"}""",
            """{"id": "e3", "timestamp": "2025-10-02T09:00:03", "source": "agent", "llm_message": {"role": "assistant", "content": [{"type": "text", "text": "One file."}], "reasoning_content": null, "responses_reasoning_item": {"id": "rs_2", "summary": ["Short."], "content": ["Full reasoning."], "encrypted_content": null}}, "llm_response_id": "r2", "kind": "MessageEvent"}""")).Record!;
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal("I should run ls.\n\nThen read.", record.Messages[1].ReasoningContent);
        Assert.Equal("Full reasoning.", record.Messages[3].ReasoningContent);
    }

    [Fact]
    public void The_message_of_the_finish_tool_is_the_responses_text_and_the_call_is_kept()
    {
        var record = Read(SdkFolder("finish", State,
            """{"id": "e0", "timestamp": "2025-10-02T09:00:00", "source": "user", "llm_message": {"role": "user", "content": [{"type": "text", "text": "run ls"}]}, "kind": "MessageEvent"}""",
            """{"id": "e1", "timestamp": "2025-10-02T09:00:01", "source": "agent", "thought": [], "action": {"kind": "FinishAction", "message": "The directory is unreadable."}, "tool_name": "finish", "tool_call_id": "c2", "tool_call": {"id": "c2", "name": "finish", "arguments": "{\"message\": \"The directory is unreadable.\"}"}, "llm_response_id": "r2", "kind": "ActionEvent"}""",
            """{"id": "e2", "timestamp": "2025-10-02T09:00:02", "source": "agent", "thought": [], "tool_name": "finish", "tool_call_id": "c3", "tool_call": {"id": "c3", "name": "finish", "arguments": "{\"message\": \"Said again.\"}"}, "llm_response_id": "r3", "kind": "ActionEvent"}""")).Record!;
        Assert.Equal("Prompt Response Response", SampleFolder.Kinds(record));
        Assert.Equal(("The directory is unreadable.", "finish"), (record.Messages[1].Text, Assert.Single(record.Messages[1].ToolCalls).Name));
        Assert.Equal("Said again.", record.Messages[2].Text);

        var legacy = Read(LegacyFolder("finished", System, Ask,
            """{"id": 2, "timestamp": "2025-10-02T09:00:02", "source": "agent", "message": "", "action": "finish", "tool_call_metadata": {"function_name": "finish", "tool_call_id": "c9", "model_response": {"id": "r9", "model": "m1", "choices": [{"message": {"content": "", "tool_calls": [{"id": "c9", "function": {"name": "finish", "arguments": "{\"message\": \"Two files.\"}"}}]}}]}, "total_calls_in_response": 1}, "args": {"final_thought": "Two files.", "outputs": {}, "thought": ""}}""")).Record!;
        Assert.Equal("Context Prompt Response", SampleFolder.Kinds(legacy));
        Assert.Equal(("Two files.", "c9"), (legacy.Messages[2].Text, Assert.Single(legacy.Messages[2].ToolCalls).Id));
    }

    [Fact]
    public void Observations_of_sdks_before_1_0_give_their_output_and_error()
    {
        static string Call(string id, string tool) =>
            $$$"""{"id": "a{{{id}}}", "timestamp": "2025-10-02T09:00:01", "source": "agent", "thought": [], "tool_name": "{{{tool}}}", "tool_call_id": "{{{id}}}", "tool_call": {"id": "{{{id}}}", "name": "{{{tool}}}", "arguments": "{}"}, "llm_response_id": "r{{{id}}}", "kind": "ActionEvent"}""";
        var record = Read(SdkFolder("early", State,
            """{"id": "e0", "timestamp": "2025-10-02T09:00:00", "source": "user", "llm_message": {"role": "user", "content": [{"type": "text", "text": "run ls"}]}, "kind": "MessageEvent"}""",
            Call("c1", "execute_bash"),
            """{"id": "o1", "timestamp": "2025-10-02T09:00:02", "source": "environment", "tool_name": "execute_bash", "tool_call_id": "c1", "observation": {"kind": "ExecuteBashObservation", "output": "ls: cannot open directory", "command": "ls", "exit_code": 2, "error": true, "timeout": false}, "kind": "ObservationEvent"}""",
            Call("c2", "str_replace_editor"),
            """{"id": "o2", "timestamp": "2025-10-02T09:00:03", "source": "environment", "tool_name": "str_replace_editor", "tool_call_id": "c2", "observation": {"kind": "FileEditorObservation", "output": "", "path": "/w/a.txt", "error": "No such file: /w/a.txt"}, "kind": "ObservationEvent"}""",
            Call("c3", "task_tracker"),
            """{"id": "o3", "timestamp": "2025-10-02T09:00:04", "source": "environment", "tool_name": "task_tracker", "tool_call_id": "c3", "observation": {"kind": "TaskTrackerObservation", "content": "1 task", "command": "view", "task_list": []}, "kind": "ObservationEvent"}""")).Record!;
        Assert.Equal("Prompt Response ToolResult Response ToolResult Response ToolResult", SampleFolder.Kinds(record));
        Assert.Equal(("ls: cannot open directory", true, 2), (record.Messages[2].Text, record.Messages[2].IsError, record.Messages[2].ExitCode));
        Assert.Equal(("No such file: /w/a.txt", true), (record.Messages[4].Text, record.Messages[4].IsError));
        Assert.Equal(("1 task", false), (record.Messages[6].Text, record.Messages[6].IsError));
    }

    [Fact]
    public void Texts_openhands_sends_as_the_users_are_context_not_the_persons_prompts()
    {
        var record = Read(SdkFolder("injected", State,
            """{"id": "e0", "timestamp": "2025-10-02T09:00:00", "source": "user", "llm_message": {"role": "user", "content": [{"type": "text", "text": "list files"}]}, "kind": "MessageEvent"}""",
            """{"id": "e1", "timestamp": "2025-10-02T09:00:01", "source": "user", "llm_message": {"role": "user", "content": [{"type": "text", "text": "Your previous response was blocked by the model's content filter. Please continue, rephrasing to avoid the flagged content."}]}, "kind": "MessageEvent"}""",
            """{"id": "e2", "timestamp": "2025-10-02T09:00:02", "source": "user", "llm_message": {"role": "user", "content": [{"type": "text", "text": "The task appears incomplete (iteration 1, predicted success likelihood: 40.0%).\n\nPlease review what you've done."}]}, "kind": "MessageEvent"}""")).Record!;
        Assert.Equal("Prompt Context Context", SampleFolder.Kinds(record));

        string Sent(string id, string text) =>
            "{\"id\": \"" + id + "\", \"timestamp\": \"2026-04-02T09:00:00\", \"source\": \"user\", \"llm_message\": {\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"" + text + "\"}]}, \"kind\": \"MessageEvent\"}";
        var malformed = Read(SdkFolder("malformed", State,
            Sent("f0", "Parameter 'command' is expected to be one of ['view', 'create']."),
            Sent("f1", "Missing required parameters for function 'terminal': {'command'}"),
            Sent("f2", "Function 'bash_tool' not found in available tools: ['terminal', 'file_editor', 'finish']"),
            Sent("f3", "Parameter 'path' is not allowed for function 'finish'. Allowed parameters: {'message'}"),
            Sent("f4", "Your last response did not include a function call or a message. Please use a tool to proceed with the task."),
            Sent("f5", "[Stop hook feedback] The tests still fail."),
            Sent("f6", "Function 'x' not found in available tools: what does that mean?"))).Record!;
        // The last is a person quoting an error, not the error whole.
        Assert.Equal("Context Context Context Context Context Context Prompt", SampleFolder.Kinds(malformed));

        var path = Path.Combine(_folder, "eval.json");
        File.WriteAllText(path, "[\n    " + System + ",\n    " + Ask + ",\n    " +
            """{"id": 2, "timestamp": "2025-10-02T09:00:02", "source": "user", "message": "", "action": "message", "args": {"content": "Please continue working on the task on whatever approach you think is suitable.\nIf you think you have solved the task, please finish the interaction.", "image_urls": null}}""" + "\n]");
        var trajectory = Assert.Single(SampleFolder.Read(new OpenHandsReader(), new[] { path })).Record!;
        Assert.Equal("Context Prompt Context", SampleFolder.Kinds(trajectory));
    }

    [Fact]
    public void A_legacy_delegates_task_is_its_parents_message_and_a_resumed_runs_opening_is_context()
    {
        var path = Path.Combine(_folder, "delegated.json");
        File.WriteAllText(path, "[\n    " + string.Join(",\n    ", System,
            """{"id": 1, "timestamp": "2025-10-02T09:00:01", "source": "user", "message": "", "action": "message", "args": {"content": "Let's get back on track. If you experienced errors before, do NOT resume your task. Ask me about it.", "image_urls": null}}""",
            Ask,
            """{"id": 3, "timestamp": "2025-10-02T09:00:03", "source": "agent", "message": "", "action": "delegate", "args": {"agent": "BrowsingAgent", "inputs": {"task": "Find the docs page"}, "thought": ""}}""",
            """{"id": 4, "timestamp": "2025-10-02T09:00:04", "source": "user", "message": "", "action": "message", "args": {"content": "TASK: Find the docs page", "image_urls": null}}""",
            """{"id": 5, "timestamp": "2025-10-02T09:00:05", "source": "user", "message": "", "action": "message", "args": {"content": "TASK: Find the docs page", "image_urls": null}}""") + "\n]");
        var record = Assert.Single(SampleFolder.Read(new OpenHandsReader(), new[] { path })).Record!;
        // Only the message the delegation sent is its parent's; the same words sent again are the person's.
        Assert.Equal("Context Context Prompt Response AgentMessage Prompt", SampleFolder.Kinds(record));
    }

    [Fact]
    public void A_damaged_base_state_costs_the_usage_not_the_conversation_and_a_missing_events_folder_is_a_warning()
    {
        var path = SdkFolder("broken", "{\"id\": ",
            """{"id": "e0", "timestamp": "2025-10-02T09:00:00", "source": "user", "llm_message": {"role": "user", "content": [{"type": "text", "text": "Hi"}]}, "kind": "MessageEvent"}""",
            """{"id": "e1", "timestamp": "2025-10-02T09:00:01", "source": "agent", "kind": 5}""");
        var result = Read(path);
        Assert.Equal("Prompt", SampleFolder.Kinds(result.Record!));
        Assert.Equal(new[] { path, Path.Combine(Path.GetDirectoryName(path)!, "events", "event-00001-00000001-aaaa-bbbb-cccc-dddddddddddd.json") }, result.Diagnostics.Select(d => d.Path));

        Directory.Delete(Path.Combine(Path.GetDirectoryName(path)!, "events"), recursive: true);
        File.WriteAllText(path, State);
        var gone = Read(path);
        Assert.Null(gone.Record);
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.EmptyFile), (Assert.Single(gone.Diagnostics).Severity, gone.Diagnostics[0].ErrorId));
    }

    [Fact]
    public void A_trajectory_element_that_is_no_event_is_reported_by_the_line_it_starts_on()
    {
        var path = Path.Combine(_folder, "run.json");
        File.WriteAllText(path, $"[\n    {System},\n    42,\n    {Ask}\n]");
        var result = Assert.Single(SampleFolder.Read(new OpenHandsReader(), new[] { path }));
        Assert.Equal("Context Prompt", SampleFolder.Kinds(result.Record!));
        Assert.Equal((RolloutDiagnostic.ParseError, 3), (Assert.Single(result.Diagnostics).ErrorId, result.Diagnostics[0].LineNumber));
        Assert.Equal("trajectory", result.Record!.SourceMeta["generation"]);
    }

    [Fact]
    public void Event_files_and_the_files_beside_them_are_sidecars_and_one_file_stands_for_each_conversation()
    {
        var reader = new OpenHandsReader();
        var legacy = LegacyFolder("side", System, Ask);
        File.WriteAllText(Path.Combine(_folder, "sessions", "side", "metadata.json"), "{}");
        var sdk = SdkFolder("sdk", State, "{}");
        Assert.True(reader.IsTraceFile(legacy) && reader.IsTraceFile(sdk));
        Assert.True(reader.IsSidecarFile(Path.Combine(Path.GetDirectoryName(legacy)!, "1.json")));
        Assert.True(reader.IsSidecarFile(Path.Combine(_folder, "sessions", "side", "metadata.json")));
        Assert.True(reader.IsSidecarFile(Path.Combine(_folder, "sessions", "side", "event_cache", "0-25.json")));
        Assert.True(reader.IsSidecarFile(Path.Combine(Path.GetDirectoryName(sdk)!, "events", "event-00000-0000000a-aaaa-bbbb-cccc-dddddddddddd.json")));
        // A metadata.json elsewhere, or a 1.json outside an events folder, belongs to someone else.
        Assert.False(reader.IsSidecarFile(Path.Combine(_folder, "metadata.json")));
        Assert.False(reader.IsTraceFile(Path.Combine(_folder, "0.json")) || reader.IsSidecarFile(Path.Combine(_folder, "1.json")));
        Assert.Equal(new[] { Path.Combine(_folder, "sessions") }, reader.StoresIn(Path.Combine(_folder, "sessions")));
        Assert.Equal(new[] { Path.Combine(_folder, "conversations"), Path.Combine(_folder, "sessions") }, reader.StoresIn(_folder));
    }

    [Fact]
    public void Default_locations_follow_the_cli_and_the_file_store_variables()
    {
        var saved = new[] { OpenHandsReader.ConversationsVariable, OpenHandsReader.PersistenceVariable, OpenHandsReader.FileStoreVariable }
            .ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var variable in saved.Keys) Environment.SetEnvironmentVariable(variable, null);
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(new[] { Path.Combine(home, ".openhands", "conversations"), Path.Combine(home, ".openhands", "sessions") }, new OpenHandsReader().DefaultLocations());

            Environment.SetEnvironmentVariable(OpenHandsReader.PersistenceVariable, Path.Combine(_folder, "p"));
            Environment.SetEnvironmentVariable(OpenHandsReader.FileStoreVariable, "~/store");
            Assert.Equal(new[] { Path.Combine(_folder, "p", "conversations"), Path.Combine(home, "store", "sessions") }, new OpenHandsReader().DefaultLocations());

            Environment.SetEnvironmentVariable(OpenHandsReader.ConversationsVariable, Path.Combine(_folder, "c"));
            Assert.Equal(Path.Combine(_folder, "c"), new OpenHandsReader().DefaultLocations()[0]);

            LegacyFolder("found", System, Ask);
            Environment.SetEnvironmentVariable(OpenHandsReader.FileStoreVariable, _folder);
            var plan = new ReadPlan();
            plan.AddDefaultLocations(new[] { RolloutFormat.OpenHands });
            Assert.Equal("found", Assert.Single(plan.Read(new ReadOptions(), CancellationToken.None)).Record!.TraceId);
        }
        finally
        {
            foreach (var (variable, value) in saved) Environment.SetEnvironmentVariable(variable, value);
        }
    }
}
