using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Shared;

/// <summary>
/// Anthropic Messages content blocks as agents that keep the API's shape store them (Cline's task history, Factory
/// Droid's sessions, Amp's threads): a tool result's content, an image block and a tool call's input.
/// </summary>
internal static class AnthropicBlocks
{
    /// <summary>A tool_result's content: a string, or text and image blocks (others are no part of what the model reads back).</summary>
    public static IReadOnlyList<ContentBlock> ToolResultContent(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String) return new[] { ContentBlock.FromText(content.GetString()!) };
        if (content.ValueKind != JsonValueKind.Array) return Array.Empty<ContentBlock>();
        var blocks = new List<ContentBlock>();
        foreach (var block in content.EnumerateArray())
        {
            if (block.GetStringOrNull("type") == "text") blocks.Add(ContentBlock.FromText(block.GetTextOrEmpty("text")));
            else if (Image(block) is { } image) blocks.Add(image);
        }
        return blocks;
    }

    /// <summary>
    /// An image block: {"type": "image", "source": {"type": "base64", "media_type", "data"}} or a source with a url;
    /// null for any other block. The media type may also be spelled mediaType, in the source or beside it, as Amp's
    /// own types spell it.
    /// </summary>
    public static ContentBlock? Image(JsonElement block)
    {
        if (block.GetStringOrNull("type") != "image") return null;
        var source = block.GetPropertyOrDefault("source");
        var mediaType = source.GetStringOrNull("media_type") ?? source.GetStringOrNull("mediaType") ?? block.GetStringOrNull("mediaType");
        if (source.GetStringOrNull("data") is { } data) return ContentBlock.FromImageData(mediaType, data);
        return source.GetStringOrNull("url") is { } url ? ContentBlock.FromImageUrl(url, mediaType) : null;
    }

    /// <summary>A tool_use block's input as compact JSON, as the agent sends it (JSON.stringify); "{}" when it has none.</summary>
    public static string ToolInput(JsonElement block) =>
        block.GetPropertyOrDefault("input") is { ValueKind: not JsonValueKind.Undefined } input ? JsonText.Write(input.WriteTo) : "{}";
}
