using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>
/// The messages a chat dataset line carries, and whether a fine-tuning API would take them. Synthetic
/// notices are not model output and abandoned branches not the conversation: both are left out; calls that were never answered (an interrupted turn)
/// are dropped from their message rather than losing the whole conversation.
/// </summary>
internal static class ChatConversation
{
    public static (IReadOnlyList<RolloutMessage> Messages, string? Rejection) Prepare(RolloutRecord record)
    {
        var answered = record.Messages.Where(m => m.Role == MessageRole.Tool && m.ToolCallId is not null).Select(m => m.ToolCallId!).ToHashSet(StringComparer.Ordinal);
        var messages = new List<RolloutMessage>(record.Messages.Count);
        var called = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in record.Messages)
        {
            if (message.Kind == MessageKind.Synthetic || message.IsAbandoned) continue;
            var current = message;
            if (message.ToolCalls.Any(c => !answered.Contains(c.Id)))
            {
                current = new RolloutMessage(message) { ToolCalls = message.ToolCalls.Where(c => answered.Contains(c.Id)).ToArray() };
            }
            if (current.Role == MessageRole.Assistant && current.ToolCalls.Count == 0 && current.Text.Length == 0) continue;
            if (current.Role == MessageRole.Tool && !called.Contains(current.ToolCallId ?? string.Empty))
            {
                return (messages, $"the tool message for {current.ToolCallId} answers no earlier call");
            }
            if (current.Role != MessageRole.Tool && current.Role != MessageRole.Assistant && current.Content.Count == 0) continue;
            called.UnionWith(current.ToolCalls.Select(c => c.Id));

            // Two assistant messages with nothing between are one turn of the model: more of the same response
            // (Codex can record a token count between the calls of one response), or a retry after an API
            // error notice that is left out. Kept apart, they would break the turn order trainers require.
            if (current.Role == MessageRole.Assistant && messages.Count > 0 && messages[^1] is { Role: MessageRole.Assistant } before)
            {
                messages[^1] = Merge(before, current);
                continue;
            }
            messages.Add(current);
        }

        for (var i = 0; i < messages.Count; i++)
        {
            var expected = messages[i].ToolCalls.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            for (var j = i + 1; expected.Count > 0 && j < messages.Count && messages[j].Role == MessageRole.Tool; j++) expected.Remove(messages[j].ToolCallId!);
            if (expected.Count > 0) return (messages, $"the result of call {expected.First()} does not follow the message that makes it");
        }
        if (!messages.Exists(m => m.Role == MessageRole.Assistant)) return (messages, "it has no assistant message to learn from");
        if (!messages.Exists(m => m.Role == MessageRole.User)) return (messages, "it has no user message");
        return (messages, null);
    }

    private static RolloutMessage Merge(RolloutMessage first, RolloutMessage second) => new RolloutMessage(first)
    {
        Content = first.Content.Concat(second.Content).ToArray(),
        ToolCalls = first.ToolCalls.Concat(second.ToolCalls).ToArray(),
        ReasoningContent = first.ReasoningContent is null ? second.ReasoningContent
            : second.ReasoningContent is null ? first.ReasoningContent
            : first.ReasoningContent + "\n\n" + second.ReasoningContent,
    };
}
