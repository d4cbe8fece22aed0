using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using static RolloutTools.Core.Export.TranscriptText;

namespace RolloutTools.Core.Export;

/// <summary>One session listed in a folder's transcript index, and the file (and place in it) that holds its transcript.</summary>
public sealed record TranscriptIndexEntry
{
    /// <summary>The transcript's address relative to the index: a file name of ours, with a #fragment on a combined page.</summary>
    public required string File { get; init; }

    public required RolloutFormat Format { get; init; }

    public required string TraceId { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The project path, else the working directory.</summary>
    public string? Project { get; init; }

    public required string Title { get; init; }

    public int Messages { get; init; }

    public long Tokens { get; init; }

    /// <summary>Dollars, as Measure-AgentRollout prices the session; null when some of its tokens have no price.</summary>
    public decimal? CostUsd { get; init; }

    public static TranscriptIndexEntry Of(RolloutRecord record, string file, decimal? costUsd)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new()
        {
            File = file,
            Format = record.Format,
            TraceId = record.TraceId,
            StartedAt = record.StartedAt,
            Project = ProjectOf(record),
            Title = TranscriptText.Title(record),
            Messages = record.MessageCount,
            Tokens = record.TotalTokens,
            CostUsd = costUsd,
        };
    }

    /// <summary>The project a session belongs to: its project path, else its working directory; null when it names neither.</summary>
    public static string? ProjectOf(RolloutRecord record) =>
        !string.IsNullOrWhiteSpace(record.ProjectPath) ? record.ProjectPath : !string.IsNullOrWhiteSpace(record.Cwd) ? record.Cwd : null;

    internal string FileName => File.Split('#')[0];
}

/// <summary>
/// The index of a transcript folder: index.html (or index.md) listing every session whose transcript is in the
/// folder, newest first. The list itself is kept beside it in index.json, so that an export adds to what earlier
/// exports wrote: a session exported again replaces its entry; entries of a page rewritten now are replaced by
/// this export's; an entry whose file is gone is dropped. The manifest is read as untrusted input: an entry whose
/// address is not a transcript file name of ours is ignored, so an edited manifest cannot put a link of its choice
/// on the page.
/// </summary>
public sealed class TranscriptIndex
{
    public const string ManifestName = "index.json";
    private const int Version = 1;

    // File names as Transcript.FileName and CombinedTranscript.FileName make them, and our fragments.
    private static readonly Regex OurAddress = new("^[a-z0-9][a-z0-9-]*\\.(html|md)(#[a-z0-9-]+)?$", RegexOptions.CultureInvariant);

    private TranscriptIndex(IReadOnlyList<TranscriptIndexEntry> entries)
    {
        Entries = entries;
    }

    public static TranscriptIndex Empty { get; } = new(Array.Empty<TranscriptIndexEntry>());

    /// <summary>Newest first; sessions without a start time last.</summary>
    public IReadOnlyList<TranscriptIndexEntry> Entries { get; }

    public static string PageName(TranscriptFormat format) => format switch
    {
        TranscriptFormat.Markdown => "index.md",
        TranscriptFormat.Html => "index.html",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown transcript format."),
    };

