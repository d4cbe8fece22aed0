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
        return builder.Length > MaxLength ? builder.ToString(0, MaxLength - 1) + "…" : builder.ToString();
    }
}
