using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.KiroCli;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/kiro/sessions/cli: two sessions of Kiro CLI's V2 engine, a main one (calls and results, a failed command,
/// thinking, an image, a compaction, a /clear, stated credits and, for one turn, stated tokens) and a subagent's
/// (samples/kiro/README.md says what each shows).
/// </summary>
public sealed class KiroSessionFilesSamplesTests
{
    private const string E = "e8a4c6f0-2b7d-4c1e-9f3a-5d6b7c8e9f01";
    private const string F = "f1d2e3c4-5b6a-4789-8a0b-1c2d3e4f5a6b";

    private static readonly string Folder = SampleFolder.Root("kiro", "sessions", "cli");

    private static readonly Lazy<IReadOnlyList<ReadResult>> Run = new(() =>
    {
        var reader = new KiroCliReader();
        var store = Assert.Single(reader.StoresIn(Folder));
        var sessions = Directory.EnumerateFiles(store).Where(reader.IsTraceFile).Order(StringComparer.Ordinal).SelectMany(reader.SessionsIn).ToArray();
        return RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray();
    });

    [Fact]
    public void Each_conversation_file_is_one_record_named_by_its_file_and_the_files_beside_it_are_no_traces()
    {
        var reader = new KiroCliReader();
        Assert.Equal(new[] { E, F }, Run.Value.Select(r => r.Record!.TraceId));
        Assert.Empty(Run.Value.SelectMany(r => r.Diagnostics));
        Assert.True(reader.IsSidecarFile(Path.Combine(Folder, E + ".json")));
        Assert.True(reader.IsSidecarFile(Path.Combine(Folder, E + ".history")));
        Assert.False(reader.IsTraceFile(Path.Combine(Folder, E + ".json")));
        Assert.Equal(E, Assert.Single(reader.SessionsIn(Path.Combine(Folder, E + ".jsonl"))).Ids!.TraceId);
        SampleFolder.AssertToolMessagesAnswerCalls(Run.Value.Select(r => r.Record!));
    }

    [Fact]
    public void The_main_session_pairs_calls_with_results_and_keeps_thinking_an_image_the_compaction_and_what_came_before_clear()
    {
        var e = SampleFolder.Record(Run.Value, E);
        Assert.Equal("Prompt Response ToolResult Response ToolResult Response Prompt Response CompactionSummary Prompt Response ToolResult Response Prompt Response", SampleFolder.Kinds(e));
        Assert.Equal("/home/dev/projects/ledger-export", e.Cwd);
        Assert.Equal("Why does the nightly export job skip the last row?", e.Title);
        Assert.Equal(DateTimeOffset.Parse("2026-03-10T10:00:00.1234567Z"), e.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-03-10T10:15:12.6543219Z"), e.EndedAt);
        Assert.False(e.IsSidechain);
        Assert.Equal(E, e.RootSessionId);

        var calls = e.Messages.SelectMany(m => m.ToolCalls).ToArray();
        Assert.Equal(new[] { "read", "shell", "write" }, calls.Select(c => c.Name));
        Assert.Contains("\"__tool_use_purpose\":\"Read the export loop\"", calls[0].Arguments);
        var results = e.Messages.Where(m => m.Kind == MessageKind.ToolResult).ToArray();
        Assert.Equal(new bool?[] { false, true, false }, results.Select(r => r.IsError));
        Assert.Contains("\"exit_status\":\"exit status: 1\"", results[1].Text);

        Assert.Equal("The range should cover every row.", e.Messages[5].ReasoningContent);
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image }, e.Messages[6].Content.Select(b => b.Type));
        Assert.Equal("image/png", e.Messages[6].Content[1].MediaType);
        Assert.StartsWith("The export loop skipped the last row", e.Messages[8].Text);
        // /clear: the model saw nothing before it, but the person's words before it are kept, and the clear counted.
        Assert.Equal("Start over: list the scheduled jobs.", e.Messages[13].Text);
        Assert.Equal(1L, e.SourceMeta["clears"]);
        Assert.Equal(1L, e.SourceMeta["compactions"]);
        Assert.Equal(1L, e.SourceMeta["images"]);
        Assert.Equal(4L, e.SourceMeta["turns"]);
    }

    [Fact]
    public void A_response_that_ends_a_turn_takes_its_time_model_and_stated_tokens_and_credits_are_summed_but_zeros_are_no_usage()
    {
        var e = SampleFolder.Record(Run.Value, E);
        // Prompts carry Unix seconds; the first turn's end is Unix seconds, the later ones ISO 8601.
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1773136800251), e.Messages[0].Timestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1773136845500), e.Messages[5].Timestamp);
        Assert.Null(e.Messages[1].Timestamp);
        Assert.Equal(DateTimeOffset.Parse("2026-03-10T10:05:09.25Z"), e.Messages[7].Timestamp);
        Assert.Equal(new[] { "claude-sonnet-4.5", "auto" }, e.Models);
        Assert.Equal("auto", e.Messages[12].Model);
        Assert.Equal("claude-sonnet-4.5", e.Messages[1].Model);
        // Only the second turn states tokens; the others write zeros, which say nothing.
        Assert.Equal(new TokenUsage(5120, 96, 3072, 0), e.Messages[7].Usage);
        Assert.Equal(new TokenUsage(5120, 96, 3072, 0), SampleFolder.Tokens(e));
        Assert.Single(e.Messages, m => m.Usage is not null);
        Assert.Equal(0.78, (double)e.SourceMeta["credits"]!, 9);
        Assert.Equal("a-04", e.Messages[7].ResponseId);
    }

    [Fact]
    public void A_subagents_session_names_its_parent_as_its_root()
    {
        var f = SampleFolder.Record(Run.Value, F);
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(f));
        Assert.True(f.IsSidechain);
        Assert.Equal(E, f.RootSessionId);
        Assert.Equal(new[] { "claude-haiku-4.5" }, f.Models);
        Assert.Equal("subagent", f.SourceMeta["created_reason"]);
        Assert.Equal(E, f.SourceMeta["parent_session_id"]);
        Assert.Equal(0, f.InputTokens);
    }
}
