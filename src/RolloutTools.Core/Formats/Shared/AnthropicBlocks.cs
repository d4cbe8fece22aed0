using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Shared;

/// <summary>
/// Anthropic Messages content blocks as agents that keep the API's shape store them (Cline's task history, Factory
/// Droid's sessions): a tool result's content and an image block.
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

    /// <summary>An image block: {"type": "image", "source": {"type": "base64", "media_type", "data"}} or a source with a url; null for any other block.</summary>
    public static ContentBlock? Image(JsonElement block)
    {
        if (block.GetStringOrNull("type") != "image") return null;
        var source = block.GetPropertyOrDefault("source");
        if (source.GetStringOrNull("data") is { } data) return ContentBlock.FromImageData(source.GetStringOrNull("media_type"), data);
        return source.GetStringOrNull("url") is { } url ? ContentBlock.FromImageUrl(url) : null;
    }
}
