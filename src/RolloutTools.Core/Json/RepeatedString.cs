using System.Text;
using System.Text.Json;

namespace RolloutTools.Core.Json;

/// <summary>
/// One string field that most lines of a trace repeat (a record type, a session id, a folder): compared as UTF-8
/// with the few values lines before it had, and allocated only when it is new, so counting thousands of bookkeeping
/// lines allocates nothing for them. One instance per field and per file; not thread-safe.
/// </summary>
internal sealed class RepeatedString
{
    // Enough for the record types a run of lines alternates between (user, assistant, progress, system).
    private const int Remembered = 4;
    private readonly string?[] _values = new string?[Remembered];
    private readonly byte[][] _utf8 = new byte[Remembered][];
    private int _next;

    /// <summary>The property's value when it is a string, else null (as GetStringOrNull).</summary>
    public string? Read(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? Read(value) : null;

    /// <summary>An identifier: a string, or a number taken as its digits (as GetIdOrNull).</summary>
    public string? ReadId(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Read(value)
            : null;

    /// <summary>The reader's string value, read as <see cref="Read(JsonElement, string)"/> reads a property's.</summary>
    public string? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) return null;
        for (var i = 0; i < Remembered; i++)
        {
            if (_values[i] is { } known && reader.ValueTextEquals(_utf8[i])) return known;
        }
        return Remember(reader.GetString()!);
    }

    /// <summary>The reader's value as an identifier, read as <see cref="ReadId(JsonElement, string)"/> reads a property's.</summary>
    public string? ReadId(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number ? Encoding.UTF8.GetString(reader.ValueSpan) : Read(ref reader);

    private string? Read(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String) return null;
        for (var i = 0; i < Remembered; i++)
        {
            if (_values[i] is { } known && value.ValueEquals(_utf8[i])) return known;
        }
        return Remember(value.GetString()!);
    }

    private string Remember(string text)
    {
        _values[_next] = text;
        _utf8[_next] = Encoding.UTF8.GetBytes(text);
        _next = (_next + 1) % Remembered;
        return text;
    }
}
