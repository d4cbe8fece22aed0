using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Json;

/// <summary>One JSON value read from a JSONL stream. Valid only until the reader moves on.</summary>
public readonly record struct JsonLine(int LineNumber, JsonElement Root);

/// <summary>
/// Reads what a format needs of a line straight from its bytes, before any document is built, when the line is one it
/// can take so; false leaves the line to be parsed and handed over as usual, and reported there if it is damaged.
/// </summary>
public delegate bool LineShortcut(ReadOnlySpan<byte> line);

/// <summary>
/// Splits a JSONL stream into JSON values, the way agents actually write them: a UTF-8 BOM and CRLF are
/// tolerated, two objects glued on one line (an append to a file that lacked its final newline) are both
/// read, a half-written last line (the agent is still writing) is a warning, invalid UTF-8 is repaired
/// with U+FFFD rather than losing the line, and any other bad line is reported and skipped.
/// Lines are parsed in place from one pooled buffer; each document is disposed when the caller moves on.
/// </summary>
public static class JsonLineReader
{
    private const int InitialBufferSize = 64 * 1024;

    /// <summary>
    /// The longest line read, in bytes: far above any real trace line (a pasted image is a few megabytes), low
    /// enough that a file without newlines (a disk image, a stream of zeros) never costs gigabytes of memory.
    /// </summary>
    public const int MaxLineBytes = 256 * 1024 * 1024;

    /// <summary>
    /// What a well-formed line can still throw when its values are read: a lone surrogate escape in a string
    /// (a JavaScript writer cut a string mid-emoji), a number out of range. Readers skip such a line and report it.
    /// </summary>
    public static bool IsUnreadableValue(Exception e) => e is InvalidOperationException or FormatException or OverflowException or ArgumentException;

