using System.Management.Automation;
using System.Text.Json;

namespace RolloutTools.TypeData;

/// <summary>
/// JSON text as PowerShell objects, shaped as ConvertFrom-Json shapes them: objects become PSCustomObjects, arrays
/// object arrays, whole numbers Int64 (else Double), so <c>$_.ArgumentsObject.command -like 'git *'</c> works.
/// Strings stay strings (ConvertFrom-Json turns date-like strings into DateTime; a command argument should not).
/// </summary>
public static class JsonObjects
{
    /// <summary>The parsed value, or null when the text is not JSON (some tools take free text as their input).</summary>
    public static object? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            return Convert(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static object? Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToPSObject(element),
        JsonValueKind.Array => element.EnumerateArray().Select(Convert).ToArray(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var whole) ? whole : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static PSObject ToPSObject(JsonElement element)
    {
        var result = new PSObject();
        foreach (var property in element.EnumerateObject())
        {
            // A name written twice (or differing only in case, which PowerShell's names do not tell apart): the last wins, as in JSON parsers generally.
            if (result.Properties[property.Name] is { } existing) existing.Value = Convert(property.Value);
            else result.Properties.Add(new PSNoteProperty(property.Name, Convert(property.Value)));
        }
        return result;
    }
}
