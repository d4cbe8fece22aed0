using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.ClaudeCode;

/// <summary>Turns Anthropic Messages API content (as Claude Code stores it) into normalized pieces.</summary>
internal static partial class ClaudeContent
{
    /// <summary>
    /// The slash command a person typed ("/review src/cart.ts"), from its &lt;command-name&gt; echo; a session
    /// opened by a command has no other prompt to title it.
    /// </summary>
    public static string? SlashCommand(RolloutMessage message)
    {
        if (message.Kind != MessageKind.Command || CommandName().Match(message.Text) is not { Success: true } name) return null;
        var arguments = CommandArguments().Match(message.Text) is { Success: true } args ? args.Groups[1].Value.Trim() : string.Empty;
        var command = name.Groups[1].Value.Trim();
        return arguments.Length > 0 ? $"{command} {arguments}" : command;
    }

    [System.Text.RegularExpressions.GeneratedRegex("<command-name>([^<]*)</command-name>")]
    private static partial System.Text.RegularExpressions.Regex CommandName();

    [System.Text.RegularExpressions.GeneratedRegex("<command-args>([^<]*)</command-args>")]
    private static partial System.Text.RegularExpressions.Regex CommandArguments();

    private const string SyntheticModel = "<synthetic>";

    public static UserLine ReadUser(JsonElement root)
    {
        var message = root.GetPropertyOrDefault("message");
        var content = message.GetPropertyOrDefault("content");
        var blocks = new List<ContentBlock>();
        var toolResults = new List<ToolResult>();
        if (content.ValueKind == JsonValueKind.String)
        {
            blocks.Add(ContentBlock.FromText(content.GetString()!));
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                if (block.GetStringOrNull("type") == "tool_result")
                {
                    toolResults.Add(ReadToolResult(block));
                }
                else
                {
                    AddBlock(blocks, block);
                }
            }
        }

        // The structured result on the line belongs to its tool_result when there is exactly one.
        if (toolResults.Count == 1 && root.TryGetProperty("toolUseResult", out var structured) && structured.ValueKind != JsonValueKind.Null)
        {
            toolResults[0] = toolResults[0] with { StructuredResult = structured.GetRawText() };
        }

