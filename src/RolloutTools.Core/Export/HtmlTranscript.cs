using System.Text;
using RolloutTools.Core.Model;
using static RolloutTools.Core.Export.TranscriptText;

namespace RolloutTools.Core.Export;

/// <summary>
/// A transcript as one self-contained HTML page. Trace content is untrusted: every piece of it goes through
/// TranscriptText.HtmlEncode and lands in element content, never in an attribute, with two exceptions: an inline
/// image's data: URL, built only from an allowed image media type and strictly base64 data, and a link's href in
/// Markdown prose, only ever an absolute http, https or mailto URL (MarkdownHtml says how prose is rendered). The
/// page has no script and loads nothing: its Content-Security-Policy allows inline style and data: images only,
/// and images given by URL, in a message or in its Markdown, are shown as text.
/// </summary>
internal sealed class HtmlTranscript : TranscriptWriter
{
    public const string ContentSecurityPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

    private const string Style = """
        :root { color-scheme: light dark; --line: #8884; --soft: #8881; --dim: #777; --accent: #3b6fd4; --error: #c0392b; }
        body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
        h1 { font-size: 1.5rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
        h2 { font-size: 1rem; margin: 0 0 .5rem; }
        nav h1 { font-size: 1.75rem; }
        article { border-top: 2px solid var(--line); margin-top: 2rem; padding-top: 1.5rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0 0 1rem; }
        dl.facts dt { color: var(--dim); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .turn { border-left: 3px solid var(--line); padding: .25rem 0 .25rem .75rem; margin: 1rem 0; }
        .turn.user { border-color: var(--accent); }
        .turn.assistant { border-color: #2e9d5b; }
        .turn.synthetic { border-color: #b7950b; }
        .turn.error { border-color: var(--error); }
        .meta { color: var(--dim); font-weight: normal; font-size: .85em; }
        .permalink { color: var(--dim); font-weight: normal; text-decoration: none; opacity: 0; }
        h2:hover .permalink, summary:hover .permalink, .permalink:focus, .turn:target > h2 .permalink, .turn:target > summary .permalink { opacity: 1; }
        .turn:target { background: var(--soft); }
        summary { cursor: pointer; color: var(--dim); }
        details details { margin: .5rem 0; }
        .text { overflow-wrap: anywhere; }
        .text > :first-child { margin-top: 0; }
        .text > :last-child { margin-bottom: 0; }
        .text h3, .text h4, .text h5, .text h6 { font-size: 1rem; margin: .75rem 0 .25rem; }
        .text table { border-collapse: collapse; }
        .text th, .text td { border: 1px solid var(--line); padding: .15rem .5rem; }
        .text blockquote { margin: .5rem 0; padding-left: .75rem; border-left: 3px solid var(--line); color: var(--dim); }
        figure.code { margin: .5rem 0; }
        figure.code figcaption { color: var(--dim); font: 12px ui-monospace, monospace; }
        figure.code pre { margin: 0; }
        summary code { color: initial; }
        .diff .add, .diff .del { display: inline-block; min-width: 100%; }
        .diff .add { background: #2e9d5b33; }
        .diff .del { background: #c0392b33; }
        .diff .hunk { color: var(--dim); }
        pre { background: var(--soft); padding: .5rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
        pre .kw { color: #8e44ad; color: light-dark(#8e44ad, #c39bd3); }
        pre .str { color: #2e7d32; color: light-dark(#2e7d32, #81c784); }
        pre .num { color: #b35900; color: light-dark(#b35900, #f0a35e); }
        pre .cm { color: var(--dim); font-style: italic; }
        code { font: 13px/1.4 ui-monospace, monospace; }
        .note, .image-note { color: var(--dim); font-style: italic; overflow-wrap: anywhere; }
        img { max-width: 100%; }
        """;

    private static readonly string[] InlineImageTypes = { "image/png", "image/jpeg", "image/gif", "image/webp" };

    private readonly StringBuilder _output = new();

    public HtmlTranscript(RolloutRecord record, TranscriptOptions options)
        : base(record, options)
    {
    }

