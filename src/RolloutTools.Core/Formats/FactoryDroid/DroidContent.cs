using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.FactoryDroid;

/// <summary>
/// The content of one Droid message: Anthropic's blocks, whatever the model's provider (text, thinking, tool_use,
/// tool_result, image), or a plain string. Block shapes as droid 0.126.0 writes them (sageox/ox
/// cmd/ox-adapter-droid/testdata/session-real.jsonl) and as jazzyalex/agent-sessions DroidSessionParser.swift reads them.
/// </summary>
internal sealed class DroidContent
{
    /// <summary>How a harness note is wrapped: Droid puts its reminders (tools, skills, environment) in user messages.</summary>
    private const string ReminderOpen = "<system-reminder>";
    private const string ReminderClose = "</system-reminder>";

    public List<ContentBlock> Text { get; } = new();

    /// <summary>Text blocks that are whole &lt;system-reminder&gt; notes, which no person typed.</summary>
    public List<ContentBlock> Reminders { get; } = new();

    public List<string> Thinking { get; } = new();
    public List<ToolCall> Calls { get; } = new();
    public List<ToolResult> Results { get; } = new();
    public long RedactedThinking { get; private set; }

    /// <summary>Block types this reader does not know, to be reported with the line.</summary>
    public List<string> UnknownTypes { get; } = new();

    /// <summary>The JSON kind of a content that is neither text nor a list of blocks (nor absent); null when readable.</summary>
    public JsonValueKind? Unreadable { get; private init; }

    public static DroidContent Read(JsonElement content, DateTimeOffset? timestamp)
    {
        if (content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            return new DroidContent { Unreadable = content.ValueKind };
        }
        var read = new DroidContent();
        if (content.ValueKind == JsonValueKind.String)
        {
            read.AddText(content.GetString()!);
            return read;
        }
        if (content.ValueKind != JsonValueKind.Array) return read;
        foreach (var block in content.EnumerateArray())
        {
            var type = block.GetStringOrNull("type");
            switch (type)
            {
                case "text":
                    read.AddText(block.GetTextOrEmpty("text"));
                    break;
                case "thinking":
                    if (block.GetStringOrNull("thinking") is { Length: > 0 } thought) read.Thinking.Add(thought);
                    else read.RedactedThinking++;
                    break;
                case "redacted_thinking":
                    read.RedactedThinking++;
                    break;
                case "tool_use":
                    var input = block.GetPropertyOrDefault("input");
                    read.Calls.Add(new ToolCall(block.GetIdOrNull("id") ?? string.Empty, block.GetStringOrNull("name") ?? string.Empty,
                        input.ValueKind == JsonValueKind.Undefined ? "{}" : input.GetRawText()));
                    break;
                case "tool_result":
                    read.Results.Add(new ToolResult(block.GetIdOrNull("tool_use_id") ?? string.Empty, Blocks(block.GetPropertyOrDefault("content")))
                    {
                        IsError = block.GetBool("is_error"),
                        Timestamp = timestamp,
                    });
                    break;
                case "image" when Image(block) is { } image:
                    read.Text.Add(image);
                    break;
                default:
                    read.UnknownTypes.Add(type ?? "(none)");
                    break;
            }
        }
        return read;
    }

    private void AddText(string text)
    {
        if (text.Length == 0) return;
        var trimmed = text.AsSpan().Trim();
        var isReminder = trimmed.StartsWith(ReminderOpen, StringComparison.Ordinal) && trimmed.EndsWith(ReminderClose, StringComparison.Ordinal);
        (isReminder ? Reminders : Text).Add(ContentBlock.FromText(text));
    }

    /// <summary>A tool result's content: a string, or text and image blocks.</summary>
    private static IReadOnlyList<ContentBlock> Blocks(JsonElement content)
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

    /// <summary>An image block: {"source": {"type": "base64", "media_type", "data"}} or a source with a url.</summary>
    private static ContentBlock? Image(JsonElement block)
    {
        if (block.GetStringOrNull("type") != "image") return null;
        var source = block.GetPropertyOrDefault("source");
        if (source.GetStringOrNull("data") is { } data) return ContentBlock.FromImageData(source.GetStringOrNull("media_type"), data);
        return source.GetStringOrNull("url") is { } url ? ContentBlock.FromImageUrl(url) : null;
    }
}
