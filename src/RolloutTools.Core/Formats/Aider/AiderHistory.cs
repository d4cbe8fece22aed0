using System.Globalization;
using System.Text.RegularExpressions;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Aider;

internal enum AiderEntryKind
{
    /// <summary>What the person typed: "#### " lines, one per line of a multi-line input.</summary>
    Input,

    /// <summary>Aider's own output: "> " lines (announcements, commands' output, edits applied, questions and answers).</summary>
    Output,

    /// <summary>The token and cost report after a response.</summary>
    Report,

    /// <summary>The model's answer, plain Markdown.</summary>
    Response,
}

/// <summary>A run of consecutive lines of one kind; Line is the first one's number.</summary>
internal sealed record AiderEntry(AiderEntryKind Kind, int Line, string Text)
{
    public AiderTokenReport? Report { get; init; }
}

/// <summary>One run of aider: the lines under one "# aider chat started at" heading.</summary>
/// <param name="StartedAt">The heading's time: aider's datetime.now(), the local clock of the machine it ran on, without a zone.</param>
internal sealed record AiderRun(int Line, DateTime StartedAt, string StartedAtText, IReadOnlyList<AiderEntry> Entries);

/// <summary>
/// Splits a chat history into runs and their lines into kinds, as aider's io.py writes them. Every line aider
/// writes for itself ends with a Markdown line break, two spaces (append_chat_history with linebreak): the
/// person's input as "#### text  ", aider's output as "> text  " (">  " for an empty line). The model's answer
/// is written as it came (ai_output), so a line of it is one without that ending, even when it starts with
/// "> " (a quotation) or "#### " (a heading). One exception: aider's output of several lines (tool_output joins
/// them into one text) gets "> " before its first line and the two spaces after its last only, as do a token
/// report's cost on a line of its own, a command's output (/git, /settings) and a list the person is asked about.
/// </summary>
internal static class AiderHistory
{
    public const string HeadingPrefix = "# aider chat started at ";

    private static readonly Regex Heading = new(@"^# aider chat started at (?<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\s*$", RegexOptions.CultureInvariant);

    /// <summary>What aider writes for an empty input.</summary>
    private const string BlankInput = "<blank>";

    public static List<AiderRun> Split(IReadOnlyList<HistoryLine> lines, DiagnosticList diagnostics)
    {
        var runs = new List<AiderRun>();
        var outside = lines.TakeWhile(l => !Heading.IsMatch(l.Text)).ToList();
        if (outside.FindIndex(l => l.Text.Trim().Length > 0) is var stray and >= 0)
        {
            diagnostics.Warn(RolloutDiagnostic.ParseError, outside[stray].Number,
                $"{outside.Count(l => l.Text.Trim().Length > 0)} line(s) before the first '{HeadingPrefix.Trim()}' heading belong to no run; skipped.");
        }
        var index = outside.Count;
        while (index < lines.Count)
        {
            var heading = lines[index];
            var time = Heading.Match(heading.Text).Groups["time"].Value;
            var body = lines.Skip(index + 1).TakeWhile(l => !Heading.IsMatch(l.Text)).ToList();
            runs.Add(new AiderRun(heading.Number,
                DateTime.ParseExact(time, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None),
                time, Entries(body)));
            index += body.Count + 1;
        }
        return runs;
    }

