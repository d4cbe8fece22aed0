using System.Net;
using System.Text.RegularExpressions;
using Markdig;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Export;

/// <summary>
/// Markdown transcripts rendered by a CommonMark renderer (Markdig): text from a trace never becomes a link or an
/// image, whatever syntax it tries, wherever in the trace it sits, and the transcript's own lines never become
/// links either. The transcript itself makes no link, so any &lt;a&gt; or &lt;img&gt; in the page came from the trace.
/// </summary>
public sealed class MarkdownLinkTests
{
    private static readonly DateTimeOffset T0 = new(2025, 11, 3, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Plain CommonMark, raw HTML allowed (as most renderers do).</summary>
    private static readonly MarkdownPipeline CommonMark = new MarkdownPipelineBuilder().Build();

    /// <summary>Roughly GitHub's flavour: bare-URL autolinks, tables, task lists, strikethrough, footnotes.</summary>
    private static readonly MarkdownPipeline Flavoured = new MarkdownPipelineBuilder()
        .UseAutoLinks().UsePipeTables().UseTaskLists().UseEmphasisExtras().UseFootnotes().Build();

    private const string Js = "javascript:alert(1)";
    private const string Svg = "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+";
    private const string Html = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==";

    /// <summary>Each vector is one piece of trace text; many would be a live link or image if copied into Markdown as they are.</summary>
    public static readonly string[] Vectors =
    [
        // Inline links, the scheme spelled every way CommonMark decodes.
        $"[t]({Js})",
        "[t](JaVaScRiPt:alert(1))",
        $"[t]( {Js} )",
        $"[t](<{Js}>)",
        "[t](<javascript:alert(1) x>)",
        "[t](javascript&#58;alert(1))",
        "[t](javascript&#x3A;alert(1))",
        "[t](javascript&colon;alert(1))",
        "[t](&#x6A;avascript:alert(1))",
        "[t](&#106;avascript:alert(1))",
        "[t](&#X6a;&#x61;vascript:alert(1))",
        "[t](java&Tab;script:alert(1))",
        "[t](javascript\\:alert(1))",
        $"[t]({Js} \"title\")",
        $"[t]({Js} 'title')",
        "[t](vbscript:msgbox(1))",
        $"[t]({Html})",
        "[t](javascript:alert&#40;1&#41;)",
        $"[t]({Js}",
        $"[t](\n{Js})",
        // Backslashes: an escaped backslash leaves the bracket live.
        $"\\\\[t]({Js})",
        $"\\\\\\\\[t]({Js})",
        $"\\\n[t]({Js})",
        // Nested and broken brackets, link text over several lines.
        $"[[t]({Js})](https://example.com)",
        $"[t [u]({Js})](x)",
        $"[t\n]({Js})",
        $"[click\nhere\nnow]({Js})",
        $"[t]]({Js})",
        $"[t\\]]({Js})",
        $"[`code`]({Js})",
        $"[t`]({Js})`",
        // Images.
        $"![x]({Svg})",
        $"![x]({Js})",
        "![x](https://evil.example/pixel.png)",
        $"![x]({Svg} \"t\")",
        $"!\\[x]({Svg})",
        $"![x][i]\n\n[i]: {Svg}",
        $"![[x]({Js})]({Svg})",
        // Reference definitions, and full, collapsed and shortcut references.
        $"[x]: {Js}\n\n[x]",
        $"[x]: <{Js}>\n[x][]",
        $"[X]: {Js}\n[x]",
        $"   [x]: {Js} \"t\"\n[y][x]",
        $"[x]:\n{Js}\n\n[x]",
        "[x]: javascript&#58;alert(1)\n\n[x]",
        $"[x]: {Html}\n\n![x]",
        // Reference definitions named after the transcript's own lines.
        $"[image]: {Js}",
        $"[image: image/png, 1 KB]: {Js}",
        $"[image: `{Js}`]: {Js}",
        $"[User]: {Js}",
        $"[Tool result]: {Js}",
        $"[Source details]: {Js}",
        // Autolinks and raw HTML.
        $"<{Js}>",
        "<JAVASCRIPT:alert(1)>",
        "<vbscript:msgbox(1)>",
        "<data:text/html,alert(1)>",
        "<1@evil.example>",
        "<+x@evil.example>",
        $"<a href=\"{Js}\">x</a>",
        $"<A HREF={Js}>x</A>",
        $"<img src=x onerror=alert(1)>",
        $"<svg><a xlink:href=\"{Js}\">x</a></svg>",
        $"</details><a href=\"{Js}\">x</a>",
        $"<details><summary><a href={Js}>x</a></summary>",
        "<!-- x --><a href=javascript:alert(1)>x</a>",
        // Entities standing for the syntax.
        "&#91;t&#93;(javascript:alert(1))",
        "&#x5B;t](javascript:alert(1))",
        "&lt;a href=javascript:alert(1)&gt;x&lt;/a&gt;",
        // Code spans and fences that try to hide the syntax from the escaping.
        $"`code` [t]({Js})",
        $"``[t]`({Js})``",
        $"`unclosed [t]({Js})",
        $"``[t](x)`` [t]({Js}) ``",
        $"~~~\n[t]({Js})",
        $"```\n[t]({Js})\n````x\n[t]({Js})",
        $"    [t]({Js})",
        // Block containers around a link.
        $"> [t]({Js})",
        $"- [t]({Js})",
        $"1. [t]({Js})",
        $"| a |\n|---|\n| [t]({Js}) |",
        $"# [t]({Js})",
        $"t\n===\n[t]({Js})",
        $"- [ ] [t]({Js})",
        // Footnotes, attributes, bare schemes.
        $"[^1]\n\n[^1]: {Js}",
        $"[t]({Js}){{onclick=alert(1)}}",
        Js,
        "www.evil.example/a",
        "https://evil.example/a",
        // Characters the cleaner removes, and look-alikes.
        $"[t](java\u0000script:alert(1))",
        $"[t](java\u001b[0mscript:alert(1))",
        "\uFF3Bt\uFF3D(javascript:alert(1))",
    ];

    /// <summary>Link syntax cut across two messages, and definitions in one message used in another.</summary>
    public static readonly string[][] Boundaries =
    [
        ["[click", $"]({Js})"],
        ["see [the", $"docs]({Js}) now"],
        [$"[x]: {Js}", "[x]"],
        ["[x]", $"[x]: {Js}"],
        ["![", $"x]({Svg})"],
        [$"<{Js}", ">"],
        ["```", $"[t]({Js})"],
        ["`", $"[t]({Js})`"],
    ];

    public static TheoryData<int> VectorIndexes() => new(Enumerable.Range(0, Vectors.Length));

    public static TheoryData<int> BoundaryIndexes() => new(Enumerable.Range(0, Boundaries.Length));

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void Trace_text_never_becomes_a_link_or_an_image_wherever_it_sits(int index)
    {
        var markdown = Transcript.Render(Carrying(Vectors[index]), TranscriptFormat.Markdown, TranscriptOptions.Default);

        AssertNoLinkFromTrace(markdown);
    }

    [Theory]
    [MemberData(nameof(BoundaryIndexes))]
    public void Link_syntax_split_across_messages_never_joins_into_a_link(int index)
    {
        var markdown = Transcript.Render(Conversation(Boundaries[index]), TranscriptFormat.Markdown, TranscriptOptions.Default);

        AssertNoLinkFromTrace(markdown);
    }

    [Fact]
    public void All_vectors_in_one_transcript_cannot_combine_into_a_link()
    {
        var markdown = Transcript.Render(Conversation(Vectors), TranscriptFormat.Markdown, TranscriptOptions.Default);

        AssertNoLinkFromTrace(markdown);
    }

    /// <summary>A check that cannot fail proves nothing: as they are, most vectors are live links, images or HTML, and the check finds them.</summary>
    [Fact]
    public void The_check_finds_the_vectors_live_in_markdown_that_does_not_escape_them()
    {
        var live = Vectors.Count(v => Offences(Markdown.ToHtml(v, CommonMark), flavoured: false).Count > 0);

        Assert.True(Vectors.Length + Boundaries.Length >= 90, $"{Vectors.Length} vectors");
        Assert.True(live >= 65, $"only {live} of {Vectors.Length} vectors are live when not escaped");
    }

    [Theory]
    [InlineData("Run `dotnet test -c Release` in C:\\Users\\dana\\src and compare a < b, x[0] = 1, arr[i][j] and List<int>.")]
    [InlineData("The path /home/dana/src/app/[id]/page.tsx holds <Page> and a link to [the docs] (see above).")]
    [InlineData("Mail dana@example.com about https://example.com/a?b=1&c=2 and www.example.com, 50% of 3 > 2.")]
    [InlineData("Escapes stay as typed: \\* and \\[ and a trailing backslash\\")]
    public void Ordinary_prose_reads_as_typed(string text)
    {
        var html = Markdown.ToHtml(MarkdownTranscript.Prose(text), CommonMark);

        Assert.StartsWith("<p>", html, StringComparison.Ordinal);
        Assert.EndsWith("</p>\n", html, StringComparison.Ordinal);
        Assert.Equal(Rendered(text), WebUtility.HtmlDecode(Regex.Replace(html[3..^5], "</?code>", string.Empty)));
    }

    [Fact]
    public void Prose_keeps_its_formatting_code_and_lists()
    {
        var html = Markdown.ToHtml(MarkdownTranscript.Prose("**bold** and _em_ with `a[0] < b`\n\n- one [x]\n- two\n\n```cs\nvar x = a[0] < b;\n```"), CommonMark);

        Assert.Equal("<p><strong>bold</strong> and <em>em</em> with <code>a[0] &lt; b</code></p>\n<ul>\n<li>one [x]</li>\n<li>two</li>\n</ul>\n<pre><code class=\"language-cs\">var x = a[0] &lt; b;\n</code></pre>\n", html);
    }

    /// <summary>The characters CommonMark shows for these samples: "\*" and "\[" as "*" and "[", code spans without their backticks.</summary>
    private static string Rendered(string text) => Regex.Replace(text, @"\\([\[\*])|`", "$1");

    private static void AssertNoLinkFromTrace(string markdown)
    {
        foreach (var (pipeline, flavoured) in new[] { (CommonMark, false), (Flavoured, true) })
        {
            var offences = Offences(Markdown.ToHtml(markdown, pipeline), flavoured);
            Assert.True(offences.Count == 0, string.Join("\n", offences) + "\n--- markdown:\n" + markdown);
        }
    }

    private static readonly HashSet<string> AllowedTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote",
        "hr", "br", "details", "summary", "del", "table", "thead", "tbody", "tr", "th", "td",
    };

