using System.Text;
using System.Text.Json;

namespace RolloutTools.Core.Json;

/// <summary>
/// The shape of the first JSON object in a file, read from its first few kilobytes only: the top-level
/// property names and the value of "type". Enough to tell the formats apart without parsing the file;
/// a first line too long for the head (an inline image) still yields the properties before it.
/// </summary>
public sealed class JsonHead
{
    private JsonHead(HashSet<string> properties, string? type)
    {
        Properties = properties;
        Type = type;
    }

    public IReadOnlySet<string> Properties { get; }

    /// <summary>The string value of the top-level "type" property, when it comes within the head.</summary>
    public string? Type { get; }

    public bool Has(string property) => Properties.Contains(property);

    /// <summary>Null when the head does not start with a JSON object.</summary>
    public static JsonHead? Read(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Encoding.UTF8.Preamble)) head = head[3..];
        var properties = new HashSet<string>(StringComparer.Ordinal);
        string? type = null;
        var reader = new Utf8JsonReader(head, isFinalBlock: false, state: default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject) break;
                var name = reader.GetString()!;
                properties.Add(name);
                if (!reader.Read()) break;
                if (name == "type" && reader.TokenType == JsonTokenType.String) type = reader.GetString();
                else if (!reader.TrySkip()) break;
            }
        }
        catch (JsonException)
        {
            // What was read before the damage still tells the shape.
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 in a name or value: same.
        }
        return properties.Count == 0 ? null : new JsonHead(properties, type);
    }
}
