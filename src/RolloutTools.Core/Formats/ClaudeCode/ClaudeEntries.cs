using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.ClaudeCode;

/// <summary>
/// One line of a Claude Code transcript that takes part in the conversation DAG (it has a uuid), reduced to
/// what the conversation needs. Bookkeeping lines without a uuid never become entries.
/// </summary>
internal sealed class ClaudeEntry
{
    /// <summary>Null only for a queued prompt recovered from the queue lines, which are not part of the DAG.</summary>
    public string? Uuid { get; init; }
    public string? ParentUuid { get; init; }
    public string? LogicalParentUuid { get; init; }
    public string? SessionId { get; init; }
    public bool IsSidechain { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public UserLine? User { get; init; }
    public AssistantLine? Assistant { get; init; }

    /// <summary>A prompt typed while the agent was busy, delivered through a queued_command attachment.</summary>
    public string? QueuedPrompt { get; init; }

    public bool IsConversational => User is not null || Assistant is not null || QueuedPrompt is not null;
}

/// <summary>A user line: text and images the model was sent, what kind of text it is, and the tool results it carries.</summary>
internal sealed record UserLine
{
    public required IReadOnlyList<ContentBlock> Blocks { get; init; }
    public required IReadOnlyList<ToolResult> ToolResults { get; init; }
    public required MessageKind Kind { get; init; }

    public string FirstText => Blocks.FirstOrDefault(b => b.Type == ContentBlockType.Text)?.Text ?? string.Empty;
}


/// <summary>
/// One assistant line. Claude Code writes one line per content block of a streamed response; lines of
/// the same response share message.id and requestId and are merged later.
/// </summary>
internal sealed class AssistantLine
{
    public string? MessageId { get; init; }
    public string? RequestId { get; init; }
    public string? Model { get; init; }
    public required IReadOnlyList<ContentBlock> Blocks { get; init; }
    public required IReadOnlyList<string> Thinking { get; init; }
    public required IReadOnlyList<ToolCall> ToolCalls { get; init; }

    /// <summary>Results of server-side tools (web search and the like) returned inside the response itself.</summary>
    public required IReadOnlyList<ToolResult> ServerToolResults { get; init; }
    public TokenUsage? Usage { get; init; }

    /// <summary>model "&lt;synthetic&gt;": a notice Claude Code wrote itself, such as an API error.</summary>
    public bool IsSynthetic { get; init; }
}
