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

    /// <summary>The words of a text or thought part; null for other kinds.</summary>
    public string? Text => Kind is GeminiPartKind.Text or GeminiPartKind.Thought ? Content[0].Text : null;
}

/// <summary>
/// Reads Gemini API content (<c>PartListUnion</c>: a string, one Part, or a list of Parts and strings) as
/// Gemini CLI and its forks store it: text, thought summaries, inline images, function calls and their
/// responses. Shared by the Gemini CLI and Qwen Code readers. Text of the wrong JSON type throws
/// (FormatException), so the line that holds it is reported rather than its words lost.
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
                return ReadPart(content) is { } one ? new[] { one } : Array.Empty<GeminiPart>();
            case JsonValueKind.Array:
                var parts = new List<GeminiPart>(content.GetArrayLength());
                foreach (var item in content.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String) parts.Add(Text(item.GetString()!));
                    else if (item.ValueKind == JsonValueKind.Object)
                    {
                        if (ReadPart(item) is { } part) parts.Add(part);
                    }
                    else if (item.ValueKind != JsonValueKind.Null) throw new FormatException($"a content part is {item.ValueKind}, not a part.");
                }
                return parts;
            default:
                throw new FormatException($"content is {content.ValueKind}, not text or parts.");
        }
    }

    /// <summary>
    /// The text and image parts as content blocks (thoughts and function parts left out), adjacent text parts
    /// joined into one block as they were written: the API concatenates parts, and Gemini CLI and Qwen Code split
    /// one prompt across several (an @file expansion).
    /// </summary>
    public static IReadOnlyList<ContentBlock> Blocks(IEnumerable<GeminiPart> parts)
    {
        var blocks = new List<ContentBlock>();
        var text = new System.Text.StringBuilder();
        foreach (var part in parts)
        {
            if (part.Kind == GeminiPartKind.Text) text.Append(part.Text);
            else if (part.Kind == GeminiPartKind.Image)
            {
                Flush();
                blocks.AddRange(part.Content);
            }
        }
        Flush();
        return blocks;

        void Flush()
        {
            if (text.Length > 0) blocks.Add(ContentBlock.FromText(text.ToString()));
            text.Clear();
        }
    }

    /// <summary>Text parts joined as Gemini CLI joins them to show a message (no separator).</summary>
    public static string JoinText(IEnumerable<GeminiPart> parts) =>
        string.Concat(parts.Where(p => p.Kind == GeminiPartKind.Text).SelectMany(p => p.Content).Select(b => b.Text));

    /// <summary>One part; null for a part that carries only the model's opaque thought signature (nothing readable).</summary>
    public static GeminiPart? ReadPart(JsonElement part)
    {
        if (part.TryGetProperty("functionCall", out var call) && call.ValueKind == JsonValueKind.Object)
        {
            return new GeminiPart(GeminiPartKind.FunctionCall, Array.Empty<ContentBlock>())
            {
                CallId = CallId(call),
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
        if (part.TryGetProperty("thoughtSignature", out _) || IsThought(part)) return null;
        var first = part.EnumerateObject().Select(p => p.Name).FirstOrDefault();
        return new GeminiPart(GeminiPartKind.Other, Array.Empty<ContentBlock>()) { OtherType = first ?? "(empty)" };
    }

    /// <summary>A function response: its output as text (<see cref="ResponseText"/>), then the blocks of its multimodal "parts".</summary>
    private static GeminiPart Response(JsonElement response)
    {
        var (output, isError) = ResponseText(response.GetPropertyOrDefault("response"));
        var blocks = new List<ContentBlock>();
        if (!string.IsNullOrEmpty(output)) blocks.Add(ContentBlock.FromText(output));
        if (response.GetPropertyOrDefault("parts") is { ValueKind: JsonValueKind.Array } nested)
        {
            foreach (var inner in Read(nested)) blocks.AddRange(inner.Content);
        }
        return new GeminiPart(GeminiPartKind.FunctionResponse, blocks)
        {
            CallId = CallId(response),
            Name = response.GetStringOrNull("name") ?? string.Empty,
            IsError = isError,
        };
    }

    /// <summary>
    /// The text of a function response's payload: "output" as written; otherwise "error", marked as failure;
    /// otherwise a string "content"; otherwise the payload's JSON. Empty when absent.
    /// </summary>
    public static (string Text, bool IsError) ResponseText(JsonElement response)
    {
        if (response.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return (string.Empty, false);
        if (response.ValueKind != JsonValueKind.Object) return (Raw(response), false);
        if (response.TryGetProperty("output", out var output)) return (Raw(output), false);
        if (response.TryGetProperty("error", out var error)) return (Raw(error), true);
        if (response.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String) return (content.GetString()!, false);
        return (response.GetRawText(), false);
    }

    /// <summary>The id tying a call to its response: "id" as the API names it, else "callId" where a writer used that name.</summary>
    private static string? CallId(JsonElement function) => function.GetIdOrNull("id") ?? function.GetIdOrNull("callId");

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

/// <summary>
/// Pairs function calls written without an id with responses written without one: by name, the oldest open call
/// first, as Gemini CLI pairs them when it rebuilds a history (sessionUtils.ts ensureStableToolIds). Shared by the
/// Gemini CLI and Qwen Code readers, which give such a call an id of their own.
/// </summary>
public sealed class UnnamedCalls
{
    private readonly Dictionary<string, Queue<string>> _open = new(StringComparer.Ordinal);

    /// <summary>A call without an id, under the id it was given.</summary>
    public void Add(string name, string id)
    {
        if (!_open.TryGetValue(name, out var open)) _open[name] = open = new Queue<string>();
        open.Enqueue(id);
    }

    /// <summary>The id of the oldest unanswered call of that name, now answered; null when there is none.</summary>
    public string? Answer(string name) => _open.TryGetValue(name, out var open) && open.Count > 0 ? open.Dequeue() : null;
}
