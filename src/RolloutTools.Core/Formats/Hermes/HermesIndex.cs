using System.Globalization;
using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Hermes;

/// <summary>What sessions.json says about one session.</summary>
internal sealed record HermesIndexEntry(string SessionKey)
{
    public string? DisplayName { get; init; }

    public string? Platform { get; init; }

    public string? ChatType { get; init; }

    public DateTimeOffset? Created { get; init; }

    public DateTimeOffset? Updated { get; init; }

    public TokenUsage Usage { get; init; }

    public string? CostUsd { get; init; }
}

/// <summary>
/// The gateway's routing index, sessions/sessions.json: a session key (agent:main:discord:thread:…) mapped to
/// the session it routes to. Current gateways write an object (session_id, created_at, updated_at,
/// display_name, platform, chat_type, input/output/cache token totals, estimated_cost_usd); early ones a
/// plain session id string. Read for titles and token totals of the file stores.
/// </summary>
internal sealed class HermesIndex
{
    private readonly Dictionary<string, HermesIndexEntry> _entries = new(StringComparer.Ordinal);

    public HermesIndexEntry? Find(string sessionId) => _entries.GetValueOrDefault(sessionId);

    public static Sidecar<HermesIndex> Load(string home) =>
        SidecarFile.LoadDocument(Path.Combine(home, HermesHome.SessionsFolder, HermesHome.IndexName), Read);

    private static HermesIndex Read(JsonElement root)
    {
        Expect.Object(root, "the index");
        var index = new HermesIndex();
        foreach (var property in root.EnumerateObject())
        {
            var key = property.Name;
            var value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    index._entries[value.GetString()!] = new HermesIndexEntry(key);
                    break;
                case JsonValueKind.Object:
                    if (Expect.String(value, "session_id") is not { Length: > 0 } id) break;
                    index._entries[id] = new HermesIndexEntry(Expect.String(value, "session_key") ?? key)
                    {
                        DisplayName = Expect.String(value, "display_name"),
                        Platform = Expect.String(value, "platform"),
                        ChatType = Expect.String(value, "chat_type"),
                        Created = OpenAIMessages.Timestamp(value.GetPropertyOrDefault("created_at")),
                        Updated = OpenAIMessages.Timestamp(value.GetPropertyOrDefault("updated_at")),
                        Usage = new TokenUsage(value.GetInt64OrZero("input_tokens"), value.GetInt64OrZero("output_tokens"), value.GetInt64OrZero("cache_read_tokens"), value.GetInt64OrZero("cache_write_tokens")),
                        CostUsd = value.GetPropertyOrDefault("estimated_cost_usd") is { ValueKind: JsonValueKind.Number } cost && cost.GetDouble() > 0
                            ? cost.GetDouble().ToString("0.######", CultureInfo.InvariantCulture)
                            : null,
                    };
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    throw new SidecarShapeException($"\"{key}\" is neither a session id nor a session entry");
            }
        }
        return index;
    }
}
