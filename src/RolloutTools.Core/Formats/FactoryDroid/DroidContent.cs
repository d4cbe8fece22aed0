using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
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

    private readonly List<(ContentBlock Block, bool IsReminder)> _blocks = new();

    /// <summary>The text and image blocks in the order written.</summary>
    public IReadOnlyList<ContentBlock> All => _blocks.Select(b => b.Block).ToArray();

    /// <summary>The text and image blocks that are no reminder.</summary>
    public IReadOnlyList<ContentBlock> Text => _blocks.Where(b => !b.IsReminder).Select(b => b.Block).ToArray();

    /// <summary>Text blocks that are whole &lt;system-reminder&gt; notes, which no person typed.</summary>
    public IReadOnlyList<ContentBlock> Reminders => _blocks.Where(b => b.IsReminder).Select(b => b.Block).ToArray();

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
                    read.Results.Add(new ToolResult(block.GetIdOrNull("tool_use_id") ?? string.Empty, AnthropicBlocks.ToolResultContent(block.GetPropertyOrDefault("content")))
                    {
                        IsError = block.GetBool("is_error"),
                        Timestamp = timestamp,
                    });
                    break;
                case "image" when AnthropicBlocks.Image(block) is { } image:
                    read._blocks.Add((image, false));
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
        _blocks.Add((ContentBlock.FromText(text), isReminder));
    }
}
