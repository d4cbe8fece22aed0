using System.Text.RegularExpressions;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Export;

/// <summary>A project's combined page: every session and every turn has an id of ours that a link can point at.</summary>
public sealed class CombinedTranscriptTests
{
    /// <summary>Two hostile sessions of one project whose trace ids end alike, so their anchors would collide but for the page.</summary>
    private static RolloutRecord[] TwoSessions()
    {
        var first = TranscriptTests.Hostile();
        return new[] { first, new RolloutRecord(first) { TraceId = "y:\" id=\"t1\" onfocus=\"alert(1)<script>alert(1)</script>", StartedAt = first.StartedAt!.Value.AddHours(1) } };
    }

    [Fact]
    public void Every_turn_of_a_combined_html_page_has_a_unique_id_under_its_session()
    {
        var records = TwoSessions();
        var page = Assert.Single(TranscriptSet.Combined(records, TranscriptFormat.Html, TranscriptOptions.Default));

        var html = page.Render();

        Assert.Empty(HtmlMarkdownTests.Offences(html));
        var sessions = Regex.Matches(html, "<article id=\"([^\"]*)\">").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(new[] { "session-t1script", "session-t1script-2" }, sessions);
        var turns = Regex.Matches(html, "class=\"turn [^\"]*\" id=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToArray();
        var expected = sessions.SelectMany(s => Enumerable.Range(1, 5).Select(n => $"{s}-t{n}")).ToArray();
        Assert.Equal(expected, turns);
        // Each turn links to itself, and the index links to each session's place.
        foreach (var id in turns) Assert.Contains($"<a class=\"permalink\" href=\"#{id}\" aria-label=\"Link to this turn\">#</a>", html);
        Assert.Equal(sessions.Select(s => $"{page.FileName}#{s}"), page.Sessions.Select(e => e.File));
    }

    [Fact]
    public void The_table_of_contents_marks_a_subagent()
    {
        var records = TwoSessions();
        records[1] = new RolloutRecord(records[1]) { IsSidechain = true };

        var html = Assert.Single(TranscriptSet.Combined(records, TranscriptFormat.Html, TranscriptOptions.Default)).Render();
        var markdown = Assert.Single(TranscriptSet.Combined(records, TranscriptFormat.Markdown, TranscriptOptions.Default)).Render();

        Assert.Contains("<li><a href=\"#session-t1script\">2025-11-03 09:00 · &lt;script&gt;alert(1)&lt;/script&gt;</a></li>\n<li><a href=\"#session-t1script-2\">2025-11-03 10:00 · &lt;script&gt;alert(1)&lt;/script&gt; (subagent)</a></li>", html);
        Assert.Contains("2. [2025-11-03 10:00 · \\<script\\>alert(1)\\</script\\> (subagent)](#session-t1script-2)\n", markdown);
    }

    [Fact]
    public void A_turn_keeps_its_id_when_options_leave_turns_out()
    {
        var records = TwoSessions();
        var page = Assert.Single(TranscriptSet.Combined(records, TranscriptFormat.Html, TranscriptOptions.Default with { IncludeContext = false }));

        var html = page.Render();

        // The second message (context) is left out; the third is still t3.
        Assert.DoesNotContain("id=\"session-t1script-t2\"", html);
        Assert.Contains("<section class=\"turn assistant\" id=\"session-t1script-t3\">", html);
    }

    [Fact]
    public void A_combined_markdown_page_anchors_each_turn_and_a_page_of_its_own_does_not()
    {
        var records = TwoSessions();
        var page = Assert.Single(TranscriptSet.Combined(records, TranscriptFormat.Markdown, TranscriptOptions.Default));

        var markdown = page.Render();

        var anchors = Regex.Matches(markdown, "<a id=\"([^\"]*)\"></a>").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(new[] { "session-t1script" }.Concat(Enumerable.Range(1, 5).Select(n => $"session-t1script-t{n}"))
            .Concat(new[] { "session-t1script-2" }).Concat(Enumerable.Range(1, 5).Select(n => $"session-t1script-2-t{n}")), anchors);
        Assert.Contains("\n\n<a id=\"session-t1script-t1\"></a>\n\n## User", markdown);
        Assert.DoesNotContain("<a id=", Transcript.Render(records[0], TranscriptFormat.Markdown, TranscriptOptions.Default));
    }

    [Fact]
    public void A_page_of_its_own_numbers_its_turns_from_t1()
    {
        var html = Transcript.Render(TranscriptTests.Hostile(), TranscriptFormat.Html, TranscriptOptions.Default);

        Assert.Equal(new[] { "t1", "t2", "t3", "t4", "t5" }, Regex.Matches(html, "class=\"turn [^\"]*\" id=\"([^\"]*)\"").Select(m => m.Groups[1].Value));
    }
}
