using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Cline;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// The samples under samples/cline, read from their default locations: VSCODE_APPDATA for the editors, CLINE_DATA_DIR
/// for the CLI's tasks and the SDK's sessions (&lt;data dir&gt;/sessions).
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class ClineSamplesTests
{
    private const string ClineXml = "1718822400000";
    private const string ClineCli = "1767225600000";
    private const string Roo = "7d3c2a10-5b4e-4f1a-9c2d-0e8f6a1b2c3d";
    private const string Kilo = "0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b";
    private const string Session = "1767312000000_k3v9q";
    private const string Subagent = Session + "__reviewer";

    private static readonly Lazy<(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results)> Samples = new(ReadSamples);

    private static (IReadOnlyList<SessionReference>, IReadOnlyList<ReadResult>) ReadSamples()
    {
        var variables = new[] { ClineStorage.AppDataVariable, ClineStorage.DataDirVariable, ClineStorage.PortableVariable, ClineStorage.SessionDataDirVariable };
        var previous = variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        Environment.SetEnvironmentVariable(ClineStorage.AppDataVariable, SampleFolder.Root("cline", "vscode"));
        Environment.SetEnvironmentVariable(ClineStorage.DataDirVariable, SampleFolder.Root("cline", "cline-data"));
        Environment.SetEnvironmentVariable(ClineStorage.PortableVariable, null);
        Environment.SetEnvironmentVariable(ClineStorage.SessionDataDirVariable, null);
        try
        {
            var reader = new ClineReader();
            var sessions = SessionLocator.InDefaultLocations(reader, new TraceSearch()).Sessions;
            return (sessions, SampleFolder.Read(reader, sessions.Select(s => s.Source.Path).ToArray()));
        }
        finally
        {
            foreach (var (variable, value) in previous) Environment.SetEnvironmentVariable(variable, value);
        }
    }

    private static IReadOnlyList<ReadResult> Results => Samples.Value.Results;

    private static RolloutRecord Record(string taskId) => SampleFolder.Record(Results, taskId);

    private static string Meta(RolloutRecord record, string key) => record.SourceMeta.TryGetValue(key, out var value) ? string.Join(",", value is string s ? new[] { s } : value is System.Collections.IEnumerable e ? e.Cast<object>().Select(o => o.ToString()) : new[] { value.ToString() }) : "";

    [Fact]
    public void Each_task_folder_in_each_editor_and_the_cli_is_one_session_depending_on_the_files_beside_it()
    {
        var sessions = Samples.Value.Sessions;
        Assert.Equal(new[] { ClineXml, Roo, Kilo, ClineCli, Session, Subagent }, sessions.Select(s => s.Ids!.TraceId));
        Assert.All(sessions.Take(4), s => Assert.Equal(ClineReader.HistoryFile, Path.GetFileName(s.Source.Path)));
        // A session's messages depend on its manifest; the compaction state beside them is no session of its own.
        Assert.Equal(new[] { Session + ".messages.json", "reviewer.messages.json" }, sessions.Skip(4).Select(s => Path.GetFileName(s.Source.Path)));
        Assert.All(sessions.Skip(4), s => Assert.Equal(new[] { Session + ".json" }, s.DependsOn.Select(Path.GetFileName)));
        Assert.Equal(new[] { "ui_messages.json" }, sessions[0].DependsOn.Select(Path.GetFileName));
        Assert.Equal(new[] { "history_item.json", "ui_messages.json" }, sessions[1].DependsOn.Select(Path.GetFileName).Order());
        Assert.Equal(new[] { "task_metadata.json", "ui_messages.json" }, sessions[3].DependsOn.Select(Path.GetFileName).Order());

        Assert.DoesNotContain(Results, r => r.Diagnostics.Count > 0);
        Assert.All(Results.Select(r => r.Record!), r =>
        {
            Assert.Equal(RolloutFormat.Cline, r.Format);
            Assert.Equal("cline", r.SourceKind);
            Assert.Equal(r.AgentId is null ? r.TraceId : Session, r.RootSessionId);
            Assert.Equal(r.Cwd, r.ProjectPath);
        });
        Assert.Equal(new[] { "cline", "roo_code", "kilo_code", "cline", "cline", "cline" }, Results.Select(r => Meta(r.Record!, "agent")));
        Assert.Equal(new[] { "saoudrizwan.claude-dev", "rooveterinaryinc.roo-cline", "kilocode.kilo-code", "", "", "" }, Results.Select(r => Meta(r.Record!, "extension_id")));
        Assert.Equal(new[] { "Code", "Code", "Cursor", "", "", "" }, Results.Select(r => Meta(r.Record!, "editor")));
        Assert.Equal(new[] { "", "", "", "", "sessions", "sessions" }, Results.Select(r => Meta(r.Record!, "store")));
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Select(r => r.Record!));
    }

    [Fact]
    public void Xml_era_tool_calls_in_text_become_tool_calls_answered_by_their_result_blocks()
    {
        var task = Record(ClineXml);
        Assert.Equal("The cart total ignores the discount. Fix it.", task.Title);
        Assert.Equal("/home/dev/shop", task.Cwd);
        Assert.Equal("Prompt Context Response ToolResult Context Response ToolResult Prompt Context Response ToolResult Context Response", SampleFolder.Kinds(task));
        Assert.Equal("The cart total ignores the discount. Fix it.", task.Messages[0].Text);

        var read = task.Messages[2];
        Assert.Equal("I need to see how the total is computed.", read.ReasoningContent);
        Assert.Equal("", read.Text);
        var call = Assert.Single(read.ToolCalls);
        Assert.Equal(("xml-1-0", "read_file", """{"path":"src/cart.ts"}"""), (call.Id, call.Name, call.Arguments));
        Assert.Equal("xml-1-0", task.Messages[3].ToolCallId);
        Assert.StartsWith("export function total(items: Item[], discount = 0) {", task.Messages[3].Text);

        // Free-text parameters keep their content whole; the denial is the tool's answer, the feedback with it the person's prompt.
        Assert.Equal("The discount is never subtracted.", task.Messages[5].Text);
        Assert.Equal("replace_in_file", task.Messages[5].ToolCalls[0].Name);
        Assert.Contains("\"diff\":\"<<<<<<< SEARCH\\n", task.Messages[5].ToolCalls[0].Arguments, StringComparison.Ordinal);
        Assert.Equal("The user denied this operation and provided the following feedback:", task.Messages[6].Text);
        Assert.Equal("Clamp it at zero too.", task.Messages[7].Text);
        Assert.Equal("""{"result":"The total now subtracts the discount and never goes below zero."}""", task.Messages[12].ToolCalls[0].Arguments);

        Assert.Equal(4L, task.SourceMeta["xml_tool_calls"]);
        Assert.Equal(1L, task.SourceMeta["unanswered_tool_calls"]);
        Assert.Equal("2-3", Meta(task, "deleted_ranges"));
        Assert.Equal("2-3", Meta(task, "hidden_from_model"));
    }

    [Fact]
    public void Each_api_request_puts_its_tokens_and_cost_on_its_response_and_dates_the_entries_without_ts()
    {
        var task = Record(ClineXml);
        var responses = task.Messages.Where(m => m.Role == MessageRole.Assistant).ToArray();
        Assert.Equal(new TokenUsage?[] { new(1200, 40, 0, 0), new(1350, 120, 0, 0), new(1500, 90, 0, 0), new(1620, 45, 0, 0) }, responses.Select(m => m.Usage));
        Assert.Equal(new decimal?[] { 0.0042m, 0.0059m, 0.0059m, 0.0055m }, responses.Select(m => m.CostUsd));
        Assert.Equal(new TokenUsage(5670, 295, 0, 0), SampleFolder.Tokens(task));
        Assert.Equal(0.0215, (double)task.SourceMeta["stated_cost_usd"], 6);

        // The history keeps no ts here: each entry takes the time of the request that sent it.
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1718822400000), task.Messages[0].Timestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1718822400500), responses[0].Timestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1718822405000), task.Messages[3].Timestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1718822400000), task.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1718822423000), task.EndedAt);
    }

    [Fact]
    public void Cli_task_reads_native_tool_use_thinking_and_pairs_requests_by_time_past_a_failed_one()
    {
        var task = Record(ClineCli);
        Assert.Equal("Add a --verbose flag to the build script.", task.Title);
        Assert.Equal("/home/dev/tools", task.Cwd);
        Assert.Equal(new[] { "claude-sonnet-4-5" }, task.Models);
        Assert.Equal("Prompt Context Response ToolResult Response ToolResult Response", SampleFolder.Kinds(task));

        var first = task.Messages[2];
        Assert.Equal(("msg_01A", "Look at the script's argument parsing first.", "Let me read the script."), (first.ResponseId, first.ReasoningContent, first.Text));
        Assert.Equal("claude-sonnet-4-5", first.Model);
        Assert.Equal(new ToolCall("toolu_01", "read_file", """{"path":"scripts/build.sh"}"""), Assert.Single(first.ToolCalls));
        Assert.True(task.Messages[5].IsError);
        Assert.Equal("ls: cannot access 'scripts/missing': No such file or directory", task.Messages[5].Text);

        // The failed request (no tokens, no response) between the second and third responses takes no one's usage.
        var responses = task.Messages.Where(m => m.Role == MessageRole.Assistant).ToArray();
        Assert.Equal(new TokenUsage?[] { new(1100, 80, 4000, 100), new(200, 60, 5100, 100), new(300, 40, 5300, 0) }, responses.Select(m => m.Usage));
        Assert.Equal(new decimal?[] { 0.0052m, 0.0033m, 0.0027m }, responses.Select(m => m.CostUsd));
        Assert.Equal((4L, 3L, 1L, 1L), ((long)task.SourceMeta["api_requests"], (long)task.SourceMeta["paired_requests"], (long)task.SourceMeta["unpaired_requests"], (long)task.SourceMeta["failed_requests"]));
        Assert.Equal("ui_messages", Meta(task, "usage_source"));
        Assert.Equal(1L, task.SourceMeta["redacted_reasoning"]);
        Assert.Equal("3.41.0", Meta(task, "agent_versions"));
        Assert.Equal("Cline CLI 2.1.0", Meta(task, "hosts"));
        Assert.Equal("act", Meta(task, "modes"));
    }

    [Fact]
    public void Roo_task_keeps_condensed_history_reasoning_blocks_and_the_summary()
    {
        var task = Record(Roo);
        Assert.Equal("Rename getUser to fetchUser everywhere.", task.Title);
        Assert.Equal("/home/dev/api", task.Cwd);
        Assert.Equal("Prompt Context Response ToolResult CompactionSummary Response ToolResult Prompt Response", SampleFolder.Kinds(task));
        Assert.StartsWith("## Conversation summary", task.Messages[4].Text, StringComparison.Ordinal);
        Assert.Equal("Both files need the same edit; apply it to users.ts first.", task.Messages[5].ReasoningContent);
        Assert.Equal("Also update the tests.", task.Messages[7].Text);
        Assert.Equal(new TokenUsage(2340, 100, 3700, 2120), SampleFolder.Tokens(task));
        Assert.Equal((3L, 1L, 3L), ((long)task.SourceMeta["condensed_messages"], (long)task.SourceMeta["compaction_summaries"], (long)task.SourceMeta["native_tool_calls"]));
        Assert.Equal("code", Meta(task, "modes"));
        Assert.Equal(0.0176, (double)task.SourceMeta["history_total_cost_usd"], 6);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1759999999900), task.StartedAt);
    }

    [Fact]
    public void Kilo_task_in_cursor_keeps_the_prompt_image_and_leaves_the_interrupted_call_unanswered()
    {
        var task = Record(Kilo);
        Assert.Equal("Prompt Context Response ToolResult Context Response Context Context Prompt Response", SampleFolder.Kinds(task));
        var prompt = task.Messages[0];
        Assert.Equal(new[] { ContentBlock.FromText("Why does this page look broken?"), ContentBlock.FromImageData("image/png", "iVBORw0KGgo=") }, prompt.Content);
        Assert.Equal("""{"path":"public","recursive":"false"}""", task.Messages[2].ToolCalls[0].Arguments);
        Assert.Equal("The stylesheet may not load.", task.Messages[2].ReasoningContent);
        Assert.Equal("execute_command", task.Messages[5].ToolCalls[0].Name);
        Assert.StartsWith("[TASK RESUMPTION]", task.Messages[6].Text, StringComparison.Ordinal);
        // The note before the words the person typed to resume is the agent's; the words are the prompt, without their tag.
        Assert.Equal(("New instructions for task continuation:", "Never mind, I found it: a typo in the link tag."), (task.Messages[7].Text, task.Messages[8].Text));
        Assert.Equal(2L, task.SourceMeta["unanswered_tool_calls"]);
        Assert.Equal(new TokenUsage(9450, 115, 0, 0), SampleFolder.Tokens(task));
    }
    [Fact]
    public void Sdk_session_reads_the_manifest_each_response_s_metrics_the_unlisted_response_and_its_subagent()
    {
        var session = Record(Session);
        Assert.Equal("Round invoice totals to cents", session.Title);
        Assert.Equal(("/home/dev/invoice", (string?)null, false), (session.Cwd, session.AgentId, session.IsSidechain));
        Assert.Equal((DateTimeOffset.Parse("2026-01-02T00:00:00Z"), DateTimeOffset.Parse("2026-01-02T00:01:10Z")), (session.StartedAt!.Value, session.EndedAt!.Value));
        Assert.Equal("Context Prompt Response ToolResult Response ToolResult ToolResult Prompt Response", SampleFolder.Kinds(session));
        Assert.Equal("Round invoice totals to cents in @src/total.ts", session.Messages[1].Content[0].Text);
        Assert.StartsWith("<file_content path=\"/home/dev/invoice/src/total.ts\">", session.Messages[1].Content[1].Text, StringComparison.Ordinal);
        Assert.Equal("The sum needs rounding to two decimals.", session.Messages[2].ReasoningContent);
        Assert.True(session.Messages[5].IsError);
        Assert.Equal(ContentBlockType.Image, session.Messages[7].Content[1].Type);

        // Four responses were billed; the one of redacted reasoning only is carried unlisted.
        Assert.Equal(new[] { 0.0482m, 0.0062m, 0.0061m }, session.Messages.Where(m => m.Role == MessageRole.Assistant).Select(m => m.CostUsd!.Value));
        var unlisted = Assert.Single(session.UnlistedResponses);
        Assert.Equal(("msg_Hk8sLm2e", new TokenUsage(700, 40, 12000, 0), 0.0051m), (unlisted.ResponseId, unlisted.Usage, unlisted.CostUsd));
        Assert.Equal(new TokenUsage(2200, 370, 36900, 12100), SampleFolder.Tokens(session));
        Assert.Equal(new[] { "act", "plan" }, session.SourceMeta["modes"] as IEnumerable<string>);
        Assert.Equal(("cli", "completed", "lead"), (Meta(session, "session_source"), Meta(session, "status"), Meta(session, "session_agent")));

        var subagent = Record(Subagent);
        Assert.Equal((Session, "reviewer", true, "/home/dev/invoice"), (subagent.RootSessionId, subagent.AgentId, subagent.IsSidechain, subagent.Cwd));
        Assert.Equal(new[] { "anthropic/claude-haiku-4.5" }, subagent.Models);
        Assert.Equal(new TokenUsage(3200, 30, 0, 0), SampleFolder.Tokens(subagent));
        Assert.Equal((Session, "subagent"), (Meta(subagent, "parent_session_id"), Meta(subagent, "session_agent")));
    }
}
