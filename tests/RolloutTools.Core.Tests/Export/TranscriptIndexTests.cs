using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;
using RolloutTools.Core.Usage;

namespace RolloutTools.Core.Tests.Export;

public sealed class TranscriptIndexTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 8, 23, 0, 0, TimeSpan.Zero);

    private static TranscriptIndexEntry Entry(string file, string traceId, int hour = 0) => new()
    {
        File = file,
        Format = RolloutFormat.Codex,
        TraceId = traceId,
        StartedAt = T0.AddHours(hour),
        Project = "/home/dev/ledger",
        Title = "Title " + traceId,
        Messages = 3,
        Tokens = 1234,
        CostUsd = 0.125m,
    };

    [Fact]
    public void Merging_keeps_earlier_sessions_replaces_one_written_again_and_drops_one_whose_file_is_gone()
    {
        var earlier = TranscriptIndex.Empty.Merge(new[] { Entry("a.html", "a", 1), Entry("b.html", "b", 2), Entry("gone.html", "g", 3), Entry("p.html#session-x", "x", 4) }, _ => true);

        var merged = earlier.Merge(new[] { Entry("b2.html", "b", 5), Entry("p.html#session-y", "y", 6) }, file => file != "gone.html");

        // b moved to another file; the page p.html was rewritten without x; gone.html is gone. Newest first.
        Assert.Equal(new[] { "p.html#session-y", "b2.html", "a.html" }, merged.Entries.Select(e => e.File));
    }

    [Fact]
    public void The_manifest_round_trips_and_an_entry_that_is_not_one_of_our_file_names_is_dropped()
    {
        var index = TranscriptIndex.Empty.Merge(new[] { Entry("a.html", "a") with { CostUsd = null }, Entry("p.md#session-1", "b", 1) }, _ => true);
        var json = index.ToJson();

        var read = TranscriptIndex.Parse(json, out var problem);

        Assert.Null(problem);
        Assert.Equal(index.Entries, read.Entries);
        foreach (var file in new[] { "javascript:alert(1)", "../secret.html", "https://evil.example/a.html", "A.html", "a.html#x y", "a.htm" })
        {
            var tampered = json.Replace("\"file\":\"a.html\"", $"\"file\":\"{file}\"", StringComparison.Ordinal);
            Assert.Equal(new[] { "p.md#session-1" }, TranscriptIndex.Parse(tampered, out _).Entries.Select(e => e.File));
        }
        Assert.Empty(TranscriptIndex.Parse("[1,2]", out problem).Entries);
        Assert.NotNull(problem);
        Assert.Empty(TranscriptIndex.Parse("{\"sessions\":[", out problem).Entries);
        Assert.NotNull(problem);
    }

    [Fact]
    public void The_html_index_escapes_every_value_and_allows_exactly_its_own_script_by_hash()
    {
        var hostile = Entry("a.html", "a") with { Title = "<script>alert(1)</script>", Project = "\"><img src=x onerror=alert(1)>" };
        var html = TranscriptIndex.Empty.Merge(new[] { hostile }, _ => true).Render(TranscriptFormat.Html);

        Assert.Contains(
            "<tr><td class=\"date\" data-sort=\"2026-03-08T23:00:00Z\">2026-03-08 23:00</td><td class=\"project\">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</td>"
            + "<td class=\"title\"><a href=\"a.html\">&lt;script&gt;alert(1)&lt;/script&gt;</a></td><td>Codex</td><td class=\"number\" data-sort=\"3\">3</td>"
            + "<td class=\"number\" data-sort=\"1234\">1,234</td><td class=\"number\" data-sort=\"0.125\">$0.125</td></tr>\n", html);
        var script = Assert.Single(Regex.Matches(html, "<script>(.*?)</script>", RegexOptions.Singleline)).Groups[1].Value;
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)));
        Assert.Contains($"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">", html);
    }

    [Theory]
    [InlineData(0.0042, "$0.0042")]
    [InlineData(12.5, "$12.50")]
    [InlineData(null, "unpriced")]
    public void A_cost_reads_as_in_the_turn_headers_so_a_cheap_session_does_not_read_as_free(double? usd, string expected)
    {
        var entry = Entry("a.md", "a") with { CostUsd = usd is { } d ? (decimal)d : null };

        var markdown = TranscriptIndex.Empty.Merge(new[] { entry }, _ => true).Render(TranscriptFormat.Markdown);

        Assert.EndsWith($"| 3 | 1,234 | {expected} |\n", markdown);
    }

    [Fact]
    public void A_session_without_tokens_or_a_stated_cost_shows_no_cost_rather_than_a_free_one()
    {
        var entries = new[] { Entry("a.md", "a") with { Tokens = 0, CostUsd = 0m }, Entry("b.md", "b", 1) with { Tokens = 5, CostUsd = 0m } };

        var markdown = TranscriptIndex.Empty.Merge(entries, _ => true).Render(TranscriptFormat.Markdown);

        Assert.Contains("| 3 | 0 | – |\n", markdown);
        Assert.Contains("| 3 | 5 | $0.00 |\n", markdown);
    }

    [Fact]
    public void The_markdown_index_is_a_table_of_escaped_cells_and_lists_only_markdown_files()
    {
        var index = TranscriptIndex.Empty.Merge(new[] { Entry("a.md", "a") with { Title = "a | b [x](javascript:y)" }, Entry("b.html", "b") }, _ => true);

        Assert.Equal(
            "# Transcripts\n\n1 session, newest first.\n\n| Date (UTC) | Project | Title | Format | Messages | Tokens | Cost |\n| --- | --- | --- | --- | ---: | ---: | ---: |\n"
            + "| 2026-03-08 23:00 | /home/dev/ledger | [a \\| b \\[x\\](javascript:y)](<a.md>) | Codex | 3 | 1,234 | $0.125 |\n",
            index.Render(TranscriptFormat.Markdown));
    }

    [Fact]
    public void A_project_page_is_named_by_its_last_folder_and_a_hash_of_its_path()
    {
        Assert.Equal("project-ledger-", TranscriptSet.ProjectFileName("/home/dev/ledger", TranscriptFormat.Html)[..15]);
        Assert.Matches("^project-ledger-[0-9a-f]{8}\\.md$", TranscriptSet.ProjectFileName("/home/dev/ledger/", TranscriptFormat.Markdown));
        Assert.NotEqual(TranscriptSet.ProjectFileName("/a/ledger", TranscriptFormat.Html), TranscriptSet.ProjectFileName("/b/ledger", TranscriptFormat.Html));
        Assert.Equal("no-project.html", TranscriptSet.ProjectFileName(null, TranscriptFormat.Html));
    }

    [Fact]
    public void A_session_costs_what_measure_agent_rollout_says_and_nothing_when_a_model_has_no_price()
    {
        var usage = new TokenUsage(1_000_000, 0, 0, 0);
        RolloutRecord Record(string model, decimal? stated = null) => new()
        {
            TraceId = "s",
            Format = RolloutFormat.Codex,
            SourceKind = "codex",
            RootSessionId = "s",
            Messages = new[] { new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Model = model, Usage = usage, CostUsd = stated } },
        };

        var priced = Record("gpt-5");
        Assert.Equal(PriceTable.Shipped.Find("gpt-5")!.Cost(usage), SessionCost.Of(priced));
        Assert.Equal(0.5m, SessionCost.Of(Record("no-such-model", stated: 0.5m)));
        Assert.Null(SessionCost.Of(Record("no-such-model")));
    }
}