        return new UserLine
        {
            Blocks = blocks,
            ToolResults = toolResults,
            Kind = Classify(root, blocks),
        };
    }

    public static AssistantLine ReadAssistant(JsonElement root, Counter unknownBlockTypes, Action redactedThinking)
    {
        var message = root.GetPropertyOrDefault("message");
        var blocks = new List<ContentBlock>();
        var thinking = new List<string>();
        var calls = new List<ToolCall>();
        var serverResults = new List<ToolResult>();
        var content = message.GetPropertyOrDefault("content");
        if (content.ValueKind == JsonValueKind.String)
        {
            blocks.Add(ContentBlock.FromText(content.GetString()!));
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                var type = block.GetStringOrNull("type");
                switch (type)
                {
                    case "text":
                        blocks.Add(ContentBlock.FromText(block.GetStringOrNull("text") ?? string.Empty));
                        break;
                    case "thinking":
                        if (block.GetStringOrNull("thinking") is { Length: > 0 } thought) thinking.Add(thought);
                        break;
                    case "redacted_thinking":
                        // Encrypted reasoning: nothing readable to keep.
                        redactedThinking();
                        break;
                    case "tool_use" or "server_tool_use" or "mcp_tool_use":
                        calls.Add(new ToolCall(
                            block.GetStringOrNull("id") ?? string.Empty,
                            block.GetStringOrNull("name") ?? string.Empty,
                            block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}"));
                        break;
                    case "image":
                        AddBlock(blocks, block);
                        break;
                    case not null when type.EndsWith("_tool_result", StringComparison.Ordinal) && block.GetStringOrNull("tool_use_id") is not null:
                        serverResults.Add(ReadToolResult(block));
                        break;
                    default:
                        unknownBlockTypes.Add(type ?? "untyped");
                        break;
                }
            }
        }

        var model = message.GetStringOrNull("model");
        return new AssistantLine
        {
            MessageId = message.GetStringOrNull("id"),
            RequestId = root.GetStringOrNull("requestId"),
            Model = model,
            Blocks = blocks,
            Thinking = thinking,
            ToolCalls = calls,
            ServerToolResults = serverResults,
            Usage = ReadUsage(message.GetPropertyOrDefault("usage")),
            IsSynthetic = model == SyntheticModel,
        };
    }

    /// <summary>
    /// The prompt of a queued_command attachment: text the person typed while the agent was busy. The same
    /// attachment also carries task notifications (commandMode "task-notification"), which are not theirs.
    /// </summary>
    public static string? ReadQueuedPrompt(JsonElement attachment)
    {
        if (attachment.GetStringOrNull("type") != "queued_command") return null;
        if (attachment.GetStringOrNull("commandMode") is { } mode && mode != "prompt") return null;
        var text = ReadText(attachment.GetPropertyOrDefault("prompt"));
        return text.Length > 0 ? text : null;
    }

    /// <summary>Text given either as a string or as a list of content blocks.</summary>
    public static string ReadText(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => RolloutMessage.JoinText(ReadBlocks(content)),
        _ => string.Empty,
    };

    private static readonly string[] CommandMarkers =
    {
        "<command-name>", "<command-message>", "<command-args>", "<command-contents>", "<local-command-stdout>",
        "<local-command-stderr>", "<local-command-caveat>", "<bash-input>", "<bash-stdout>", "<bash-stderr>",
    };

    private static readonly string[] ContextMarkers = { "<system-reminder>", "<user-prompt-submit-hook>", "<user-memory-input>" };

    /// <summary>
    /// Claude Code sends more than the person's words as user turns: compaction summaries (isCompactSummary),
    /// caveats and other injected text (isMeta), echoes of slash commands and shell mode, interruption
    /// markers, and prompts typed while it was busy (promptSource "queued", 2.1.x).
    /// </summary>
    private static MessageKind Classify(JsonElement root, List<ContentBlock> blocks)
    {
        if (root.GetBool("isCompactSummary")) return MessageKind.CompactionSummary;
        var text = blocks.FirstOrDefault(b => b.Type == ContentBlockType.Text)?.Text?.TrimStart() ?? string.Empty;
        if (text.StartsWith("[Request interrupted by user", StringComparison.Ordinal)) return MessageKind.Interruption;
        if (root.GetBool("isMeta")) return MessageKind.Context;
        if (CommandMarkers.Any(m => text.StartsWith(m, StringComparison.Ordinal))) return MessageKind.Command;
        if (ContextMarkers.Any(m => text.StartsWith(m, StringComparison.Ordinal))) return MessageKind.Context;
        return root.GetStringOrNull("promptSource") == "queued" ? MessageKind.QueuedPrompt : MessageKind.Prompt;
    }

    /// <summary>
    /// Usage as the API reports it: input_tokens already excludes cache reads and writes. Cache writes are
    /// taken from the per-lifetime breakdown when it is larger (older lines carry only the total).
    /// </summary>
    private static TokenUsage? ReadUsage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object) return null;
        var breakdown = usage.GetPropertyOrDefault("cache_creation");
        var cacheWrite = Math.Max(
            usage.GetInt64OrZero("cache_creation_input_tokens"),
            breakdown.GetInt64OrZero("ephemeral_5m_input_tokens") + breakdown.GetInt64OrZero("ephemeral_1h_input_tokens"));
        return new TokenUsage(
            usage.GetInt64OrZero("input_tokens"),
            usage.GetInt64OrZero("output_tokens"),
            usage.GetInt64OrZero("cache_read_input_tokens"),
            cacheWrite);
    }

    private static ToolResult ReadToolResult(JsonElement block)
    {
        var content = block.GetPropertyOrDefault("content");
        IReadOnlyList<ContentBlock> blocks = content.ValueKind switch
        {
            JsonValueKind.String => new[] { ContentBlock.FromText(content.GetString()!) },
            JsonValueKind.Array => ReadBlocks(content),
            JsonValueKind.Undefined or JsonValueKind.Null => Array.Empty<ContentBlock>(),
            _ => new[] { ContentBlock.FromText(content.GetRawText()) },
        };
        return new ToolResult(block.GetStringOrNull("tool_use_id") ?? string.Empty, blocks) { IsError = block.GetBool("is_error") };
    }

    private static List<ContentBlock> ReadBlocks(JsonElement array)
    {
        var blocks = new List<ContentBlock>();
        foreach (var block in array.EnumerateArray()) AddBlock(blocks, block);
        return blocks;
    }

    /// <summary>
    /// Text stays text and images stay images. Any other block (a search result, a document) is kept as its
    /// JSON text rather than dropped or turned into a type name.
    /// </summary>
    private static void AddBlock(List<ContentBlock> blocks, JsonElement block)
    {
        switch (block.ValueKind == JsonValueKind.Object ? block.GetStringOrNull("type") : null)
        {
            case "text":
                blocks.Add(ContentBlock.FromText(block.GetStringOrNull("text") ?? string.Empty));
                break;
            case "image":
                var source = block.GetPropertyOrDefault("source");
                if (source.GetStringOrNull("data") is { } data)
                {
                    blocks.Add(ContentBlock.FromImageData(source.GetStringOrNull("media_type"), data));
                }
                else if (source.GetStringOrNull("url") is { } url)
                {
                    blocks.Add(ContentBlock.FromImageUrl(url));
                }
                break;
            default:
                blocks.Add(block.ValueKind == JsonValueKind.String
                    ? ContentBlock.FromText(block.GetString()!)
                    : ContentBlock.FromText(block.GetRawText()));
                break;
        }
    }
}
