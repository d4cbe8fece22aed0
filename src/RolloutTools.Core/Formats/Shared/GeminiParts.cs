using System.Globalization;
using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Shared;

/// <summary>What one Gemini API <c>Part</c> is, as far as a conversation cares.</summary>
public enum GeminiPartKind
{
    /// <summary>Visible text; also what an unknown part becomes when it has text.</summary>
    Text,
    /// <summary>A thought summary (<c>{"text", "thought": true}</c>): reasoning, not answer.</summary>
    Thought,
    /// <summary>An inline image or a file given by address.</summary>
    Image,
    /// <summary><c>functionCall {id?, name, args}</c>.</summary>
    FunctionCall,
    /// <summary><c>functionResponse {id?, name, response, parts?}</c>.</summary>
    FunctionResponse,
    /// <summary>A part with nothing readable for a conversation (video metadata, code execution, empty).</summary>
    Other,
}

/// <summary>One part, read. Content holds the text or image blocks it shows (a function response's output, too).</summary>
public sealed record GeminiPart(GeminiPartKind Kind, IReadOnlyList<ContentBlock> Content)
{
    /// <summary>A function call's or response's id; absent in older sessions and in checkpoints.</summary>
    public string? CallId { get; init; }

    /// <summary>A function call's or response's name.</summary>
    public string? Name { get; init; }

    /// <summary>A function call's arguments as JSON text ("{}" when none).</summary>
    public string? Arguments { get; init; }

    /// <summary>A function response that reports failure (its response object has "error" and no "output").</summary>
    public bool IsError { get; init; }

    /// <summary>The part's own name for an Other part (its first property), to count.</summary>
    public string? OtherType { get; init; }
}

