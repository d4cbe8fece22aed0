using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.KimiCode;

/// <summary>A message's content as Kimi stores it: what is shown, and the model's thinking apart from it.</summary>
internal sealed record KimiContent(IReadOnlyList<ContentBlock> Blocks, IReadOnlyList<string> Thinking)
{
    public static readonly KimiContent None = new(Array.Empty<ContentBlock>(), Array.Empty<string>());

    /// <summary>The text of the text blocks, joined; empty when there is none.</summary>
    public string Text => string.Concat(Blocks.Where(b => b.Type == ContentBlockType.Text).Select(b => b.Text));
}

/// <summary>
/// Content parts of kosong, the LLM layer both CLIs share (packages/kosong): {"type": "text", "text"}, {"type": "think",
/// "think", "encrypted"?}, {"type": "image_url"} with the address in "imageUrl" (TypeScript, kimi-code) or "image_url"
/// (Python, kimi-cli), and audio_url / video_url alike. Python writes a message of one text part as a plain string
/// (kosong/message.py _serialize_content).
/// </summary>
internal static class KimiParts
{
    /// <summary>Content as a string, null, or a list of parts; a part of a type kosong does not define keeps its JSON as text, so nothing is lost.</summary>
    public static KimiContent Read(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return KimiContent.None;
            case JsonValueKind.String:
                return new KimiContent(new[] { ContentBlock.FromText(content.GetString()!) }, Array.Empty<string>());
            case JsonValueKind.Array:
                break;
            default:
                throw new FormatException($"\"content\" is {content.ValueKind}, neither text nor a list of parts.");
        }
        var blocks = new List<ContentBlock>();
        var thinking = new List<string>();
        foreach (var part in content.EnumerateArray()) Add(part, blocks, thinking);
        return new KimiContent(blocks, thinking);
    }

    /// <summary>One part on its own, as a loop event's content.part carries it.</summary>
    public static KimiContent ReadPart(JsonElement part)
    {
        var blocks = new List<ContentBlock>(1);
        var thinking = new List<string>(1);
        Add(part, blocks, thinking);
        return new KimiContent(blocks, thinking);
    }

    private static void Add(JsonElement part, List<ContentBlock> blocks, List<string> thinking)
    {
        switch (part.GetStringOrNull("type"))
        {
            case "text":
                blocks.Add(ContentBlock.FromText(part.GetTextOrEmpty("text")));
                break;
            case "think":
                // An empty think with "encrypted" is a provider's signature only: nothing readable.
                if (part.GetStringOrNull("think") is { Length: > 0 } think) thinking.Add(think);
                break;
            case "image_url" when Address(part, "imageUrl", "image_url") is { } url:
                blocks.Add(ContentBlock.FromImageUrl(url, BlobMediaType(url)));
                break;
            default:
                blocks.Add(ContentBlock.FromText(part.GetRawText()));
                break;
        }
    }

    /// <summary>
    /// Since protocol 1.3 Kimi Code moves a large inline image to the agent's blobs/ folder and writes
    /// "blobref:&lt;media type&gt;;&lt;sha256&gt;" in its place (records/blobref.ts, migration/v1.3.ts): the address is
    /// kept as written, with the media type it states.
    /// </summary>
    private static string? BlobMediaType(string url)
    {
        const string scheme = "blobref:";
        if (!url.StartsWith(scheme, StringComparison.Ordinal)) return null;
        var end = url.IndexOf(';', scheme.Length);
        return end > scheme.Length ? url[scheme.Length..end] : null;
    }

    private static string? Address(JsonElement part, string camel, string snake) =>
        part.GetPropertyOrDefault(camel).GetStringOrNull("url") ?? part.GetPropertyOrDefault(snake).GetStringOrNull("url");

    /// <summary>kosong's TokenUsage, in TypeScript's camelCase or Python's snake_case; its four counts are disjoint, as ours are.</summary>
    public static TokenUsage? Usage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object) return null;
        long Count(string camel, string snake) => usage.TryGetProperty(camel, out _) ? usage.GetInt64OrZero(camel) : usage.GetInt64OrZero(snake);
        return new TokenUsage(Count("inputOther", "input_other"), Count("output", "output"), Count("inputCacheRead", "input_cache_read"), Count("inputCacheCreation", "input_cache_creation"));
    }

    /// <summary>A time in Unix milliseconds (Kimi Code's "time" and "created_at") or seconds as a float (kimi-cli's wire "timestamp").</summary>
    public static DateTimeOffset? Time(JsonElement value) => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
        ? number > 100_000_000_000 ? UnixTime.FromSecondsOrMilliseconds((long)number) : OpenAIMessages.FromUnixSeconds(number)
        : null;
}
