using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Codex;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/codex mirrors a CODEX_HOME with every rollout generation (samples/codex/README.md says which
/// Codex source each mirrors). Read as Get-AgentRollout reads the default locations, with CODEX_HOME there.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class CodexSamplesTests
{
    private static readonly Lazy<IReadOnlyList<ReadResult>> Results = new(() =>
    {
        var previous = Environment.GetEnvironmentVariable("CODEX_HOME");
        Environment.SetEnvironmentVariable("CODEX_HOME", SampleFolder.Root("codex"));
        try
        {
            var reader = new CodexReader();
            return SampleFolder.Read(reader, SessionLocator.InDefaultLocations(reader, new TraceSearch()).Sessions.Select(s => s.Source.Path).Distinct().ToArray());
        }
        finally
        {
            Environment.SetEnvironmentVariable("CODEX_HOME", previous);
        }
    });

    private static RolloutRecord Record(string traceId) => SampleFolder.Record(Results.Value, traceId);

    [Fact]
    public void Every_generation_reads_without_errors_and_the_active_copy_wins()
    {
        Assert.DoesNotContain(Results.Value, r => r.Diagnostics.Count > 0);
        Assert.Equal(13, Results.Value.Count(r => r.Record is not null));
        var g2 = Assert.Single(Results.Value, r => r.Record?.TraceId == "019aa34c-c6e2-7d2f-8b66-8cfc48e6059d");
        Assert.Contains($"{Path.DirectorySeparatorChar}sessions{Path.DirectorySeparatorChar}", g2.Source.Path);
    }

    [Fact]
    public void A_reverted_thread_gives_a_record_per_rollout_linked_and_each_turn_once()
    {
        const string thread = "01a11b2c-4d5e-7f60-8a1b-2c3d4e5f6071";
        var first = Record(thread);
        var later = Record($"{thread}:01a11b40-9e8d-7c6b-9a5f-4e3d2c1b0a99");

        // The first rollout keeps the turn the revert took back; the later one holds only what came after.
        Assert.Equal(new[] { "Add a size limit to the tile cache.", "Added a 256 MB limit with least-recently-used eviction in cache/limit.go.",
            "Now evict by tile age instead.", "Switched eviction to the oldest tile first." }, first.Messages.Select(m => m.Text));
        Assert.Equal(new[] { "Keep LRU, but never evict tiles of the current zoom level.",
            "LRU now skips tiles at the current zoom level; they leave only when the level changes." }, later.Messages.Select(m => m.Text));
        Assert.Equal(thread, later.RootSessionId);
        Assert.Equal(thread, later.SourceMeta["session_id"]);
        Assert.Equal(thread, later.SourceMeta["continues"]);
        Assert.Equal(5L, later.SourceMeta["inherited_records"]);
        Assert.Equal("paginated", later.SourceMeta["history_mode"]);
        Assert.False(first.SourceMeta.ContainsKey("continues"));
        // Each rollout's responses are its own: the later one's usage is its one response, not the thread's total.
        Assert.Equal(new TokenUsage(370, 88, 10240, 0), SampleFolder.Tokens(later));
    }

    [Fact]
    public void Envelope_session_of_2025_with_compaction_abort_and_model_switch()
    {
        var g2 = Record("019aa34c-c6e2-7d2f-8b66-8cfc48e6059d");

        Assert.Equal(
            "Context Context Context Prompt Response ToolResult Response ToolResult Response ToolResult Response Prompt Response ToolResult Response " +
            "CompactionSummary Prompt Response Prompt Response",
            SampleFolder.Kinds(g2));
        Assert.Equal(new TokenUsage(18204, 3411, 57984, 0), SampleFolder.Tokens(g2));
        Assert.Equal(1568L, g2.SourceMeta["reasoning_output_tokens"]);
        Assert.Equal(new[] { "gpt-5.1-codex", "gpt-5.1-codex-mini" }, g2.Models);
        Assert.Equal(new[] { "medium", "low" }, (IEnumerable<string>)g2.SourceMeta["reasoning_efforts"]);
        Assert.Equal("Fix cent rounding", g2.Title);
        Assert.Equal("fix/rounding", g2.GitBranch);
        Assert.Equal("0.63.0", g2.SourceMeta["cli_version"]);
        Assert.Equal(1L, g2.SourceMeta["aborted_turns"]);
        Assert.Equal(1L, g2.SourceMeta["unanswered_tool_calls"]);
        Assert.Equal(DateTimeOffset.Parse("2025-11-20T22:05:09.218Z"), g2.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2025-11-20T22:10:52.240Z"), g2.EndedAt);
        Assert.Equal("apply_patch", g2.Messages[6].ToolCalls.Single().Name);
        Assert.All(g2.Messages.Where(m => m.Role == MessageRole.Tool && m.ToolName != "web_search"), m => Assert.Equal(0, m.ExitCode));
    }

    [Fact]
    public void Newest_session_reads_items_once_and_its_subagent_skips_the_copied_history()
    {
        var g3 = Record("019ccfad-d001-7921-871a-a0881e3e9483");
        Assert.Equal(
            "Context Context Context Prompt Response ToolResult Response ToolResult Response AgentMessage Response ToolResult Response",
            SampleFolder.Kinds(g3));
        Assert.Equal(new TokenUsage(18182, 1742, 61568, 0), SampleFolder.Tokens(g3));
        Assert.Equal("Split CSV importer", g3.Title);
        Assert.Equal(DateTimeOffset.Parse("2026-03-08T23:00:00.641Z"), g3.StartedAt);
        Assert.Equal(TimeSpan.FromTicks(831_000), g3.Messages[5].ToolDuration);
        Assert.StartsWith("The importer mixes", g3.Messages[4].ReasoningContent);

        var sub = Record("019ccfb2-61b7-7429-aa26-f59410d95df5");
        Assert.Equal("AgentMessage Response ToolResult Response", SampleFolder.Kinds(sub));
        Assert.True(sub.IsSidechain);
        Assert.Equal("019ccfad-d001-7921-871a-a0881e3e9483", sub.RootSessionId);
        Assert.Equal(sub.TraceId, sub.AgentId);
        Assert.Equal(new TokenUsage(3374, 862, 30336, 0), SampleFolder.Tokens(sub));
        Assert.Equal(10L, sub.SourceMeta["replayed_lines"]);
        Assert.Equal("Quartz", sub.SourceMeta["agent_nickname"]);
        Assert.Equal(new[] { "medium" }, (IEnumerable<string>)sub.SourceMeta["reasoning_efforts"]);
        Assert.Equal(DateTimeOffset.Parse("2026-03-08T23:05:00.087Z"), sub.StartedAt);
    }

    private static (string? CallId, int? ExitCode, TimeSpan? Duration, bool? IsError)[] Outputs(RolloutRecord record) =>
        record.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => (m.ToolCallId, m.ExitCode, m.ToolDuration, m.IsError)).ToArray();

    [Fact]
    public void Envelope_session_of_0_145_from_the_IDE_takes_prompts_from_events_and_exit_codes_from_late_end_events()
    {
        var g4 = Record("019f5fae-ddd4-732a-89d2-1754d65130a3");

        Assert.Equal(
            "Context Context Context Context Prompt Response ToolResult Response ToolResult Response ToolResult Response ToolResult Response ToolResult Response " +
            "Prompt Response ToolResult Response Prompt Response ToolResult Response",
            SampleFolder.Kinds(g4));
        Assert.Equal(MessageRole.System, g4.Messages[0].Role);
        // G4:7: the IDE extension's one text, split into the editor state and the request; its user_message (G4:8) is not a second prompt.
        Assert.Equal(
            "# Context from my IDE setup:\n\n## Active file: internal/relay/buffer.go\n\n## Open tabs:\n- buffer.go: internal/relay/buffer.go\n- buffer_test.go: internal/relay/buffer_test.go",
            g4.Messages[3].Text);
        Assert.Equal("The relay drops points when the buffer flushes during shutdown. Find out why and fix it.", g4.Messages[4].Text);
        Assert.Equal("Is this a known problem upstream? Link an issue if there is one.", g4.Messages[16].Text);
        // G4:50: a prompt written only as a user_message event.
        Assert.Equal("commit it with a message that says what was lost", g4.Messages[20].Text);
        Assert.Equal(DateTimeOffset.Parse("2026-07-14T08:16:25.717Z"), g4.Messages[20].Timestamp);

        Assert.Equal("**Reproducing the shutdown loss**", g4.Messages[5].ReasoningContent);
        Assert.Equal("**Draining before exit**", g4.Messages[9].ReasoningContent);
        Assert.StartsWith("`flushLoop` returns on `ctx.Done()`", g4.Messages[9].Text);
        Assert.Equal(
            new[] { "exec_command", "write_stdin", "apply_patch", "exec_command", "exec_command", "web_search", "exec_command" },
            g4.Messages.SelectMany(m => m.ToolCalls).Select(c => c.Name));
        // G4:42-43: the search item has no id and no query; its end event, written just before, has both.
        Assert.Equal(
            new ToolCall("ws_4656363f32f969f9c0907db66fd42ae9", "web_search", "{\"type\":\"search\",\"query\":\"golang context cancellation drain buffered channel before shutdown metrics exporter issue\"}"),
            Assert.Single(g4.Messages[17].ToolCalls));
        Assert.Equal(
            new (string?, int?, TimeSpan?, bool?)[]
            {
                // G4:13 "Process running with session ID 63018": exit code and run time from the end event G4:16, written later.
                ("call_PFbkP3dncPmMmwQxyhXz246f", 1, TimeSpan.FromTicks(146_040_000), true),
                ("call_u23kTD2HQWsizgNJpMr19e1r", 1, TimeSpan.FromTicks(31_120_000), true),
                ("call_5m4TUhc2PleWVmbe6benQKe4", 0, TimeSpan.Zero, false),
                // G4:29: the sandbox's failure sentence carries the exit code; the end event G4:28 the run time.
                ("call_RHU1uHoqAU96Ud72FDCGm9bq", 1, TimeSpan.FromTicks(4_020_000), true),
                ("call_UcP2muscl7ytY59Bmxdaz8CP", 0, TimeSpan.FromTicks(51_022_000), false),
                ("ws_4656363f32f969f9c0907db66fd42ae9", null, null, false),
                ("call_67DL0cyiR9RFEQ3KCifG4zoB", 0, TimeSpan.FromTicks(2_914_000), false),
            },
            Outputs(g4));
        Assert.StartsWith("failed in sandbox LinuxSeccomp with execution error: sandbox denied exec error, exit code: 1", g4.Messages[12].Text);

        Assert.Equal(new TokenUsage(16547, 1528, 113024, 0), SampleFolder.Tokens(g4));
        Assert.Equal(720L, g4.SourceMeta["reasoning_output_tokens"]);
        Assert.Equal(new TokenUsage(561, 61, 12672, 0), g4.Messages[7].Usage);
        Assert.Null(g4.Messages[17].Usage);
        Assert.Equal("The relay drops points when the buffer flushes during shutdown. Find out why and fix it.", g4.Title);
        Assert.Equal(new[] { "gpt-5.5" }, g4.Models);
        Assert.Equal("0.145.2", g4.SourceMeta["cli_version"]);
        Assert.Equal("codex_vscode", g4.SourceMeta["originator"]);
        Assert.Equal("vscode", g4.SourceMeta["source"]);
        Assert.Equal("main", g4.GitBranch);
        Assert.Equal("/home/dev/metrics-relay", g4.Cwd);
        Assert.Equal(DateTimeOffset.Parse("2026-07-14T08:12:03.412Z"), g4.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-07-14T08:16:32.182Z"), g4.EndedAt);
        Assert.Equal("Committed as 5e0a2c7: \"relay: drain buffered points on shutdown\".", g4.FinalAssistantMessage);
        Assert.False(g4.SourceMeta.ContainsKey("unanswered_tool_calls"));
    }

    [Fact]
    public void Paginated_session_of_0_152_takes_the_prompt_from_content_item_kinds()
    {
        var g5 = Record("01a0f39d-f7c7-7e45-a285-455283955e82");

        Assert.Equal("Context Context Context Context Prompt Response ToolResult Response", SampleFolder.Kinds(g5));
        // G5:7 reads like a request, but its label (hooks.additional_context) says nobody typed it.
        Assert.Equal("On-call note: the relay on edge-3 restarted twice today; check its logs before changing anything.", g5.Messages[3].Text);
        Assert.Equal("How many points did the relay drop on shutdown last week? The logs are in var/log/relay.", g5.Messages[4].Text);
        Assert.Equal(new (string?, int?, TimeSpan?, bool?)[] { ("call_9AOsqx2Hk2EhkrctEibDr2AJ", 0, TimeSpan.FromTicks(412_000), false) }, Outputs(g5));
        Assert.Equal(new TokenUsage(12324, 199, 11776, 0), SampleFolder.Tokens(g5));
        Assert.Equal(g5.Messages[4].Text, g5.Title);
        Assert.Equal("0.152.0", g5.SourceMeta["cli_version"]);
        Assert.Equal(new[] { "low" }, (IEnumerable<string>)g5.SourceMeta["reasoning_efforts"]);
        Assert.Equal(DateTimeOffset.Parse("2026-09-30T18:40:11.207Z"), g5.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-09-30T18:40:26.357Z"), g5.EndedAt);
    }

    [Fact]
    public void Older_generations_read_too()
    {
        var g1 = Record("711430f6-164e-4380-bd93-428bc1fab80f");
        Assert.Equal("bare-jsonl", g1.SourceMeta["generation"]);
        Assert.Equal("Context Context Prompt Response ToolResult Response ToolResult Response Prompt Response ToolResult Response", SampleFolder.Kinds(g1));
        Assert.Equal("local_shell", g1.Messages[5].ToolCalls.Single().Name);
        Assert.Equal(1, g1.Messages[6].ExitCode);
        Assert.True(g1.Messages[6].IsError);
        Assert.Equal("/home/dev/ledger", g1.Cwd);

        var archived = Record("01999c6c-ce92-7192-8270-eca49c3f6393");
        Assert.Equal(new TokenUsage(5176, 237, 4736, 0), SampleFolder.Tokens(archived));
        Assert.Equal(@"C:\Users\dev\source\widgets", archived.Cwd);

        var ts = Record("6958e93c-9ebd-462c-9573-643b91f15bc8");
        Assert.Equal("typescript-json", ts.SourceMeta["generation"]);
        Assert.Equal("Context Prompt Response ToolResult Response ToolResult Response", SampleFolder.Kinds(ts));
        Assert.Equal(1, ts.Messages[3].ExitCode);

        var chat = Record("56b04fa5-785a-4bb1-90b9-30006e1f4882");
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(chat));
        Assert.NotNull(chat.Messages[1].ReasoningContent);
    }

    [Fact]
    public void Every_tool_message_answers_an_earlier_call_in_every_sample() =>
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Value.Select(r => r.Record).OfType<RolloutRecord>());
}

/// <summary>Tests that set process-wide environment variables never run in parallel with each other.</summary>
[CollectionDefinition(nameof(EnvironmentVariables), DisableParallelization = true)]
public sealed class EnvironmentVariables
{
}
