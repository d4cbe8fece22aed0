using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Atif;

/// <summary>
/// One ATIF file, parsed whole: a trajectory is one JSON object (pretty-printed by Harbor), so it is read as a
/// document, bounded by the line limit as one JSONL line is. The line each step starts on is kept, so a bad
/// step is reported by file and line like a bad line of JSONL.
/// </summary>
public sealed class AtifDocument : IDisposable
{
    private readonly JsonDocument _document;
    private readonly int[] _stepLines;

    private AtifDocument(JsonDocument document, int[] stepLines)
    {
        _document = document;
        _stepLines = stepLines;
    }

    public JsonElement Root => _document.RootElement;

    /// <summary>The line steps[index] starts on, when the pre-pass saw it.</summary>
    public int? StepLine(int index) => index < _stepLines.Length ? _stepLines[index] : null;

    public void Dispose() => _document.Dispose();

    /// <summary>The document, or null with an error in <paramref name="diagnostics"/> (empty, too long, not JSON, not an object).</summary>
    public static AtifDocument? Read(Stream stream, DiagnosticList diagnostics)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            // A growing file is read to where it ends now; one past the limit is refused without holding it.
            if (copy.Length + read > JsonLineReader.MaxLineBytes)
            {
                diagnostics.Error(RolloutDiagnostic.LineTooLong, null, $"the trajectory is longer than {JsonLineReader.MaxLineBytes:N0} bytes; not read.");
                return null;
            }
            copy.Write(buffer, 0, read);
        }
        var text = new ReadOnlyMemory<byte>(copy.GetBuffer(), 0, (int)copy.Length);
        if (text.Span.Trim(" \t\r\n\0"u8).IsEmpty)
        {
            diagnostics.Warn(RolloutDiagnostic.EmptyFile, null, "the file is empty; no record.");
            return null;
        }

        text = Utf8Repair.Document(text, diagnostics);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            JsonProblem.ReportInDocument(diagnostics, e, JsonProblem.EndsEarly(e) ? " (the file ends before the trajectory does: still being written, or cut off)" : string.Empty);
            return null;
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            diagnostics.Error(RolloutDiagnostic.NoUsableLines, 1, $"the file holds a JSON {document.RootElement.ValueKind}, not a trajectory object; no record.");
            document.Dispose();
            return null;
        }
        return new AtifDocument(document, StepLines(text.Span));
    }

    /// <summary>The line on which each element of the root's "steps" array begins (1-based).</summary>
    private static int[] StepLines(ReadOnlySpan<byte> text)
    {
        var lines = new List<int>();
        var reader = new Utf8JsonReader(text, new JsonReaderOptions { AllowTrailingCommas = true, MaxDepth = 256 });
        var line = 1;
        long counted = 0;
        var inSteps = false;
        try
        {
            while (reader.Read())
            {
                if (!inSteps)
                {
                    if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("steps"u8))
                    {
                        if (!reader.Read()) break;
                        if (reader.TokenType != JsonTokenType.StartArray)
                        {
                            reader.TrySkip();
                            continue;
                        }
                        inSteps = true;
                    }
                    else if (reader.CurrentDepth == 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }
                    continue;
                }
                if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == 1) break;
                var start = reader.TokenStartIndex;
                line += text[(int)counted..(int)start].Count((byte)'\n');
                counted = start;
                lines.Add(line);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }
        }
        catch (JsonException)
        {
            // The document parsed; a reader disagreement only costs line numbers.
        }
        return lines.ToArray();
    }
}
