using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.KimiCode;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Kimi Code's agent journals and kimi-cli's context files written here line by line: origins, damage, detection and places.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class KimiReaderTests : IDisposable
{
    private const string SessionId = "session_0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
    private const string Metadata = "{\"type\":\"metadata\",\"protocol_version\":\"1.4\",\"created_at\":1782295200000}";
    private readonly string _folder = Directory.CreateTempSubdirectory("kimi-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Message(string role, string text, string origin = "user", long second = 1) =>
        "{\"type\":\"context.append_message\",\"message\":{\"role\":\"" + role + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"toolCalls\":[],\"origin\":{\"kind\":\"" + origin + "\"}},\"time\":" + (1782295200000 + second * 1000) + "}";

    private static string Loop(string body, long second = 2) => "{\"type\":\"context.append_loop_event\",\"event\":{" + body + "},\"time\":" + (1782295200000 + second * 1000) + "}";

    private static readonly string[] Step =
    {
        Loop("\"type\":\"step.begin\",\"uuid\":\"s1\",\"turnId\":\"1\",\"step\":1"),
        Loop("\"type\":\"content.part\",\"uuid\":\"p1\",\"turnId\":\"1\",\"step\":1,\"stepUuid\":\"s1\",\"part\":{\"type\":\"text\",\"text\":\"Done.\"}"),
        Loop("\"type\":\"step.end\",\"uuid\":\"s1\",\"turnId\":\"1\",\"step\":1,\"usage\":{\"inputOther\":10,\"output\":5,\"inputCacheRead\":20,\"inputCacheCreation\":1},\"finishReason\":\"stop\""),
    };

    /// <summary>An agent's journal in a session folder of a Kimi Code home, as Kimi Code lays it out.</summary>
    private string Journal(string agent, params string[] lines)
    {
        var folder = Path.Combine(_folder, "kimi-code", "sessions", "wd_app_0123456789ab", SessionId, "agents", agent);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "wire.jsonl");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    /// <summary>A kimi-cli context file (and the wire beside it, when given) in a session folder of a share folder.</summary>
    private string Context(string[] lines, string[]? wire = null)
    {
        var folder = Path.Combine(_folder, "kimi", "sessions", "0123456789abcdef0123456789abcdef", "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "context.jsonl");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        if (wire is not null) File.WriteAllText(Path.Combine(folder, "wire.jsonl"), string.Join("\n", wire) + "\n");
        return path;
    }

    private static ReadResult ReadOne(string path)
    {
        var reader = new KimiCodeReader();
        return Assert.Single(RolloutLoader.ReadAll(reader.SessionsIn(path).ToArray(), new ReadOptions(), CancellationToken.None));
    }

    [Fact]
    public void Each_prompt_origin_gives_its_kind_and_a_subagents_task_is_its_parents_message()
    {
        var lines = new[]
        {
            Metadata, Message("user", "hi"), Message("user", "nightly check", "cron_job"), Message("user", "<bash-input>ls</bash-input>", "shell_command"),
            Message("user", "skill text", "skill_activation"), Message("user", "hook said no", "hook_result"), Message("user", "reminder", "injection"),
            Message("user", "summary", "compaction_summary"),
            Message("user", "<system>The user has imported context from notes.md. This is a prior conversation history.</system>"),
        }.Concat(Step).ToArray();
        var main = ReadOne(Journal("main", lines)).Record!;
        Assert.Equal("Prompt QueuedPrompt Command Command Context Context CompactionSummary Command Response", SampleFolder.Kinds(main));
        Assert.Equal(SessionId, main.TraceId);
        Assert.Equal(new TokenUsage(10, 5, 20, 1), main.Messages[^1].Usage);

        var sub = ReadOne(Journal("agent-2", Metadata, Message("user", "find it"))).Record!;
        Assert.Equal("AgentMessage", SampleFolder.Kinds(sub));
        Assert.Equal((SessionId + ":agent-2", "agent-2", true), (sub.TraceId, sub.AgentId, sub.IsSidechain));
    }

    [Fact]
    public void A_skill_the_person_asked_for_is_a_command_and_one_the_model_loaded_is_context()
    {
        static string Skill(string trigger) =>
            "{\"type\":\"context.append_message\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"# Review skill\"}],\"toolCalls\":[],\"origin\":{\"kind\":\"skill_activation\",\"activationId\":\"a\",\"skillName\":\"review\",\"trigger\":\"" + trigger + "\"}},\"time\":1782295201000}";
        var record = ReadOne(Journal("main", Metadata, Message("user", "review it"), Skill("user-slash"), Skill("model-tool"), Skill("nested-skill"))).Record!;
        Assert.Equal("Prompt Command Context Context", SampleFolder.Kinds(record));
        Assert.Equal(2L, record.SourceMeta["context_messages"]);
    }

    [Fact]
    public void The_turns_an_undo_removed_are_abandoned_and_it_passes_over_injections_and_stops_at_a_summary()
    {
        static string[] Answer(string uuid, string text, long second) => new[]
        {
            Loop("\"type\":\"step.begin\",\"uuid\":\"" + uuid + "\",\"turnId\":\"1\",\"step\":1", second),
            Loop("\"type\":\"content.part\",\"uuid\":\"p" + uuid + "\",\"turnId\":\"1\",\"step\":1,\"stepUuid\":\"" + uuid + "\",\"part\":{\"type\":\"text\",\"text\":\"" + text + "\"}", second),
            Loop("\"type\":\"step.end\",\"uuid\":\"" + uuid + "\",\"turnId\":\"1\",\"step\":1,\"finishReason\":\"stop\"", second),
        };
        const string undo = "{\"type\":\"context.undo\",\"count\":1,\"time\":1782295210000}";
        var lines = new[] { Metadata, Message("user", "first request") }.Concat(Answer("s1", "Done first.", 2))
            .Concat(new[] { Message("user", "oops, wrong request", second: 3) }).Concat(Answer("s2", "Doing the wrong thing.", 4))
            .Concat(new[] { Message("user", "reminder", "injection", 5), undo, Message("user", "right request", second: 11) })
            .Concat(Answer("s3", "Done right.", 12))
            .Concat(new[] { Message("user", "summary", "compaction_summary", 13), undo, Message("user", "after", second: 14) })
            .ToArray();
        var record = ReadOne(Journal("main", lines)).Record!;
        Assert.Equal("Prompt Response Prompt Response Context Prompt Response CompactionSummary Prompt", SampleFolder.Kinds(record));
        Assert.Equal(new[] { false, false, true, true, false, false, false, false, false }, record.Messages.Select(m => m.IsAbandoned));
        Assert.Equal(2L, record.SourceMeta["undos"]);
    }

    [Fact]
    public void A_damaged_line_a_piece_of_a_step_never_begun_and_an_unknown_role_are_reported_by_line_and_the_rest_reads()
    {
        var path = Journal("main", Metadata, Message("user", "hi"), "{\"type\":\"context.append_message\",\"mess",
            Loop("\"type\":\"content.part\",\"uuid\":\"p9\",\"stepUuid\":\"s9\",\"part\":{\"type\":\"text\",\"text\":\"lost\"}"),
            Message("narrator", "who"), Step[0], Step[1], Step[2]);
        var result = ReadOne(path);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(new int?[] { 3, 4, 5 }, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.LineNumber));
        Assert.All(result.Diagnostics, d => Assert.Equal(path, d.Path));
        Assert.Contains("step 's9'", result.Diagnostics[1].Message);
        Assert.Contains("role 'narrator'", result.Diagnostics[2].Message);
        Assert.Equal(3L, result.Record!.SourceMeta["skipped_lines"]);
    }

    /// <summary>A context.snapshot line whose history is the given messages (each a ContextMessage's JSON), with the open steps given.</summary>
    private static string Snapshot(string openSteps, params string[] history) =>
        "{\"type\":\"context.snapshot\",\"snapshot\":{\"history\":[" + string.Join(",", history) + "],\"tokenCount\":900,\"tokenCountCoveredMessageCount\":" + history.Length
        + ",\"openSteps\":" + openSteps + ",\"pendingToolResultIds\":[],\"deferredMessages\":[]},\"compactedHistory\":[],\"time\":1782295230000}";

    private const string SummaryInSnapshot = "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"We fixed the parser.\"}],\"toolCalls\":[],\"origin\":{\"kind\":\"compaction_summary\"}}";
    private const string KeptPrompt = "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"now the docs\"}],\"toolCalls\":[],\"origin\":{\"kind\":\"user\"}}";

    [Fact]
    public void A_snapshot_after_the_records_it_folds_adds_no_message_twice()
    {
        var path = Journal("main", new[] { Metadata, Message("user", "fix the parser") }.Concat(Step).Concat(new[]
        {
            Message("user", "now the docs", second: 20),
            "{\"type\":\"context.apply_compaction\",\"summary\":\"We fixed the parser.\",\"compactedCount\":2,\"tokensBefore\":5000,\"tokensAfter\":900,\"time\":1782295230000}",
            Snapshot("[]", SummaryInSnapshot, KeptPrompt),
            Message("user", "and the changelog", second: 40),
        }).ToArray());
        var record = ReadOne(path).Record!;
        Assert.Equal("Prompt Response Prompt CompactionSummary Prompt", SampleFolder.Kinds(record));
        Assert.Equal((1L, 1L), ((long)record.SourceMeta["context_snapshots"]!, (long)record.SourceMeta["compactions"]!));
    }

    [Fact]
    public void A_journal_that_opens_with_a_snapshot_reads_its_history_and_the_open_step_goes_on_after_it()
    {
        var openAnswer = "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Reading them.\"}],\"toolCalls\":[{\"type\":\"function\",\"id\":\"call_1\",\"name\":\"ReadFile\",\"arguments\":\"{\\\"path\\\":\\\"README.md\\\"}\"}]}";
        var path = Journal("main", Metadata, Snapshot("[[\"s1\",2]]", SummaryInSnapshot, KeptPrompt, openAnswer),
            Loop("\"type\":\"tool.result\",\"toolCallId\":\"call_1\",\"result\":{\"output\":\"# Docs\",\"isError\":false}", 31),
            Loop("\"type\":\"content.part\",\"uuid\":\"p2\",\"stepUuid\":\"s1\",\"part\":{\"type\":\"text\",\"text\":\" Done.\"}", 32),
            Step[2]);
        var result = ReadOne(path);
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("CompactionSummary Prompt Response ToolResult", SampleFolder.Kinds(record));
        Assert.Equal("We fixed the parser.", record.Messages[0].Text);
        // The piece streamed after the snapshot lands on the snapshot's message of that step, and the step's usage with it.
        Assert.Contains("Done.", record.Messages[2].Text);
        Assert.Equal("ReadFile", Assert.Single(record.Messages[2].ToolCalls).Name);
        Assert.Equal(new TokenUsage(10, 5, 20, 1), record.Messages[2].Usage);
    }

    [Fact]
    public void A_snapshot_without_a_history_is_reported_by_line_and_the_rest_reads()
    {
        var path = Journal("main", Metadata, "{\"type\":\"context.snapshot\",\"snapshot\":{\"tokenCount\":1},\"time\":1782295230000}", Message("user", "hi", second: 40));
        var result = ReadOne(path);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((path, 2), (error.Path, error.LineNumber));
        Assert.Equal("Prompt", SampleFolder.Kinds(result.Record!));
    }

    [Fact]
    public void A_protocol_1_0_journal_is_known_by_its_metadata_and_its_nested_tool_calls_read()
    {
        // Journals have had created_at since Kimi Code's first commit (records/wire-file.ts, protocol 1.0); v1.1 flattened
        // each call's function {name, arguments} onto the call (records/migration/v1.1.ts).
        const string old = "{\"type\":\"metadata\",\"protocol_version\":\"1.0\",\"created_at\":1779400000000}";
        Assert.Equal(DetectionScore.Certain, new KimiCodeReader().Score(JsonHead.Read(System.Text.Encoding.UTF8.GetBytes(old))!));
        var path = Journal("main", old, Message("user", "list files"),
            "{\"type\":\"context.append_message\",\"message\":{\"role\":\"assistant\",\"content\":[],\"toolCalls\":[{\"type\":\"function\",\"id\":\"call_1\",\"function\":{\"name\":\"Shell\",\"arguments\":\"{\\\"command\\\":\\\"ls\\\"}\"}}]},\"time\":1779400002000}",
            "{\"type\":\"context.append_message\",\"message\":{\"role\":\"tool\",\"content\":[{\"type\":\"text\",\"text\":\"README.md\"}],\"toolCalls\":[],\"toolCallId\":\"call_1\"},\"time\":1779400003000}");
        var record = ReadOne(path).Record!;
        Assert.Equal("Prompt Response ToolResult", SampleFolder.Kinds(record));
        var call = Assert.Single(record.Messages[1].ToolCalls);
        Assert.Equal(("Shell", "{\"command\":\"ls\"}"), (call.Name, call.Arguments));
        Assert.Equal("1.0", record.SourceMeta["protocol_version"]);
    }

    [Fact]
    public void An_image_moved_to_the_blobs_folder_keeps_its_address_and_the_media_type_it_states()
    {
        var path = Journal("main", Metadata,
            "{\"type\":\"context.append_message\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"this one\"},{\"type\":\"image_url\",\"imageUrl\":{\"url\":\"blobref:image/png;9f86d081884c7d65\"}}],\"toolCalls\":[],\"origin\":{\"kind\":\"user\"}},\"time\":1782295201000}");
        var image = Assert.Single(ReadOne(path).Record!.Messages[0].Content, b => b.Type == ContentBlockType.Image);
        Assert.Equal(("image/png", "blobref:image/png;9f86d081884c7d65"), (image.MediaType, image.Url));
    }

    [Fact]
    public void A_subagent_names_the_call_that_started_it_as_its_parents_result_says()
    {
        static string Result(string call, string output) =>
            Loop("\"type\":\"tool.result\",\"toolCallId\":\"" + call + "\",\"result\":{\"output\":\"" + output + "\",\"isError\":false}", 9);
        Journal("main", Metadata, Message("user", "go"),
            Result("call_agent", "agent_id: agent-0\\nactual_subagent_type: explore\\nstatus: completed\\n\\n[summary]\\nFound it."),
            Result("call_swarm", "<agent_swarm_result>\\n<subagent agent_id=\\\"agent-1\\\" item=\\\"a\\\" outcome=\\\"completed\\\">ok</subagent>\\n</agent_swarm_result>"),
            Result("call_resume", "agent_id: agent-0\\nstatus: completed"));
        Assert.Equal("call_agent", ReadOne(Journal("agent-0", Metadata, Message("user", "find it"))).Record!.SourceMeta["parent_tool_use_id"]);
        Assert.Equal("call_swarm", ReadOne(Journal("agent-1", Metadata, Message("user", "a"))).Record!.SourceMeta["parent_tool_use_id"]);
        Assert.False(ReadOne(Journal("agent-5", Metadata, Message("user", "b"))).Record!.SourceMeta.ContainsKey("parent_tool_use_id"));
    }

    [Fact]
    public void A_kimi_cli_subagent_names_the_call_its_parents_wire_wraps_its_events_in()
    {
        var session = Path.GetDirectoryName(Context(new[] { "{\"role\":\"user\",\"content\":\"hi\"}" }, new[]
        {
            "{\"type\":\"metadata\",\"protocol_version\":\"1.3\"}",
            "{\"timestamp\":1782381634.0,\"message\":{\"type\":\"SubagentEvent\",\"payload\":{\"parent_tool_call_id\":\"Task:3\",\"agent_id\":\"b7d2\",\"subagent_type\":\"coder\",\"event\":{\"type\":\"StepBegin\",\"payload\":{\"n\":1}}}}}",
        }))!;
        var folder = Path.Combine(session, "subagents", "b7d2");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "context.jsonl");
        File.WriteAllText(path, "{\"role\":\"user\",\"content\":\"check the dates\"}\n");
        var record = ReadOne(path).Record!;
        Assert.Equal(("b7d2", "Task:3"), (record.AgentId, record.SourceMeta["parent_tool_use_id"]));
    }

    [Fact]
    public void A_journal_with_its_metadata_line_alone_is_skipped_as_holding_no_message_yet()
    {
        var result = ReadOne(Journal("main", Metadata));
        Assert.Null(result.Record);
        Assert.Equal("the session holds no message yet", result.SkipReason);
    }

    [Fact]
    public void A_kimi_cli_compaction_summary_is_one_message_and_a_failed_tool_result_an_error()
    {
        var path = Context(new[]
        {
            "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<system>Previous context has been compacted. Here is the compaction output:</system>\"},{\"type\":\"text\",\"text\":\"We fixed the parser.\"}]}",
            "{\"role\":\"user\",\"content\":\"Run the tests\"}",
            "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"type\":\"function\",\"id\":\"Shell:0\",\"function\":{\"name\":\"Shell\",\"arguments\":\"{}\"}}]}",
            "{\"role\":\"tool\",\"content\":[{\"type\":\"text\",\"text\":\"<system>ERROR: Command failed with exit code: 1.</system>\"}],\"tool_call_id\":\"Shell:0\"}",
            "{\"role\":\"_usage\",\"token_count\":812}",
        });
        var record = ReadOne(path).Record!;
        Assert.Equal("CompactionSummary Prompt Response ToolResult", SampleFolder.Kinds(record));
        Assert.Equal(2, record.Messages[0].Content.Count);
        Assert.True(record.Messages[3].IsError);
        Assert.Equal(1L, record.SourceMeta["compactions"]);
        Assert.Equal(812L, record.SourceMeta["context_tokens"]);
    }

    /// <summary>kimi-cli's wire beside a context file: its metadata, then one event a line.</summary>
    private static string[] Wire(params string[] events) =>
        new[] { "{\"type\":\"metadata\",\"protocol_version\":\"1.9\"}" }
            .Concat(events.Select((e, i) => "{\"timestamp\":" + (1782381600 + i) + ",\"message\":" + e + "}")).ToArray();

    private static string TurnBegin(string input) => "{\"type\":\"TurnBegin\",\"payload\":{\"user_input\":\"" + input + "\"}}";

    private static string User(string text) => "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}";

    private static string Answer(string text) => "{\"role\":\"assistant\",\"content\":\"" + text + "\"}";

    private const string Notification = "<notification id=\\\"n1\\\" category=\\\"task\\\" type=\\\"task.completed\\\" source_kind=\\\"background_task\\\" source_id=\\\"t1\\\">\\nTitle: Task done\\n</notification>";

    [Fact]
    public void A_kimi_cli_notification_and_a_stop_hooks_reason_are_context_as_the_wire_names_only_the_persons_words()
    {
        var path = Context(
            new[]
            {
                User("fix the bug"), Answer("Starting it."), User(Notification),
                User("The stop hook blocked: tests are failing"), Answer("Fixed."),
                User("and the docs"), User("also the changelog"), Answer("Done."),
            },
            Wire(
                TurnBegin("fix the bug"), "{\"type\":\"TurnEnd\",\"payload\":{}}", TurnBegin("and the docs"),
                "{\"type\":\"SteerInput\",\"payload\":{\"user_input\":[{\"type\":\"text\",\"text\":\"also the changelog\"}]}}"));
        var record = ReadOne(path).Record!;
        // The hook's reason is plain text (kimisoul.py run), sent in the turn the person began, with no TurnBegin of its own.
        Assert.Equal("Prompt Response Context Context Response Prompt Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal(2L, record.SourceMeta["context_messages"]);
    }

    [Fact]
    public void Without_a_usable_wire_a_stop_hooks_reason_reads_as_a_prompt_and_a_prompt_from_before_the_wire_stays_one()
    {
        string[] lines = { User("fix the bug"), Answer("Done."), User("The stop hook blocked: tests are failing"), Answer("Fixed.") };
        Assert.Equal("Prompt Response Prompt Response", SampleFolder.Kinds(ReadOne(Context(lines)).Record!));
        // A damaged wire may have lost the person's turn: nothing is taken from it.
        var damaged = Wire(TurnBegin("fix the bug")).Append("{\"timestamp\":17").ToArray();
        Assert.Equal("Prompt Response Prompt Response", SampleFolder.Kinds(ReadOne(Context(lines, damaged)).Record!));
        // kimi-cli kept no wire before 0.59: a session begun then has its first prompts on no TurnBegin.
        string[] resumed = { User("old words"), Answer("Ok."), User("new words"), Answer("Ok."), User("The stop hook blocked: lint"), Answer("Ok.") };
        Assert.Equal("Prompt Response Prompt Response Context Response", SampleFolder.Kinds(ReadOne(Context(resumed, Wire(TurnBegin("new words")))).Record!));
    }

    [Fact]
    public void A_skill_the_person_ran_is_a_command_and_a_flows_question_and_the_tasks_left_after_a_compaction_are_context()
    {
        var path = Context(
            new[]
            {
                User("<system>Previous context has been compacted. Here is the compaction output:</system>"),
                "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<system>The following background tasks are still active after compaction.</system>\"},{\"type\":\"text\",\"text\":\"<active-background-tasks>\\nActive: 1\\n</active-background-tasks>\"}]}",
                User("# Review\\nRead the diff.\\n\\nUser request:\\nsrc/a.py"), Answer("Reviewed."),
                User("Is it done?\\n\\nAvailable branches:\\n- CONTINUE\\n- STOP\\n\\nReply with a choice using <choice>...</choice>."), Answer("<choice>STOP</choice>"),
            },
            Wire(TurnBegin("/compact"), TurnBegin("/skill:review src/a.py"), TurnBegin("Is it done?")));
        var record = ReadOne(path).Record!;
        Assert.Equal("CompactionSummary Context Command Response Context Response", SampleFolder.Kinds(record));
    }

    [Fact]
    public void Every_task_of_a_kimi_cli_subagent_is_its_parents_and_the_request_for_a_longer_summary_is_kimis()
    {
        var session = Path.GetDirectoryName(Context(new[] { User("hi") }))!;
        var folder = Path.Combine(session, "subagents", "b7d2");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "context.jsonl");
        File.WriteAllLines(path, new[]
        {
            User("check the dates"), Answer("ISO."),
            User("Your previous response was too brief. Please provide a more comprehensive summary that includes:"), Answer("ISO 8601, column one."),
            User("now the amounts"), Answer("Cents."),
        });
        Assert.Equal("AgentMessage Response Context Response AgentMessage Response", SampleFolder.Kinds(ReadOne(path).Record!));
    }

    [Fact]
    public void A_damaged_line_of_kimi_clis_wire_is_a_warning_naming_it_and_the_other_steps_tokens_still_count()
    {
        var path = Context(
            new[] { "{\"role\":\"user\",\"content\":\"hi\"}", "{\"role\":\"assistant\",\"content\":\"hello\"}" },
            new[]
            {
                "{\"type\":\"metadata\",\"protocol_version\":\"1.3\"}",
                "{\"timestamp\":1782381600.5,\"message\":{\"type\":\"StatusUpdate\",\"payload\":{\"token_usage\":{\"input_other\":7,\"output\":3,\"input_cache_read\":0,\"input_cache_creation\":0}}}}",
                "{\"timestamp\":17823",
            });
        var result = ReadOne(path);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, RolloutDiagnostic.SidecarDamaged), (warning.Severity, warning.ErrorId));
        Assert.Contains(Path.Combine(Path.GetDirectoryName(path)!, "wire.jsonl") + ", line 3", warning.Message);
        Assert.Equal(new TokenUsage(7, 3, 0, 0), SampleFolder.Tokens(result.Record!));
        Assert.Equal("1.3", result.Record!.SourceMeta["protocol_version"]);
    }

    [Fact]
    public void Detection_knows_a_journal_by_its_metadata_and_a_context_file_by_kimis_own_roles()
    {
        var reader = new KimiCodeReader();
        Assert.Equal(DetectionScore.Certain, reader.Score(JsonHead.Read(System.Text.Encoding.UTF8.GetBytes(Metadata))!));
        Assert.Equal(DetectionScore.None, reader.Score(JsonHead.Read("{\"type\":\"metadata\",\"protocol_version\":\"1.3\"}"u8)!));
        Assert.Equal(DetectionScore.Certain, reader.Score(JsonHead.Read("{\"role\":\"_system_prompt\",\"content\":\"You are Kimi\"}"u8)!));
        Assert.Equal(DetectionScore.None, reader.Score(JsonHead.Read("{\"role\":\"user\",\"content\":\"hi\"}"u8)!));
    }

    [Fact]
    public void Journals_and_context_files_are_traces_by_place_and_the_files_beside_them_are_not()
    {
        var reader = new KimiCodeReader();
        var journal = Journal("main", Metadata);
        var context = Context(new[] { "{\"role\":\"user\",\"content\":\"hi\"}" }, new[] { "{\"type\":\"metadata\",\"protocol_version\":\"1.3\"}" });
        var legacyWire = Path.Combine(Path.GetDirectoryName(context)!, "wire.jsonl");
        var state = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(journal)!)!)!, "state.json");
        File.WriteAllText(state, "{}");
        Assert.True(reader.IsTraceFile(journal));
        Assert.True(reader.IsTraceFile(context));
        Assert.False(reader.IsTraceFile(legacyWire));
        Assert.True(reader.IsSidecarFile(legacyWire));
        Assert.True(reader.IsSidecarFile(state));
        Assert.False(reader.IsTraceFile(Path.Combine(_folder, "wire.jsonl")));
        Assert.False(reader.IsTraceFile(Path.Combine(_folder, "notes", "context.jsonl")));
        Assert.Equal(new[] { state }, Assert.Single(reader.SessionsIn(journal)).DependsOn);
        Assert.Equal(new NamedIds(SessionId), Assert.Single(reader.SessionsIn(journal)).Ids);
    }

    [Fact]
    public void A_journal_outside_kimis_layout_named_with_the_format_is_read_under_its_own_name()
    {
        var path = Path.Combine(_folder, "copied.jsonl");
        File.WriteAllLines(path, new[] { Metadata, Message("user", "hi") }.Concat(Step));
        var reader = new KimiCodeReader();
        var result = Assert.Single(RolloutLoader.ReadAll(new[] { new SessionReference(TraceSource.FromFile(path), reader) }, new ReadOptions(), CancellationToken.None));
        Assert.Equal(("copied", "copied", false), (result.Record!.TraceId, result.Record.RootSessionId, result.Record.IsSidechain));
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record));
    }

    [Fact]
    public void The_default_locations_follow_KIMI_CODE_HOME_KIMI_SHARE_DIR_and_SCREAM_CODE_HOME()
    {
        var variables = new[] { KimiCodeReader.HomeVariable, KimiCodeReader.LegacyHomeVariable, KimiCodeReader.ForkHomeVariable };
        var previous = variables.Select(Environment.GetEnvironmentVariable).ToArray();
        try
        {
            foreach (var (variable, value) in variables.Zip(new[] { "/k", "/s", "/f" })) Environment.SetEnvironmentVariable(variable, value);
            Assert.Equal(new[] { Path.Combine("/k", "sessions"), Path.Combine("/s", "sessions"), Path.Combine("/f", "sessions") }, new KimiCodeReader().DefaultLocations());
            foreach (var variable in variables) Environment.SetEnvironmentVariable(variable, null);
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(
                new[] { Path.Combine(home, ".kimi-code", "sessions"), Path.Combine(home, ".kimi", "sessions"), Path.Combine(home, ".scream-code", "sessions") },
                new KimiCodeReader().DefaultLocations());
        }
        finally
        {
            foreach (var (variable, value) in variables.Zip(previous)) Environment.SetEnvironmentVariable(variable, value);
        }
    }
}
