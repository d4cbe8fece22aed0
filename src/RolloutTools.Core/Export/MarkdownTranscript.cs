using System.Text;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>
/// A transcript in CommonMark, collapsed parts as &lt;details&gt; blocks. Trace text keeps its Markdown, but cannot
/// break out of the transcript's structure nor become a link or an image: literal text goes in fences longer than
/// any backtick run inside it, prose has its unclosed fences closed and its link, image, autolink and HTML syntax
/// neutralized, one-line values go in code spans or are backslash-escaped, and what sits inside HTML (summaries)
/// is HTML-escaped. The transcript's own lines hold no link syntax either, so no reference definition can make one.
/// </summary>
internal sealed class MarkdownTranscript : TranscriptWriter
{
    private readonly StringBuilder _output = new();

    public MarkdownTranscript(RolloutRecord record, TranscriptOptions options)
        : base(record, options)
    {
    }

    protected override void WriteHeader(string title, IReadOnlyList<TranscriptFact> facts, IReadOnlyList<TranscriptFact> sourceFacts)
    {
        Block("# " + Inline(title));
        WriteFacts(facts);
        if (sourceFacts.Count == 0) return;
        StartDetails("Source details");
        WriteFacts(sourceFacts);
        EndDetails();
    }

    private void WriteFacts(IReadOnlyList<TranscriptFact> facts)
    {
        var list = new StringBuilder();
        foreach (var fact in facts)
        {
            if (list.Length > 0) list.Append('\n');
            list.Append("- **").Append(Inline(fact.Label)).Append(":** ")
                .Append(fact.IsTraceText ? CodeSpan(fact.Value) : Inline(fact.Value));
        }
        Block(list.ToString());
    }

    // A combined page gives each turn an anchor (an HTML block of ours: the id holds letters, digits and hyphens
    // only), since its headings repeat from session to session; a page of its own needs none.
    protected override void StartTurn(TranscriptTurn turn, string? meta)
    {
        if (Options.TurnIdPrefix is not null) Block($"<a id=\"{turn.Id}\"></a>");
        var heading = meta is null ? turn.Label : turn.Label + TranscriptText.Separator + meta;
        if (turn.Collapsed) StartDetails(heading);
        else Block("## " + Inline(heading));
    }

    protected override void EndTurn(TranscriptTurn turn)
    {
        if (turn.Collapsed) EndDetails();
    }

    protected override void WriteProse(string text) => Block(Prose(text));

    protected override void WriteCode(string text, string? language)
    {
        var fence = Fence(text);
        var body = text.EndsWith('\n') ? text : text + "\n";
        Block($"{fence}{language ?? "text"}\n{body}{fence}");
    }

    // Brackets escaped: "[image]" would otherwise be a link wherever a reference definition of that name exists.
    protected override void WriteImage(ContentBlock image)
    {
        var data = TranscriptText.DescribeImageData(image);
        if (data is not null) Block($"\\[image: {data}\\]");
        else if (!string.IsNullOrWhiteSpace(image.Url)) Block($"\\[image: {CodeSpan(TranscriptText.OneLine(image.Url))}\\]");
        else Block("\\[image\\]");
    }

    protected override void WriteNote(string text) => Block(Inline(text));

    // The address is ours (a file name and fragment); the angle brackets keep it one destination whatever it holds.
    protected override void WriteLink(string text, string href) => Block($"[{Inline(text)}](<{href}>)");

    // An HTML block ends at a blank line, so the summary is one line of HTML-escaped text, and the blank lines
    // around the content let Markdown inside it be parsed again.
    protected override void StartDetails(string summary, string? preview = null)
    {
        var code = preview is null ? string.Empty : $" <code>{TranscriptText.HtmlEncode(TranscriptText.OneLine(preview))}</code>";
        Block($"<details>\n<summary>{TranscriptText.HtmlEncode(TranscriptText.OneLine(summary))}{code}</summary>");
    }

    protected override void WriteDiff(string diff) => WriteCode(diff, "diff");

    protected override void EndDetails() => Block("</details>");

    protected override string Finish() => _output.ToString().TrimEnd('\n') + "\n";

    private void Block(string text) => _output.Append(text).Append("\n\n");

    /// <summary>A backtick fence longer than any run of backticks in the text (at least three).</summary>
    internal static string Fence(string text) => new('`', Math.Max(3, LongestRun(text, '`') + 1));

    /// <summary>One line of trace text as a code span: literal, whatever characters it holds.</summary>
    internal static string CodeSpan(string text)
    {
        var line = TranscriptText.OneLine(text);
        if (line.Length == 0) return string.Empty;
        var ticks = new string('`', LongestRun(line, '`') + 1);
        var pad = line.StartsWith('`') || line.EndsWith('`') ? " " : string.Empty;
        return ticks + pad + line + pad + ticks;
    }

