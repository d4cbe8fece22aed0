using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>
/// What chat datasets need to say about tools: names the APIs accept, arguments that are JSON objects, and
/// a "tools" list describing each function the conversation calls, its parameters inferred from the calls.
/// </summary>
internal static partial class ToolSchemas
{
    /// <summary>API function names are [a-zA-Z0-9_-]{1,64}; other characters become underscores.</summary>
    public static string Name(string name)
    {
        var clean = InvalidNameCharacters().Replace(name, "_");
        if (clean.Length == 0) clean = "tool";
        return clean.Length > 64 ? clean[..64] : clean;
    }

    /// <summary>Arguments as a JSON object string; anything else is wrapped as {"input": …}.</summary>
    public static string Arguments(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return arguments;
        }
        catch (JsonException)
        {
            // Free-form input.
        }
        return ToolCallJson.WrapInput(arguments);
    }

    /// <summary>One function per distinct name, in order of first call; each property typed when every call agrees.</summary>
    public static void WriteTools(Utf8JsonWriter w, IEnumerable<RolloutMessage> messages)
    {
        var tools = new List<(string Name, Dictionary<string, string?> Properties)>();
        foreach (var call in messages.SelectMany(m => m.ToolCalls))
        {
            var name = Name(call.Name);
            var entry = tools.Find(t => t.Name == name);
            if (entry.Name is null)
            {
                entry = (name, new Dictionary<string, string?>(StringComparer.Ordinal));
                tools.Add(entry);
            }
            using var document = JsonDocument.Parse(Arguments(call.Arguments));
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var type = JsonType(property.Value);
                entry.Properties[property.Name] = entry.Properties.TryGetValue(property.Name, out var seen) && seen != type ? null : type;
            }
        }

        w.WriteStartArray();
        foreach (var (name, properties) in tools)
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WritePropertyName("function");
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WritePropertyName("parameters");
            w.WriteStartObject();
            w.WriteString("type", "object");
            w.WritePropertyName("properties");
            w.WriteStartObject();
            foreach (var (property, type) in properties)
            {
                w.WritePropertyName(property);
                w.WriteStartObject();
                if (type is not null) w.WriteString("type", type);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static string? JsonType(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => null,
    };

    [GeneratedRegex("[^a-zA-Z0-9_-]")]
    private static partial Regex InvalidNameCharacters();
}
