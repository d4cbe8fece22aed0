using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Renderers.Html.Inlines;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace RolloutTools.Core.Export;

/// <summary>
/// Trace text written in Markdown (what people and models write) as HTML for the transcript page, with Markdig.
/// Safe by construction, not by filtering its output: raw HTML is not parsed at all (HTML blocks and inline tags
/// show as the text they are), and the three renderers that would put trace text into an attribute are replaced.
/// A link or autolink becomes &lt;a&gt; only for an absolute http, https or mailto address (as Markdig decoded it, so
/// entity-encoded and backslash-escaped schemes are judged by what they spell), with rel="noopener noreferrer";
/// any other keeps its text and shows its address as text. An image is never loaded: it shows its address as
/// text, like the transcript's other images given by URL. A code block shows its language as a label, not as a
/// class, and is coloured by CodeHighlighter when it knows the language. Headings move two levels down, so a
/// message's "# Title" sits under the turn's own heading.
/// </summary>
internal static class MarkdownHtml
{
    private const int HeadingShift = 2;
    private const int MaxLanguageLength = 32;

    /// <summary>
    /// Tables, strikethrough and bare-URL links, as GitHub renders them; a single line break is kept as a break,
    /// since prompts are typed as chat, not as paragraphs. No extension that writes attributes from the text
    /// (generic attributes, heading ids, footnotes, task-list checkboxes).
    /// </summary>
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras(Markdig.Extensions.EmphasisExtras.EmphasisExtraOptions.Strikethrough)
        .UseAutoLinks()
        .UseSoftlineBreakAsHardlineBreak()
        .Build();

    public static string Render(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var heading in document.Descendants<HeadingBlock>()) heading.Level = Math.Min(6, heading.Level + HeadingShift);
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.ObjectRenderers.Replace<LinkInlineRenderer>(new LinkRenderer());
        renderer.ObjectRenderers.Replace<AutolinkInlineRenderer>(new AutolinkRenderer());
        renderer.ObjectRenderers.Replace<CodeBlockRenderer>(new LabelledCodeBlockRenderer());
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    /// <summary>
    /// The address a link may point to, as it goes in href: an absolute http, https or mailto URL (the scheme as
    /// typed, not as a URL parser might repair it), normalized by System.Uri; null for any other.
    /// </summary>
    internal static string? LinkAddress(string? url)
    {
        if (string.IsNullOrEmpty(url)) return null;
        var allowed = url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);
        if (!allowed || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        return uri.Scheme is "http" or "https" or "mailto" ? uri.AbsoluteUri : null;
    }

    private static void WriteLink(HtmlRenderer renderer, string href) =>
        renderer.Write("<a href=\"").Write(TranscriptText.HtmlEncode(href)).Write("\" rel=\"noopener noreferrer\">");

    private static void WriteAddressNote(HtmlRenderer renderer, string what, string? url) =>
        renderer.Write("<span class=\"note\">[").Write(what).Write(": <code>").WriteEscape(TranscriptText.OneLine(url ?? string.Empty)).Write("</code>]</span>");

    private sealed class LinkRenderer : HtmlObjectRenderer<LinkInline>
    {
        protected override void Write(HtmlRenderer renderer, LinkInline link)
        {
            var url = link.GetDynamicUrl?.Invoke() ?? link.Url;
            if (link.IsImage)
            {
                WriteAddressNote(renderer, "image not loaded", url);
                return;
            }
            var href = LinkAddress(url);
            if (href is null)
            {
                renderer.WriteChildren(link);
                if (string.IsNullOrWhiteSpace(url)) return;
                renderer.Write(' ');
                WriteAddressNote(renderer, "link not followed", url);
                return;
            }
            WriteLink(renderer, href);
            renderer.WriteChildren(link);
            renderer.Write("</a>");
        }
    }

    private sealed class AutolinkRenderer : HtmlObjectRenderer<AutolinkInline>
    {
        protected override void Write(HtmlRenderer renderer, AutolinkInline link)
        {
            var href = LinkAddress(link.IsEmail ? "mailto:" + link.Url : link.Url);
            if (href is not null) WriteLink(renderer, href);
            renderer.WriteEscape(link.Url);
            if (href is not null) renderer.Write("</a>");
        }
    }

    private sealed class LabelledCodeBlockRenderer : HtmlObjectRenderer<CodeBlock>
    {
        protected override void Write(HtmlRenderer renderer, CodeBlock block)
        {
            renderer.EnsureLine();
            var language = Language((block as FencedCodeBlock)?.Info);
            if (language is not null) renderer.Write("<figure class=\"code\"><figcaption>").Write(language).Write("</figcaption>");
            var code = block.Lines.ToString();
            renderer.Write("<pre><code>").Write(CodeHighlighter.Html(code, language));
            if (code.Length > 0) renderer.Write('\n');
            renderer.Write("</code></pre>");
            if (language is not null) renderer.Write("</figure>");
            renderer.WriteLine();
        }
    }

    /// <summary>A fence's language as a label: its first word, letters, digits and + # . _ - only, else null.</summary>
    internal static string? Language(string? info)
    {
        if (string.IsNullOrWhiteSpace(info)) return null;
        var word = info.Trim().Split(' ', '\t')[0];
        if (word.Length > MaxLanguageLength) return null;
        foreach (var c in word)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '#' or '.' or '_' or '-')) return null;
        }
        return word;
    }
}
