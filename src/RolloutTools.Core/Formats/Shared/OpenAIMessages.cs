using System.Globalization;
using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Shared;

/// <summary>
/// One message in the chat-completions shape, as an agent stored it: role, content (text or parts),
/// tool_calls, tool_call_id, reasoning, finish_reason and, where the agent wrote one, a time. Agents that
/// keep their history as OpenAI messages (Hermes Agent, Mistral Vibe, plain chat datasets) read their rows
/// into this, and <see cref="OpenAIConversation"/> turns a list of them into a conversation.
/// </summary>
public sealed record OpenAIMessage
{
    public required string Role { get; init; }

    public IReadOnlyList<ContentBlock> Content { get; init; } = Array.Empty<ContentBlock>();

    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = Array.Empty<ToolCall>();

    /// <summary>On a tool message: the call it answers.</summary>
    public string? ToolCallId { get; init; }

    public string? ToolName { get; init; }

    /// <summary>"reasoning" (Hermes, OpenRouter) or "reasoning_content" (DeepSeek, vLLM); both when they differ.</summary>
    public string? Reasoning { get; init; }

    public string? FinishReason { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>What the message is when the agent says more than its role does (a compaction summary); null: the role decides.</summary>
    public MessageKind? Kind { get; init; }

    /// <summary>Part of a branch the person rewound or undid.</summary>
    public bool IsAbandoned { get; init; }

    /// <summary>On a tool message: the tool failed, as the agent marks it (the chat API itself has no such flag).</summary>
    public bool IsError { get; init; }
}

/// <summary>Reads the parts of an OpenAI chat message, tolerant of what agents and providers vary.</summary>
public static class OpenAIMessages
{
    /// <summary>
    /// A whole message object. Text of the wrong type (a number where the content should be) throws
    /// <see cref="FormatException"/>, so the caller reports the line or row rather than losing words.
    /// </summary>
    public static OpenAIMessage Read(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object) throw new FormatException($"the message is {message.ValueKind}, not an object.");
        var role = message.GetStringOrNull("role") ?? throw new FormatException("the message has no role.");
        return new OpenAIMessage
        {
            Role = role,
            Content = ReadContent(message.GetPropertyOrDefault("content")),
            ToolCalls = ReadToolCalls(message.GetPropertyOrDefault("tool_calls")),
            ToolCallId = message.GetIdOrNull("tool_call_id"),
            ToolName = message.GetStringOrNull("tool_name") ?? message.GetStringOrNull("name"),
            Reasoning = Reasoning(message.GetStringOrNull("reasoning"), message.GetStringOrNull("reasoning_content")),
            FinishReason = message.GetStringOrNull("finish_reason"),
            Timestamp = Timestamp(message.GetPropertyOrDefault("timestamp")),
        };
    }

