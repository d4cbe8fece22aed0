using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.KimiCode;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/kimi-code holds a Kimi Code home (kimi-code/, KIMI_CODE_HOME) with one session of a main agent and a
/// subagent, and a kimi-cli share folder (kimi/, KIMI_SHARE_DIR) with one session whose context was cleared once and
/// which ran a subagent (samples/kimi-code/README.md says what each file shows).
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class KimiSamplesTests
{
    private const string Session = "session_5b1f3c2e-8d4a-4f6b-9c7e-2a1d0e9f8b7c";
    private const string Legacy = "9e4b7a10-2c3d-4e5f-8a9b-0c1d2e3f4a5b";

    private static readonly Lazy<(IReadOnlyList<string> Files, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var previous = (Environment.GetEnvironmentVariable(KimiCodeReader.HomeVariable), Environment.GetEnvironmentVariable(KimiCodeReader.LegacyHomeVariable));
        Environment.SetEnvironmentVariable(KimiCodeReader.HomeVariable, SampleFolder.Root("kimi-code", "kimi-code"));
        Environment.SetEnvironmentVariable(KimiCodeReader.LegacyHomeVariable, SampleFolder.Root("kimi-code", "kimi"));
        try
        {
            var sessions = SessionLocator.InDefaultLocations(new KimiCodeReader(), new TraceSearch()).Sessions;
            return (sessions.Select(s => s.Source.Path).ToArray(), RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
        }
        finally
        {
            Environment.SetEnvironmentVariable(KimiCodeReader.HomeVariable, previous.Item1);
            Environment.SetEnvironmentVariable(KimiCodeReader.LegacyHomeVariable, previous.Item2);
        }
    });

    private static RolloutRecord Record(string id) => SampleFolder.Record(Run.Value.Results, id);

    [Fact]
    public void The_default_locations_give_each_agent_journal_and_context_file_and_leave_the_files_beside_them_alone()
    {
        Assert.Equal(
            new[]
            {
                "kimi-code/sessions/wd_payments-api_1629fe615d2d/" + Session + "/agents/agent-0/wire.jsonl",
                "kimi-code/sessions/wd_payments-api_1629fe615d2d/" + Session + "/agents/main/wire.jsonl",
                "kimi/sessions/bed6ebbbfadb8452a8a1e60b184319ed/" + Legacy + "/context.jsonl",
                "kimi/sessions/bed6ebbbfadb8452a8a1e60b184319ed/" + Legacy + "/context_1.jsonl",
                "kimi/sessions/bed6ebbbfadb8452a8a1e60b184319ed/" + Legacy + "/subagents/a3c9e1f0/context.jsonl",
            },
            Run.Value.Files.Select(f => Path.GetRelativePath(SampleFolder.Root("kimi-code"), f).Replace('\\', '/')).Order(StringComparer.Ordinal));
        Assert.Empty(Run.Value.Results.SelectMany(r => r.Diagnostics));
        Assert.All(Run.Value.Results, r => Assert.NotNull(r.Record));
    }

    [Fact]
    public void A_kimi_code_session_rebuilds_each_step_from_its_loop_events_with_the_usage_step_end_states()
    {
        var record = Record(Session);
        Assert.Equal("Context Prompt Response ToolResult ToolResult Response ToolResult Response ToolResult Response Command Command CompactionSummary Prompt Response", SampleFolder.Kinds(record));
        Assert.StartsWith("<system-reminder>\nThe working directory is a git repository", record.Messages[0].Text);
        var prompt = record.Messages[1];
        Assert.Equal("The retry test in tests/test_retry.py fails about one run in five. Find out why and fix it.", prompt.Text);
        Assert.Equal("image/png", Assert.Single(prompt.Content, b => b.Type == ContentBlockType.Image).MediaType);

        var first = record.Messages[2];
        Assert.Equal("A test that fails one run in five usually depends on timing. I should read the test and run it a few times.", first.ReasoningContent);
        Assert.Equal("I'll read the test and run it to see the failure.", first.Text);
        Assert.Equal(new[] { ("tool_ReadFile_01", "ReadFile", "{\"path\":\"tests/test_retry.py\"}"), ("tool_Shell_02", "Shell", "{\"command\":\"pytest tests/test_retry.py -q --count 5\"}") },
            first.ToolCalls.Select(c => (c.Id, c.Name, c.Arguments)));
        Assert.Equal(new TokenUsage(2140, 96, 10240, 0), first.Usage);
        Assert.Equal("chatcmpl-7d2e9a01", first.ResponseId);
        Assert.Equal("kimi-k2.7-code", first.Model);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1782295202000), first.Timestamp);
        Assert.Equal(("tool_ReadFile_01", "ReadFile", false), (record.Messages[3].ToolCallId, record.Messages[3].ToolName, record.Messages[3].IsError));
        Assert.Equal(("tool_Shell_02", true), (record.Messages[4].ToolCallId, record.Messages[4].IsError));
        Assert.StartsWith("F....\nFAILED", record.Messages[4].Text);
        Assert.Equal("Agent", Assert.Single(record.Messages[5].ToolCalls).Name);
        Assert.StartsWith("<bash-input>", record.Messages[10].Text);
        Assert.StartsWith("Previous context has been compacted. Summary:", record.Messages[12].Text);

        Assert.Equal("Fix the flaky retry backoff test", record.Title);
        Assert.Equal("/home/dev/projects/payments-api", record.Cwd);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1782295200000), record.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1782295294000), record.EndedAt);
        Assert.Equal(new[] { "kimi-k2.7-code" }, record.Models);
        Assert.False(record.IsSidechain);
        Assert.Null(record.AgentId);
        // Five steps as step.end states them, and the compaction's request that usage.record states apart.
        Assert.Equal(new TokenUsage(4652 + 3120, 370 + 410, 48670 + 10240, 0), SampleFolder.Tokens(record));
        var compaction = Assert.Single(record.UnlistedResponses);
        Assert.Equal(new TokenUsage(3120, 410, 10240, 0), compaction.Usage);
        Assert.Equal(5L, record.SourceMeta["steps"]);
        Assert.Equal(1L, record.SourceMeta["compactions"]);
        // The snapshot written after the compaction holds the summary and the kept shell output, both read already.
        Assert.Equal(1L, record.SourceMeta["context_snapshots"]);
        Assert.Equal("1.4", record.SourceMeta["protocol_version"]);
    }

    [Fact]
    public void A_kimi_code_subagent_is_a_sidechain_of_its_session_whose_task_is_its_parents_message()
    {
        var record = Record(Session + ":agent-0");
        Assert.Equal("AgentMessage Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.True(record.IsSidechain);
        Assert.Equal("agent-0", record.AgentId);
        Assert.Equal(Session, record.RootSessionId);
        Assert.Equal("main", record.SourceMeta["parent_agent_id"]);
        Assert.Equal("tool_Agent_03", record.SourceMeta["parent_tool_use_id"]);
        Assert.Equal("sub", record.SourceMeta["subagent_type"]);
        Assert.Equal("/home/dev/projects/payments-api", record.Cwd);
        Assert.Equal(new TokenUsage(1916, 82, 1850, 0), SampleFolder.Tokens(record));
    }

    [Fact]
    public void A_kimi_cli_context_splits_reminders_from_the_prompt_and_takes_times_and_stated_tokens_from_the_wire()
    {
        var record = Record(Legacy);
        Assert.Equal("Context Context Prompt Context Response ToolResult Response ToolResult ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(MessageRole.System, record.Messages[0].Role);
        Assert.Equal("<system>CHECKPOINT 0</system>", record.Messages[1].Text);
        Assert.Equal("Make reconcile.py accept a --since date.", record.Messages[2].Text);
        Assert.StartsWith("<system-reminder>", record.Messages[3].Text);
        Assert.Equal("I need to see how the script parses its arguments first.", record.Messages[4].ReasoningContent);
        Assert.Equal(("ReadFile:0", "ReadFile"), (record.Messages[5].ToolCallId, record.Messages[5].ToolName));
        Assert.Equal(new[] { "Task:1", "Shell:2" }, record.Messages[6].ToolCalls.Select(c => c.Id));
        Assert.Equal(("Task:1", false), (record.Messages[7].ToolCallId, record.Messages[7].IsError));
        Assert.Equal(("Shell:2", true), (record.Messages[8].ToolCallId, record.Messages[8].IsError));
        Assert.Equal("Make reconcile.py accept a --since date.", record.Title);
        Assert.Equal("/home/dev/projects/ledger", record.Cwd);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1782381600), record.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1782381644200), record.EndedAt);
        // Every step's StatusUpdate, the one before /clear too; the subagent's, wrapped in SubagentEvent, is its own record's.
        Assert.Equal(new TokenUsage(2335, 280, 6374, 0), SampleFolder.Tokens(record));
        Assert.All(record.Messages, m => Assert.Null(m.Usage));
        Assert.Equal(2905L, record.SourceMeta["context_tokens"]);
        Assert.Equal(2L, record.SourceMeta["checkpoints"]);
    }

    [Fact]
    public void A_kimi_cli_context_set_aside_by_clear_is_a_record_of_its_own_without_the_wires_times_and_tokens()
    {
        var record = Record(Legacy + ":context_1");
        Assert.Equal("Context Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("What does scripts/reconcile.py do?", record.Title);
        Assert.Equal(Legacy, record.RootSessionId);
        Assert.False(record.IsSidechain);
        Assert.Null(record.StartedAt);
        Assert.Equal(0L, record.TotalTokens);
        Assert.Equal(1L, record.SourceMeta["context_rotation"]);
    }

    [Fact]
    public void A_kimi_cli_subagent_takes_its_type_task_and_model_from_its_meta_json()
    {
        var record = Record(Legacy + ":a3c9e1f0");
        Assert.Equal("Context AgentMessage Response", SampleFolder.Kinds(record));
        Assert.True(record.IsSidechain);
        Assert.Equal(("a3c9e1f0", Legacy), (record.AgentId, record.RootSessionId));
        Assert.Equal("Check the date format", record.Title);
        Assert.Equal(new[] { "kimi-k2-turbo-preview" }, record.Models);
        Assert.Equal("coder", record.SourceMeta["subagent_type"]);
        // Its parent's wire wraps its events in SubagentEvents naming the Task call.
        Assert.Equal("Task:1", record.SourceMeta["parent_tool_use_id"]);
        Assert.Equal(new TokenUsage(900, 30, 0, 0), SampleFolder.Tokens(record));
    }
}
