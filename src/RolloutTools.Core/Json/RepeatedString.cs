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

    private string? Read(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String) return null;
        for (var i = 0; i < Remembered; i++)
        {
            if (_values[i] is { } known && value.ValueEquals(_utf8[i])) return known;
        }
        var text = value.GetString()!;
        _values[_next] = text;
        _utf8[_next] = Encoding.UTF8.GetBytes(text);
        _next = (_next + 1) % Remembered;
        return text;
    }
}
