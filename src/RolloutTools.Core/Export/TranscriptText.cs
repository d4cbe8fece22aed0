using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>One line of a transcript's header. IsTraceText marks values taken from the trace (ids, paths, names).</summary>
internal readonly record struct TranscriptFact(string Label, string Value, bool IsTraceText);

/// <summary>Text cut to a length, with the note that says so (null when nothing was cut).</summary>
internal readonly record struct TrimmedText(string Text, string? Note);

/// <summary>
/// The words and numbers both transcript renderers print the same way: facts, times, durations, sizes,
/// trimming, pretty-printed tool arguments, image descriptions. Everything here is plain text; each renderer
/// escapes it for its own format.
/// </summary>
internal static class TranscriptText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly JsonWriterOptions IndentedJson = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public const string Separator = " · ";

    public static string Title(RolloutRecord record) => Titles.Clean(record.Title) ?? "Untitled session";

    /// <summary>The session's facts; cost, when given, is the last ("$0.60", "unpriced").</summary>
    public static IReadOnlyList<TranscriptFact> Facts(RolloutRecord record, string? cost = null)
    {
        var facts = new List<TranscriptFact> { new("Format", record.Format.ToString(), false) };
        AddTrace(facts, "Trace id", record.TraceId);
        if (record.RootSessionId != record.TraceId) AddTrace(facts, "Root session", record.RootSessionId);
        AddTrace(facts, "Agent", record.AgentId);
        AddTrace(facts, "Working directory", record.Cwd);
        AddTrace(facts, "Project", record.ProjectPath);
        AddTrace(facts, "Git branch", record.GitBranch);
        if (record.StartedAt is { } started) facts.Add(new("Started", Time(started), false));
        if (record.EndedAt is { } ended) facts.Add(new("Ended", Time(ended), false));
        if (record.Duration is { } duration) facts.Add(new("Duration", Duration(duration), false));
        AddTrace(facts, "Models", string.Join(", ", record.Models));
        facts.Add(new("Messages", Number(record.MessageCount), false));
        facts.Add(new("Tool calls", Number(record.ToolCallCount), false));
        // One line, as a turn's header gives a response's tokens: the header stays short enough to skim past.
        facts.Add(new("Tokens", Tokens(new TokenUsage(record.InputTokens, record.OutputTokens, record.CacheReadTokens, record.CacheWriteTokens)), false));
        if (cost is not null) facts.Add(new("Cost", cost, false));
        return facts;
    }

    /// <summary>The format-specific facts, keys and values both as the trace gave them.</summary>
    public static IReadOnlyList<TranscriptFact> SourceFacts(SourceMeta meta) =>
        meta.Select(e => new TranscriptFact(e.Key, OneLine((e.Value is double d ? d.ToString(Invariant) : e.Value.ToString()) ?? string.Empty), true)).ToArray();

    private static void AddTrace(List<TranscriptFact> facts, string label, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value)) facts.Add(new(label, OneLine(value), true));
    }

    public static string Number(long value) => value.ToString("N0", Invariant);

    /// <summary>"1,200 in, 340 out tokens", with cache reads and writes when there are any.</summary>
    public static string Tokens(TokenUsage usage)
    {
        var text = new StringBuilder().Append(Number(usage.InputTokens)).Append(" in, ").Append(Number(usage.OutputTokens)).Append(" out");
        if (usage.CacheReadTokens > 0) text.Append(", ").Append(Number(usage.CacheReadTokens)).Append(" cache read");
        if (usage.CacheWriteTokens > 0) text.Append(", ").Append(Number(usage.CacheWriteTokens)).Append(" cache write");
        return text.Append(" tokens").ToString();
    }

    /// <summary>US dollars: cents from a dollar up, four decimals below ("$0.0042"), so a cheap response does not read as free.</summary>
    public static string Cost(decimal dollars) => "$" + dollars.ToString(Math.Abs(dollars) >= 1 ? "#,0.00" : "0.00##", Invariant);

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Invariant);

    /// <summary>The time of one turn: the clock time alone on the session's first day, the full time after.</summary>
    public static string TurnTime(DateTimeOffset time, DateTimeOffset? startedAt) =>
        startedAt is { } start && start.UtcDateTime.Date == time.UtcDateTime.Date
            ? time.UtcDateTime.ToString("HH:mm:ss", Invariant)
            : Time(time);

    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) return "-" + Duration(duration.Negate());
        if (duration.TotalSeconds < 1) return $"{(long)duration.TotalMilliseconds} ms";
        if (duration.TotalMinutes < 1) return duration.TotalSeconds.ToString("0.#", Invariant) + " s";
        if (duration.TotalHours < 1) return string.Create(Invariant, $"{duration.Minutes} min {duration.Seconds:00} s");
        if (duration.TotalDays < 1) return string.Create(Invariant, $"{duration.Hours} h {duration.Minutes:00} min");
        return string.Create(Invariant, $"{(long)duration.TotalDays} d {duration.Hours:00} h");
    }

    public static string Size(long bytes)
    {
        if (bytes < 1024) return bytes == 1 ? "1 byte" : $"{bytes} bytes";
        if (bytes < 1024 * 1024) return $"{Math.Max(1, (long)Math.Round(bytes / 1024.0))} KB";
        return (bytes / (1024.0 * 1024.0)).ToString("0.#", Invariant) + " MB";
    }

    /// <summary>
    /// Trace text made fit to show: line ends as "\n" only (the same output on every platform), terminal escape
    /// sequences (colours in command output) and other control characters but tab removed.
    /// </summary>
    public static string Clean(string text)
    {
        var i = 0;
        while (i < text.Length && (text[i] is '\n' or '\t' || !char.IsControl(text[i]))) i++;
        if (i == text.Length) return text;

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, i);
        while (i < text.Length)
        {
            var c = text[i++];
            if (c == '\r')
            {
                builder.Append('\n');
                if (i < text.Length && text[i] == '\n') i++;
            }
            else if (c == '\u001b')
            {
                i = SkipEscape(text, i);
            }
            else if (c is '\n' or '\t' || !char.IsControl(c))
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary>Where the text goes on after an escape sequence whose ESC sat just before start (CSI, OSC or one character).</summary>
    private static int SkipEscape(string text, int start)
    {
        if (start >= text.Length) return start;
        var i = start + 1;
        switch (text[start])
        {
            case '[':
                while (i < text.Length && text[i] is >= '\u0020' and <= '\u003f') i++;
                return i < text.Length && text[i] is >= '\u0040' and <= '\u007e' ? i + 1 : i;
            case ']':
                while (i < text.Length && text[i] != '\u0007' && text[i] != '\u001b' && text[i] != '\n') i++;
                if (i < text.Length && text[i] == '\u0007') return i + 1;
                return i + 1 < text.Length && text[i] == '\u001b' && text[i + 1] == '\\' ? i + 2 : i;
            default:
                return char.IsControl(text[start]) ? start : i;
        }
    }

    /// <summary>Text for one line: runs of whitespace (line breaks included) become one space.</summary>
    public static string OneLine(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = true;
                continue;
            }
            if (space) builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>Cuts text longer than max characters (0: never), never inside a surrogate pair.</summary>
    public static TrimmedText Trim(string text, int max)
    {
        if (max <= 0 || text.Length <= max) return new(Clean(text), null);
        var cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return new(Clean(text[..cut]), $"… (trimmed: {Number(text.Length)} characters in all)");
    }

    /// <summary>Tool-call arguments indented for reading; text that is not JSON is shown as it is (isJson false).</summary>
    public static string PrettyJson(string json, out bool isJson)
    {
        isJson = false;
        if (string.IsNullOrWhiteSpace(json)) return json;
        try
        {
            using var document = JsonDocument.Parse(json);
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, IndentedJson))
            {
                document.RootElement.WriteTo(writer);
            }
            isJson = true;
            return Clean(Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Clean(json);
        }
    }

    /// <summary>
    /// "image/png, 12 KB" for an image given as data; null for one given by URL. A media type that is not a
    /// plain type/subtype token is reported as unknown rather than repeated.
    /// </summary>
    public static string? DescribeImageData(ContentBlock image)
    {
        if (string.IsNullOrEmpty(image.Data)) return null;
        var mediaType = MediaType(image.MediaType) ?? "unknown type";
        return $"{mediaType}, {Size(Base64Length(image.Data))}";
    }

    /// <summary>The media type in lower case when it is a well-formed type/subtype token, else null.</summary>
    public static string? MediaType(string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(mediaType)) return null;
        var value = mediaType.Trim().ToLowerInvariant();
        var slash = value.IndexOf('/');
        if (slash <= 0 || slash == value.Length - 1) return null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '+' or '-' or '_' || (c == '/' && i == slash);
            if (!ok) return null;
        }
        return value;
    }

    /// <summary>The number of bytes base64 text decodes to (approximately, for text that is not strictly base64).</summary>
    private static long Base64Length(string data)
    {
        var padding = data.EndsWith("==", StringComparison.Ordinal) ? 2 : data.EndsWith('=') ? 1 : 0;
        return Math.Max(0, (long)data.Length * 3 / 4 - padding);
    }

    /// <summary>The one HTML-escaping function for trace text (the HTML page, and the Markdown summaries): &amp; &lt; &gt; " ' become character references.</summary>
    public static string HtmlEncode(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0) return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                default: builder.Append(c); break;
            }
        }
        return builder.ToString();
    }
}