    private static List<AiderEntry> Entries(List<HistoryLine> lines)
    {
        var entries = new List<AiderEntry>();
        var i = 0;
        // Whether the line before i is one aider wrote for itself. The model's answer always follows a blank line
        // (ai_output starts with one), so a "> " line right after aider's own is aider's output even when its
        // text runs over several lines; after a blank line it may be a quotation opening an answer.
        var followsAider = false;
        while (i < lines.Count)
        {
            var line = lines[i];
            if (InputText(line.Text) is not null)
            {
                var typed = new List<string>();
                while (i < lines.Count && InputText(lines[i].Text) is { } text)
                {
                    typed.Add(text);
                    i++;
                }
                var joined = string.Join("\n", typed);
                entries.Add(new AiderEntry(AiderEntryKind.Input, line.Number, joined == BlankInput ? string.Empty : joined));
                followsAider = true;
            }
            else if (ReportAt(lines, i) is { } report)
            {
                entries.Add(new AiderEntry(AiderEntryKind.Report, line.Number, report.Text) { Report = report.Parsed });
                i += report.Lines;
                followsAider = true;
            }
            else if (OutputAt(lines, i, followsAider) is not null)
            {
                var shown = new List<string>();
                while (i < lines.Count && ReportAt(lines, i) is null && OutputAt(lines, i, followsAider: true) is { } output)
                {
                    shown.Add(output.Text);
                    i += output.Lines;
                }
                entries.Add(new AiderEntry(AiderEntryKind.Output, line.Number, string.Join("\n", shown).Trim('\n')));
                followsAider = true;
            }
            else
            {
                var start = i;
                while (i < lines.Count && InputText(lines[i].Text) is null && OutputText(lines[i].Text) is null && ReportAt(lines, i) is null) i++;
                followsAider = false;
                var block = lines.Skip(start).Take(i - start).ToList();
                var first = block.FindIndex(l => l.Text.Trim().Length > 0);
                if (first < 0) continue;
                var last = block.FindLastIndex(l => l.Text.Trim().Length > 0);
                entries.Add(new AiderEntry(AiderEntryKind.Response, block[first].Number,
                    string.Join("\n", block.Skip(first).Take(last - first + 1).Select(l => l.Text))));
            }
        }
        return entries;
    }

    /// <summary>
    /// The token report at a line of aider's output, with the lines it takes: one, or two when its cost sentence
    /// follows on a line of its own. Null when the line holds no report, which leaves it to the other kinds.
    /// </summary>
    private static (string Text, AiderTokenReport Parsed, int Lines)? ReportAt(List<HistoryLine> lines, int i) =>
        lines[i].Text.StartsWith("> ", StringComparison.Ordinal) && AiderTokenReport.Starts(lines[i].Text[2..])
        && OutputAt(lines, i, followsAider: true) is { } output && AiderTokenReport.Parse(output.Text.TrimEnd()) is { } parsed
            ? (output.Text.TrimEnd(), parsed, output.Lines)
            : null;

    /// <summary>
    /// Aider's output at a line, with the lines it takes: one "> text  " line (">  " when empty) or, where aider's
    /// output may stand (<paramref name="followsAider"/>), a "> " line without the two spaces and the lines after
    /// it up to the first that ends with them. Null for any other line.
    /// </summary>
    private static (string Text, int Lines)? OutputAt(List<HistoryLine> lines, int i, bool followsAider)
    {
        if (OutputText(lines[i].Text) is { } single) return (single, 1);
        if (!followsAider || !lines[i].Text.StartsWith("> ", StringComparison.Ordinal)) return null;
        for (var end = i + 1; end < lines.Count; end++)
        {
            var text = lines[end].Text;
            if (InputText(text) is not null) return null;
            if (!text.EndsWith("  ", StringComparison.Ordinal)) continue;
            var middle = lines.Skip(i + 1).Take(end - i - 1).Select(l => l.Text);
            return (string.Join("\n", middle.Prepend(lines[i].Text[2..]).Append(text[..^2])), end - i + 1);
        }
        return null;
    }

    /// <summary>The text of one line of the person's input ("#### text  "), or null for any other line.</summary>
    private static string? InputText(string line) =>
        line.StartsWith("#### ", StringComparison.Ordinal) && line.Length >= 7 && line.EndsWith("  ", StringComparison.Ordinal) ? line[5..^2] : null;

    /// <summary>The text of one line of aider's output ("> text  ", ">  " when empty), or null for any other line.</summary>
    private static string? OutputText(string line) =>
        line == ">  " ? string.Empty
        : line.StartsWith("> ", StringComparison.Ordinal) && line.Length >= 4 && line.EndsWith("  ", StringComparison.Ordinal) ? line[2..^2] : null;
}
