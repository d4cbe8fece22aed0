using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Goose;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/goose is a GOOSE_PATH_ROOT: data/sessions/ holds sessions.db and two legacy files (samples/goose/README.md
/// says what each shows). Read as Get-AgentRollout reads the default location, with GOOSE_PATH_ROOT there.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class GooseSamplesTests
{
    private const string A = "20260312_1";
    private const string B = "20260313_1";
    private const string C = "20260313_2";
    private const string D = "20250111_101500";
    private const string E = "20260314_1";
    private const string L = "20250110_093000";

    private static readonly Lazy<(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var previous = Environment.GetEnvironmentVariable("GOOSE_PATH_ROOT");
        Environment.SetEnvironmentVariable("GOOSE_PATH_ROOT", SampleFolder.Root("goose"));
        try
        {
            var sessions = SessionLocator.InDefaultLocations(new GooseReader(), new TraceSearch()).Sessions;
            return (sessions, RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOSE_PATH_ROOT", previous);
        }
    });

    private static IReadOnlyList<ReadResult> Results => Run.Value.Results;

    [Fact]
    public void The_default_location_is_the_data_folders_sessions_and_each_row_and_file_is_a_reference()
    {
        var sessions = Run.Value.Sessions;
        Assert.Equal(new[] { A, B, C, D, D, E, L }.Order(StringComparer.Ordinal), sessions.Select(s => s.Ids!.TraceId).Order(StringComparer.Ordinal));
        Assert.All(sessions.Where(s => s.Source.Path.EndsWith("sessions.db", StringComparison.Ordinal)), s => Assert.NotNull(s.LastActivity));
        Assert.Equal(DateTimeOffset.Parse("2026-03-12T09:18:40Z"), sessions.Single(s => s.Ids!.TraceId == A).LastActivity);
    }

    [Fact]
    public void Every_store_reads_without_errors_and_an_imported_file_and_an_empty_session_are_notes()
    {
        Assert.Empty(Results.SelectMany(r => r.Diagnostics));
        Assert.Equal(new[] { D, L, A, B, C }.Order(StringComparer.Ordinal), Results.Select(r => r.Record).OfType<RolloutRecord>().Select(r => r.TraceId).Order(StringComparer.Ordinal));
        Assert.Contains(Results, r => r.SkipReason is { } why && why.StartsWith($"session {D} is read from '", StringComparison.Ordinal) && r.Source.Path.EndsWith(".jsonl", StringComparison.Ordinal));
        Assert.Contains(Results, r => r.SkipReason == $"session {E} holds no message yet");
        Assert.Equal("sessions_db", SampleFolder.Record(Results, D).SourceMeta["store"]);
    }

    [Fact]
    public void A_session_keeps_its_prompt_image_reasoning_calls_results_and_session_totals()
    {
        var a = SampleFolder.Record(Results, A);
        Assert.Equal(RolloutFormat.Goose, a.Format);
        Assert.Equal("goose", a.SourceKind);
        Assert.Equal("Prompt Response ToolResult Response ToolResult Response ToolResult Response", SampleFolder.Kinds(a));
        Assert.Equal("/home/dev/projects/calendar-kit", a.Cwd);
        Assert.Equal(a.Cwd, a.ProjectPath);
        Assert.Equal("Fix the leap-year date test", a.Title);
        Assert.Equal(new[] { "claude-sonnet-4-5" }, a.Models);
        Assert.Equal(DateTimeOffset.Parse("2026-03-12T09:15:00Z"), a.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-03-12T09:18:40Z"), a.EndedAt);
        Assert.Equal(new TokenUsage(18400, 1250, 0, 0), SampleFolder.Tokens(a));
        Assert.All(a.Messages, m => Assert.Null(m.Usage));

        var prompt = a.Messages[0];
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image }, prompt.Content.Select(c => c.Type));
        Assert.Equal("image/png", prompt.Content[1].MediaType);
        Assert.Equal(DateTimeOffset.Parse("2026-03-12T09:15:05Z"), prompt.Timestamp);

        var first = a.Messages[1];
        Assert.Equal("Run the test first to see the failing date.", first.ReasoningContent);
        Assert.Equal("Let me run the failing test.", first.Text);
        Assert.Equal("claude-sonnet-4-5", first.Model);
        var shell = Assert.Single(first.ToolCalls);
        Assert.Equal(("toolu_01", "developer__shell", "{\"command\": \"pytest tests/test_dates.py -q\"}"), (shell.Id, shell.Name, shell.Arguments));
        Assert.Equal(("toolu_01", "developer__shell", false), (a.Messages[2].ToolCallId, a.Messages[2].ToolName, a.Messages[2].IsError));
        Assert.StartsWith("F.\n1 failed", a.Messages[2].Text, StringComparison.Ordinal);

        // The malformed call is counted, the confirmation prompt too; the edit alone is listed.
        Assert.Equal("developer__text_editor", Assert.Single(a.Messages[3].ToolCalls).Name);
        var timedOut = a.Messages[6];
        Assert.True(timedOut.IsError);
        Assert.Equal("-32603: command timed out after 300 s", timedOut.Text);

        Assert.Equal(1L, a.SourceMeta["invalid_tool_calls"]);
        Assert.Equal(1L, a.SourceMeta["interface_items"]);
        Assert.Equal("anthropic", a.SourceMeta["provider"]);
        Assert.Equal("smart_approve", a.SourceMeta["goose_mode"]);
        Assert.Equal(0.0739, a.SourceMeta["cost_usd"]);
        Assert.Equal(19650L, a.SourceMeta["accumulated_total_tokens"]);
        Assert.Equal(6100L, a.SourceMeta["last_input_tokens"]);
        Assert.False(a.SourceMeta.ContainsKey("orphan_tool_results"));
    }

    [Fact]
    public void Compaction_keeps_the_summarised_messages_and_marks_the_summary_and_continuation()
    {
        var b = SampleFolder.Record(Results, B);
        Assert.Equal("Prompt Response CompactionSummary Synthetic Prompt Response", SampleFolder.Kinds(b));
        Assert.StartsWith("Summary: ", b.Messages[2].Text, StringComparison.Ordinal);
        Assert.Null(b.Messages[3].Model);
        Assert.Equal("gpt-4.1", b.Messages[5].Model);
        Assert.Equal(2L, b.SourceMeta["compacted_messages"]);
        Assert.Equal(1L, b.SourceMeta["redacted_thinking"]);
        Assert.Equal("Added an Installing section with the package manager commands.", b.FinalAssistantMessage);
    }

    [Fact]
    public void A_subagents_session_is_a_sidechain_whose_task_is_an_agent_message()
    {
        var c = SampleFolder.Record(Results, C);
        Assert.True(c.IsSidechain);
        Assert.Equal(C, c.AgentId);
        Assert.Equal(C, c.RootSessionId);
        Assert.Equal("AgentMessage Response", SampleFolder.Kinds(c));
        Assert.Equal("sub_agent", c.SourceMeta["session_type"]);
    }

    [Fact]
    public void A_legacy_file_reads_its_metadata_line_and_a_result_written_as_a_bare_list()
    {
        var l = SampleFolder.Record(Results, L);
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(l));
        Assert.Equal("Add a units flag", l.Title);
        Assert.Equal("/home/dev/projects/weather-cli", l.Cwd);
        Assert.Equal(new TokenUsage(4800, 400, 0, 0), SampleFolder.Tokens(l));
        Assert.Equal("src/cli.py:12: parser.add_argument('--city')", l.Messages[2].Text);
        Assert.Equal("legacy_jsonl", l.SourceMeta["store"]);
        Assert.Empty(l.Models);
        Assert.Equal(DateTimeOffset.Parse("2025-01-10T09:30:05Z"), l.StartedAt);
    }
}
