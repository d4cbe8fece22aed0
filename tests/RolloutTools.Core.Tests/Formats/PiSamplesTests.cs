using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Pi;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/pi/agent is a Pi agent dir (samples/pi/README.md says what each file shows), read as Get-AgentRollout
/// reads the default location, with PI_CODING_AGENT_DIR pointing at it.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class PiSamplesTests
{
    private const string V1 = "3b8e4f1a-6c2d-4e9b-9a71-2f5d8c0e6a13";
    private const string V2 = "7d02c9e4-1b3a-4f6c-8e25-9a4b7c1d0f58";
    private const string V3 = "c41f7a2b-9e8d-4a63-b5c0-1d2e3f4a5b6c";
    private const string Fork = "e9a3d6b1-4c7f-4e2a-8d90-6b5c4a3f2e1d";

    private static readonly Lazy<IReadOnlyList<ReadResult>> Results = new(() => ReadSamples(new ReadOptions()));

    private static IReadOnlyList<ReadResult> ReadSamples(ReadOptions options)
    {
        var previous = Environment.GetEnvironmentVariable(PiCodingAgentReader.AgentDirVariable);
        Environment.SetEnvironmentVariable(PiCodingAgentReader.AgentDirVariable, SampleFolder.Root("pi", "agent"));
        try
        {
            var reader = new PiCodingAgentReader();
            return SampleFolder.Read(reader, SessionLocator.InDefaultLocations(reader, new TraceSearch()).Sessions.Select(s => s.Source.Path).Distinct().ToArray(), options);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PiCodingAgentReader.AgentDirVariable, previous);
        }
    }

    private static RolloutRecord Record(string traceId) => SampleFolder.Record(Results.Value, traceId);

    private static string[] Texts(RolloutRecord record) => record.Messages.Select(m => m.Text).ToArray();

    [Fact]
    public void Every_version_reads_without_errors_from_the_agent_dir()
    {
        Assert.DoesNotContain(Results.Value, r => r.Diagnostics.Count > 0);
        Assert.Equal(new[] { V1, V2, V3, Fork }, Results.Value.Select(r => r.Record!.TraceId));
        Assert.All(Results.Value.Select(r => r.Record!), r =>
        {
            Assert.Equal(RolloutFormat.PiCodingAgent, r.Format);
            Assert.Equal("pi_coding_agent", r.SourceKind);
            Assert.Equal("/home/dev/acme-shop", r.Cwd);
            Assert.Equal("/home/dev/acme-shop", r.ProjectPath);
            Assert.Equal(r.TraceId, r.RootSessionId);
            Assert.Null(r.GitBranch);
            Assert.False(r.IsSidechain);
        });
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Value.Select(r => r.Record!));
    }

    [Fact]
    public void V1_file_is_one_chain_migrated_as_pi_does_with_its_compaction_index()
    {
        var v1 = Record(V1);

        // DataDesigner keeps only the last entry of this file: no entry has a parentId.
        Assert.Equal(
            "Prompt Response ToolResult Response ToolResult Response Prompt Response ToolResult Response ToolResult Response CompactionSummary Prompt Response ToolResult Response",
            SampleFolder.Kinds(v1));
        Assert.Equal("Why does `npm test` fail on the cart module?", v1.Title);
        Assert.Equal(new[] { "claude-sonnet-4-5", "gpt-5.1-codex" }, v1.Models);
        Assert.Equal(new TokenUsage(5220, 684, 23670, 3830), SampleFolder.Tokens(v1));
        Assert.Equal(DateTimeOffset.Parse("2025-11-24T08:41:07.512Z"), v1.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2025-11-24T08:43:46.512Z"), v1.EndedAt);

        // firstKeptEntryIndex 8 names the second prompt (the header is index 0): the six messages before it are what Pi no longer sends.
        Assert.Equal(1L, v1.SourceMeta["compactions"]);
        Assert.Equal(6L, v1.SourceMeta["compacted_entries"]);
        Assert.StartsWith("The user asked why the cart tests failed.", v1.Messages[12].Text);
        Assert.Equal(MessageRole.User, v1.Messages[12].Role);

        Assert.Equal(1L, v1.SourceMeta["session_version"]);
        Assert.Equal(new[] { "anthropic/claude-sonnet-4-5", "openai/gpt-5.1-codex" }, (IEnumerable<string>)v1.SourceMeta["model_changes"]);
        Assert.Equal(new[] { "off", "high" }, (IEnumerable<string>)v1.SourceMeta["thinking_levels"]);
        Assert.Equal(new[] { "anthropic", "openai" }, (IEnumerable<string>)v1.SourceMeta["providers"]);
        Assert.Equal(0.0419, (double)v1.SourceMeta["cost_usd"], 6);
        Assert.Equal(new Dictionary<string, long> { ["stop"] = 3, ["toolUse"] = 5 }, (IReadOnlyDictionary<string, long>)v1.SourceMeta["stop_reasons"]);
        Assert.False(v1.SourceMeta.ContainsKey("branch_points"));

        // A failing bash tool run is an error result; thinking is reasoning; the first response's call pairs with its result.
        Assert.True(v1.Messages[2].IsError);
        Assert.Equal("toolu_01QxV7cart01", v1.Messages[2].ToolCallId);
        Assert.Equal("bash", v1.Messages[2].ToolName);
        Assert.Equal("{\"command\":\"npm test -- cart\"}", v1.Messages[1].ToolCalls.Single().Arguments);
        Assert.StartsWith("Convert each price to integer cents", v1.Messages[7].ReasoningContent);
        Assert.Equal("gpt-5.1-codex", v1.Messages[14].Model);
        Assert.Equal(new TokenUsage(1900, 140, 1280, 0), v1.Messages[14].Usage);
        Assert.Equal("Added `src/cart/rounding.test.ts`; it passes with the cents-based total.", v1.FinalAssistantMessage);
    }

    [Fact]
    public void V2_tree_with_hook_message_bash_runs_label_and_name()
    {
        var v2 = Record(V2);

        Assert.Equal("Command ToolResult Context Prompt Response ToolResult Response Command ToolResult Command ToolResult Prompt Response ToolResult Response", SampleFolder.Kinds(v2));
        Assert.Equal("Commit cart rounding fix", v2.Title);
        Assert.Equal("Commit cart rounding fix", v2.SourceMeta["session_name"]);
        Assert.Equal(new[] { "committed" }, (IEnumerable<string>)v2.SourceMeta["labels"]);
        Assert.Equal(new[] { "low" }, (IEnumerable<string>)v2.SourceMeta["thinking_levels"]);
        Assert.Equal(2L, v2.SourceMeta["session_version"]);
        Assert.Equal(new TokenUsage(3450, 217, 18190, 2890), SampleFolder.Tokens(v2));

        // !git status: the person's command, a bash call and its result.
        var run = v2.Messages[0];
        Assert.Equal(MessageRole.Assistant, run.Role);
        Assert.Null(run.Model);
        Assert.Null(run.Usage);
        Assert.Equal(new ToolCall("bash-c07e3a58", "bash", "{\"command\":\"git status --short\"}"), run.ToolCalls.Single());
        var status = v2.Messages[1];
        Assert.Equal(("bash-c07e3a58", 0, false), (status.ToolCallId, status.ExitCode, status.IsError));
        Assert.Equal("{\"exitCode\":0,\"cancelled\":false,\"truncated\":false}", status.StructuredResult);

        // v2's hookMessage is v3's custom message: context the model saw.
        Assert.Equal((MessageRole.User, "Reminder: the main branch is protected; commit on a feature branch."), (v2.Messages[2].Role, v2.Messages[2].Text));

        // !!npm run lint (kept out of the model's context, output truncated) and a cancelled !npm run e2e.
        var lint = v2.Messages[8];
        Assert.Equal((1, true), (lint.ExitCode, lint.IsError));
        Assert.Equal("{\"exitCode\":1,\"cancelled\":false,\"truncated\":true,\"fullOutputPath\":\"/tmp/pi-bash-5c1e9f0a.log\",\"excludeFromContext\":true}", lint.StructuredResult);
        var e2e = v2.Messages[10];
        Assert.Equal(((int?)null, true), (e2e.ExitCode, e2e.IsError));
        Assert.Contains("\"cancelled\":true", e2e.StructuredResult);
        Assert.Equal(3L, v2.SourceMeta["bash_executions"]);
        Assert.Equal(1L, v2.SourceMeta["bash_excluded_from_context"]);
        Assert.Equal(1L, v2.SourceMeta["custom_messages"]);

        // The bash tool's result: its exit code from the text Pi appends on failure.
        Assert.Equal((128, true), (v2.Messages[13].ExitCode, v2.Messages[13].IsError));
        Assert.Equal(0, v2.Messages[5].ExitCode);
    }

    [Fact]
    public void V3_active_path_keeps_the_branch_summary_abort_image_and_compaction()
    {
        var v3 = Record(V3);

        Assert.Equal(
            "Prompt Response ToolResult Response ToolResult Response ToolResult Response BranchSummary Prompt Response Interruption Prompt Response ToolResult Context Response " +
            "CompactionSummary Prompt Response ToolResult Response",
            SampleFolder.Kinds(v3));
        var texts = Texts(v3);
        Assert.StartsWith("Tried extending free shipping to Switzerland", texts[8]);
        Assert.Equal("I'll add a banner to the cart page that", texts[10]);
        Assert.Equal("Request was aborted.", texts[11]);
        Assert.Equal("eslint src/cart: 0 problems", texts[15]);
        Assert.StartsWith("Goal: free shipping from 50 EUR", texts[17]);

        // The mockup read by the read tool: text and the image itself.
        var mockup = v3.Messages[4];
        Assert.Equal(MessageKind.ToolResult, mockup.Kind);
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image }, mockup.Content.Select(b => b.Type));
        Assert.Equal("image/png", mockup.Content[1].MediaType);
        Assert.StartsWith("iVBORw0KGgo", mockup.Content[1].Data);
        Assert.Equal("{\"diff\":\"-  return FLAT_RATE_EUR;\\n+  return subtotal >= FREE_SHIPPING_FROM_EUR ? 0 : FLAT_RATE_EUR;\",\"firstChangedLine\":4}", v3.Messages[6].StructuredResult);

        // Tokens and cost of every response in the file, the abandoned branch's too: they were billed.
        Assert.Equal(new TokenUsage(16140, 888, 43670, 16170), SampleFolder.Tokens(v3));
        Assert.Equal(0.225797, (double)v3.SourceMeta["cost_usd"], 6);
        Assert.Equal(new Dictionary<string, long> { ["aborted"] = 1, ["error"] = 1, ["stop"] = 4, ["toolUse"] = 6 }, (IReadOnlyDictionary<string, long>)v3.SourceMeta["stop_reasons"]);
        Assert.Equal(new TokenUsage(4100, 310, 0, 6900), v3.Messages[13].Usage);
        Assert.Equal("claude-opus-4-5", v3.Messages[13].Model);

        Assert.Equal(1L, v3.SourceMeta["branch_points"]);
        Assert.Equal(2L, v3.SourceMeta["branches"]);
        Assert.Equal(5L, v3.SourceMeta["abandoned_entries"]);
        Assert.Equal(1L, v3.SourceMeta["branch_summaries"]);
        Assert.Equal(1L, v3.SourceMeta["aborted_turns"]);
        Assert.Equal(11L, v3.SourceMeta["compacted_entries"]);
        Assert.Equal(new[] { "free-shipping-v1" }, (IEnumerable<string>)v3.SourceMeta["labels"]);
        Assert.Equal(new Dictionary<string, long> { ["todo-tracker"] = 1 }, (IReadOnlyDictionary<string, long>)v3.SourceMeta["custom_entries"]);
        Assert.Equal(DateTimeOffset.Parse("2026-02-10T10:15:32.227Z"), v3.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-02-10T10:19:48.731Z"), v3.EndedAt);
        Assert.Equal("All 14 checkout and cart tests pass.", v3.FinalAssistantMessage);
    }

    [Fact]
    public void Fork_names_its_source_and_does_not_count_the_copied_responses_again()
    {
        var fork = Record(Fork);

        Assert.Equal(SampleFolder.Kinds(Record(V3)), SampleFolder.Kinds(fork));
        Assert.Equal("The banner now renders only for logged-in customers (`loggedIn` prop).", fork.FinalAssistantMessage);
        Assert.EndsWith("_c41f7a2b-9e8d-4a63-b5c0-1d2e3f4a5b6c.jsonl", (string)fork.SourceMeta["parent_session"]);
        Assert.Equal(V3, fork.SourceMeta["parent_session_id"]);
        Assert.Equal(20L, fork.SourceMeta["inherited_entries"]);
        Assert.Equal(new TokenUsage(4050, 142, 9100, 5200), SampleFolder.Tokens(fork));
        Assert.Equal(new[] { "free-shipping-v1" }, (IEnumerable<string>)fork.SourceMeta["labels"]);
    }

    [Fact]
    public void All_branches_gives_one_record_per_leaf()
    {
        var records = ReadSamples(new ReadOptions { AllBranches = true }).Select(r => r.Record!).ToArray();

        Assert.Equal(
            new[] { $"{V1}:line-20", $"{V2}:c6f1a094", $"{V3}:8a5d1f27", $"{V3}:3a9f6b15", $"{Fork}:f19b4e62" },
            records.Select(r => r.TraceId));
        Assert.All(records, r => Assert.Equal(r.TraceId.Split(':')[0], r.RootSessionId));

        var left = records[2];
        Assert.Equal("Prompt Response ToolResult Response ToolResult Response ToolResult Response Prompt Synthetic Response ToolResult Response", SampleFolder.Kinds(left));
        Assert.Equal("529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", left.Messages[9].Text);
        Assert.Equal(MessageRole.Assistant, left.Messages[9].Role);
        Assert.Equal("Switzerland (CH) now qualifies for free shipping too.", left.FinalAssistantMessage);
        Assert.Equal("8a5d1f27", left.SourceMeta["leaf_id"]);
        Assert.False(left.SourceMeta.ContainsKey("active_branch"));
        Assert.Equal(1L, left.SourceMeta["assistant_errors"]);
        Assert.Equal(new TokenUsage(6230, 444, 26670, 5870), SampleFolder.Tokens(left));
        Assert.Equal(DateTimeOffset.Parse("2026-02-10T10:17:09.231Z"), left.EndedAt);

        var active = records[3];
        Assert.Equal(SampleFolder.Kinds(Record(V3)), SampleFolder.Kinds(active));
        Assert.True((bool)active.SourceMeta["active_branch"]);
        Assert.Equal(new TokenUsage(15710, 793, 31260, 16170), SampleFolder.Tokens(active));
        SampleFolder.AssertToolMessagesAnswerCalls(records);
    }

    [Fact]
    public void Responses_of_the_branches_left_are_carried_unlisted_as_IncludeAbandoned_reads_them()
    {
        var pairs = SampleFolder.Pairs(Results.Value, ReadSamples(new ReadOptions { IncludeAbandoned = true }));

        SampleFolder.AssertAbandonedResponsesCarried(pairs);
        var left = pairs.Single(p => p.Without.TraceId == V3).Without.UnlistedResponses;
        Assert.Equal(2, left.Count);
        Assert.All(left, u => Assert.NotNull(u.ResponseId));
        Assert.DoesNotContain(pairs, p => p.Without.TraceId != V3 && p.Without.UnlistedResponses.Count > 0);
    }

    [Fact]
    public void A_record_of_one_branch_leaves_the_other_branches_responses_to_their_records()
    {
        var records = ReadSamples(new ReadOptions { AllBranches = true }).Select(r => r.Record!).ToArray();

        Assert.All(records, r => Assert.Empty(r.UnlistedResponses));
    }

    [Fact]
    public void Include_abandoned_keeps_the_branch_left_marked_in_file_order()
    {
        var v3 = SampleFolder.Record(ReadSamples(new ReadOptions { IncludeAbandoned = true }), V3);

        Assert.Equal(
            "Prompt Response ToolResult Response ToolResult Response ToolResult Response Prompt* Synthetic* Response* ToolResult* Response* BranchSummary Prompt Response Interruption " +
            "Prompt Response ToolResult Context Response CompactionSummary Prompt Response ToolResult Response",
            string.Join(" ", v3.Messages.Select(m => m.Kind + (m.IsAbandoned ? "*" : string.Empty))));
        Assert.Equal("Add free shipping for orders over 50 EUR to checkout, like the mockup in docs/mockups/free-shipping.png", v3.Title);
    }
}
