using System.Globalization;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Hermes;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/hermes mirrors a ~/.hermes (samples/hermes/README.md says what each file shows). Read as
/// Get-AgentRollout reads the default location, with HERMES_HOME there.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class HermesSamplesTests
{
    private static readonly Lazy<(IReadOnlyList<string> Files, IReadOnlyList<ReadResult> Results)> Run = new(() => Read(new ReadOptions()));

    private static (IReadOnlyList<string>, IReadOnlyList<ReadResult>) Read(ReadOptions options)
    {
        var previous = Environment.GetEnvironmentVariable("HERMES_HOME");
        Environment.SetEnvironmentVariable("HERMES_HOME", SampleFolder.Root("hermes"));
        try
        {
            var reader = new HermesReader();
            var files = SessionLocator.InDefaultLocations(reader, new TraceSearch()).Sessions.Select(s => s.Source.Path).Distinct().ToArray();
            return (files, SampleFolder.Read(reader, files, options));
        }
        finally
        {
            Environment.SetEnvironmentVariable("HERMES_HOME", previous);
        }
    }

    private static IReadOnlyList<ReadResult> Results => Run.Value.Results;

    private static RolloutRecord Record(string traceId) => SampleFolder.Record(Results, traceId);

    private static DateTimeOffset Utc(string time) => DateTimeOffset.Parse(time + "Z", CultureInfo.InvariantCulture);

    /// <summary>The files and sessions.json write local time without an offset: read as this machine's local time.</summary>
    private static DateTimeOffset Local(string time) => DateTimeOffset.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal).ToUniversalTime();

    [Fact]
    public void The_home_and_its_profile_are_found_without_the_index_or_the_request_dump()
    {
        var names = Run.Value.Files.Select(f => Path.GetRelativePath(SampleFolder.Root("hermes"), f).Replace('\\', '/')).ToArray();
        Assert.Equal(new[]
        {
            "profiles/work/sessions/20260221_101500_5ac4e1.jsonl",
            "profiles/work/state.db",
            "sessions/20260311_193000_77aa88.jsonl",
            "sessions/session_20260310_140000_0f1e2d.json",
            "sessions/session_20260316_101010_abcdef.json",
            "state.db",
        }, names);
    }

    [Fact]
    public void Every_store_reads_without_errors_and_a_session_in_two_stores_is_one_record()
    {
        Assert.DoesNotContain(Results, r => r.Diagnostics.Count > 0);
        Assert.Equal(
            new[] { "20260221_101500_5ac4e1", "20260220_150000_b0b0b0", "20260311_193000_77aa88", "20260310_140000_0f1e2d", "20260312_091500_a1b2c3", "20260312_091540_c0ffee", "20260314_170230_d4e5f6", "20260316_101010_abcdef" },
            Results.Where(r => r.Record is not null).Select(r => r.Record!.TraceId));
        var d = Assert.Single(Results, r => r.Record?.TraceId == "20260316_101010_abcdef");
        Assert.EndsWith("state.db", d.Source.Path);
        var snapshot = Assert.Single(Results, r => r.Source.Path.EndsWith("session_20260316_101010_abcdef.json", StringComparison.Ordinal));
        Assert.Null(snapshot.Record);
        Assert.Equal($"session 20260316_101010_abcdef is read from '{SampleFolder.Root("hermes", "state.db")}' instead (state.db is Hermes' own store and holds the most)", snapshot.SkipReason);
        Assert.Contains(Results, r => r.SkipReason == "session 20260317_120000_e1e2e3 holds no message yet");
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Where(r => r.Record is not null).Select(r => r.Record!));
    }

    [Fact]
    public void A_cli_session_in_state_db_keeps_its_reasoning_tool_calls_usage_and_repository()
    {
        var a = Record("20260312_091500_a1b2c3");
        Assert.Equal("Context Prompt Response ToolResult Response ToolResult ToolResult Response ToolResult Response", SampleFolder.Kinds(a));
        Assert.Equal(RolloutFormat.HermesAgent, a.Format);
        Assert.Equal("hermes_agent", a.SourceKind);
        Assert.Equal("Fix the flaky upload retry test", a.Title);
        Assert.Equal("/home/dev/acme-shop", a.Cwd);
        Assert.Equal("/home/dev/acme-shop", a.ProjectPath);
        Assert.Equal("fix/upload-retry", a.GitBranch);
        Assert.Equal("20260312_091500_a1b2c3", a.RootSessionId);
        Assert.False(a.IsSidechain);
        Assert.Equal(Utc("2026-03-12T09:15:00"), a.StartedAt);
        Assert.Equal(Utc("2026-03-12T09:21:40"), a.EndedAt);
        Assert.Equal(new[] { "anthropic/claude-sonnet-4.5" }, a.Models);
        Assert.Equal(new TokenUsage(18420, 2315, 41200, 6100), SampleFolder.Tokens(a));
        Assert.StartsWith("You are Hermes", a.Messages[0].Text);
        Assert.Equal(MessageRole.System, a.Messages[0].Role);

        var first = a.Messages[2];
        Assert.Equal("A test that fails one run in five smells of timing or randomness. Run it many times first.", first.ReasoningContent);
        Assert.Equal(new ToolCall("call_a01", "terminal", "{\"command\": \"pytest tests/test_upload.py -k retry -q --count 20\"}"), first.ToolCalls.Single());
        Assert.Equal("anthropic/claude-sonnet-4.5", first.Model);
        Assert.Equal(Utc("2026-03-12T09:15:09"), first.Timestamp);
        Assert.Equal(new[] { "read_file", "delegate_task" }, a.Messages[4].ToolCalls.Select(c => c.Name));
        Assert.Equal(("call_a02", "read_file"), (a.Messages[5].ToolCallId, a.Messages[5].ToolName));
        Assert.Equal(Utc("2026-03-12T09:15:36.4"), a.Messages[5].Timestamp);
        Assert.StartsWith("The jitter", a.Messages[7].ReasoningContent);
        Assert.StartsWith("The retry helper slept", a.FinalAssistantMessage);

        Assert.Equal("state_db", a.SourceMeta["store"]);
        Assert.Equal("cli", a.SourceMeta["platform"]);
        Assert.Equal("0.1187", a.SourceMeta["estimated_cost_usd"]);
        Assert.Equal(640L, a.SourceMeta["reasoning_tokens"]);
        Assert.Equal("openrouter", a.SourceMeta["billing_provider"]);
        Assert.Equal("user_exit", a.SourceMeta["end_reason"]);
        Assert.Equal("stop: 1, tool_calls: 3", a.SourceMeta["finish_reasons"].ToString());
    }

    [Fact]
    public void A_subagent_session_is_a_sidechain_of_its_parent_with_its_task_from_the_parent()
    {
        var c = Record("20260312_091540_c0ffee");
        Assert.Equal("AgentMessage Response ToolResult Response", SampleFolder.Kinds(c));
        Assert.True(c.IsSidechain);
        Assert.Equal("20260312_091540_c0ffee", c.AgentId);
        Assert.Equal("20260312_091500_a1b2c3", c.RootSessionId);
        Assert.Equal("20260312_091500_a1b2c3", c.SourceMeta["parent_session_id"]);
        Assert.Equal("Find other tests that sleep for a random time", c.Title);
        Assert.Equal(new[] { "google/gemini-2.5-flash" }, c.Models);
    }

    [Fact]
    public void A_compacted_gateway_session_reads_its_whole_history_once_with_the_summary_in_place()
    {
        var b = Record("20260314_170230_d4e5f6");
        Assert.Equal("Prompt Response ToolResult Response CompactionSummary Prompt Response Prompt Response", SampleFolder.Kinds(b));
        Assert.Equal("What changed in the billing service this week?", b.Title);
        var image = b.Messages[5];
        Assert.Equal("And what does this error mean?", image.Text);
        Assert.Equal(ContentBlockType.Image, image.Content[1].Type);
        Assert.Equal("image/png", image.Content[1].MediaType);
        Assert.StartsWith("[CONTEXT COMPACTION]", b.Messages[4].Text);
        Assert.StartsWith("Billing update:", b.FinalAssistantMessage);
        Assert.Equal("Keep it to two lines and say whether anyone has to act.", b.Messages[8].ReasoningContent);
        Assert.DoesNotContain(b.Messages, m => m.IsAbandoned);
        Assert.Equal(new TokenUsage(9300, 1420, 2048, 0), SampleFolder.Tokens(b));
        Assert.Equal(Utc("2026-03-14T17:02:30"), b.StartedAt);
        Assert.Equal(Utc("2026-03-14T17:41:05"), b.EndedAt);
        Assert.Equal("telegram", b.SourceMeta["platform"]);
        Assert.Equal("agent:main:telegram:dm:5550001", b.SourceMeta["session_key"]);
        Assert.Equal("dm", b.SourceMeta["chat_type"]);
        Assert.Equal("Sam (DM)", b.SourceMeta["display_name"]);
        Assert.Equal(1L, b.SourceMeta["session_meta_rows"]);
        Assert.Equal(5L, b.SourceMeta["compacted_rows"]);
        Assert.Equal(2L, b.SourceMeta["duplicate_rows"]);
        Assert.Equal(1L, b.SourceMeta["rewound_rows"]);
    }

    [Fact]
    public void IncludeAbandoned_keeps_the_rewound_answer_in_place_and_marked()
    {
        var (_, results) = Read(new ReadOptions { IncludeAbandoned = true });
        var b = SampleFolder.Record(results, "20260314_170230_d4e5f6");
        Assert.Equal("Prompt Response ToolResult Response CompactionSummary Prompt Response Prompt Response Response", SampleFolder.Kinds(b));
        Assert.True(b.Messages[8].IsAbandoned);
        Assert.StartsWith("Billing this week:", b.Messages[8].Text);
        Assert.False(b.Messages[9].IsAbandoned);
    }

    [Fact]
    public void An_early_schema_without_titles_or_flags_reads_with_its_inline_system_prompt()
    {
        var w = Record("20260220_150000_b0b0b0");
        Assert.Equal("Context Prompt Response ToolResult Response", SampleFolder.Kinds(w));
        Assert.Equal("You are Hermes, an AI assistant made by Nous Research.", w.Messages[0].Text);
        Assert.Equal("How much space is left on the backup disk?", w.Title);
        Assert.Equal(new TokenUsage(3100, 240, 0, 0), SampleFolder.Tokens(w));
        Assert.Equal("work", w.SourceMeta["profile"]);
        Assert.Equal(new[] { "nousresearch/hermes-4-70b" }, w.Models);
        Assert.Null(w.Cwd);
    }

    [Fact]
    public void A_cli_snapshot_keeps_its_system_prompt_tools_and_parallel_calls()
    {
        var s = Record("20260310_140000_0f1e2d");
        Assert.Equal("Context Prompt Response ToolResult Response ToolResult ToolResult Response", SampleFolder.Kinds(s));
        Assert.Equal("cli_snapshot", s.SourceMeta["store"]);
        Assert.Equal(new[] { "terminal", "read_file", "patch" }, (IEnumerable<string>)s.SourceMeta["tools"]);
        Assert.Equal("https://inference-api.nousresearch.com/v1", s.SourceMeta["base_url"]);
        Assert.Equal("I'll find every use first.", s.Messages[2].Text);
        Assert.Equal("A plain search shows the call sites; then patch each.", s.Messages[2].ReasoningContent);
        Assert.Equal(new[] { "call_s02", "call_s03" }, s.Messages[4].ToolCalls.Select(c => c.Id));
        Assert.Equal("patch", s.Messages[6].ToolName);
        Assert.Equal(Local("2026-03-10T14:00:00.512031"), s.StartedAt);
        Assert.Equal(Local("2026-03-10T14:02:41.090114"), s.EndedAt);
        Assert.Equal(default, SampleFolder.Tokens(s));
    }

    [Fact]
    public void A_gateway_transcript_takes_its_metadata_from_session_meta_and_its_totals_from_sessions_json()
    {
        var g = Record("20260311_193000_77aa88");
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(g));
        Assert.Equal("gateway_transcript", g.SourceMeta["store"]);
        Assert.Equal("discord", g.SourceMeta["platform"]);
        Assert.Equal(1L, g.SourceMeta["session_meta_rows"]);
        Assert.Equal(new[] { "terminal" }, (IEnumerable<string>)g.SourceMeta["tools"]);
        Assert.Equal(new[] { "openai/gpt-5-mini" }, g.Models);
        Assert.Equal("agent:main:discord:thread:1100000000000000001:1100000000000000002", g.SourceMeta["session_key"]);
        Assert.Equal("#deploys / staging", g.SourceMeta["display_name"]);
        Assert.Equal("thread", g.SourceMeta["chat_type"]);
        Assert.Equal("0.0011", g.SourceMeta["estimated_cost_usd"]);
        Assert.Equal(new TokenUsage(2210, 96, 1024, 0), SampleFolder.Tokens(g));
        Assert.Equal(Local("2026-03-11T19:30:00.100201"), g.StartedAt);
        Assert.Equal(Local("2026-03-11T19:30:12.700310"), g.EndedAt);
        Assert.Equal(Local("2026-03-11T19:30:06.902311"), g.Messages[1].Timestamp);
        Assert.Equal("Check the latest run of the staging workflow.", g.Messages[1].ReasoningContent);
    }

    [Fact]
    public void An_early_transcript_indexed_by_a_plain_session_id_reads_in_its_profile()
    {
        var p = Record("20260221_101500_5ac4e1");
        Assert.Equal("Prompt Response", SampleFolder.Kinds(p));
        Assert.Equal("agent:main:slack:dm:U0SAMPLE01", p.SourceMeta["session_key"]);
        Assert.Equal("work", p.SourceMeta["profile"]);
        Assert.False(p.SourceMeta.ContainsKey("session_meta_rows"));
        Assert.Equal(Local("2026-02-21T10:15:03.220001"), p.StartedAt);
        Assert.Equal(Local("2026-02-21T10:15:06.010442"), p.EndedAt);
    }
}