    /// <summary>
    /// Hands each line to <paramref name="add"/>. A line whose values cannot be read as the format means them
    /// (<see cref="IsUnreadableValue"/>) is reported with its number and skipped, and reading goes on.
    /// </summary>
    /// <param name="only">When given, lines holding none of these markers are passed over unparsed, and unreported if damaged.</param>
    /// <param name="shortcut">When given, offered each line (valid UTF-8, trimmed) before it is parsed.</param>
    public static void ReadEach(Stream stream, DiagnosticList diagnostics, Action<JsonLine> add, CancellationToken cancellation = default, LineMarkers? only = null, LineShortcut? shortcut = null)
    {
        foreach (var line in Read(stream, diagnostics, MaxLineBytes, cancellation, only, shortcut))
        {
            try
            {
                add(line);
            }
            catch (Exception e) when (IsUnreadableValue(e))
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, $"a value could not be read, line skipped: {e.Message}");
            }
        }
    }

    public static IEnumerable<JsonLine> Read(Stream stream, DiagnosticList diagnostics, CancellationToken cancellation = default) =>
        Read(stream, diagnostics, MaxLineBytes, cancellation);

    /// <param name="maxLineBytes">A longer line is reported and skipped; tests pass a small one.</param>
    internal static IEnumerable<JsonLine> Read(Stream stream, DiagnosticList diagnostics, int maxLineBytes, CancellationToken cancellation = default, LineMarkers? only = null, LineShortcut? shortcut = null)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferSize, maxLineBytes + 1));
        try
        {
            int start = 0, end = 0, lineNumber = 0;
            var endOfStream = false;
            var firstLine = true;
            var discarding = false;
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (discarding)
                {
                    // The rest of an over-long line: drop it as it comes, without keeping it.
                    if (newline >= 0)
                    {
                        start += newline + 1;
                        discarding = false;
                        continue;
                    }
                    start = end = 0;
                    if (endOfStream) break;
                    var more = stream.Read(buffer, 0, buffer.Length);
                    if (more == 0) endOfStream = true;
                    end = more;
                    continue;
                }
                if ((newline < 0 ? end - start : newline) > maxLineBytes)
                {
                    lineNumber++;
                    firstLine = false;
                    diagnostics.Error(RolloutDiagnostic.LineTooLong, lineNumber, $"the line is longer than {maxLineBytes:N0} bytes, line skipped.");
                    if (newline >= 0) start += newline + 1;
                    else discarding = true;
                    continue;
                }
                if (newline < 0 && !endOfStream)
                {
                    // Move the partial line to the front, grow if a single line fills the buffer, and read on.
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    if (end == buffer.Length)
                    {
                        // One byte over the limit is enough to tell a line is too long.
                        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, maxLineBytes + 1L));
                        Buffer.BlockCopy(buffer, 0, bigger, 0, end);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    var read = stream.Read(buffer, end, buffer.Length - end);
                    if (read == 0) endOfStream = true;
                    end += read;
                    continue;
                }
                if (newline < 0 && start == end) break;

                var hasNewline = newline >= 0;
                var length = hasNewline ? newline : end - start;
                var lineStart = start;
                start += hasNewline ? length + 1 : length;
                lineNumber++;

                var line = new ReadOnlyMemory<byte>(buffer, lineStart, length);
                if (firstLine)
                {
                    firstLine = false;
                    if (line.Span.StartsWith(Encoding.UTF8.Preamble)) line = line[3..];
                }
                line = TrimWhitespace(line);
                if (line.IsEmpty || (only is not null && !only.AnyIn(line.Span))) continue;
                if (line.Span[0] == 0 || line.Span[^1] == 0)
                {
                    line = TrimNul(line, lineNumber, diagnostics);
                    if (line.IsEmpty) continue;
                }

                // The bytes trimmed off the front (a BOM, blanks, NULs), so a column counts from the file's line.
                var lead = MemoryMarshal.TryGetArray(line, out var trimmed) ? trimmed.Offset - lineStart : 0;
                line = Utf8Repair.Line(line, diagnostics, lineNumber);
                if (shortcut is not null && shortcut(line.Span)) continue;

                // The common case is one value per line, parsed in one pass with nothing else allocated. Only when
                // that fails is the line walked value by value, to recover glued objects and report the damage.
                if (TryParse(line, out var whole, out _))
                {
                    using (whole)
                    {
                        if (IsObject(whole!, lineNumber, diagnostics)) yield return new JsonLine(lineNumber, whole!.RootElement);
                    }
                    continue;
                }
                foreach (var value in SplitValues(line, lineNumber, lead, isLastLine: !hasNewline, diagnostics))
                {
                    using var document = value;
                    if (IsObject(document, lineNumber, diagnostics)) yield return new JsonLine(lineNumber, document.RootElement);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Every trace line is an object; a bare number, string or array is damage, reported and skipped.</summary>
    private static bool IsObject(JsonDocument document, int lineNumber, DiagnosticList diagnostics)
    {
        if (document.RootElement.ValueKind == JsonValueKind.Object) return true;
        diagnostics.Error(RolloutDiagnostic.ParseError, lineNumber, $"not a JSON object but {document.RootElement.ValueKind}, line skipped.");
        return false;
    }

    /// <summary>
    /// A line that did not parse as one value: walked value by value, to recover objects glued together (an
    /// append to a file that lacked its final newline) and report exactly where the damage is.
    /// </summary>
    private static List<JsonDocument> SplitValues(ReadOnlyMemory<byte> line, int lineNumber, int lead, bool isLastLine, DiagnosticList diagnostics)
    {
        var values = new List<JsonDocument>(2);
        var offset = 0;
        while (offset < line.Length)
        {
            var rest = line[offset..];
            var reader = new Utf8JsonReader(rest.Span, isFinalBlock: true, state: new JsonReaderState(new JsonReaderOptions { MaxDepth = JsonDocumentReader.MaxDepth }));
            JsonException? problem = null;
            try
            {
                reader.Read();
                reader.Skip();
            }
            catch (JsonException e)
            {
                problem = e;
            }
            if (problem is null && TryParse(rest[..(int)reader.BytesConsumed], out var document, out problem))
            {
                values.Add(document!);
                offset += (int)reader.BytesConsumed;
                offset += LeadingWhitespace(line.Span[offset..]);
                continue;
            }
            if (isLastLine)
            {
                diagnostics.Warn(RolloutDiagnostic.TruncatedLine, lineNumber, "the last line is incomplete (the agent may still be writing); it was skipped.");
            }
            else
            {
                JsonProblem.ReportInLine(diagnostics, problem!, lineNumber, lead + offset, "The line was skipped.");
            }
            break;
        }
        return values;
    }

    /// <summary>
    /// Lines nest as deep as whole documents do: a line can be a whole session (VS Code's chat log starts with one)
    /// or hold a tool's result tree, well past the parser's default of 64 levels.
    /// </summary>
    private static readonly JsonDocumentOptions LineOptions = new() { MaxDepth = JsonDocumentReader.MaxDepth };

    private static bool TryParse(ReadOnlyMemory<byte> json, out JsonDocument? document, out JsonException? problem)
    {
        try
        {
            document = JsonDocument.Parse(json, LineOptions);
            problem = null;
            return true;
        }
        catch (JsonException e)
        {
            document = null;
            problem = e;
            return false;
        }
    }

    /// <summary>
    /// NUL bytes are never text: a file preallocated and not written to the end (a crash, a full disk, a copy
    /// cut short) holds runs of them, where an append may follow. They are skipped around the line's JSON.
    /// </summary>
    private static ReadOnlyMemory<byte> TrimNul(ReadOnlyMemory<byte> line, int lineNumber, DiagnosticList diagnostics)
    {
        var span = line.Span;
        var first = span.IndexOfAnyExcept((byte)0);
        if (first < 0)
        {
            diagnostics.Error(RolloutDiagnostic.ParseError, lineNumber, $"not text but {line.Length:N0} NUL bytes (a file not written to the end), line skipped.");
            return ReadOnlyMemory<byte>.Empty;
        }
        var last = span.LastIndexOfAnyExcept((byte)0);
        diagnostics.Warn(RolloutDiagnostic.NulBytes, lineNumber, $"{line.Length - (last + 1 - first):N0} NUL bytes around the line (a file not written to the end) were skipped.");
        return TrimWhitespace(line[first..(last + 1)]);
    }

    private static ReadOnlyMemory<byte> TrimWhitespace(ReadOnlyMemory<byte> line)
    {
        var span = line.Span;
        var first = LeadingWhitespace(span);
        var last = span.Length;
        while (last > first && IsWhitespace(span[last - 1])) last--;
        return line[first..last];
    }

    private static int LeadingWhitespace(ReadOnlySpan<byte> span)
    {
        var i = 0;
        while (i < span.Length && IsWhitespace(span[i])) i++;
        return i;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