    /// <summary>
    /// Content: a string, null, or a list of parts ({"type": "text"|"input_text"|"output_text", "text"},
    /// {"type": "image_url", "image_url": {"url"} or a string}, {"type": "input_image", "image_url"}, and Continue's
    /// camelCase {"type": "imageUrl", "imageUrl": {"url"}}, Grok CLI's {"type": "image", "url"}). A part of another type keeps its JSON as text, so nothing
    /// the agent stored is lost.
    /// </summary>
    public static IReadOnlyList<ContentBlock> ReadContent(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return Array.Empty<ContentBlock>();
            case JsonValueKind.String:
                return new[] { ContentBlock.FromText(content.GetString()!) };
            case JsonValueKind.Array:
                break;
            default:
                throw new FormatException($"\"content\" is {content.ValueKind}, neither text nor a list of parts.");
        }
        var blocks = new List<ContentBlock>();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.String)
            {
                blocks.Add(ContentBlock.FromText(part.GetString()!));
                continue;
            }
            switch (part.GetStringOrNull("type"))
            {
                case "text" or "input_text" or "output_text":
                    blocks.Add(ContentBlock.FromText(part.GetTextOrEmpty("text")));
                    break;
                case "image_url" or "input_image" or "imageUrl" when ImageUrl(part) is { } url:
                    blocks.Add(ContentBlock.FromImageUrl(url));
                    break;
                // Grok CLI's picture in a prompt: {"type": "image", "url"}, a data: URL of the pasted image.
                case "image" when part.GetStringOrNull("url") is { } url:
                    blocks.Add(ContentBlock.FromImageUrl(url));
                    break;
                default:
                    blocks.Add(ContentBlock.FromText(part.GetRawText()));
                    break;
            }
        }
        return blocks;
    }

    private static string? ImageUrl(JsonElement part) =>
        part.GetStringOrNull("image_url") ?? part.GetPropertyOrDefault("image_url").GetStringOrNull("url")
        ?? part.GetPropertyOrDefault("imageUrl").GetStringOrNull("url");

    /// <summary>
    /// tool_calls: [{"id" (or "call_id"), "type": "function", "function": {"name", "arguments"}}]; some
    /// writers put name and arguments on the call itself, and arguments as an object instead of a JSON
    /// string. A call with no id gets one from its place, so its result can still be told apart.
    /// </summary>
    public static IReadOnlyList<ToolCall> ReadToolCalls(JsonElement calls)
    {
        if (calls.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return Array.Empty<ToolCall>();
        if (calls.ValueKind != JsonValueKind.Array) throw new FormatException($"\"tool_calls\" is {calls.ValueKind}, not a list.");
        var list = new List<ToolCall>();
        var index = 0;
        foreach (var call in calls.EnumerateArray())
        {
            index++;
            if (call.ValueKind != JsonValueKind.Object) throw new FormatException($"tool call {index} is {call.ValueKind}, not an object.");
            var function = call.GetPropertyOrDefault("function");
            var id = call.GetIdOrNull("id") ?? call.GetIdOrNull("call_id") ?? $"call_{index}";
            var name = function.GetStringOrNull("name") ?? call.GetStringOrNull("name") ?? string.Empty;
            var arguments = function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out var a) ? a : call.GetPropertyOrDefault("arguments");
            list.Add(new ToolCall(id, name, Arguments(arguments)));
        }
        return list;
    }

    /// <summary>Arguments as the JSON string the API carries: a string as it is, an object or list as its JSON, nothing as "{}".</summary>
    public static string Arguments(JsonElement arguments) => arguments.ValueKind switch
    {
        JsonValueKind.String => arguments.GetString()!,
        JsonValueKind.Undefined or JsonValueKind.Null => "{}",
        _ => arguments.GetRawText(),
    };

    public static string? Reasoning(string? reasoning, string? reasoningContent)
    {
        if (string.IsNullOrEmpty(reasoning)) return string.IsNullOrEmpty(reasoningContent) ? null : reasoningContent;
        if (string.IsNullOrEmpty(reasoningContent) || reasoningContent == reasoning) return reasoning;
        return reasoning + "\n\n" + reasoningContent;
    }

    /// <summary>
    /// A message time: ISO 8601 (an offset, or none, which the writer's clock meant as local time) or
    /// seconds since 1970 as a number. Null when absent or unreadable.
    /// </summary>
    public static DateTimeOffset? Timestamp(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var time) => time.ToUniversalTime(),
        JsonValueKind.Number when value.TryGetDouble(out var seconds) => FromUnixSeconds(seconds),
        _ => null,
    };

    /// <summary>Seconds since 1970 (fractional), or null for values outside 1970–9999.</summary>
    public static DateTimeOffset? FromUnixSeconds(double seconds) =>
        double.IsFinite(seconds) && seconds >= 0 && seconds < 253402300799
            ? DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond))
            : null;
}

/// <summary>
/// Turns OpenAI chat messages, in the order the agent stored them, into a normalized conversation: one
/// assistant message per assistant row with its reasoning and tool calls, tool rows paired with the calls
/// they answer (see <see cref="ConversationBuilder"/> for results of unknown calls), user rows as prompts
/// and system rows as context unless the message says what it is.
/// </summary>
public sealed class OpenAIConversation
{
    private readonly ConversationBuilder _builder = new();
    private readonly Dictionary<string, long> _finishReasons = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _unknownRoles = new(StringComparer.Ordinal);

    /// <summary>How many times each finish_reason was given.</summary>
    public IReadOnlyDictionary<string, long> FinishReasons => _finishReasons;

    /// <summary>Rows of roles no chat API has, counted by role and left out.</summary>
    public IReadOnlyDictionary<string, long> UnknownRoles => _unknownRoles;

    public int OrphanToolResults => _builder.OrphanToolResults;

    public int UnansweredToolCalls => _builder.UnansweredToolCalls;

    /// <summary>Adds one message; <paramref name="model"/> is the model the agent used for the assistant's turns.</summary>
    public void Add(OpenAIMessage message, string? model)
    {
        _builder.MarkAbandoned = message.IsAbandoned;
        switch (message.Role)
        {
            case "user":
                _builder.AddMessage(MessageRole.User, message.Kind ?? MessageKind.Prompt, message.Content, message.Timestamp);
                break;
            case "system" or "developer":
                _builder.AddMessage(MessageRole.System, message.Kind ?? MessageKind.Context, message.Content, message.Timestamp);
                break;
            case "assistant":
                var turn = _builder.StartAssistant(message.Timestamp, model, message.Kind ?? MessageKind.Response);
                turn.AddContent(message.Content);
                if (message.Reasoning is { } reasoning) turn.AddReasoning(reasoning);
                foreach (var call in message.ToolCalls) turn.AddToolCall(call);
                if (message.FinishReason is { } reason) _finishReasons[reason] = _finishReasons.GetValueOrDefault(reason) + 1;
                break;
            case "tool" or "function":
                _builder.AddToolResult(new ToolResult(message.ToolCallId ?? string.Empty, message.Content) { Timestamp = message.Timestamp, IsError = message.IsError });
                break;
            default:
                _unknownRoles[message.Role] = _unknownRoles.GetValueOrDefault(message.Role) + 1;
                break;
        }
        _builder.MarkAbandoned = false;
    }

    public IReadOnlyList<RolloutMessage> Build() => _builder.Build();
}