    protected override void WriteHeader(string title, IReadOnlyList<TranscriptFact> facts, IReadOnlyList<TranscriptFact> sourceFacts)
    {
        _output.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(ContentSecurityPolicy).Append("\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(HtmlEncode(title)).Append("</title>\n")
            .Append("<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n<header>\n")
            .Append("<h1>").Append(HtmlEncode(title)).Append("</h1>\n");
        WriteFacts(facts);
        if (sourceFacts.Count > 0)
        {
            StartDetails("Source details");
            WriteFacts(sourceFacts);
            EndDetails();
        }
        _output.Append("</header>\n<main>\n");
    }

    private void WriteFacts(IReadOnlyList<TranscriptFact> facts)
    {
        _output.Append("<dl class=\"facts\">\n");
        foreach (var fact in facts)
        {
            var value = fact.IsTraceText ? $"<code>{HtmlEncode(fact.Value)}</code>" : HtmlEncode(fact.Value);
            _output.Append("<dt>").Append(HtmlEncode(fact.Label)).Append("</dt><dd>").Append(value).Append("</dd>\n");
        }
        _output.Append("</dl>\n");
    }

    // turn.Style ("user", "tool error", ...) and turn.Id ("t12", "session-078ca30a-t12") are ours, never trace text.
    // The heading ends in a link to the turn itself, so a reader can copy the address of any turn.
    protected override void StartTurn(TranscriptTurn turn, string? meta)
    {
        var heading = HtmlEncode(turn.Label) + (meta is null ? string.Empty : $" <span class=\"meta\">{HtmlEncode(meta)}</span>")
            + $" <a class=\"permalink\" href=\"#{turn.Id}\" aria-label=\"Link to this turn\">#</a>";
        if (turn.Collapsed) _output.Append($"<details class=\"turn {turn.Style}\" id=\"{turn.Id}\">\n<summary>{heading}</summary>\n");
        else _output.Append($"<section class=\"turn {turn.Style}\" id=\"{turn.Id}\">\n<h2>{heading}</h2>\n");
    }

    protected override void EndTurn(TranscriptTurn turn) => _output.Append(turn.Collapsed ? "</details>\n" : "</section>\n");

    protected override void WriteProse(string text) => _output.Append("<div class=\"text\">\n").Append(MarkdownHtml.Render(text)).Append("</div>\n");

    // Tool arguments (language "json") are coloured as code blocks in prose are; tool output is shown plain.
    protected override void WriteCode(string text, string? language) =>
        _output.Append("<pre><code>").Append(CodeHighlighter.Html(text, language)).Append("</code></pre>\n");

    protected override void WriteImage(ContentBlock image)
    {
        var dataUrl = InlineImageUrl(image);
        if (dataUrl is not null)
        {
            _output.Append("<p class=\"image\"><img src=\"").Append(dataUrl).Append("\" alt=\"image\"></p>\n");
            return;
        }
        var data = TranscriptText.DescribeImageData(image);
        if (data is not null) _output.Append("<p class=\"image-note\">[image not shown: ").Append(HtmlEncode(data)).Append("]</p>\n");
        else if (!string.IsNullOrWhiteSpace(image.Url)) _output.Append("<p class=\"image-note\">[image not loaded: <code>").Append(HtmlEncode(image.Url)).Append("</code>]</p>\n");
        else _output.Append("<p class=\"image-note\">[image]</p>\n");
    }

    protected override void WriteNote(string text) => _output.Append("<p class=\"note\">").Append(HtmlEncode(text)).Append("</p>\n");

    protected override void WriteLink(string text, string href) =>
        _output.Append("<p class=\"link\"><a href=\"").Append(HtmlEncode(href)).Append("\">").Append(HtmlEncode(text)).Append("</a></p>\n");


    protected override void StartDetails(string summary, string? preview = null)
    {
        _output.Append("<details>\n<summary>").Append(HtmlEncode(summary));
        if (preview is not null) _output.Append(" <code>").Append(HtmlEncode(preview)).Append("</code>");
        _output.Append("</summary>\n");
    }

    /// <summary>One span per line that adds or removes; the classes only colour it, the marks stay as text.</summary>
    protected override void WriteDiff(string diff)
    {
        _output.Append("<pre class=\"diff\"><code>");
        foreach (var line in diff.TrimEnd('\n').Split('\n'))
        {
            var style = line.StartsWith('+') ? "add" : line.StartsWith('-') ? "del" : line.StartsWith("@@", StringComparison.Ordinal) || line.StartsWith("***", StringComparison.Ordinal) ? "hunk" : null;
            if (style is null) _output.Append(HtmlEncode(line)).Append('\n');
            else _output.Append("<span class=\"").Append(style).Append("\">").Append(HtmlEncode(line)).Append("</span>\n");
        }
        _output.Append("</code></pre>\n");
    }

    protected override void EndDetails() => _output.Append("</details>\n");

    protected override string Finish() => _output.Append("</main>\n</body>\n</html>\n").ToString();

    /// <summary>
    /// A data: URL for an image that may be shown inline: base64 data (strictly A-Z a-z 0-9 + /, padded to a
    /// multiple of four) of type png, jpeg, gif or webp. Anything else, and every image given by URL, gives null.
    /// </summary>
    internal static string? InlineImageUrl(ContentBlock image)
    {
        if (image.Type != ContentBlockType.Image || string.IsNullOrEmpty(image.Data)) return null;
        var mediaType = TranscriptText.MediaType(image.MediaType);
        if (mediaType is null || Array.IndexOf(InlineImageTypes, mediaType) < 0) return null;
        return IsStrictBase64(image.Data) ? $"data:{mediaType};base64,{image.Data}" : null;
    }

    private static bool IsStrictBase64(string data)
    {
        if (data.Length % 4 != 0) return false;
        var padding = data.EndsWith("==", StringComparison.Ordinal) ? 2 : data.EndsWith('=') ? 1 : 0;
        for (var i = 0; i < data.Length - padding; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(data[i]) || data[i] is '+' or '/')) return false;
        }
        return true;
    }
}
