using System.Globalization;
using System.Text;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>Renders a record as a readable transcript (Markdown or one self-contained HTML page) and names its file.</summary>
public static class Transcript
{
    private const int SlugLength = 60;
    private const int IdLength = 8;

    public static string Render(RolloutRecord record, TranscriptFormat format, TranscriptOptions options)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(options);
        TranscriptWriter writer = format switch
        {
            TranscriptFormat.Markdown => new MarkdownTranscript(record, options),
            TranscriptFormat.Html => new HtmlTranscript(record, options),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown transcript format."),
        };
        return writer.Render();
    }

    /// <summary>
    /// "&lt;yyyy-MM-dd of StartedAt, UTC | undated&gt;-&lt;title slug | untitled&gt;-&lt;last 8 letters and digits of the trace id&gt;.md|.html":
    /// lower-case ASCII letters, digits and hyphens only, so it is a valid file name on Windows and Linux.
    /// A subagent's id is taken from the part after the last ':' of its TraceId.
    /// </summary>
    public static string FileName(RolloutRecord record, TranscriptFormat format)
    {
        ArgumentNullException.ThrowIfNull(record);
        var extension = format switch
        {
            TranscriptFormat.Markdown => ".md",
            TranscriptFormat.Html => ".html",
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown transcript format."),
        };
        var date = record.StartedAt is { } started ? started.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "undated";
        var slug = Slug(record.Title, SlugLength);
        // The end of the id: time-ordered ids (Codex's UUIDv7) share their first characters for a minute.
        var whole = Slug(record.TraceId[(record.TraceId.LastIndexOf(':') + 1)..], record.TraceId.Length).Replace("-", string.Empty, StringComparison.Ordinal);
        var id = whole.Length > IdLength ? whole[^IdLength..] : whole;
        return $"{date}-{(slug.Length > 0 ? slug : "untitled")}-{(id.Length > 0 ? id : "trace")}{extension}";
    }

    /// <summary>
    /// Lower-case ASCII letters and digits, other runs of characters as one hyphen, accents dropped ("Café" gives
    /// "cafe"), apostrophes dropped, no hyphen at either end, at most maxLength characters.
    /// </summary>
    internal static string Slug(string? text, int maxLength)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        var builder = new StringBuilder(Math.Min(text.Length, maxLength + 1));
        var hyphen = false;
        // A lone surrogate (a title cut mid-emoji elsewhere) makes Normalize throw; such text is used as it is.
        foreach (var c in TryNormalize(text))
        {
            if (builder.Length >= maxLength) break;
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (hyphen && builder.Length > 0) builder.Append('-');
                if (builder.Length >= maxLength) break;
                builder.Append(char.ToLowerInvariant(c));
                hyphen = false;
            }
            else if (c is '\'' or '\u2019' || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            else
            {
                hyphen = true;
            }
        }
        return builder.ToString().TrimEnd('-');
    }

    private static string TryNormalize(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormD);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }
}
