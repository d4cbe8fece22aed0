using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.KiroCli;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/kiro stands for the local data folder: amazon-q/data.sqlite3 holds two Amazon Q Developer CLI conversations
/// (one of each history shape), kiro-cli/data.sqlite3 two Kiro CLI conversations of one folder in conversations_v2
/// and an older copy of one of them in conversations (samples/kiro/README.md says what each shows).
/// </summary>
public sealed class KiroCliSamplesTests
{
    private const string A = "2f0c1d7e-5a43-4b8e-9d61-0b7c3e9a4f10";
    private const string B = "9b1e4c22-7d0a-4f3e-8c55-61a2d0e8b3c7";
    private const string C = "c7a0e5b1-3f2d-4e6a-9b8c-2d1e0f4a5b6c";
    private const string D = "d3b9f2a4-8e1c-4a7d-b5f6-7c0e9d2a1b3e";

    private static readonly string AmazonQ = SampleFolder.Root("kiro", "amazon-q", "data.sqlite3");
    private static readonly string Kiro = SampleFolder.Root("kiro", "kiro-cli", "data.sqlite3");

    private static readonly Lazy<(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var reader = new KiroCliReader();
        var sessions = reader.SessionsIn(AmazonQ).Concat(reader.SessionsIn(Kiro)).ToArray();
        return (sessions, RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
    });

    private static IReadOnlyList<ReadResult> Results => Run.Value.Results;

    [Fact]
    public void Each_conversation_row_is_a_reference_by_its_conversation_id_and_a_copy_in_the_older_table_is_read_once()
    {
        var sessions = Run.Value.Sessions;
        Assert.Equal(new[] { A, B, C, D }, sessions.Select(s => s.Ids!.TraceId));
        Assert.Null(sessions[0].LastActivity);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1762331403000), sessions[3].LastActivity);
    }

    [Fact]
    public void Every_conversation_reads_without_diagnostics()
    {
        Assert.Empty(Results.SelectMany(r => r.Diagnostics));
        Assert.Equal(new[] { A, B, C, D }, Results.Select(r => r.Record!.TraceId));
        Assert.All(Results, r => Assert.Equal(RolloutFormat.KiroCli, r.Record!.Format));
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Select(r => r.Record!));
    }

    [Fact]
    public void An_amazon_q_conversation_pairs_its_calls_with_their_results_and_keeps_context_times_and_an_image()
    {
        var a = SampleFolder.Record(Results, A);
        Assert.Equal("kiro_cli", a.SourceKind);
        Assert.Equal("Context Prompt Response ToolResult Response ToolResult Response Prompt Response", SampleFolder.Kinds(a));
        Assert.Equal("/home/dev/projects/invoice-api", a.Cwd);
        Assert.Equal("Why does the invoice total test fail?", a.Title);
        Assert.Equal(new[] { "claude-sonnet-4" }, a.Models);
        Assert.Equal(DateTimeOffset.Parse("2025-09-02T08:15:03.120Z"), a.Messages[1].Timestamp);
        Assert.StartsWith("--- CONTEXT ENTRY BEGIN ---", a.Messages[0].Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1756800906100), a.Messages[2].Timestamp);
        Assert.Equal("m-a1", a.Messages[2].ResponseId);
        Assert.Equal("fs_read", Assert.Single(a.Messages[2].ToolCalls).Name);
        Assert.Equal("tooluse_read01", a.Messages[3].ToolCallId);
        Assert.StartsWith("def total(lines):", a.Messages[3].Text);
        Assert.True(a.Messages[5].IsError == true);
        Assert.Contains("\"exit_status\": \"1\"", a.Messages[5].Text);
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image }, a.Messages[7].Content.Select(c => c.Type));
        Assert.Equal("image/png", a.Messages[7].Content[1].MediaType);
        Assert.Null(a.Messages[8].Usage);
        Assert.Equal(0, a.InputTokens);
        Assert.Equal("AmazonQ.md, docs/billing.md", a.SourceMeta["context_paths"].ToString());
        Assert.Equal("req-a1, req-a2, req-a3, req-a4", a.SourceMeta["request_ids"].ToString());
        Assert.Equal(DateTimeOffset.Parse("2025-09-02T08:15:03.120Z"), a.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1756801062900), a.EndedAt);
    }

    [Fact]
    public void An_older_conversation_of_pairs_keeps_its_summary_and_the_prompt_that_cancelled_its_tool_uses()
    {
        var b = SampleFolder.Record(Results, B);
        Assert.Equal("CompactionSummary Prompt Response ToolResult ToolResult Prompt Response", SampleFolder.Kinds(b));
        Assert.StartsWith("The user keeps notes", b.Messages[0].Text);
        Assert.Equal(2, b.Messages[2].ToolCalls.Count);
        Assert.All(new[] { b.Messages[3], b.Messages[4] }, m => Assert.Equal("Tool use was cancelled by the user", m.Text));
        Assert.All(new[] { b.Messages[3], b.Messages[4] }, m => Assert.True(m.IsError == true));
        Assert.Equal("Stop, only list them for now.", b.Messages[5].Text);
        Assert.Equal(2L, b.SourceMeta["cancelled_tool_uses"]);
        Assert.Equal(true, b.SourceMeta["compacted"]);
        Assert.Null(b.StartedAt);
        Assert.Empty(b.Models);
    }

    [Fact]
    public void Kiro_cli_conversations_of_one_folder_are_read_apart_with_their_rows_times_and_a_pending_prompt()
    {
        var c = SampleFolder.Record(Results, C);
        Assert.Equal("CompactionSummary Prompt Response ToolResult Response", SampleFolder.Kinds(c));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1762250404000), c.Messages[0].Timestamp);
        Assert.Equal("kiro_default", c.SourceMeta["agent"]);
        Assert.Equal(KiroDatabase.Table, c.SourceMeta["table"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1762250400000), c.StartedAt);
        Assert.Equal(new[] { "claude-sonnet-4.5" }, c.Models);

        var d = SampleFolder.Record(Results, D);
        Assert.Equal(c.Cwd, d.Cwd);
        Assert.Equal("Prompt Response Prompt", SampleFolder.Kinds(d));
        Assert.Equal("And how long is it kept?", d.Messages[2].Text);
        Assert.Equal(true, d.SourceMeta["pending_prompt"]);
    }
}
