using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.QwenCode;

/// <summary>What one Gemini <c>Part</c> is, as the agents that speak the Gemini API store it (Gemini CLI, Qwen Code).</summary>
public enum QwenPartKind
{
    Text,
    /// <summary>A text part with <c>"thought": true</c>: the model's reasoning.</summary>
    Thought,
    FunctionCall,
    FunctionResponse,
    /// <summary>Inline data or a file reference whose MIME type is an image.</summary>
    Image,
    /// <summary>Anything else (executableCode, non-image data, a part type added later): counted by its name.</summary>
    Other,
}

/// <summary>One Gemini part, read out of its JSON so it outlives the line it came from.</summary>
public sealed record QwenPart(QwenPartKind Kind)
{
    /// <summary>The text of a text or thought part; for a function response, its output (or error) as text.</summary>
    public string? Text { get; init; }

    /// <summary>The id that ties a function call to its response; null when the writer gave none.</summary>
    public string? CallId { get; init; }

    /// <summary>The function's name, on calls and responses.</summary>
    public string? Name { get; init; }

    /// <summary>A call's arguments as a JSON object string ("{}" when it has none).</summary>
    public string? Arguments { get; init; }

    /// <summary>A function response whose payload is an error rather than an output.</summary>
    public bool IsError { get; init; }

    public ContentBlock? Image { get; init; }

    /// <summary>For <see cref="QwenPartKind.Other"/>, the part's first property name (its type).</summary>
    public string? OtherType { get; init; }
}

/// <summary>
/// Reads a Gemini <c>Content.parts</c> array (google/genai <c>Part</c>: text, thought, functionCall,
/// functionResponse, inlineData, fileData). Text of the wrong JSON type throws (FormatException), so the line
/// that holds it is reported rather than its words lost.
/// </summary>
public static class QwenParts
{
    public static IReadOnlyList<QwenPart> Read(JsonElement parts)
    {
        if (parts.ValueKind != JsonValueKind.Array) return Array.Empty<QwenPart>();
        var read = new List<QwenPart>(parts.GetArrayLength());
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.String)
            {
                // PartListUnion allows a bare string where a part is expected.
                read.Add(new QwenPart(QwenPartKind.Text) { Text = part.GetString() });
                continue;
            }
            if (part.ValueKind != JsonValueKind.Object) continue;
            if (ReadPart(part) is { } one) read.Add(one);
        }
        return read;
    }

    /// <summary>
    /// The text and image parts as content blocks. Adjacent text parts become one block, joined as they were
    /// written: the API concatenates parts, and writers split one text across several (an @file expansion).
    /// </summary>
    public static IReadOnlyList<ContentBlock> Blocks(IEnumerable<QwenPart> parts)
    {
        var blocks = new List<ContentBlock>();
        var text = new System.Text.StringBuilder();
        var inText = false;
        foreach (var part in parts)
        {
            if (part.Kind == QwenPartKind.Text)
            {
                text.Append(part.Text);
                inText = true;
            }
            else if (part.Kind == QwenPartKind.Image)
            {
                Flush();
                blocks.Add(part.Image!);
            }
        }
        Flush();
        return blocks;

        void Flush()
        {
            if (inText && text.Length > 0) blocks.Add(ContentBlock.FromText(text.ToString()));
            text.Clear();
            inText = false;
        }
    }

    /// <summary>The text of a function response's payload: its "output", else its "error", else the payload as JSON.</summary>
    public static (string Text, bool IsError) ResponseText(JsonElement response)
    {
        if (response.ValueKind == JsonValueKind.String) return (response.GetString()!, false);
        if (response.ValueKind != JsonValueKind.Object) return (response.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? string.Empty : response.GetRawText(), false);
        if (response.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.String) return (output.GetString()!, false);
        if (response.TryGetProperty("error", out var error))
        {
            return (error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText(), true);
        }
        if (response.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String) return (content.GetString()!, false);
        return (response.GetRawText(), false);
    }

    private static QwenPart? ReadPart(JsonElement part)
    {
        if (part.TryGetProperty("functionCall", out var call) && call.ValueKind == JsonValueKind.Object)
        {
            var args = call.GetPropertyOrDefault("args");
            return new QwenPart(QwenPartKind.FunctionCall)
            {
                CallId = call.GetIdOrNull("id") ?? call.GetIdOrNull("callId"),
                Name = call.GetStringOrNull("name") ?? string.Empty,
                Arguments = args.ValueKind == JsonValueKind.Object ? args.GetRawText() : args.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? "{}" : args.GetRawText(),
            };
        }
        if (part.TryGetProperty("functionResponse", out var response) && response.ValueKind == JsonValueKind.Object)
        {
            var (text, isError) = ResponseText(response.GetPropertyOrDefault("response"));
            return new QwenPart(QwenPartKind.FunctionResponse)
            {
                CallId = response.GetIdOrNull("id") ?? response.GetIdOrNull("callId"),
                Name = response.GetStringOrNull("name"),
                Text = text,
                IsError = isError,
            };
        }
        if (part.TryGetProperty("text", out _))
        {
            var text = part.GetTextOrEmpty("text");
            return new QwenPart(part.GetBool("thought") ? QwenPartKind.Thought : QwenPartKind.Text) { Text = text };
        }
        if (part.TryGetProperty("inlineData", out var inline) && inline.ValueKind == JsonValueKind.Object)
        {
            var mime = inline.GetStringOrNull("mimeType");
            var data = inline.GetStringOrNull("data");
            return IsImage(mime) && data is not null
                ? new QwenPart(QwenPartKind.Image) { Image = ContentBlock.FromImageData(mime, data) }
                : new QwenPart(QwenPartKind.Other) { OtherType = "inlineData" };
        }
        if (part.TryGetProperty("fileData", out var file) && file.ValueKind == JsonValueKind.Object)
        {
            var mime = file.GetStringOrNull("mimeType");
            var uri = file.GetStringOrNull("fileUri");
            return IsImage(mime) && uri is not null
                ? new QwenPart(QwenPartKind.Image) { Image = ContentBlock.FromImageUrl(uri, mime) }
                : new QwenPart(QwenPartKind.Other) { OtherType = "fileData" };
        }
        // A part that only carries a thought signature (the model's opaque reasoning state) says nothing readable.
        if (part.TryGetProperty("thoughtSignature", out _) || part.GetBool("thought")) return null;
        foreach (var property in part.EnumerateObject()) return new QwenPart(QwenPartKind.Other) { OtherType = property.Name };
        return null;
    }

    private static bool IsImage(string? mime) => mime is not null && mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase);
}