/// <summary>
/// Reads Gemini API content (<c>PartListUnion</c>: a string, one Part, or a list of Parts and strings) as
/// Gemini CLI and its forks store it: text, thought summaries, inline images, function calls and their
/// responses. Shared by the Gemini CLI and Qwen Code readers.
/// </summary>
public static class GeminiParts
{
    /// <summary>Every part of a PartListUnion, in order; nothing for null or absent content.</summary>
    public static IReadOnlyList<GeminiPart> Read(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return Array.Empty<GeminiPart>();
            case JsonValueKind.String:
                return new[] { Text(content.GetString()!) };
            case JsonValueKind.Object:
                return new[] { ReadPart(content) };
            case JsonValueKind.Array:
                var parts = new List<GeminiPart>();
                foreach (var item in content.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String) parts.Add(Text(item.GetString()!));
                    else if (item.ValueKind == JsonValueKind.Object) parts.Add(ReadPart(item));
                    else if (item.ValueKind != JsonValueKind.Null) throw new FormatException($"a content part is {item.ValueKind}, not a part.");
                }
                return parts;
            default:
                throw new FormatException($"content is {content.ValueKind}, not text or parts.");
        }
    }

    /// <summary>The text and image blocks of parts, thoughts and function parts left out.</summary>
    public static IReadOnlyList<ContentBlock> Visible(IEnumerable<GeminiPart> parts) =>
        parts.Where(p => p.Kind is GeminiPartKind.Text or GeminiPartKind.Image).SelectMany(p => p.Content).ToArray();

    /// <summary>Text parts joined as Gemini CLI joins them to show a message (no separator).</summary>
    public static string JoinText(IEnumerable<GeminiPart> parts) =>
        string.Concat(parts.Where(p => p.Kind == GeminiPartKind.Text).SelectMany(p => p.Content).Select(b => b.Text));

    public static GeminiPart ReadPart(JsonElement part)
    {
        if (part.TryGetProperty("functionCall", out var call) && call.ValueKind == JsonValueKind.Object)
        {
            return new GeminiPart(GeminiPartKind.FunctionCall, Array.Empty<ContentBlock>())
            {
                CallId = call.GetIdOrNull("id"),
                Name = call.GetStringOrNull("name") ?? string.Empty,
                Arguments = Arguments(call.GetPropertyOrDefault("args")),
            };
        }
        if (part.TryGetProperty("functionResponse", out var response) && response.ValueKind == JsonValueKind.Object)
        {
            return Response(response);
        }
        if (part.TryGetProperty("text", out var text) && text.ValueKind != JsonValueKind.Null)
        {
            if (text.ValueKind != JsonValueKind.String) throw new FormatException($"\"text\" is {text.ValueKind}, not text.");
            var value = text.GetString()!;
            return IsThought(part) ? new GeminiPart(GeminiPartKind.Thought, new[] { ContentBlock.FromText(value) }) : Text(value);
        }
        if (part.GetPropertyOrDefault("inlineData") is { ValueKind: JsonValueKind.Object } inline)
        {
            var mime = inline.GetStringOrNull("mimeType");
            var data = inline.GetStringOrNull("data") ?? string.Empty;
            return mime is not null && mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
                ? new GeminiPart(GeminiPartKind.Image, new[] { ContentBlock.FromImageData(mime, data) })
                : Text(Placeholder(mime, data.Length));
        }
        if (part.GetPropertyOrDefault("fileData") is { ValueKind: JsonValueKind.Object } file && file.GetStringOrNull("fileUri") is { } uri)
        {
            var mime = file.GetStringOrNull("mimeType");
            return mime is not null && mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
                ? new GeminiPart(GeminiPartKind.Image, new[] { ContentBlock.FromImageUrl(uri, mime) })
                : Text($"[file {uri}]");
        }
        var first = part.EnumerateObject().Select(p => p.Name).FirstOrDefault();
        return new GeminiPart(GeminiPartKind.Other, Array.Empty<ContentBlock>()) { OtherType = first ?? "(empty)" };
    }

    /// <summary>
    /// A function response: its output as text ("output" as written; otherwise "error", marked as failure;
    /// otherwise the response object's JSON), then the images of its multimodal "parts".
    /// </summary>
    private static GeminiPart Response(JsonElement response)
    {
        var body = response.GetPropertyOrDefault("response");
        var isError = false;
        string? output = null;
        if (body.ValueKind == JsonValueKind.Object)
        {
            if (body.TryGetProperty("output", out var o)) output = Raw(o);
            else if (body.TryGetProperty("error", out var e)) (output, isError) = (Raw(e), true);
            else output = body.GetRawText();
        }
        else if (body.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null)) output = Raw(body);
        var blocks = new List<ContentBlock>();
        if (!string.IsNullOrEmpty(output)) blocks.Add(ContentBlock.FromText(output));
        if (response.GetPropertyOrDefault("parts") is { ValueKind: JsonValueKind.Array } nested)
        {
            foreach (var inner in Read(nested)) blocks.AddRange(inner.Content);
        }
        return new GeminiPart(GeminiPartKind.FunctionResponse, blocks)
        {
            CallId = response.GetIdOrNull("id"),
            Name = response.GetStringOrNull("name") ?? string.Empty,
            IsError = isError,
        };
    }

    /// <summary>"thought": true marks a thought summary; Gemini CLI's own check is truthiness, so a string counts too.</summary>
    private static bool IsThought(JsonElement part) => part.GetPropertyOrDefault("thought") switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.String } s => s.GetString()!.Length > 0,
        _ => false,
    };

    /// <summary>Arguments as compact JSON (a pretty-printed file indents them), a string as it is, none as "{}".</summary>
    public static string Arguments(JsonElement args)
    {
        if (args.ValueKind is JsonValueKind.String or JsonValueKind.Undefined or JsonValueKind.Null) return OpenAIMessages.Arguments(args);
        return JsonText.Write(args.WriteTo);
    }

    private static string Raw(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static GeminiPart Text(string text) => new(GeminiPartKind.Text, new[] { ContentBlock.FromText(text) });

    /// <summary>Non-image inline data (audio, a PDF) as Gemini CLI names it in text: "[application/pdf, 12.3 KB]".</summary>
    private static string Placeholder(string? mime, int base64Length) =>
        string.Create(CultureInfo.InvariantCulture, $"[{mime ?? "inline data"}, {Math.Ceiling(base64Length * 3 / 4.0) / 1024:0.0} KB]");
}
