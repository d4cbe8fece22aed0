using System.Globalization;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.OpenCode;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/opencode mirrors an XDG data folder holding OpenCode's and Kilo CLI's (samples/opencode/README.md says
/// what each file shows). Read as Get-AgentRollout reads the default locations, with XDG_DATA_HOME there.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class OpenCodeSamplesTests
{
    private const string A = "ses_3a1f0c2e8ffeQm4wTz7LkP2sVd";
    private const string C = "ses_3a1f0b7d2ffe9XnR5bHc1JtYqe";
    private const string D = "ses_3b9e2a1d5ffeKm3Ln5Po7Qr9St";
    private const string E = "ses_3a0e1f4c7ffdPa8Rb2Sc4Td6Uf";
    private const string K = "ses_3a05f1e2dffeKi1Lo2Cl3Iq4Rs";
    private const string L = "ses_3c2d4e6f8ffdWx1Yz3Ab5Cd7Ef";

    private static readonly Lazy<(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var previous = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        Environment.SetEnvironmentVariable("XDG_DATA_HOME", SampleFolder.Root("opencode"));
        try
        {
            var sessions = SessionLocator.InDefaultLocations(new OpenCodeReader(), new TraceSearch()).Sessions;
            return (sessions, RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", previous);
        }
    });

    private static IReadOnlyList<ReadResult> Results => Run.Value.Results;

    private static RolloutRecord Record(string id) => SampleFolder.Record(Results, id);

    private static DateTimeOffset Utc(string time) => DateTimeOffset.Parse(time + "Z", CultureInfo.InvariantCulture);

    private static string Relative(string path) => Path.GetRelativePath(SampleFolder.Root("opencode"), path).Replace('\\', '/');

    [Fact]
    public void Both_apps_stores_are_located_a_reference_per_database_row_and_per_session_file()
    {
        var sessions = Run.Value.Sessions;
        Assert.Equal(new[]
        {
            $"opencode/opencode.db#{D}", $"opencode/opencode.db#{A}", $"opencode/opencode.db#{C}", $"opencode/opencode.db#{E}", "opencode/opencode.db#ses_3a0d9c8b7ffcEmptyNoMsgs01",
            $"opencode/storage/session/6d1e0c4b9a2f7e38c5d0a1b2c3d4e5f60718293a/{D}.json",
            $"opencode/storage/session/6d1e0c4b9a2f7e38c5d0a1b2c3d4e5f60718293a/{L}.json",
            $"kilo/kilo.db#{K}",
        }, sessions.Select(s => Relative(s.Source.Path) + (s.Source.Key is { } key ? "#" + key : string.Empty)));
        Assert.Equal(C, sessions.Single(s => s.Source.Key == C).Ids!.AgentId);
        Assert.Equal(Utc("2026-03-02T09:02:20"), sessions.Single(s => s.Source.Key == A).LastActivity);
        Assert.All(sessions.Where(s => s.Source.Key is not null), s => Assert.Equal(new[] { s.Source.Path + "-wal" }, s.DependsOn));
        var legacy = sessions.Single(s => s.Source.Path.EndsWith(L + ".json", StringComparison.Ordinal));
        Assert.Equal(L, legacy.Ids!.TraceId);
        Assert.Equal(new[]
        {
            $"opencode/storage/message/{L}/msg_c3d2b1a0f001Gh9Ij1Kl3Mn5Op.json",
            "opencode/storage/part/msg_c3d2b1a0f001Gh9Ij1Kl3Mn5Op/prt_c3d2b1a0f002Qr7St9Uv1Wx3Yz.json",
            $"opencode/storage/message/{L}/msg_c3d2b1a1a001Ab5Cd7Ef9Gh1Ij.json",
            "opencode/storage/part/msg_c3d2b1a1a001Ab5Cd7Ef9Gh1Ij/prt_c3d2b1a1a002Kl3Mn5Op7Qr9St.json",
            "opencode/storage/part/msg_c3d2b1a1a001Ab5Cd7Ef9Gh1Ij/prt_c3d2b1a1a003Uv1Wx3Yz5Ab7Cd.json",
            "opencode/storage/part/msg_c3d2b1a1a001Ab5Cd7Ef9Gh1Ij/prt_c3d2b1a1a004Ef9Gh1Ij3Kl5Mn.json",
            $"opencode/storage/message/{L}/msg_c3d2b1a2b001Op7Qr9St1Uv3Wx.json",
            "opencode/storage/part/msg_c3d2b1a2b001Op7Qr9St1Uv3Wx/prt_c3d2b1a2b002Yz5Ab7Cd9Ef1Gh.json",
        }, legacy.DependsOn.Select(Relative));
    }

    [Fact]
    public void Every_store_reads_without_errors_and_a_session_in_both_stores_is_one_record_from_the_database()
    {
        Assert.DoesNotContain(Results, r => r.Diagnostics.Count > 0);
        Assert.Equal(new[] { D, A, C, E, L, K }, Results.Where(r => r.Record is not null).Select(r => r.Record!.TraceId));
        Assert.EndsWith("opencode.db", Record(D).SourcePath);
        var copy = Assert.Single(Results, r => r.Source.Path.EndsWith(D + ".json", StringComparison.Ordinal));
        Assert.Equal($"session {D} is read from '{SampleFolder.Root("opencode", "opencode", "opencode.db")}' instead (OpenCode copied its JSON storage into the database when it moved to SQLite, and writes only there since)", copy.SkipReason);
        Assert.Contains(Results, r => r.SkipReason == "session ses_3a0d9c8b7ffcEmptyNoMsgs01 holds no message yet");
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Where(r => r.Record is not null).Select(r => r.Record!));
    }

    [Fact]
    public void A_session_keeps_its_prompt_image_context_reasoning_tool_calls_results_and_step_usage()
    {
        var a = Record(A);
        Assert.Equal("Prompt Context Response ToolResult ToolResult Response ToolResult Response ToolResult Prompt Response ToolResult Response", SampleFolder.Kinds(a));
        Assert.Equal(RolloutFormat.OpenCode, a.Format);
        Assert.Equal("opencode", a.SourceKind);
        Assert.Equal(A, a.RootSessionId);
        Assert.Null(a.AgentId);
        Assert.False(a.IsSidechain);
        Assert.Equal("/home/dev/acme-shop", a.Cwd);
        Assert.Equal("/home/dev/acme-shop", a.ProjectPath);
        Assert.Null(a.GitBranch);
        Assert.Equal("Fix leap year parsing", a.Title);
        Assert.Equal(Utc("2026-03-02T09:00:00"), a.StartedAt);
        Assert.Equal(Utc("2026-03-02T09:02:20"), a.EndedAt);
        Assert.Equal(new[] { "claude-sonnet-4-5" }, a.Models);

        var prompt = a.Messages[0];
        Assert.Equal("The date parser test fails on leap years. The screenshot shows the failure. Fix it.", prompt.Text);
        var image = prompt.Content[1];
        Assert.Equal(ContentBlockType.Image, image.Type);
        Assert.Equal("image/png", image.MediaType);
        Assert.StartsWith("iVBORw0KGgo", image.Data);
        Assert.StartsWith("Called the Read tool", a.Messages[1].Text);
        Assert.Equal(MessageRole.User, a.Messages[1].Role);

        var first = a.Messages[2];
        Assert.Equal("Let me read the parser and run the failing test.", first.Text);
        Assert.Equal("The test uses 2024-02-29; the parser probably checks the year modulo 100 first.", first.ReasoningContent);
        Assert.Equal(new[] { new ToolCall("toolu_01ReadParser", "read", "{\"filePath\":\"/home/dev/acme-shop/src/date.ts\"}"), new ToolCall("toolu_01RunTest", "bash", "{\"command\":\"npm test -- date\",\"description\":\"Run the date tests\"}") }, first.ToolCalls);
        Assert.Equal(new TokenUsage(1200, 244, 8000, 2400), first.Usage);
        Assert.Equal("claude-sonnet-4-5", first.Model);
        Assert.Equal(Utc("2026-03-02T09:00:02"), first.Timestamp);

        var read = a.Messages[3];
        Assert.Equal(("toolu_01ReadParser", "read", false), (read.ToolCallId, read.ToolName, read.IsError));
        Assert.StartsWith("<file>", read.Text);
        Assert.Equal("{\"preview\":\"export function isLeapYear\"}", read.StructuredResult);
        Assert.Equal(TimeSpan.Zero, read.ToolDuration);
        var failed = a.Messages[4];
        Assert.Equal(("toolu_01RunTest", "bash", true, 1), (failed.ToolCallId, failed.ToolName, failed.IsError, failed.ExitCode));
        Assert.StartsWith("Error: command exited with code 1", failed.Text);
        Assert.Equal(TimeSpan.FromSeconds(3), failed.ToolDuration);
        Assert.Equal(Utc("2026-03-02T09:00:08"), failed.Timestamp);

        var task = a.Messages[6];
        Assert.Equal("task", task.ToolName);
        Assert.Equal("isLeapYear in src/date.ts:11 is the only one; parseDate calls it.", task.Text);
        Assert.Empty(a.Messages[12].ToolCalls);
        Assert.Equal("All 48 tests pass.", a.FinalAssistantMessage);
        // The last message's two steps: two responses, the second dated when the first one's command answered.
        Assert.Equal(new TokenUsage(100, 40, 6000, 0), a.Messages[10].Usage);
        Assert.Equal(new TokenUsage(50, 20, 6000, 0), a.Messages[12].Usage);
        Assert.Equal(Utc("2026-03-02T09:02:15"), a.Messages[12].Timestamp);
        Assert.Equal(0, a.Messages[11].ExitCode);

        Assert.Equal(new TokenUsage(2060, 614, 42700, 2700), SampleFolder.Tokens(a));
        Assert.Equal(
            "{\"session_id\":\"ses_3a1f0c2e8ffeQm4wTz7LkP2sVd\",\"app\":\"opencode\",\"store\":\"database\",\"version\":\"1.2.10\",\"project_id\":\"6d1e0c4b9a2f7e38c5d0a1b2c3d4e5f60718293a\",\"slug\":\"brave-falcon\","
            + "\"child_session_ids\":[\"ses_3a1f0b7d2ffe9XnR5bHc1JtYqe\"],\"share_url\":\"https://opencode.ai/s/Qm4wTz7L\",\"agents\":[\"build\"],\"providers\":[\"anthropic\"],\"cost_usd\":0.03503,\"reasoning_tokens\":64,\"steps\":5,"
            + "\"finish_reasons\":{\"stop\":2,\"tool-calls\":2},\"part_types\":{\"file\":1,\"patch\":1,\"reasoning\":1,\"step-finish\":5,\"step-start\":5,\"text\":6,\"tool\":5},\"tool_statuses\":{\"completed\":4,\"error\":1},"
            + "\"attached_files\":[\"failure.png\"],\"patched_files\":[\"/home/dev/acme-shop/src/date.ts\"],\"summary_additions\":1,\"summary_deletions\":1,\"summary_files\":1}",
            a.SourceMeta.ToString());
    }

    [Fact]
    public void A_child_session_is_the_subagent_of_its_parent_and_its_task_is_an_agent_message()
    {
        var c = Record(C);
        Assert.Equal("AgentMessage Response ToolResult Response", SampleFolder.Kinds(c));
        Assert.Equal((A, C, true), (c.RootSessionId, c.AgentId, c.IsSidechain));
        Assert.Equal("Find leap year handling (@general subagent)", c.Title);
        Assert.Equal("Find every place that decides whether a year is a leap year and report file and line.", c.Messages[0].Text);
        Assert.Equal(new ToolCall("toolu_01Grep", "grep", "{\"pattern\":\"LeapYear\",\"path\":\"/home/dev/acme-shop/src\"}"), Assert.Single(c.Messages[1].ToolCalls));
        Assert.Equal(new TokenUsage(900, 120, 0, 900), SampleFolder.Tokens(c));
        Assert.Equal(A, c.SourceMeta["parent_session_id"]);
        Assert.Equal(new[] { "general" }, (IReadOnlyList<string>)c.SourceMeta["agents"]);
        Assert.Equal(0.0031, c.SourceMeta["cost_usd"]);
    }

    [Fact]
    public void Compaction_subtask_retry_an_interrupted_call_and_an_aborted_response_are_kept_or_counted()
    {
        var e = Record(E);
        Assert.Equal("Prompt Response CompactionSummary Command Response Synthetic", SampleFolder.Kinds(e));
        Assert.Equal("Review the checkout flow for missing error handling.", e.Messages[0].Text);
        Assert.StartsWith("Summary: we reviewed the checkout flow", e.Messages[2].Text);
        Assert.Equal(new TokenUsage(61000, 900, 0, 0), e.Messages[2].Usage);
        Assert.Equal("Write tests for the checkout error paths.", e.Messages[3].Text);
        Assert.Equal("bash", Assert.Single(e.Messages[4].ToolCalls).Name);
        Assert.Null(e.Messages[4].Usage);
        Assert.Equal("MessageAbortedError: The operation was aborted.", e.Messages[5].Text);
        Assert.Null(e.Messages[5].Usage);
        Assert.Equal("Three handlers swallow payment errors: submitOrder, applyCoupon and refund.", e.FinalAssistantMessage);
        Assert.Equal(
            "{\"session_id\":\"ses_3a0e1f4c7ffdPa8Rb2Sc4Td6Uf\",\"app\":\"opencode\",\"store\":\"database\",\"version\":\"1.3.2\",\"project_id\":\"6d1e0c4b9a2f7e38c5d0a1b2c3d4e5f60718293a\",\"slug\":\"swift-heron\",\"archived\":true,"
            + "\"agents\":[\"build\",\"compaction\"],\"providers\":[\"anthropic\"],\"cost_usd\":0.035,\"steps\":2,\"finish_reasons\":{\"stop\":2},\"part_types\":{\"compaction\":1,\"retry\":1,\"step-finish\":2,\"step-start\":3,\"subtask\":1,\"text\":4,\"tool\":1},"
            + "\"tool_statuses\":{\"running\":1},\"errors\":{\"MessageAbortedError\":1},\"subtasks\":1,\"compactions\":1,\"retries\":1,\"ignored_text_parts\":1,\"unanswered_tool_calls\":1}",
            e.SourceMeta.ToString());
        Assert.Equal(new TokenUsage(66000, 1600, 60000, 0), SampleFolder.Tokens(e));
    }

    [Fact]
    public void A_session_of_the_json_tree_reads_its_message_and_part_files_with_message_totals_where_steps_have_none()
    {
        var l = Record(L);
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(l));
        Assert.EndsWith($"{L}.json", l.SourcePath);
        Assert.Equal("/home/dev/acme-shop/scripts", l.Cwd);
        Assert.Equal("/home/dev/acme-shop", l.ProjectPath);
        Assert.Equal(new ToolCall("toolu_00List", "list", "{\"path\":\"/home/dev/acme-shop/scripts\"}"), Assert.Single(l.Messages[1].ToolCalls));
        Assert.Equal("{\"count\":2}", l.Messages[2].StructuredResult);
        Assert.Equal(new TokenUsage(800, 40, 3000, 0), l.Messages[1].Usage);
        Assert.Equal(new TokenUsage(60, 30, 3100, 0), l.Messages[3].Usage);
        Assert.Equal("Two scripts: deploy.sh and seed.ts.", l.FinalAssistantMessage);
        Assert.Equal((Utc("2026-01-15T14:00:00"), Utc("2026-01-15T14:00:09")), (l.StartedAt, l.EndedAt));
        Assert.Equal("json_storage", l.SourceMeta["store"]);
        Assert.Equal("0.15.8", l.SourceMeta["version"]);
        Assert.Equal(0.0033, l.SourceMeta["cost_usd"]);
    }

    [Fact]
    public void Kilo_cli_reads_as_the_same_format_and_says_which_app_wrote_it()
    {
        var k = Record(K);
        Assert.Equal(RolloutFormat.OpenCode, k.Format);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(k));
        Assert.Equal("kilo_cli", k.SourceMeta["app"]);
        Assert.Equal(new[] { "kilo" }, (IReadOnlyList<string>)k.SourceMeta["providers"]);
        Assert.Equal(new[] { "anthropic/claude-sonnet-4.5" }, k.Models);
        Assert.Equal("/home/dev/notes", k.Cwd);
        // Outside a repository the project is "global", whose worktree is "/": the session's directory stands in.
        Assert.Equal("/home/dev/notes", k.ProjectPath);
        Assert.Equal(new TokenUsage(40, 25, 2500, 0), SampleFolder.Tokens(k));
        Assert.Equal("opencode", Record(A).SourceMeta["app"]);
    }

    [Fact]
    public void Each_step_states_its_cost_and_is_identified_by_its_message_and_place()
    {
        var a = Record(A);
        var responses = a.Messages.Where(m => m.Usage is not null).ToArray();
        Assert.Equal(new[]
        {
            "msg_c5e0f3d2b001Ef5Gh6Ij7Kl8Mn:1", "msg_c5e0f3d3c001Wx3Yz4Ab5Cd6Ef:1", "msg_c5e0f3d4d001Kl9Mn0Op1Qr2St:1",
            "msg_c5e0f3f1f001Mn1Op2Qr3St4Uv:1", "msg_c5e0f3f1f001Mn1Op2Qr3St4Uv:2",
        }, responses.Select(m => m.ResponseId));
        Assert.Equal(new decimal?[] { 0.01215m, 0.00655m, 0.00902m, 0.0042m, 0.00311m }, responses.Select(m => m.CostUsd));
        Assert.Equal(0.03503m, responses.Sum(m => m.CostUsd));
        Assert.Equal(0.03503, a.SourceMeta["cost_usd"]);

        // A message without step parts: its own id and cost, as its own tokens are its usage.
        var l = Record(L);
        Assert.Equal(("msg_c3d2b1a1a001Ab5Cd7Ef9Gh1Ij:1", (decimal?)0.0021m), (l.Messages[1].ResponseId, l.Messages[1].CostUsd));
        Assert.Equal(("msg_c3d2b1a2b001Op7Qr9St1Uv3Wx", (decimal?)0.0012m), (l.Messages[3].ResponseId, l.Messages[3].CostUsd));

        // The compaction summary is a response that cost; the aborted step and the error notice state nothing.
        var e = Record(E);
        Assert.Equal(("msg_c5f1e0c1d001Oz0Pa2Qb4Rc6Sd:1", (decimal?)0.015m), (e.Messages[2].ResponseId, e.Messages[2].CostUsd));
        Assert.All(e.Messages.Skip(4), m => Assert.Equal((null, null), (m.ResponseId, m.CostUsd)));
        Assert.Equal(0.0009m, Record(K).Messages[1].CostUsd);
    }
}
