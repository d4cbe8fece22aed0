using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.CopilotCli;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

[Collection(nameof(EnvironmentVariables))]
public sealed class CopilotCliSamplesTests
{
    private const string Current = "3f6c1e2a-9b4d-4c8e-a1f7-5d2b8e0c9a14";
    private const string Flat = "8e2d4f60-1c3b-4a95-b7e8-0f6a2c4d9b31";
    private const string Legacy = "c41a7e93-5d28-4f0b-9e6c-2a8b1d7f3e05";

    private static readonly Lazy<IReadOnlyList<ReadResult>> Results = new(() => ReadSamples(new ReadOptions()));

    internal static IReadOnlyList<ReadResult> ReadSamples(ReadOptions options)
    {
        var previous = Environment.GetEnvironmentVariable(CopilotCliReader.HomeVariable);
        Environment.SetEnvironmentVariable(CopilotCliReader.HomeVariable, SampleFolder.Root("copilot-cli"));
        try
        {
            var reader = new CopilotCliReader();
            return SampleFolder.Read(reader, SessionLocator.InDefaultLocations(reader, new TraceSearch()).Sessions.Select(s => s.Source.Path).ToArray(), options);
        }
        finally
        {
            Environment.SetEnvironmentVariable(CopilotCliReader.HomeVariable, previous);
        }
    }

    private static RolloutRecord Record(string traceId) => SampleFolder.Record(Results.Value, traceId);

