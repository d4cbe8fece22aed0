using System.Text;

namespace RolloutTools.Core.Model;

/// <summary>Makes a title fit one table cell: whitespace collapsed, at most 200 characters.</summary>
public static class Titles
{
    private const int MaxLength = 200;

    public static string? Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var builder = new StringBuilder(Math.Min(text.Length, MaxLength + 1));
        var space = false;
        foreach (var c in text.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space) builder.Append(' ');
            space = false;
            builder.Append(c);
            if (builder.Length > MaxLength) break;
        }
        if (builder.Length <= MaxLength) return builder.ToString();
        var cut = MaxLength - 1;
        if (char.IsHighSurrogate(builder[cut - 1])) cut--;
        return builder.ToString(0, cut) + "…";
    }
}
