using System.Text;
using System.Text.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Json;

/// <summary>
/// A trace kept as one JSON document (a session snapshot, a trajectory) and its text, so that an element that
/// cannot be read is reported by the line it starts on, as a bad line of JSONL is.
/// </summary>
public sealed class JsonTextDocument : IDisposable
{
    private readonly JsonDocument _document;
    private readonly ReadOnlyMemory<byte> _text;
    private readonly Dictionary<string, IReadOnlyList<int>> _elementLines = new(StringComparer.Ordinal);

    internal JsonTextDocument(JsonDocument document, ReadOnlyMemory<byte> text)
    {
        _document = document;
        _text = text;
    }

    public JsonElement Root => _document.RootElement;

    /// <summary>
    /// The 1-based line on which element <paramref name="index"/> of the root's array <paramref name="property"/>
    /// starts, or of the root itself when it is an array and <paramref name="property"/> is null; worked out on first use.
    /// </summary>
    public int? ElementLine(string? property, int index)
    {
        if (!_elementLines.TryGetValue(property ?? string.Empty, out var lines)) _elementLines[property ?? string.Empty] = lines = ElementLines(_text.Span, property);
        return index < lines.Count ? lines[index] : null;
    }

    public void Dispose() => _document.Dispose();

    private static IReadOnlyList<int> ElementLines(ReadOnlySpan<byte> json, string? property)
    {
        var lines = new List<int>();
        var (counted, line) = (0, 1);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, MaxDepth = JsonDocumentReader.MaxDepth });
        try
        {
            if (property is null)
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return lines;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = (int)reader.TokenStartIndex;
                    line += json[counted..start].Count((byte)'\n');
                    counted = start;
                    lines.Add(line);
                    reader.Skip();
                }
                return lines;
            }
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return lines;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var wanted = reader.ValueTextEquals(property);
                if (!reader.Read()) break;
                if (!wanted || reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = (int)reader.TokenStartIndex;
                    line += json[counted..start].Count((byte)'\n');
                    counted = start;
                    lines.Add(line);
                    reader.Skip();
                }
                break;
            }
        }
        catch (JsonException)
        {
            // The lines found before the damage still help.
        }
        return lines;
    }
}

/// <summary>
/// Reads a whole-document trace as JSON lines are read one by one: bounded by the same size limit, a UTF-8 byte
/// order mark skipped, invalid UTF-8 repaired with a warning, and damage reported at the line where the parser
/// met it. An empty file is a warning, a root that is not an object an error.
/// </summary>
public static class JsonDocumentReader
{
    internal const int MaxDepth = 256;

    /// <summary>The document, or null with the reason in <paramref name="diagnostics"/>.</summary>
    /// <param name="roots">
    /// The kinds of root the trace may have: an object (most documents), an array (Cline's task history), or
    /// either (Gemini CLI, whose older checkpoints are a bare array).
    /// </param>
    public static JsonTextDocument? Read(Stream stream, DiagnosticList diagnostics, JsonRoots roots = JsonRoots.Object)
    {
        if (stream.CanSeek && stream.Length > JsonLineReader.MaxLineBytes) return TooLong(diagnostics);
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            // A file growing as it is read is read to where it ends now, and refused once past the limit.
            if (copy.Length + read > JsonLineReader.MaxLineBytes) return TooLong(diagnostics);
            copy.Write(buffer, 0, read);
        }
        var text = new ReadOnlyMemory<byte>(copy.GetBuffer(), 0, (int)copy.Length);
        if (text.Span.StartsWith(Encoding.UTF8.Preamble)) text = text[3..];
        if (text.Span.Trim(" \t\r\n\0"u8).IsEmpty)
        {
            diagnostics.Warn(RolloutDiagnostic.EmptyFile, null, "the file is empty; no record.");
            return null;
        }

        text = Utf8Repair.Document(text, diagnostics);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            JsonProblem.ReportInDocument(diagnostics, e, JsonProblem.EndsEarly(e) ? " (the file ends before the document does: still being written, or cut off)" : string.Empty);
            return null;
        }
        if (!roots.Allows(document.RootElement.ValueKind))
        {
            diagnostics.NoRecord($"the file holds a JSON {document.RootElement.ValueKind}, not {roots.Describe()}; no record.");
            document.Dispose();
            return null;
        }
        return new JsonTextDocument(document, text);
    }

    private static JsonTextDocument? TooLong(DiagnosticList diagnostics)
    {
        diagnostics.Error(RolloutDiagnostic.LineTooLong, null, $"the document is longer than {JsonLineReader.MaxLineBytes:N0} bytes; not read.");
        return null;
    }
}

/// <summary>The kinds of root a JSON document trace may have.</summary>
[Flags]
public enum JsonRoots
{
    Object = 1,
    Array = 2,
}

internal static class JsonRootsExtensions
{
    public static bool Allows(this JsonRoots roots, JsonValueKind kind) =>
        (kind == JsonValueKind.Object && roots.HasFlag(JsonRoots.Object)) || (kind == JsonValueKind.Array && roots.HasFlag(JsonRoots.Array));

    public static string Describe(this JsonRoots roots) => roots switch
    {
        JsonRoots.Array => "an array",
        JsonRoots.Object => "an object",
        _ => "an object or an array",
    };
}