    /// <summary>Reads a manifest; what cannot be read (a damaged or foreign file) gives an empty index and a reason.</summary>
    public static TranscriptIndex Parse(string json, out string? problem)
    {
        problem = null;
        var entries = new List<TranscriptIndexEntry>();
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.GetPropertyOrDefault("sessions") is not { ValueKind: JsonValueKind.Array } sessions)
            {
                problem = "it is not a transcript index (no \"sessions\" list)";
                return Empty;
            }
            foreach (var session in sessions.EnumerateArray())
            {
                if (Read(session) is { } entry) entries.Add(entry);
            }
        }
        catch (JsonException e)
        {
            problem = e.Message;
            return Empty;
        }
        return new TranscriptIndex(Sorted(entries));
    }

    private static TranscriptIndexEntry? Read(JsonElement session)
    {
        if (session.ValueKind != JsonValueKind.Object) return null;
        var file = session.GetStringOrNull("file");
        var traceId = session.GetStringOrNull("trace_id");
        if (file is null || !OurAddress.IsMatch(file) || traceId is null
            || !Enum.TryParse<RolloutFormat>(session.GetStringOrNull("format"), ignoreCase: false, out var format)) return null;
        var cost = session.GetPropertyOrDefault("cost_usd");
        return new TranscriptIndexEntry
        {
            File = file,
            Format = format,
            TraceId = traceId,
            StartedAt = session.GetTimestamp("started_at"),
            Project = session.GetStringOrNull("project"),
            Title = session.GetStringOrNull("title") ?? "Untitled session",
            Messages = session.GetInt32OrNull("messages") ?? 0,
            Tokens = session.GetInt64OrZero("tokens"),
            CostUsd = cost.ValueKind == JsonValueKind.Number && cost.TryGetDecimal(out var usd) ? usd : null,
        };
    }

    /// <summary>
    /// This index with the sessions just written: they replace earlier entries of the same session and extension,
    /// and every earlier entry of a file written now; an earlier entry stays only while its file exists.
    /// </summary>
    public TranscriptIndex Merge(IReadOnlyCollection<TranscriptIndexEntry> written, Func<string, bool> fileExists)
    {
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(fileExists);
        var files = written.Select(e => e.FileName).ToHashSet(StringComparer.Ordinal);
        var sessions = written.Select(Key).ToHashSet();
        var kept = Entries.Where(e => !files.Contains(e.FileName) && !sessions.Contains(Key(e)) && fileExists(e.FileName));
        // The same session written twice in one export: the later one stands.
        var latest = written.GroupBy(Key).Select(g => g.Last());
        return new TranscriptIndex(Sorted(kept.Concat(latest).ToList()));
    }

    private static (RolloutFormat, string, string) Key(TranscriptIndexEntry e) => (e.Format, e.TraceId, Path.GetExtension(e.FileName));

    private static TranscriptIndexEntry[] Sorted(List<TranscriptIndexEntry> entries) => entries
        .OrderByDescending(e => e.StartedAt.HasValue)
        .ThenByDescending(e => e.StartedAt)
        .ThenBy(e => e.File, StringComparer.Ordinal)
        .ToArray();

    public string ToJson() => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("version", Version);
        w.WriteStartArray("sessions");
        foreach (var e in Entries)
        {
            w.WriteStartObject();
            w.WriteString("file", e.File);
            w.WriteString("format", e.Format.ToString());
            w.WriteString("trace_id", e.TraceId);
            if (e.StartedAt is { } started) w.WriteString("started_at", started);
            if (e.Project is { } project) w.WriteString("project", project);
            w.WriteString("title", e.Title);
            w.WriteNumber("messages", e.Messages);
            w.WriteNumber("tokens", e.Tokens);
            if (e.CostUsd is { } cost) w.WriteNumber("cost_usd", cost);
            else w.WriteNull("cost_usd");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }) + "\n";

    /// <summary>The index page for the transcripts of one format (the entries whose files have its extension).</summary>
    public string Render(TranscriptFormat format)
    {
        var extension = format == TranscriptFormat.Html ? ".html" : ".md";
        var entries = Entries.Where(e => Path.GetExtension(e.FileName) == extension).ToArray();
        return format == TranscriptFormat.Html ? IndexPage.Html(entries) : IndexPage.Markdown(entries);
    }

    /// <summary>As a turn's header gives it ("$0.0042" below a dollar, so a cheap session does not read as free), or "unpriced".</summary>
    internal static string Cost(decimal? usd) => usd is { } d ? TranscriptText.Cost(d) : "unpriced";

    /// <summary>A session's cost cell: a dash for one that used no tokens and states no cost (a format that records none), not "$0.00".</summary>
    internal static string Cost(TranscriptIndexEntry e) => e is { Tokens: 0, CostUsd: 0m } ? "–" : Cost(e.CostUsd);

    internal static string Date(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "undated";
}

/// <summary>
/// How the index looks. The HTML page sorts and filters in the browser, offline: its one inline script is constant
/// text of ours, allowed by its SHA-256 hash in the page's Content-Security-Policy and by nothing else, and it
/// reads trace text only as textContent. Without it (scripts off) the page is the same table, newest first.
/// </summary>
internal static class IndexPage
{
    private const string Style = """
        :root { color-scheme: light dark; --line: #8884; --dim: #777; }
        body { font: 15px/1.5 system-ui, sans-serif; max-width: 80rem; margin: 2rem auto; padding: 0 1rem; }
        h1 { font-size: 1.5rem; margin: 0 0 1rem; }
        input { font: inherit; padding: .25rem .5rem; width: 20rem; max-width: 100%; }
        #count { color: var(--dim); margin-left: 1rem; }
        table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
        th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        td.title, td.project { overflow-wrap: anywhere; }
        td.project { min-width: 14rem; }
        th.number, td.number { text-align: right; white-space: nowrap; }
        th button { font: inherit; font-weight: bold; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
        th[aria-sort=ascending] button::after { content: " ▲"; }
        th[aria-sort=descending] button::after { content: " ▼"; }
        td.date { white-space: nowrap; }
        """;

