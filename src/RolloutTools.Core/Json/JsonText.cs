using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RolloutTools.Core.Json;

/// <summary>Writes JSON to a string through one shared set of writer options.</summary>
public static class JsonText
{
    /// <summary>
    /// Compact output that leaves non-ASCII text readable (trace content is code and prose in every language);
    /// HTML-sensitive characters are still escaped by the relaxed encoder's rules.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
