using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.OpenClaw;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/openclaw/state is an OpenClaw state dir (samples/openclaw/README.md says what each file shows), read as
/// Get-AgentRollout reads the default location, with OPENCLAW_STATE_DIR pointing at it.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class OpenClawSamplesTests
{
    private const string Direct = "7c9e2f14-3b6a-4d85-9e1f-0a2b3c4d5e6f";
    private const string Reset = "5a1d8c37-2e4f-4b69-8a0c-1f2e3d4c5b6a";
    private const string Topic = "9b3e6a21-7c4d-4f18-b2a5-6c7d8e9f0a1b";
    private const string Subagent = "e4f5a6b7-c8d9-4e0f-a1b2-c3d4e5f6a7b8";
    private const string Slack = "2f8a4c6e-1b3d-4e5f-8a9b-0c1d2e3f4a5b";
    private const string Deleted = "6d0e2f4a-8b1c-4d3e-9f5a-7b8c9d0e1f2a";

    private static readonly Lazy<(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var previous = Environment.GetEnvironmentVariable(OpenClawReader.StateDirVariable);
        Environment.SetEnvironmentVariable(OpenClawReader.StateDirVariable, SampleFolder.Root("openclaw", "state"));
        try
        {
            var reader = new OpenClawReader();
            var sessions = SessionLocator.InDefaultLocations(reader, new TraceSearch()).Sessions;
            return (sessions, RolloutLoader.ReadAll(sessions, new ReadOptions(), CancellationToken.None).ToArray());
        }
        finally
        {
            Environment.SetEnvironmentVariable(OpenClawReader.StateDirVariable, previous);
        }
    });

    private static RolloutRecord Record(string traceId) => SampleFolder.Record(Run.Value.Results, traceId);

    [Fact]
    public void The_default_location_gives_every_session_file_and_archive_of_both_agents_and_nothing_else()
    {
        Assert.Equal(
            new[] { Reset, Direct, Topic, Subagent, Slack, Deleted },
            Run.Value.Sessions.Select(s => s.Ids!.TraceId));
        Assert.All(Run.Value.Sessions, s => Assert.EndsWith("sessions.json", Assert.Single(s.DependsOn)));
        Assert.Empty(Run.Value.Results.SelectMany(r => r.Diagnostics));
        Assert.All(Run.Value.Results, r => Assert.Equal((RolloutFormat.OpenClaw, "openclaw"), (r.Record!.Format, r.Record.SourceKind)));
        SampleFolder.AssertToolMessagesAnswerCalls(Run.Value.Results.Select(r => r.Record!));
    }

    [Fact]
    public void A_direct_chat_keeps_its_image_context_agent_report_delivery_mirror_compaction_and_failed_response()
    {
        var record = Record(Direct);
        Assert.Equal(
            "Prompt Context Response ToolResult Response ToolResult AgentMessage Response ToolResult Synthetic Response CompactionSummary Prompt Synthetic",
            SampleFolder.Kinds(record));
        Assert.Contains(record.Messages[0].Content, b => b.Type == ContentBlockType.Image);
        Assert.StartsWith("Conversation info (untrusted metadata)", record.Messages[1].Text);
        Assert.StartsWith("[Subagent \"Price check\" finished]", record.Messages[6].Text);

        // The delivery mirror: the text the message tool sent, after the tool's result, with no model and no usage.
        var mirror = record.Messages[9];
        Assert.Equal((MessageRole.Assistant, "Valve: Bauhof Nord, 8.49 EUR, aisle 14"), (mirror.Role, mirror.Text));
        Assert.Null(mirror.Model);
        Assert.Null(mirror.Usage);
        Assert.Equal(new[] { "claude-sonnet-4-5" }, record.Models);
        Assert.StartsWith("529 ", record.Messages[^1].Text);

        Assert.Equal(new TokenUsage(4120 + 4390 + 4810 + 4990, 74 + 112 + 96 + 14, 3 * 11200, 11200), SampleFolder.Tokens(record));
        var meta = record.SourceMeta;
        Assert.Equal((1L, 1L, 1L, 1L), ((long)meta["delivery_mirrors"], (long)meta["agent_messages"], (long)meta["custom_messages"], (long)meta["compactions"]));
        Assert.Equal(new Dictionary<string, long> { ["model-snapshot"] = 1, ["openclaw.cache-ttl"] = 1, ["openclaw:prompt-error"] = 1 }, (IReadOnlyDictionary<string, long>)meta["custom_entries"]);
        Assert.Equal(("main", "agent:main:main", "telegram", "direct"), (meta["agent_id"], meta["session_key"], meta["channel"], meta["chat_type"]));
        Assert.Equal(("Dana Whitfield", "telegram:5550001"), (meta["display_name"], meta["origin_from"]));
        Assert.Equal(("anthropic/claude-sonnet-4-5", 22310L, 0.1521), (meta["index_model"], meta["index_input_tokens"], meta["index_cost_usd"]));
        Assert.False(record.IsSidechain);
        Assert.Equal("/home/dana/.openclaw/workspace", record.Cwd);
    }

    [Fact]
    public void The_people_of_a_chat_stay_out_of_the_messages_the_agent_did_not_write_them_into()
    {
        // OpenClaw puts its envelope (channel, sender, time) into the prompt the model sees: kept as written,
        // while who and where are SourceMeta from sessions.json, never text added to a message.
        var record = Record(Topic);
        Assert.Equal("Prompt Response ToolResult Response Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.EndsWith("Priya (@priya_k): @dana_helper_bot is the porch light still on?", record.Messages[0].Text);
        Assert.DoesNotContain(record.Messages, m => m.Text.Contains("Home automation id:-1001234567890 topic:42\n", StringComparison.Ordinal));
        var meta = record.SourceMeta;
        Assert.Equal(("42", "42", "group", "Home automation"), (meta["topic_id"], meta["thread_id"], meta["chat_type"], meta["subject"]));
        Assert.Equal("agent:main:telegram:group:-1001234567890:topic:42", meta["session_key"]);
        Assert.True(record.Messages[6].IsError);
    }

    [Fact]
    public void A_subagent_session_belongs_to_the_session_that_spawned_it()
    {
        var record = Record(Subagent);
        Assert.True(record.IsSidechain);
        Assert.Equal(Direct, record.RootSessionId);
        Assert.Equal(Subagent, record.TraceId);
        Assert.Equal("Price check", record.Title);
        Assert.Equal(("agent:main:main", Direct, 1L, "done"), (record.SourceMeta["spawned_by"], record.SourceMeta["spawned_by_session_id"], record.SourceMeta["spawn_depth"], record.SourceMeta["run_status"]));
        Assert.Equal(new[] { "claude-haiku-4-5" }, record.Models);
    }

    [Fact]
    public void An_archived_session_keeps_its_conversation_and_none_of_its_keys_later_totals()
    {
        var reset = Record(Reset);
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(reset));
        Assert.Equal(("reset", "2026-03-02T04:00:00.0000000+00:00"), (reset.SourceMeta["archived"], reset.SourceMeta["archived_at"]));
        Assert.Equal("agent:main:main", reset.SourceMeta["session_key"]);
        Assert.False(reset.SourceMeta.ContainsKey("index_model"));
        Assert.Equal(new TokenUsage(2210 + 2330, 61 + 38, 19600, 0), SampleFolder.Tokens(reset));

        // A deleted session's key is gone from the index: the file alone speaks for it.
        var deleted = Record(Deleted);
        Assert.Equal(("deleted", "work"), (deleted.SourceMeta["archived"], deleted.SourceMeta["agent_id"]));
        Assert.False(deleted.SourceMeta.ContainsKey("session_key"));
        Assert.False(deleted.SourceMeta.ContainsKey("indexed"));
    }

    [Fact]
    public void A_second_agent_has_its_own_index()
    {
        var record = Record(Slack);
        Assert.Equal(("work", "slack", "#ops-alerts", "agent:work:slack:channel:c07ops1234"), (record.SourceMeta["agent_id"], record.SourceMeta["channel"], record.SourceMeta["subject"], record.SourceMeta["session_key"]));
        Assert.Equal("/home/dana/.openclaw/workspace-work", record.Cwd);
    }

    [Fact]
    public void A_recursive_search_of_the_sample_folder_reads_each_file_as_openclaw()
    {
        var found = TraceFileFinder.Find(SampleFolder.Root("openclaw"), FormatRegistry.Default.All, new TraceSearch { Recurse = true }).Files;
        // The six session files of state/ and the database of state-sqlite/ (its cold archive is read through it).
        Assert.Equal(7, found.Count);
        // No JSON head tells a SQLite file: the database's name claims it, each session file its first line.
        var database = Assert.Single(found, f => f.Path.EndsWith(OpenClawHome.DatabaseName, StringComparison.Ordinal));
        Assert.Equal(RolloutFormat.OpenClaw, Assert.Single(database.Readers).Format);
        Assert.All(found.Where(f => f != database), f => Assert.Equal(RolloutFormat.OpenClaw, FormatDetector.Detect(TraceSource.FromFile(f.Path), FormatRegistry.Default.All).Reader?.Format));
    }
}
