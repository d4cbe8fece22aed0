using System.Net;
using System.Text.RegularExpressions;
using Markdig;
using RolloutTools.Core.Export;

namespace RolloutTools.Core.Tests.Export;

/// <summary>
/// The HTML page renders trace prose as Markdown: each construct's exact output, and the security contract kept on
/// that path. MarkdownLinkTests' vectors (every place a link or image address can sit, every way to spell its
/// scheme) and a few more must leave no element but the page's own, no attribute but the page's own, and no link
/// but an absolute http, https or mailto one with rel="noopener noreferrer".
/// </summary>
public sealed class HtmlMarkdownTests
{
    /// <summary>More places an address can sit, and more spellings of it, beyond MarkdownLinkTests.Vectors.</summary>
    public static readonly string[] MoreVectors =
    [
        "[t](vbscript:msgbox(1))",
        "[t](VBScript&#58;msgbox(1))",
        "[t](data:text/html,<script>alert(1)</script>)",
        "[t](&#100;ata:text/html,x)",
        "[t](%6Aavascript:alert(1))",
        "[t](//evil.example/a)",
        "[t](/etc/passwd)",
        "[t](file:///etc/passwd)",
        "[t](https://ok.example/\" onmouseover=\"alert(1))",
        "[t](<https://ok.example/\" onmouseover=\"alert(1)>)",
        "[x][r]\n\n[r]: vbscript:msgbox(1)",
        "[x][r]\n\n[r]: data:text/html,x \"t\"",
        "[x][r]\n\n[r]: &#x6A;avascript:alert(1)",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        "![x](javascript:alert(1))",
        "![x](https://evil.example/pixel.png)",
        "[![x](https://evil.example/p.png)](javascript:alert(1))",
        "<VBSCRIPT:msgbox(1)>",
        "<data:image/png;base64,iVBORw0KGgo=>",
        "<javascript&#58;alert(1)>",
        "<script>alert(1)</script>",
        "<div onclick=\"alert(1)\">\n\n*x*\n\n</div>",
        "text <b onmouseover=alert(1)>b</b> <!-- c --> <?php x ?> <![CDATA[x]]>",
        "```javascript:alert(1)\" onclick=\"x\ncode\n```",
        "~~~ <script>\ncode\n~~~",
        "| a |\n|:-|\n| <img src=x onerror=alert(1)> |",
        "# h {#id onclick=alert(1)}",
        "javascript:alert(1) and www.javascript:alert(1).example",
    ];

    public static TheoryData<int> VectorIndexes() => new(Enumerable.Range(0, MarkdownLinkTests.Vectors.Length + MoreVectors.Length));

    private static string Vector(int index) =>
        index < MarkdownLinkTests.Vectors.Length ? MarkdownLinkTests.Vectors[index] : MoreVectors[index - MarkdownLinkTests.Vectors.Length];

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void Trace_markdown_on_the_page_makes_no_element_attribute_or_address_of_its_own(int index)
    {
        var html = Transcript.Render(MarkdownLinkTests.Carrying(Vector(index)), TranscriptFormat.Html, TranscriptOptions.Default);

        var offences = Offences(html);
        Assert.True(offences.Count == 0, string.Join("\n", offences) + "\n--- vector: " + Vector(index));
    }

    [Fact]
    public void All_vectors_in_one_page_cannot_combine_into_a_link()
    {
        var vectors = MarkdownLinkTests.Vectors.Concat(MoreVectors);

        var html = Transcript.Render(MarkdownLinkTests.Conversation(vectors), TranscriptFormat.Html, TranscriptOptions.Default);

        Assert.Empty(Offences(html));
        // The links left are the vectors' plain http(s) and mail addresses, which are safe to follow, and each turn's link to itself.
        Assert.All(Regex.Matches(html, "<a [^>]*>").Select(m => m.Value), a => Assert.Matches("^<a (href=\"(https?://|mailto:)[^\"<>]*\" rel=\"noopener noreferrer\"|class=\"permalink\" href=\"#t[0-9]+\" aria-label=\"Link to this turn\")>$", a));
    }

    /// <summary>A check that cannot fail proves nothing: Markdig's defaults (raw HTML on, its own link renderer) give offences for most vectors.</summary>
    [Fact]
    public void The_check_finds_the_vectors_live_in_markdig_defaults()
    {
        var live = MarkdownLinkTests.Vectors.Concat(MoreVectors).Count(v => Offences(Markdown.ToHtml(v)).Count > 0);

        Assert.True(live >= 80, $"only {live} vectors are live with Markdig's defaults");
    }