    private static readonly HashSet<string> AllowedAttributes = new(StringComparer.OrdinalIgnoreCase) { "class", "start", "style" };

    /// <summary>
    /// What in rendered HTML is a link, an image or a dangerous address: any element but the plain text ones the
    /// transcript makes (so no a, img, svg, script…), any attribute but class, start and style, any attribute value
    /// that decodes to a javascript:, vbscript: or data: address. Only the flavoured renderer's own autolinks of
    /// bare http(s) and mail addresses pass: the renderer makes those from any text that names one, and shows the
    /// address as the link's text.
    /// </summary>
    private static List<string> Offences(string html, bool flavoured)
    {
        var offences = new List<string>();
        foreach (Match tag in Regex.Matches(html, @"<(/?)([A-Za-z][A-Za-z0-9:-]*)([^>]*)>"))
        {
            var name = tag.Groups[2].Value;
            var autolink = flavoured && name.Equals("a", StringComparison.OrdinalIgnoreCase);
            if (!AllowedTags.Contains(name) && !autolink) offences.Add($"element {tag.Value}");
            foreach (Match attribute in Regex.Matches(tag.Groups[3].Value, @"([^\s=/>]+)(?:\s*=\s*(?:""([^""]*)""|'([^']*)'|([^\s>]+)))?"))
            {
                var attributeName = attribute.Groups[1].Value;
                var value = attribute.Groups[2].Value + attribute.Groups[3].Value + attribute.Groups[4].Value;
                var address = new string(WebUtility.HtmlDecode(value).Where(c => c > ' ').ToArray()).ToLowerInvariant();
                var allowedLink = autolink && attributeName == "href" && Regex.IsMatch(address, "^(https?://|mailto:)");
                if (!AllowedAttributes.Contains(attributeName) && !allowedLink) offences.Add($"attribute {attributeName}={value} in {tag.Value}");
                if (address.Contains("javascript:") || address.Contains("vbscript:") || address.StartsWith("data:", StringComparison.Ordinal))
                {
                    offences.Add($"address {value} in {tag.Value}");
                }
            }
        }
        return offences;
    }

