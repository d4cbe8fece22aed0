using System.Security.Cryptography;
using System.Text;
using RolloutTools.Core.Model;
using RolloutTools.Core.Usage;

namespace RolloutTools.Core.Export;

/// <summary>One file of a set of transcripts: its name, the sessions it holds (for the index), and its text.</summary>
public sealed class TranscriptPage
{
    private readonly Func<string> _render;

    internal TranscriptPage(string fileName, IReadOnlyList<TranscriptIndexEntry> sessions, Func<string> render)
    {
        FileName = fileName;
        Sessions = sessions;
        _render = render;
    }

    public string FileName { get; }

    public IReadOnlyList<TranscriptIndexEntry> Sessions { get; }

    /// <summary>Renders the page (only when it is written: -WhatIf renders nothing).</summary>
    public string Render() => _render();
}

/// <summary>
/// Transcripts written together into one folder: one file per session, or (combined) one per project with its
/// sessions in time order. Written together, a session's call that spawned a subagent links to the subagent's
/// transcript (see <see cref="SubagentLinks"/>).
/// </summary>
public static class TranscriptSet
{
    /// <summary>One page per record, named by <see cref="Transcript.FileName"/>.</summary>
    public static IReadOnlyList<TranscriptPage> Separate(IReadOnlyList<RolloutRecord> records, TranscriptFormat format, TranscriptOptions options, PriceTable? prices = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(options);
        var written = records.Select(r => (Record: r, Href: Transcript.FileName(r, format))).ToArray();
        return written.Select(w => new TranscriptPage(
            w.Href,
            new[] { TranscriptIndexEntry.Of(w.Record, w.Href, SessionCost.Of(w.Record, prices)) },
            () => Transcript.Render(w.Record, format, options with { ToolCallLinks = SubagentLinks.For(w.Record, written) }))).ToArray();
    }

    /// <summary>One page per project (<see cref="TranscriptIndexEntry.ProjectOf"/>), its sessions in time order; see <see cref="CombinedTranscript"/>.</summary>
    public static IReadOnlyList<TranscriptPage> Combined(IReadOnlyList<RolloutRecord> records, TranscriptFormat format, TranscriptOptions options, PriceTable? prices = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(options);
        var projects = records
            .GroupBy(TranscriptIndexEntry.ProjectOf)
            .Select(g => (Project: g.Key, File: ProjectFileName(g.Key, format), Records: g.OrderBy(r => r.StartedAt ?? DateTimeOffset.MaxValue).ThenBy(r => r.TraceId, StringComparer.Ordinal).ToArray()))
            .OrderBy(p => p.File, StringComparer.Ordinal)
            .ToArray();
        var anchors = new Dictionary<RolloutRecord, string>(ReferenceEqualityComparer.Instance);
        foreach (var project in projects)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var record in project.Records)
            {
                var anchor = Anchor(record);
                for (var n = 2; !used.Add(anchor); n++) anchor = $"{Anchor(record)}-{n}";
                anchors[record] = anchor;
            }
        }
        var hrefs = projects.SelectMany(p => p.Records.Select(r => (Record: r, Href: $"{p.File}#{anchors[r]}"))).ToArray();
        return projects.Select(p =>
        {
            // Within the page a link is only its fragment.
            var local = hrefs.Select(h => (h.Record, Href: h.Href.StartsWith(p.File + "#", StringComparison.Ordinal) ? h.Href[p.File.Length..] : h.Href)).ToArray();
            var sessions = p.Records.Select(r => TranscriptIndexEntry.Of(r, $"{p.File}#{anchors[r]}", SessionCost.Of(r, prices))).ToArray();
            return new TranscriptPage(p.File, sessions, () => CombinedTranscript.Render(
                p.Project,
                p.Records.Select(r => new CombinedSession(anchors[r], r, options with { ToolCallLinks = SubagentLinks.For(r, local) })).ToArray(),
                format));
        }).ToArray();
    }

    /// <summary>
    /// "project-&lt;last folder of the project, as a slug&gt;-&lt;8 hex digits of its full path's SHA-256&gt;.html|.md"
    /// (two projects of one name in different places get different pages); "no-project" for sessions naming none.
    /// </summary>
    public static string ProjectFileName(string? project, TranscriptFormat format)
    {
        var extension = format == TranscriptFormat.Html ? ".html" : ".md";
        if (project is null) return "no-project" + extension;
        var leaf = Transcript.Slug(Path.GetFileName(project.TrimEnd('/', '\\')), 40);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(project)))[..8].ToLowerInvariant();
        return $"project-{(leaf.Length > 0 ? leaf + "-" : string.Empty)}{hash}{extension}";
    }

    /// <summary>"session-" and the last 8 letters and digits of the trace id, as in a transcript's file name.</summary>
    internal static string Anchor(RolloutRecord record)
    {
        var name = Transcript.FileName(record, TranscriptFormat.Html);
        return "session-" + name[(name.LastIndexOf('-') + 1)..^".html".Length];
    }
}