    [Theory]
    [InlineData("**bold**, _em_, ~~gone~~ and `a < b`", "<p><strong>bold</strong>, <em>em</em>, <del>gone</del> and <code>a &lt; b</code></p>\n")]
    [InlineData("one\ntwo", "<p>one<br />\ntwo</p>\n")]
    [InlineData("- a\n- b\n\n1. c", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>c</li>\n</ol>\n")]
    [InlineData("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n")]
    [InlineData("# Plan\n## Step", "<h3>Plan</h3>\n<h4>Step</h4>\n")]
    [InlineData("##### Deep", "<h6>Deep</h6>\n")]
    [InlineData("```python\nprint(\"<hi>\")\n```", "<figure class=\"code\"><figcaption>python</figcaption><pre><code>print(<span class=\"str\">&quot;&lt;hi&gt;&quot;</span>)\n</code></pre></figure>\n")]
    [InlineData("```\nplain\n```", "<pre><code>plain\n</code></pre>\n")]
    [InlineData("```c\" onclick=\"x\ncode\n```", "<pre><code>code\n</code></pre>\n")]
    [InlineData("    indented", "<pre><code>indented\n</code></pre>\n")]
    [InlineData("[docs](https://example.com/a?b=1&c=2 \"title\")", "<p><a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"noopener noreferrer\">docs</a></p>\n")]
    [InlineData("[mail](mailto:dana@example.com)", "<p><a href=\"mailto:dana@example.com\" rel=\"noopener noreferrer\">mail</a></p>\n")]
    [InlineData("<https://example.com/x> and <dana@example.com>", "<p><a href=\"https://example.com/x\" rel=\"noopener noreferrer\">https://example.com/x</a> and <a href=\"mailto:dana@example.com\" rel=\"noopener noreferrer\">dana@example.com</a></p>\n")]
    [InlineData("see https://example.com/y", "<p>see <a href=\"https://example.com/y\" rel=\"noopener noreferrer\">https://example.com/y</a></p>\n")]
    [InlineData("[x](javascript:alert(1))", "<p>x <span class=\"note\">[link not followed: <code>javascript:alert(1)</code>]</span></p>\n")]
    [InlineData("[x](src/app.py)", "<p>x <span class=\"note\">[link not followed: <code>src/app.py</code>]</span></p>\n")]
    [InlineData("![chart](https://evil.example/p.png)", "<p><span class=\"note\">[image not loaded: <code>https://evil.example/p.png</code>]</span></p>\n")]
    [InlineData("<javascript:alert(1)>", "<p>javascript:alert(1)</p>\n")]
    [InlineData("<b>bold?</b>\n\n<div>\nblock\n</div>", "<p>&lt;b&gt;bold?&lt;/b&gt;</p>\n<p>&lt;div&gt;<br />\nblock<br />\n&lt;/div&gt;</p>\n")]
    [InlineData("| a | b |\n|:--|--:|\n| 1 | 2 |", "<table>\n<thead>\n<tr>\n<th style=\"text-align: left;\">a</th>\n<th style=\"text-align: right;\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td style=\"text-align: left;\">1</td>\n<td style=\"text-align: right;\">2</td>\n</tr>\n</tbody>\n</table>\n")]
    public void Each_markdown_construct_renders_as_expected(string markdown, string expected)
    {
        Assert.Equal(expected, MarkdownHtml.Render(markdown));
    }

    [Fact]
    public void Prose_on_the_page_sits_in_its_text_block()
    {
        var html = Transcript.Render(MarkdownLinkTests.Carrying("Use **`dotnet test`**."), TranscriptFormat.Html, TranscriptOptions.Default);

        Assert.Contains("<div class=\"text\">\n<p>Use <strong><code>dotnet test</code></strong>.</p>\n</div>\n", html);
    }

    [Theory]
    [InlineData("https://example.com/a b", "https://example.com/a%20b")]
    [InlineData("HTTPS://Example.com", "https://example.com/")]
    [InlineData("mailto:dana@example.com", "mailto:dana@example.com")]
    [InlineData("javascript:alert(1)", null)]
    [InlineData(" https://example.com", null)]
    [InlineData("https:example.com", null)]
    [InlineData("ftp://example.com", null)]
    [InlineData("//example.com", null)]
    [InlineData("", null)]
    public void Only_absolute_http_https_and_mailto_addresses_become_links(string url, string? expected)
    {
        Assert.Equal(expected, MarkdownHtml.LinkAddress(url));
    }

    private static readonly HashSet<string> AllowedTags = new(StringComparer.Ordinal)
    {
        "html", "head", "meta", "title", "style", "body", "header", "nav", "main", "article", "section", "details", "summary", "span", "div",
        "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "del",
        "code", "pre", "blockquote", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "img", "a",
    };

    private static readonly HashSet<string> AllowedAttributes = new(StringComparer.Ordinal)
    {
        "lang", "charset", "http-equiv", "content", "name", "class", "src", "alt", "style", "start", "href", "rel", "id", "aria-label",
    };

    /// <summary>
    /// What in a page is not the page's own: any element or attribute outside the lists, markup that does not
    /// parse as a plain tag, an attribute value holding a script or data address (but an image's validated data:
    /// URL), a link without rel="noopener noreferrer" or to any address but an absolute http, https or mailto one,
    /// an image from anywhere but a validated data: URL, a style that is not a table cell's alignment, an id of
    /// anything but letters, digits and hyphens or one used twice, a link within the page to no id of the page.
    /// </summary>
    internal static List<string> Offences(string html)
    {
        var offences = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var fragments = new List<string>();
        foreach (Match tag in Regex.Matches(html, "<[^>]*>"))
        {
            if (tag.Value == "<!DOCTYPE html>") continue;
            var match = Regex.Match(tag.Value, "^</?([A-Za-z0-9]+)((?:\\s+[a-z-]+(?:=\"[^\"]*\")?)*)\\s*/?>$");
            if (!match.Success)
            {
                offences.Add($"markup {tag.Value}");
                continue;
            }
            var name = match.Groups[1].Value;
            if (!AllowedTags.Contains(name)) offences.Add($"element {tag.Value}");
            var attributes = Regex.Matches(match.Groups[2].Value, "([a-z-]+)(?:=\"([^\"]*)\")?").ToDictionary(a => a.Groups[1].Value, a => a.Groups[2].Value);
            foreach (var (attribute, value) in attributes)
            {
                var address = new string(WebUtility.HtmlDecode(value).Where(c => c > ' ').ToArray()).ToLowerInvariant();
                if (!AllowedAttributes.Contains(attribute)) offences.Add($"attribute {attribute} in {tag.Value}");
                if (address.Contains("javascript:") || address.Contains("vbscript:")) offences.Add($"address {value} in {tag.Value}");
                if (attribute == "href" && value.StartsWith('#')) fragments.Add(value[1..]);
                if (attribute == "href" && !Regex.IsMatch(address, "^(https?://|mailto:)") && !Regex.IsMatch(value, "^#[a-z0-9-]+$")) offences.Add($"link {value}");
                if (attribute == "id" && (!Regex.IsMatch(value, "^[a-z0-9-]+$") || !ids.Add(value))) offences.Add($"id {value}");
                if (attribute == "aria-label" && value != "Link to this turn") offences.Add($"label {value}");
                if (attribute == "src" && !Regex.IsMatch(value, "^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]*={0,2}$")) offences.Add($"image {value}");
                if (attribute == "style" && !Regex.IsMatch(value, "^text-align: (left|right|center);$")) offences.Add($"style {value}");
                if (attribute is "content" or "class" or "alt" or "rel" && address.StartsWith("data:", StringComparison.Ordinal)) offences.Add($"address {value} in {tag.Value}");
            }
            var withinPage = attributes.TryGetValue("href", out var href) && href.StartsWith('#');
            if (name == "a" && !withinPage && !tag.Value.StartsWith("</", StringComparison.Ordinal) && (!attributes.TryGetValue("rel", out var rel) || rel != "noopener noreferrer"))
            {
                offences.Add($"link without rel: {tag.Value}");
            }
            if (name == "img" && !attributes.ContainsKey("src")) offences.Add($"image {tag.Value}");
        }
        offences.AddRange(fragments.Where(f => !ids.Contains(f)).Select(f => $"link to no id: #{f}"));
        return offences;
    }
}
