using System.Text;
using System.Text.Json;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Discovery;

/// <summary>What a file's first lines say about its format.</summary>
/// <param name="Reader">The format that recognises a line in view; null when none does.</param>
/// <param name="IsForeign">
/// No format recognises it, and its first line is a whole JSON object: a file of some other program, to
/// skip. When false and no reader is given (empty, not JSON, a damaged first line), the file's name and
/// place have to decide.
/// </param>
public readonly record struct Detection(IRolloutReader? Reader, bool IsForeign);

/// <summary>Tells a trace's format from its first few kilobytes.</summary>
public static class FormatDetector
{
    private const int HeadSize = 8 * 1024;

    /// <summary>When the first kilobytes decide nothing, a longer look: the first line may be damaged and the next ones whole.</summary>
    private const int LongHeadSize = 64 * 1024;

    /// <summary>Lines looked at past the first: enough to step over a damaged head or a few unknown record types.</summary>
    private const int LinesInView = 32;

    public static Detection Detect(TraceSource source, IReadOnlyList<IRolloutReader> readers)
    {
        using var stream = source.Open();
        var head = new byte[HeadSize];
        var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var detection = Detect(head.AsSpan(0, length), readers);
        if (detection.Reader is not null || length < HeadSize) return detection;

        Array.Resize(ref head, LongHeadSize);
        length += stream.ReadAtLeast(head.AsSpan(length), LongHeadSize - length, throwOnEndOfStream: false);
        return Detect(head.AsSpan(0, length), readers);
    }

    private static Detection Detect(ReadOnlySpan<byte> head, IReadOnlyList<IRolloutReader> readers)
    {
        var rest = head;
        for (var line = 0; line <= LinesInView && !rest.IsEmpty; line++)
        {
            var end = rest.IndexOf((byte)'\n');
            // A JSON lines file starts each object at the margin; an indented line is inside a pretty-printed
            // document, whose nested objects (a chat message in a request dump) are not lines of a trace.
            var nested = line > 0 && rest[0] is (byte)' ' or (byte)'\t';
            if (!nested && JsonHead.Read(rest.TrimStart((byte)0)) is { } shape && MostConfident(shape, readers) is { } reader)
            {
                return new Detection(reader, false);
            }
            if (end < 0) break;
            rest = rest[(end + 1)..];
        }
        return new Detection(null, IsWholeObject(head));
    }

    /// <summary>The format surest that the line is its own; among equals, the first registered.</summary>
    public static IRolloutReader? MostConfident(JsonHead line, IReadOnlyList<IRolloutReader> readers)
    {
        IRolloutReader? best = null;
        var bestScore = DetectionScore.None;
        foreach (var reader in readers)
        {
            var score = reader.Score(line);
            if (score > bestScore) (best, bestScore) = (reader, score);
        }
        return best;
    }

    /// <summary>
    /// Whether the file starts with one whole, valid JSON object: complete within the head and with nothing
    /// after it on its line; or, for a first line longer than the head, an object that starts well.
    /// </summary>
    private static bool IsWholeObject(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Encoding.UTF8.Preamble)) head = head[3..];
        var end = head.IndexOf((byte)'\n');
        var line = end < 0 ? head : head[..end];
        var reader = new Utf8JsonReader(line, isFinalBlock: end >= 0, state: default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            if (end < 0) return JsonHead.Read(head) is not null;
            if (!reader.TrySkip()) return false;
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
