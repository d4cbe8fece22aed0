using System.Text;
using System.Text.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Json;

/// <summary>
/// A trace kept as one JSON document (a session snapshot, a trajectory), read whole as JSON lines are read one
/// by one: bounded by the same size limit, a UTF-8 byte order mark skipped, invalid UTF-8 repaired with a
/// warning, and damage reported at the line where the parser met it.
/// </summary>
public static class JsonDocumentReader
{
    /// <summary>The document, or null when it is too long or not valid JSON (an error says which, and where).</summary>
    public static JsonDocument? Read(Stream stream, DiagnosticList diagnostics)
    {
        if (stream.CanSeek && stream.Length > JsonLineReader.MaxLineBytes)
        {
            diagnostics.Error(RolloutDiagnostic.LineTooLong, null, $"the document is longer than {JsonLineReader.MaxLineBytes:N0} bytes; not read.");
            return null;
        }
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var text = new ReadOnlyMemory<byte>(copy.GetBuffer(), 0, (int)copy.Length);
        if (text.Span.StartsWith(Encoding.UTF8.Preamble)) text = text[3..];
        try
        {
            return JsonDocument.Parse(Utf8Repair.Document(text, diagnostics));
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } n ? (int)n + 1 : (int?)null;
            diagnostics.Error(RolloutDiagnostic.ParseError, line, $"not valid JSON: {e.Message}");
            return null;
        }
    }
}