    /// <summary>One line of plain text in a heading or list: Markdown and HTML punctuation backslash-escaped.</summary>
    internal static string Inline(string text)
    {
        var line = TranscriptText.OneLine(text);
        var builder = new StringBuilder(line.Length + 8);
        foreach (var c in line)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '!' or '|' or '~' or '&' or '#') builder.Append('\\');
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>
    /// Prose from the trace, kept as Markdown, made unable to reach past its own block: a fence it leaves open is
    /// closed; a code span must close on its own line (an unclosed backtick run is escaped, since CommonMark would
    /// let it pair across lines). Outside fences and code spans every "[" is backslash-escaped, and every "&lt;"
    /// not followed by a space: with no bracket there is no link, image or reference definition (whatever the
    /// destination, however its scheme is spelled or entity-encoded), and with no "&lt;" no autolink and no raw HTML
    /// (which could also close the transcript's &lt;details&gt;). Emphasis, code, lists, quotes and headings stay.
    /// Rendered, the escaped characters read as typed.
    /// </summary>
    internal static string Prose(string text)
    {
        var lines = TranscriptText.Clean(text).Split('\n');
        var output = new StringBuilder(text.Length + 16);
        char fenceChar = '\0';
        var fenceLength = 0;
        foreach (var line in lines)
        {
            if (output.Length > 0) output.Append('\n');
            if (fenceLength > 0)
            {
                if (IsFence(line, out var c, out var n, out var info) && c == fenceChar && n >= fenceLength && info.Length == 0) fenceLength = 0;
                output.Append(line);
            }
            else if (IsFence(line, out var c, out var n, out _))
            {
                fenceChar = c;
                fenceLength = n;
                output.Append(line);
            }
            else
            {
                EscapeInline(line, output);
            }
        }
        if (fenceLength > 0) output.Append('\n').Append(fenceChar, fenceLength);
        return output.ToString().TrimEnd('\n', ' ');
    }

    /// <summary>A CommonMark fence line: up to three spaces, then three or more backticks (no backtick after) or tildes.</summary>
    private static bool IsFence(string line, out char fenceChar, out int length, out string info)
    {
        fenceChar = '\0';
        length = 0;
        info = string.Empty;
        var i = 0;
        while (i < line.Length && i < 4 && line[i] == ' ') i++;
        if (i > 3 || i >= line.Length || line[i] is not ('`' or '~')) return false;
        var c = line[i];
        var start = i;
        while (i < line.Length && line[i] == c) i++;
        if (i - start < 3) return false;
        var rest = line[i..].Trim();
        if (c == '`' && rest.Contains('`')) return false;
        fenceChar = c;
        length = i - start;
        info = rest;
        return true;
    }

    private static void EscapeInline(string line, StringBuilder output)
    {
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (c == '\\' && i + 1 < line.Length && IsAsciiPunctuation(line[i + 1]))
            {
                // An escape the author wrote: keep it, and do not read the escaped character as syntax.
                output.Append(line, i, 2);
                i += 2;
            }
            else if (c == '`')
            {
                var run = Run(line, i, '`');
                var close = FindRun(line, i + run, run);
                if (close < 0)
                {
                    // An unclosed run would pair with backticks on a later line of the paragraph and turn
                    // the text between into raw HTML; escaped, it stays a backtick.
                    for (var k = 0; k < run; k++) output.Append("\\`");
                    i += run;
                    continue;
                }
                output.Append(line, i, close + run - i);
                i = close + run;
            }
            else if ((c == '<' && i + 1 < line.Length && !char.IsWhiteSpace(line[i + 1])) || c == '[')
            {
                // "<" before a space ("a < b") opens nothing, and stays as typed.
                output.Append('\\').Append(c);
                i++;
            }
            else
            {
                output.Append(c);
                i++;
            }
        }
    }

    private static bool IsAsciiPunctuation(char c) => c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');

    private static int Run(string text, int start, char c)
    {
        var i = start;
        while (i < text.Length && text[i] == c) i++;
        return i - start;
    }

    /// <summary>Where a run of exactly length backticks starts at or after start, or -1.</summary>
    private static int FindRun(string text, int start, int length)
    {
        var i = start;
        while (i < text.Length)
        {
            if (text[i] != '`')
            {
                i++;
                continue;
            }
            var run = Run(text, i, '`');
            if (run == length) return i;
            i += run;
        }
        return -1;
    }

    private static int LongestRun(string text, char c)
    {
        int longest = 0, current = 0;
        foreach (var ch in text)
        {
            current = ch == c ? current + 1 : 0;
            longest = Math.Max(longest, current);
        }
        return longest;
    }
}