    /// <summary>
    /// Filters rows by every word typed (in any cell), starting from the page address's ?q= (a filtered view can be
    /// linked: index.html?q=codex), and sorts by a column when its heading is clicked. The address only ever
    /// becomes the filter box's value.
    /// </summary>
    internal const string Script = """
        (() => {
          const table = document.getElementById("sessions");
          const body = table.tBodies[0];
          const filter = document.getElementById("filter");
          const count = document.getElementById("count");
          const headers = Array.from(table.tHead.rows[0].cells);
          const rows = Array.from(body.rows);
          const show = () => {
            const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
            let shown = 0;
            for (const row of rows) {
              const text = row.textContent.toLowerCase();
              row.hidden = !words.every(word => text.includes(word));
              if (!row.hidden) shown++;
            }
            count.textContent = shown + " of " + rows.length + " sessions";
          };
          const key = (row, index) => {
            const cell = row.cells[index];
            return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.toLowerCase();
          };
          headers.forEach((header, index) => {
            const button = document.createElement("button");
            button.type = "button";
            button.textContent = header.textContent;
            header.textContent = "";
            header.append(button);
            button.addEventListener("click", () => {
              const ascending = header.getAttribute("aria-sort") !== "ascending";
              headers.forEach(other => other.removeAttribute("aria-sort"));
              header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
              const numeric = header.classList.contains("number");
              rows.sort((a, b) => {
                const x = key(a, index), y = key(b, index);
                if (x === y) return 0;
                if (x === "") return 1;
                if (y === "") return -1;
                const order = numeric ? Number(x) - Number(y) : (x < y ? -1 : 1);
                return ascending ? order : -order;
              });
              body.append(...rows);
            });
          });
          filter.addEventListener("input", show);
          filter.hidden = false;
          const asked = new URLSearchParams(location.search).get("q");
          if (asked) filter.value = asked;
          show();
        })();
        """;

    internal static readonly string ContentSecurityPolicy =
        $"default-src 'none'; script-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Script)))}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

    public static string Html(IReadOnlyList<TranscriptIndexEntry> entries)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(ContentSecurityPolicy).Append("\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Transcripts</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n")
            .Append("<h1>Transcripts</h1>\n")
            .Append("<p><input id=\"filter\" type=\"search\" placeholder=\"Filter sessions\" aria-label=\"Filter sessions\" hidden><span id=\"count\">")
            .Append(entries.Count == 1 ? "1 session" : $"{Number(entries.Count)} sessions").Append("</span></p>\n")
            .Append("<table id=\"sessions\">\n<thead><tr><th>Date (UTC)</th><th>Project</th><th>Title</th><th>Format</th>")
            .Append("<th class=\"number\">Messages</th><th class=\"number\">Tokens</th><th class=\"number\">Cost</th></tr></thead>\n<tbody>\n");
        foreach (var e in entries)
        {
            // data-sort holds numbers and ISO times of ours; trace text is only ever element content.
            var started = e.StartedAt is { } t ? t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : string.Empty;
            var cost = e.CostUsd is { } usd ? usd.ToString(CultureInfo.InvariantCulture) : string.Empty;
            page.Append("<tr><td class=\"date\" data-sort=\"").Append(started).Append("\">").Append(TranscriptIndex.Date(e.StartedAt)).Append("</td>")
                .Append("<td class=\"project\">").Append(HtmlEncode(OneLine(e.Project ?? string.Empty))).Append("</td>")
                .Append("<td class=\"title\"><a href=\"").Append(HtmlEncode(e.File)).Append("\">").Append(HtmlEncode(OneLine(e.Title))).Append("</a></td>")
                .Append("<td>").Append(e.Format).Append("</td>")
                .Append("<td class=\"number\" data-sort=\"").Append(e.Messages.ToString(CultureInfo.InvariantCulture)).Append("\">").Append(Number(e.Messages)).Append("</td>")
                .Append("<td class=\"number\" data-sort=\"").Append(e.Tokens.ToString(CultureInfo.InvariantCulture)).Append("\">").Append(Number(e.Tokens)).Append("</td>")
                .Append("<td class=\"number\" data-sort=\"").Append(cost).Append("\">").Append(TranscriptIndex.Cost(e)).Append("</td></tr>\n");
        }
        return page.Append("</tbody>\n</table>\n<script>").Append(Script).Append("</script>\n</body>\n</html>\n").ToString();
    }

    public static string Markdown(IReadOnlyList<TranscriptIndexEntry> entries)
    {
        var page = new StringBuilder("# Transcripts\n\n");
        page.Append(entries.Count == 1 ? "1 session" : $"{Number(entries.Count)} sessions").Append(", newest first.\n\n")
            .Append("| Date (UTC) | Project | Title | Format | Messages | Tokens | Cost |\n")
            .Append("| --- | --- | --- | --- | ---: | ---: | ---: |\n");
        foreach (var e in entries)
        {
            page.Append("| ").Append(TranscriptIndex.Date(e.StartedAt))
                .Append(" | ").Append(MarkdownTranscript.Inline(e.Project ?? string.Empty))
                .Append(" | [").Append(MarkdownTranscript.Inline(e.Title)).Append("](<").Append(e.File).Append(">)")
                .Append(" | ").Append(e.Format)
                .Append(" | ").Append(Number(e.Messages))
                .Append(" | ").Append(Number(e.Tokens))
                .Append(" | ").Append(TranscriptIndex.Cost(e)).Append(" |\n");
        }
        return page.ToString();
    }
}
