using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Atif;

/// <summary>
/// ATIF message and observation content: a string, or (v1.6 on) a list of content parts, text or an image
/// given by path ({type: "image", source: {media_type, path}}). Images stay images, by address: the file is
/// never read, so a trajectory cannot make the reader open another file.
/// </summary>
internal static class AtifContent
{
    /// <summary>The blocks, and how many parts had a type no version defines (their text, if any, is kept).</summary>
    /// <param name="folder">The trajectory's folder: a relative image path is resolved against it, as Harbor writes them.</param>
    public static (IReadOnlyList<ContentBlock> Blocks, int UnknownParts) Read(JsonElement value, string name, string? folder)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return (Array.Empty<ContentBlock>(), 0);
            case JsonValueKind.String:
                var text = value.GetString()!;
                return (text.Length == 0 ? Array.Empty<ContentBlock>() : new[] { ContentBlock.FromText(text) }, 0);
            case JsonValueKind.Array:
                var blocks = new List<ContentBlock>();
                var unknown = 0;
                foreach (var part in value.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.String)
                    {
                        // Not in any version, but plainly text.
                        if (part.GetString() is { Length: > 0 } loose) blocks.Add(ContentBlock.FromText(loose));
                        continue;
                    }
                    switch (part.GetStringOrNull("type"))
                    {
                        case "text":
                            if (part.GetTextOrEmpty("text") is { Length: > 0 } partText) blocks.Add(ContentBlock.FromText(partText));
                            break;
                        case "image":
                            var source = part.GetPropertyOrDefault("source");
                            var path = source.GetStringOrNull("path") ?? source.GetStringOrNull("url");
                            if (path is null) throw new FormatException($"an image part of \"{name}\" has no source path.");
                            blocks.Add(ContentBlock.FromImageUrl(ImageAddress(path, folder), source.GetStringOrNull("media_type")));
                            break;
                        default:
                            unknown++;
                            if (part.GetStringOrNull("text") is { Length: > 0 } other) blocks.Add(ContentBlock.FromText(other));
                            break;
                    }
                }
                return (blocks, unknown);
            default:
                throw new FormatException($"\"{name}\" is {value.ValueKind}, not text or content parts.");
        }
    }

    /// <summary>
    /// A URL (any scheme), a data: URL and a rooted path stay as written; a relative path, which Harbor writes
    /// relative to the trajectory file, becomes the full path beside it, so the image can be found later.
    /// </summary>
    private static string ImageAddress(string path, string? folder)
    {
        if (folder is null || path.Contains("://", StringComparison.Ordinal) || path.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || Path.IsPathRooted(path))
        {
            return path;
        }
        try
        {
            return Path.GetFullPath(Path.Combine(folder, path));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path;
        }
    }

    /// <summary>
    /// Harbor's Claude Code converter writes the Anthropic content blocks it does not take apart as their JSON
    /// (json.dumps), one per paragraph: a tool result's list content (a Task's report, an MCP tool's text), and
    /// until early 2026 the text blocks of a user turn. Such paragraphs are read as the text or image they hold;
    /// every other paragraph stays as written.
    /// </summary>
    public static IReadOnlyList<ContentBlock> ReadDumpedBlocks(IReadOnlyList<ContentBlock> blocks)
    {
        if (!blocks.Any(b => b.Type == ContentBlockType.Text && b.Text!.Contains("{\"type\": ", StringComparison.Ordinal))) return blocks;
        var read = new List<ContentBlock>();
        var kept = new List<string>();
        void KeepWritten()
        {
            if (kept.Count > 0) read.Add(ContentBlock.FromText(string.Join("\n\n", kept)));
            kept.Clear();
        }
        foreach (var block in blocks)
        {
            if (block.Type != ContentBlockType.Text)
            {
                read.Add(block);
                continue;
            }
            foreach (var paragraph in block.Text!.Split("\n\n"))
            {
                if (DumpedBlock(paragraph) is not { } dumped)
                {
                    kept.Add(paragraph);
                    continue;
                }
                KeepWritten();
                if (dumped.Type != ContentBlockType.Text || dumped.Text!.Length > 0) read.Add(dumped);
            }
            KeepWritten();
        }
        return read;
    }

    private static ContentBlock? DumpedBlock(string paragraph)
    {
        if (!paragraph.StartsWith('{') || !paragraph.EndsWith('}')) return null;
        try
        {
            using var document = JsonDocument.Parse(paragraph);
            var block = document.RootElement;
            return block.GetStringOrNull("type") switch
            {
                "text" when block.GetStringOrNull("text") is { } text => ContentBlock.FromText(text),
                "image" => AnthropicBlocks.Image(block),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Any JSON value as compact JSON text.</summary>
    public static string Compact(JsonElement value) => JsonText.Write(value.WriteTo);

    /// <summary>
    /// Tool arguments as a JSON object string: ATIF writes an object; a string holding JSON is taken as that JSON,
    /// other text as free-form input ({"input": …}), as elsewhere in the module.
    /// </summary>
    public static string Arguments(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => Compact(value),
        JsonValueKind.Undefined or JsonValueKind.Null => "{}",
        JsonValueKind.String => ParsedObject(value.GetString()!) ?? ToolCallJson.WrapInput(value.GetString()!),
        _ => JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("input");
            value.WriteTo(w);
            w.WriteEndObject();
        }),
    };

    private static string? ParsedObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? Compact(document.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