    [Fact]
    public void Every_layout_reads_without_errors_from_the_home()
    {
        Assert.DoesNotContain(Results.Value, r => r.Diagnostics.Count > 0);
        Assert.Equal(new[] { Current, Flat, Legacy }, Results.Value.Select(r => r.Record!.TraceId));
        Assert.All(Results.Value.Select(r => r.Record!), r =>
        {
            Assert.Equal(RolloutFormat.CopilotCli, r.Format);
            Assert.Equal("copilot_cli", r.SourceKind);
            Assert.Equal(r.TraceId, r.RootSessionId);
            Assert.Null(r.AgentId);
        });
        Assert.Equal(new[] { "session_state", "session_state_flat", "history_session_state" }, Results.Value.Select(r => (string)r.Record!.SourceMeta["store"]));
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Value.Select(r => r.Record!));
    }

    [Fact]
    public void Current_session_follows_the_parent_chain_across_a_resume_and_leaves_the_branch()
    {
        var r = Record(Current);
        Assert.Equal("Context Prompt Response ToolResult ToolResult Response Prompt Response ToolResult Prompt Response Interruption", SampleFolder.Kinds(r));
        Assert.Equal("Invoice rounding: sum with Decimal", r.Title);
        Assert.Equal("/home/dev/invoice-service", r.Cwd);
        Assert.Equal("/home/dev/invoice-service", r.ProjectPath);
        Assert.Equal("fix/rounding-decimal", r.GitBranch);
        Assert.Equal(DateTimeOffset.Parse("2026-10-12T09:14:02.118Z"), r.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-10-12T14:03:05.300Z"), r.EndedAt);
        Assert.Equal(new[] { "claude-sonnet-4.5", "gpt-5", "gpt-5-mini" }, r.Models);
        Assert.DoesNotContain(r.Messages, m => m.Text.Contains("EUR", StringComparison.Ordinal) || m.Text.Contains("PDF", StringComparison.Ordinal));

        // The prompt as typed, not transformedContent; reasoning from assistant.reasoning; parallel calls; results by id.
        Assert.Equal("The invoice total is off by a cent for 3 x 0.1 items. Find where we round and fix it.", r.Messages[1].Text);
        var first = r.Messages[2];
        Assert.Equal("Rounding per line item rather than on the total would explain a one-cent drift. Search for round( first.", first.ReasoningContent);
        Assert.Equal("I'll look for where line totals are rounded.", first.Text);
        Assert.Equal(new[] { new ToolCall("toolu_01", "grep", "{\"pattern\":\"round\\\\(\",\"path\":\"src\"}"), new ToolCall("toolu_02", "view", "{\"path\":\"src/invoice/totals.py\"}") }, first.ToolCalls);
        Assert.Equal("msg_01", first.ResponseId);
        Assert.Equal("claude-sonnet-4.5", first.Model);
        Assert.Equal(new TokenUsage(0, 180, 0, 0), first.Usage);
        Assert.Equal(("toolu_01", "grep", false), (r.Messages[3].ToolCallId, r.Messages[3].ToolName, r.Messages[3].IsError!.Value));
        Assert.Equal(TimeSpan.FromMilliseconds(289), r.Messages[3].ToolDuration);
        Assert.Equal(("toolu_02", true), (r.Messages[4].ToolCallId, r.Messages[4].IsError!.Value));
        Assert.Equal("Path does not exist: src/invoice/totals.py (did you mean src/invoices/totals.py?)", r.Messages[4].Text);

        // Each run's modelMetrics on the last response of that model, less the output the others state.
        Assert.Equal("Edit the loop to accumulate Decimal values, then run pytest for the totals module.", r.Messages[7].ReasoningContent);
        Assert.Equal(new TokenUsage(52400 - 38100, 525 - 180 - 95, 38100, 0), r.Messages[7].Usage);
        Assert.Equal("File src/invoices/totals.py updated with changes.", r.Messages[8].Text);
        Assert.Equal(("gpt-5", new TokenUsage(5000, 140, 26000, 0)), (r.Messages[10].Model, r.Messages[10].Usage!.Value));
        Assert.Equal("[aborted: user initiated]", r.Messages[11].Text);

        // gpt-5-mini answered nothing on the path: its totals are the record's only.
        Assert.Equal(new TokenUsage(14300 + 5000 + 1200, 525 + 140 + 40, 38100 + 26000, 0), SampleFolder.Tokens(r));
        var meta = r.SourceMeta;
        Assert.Equal(new[] { "gpt-5-mini" }, (IReadOnlyList<string>)meta["unplaced_usage_models"]);
        Assert.Equal("shutdown_model_metrics", meta["usage_source"]);
        Assert.Equal(2L, meta["shutdowns"]);
        Assert.Equal(1L, meta["resumes"]);
        Assert.Equal(1L, meta["joined_roots"]);
        Assert.Equal(2L, meta["abandoned_events"]);
        Assert.Equal(1L, meta["unanswered_tool_calls"]);
        Assert.Equal(60L, meta["reasoning_tokens"]);
        Assert.Equal(4.0, meta["premium_requests"]);
        Assert.Equal("example-org/invoice-service", meta["repository"]);
        Assert.Equal("9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c", meta["head_commit"]);
        Assert.Equal(new[] { "1.0.34" }, (IReadOnlyList<string>)meta["copilot_versions"]);
        Assert.Equal(new[] { "claude-sonnet-4.5", "gpt-5" }, (IReadOnlyList<string>)meta["model_changes"]);
        Assert.Equal(true, meta["user_named"]);
        // session.plan_changed is persisted (the SDK's schema) and passed by on purpose: known, not unknown.
        Assert.Equal(1L, ((IReadOnlyDictionary<string, long>)meta["event_types"])["session.plan_changed"]);
        Assert.False(meta.ContainsKey("unknown_event_types"));
    }

    [Fact]
    public void The_branch_is_kept_marked_when_asked_for()
    {
        var r = SampleFolder.Record(ReadSamples(new ReadOptions { IncludeAbandoned = true }), Current);
        var abandoned = r.Messages.Where(m => m.IsAbandoned).ToArray();
        Assert.Equal(new[] { "Also switch the currency to EUR everywhere.", "That touches the templates too; do you want the PDF layout changed as well?" }, abandoned.Select(m => m.Text));
        Assert.Equal(14, r.Messages.Count);
    }

    [Fact]
    public void Flat_log_of_an_older_release_names_calls_when_they_start_and_keeps_the_compaction_summary()
    {
        var r = Record(Flat);
        Assert.Equal("Prompt Response ToolResult Response CompactionSummary Prompt Response", SampleFolder.Kinds(r));
        Assert.Equal("List the TODO comments in this repo.", r.Title);
        Assert.Equal("/home/dev/notes-cli", r.Cwd);
        Assert.Null(r.GitBranch);
        Assert.Equal(new[] { "gpt-5" }, r.Models);
        Assert.Equal(new ToolCall("call_a1", "bash", "{\"command\":\"grep -rn TODO --include=*.py .\",\"description\":\"Find TODO comments\"}"), r.Messages[1].ToolCalls.Single());
        Assert.Equal("Searching for TODO markers.", r.Messages[1].Text);
        Assert.Equal(default, SampleFolder.Tokens(r));
        Assert.All(r.Messages, m => Assert.Null(m.Usage));
        Assert.Equal("output_tokens_only", r.SourceMeta["usage_source"]);
        Assert.Equal(1L, r.SourceMeta["calls_without_request"]);
        Assert.Equal(1L, r.SourceMeta["compactions"]);
        Assert.Equal(new[] { "0.0.339" }, (IReadOnlyList<string>)r.SourceMeta["copilot_versions"]);
    }

    [Fact]
    public void Legacy_history_document_reads_its_chat_messages()
    {
        var r = Record(Legacy);
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(r));
        Assert.Equal("What does the Makefile's dist target do?", r.Title);
        Assert.Equal(new ToolCall("tooluse_k2", "str_replace_editor", "{\"command\":\"view\",\"path\":\"/home/dev/tiny-http/Makefile\"}"), r.Messages[1].ToolCalls.Single());
        Assert.Equal("dist: build\n\ttar czf dist/tiny-http.tar.gz bin/ README.md", r.Messages[2].Text);
        Assert.Equal(DateTimeOffset.Parse("2025-09-26T11:02:44.870Z"), r.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2025-09-26T11:02:57.615Z"), r.EndedAt);
        Assert.Equal(3L, r.SourceMeta["timeline_entries"]);
        Assert.Empty(r.Models);
    }

    [Fact]
    public void A_session_folder_is_one_reference_that_depends_on_its_workspace_yaml()
    {
        var reader = new CopilotCliReader();
        var events = SampleFolder.Root("copilot-cli", "session-state", Current, "events.jsonl");
        var reference = Assert.Single(reader.SessionsIn(events));
        Assert.Equal(events, reference.Source.Path);
        Assert.Equal(Current, reference.Ids!.TraceId);
        Assert.Equal(new[] { Path.Combine(Path.GetDirectoryName(events)!, "workspace.yaml") }, reference.DependsOn);
        Assert.Equal(new[] { SampleFolder.Root("copilot-cli", "session-state") }, reader.StoresIn(SampleFolder.Root("copilot-cli", "session-state")));
        Assert.Equal(
            new[] { SampleFolder.Root("copilot-cli", "session-state"), SampleFolder.Root("copilot-cli", "history-session-state") },
            reader.StoresIn(SampleFolder.Root("copilot-cli")));
    }
}
