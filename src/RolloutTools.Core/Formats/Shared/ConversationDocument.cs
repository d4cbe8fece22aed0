using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Shared;

/// <summary>
/// A session kept as one JSON object that holds its conversation in one array of it (Amp's threads, Continue's
/// sessions, the Cline SDK's messages files): the file read whole, the array found, the rest left to the format.
/// </summary>
internal static class ConversationDocument
{
    /// <param name="missing">Why there is no record when the object has no such array.</param>
    /// <param name="read">Given the object, the array's items and the line each item starts on.</param>
    public static ReadResult Read(TraceSource source, DiagnosticList diagnostics, string arrayName, string missing,
        Func<JsonElement, JsonElement[], Func<int, int?>, ReadResult> read)
    {
        JsonTextDocument? document;
        using (var stream = source.Open())
        {
            document = JsonDocumentReader.Read(stream, diagnostics, JsonRoots.Object);
        }
        if (document is null) return new ReadResult(source, null, null, diagnostics.Items);
        using (document)
        {
            if (document.Root.GetPropertyOrDefault(arrayName) is not { ValueKind: JsonValueKind.Array } list)
            {
                diagnostics.NoRecord(missing);
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            return read(document.Root, list.EnumerateArray().ToArray(), index => document.ElementLine(arrayName, index));
        }
    }
}
