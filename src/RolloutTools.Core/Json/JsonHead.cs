using System.Text;
using System.Text.Json;

namespace RolloutTools.Core.Json;

/// <summary>
/// The shape of the first JSON object in a file, read from its first few kilobytes only: the top-level
/// property names, the value of "type", and the property names of a "message" object (agents that share
/// an envelope differ inside it). Enough to tell the formats apart without parsing the file; a first line
/// too long for the head (an inline image) still yields the properties before it.
/// </summary>
public sealed class JsonHead
{
    private JsonHead(HashSet<string> properties, string? type, HashSet<string> messageProperties, Dictionary<string, string> strings)
    {
        Properties = properties;
        Type = type;
        MessageProperties = messageProperties;
        _strings = strings;
    }

    private readonly Dictionary<string, string> _strings;

    public IReadOnlySet<string> Properties { get; }

    /// <summary>The property names of the top-level "message" object, when there is one within the head.</summary>
    public IReadOnlySet<string> MessageProperties { get; }

    /// <summary>The string value of the top-level "type" property, when it comes within the head.</summary>
    public string? Type { get; }

    public bool Has(string property) => Properties.Contains(property);

    /// <summary>The value of a top-level string property that comes within the head (ATIF's "schema_version").</summary>
    public string? String(string property) => _strings.TryGetValue(property, out var value) ? value : null;

    /// <summary>Null when the head does not start with a JSON object.</summary>
    public static JsonHead? Read(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Encoding.UTF8.Preamble)) head = head[3..];
        var properties = new HashSet<string>(StringComparer.Ordinal);
        var message = new HashSet<string>(StringComparer.Ordinal);
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
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
                if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= 256)
                {
                    // Short values only: a long prompt is not what tells a format.
                    strings[name] = reader.GetString()!;
                    if (name == "type") type = strings[name];
                }
                else if (name == "type" && reader.TokenType == JsonTokenType.String) type = reader.GetString();
                else if (name == "message" && reader.TokenType == JsonTokenType.StartObject)
                {
                    if (!ReadNames(ref reader, message)) break;
                }
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
        return properties.Count == 0 ? null : new JsonHead(properties, type, message, strings);
    }

    /// <summary>
    /// The names of one object's properties, its values skipped; false when the head ends inside it, so that
    /// nothing nested is taken for a top-level property.
    /// </summary>
    private static bool ReadNames(ref Utf8JsonReader reader, HashSet<string> names)
    {
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject) return true;
            names.Add(reader.GetString()!);
            if (!reader.Read() || !reader.TrySkip()) return false;
        }
        return false;
    }
}
