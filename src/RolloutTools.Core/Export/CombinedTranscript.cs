using System.Text;
using RolloutTools.Core.Model;
using static RolloutTools.Core.Export.TranscriptText;

namespace RolloutTools.Core.Export;

/// <summary>One session on a combined page: where it starts (an anchor of ours, which also starts its turns' ids), the record, and how it is shown.</summary>
internal sealed record CombinedSession(string Anchor, RolloutRecord Record, TranscriptOptions Options);

/// <summary>
/// One page holding a project's sessions in time order under a table of contents. Each session is rendered by the
/// same renderer as its own page would be, and the pages are joined: HTML keeps the first page's head (its style and
/// Content-Security-Policy) and takes each page's body into an &lt;article&gt;. Cutting at "&lt;body&gt;" and
/// "&lt;/body&gt;" is safe because every byte of trace text on a page is escaped, so the only such tags are the
/// renderer's own.
/// </summary>
internal static class CombinedTranscript
{
    public static string Render(string? project, IReadOnlyList<CombinedSession> sessions, TranscriptFormat format)
    {
        var title = project is null ? "Sessions without a project" : "Project " + OneLine(project);
        return format == TranscriptFormat.Html ? Html(title, sessions) : Markdown(title, sessions);
    }

    private static string Html(string title, IReadOnlyList<CombinedSession> sessions)
    {
        var page = new StringBuilder();
        for (var i = 0; i < sessions.Count; i++)
        {
            var session = sessions[i];
            var html = Transcript.Render(session.Record, TranscriptFormat.Html, session.Options with { TurnIdPrefix = session.Anchor });
            var body = html.IndexOf("<body>", StringComparison.Ordinal) + "<body>".Length;
            var end = html.LastIndexOf("</body>", StringComparison.Ordinal);
            if (i == 0)
            {
                var head = html[..body];
                var start = head.IndexOf("<title>", StringComparison.Ordinal);
                var stop = head.IndexOf("</title>", StringComparison.Ordinal);
                page.Append(head, 0, start).Append("<title>").Append(HtmlEncode(title)).Append(head, stop, head.Length - stop)
                    .Append("\n<nav>\n<h1>").Append(HtmlEncode(title)).Append("</h1>\n<ol class=\"contents\">\n");
                foreach (var s in sessions)
                {
                    page.Append("<li><a href=\"#").Append(s.Anchor).Append("\">").Append(HtmlEncode(Entry(s.Record))).Append("</a></li>\n");
                }
                page.Append("</ol>\n</nav>\n");
            }
            page.Append("<article id=\"").Append(session.Anchor).Append("\">").Append(html, body, end - body).Append("</article>\n");
        }
        return page.Append("</body>\n</html>\n").ToString();
    }

    private static string Markdown(string title, IReadOnlyList<CombinedSession> sessions)
    {
        var page = new StringBuilder("# ").Append(MarkdownTranscript.Inline(title)).Append("\n\n");
        for (var i = 0; i < sessions.Count; i++)
        {
            page.Append(i + 1).Append(". [").Append(MarkdownTranscript.Inline(Entry(sessions[i].Record))).Append("](#").Append(sessions[i].Anchor).Append(")\n");
        }
        foreach (var session in sessions)
        {
            page.Append("\n<a id=\"").Append(session.Anchor).Append("\"></a>\n\n")
                .Append(Transcript.Render(session.Record, TranscriptFormat.Markdown, session.Options with { TurnIdPrefix = session.Anchor }));
        }
        return page.ToString();
    }

    /// <summary>"2026-02-12 10:00 · title", and "(subagent)" after a subagent's: a line of the table of contents.</summary>
    private static string Entry(RolloutRecord record) =>
        TranscriptIndex.Date(record.StartedAt) + Separator + OneLine(Title(record)) + (record.IsSidechain ? " (subagent)" : string.Empty);
}
