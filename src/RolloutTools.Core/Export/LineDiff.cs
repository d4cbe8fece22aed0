using System.Text;

namespace RolloutTools.Core.Export;

/// <summary>
/// A line diff of two texts as unified-diff body lines: " " for a line both keep, "-" for a removed line, "+" for
/// an added one. Edits in traces are small excerpts (an old and a new string), so a longest-common-subsequence
/// table over the lines that differ is enough; past a size where that table would cost too much, the old lines
/// are shown removed and the new ones added, which is still a correct diff.
/// </summary>
internal static class LineDiff
{
    private const long MaxTableCells = 1_000_000;

    public static void Append(StringBuilder output, string oldText, string newText)
    {
        var a = Lines(oldText);
        var b = Lines(newText);
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix]) prefix++;
        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)]) suffix++;

        for (var i = 0; i < prefix; i++) Line(output, ' ', a[i]);
        Middle(output, a[prefix..^suffix], b[prefix..^suffix]);
        for (var i = a.Length - suffix; i < a.Length; i++) Line(output, ' ', a[i]);
    }

    /// <summary>Every line of the text as added (a new file's content).</summary>
    public static void AppendAdded(StringBuilder output, string text)
    {
        foreach (var line in Lines(text)) Line(output, '+', line);
    }

    private static void Middle(StringBuilder output, string[] a, string[] b)
    {
        if ((long)a.Length * b.Length > MaxTableCells)
        {
            foreach (var line in a) Line(output, '-', line);
            foreach (var line in b) Line(output, '+', line);
            return;
        }
        // common[i, j]: the length of the longest common subsequence of a[i..] and b[j..].
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                Line(output, ' ', a[x++]);
                y++;
            }
            else if (y == b.Length || (x < a.Length && common[x + 1, y] >= common[x, y + 1]))
            {
                Line(output, '-', a[x++]);
            }
            else
            {
                Line(output, '+', b[y++]);
            }
        }
    }

    /// <summary>The text's lines; an empty text has none, and a final line end does not start another.</summary>
    private static string[] Lines(string text)
    {
        var clean = TranscriptText.Clean(text);
        if (clean.Length == 0) return Array.Empty<string>();
        if (clean.EndsWith('\n')) clean = clean[..^1];
        return clean.Split('\n');
    }

    private static void Line(StringBuilder output, char mark, string line) => output.Append(mark).Append(line).Append('\n');
}
