using System.Text;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.ClaudeCode;
using RolloutTools.Core.Formats.Codex;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Formats;
using RolloutTools.Core.Usage;

namespace RolloutTools.Core.Tests.Usage;

public sealed class UsageMeterTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static RolloutMessage Response(DateTimeOffset at, long input, string model = "claude-opus-4-5", string? id = null, decimal? cost = null, int calls = 0) => new()
    {
        Role = MessageRole.Assistant,
        Kind = MessageKind.Response,
        Timestamp = at,
        Model = model,
        Usage = new TokenUsage(input, 0, 0, 0),
        ResponseId = id,
        CostUsd = cost,
        ToolCalls = Enumerable.Range(0, calls).Select(i => new ToolCall($"c{i}", "Bash", "{}")).ToArray(),
    };

    private static RolloutMessage Prompt(DateTimeOffset at) => new() { Role = MessageRole.User, Kind = MessageKind.Prompt, Timestamp = at, Content = new[] { ContentBlock.FromText("go") } };

    private static RolloutRecord Record(string session, params RolloutMessage[] messages) => new()
    {
        TraceId = session,
        RootSessionId = session,
        Format = RolloutFormat.ClaudeCode,
        SourceKind = "claude_code",
        ProjectPath = "/home/dev/acme-shop",
        StartedAt = messages.Min(m => m.Timestamp),
        EndedAt = messages.Max(m => m.Timestamp),
        Messages = messages,
        Usage = messages.Aggregate(default(TokenUsage), (sum, m) => sum + (m.Usage ?? default)),
    };

    private static IReadOnlyList<UsageRow> Measure(UsageOptions options, params RolloutRecord[] records)
    {
        var meter = new UsageMeter(options);
        foreach (var record in records) meter.Add(record);
        return meter.Rows();
    }

    [Fact]
    public void Without_grouping_one_row_totals_everything()
    {
        var t = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var row = Assert.Single(Measure(new UsageOptions(),
            Record("a", Prompt(t), Response(t.AddSeconds(5), 1_000_000, calls: 2)),
            Record("b", Prompt(t), Response(t.AddHours(1), 1_000_000, model: "gpt-5"))));

        Assert.Equal((2, 4L, 2L, 2_000_000L), (row.Sessions, row.Messages, row.ToolCalls, row.InputTokens));
        Assert.Equal(5m + 1.25m, row.CostUsd);
        Assert.Equal("Computed", row.CostSource);
        Assert.Equal(new[] { "claude-opus-4-5", "gpt-5" }, row.Models);
        Assert.Equal((t, t.AddHours(1)), (row.FirstActivity!.Value, row.LastActivity!.Value));
    }

    [Fact]
    public void Days_follow_the_time_zone_across_a_daylight_saving_change()
    {
        // Berlin moves from +01:00 to +02:00 at 01:00 UTC on 2026-03-29.
        var record = Record("a",
            Response(new DateTimeOffset(2026, 3, 28, 22, 59, 0, TimeSpan.Zero), 1),  // 23:59 +01:00, the 28th
            Response(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), 2),   // 00:00 +01:00, the 29th
            Response(new DateTimeOffset(2026, 3, 29, 21, 59, 0, TimeSpan.Zero), 4),  // 23:59 +02:00, the 29th
            Response(new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero), 8));  // 00:00 +02:00, the 30th

        var berlin = Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Day }, TimeZone = Berlin }, record);
        var utc = Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Day }, TimeZone = TimeZoneInfo.Utc }, record);

        Assert.Equal(new[] { (new DateOnly(2026, 3, 28), 1L), (new DateOnly(2026, 3, 29), 6L), (new DateOnly(2026, 3, 30), 8L) }, berlin.Select(r => (r.Day!.Value, r.InputTokens)));
        Assert.Equal(new[] { (new DateOnly(2026, 3, 28), 3L), (new DateOnly(2026, 3, 29), 12L) }, utc.Select(r => (r.Day!.Value, r.InputTokens)));
    }

    [Fact]
    public void Weeks_start_on_monday_and_months_on_the_first()
    {
        var record = Record("a",
            Response(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), 1),   // Sunday
            Response(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero), 2),   // Monday
            Response(new DateTimeOffset(2026, 2, 28, 12, 0, 0, TimeSpan.Zero), 4)); // Saturday

        var rows = Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Week, UsageGroup.Month }, TimeZone = TimeZoneInfo.Utc }, record);

        Assert.Equal(new[]
        {
            (new DateOnly(2026, 2, 23), new DateOnly(2026, 2, 1), 4L),
            (new DateOnly(2026, 2, 23), new DateOnly(2026, 3, 1), 1L),
            (new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 1), 2L),
        }, rows.Select(r => (r.Week!.Value, r.Month!.Value, r.InputTokens)));
    }

    [Fact]
    public void Five_hour_blocks_open_on_the_hour_of_the_first_activity_and_after_a_gap()
    {
        var t = new DateTimeOffset(2026, 3, 2, 9, 40, 0, TimeSpan.Zero);
        var rows = Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Block } },
            Record("a", Response(t, 1), Response(t.AddHours(4), 2)),                             // 09:40, 13:40: block 09:00
            Record("b", Response(t.AddMinutes(20), 4), Response(t.AddHours(5), 8)),              // 10:00 in it; 14:40 opens 14:00
            Record("c", Response(t.AddHours(5).AddMinutes(10), 16), Response(t.AddHours(11), 32))); // 14:50 in 14:00; 20:40 after a gap of > 5 h

        Assert.Equal(new[]
        {
            (new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero), 7L, 2),
            (new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero), 24L, 2),
            (new DateTimeOffset(2026, 3, 2, 20, 0, 0, TimeSpan.Zero), 32L, 1),
        }, rows.Select(r => (r.Block!.Value, r.InputTokens, r.Sessions)));
    }

    [Fact]
    public void A_session_that_switched_models_is_split_between_them()
    {
        var t = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var rows = Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Session, UsageGroup.Model } },
            Record("a", Prompt(t), Response(t.AddSeconds(1), 1_000_000), Prompt(t.AddSeconds(2)), Response(t.AddSeconds(3), 1_000_000, model: "claude-haiku-4-5")));

        // A prompt counts with the model of the response before it (the first response's, before any).
        Assert.Equal(new (string, string, long?, decimal)[] { ("a", "claude-haiku-4-5", 1L, 1m), ("a", "claude-opus-4-5", 3L, 5m) }, rows.Select(r => (r.Session!, r.Model!, r.Messages, r.CostUsd!.Value)));
    }

    [Fact]
    public void Since_and_until_count_each_message_at_its_own_time()
    {
        var t = new DateTimeOffset(2026, 3, 2, 23, 0, 0, TimeSpan.Zero);
        var row = Assert.Single(Measure(new UsageOptions { Since = t.AddHours(1), Until = t.AddHours(2) },
            Record("a", Response(t, 1), Response(t.AddHours(1), 2), Response(t.AddHours(2), 4), Response(t.AddHours(3), 8))));

        Assert.Equal((6L, 2L), (row.InputTokens, row.Messages));
    }

    [Fact]
    public void A_stated_cost_is_used_and_the_row_says_so()
    {
        var t = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var rows = Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Session } },
            Record("a", Response(t, 1_000_000, cost: 0.42m)),
            Record("b", Response(t, 1_000_000, cost: 0.42m), Response(t, 1_000_000)));

        Assert.Equal(new[] { (0.42m, "Stated"), (5.42m, "Mixed") }, rows.Select(r => (r.CostUsd!.Value, r.CostSource)));
    }

    [Fact]
    public void A_model_without_a_price_leaves_the_cost_empty_and_is_named_once()
    {
        var t = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var meter = new UsageMeter(new UsageOptions { GroupBy = new[] { UsageGroup.Model } });
        meter.Add(Record("a", Response(t, 10, model: "nousresearch/hermes-4-405b"), Response(t, 10, model: "nousresearch/hermes-4-405b"), Response(t, 1_000_000)));
        meter.Add(Record("b", Response(t, 10, model: "nousresearch/hermes-4-405b")));

        Assert.Equal(new[] { ("claude-opus-4-5", (decimal?)5m, "Computed"), ("nousresearch/hermes-4-405b", null, "Unpriced") },
            meter.Rows().Select(r => (r.Model!, r.CostUsd, r.CostSource)));
        Assert.Equal(new[] { "nousresearch/hermes-4-405b" }, meter.UnpricedModels);
    }

    [Fact]
    public void A_user_price_table_replaces_the_shipped_one()
    {
        var prices = PriceTable.Load(new MemoryStream(Encoding.UTF8.GetBytes("""{"claude-opus-4-5": {"input_cost_per_token": 0.000001, "output_cost_per_token": 0.000002}}""")));
        var t = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

        var row = Assert.Single(Measure(new UsageOptions { Prices = prices }, Record("a", Response(t, 1_000_000))));

        Assert.Equal(1m, row.CostUsd);
    }

    [Fact]
    public void Usage_a_record_states_beyond_its_messages_counts_at_its_end_with_its_stated_cost()
    {
        var t = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var hermes = new RolloutRecord(Record("h", Prompt(t), Prompt(t.AddMinutes(3))))
        {
            Format = RolloutFormat.HermesAgent,
            Models = new[] { "anthropic/claude-sonnet-4.5" },
            Usage = new TokenUsage(100, 50, 0, 0),
            SourceMeta = new SourceMeta.Builder().Add("estimated_cost_usd", "0.0123").Build(),
        };

        var row = Assert.Single(Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Model } }, hermes));

        Assert.Equal(("anthropic/claude-sonnet-4.5", 150L, (decimal?)0.0123m, "Stated", 2L), (row.Model!, row.TotalTokens, row.CostUsd, row.CostSource, row.Messages));
    }

    [Fact]
    public void A_cost_a_record_states_without_any_tokens_is_counted_at_its_end()
    {
        var t = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var stated = new RolloutRecord(Record("c", Prompt(t), Prompt(t.AddMinutes(3))))
        {
            Format = RolloutFormat.Crush,
            SourceMeta = new SourceMeta.Builder().Add("cost_usd", 0.42).Build(),
        };
        var nothing = new RolloutRecord(Record("n", Prompt(t)));

        var rows = Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Session } }, stated, nothing);

        Assert.Equal(("c", 0L, (decimal?)0.42m, "Stated"), (rows[0].Session!, rows[0].TotalTokens, rows[0].CostUsd, rows[0].CostSource));
        Assert.Equal(("n", 0L, (decimal?)0m), (rows[1].Session!, rows[1].TotalTokens, rows[1].CostUsd));
    }

    [Fact]
    public void A_resumed_claude_session_counts_the_history_it_copied_once()
    {
        const string usage = "{\"input_tokens\":3,\"output_tokens\":100,\"cache_read_input_tokens\":1000,\"cache_creation_input_tokens\":500,\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":500}}";
        var original = new ClaudeLines()
            .User("u1", null, "Fix the cart total.")
            .Assistant("a1", "u1", "msg_01A", "{\"type\":\"text\",\"text\":\"Done.\"}", usage, model: "claude-opus-4-5", requestId: "req_01A");
        // claude --resume (1.0.x) writes a new file with a new session id that starts with the old history.
        var resumed = new ClaudeLines { SessionId = "9a8b7c6d-0000-4000-8000-000000000002" }
            .User("u1", null, "Fix the cart total.")
            .Assistant("a1", "u1", "msg_01A", "{\"type\":\"text\",\"text\":\"Done.\"}", usage, model: "claude-opus-4-5", requestId: "req_01A")
            .User("u2", "a1", "Now add a test.")
            .Assistant("a2", "u2", "msg_01B", "{\"type\":\"text\",\"text\":\"Added.\"}", usage, model: "claude-opus-4-5", requestId: "req_01B");

        var first = original.Read().Record!;
        var second = resumed.Read().Record!;
        Assert.Equal("msg_01A:req_01A", first.Messages[1].ResponseId);
        Assert.Equal(500, first.Messages[1].Usage!.Value.CacheWrite1hTokens);

        var meter = new UsageMeter(new UsageOptions { GroupBy = new[] { UsageGroup.Session } });
        meter.Add(first);
        meter.Add(second);
        var rows = meter.Rows();

        Assert.Equal(1, meter.DuplicateResponses);
        Assert.Equal(3 * 1603L, rows.Sum(r => r.TotalTokens) + 1603L);
        Assert.Equal(new (string, long, long?)[] { (ClaudeLines.Session, 1603L, 2L), ("9a8b7c6d-0000-4000-8000-000000000002", 1603L, 3L) }, rows.Select(r => (r.Session!, r.TotalTokens, r.Messages)));
        // Per response: 3 x $5 + 100 x $25 + 1000 x $0.50 + 500 one-hour writes x $10, per million.
        Assert.Equal(2 * (3 * 5m + 100 * 25m + 1000 * 0.5m + 500 * 10m) / 1_000_000m, rows.Sum(r => r.CostUsd));
    }

    [Fact]
    public void A_codex_fork_that_replays_its_parents_token_counts_counts_them_once()
    {
        static string Line(string time, string type, string payload) => $"{{\"timestamp\":\"{time}\",\"type\":\"{type}\",\"payload\":{payload}}}";
        static string Tokens(string time, long input, long cached, long output, long totalInput) => Line(time, "event_msg",
            $"{{\"type\":\"token_count\",\"info\":{{\"total_token_usage\":{{\"input_tokens\":{totalInput},\"cached_input_tokens\":0,\"output_tokens\":0,\"reasoning_output_tokens\":0,\"total_tokens\":{totalInput}}},\"last_token_usage\":{{\"input_tokens\":{input},\"cached_input_tokens\":{cached},\"output_tokens\":{output},\"reasoning_output_tokens\":0,\"total_tokens\":{input + output}}}}}}}");
        static string Meta(string id, string time) => Line(time, "session_meta", $"{{\"id\":\"{id}\",\"timestamp\":\"{time}\",\"cwd\":\"/home/dev/acme-shop\",\"originator\":\"codex_cli_rs\",\"cli_version\":\"0.46.0\"}}");
        var context = Line("2026-03-02T09:00:01.000Z", "turn_context", "{\"cwd\":\"/home/dev/acme-shop\",\"model\":\"gpt-5.1-codex\"}");
        var user = Line("2026-03-02T09:00:02.000Z", "response_item", "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Fix it.\"}]}");
        var answer = Line("2026-03-02T09:00:05.000Z", "response_item", "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Fixed.\"}]}");
        var parentCount = Tokens("2026-03-02T09:00:06.000Z", 1000, 200, 50, 1000);
        var parent = string.Join("\n", Meta("019a0000-0000-7000-8000-000000000001", "2026-03-02T09:00:00.000Z"), context, user, answer, parentCount);
        // A fork an early build wrote without saying so: the parent's lines as they were, then its own.
        var fork = string.Join("\n", Meta("019a0000-0000-7000-8000-000000000002", "2026-03-02T09:00:00.000Z"), context, user, answer, parentCount,
            Line("2026-03-02T10:00:00.000Z", "response_item", "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"And the test.\"}]}"),
            Line("2026-03-02T10:00:05.000Z", "response_item", "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Added.\"}]}"),
            Tokens("2026-03-02T10:00:06.000Z", 2000, 1000, 80, 3000));

        var meter = new UsageMeter(new UsageOptions { GroupBy = new[] { UsageGroup.Model } });
        foreach (var (name, text) in new[] { ("rollout-2026-03-02T09-00-00-019a0000-0000-7000-8000-000000000001.jsonl", parent), ("rollout-2026-03-02T09-00-00-019a0000-0000-7000-8000-000000000002.jsonl", fork) })
        {
            var source = TraceSource.FromBytes($"/home/dev/.codex/sessions/2026/03/02/{name}", Encoding.UTF8.GetBytes(text + "\n"));
            meter.Add(new CodexReader().BeginScan(new[] { source }, CancellationToken.None, null).Read(source, CancellationToken.None).Record!);
        }
        var row = Assert.Single(meter.Rows());

        Assert.Equal(1, meter.DuplicateResponses);
        Assert.Equal(("gpt-5.1-codex", 800L + 1000L, 200L + 1000L, 130L), (row.Model!, row.InputTokens, row.CacheReadTokens, row.OutputTokens));
        Assert.Equal((1800 * 1.25m + 1200 * 0.125m + 130 * 10m) / 1_000_000m, row.CostUsd);
    }

    /// <summary>Every column of a row, so two reports compare row for row.</summary>
    private static string Columns(UsageRow r) => string.Join("|", typeof(UsageRow).GetProperties()
        .Select(p => p.GetValue(r) switch
        {
            IReadOnlyList<string> list => string.Join(",", list),
            var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
        }));

    private static IReadOnlyList<RolloutRecord> ClaudeSamples(ReadOptions options)
    {
        var reader = new ClaudeCodeReader();
        var files = TraceFileFinder.Find(SampleFolder.Root("claude-code", "projects"), new[] { reader }, new TraceSearch { Recurse = true }).Files.Select(f => f.Path).ToArray();
        return SampleFolder.Read(reader, files, options).Select(r => r.Record).OfType<RolloutRecord>().ToArray();
    }

    private static IReadOnlyList<RolloutRecord> Samples(IRolloutReader reader, string folder, ReadOptions options)
    {
        var files = TraceFileFinder.Find(SampleFolder.Root(folder), new[] { reader }, new TraceSearch { Recurse = true }).Files.Select(f => f.Path).ToArray();
        return SampleFolder.Read(reader, files, options).Select(r => r.Record).OfType<RolloutRecord>().ToArray();
    }

    [Theory]
    [InlineData("claude-code")]
    [InlineData("codex")]
    public void A_usage_read_gives_the_rows_of_a_full_read_but_messages(string folder)
    {
        var reader = FormatRegistry.Default.Get(SampleFolder.Formats[folder]);
        var full = Samples(reader, folder, new ReadOptions { IncludeAbandoned = true });
        var usage = Samples(reader, folder, new ReadOptions { IncludeAbandoned = true, UsageOnly = true });
        // Codex's TypeScript-era documents are read whole.
        Assert.Equal(usage.Where(r => r.SourceMeta.TryGetValue("generation", out var g) && Equals(g, "typescript-json")).Count(), usage.Count(r => !r.ListsResponsesOnly));

        foreach (var groups in new[] { new[] { UsageGroup.Session, UsageGroup.Day, UsageGroup.Model }, new[] { UsageGroup.Block, UsageGroup.Project } })
        {
            var options = new UsageOptions { GroupBy = groups, TimeZone = TimeZoneInfo.Utc };
            // Rows only a message without a response makes (a prompt the day before its answer) exist where messages are read.
            var expected = Measure(options, full.ToArray()).Where(r => r.Responses > 0).ToArray();
            var rows = Measure(options, usage.ToArray()).Where(r => r.Responses > 0).ToArray();

            Assert.True(expected.Length >= 5, $"{expected.Length} rows");
            Assert.Equal(expected.Select(TokensAndCost), rows.Select(TokensAndCost));
            Assert.All(rows, r => Assert.Equal(r.Messages is null, r.ToolCalls is null));
            Assert.Contains(rows, r => r.Messages is null);
        }
    }

    private static string TokensAndCost(UsageRow r) =>
        $"{r.Session}|{r.Day}|{r.Model}|{r.Block}|{r.Project}|{r.Sessions}|{r.Responses}|{r.InputTokens}|{r.OutputTokens}|{r.CacheReadTokens}|{r.CacheWriteTokens}|{r.CostUsd}|{r.CostSource}|{string.Join(",", r.Models)}";

    [Fact]
    public void Records_read_without_abandoned_branches_measure_as_records_read_with_them()
    {
        var options = new UsageOptions { GroupBy = new[] { UsageGroup.Day, UsageGroup.Model }, TimeZone = TimeZoneInfo.Utc };

        var without = Measure(options, ClaudeSamples(new ReadOptions()).ToArray());
        var with = Measure(options, ClaudeSamples(new ReadOptions { IncludeAbandoned = true }).ToArray());

        Assert.Equal(with.Select(Columns), without.Select(Columns));
        // 7e1599af's rewound branch: two Sonnet responses on 2025-12-10, not at the session's end on Opus (2026-01-06).
        var sonnet = Assert.Single(without, r => r.Day == new DateOnly(2025, 12, 10) && r.Model!.StartsWith("claude-sonnet", StringComparison.Ordinal));
        Assert.True(sonnet.TotalTokens >= 53_028, $"{sonnet.TotalTokens} tokens");
    }

    [Fact]
    public void An_unlisted_response_counts_at_its_own_time_and_model_and_once()
    {
        var t = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var left = new UnlistedResponse("msg_9:req_9", t.AddHours(-30), "claude-sonnet-4-5", new TokenUsage(1_000, 0, 0, 0), null);
        var record = new RolloutRecord(Record("a", Prompt(t), Response(t.AddSeconds(5), 10))) { UnlistedResponses = new[] { left } };
        record = new RolloutRecord(record) { Usage = record.Usage + left.Usage };
        var resumed = new RolloutRecord(Record("b", Response(t.AddHours(-30), 1_000, model: "claude-sonnet-4-5", id: "msg_9:req_9"))) { RootSessionId = "b" };

        var rows = Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Day, UsageGroup.Model }, TimeZone = TimeZoneInfo.Utc }, record, resumed);

        Assert.Equal(
            new (string, string, long, long?)[] { ("2026-03-01", "claude-sonnet-4-5", 1_000L, 0L), ("2026-03-02", "claude-opus-4-5", 10L, 2L) },
            rows.Select(r => (r.Day!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.Model!, r.InputTokens, r.Messages)));
        Assert.Equal(1_010L, Measure(new UsageOptions(), record, resumed).Single().InputTokens);
    }

    [Fact]
    public void A_codex_compaction_counts_at_the_model_and_time_of_its_own_request()
    {
        // samples/codex G2 lines 36-40: /compact runs on gpt-5.1-codex (14,000 tokens at 22:09:52), then the
        // person switches to gpt-5.1-codex-mini; the compaction request is not the later model's.
        var file = SampleFolder.Root("codex", "sessions", "2025", "11", "20", "rollout-2025-11-20T14-05-09-019aa34c-c6e2-7d2f-8b66-8cfc48e6059d.jsonl");
        var record = SampleFolder.Record(SampleFolder.Read(new CodexReader(), new[] { file }), "019aa34c-c6e2-7d2f-8b66-8cfc48e6059d");

        var byModel = Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Model } }, record);
        var compaction = Assert.Single(record.Messages, m => m.Kind == MessageKind.CompactionSummary);

        Assert.Equal(new[] { ("gpt-5.1-codex", 70979L), ("gpt-5.1-codex-mini", 8620L) }, byModel.Select(r => (r.Model!, r.TotalTokens)));
        Assert.Equal(("gpt-5.1-codex", 14000L), (compaction.Model!, compaction.Usage!.Value.Total));
    }

    [Fact]
    public void A_message_that_carries_its_request_counts_at_that_requests_model()
    {
        var t = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var summary = new RolloutMessage
        {
            Role = MessageRole.User, Kind = MessageKind.CompactionSummary, Timestamp = t.AddMinutes(1), Model = "gpt-5.1-codex",
            Usage = new TokenUsage(7, 0, 0, 0), Content = new[] { ContentBlock.FromText("So far: ...") },
        };

        var rows = Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Model } }, Record("a", Response(t, 1, model: "gpt-5.1-codex-mini"), summary));

        Assert.Equal(new[] { ("gpt-5.1-codex", 7L), ("gpt-5.1-codex-mini", 1L) }, rows.Select(r => (r.Model!, r.InputTokens)));
    }

    [Fact]
    public void A_copy_in_a_main_session_wins_over_a_subagents_copy()
    {
        var t = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var subagent = new RolloutRecord(Record("s", Response(t, 10, id: "msg_1:req_1"))) { TraceId = "s:agent", RootSessionId = "s", IsSidechain = true, ProjectPath = "/sub" };
        var main = new RolloutRecord(Record("m", Response(t, 10, id: "msg_1:req_1"))) { ProjectPath = "/main" };

        var rows = Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Project } }, subagent, main);

        Assert.Equal(new[] { ("/main", 10L), ("/sub", 0L) }, rows.Select(r => (r.Project!, r.InputTokens)));
    }

    [Fact]
    public void A_response_a_reader_leaves_unlisted_counts_on_its_own_day_and_model()
    {
        // Gemini CLI: a response that only thought on 1 May (flash), the answer on 2 May (pro). A record without the
        // unlisted response would put its tokens at the record's end, on 2 May and pro.
        var record = GeminiCliReaderTests.ReadRecord(GeminiCliReaderTests.ThoughtOnlyThenAnswer);

        var rows = Measure(new UsageOptions { GroupBy = new[] { UsageGroup.Day, UsageGroup.Model }, TimeZone = TimeZoneInfo.Utc }, record);

        // The prompt is a message without tokens: it counts at the model of the first listed response.
        Assert.Equal(
            new[] { ("2026-05-01", "gemini-2.5-flash", 940L, 1L), ("2026-05-02", "gemini-2.5-pro", 1020L, 1L) },
            rows.Where(r => r.TotalTokens > 0).Select(r => (r.Day!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.Model!, r.TotalTokens, r.Responses)));
        Assert.Equal(record.TotalTokens, rows.Sum(r => r.TotalTokens));
    }
}