    /// <summary>A record with the text in every place a trace puts text: title, facts, source details, prompt, response, reasoning, tool call, tool result, image address.</summary>
    internal static RolloutRecord Carrying(string text) => new()
    {
        TraceId = "t1",
        Format = RolloutFormat.ClaudeCode,
        SourceKind = "claude_code",
        RootSessionId = "t1",
        AgentId = text,
        Cwd = text,
        ProjectPath = text,
        GitBranch = text,
        StartedAt = T0,
        Title = text,
        Models = [text],
        SourceMeta = new SourceMeta.Builder().Add(text, text).Add("version", text).Build(),
        Messages =
        [
            new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = [ContentBlock.FromText(text), ContentBlock.FromImageUrl(text)], Timestamp = T0 },
            new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Context, Content = [ContentBlock.FromText(text)] },
            new RolloutMessage
            {
                Role = MessageRole.Assistant,
                Kind = MessageKind.Response,
                Content = [ContentBlock.FromText(text)],
                ReasoningContent = text,
                ToolCalls = [new ToolCall("c1", text, text), new ToolCall("c2", "Bash", System.Text.Json.JsonSerializer.Serialize(new { command = text }))],
                Model = text,
                Timestamp = T0,
            },
            new RolloutMessage { Role = MessageRole.Tool, Kind = MessageKind.ToolResult, ToolCallId = "c1", ToolName = text, Content = [ContentBlock.FromText(text), ContentBlock.FromImageUrl(text)], IsError = true },
            new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Synthetic, Content = [ContentBlock.FromText(text)] },
            new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Content = [ContentBlock.FromText("after " + text)] },
        ],
    };

    /// <summary>A record whose messages hold the parts in turn: prompts and responses alternating, each part also as a collapsed context message.</summary>
    internal static RolloutRecord Conversation(IEnumerable<string> parts) => new()
    {
        TraceId = "t2",
        Format = RolloutFormat.ClaudeCode,
        SourceKind = "claude_code",
        RootSessionId = "t2",
        StartedAt = T0,
        Title = "Split link",
        Messages = parts.SelectMany((part, i) => new[]
        {
            new RolloutMessage
            {
                Role = i % 2 == 0 ? MessageRole.User : MessageRole.Assistant,
                Kind = i % 2 == 0 ? MessageKind.Prompt : MessageKind.Response,
                Content = [ContentBlock.FromText(part)],
            },
            new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Context, Content = [ContentBlock.FromText(part)] },
        }).ToArray(),
    };
}
