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

    /// <summary>A user line, or what stands for one: a queued_command attachment, a local_command echo.</summary>
    public UserLine? User { get; init; }
    public AssistantLine? Assistant { get; init; }

    public bool IsConversational => User is not null || Assistant is not null;
}

/// <summary>
/// A user line: the tool results it carries, and the text and images the model was sent, in parts of one
/// kind each. One line can hold a person's words and injected text side by side (an IDE's opened-file note
/// before the prompt); each becomes a message of its own kind.
/// </summary>
internal sealed record UserLine
{
    public required IReadOnlyList<UserPart> Parts { get; init; }
    public required IReadOnlyList<ToolResult> ToolResults { get; init; }

    /// <summary>Whether a person typed part of it now (not queued earlier): such a line ends any response in progress.</summary>
    public bool IsTypedPrompt => Parts.Any(p => p.Kind == MessageKind.Prompt);

    /// <summary>Whether a person's words are part of it, typed now or queued earlier.</summary>
    public bool HoldsPersonsWords => Parts.Any(p => p.Kind is MessageKind.Prompt or MessageKind.QueuedPrompt);

    /// <summary>The same line with its typed words marked as queued: they were typed while the agent was busy.</summary>
    public UserLine AsQueued() => this with
    {
        Parts = Parts.Select(p => p.Kind == MessageKind.Prompt ? p with { Kind = MessageKind.QueuedPrompt } : p).ToArray(),
    };

    /// <summary>The person's words, for matching against the prompt queue.</summary>
    public string PromptText => RolloutMessage.JoinText(Parts.Where(p => p.Kind == MessageKind.Prompt).SelectMany(p => p.Blocks).ToArray());
}

/// <summary>Consecutive content of a user line that is one kind of text.</summary>
internal sealed record UserPart(MessageKind Kind, IReadOnlyList<ContentBlock> Blocks);

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

    /// <summary>
    /// Calls the response made to an advisor model (usage.iterations entries of type advisor_message): billed to
    /// the advisor's model and left out of the top-level usage, which counts the executor's iterations only.
    /// </summary>
    public IReadOnlyList<InnerCall> AdvisorCalls { get; init; } = Array.Empty<InnerCall>();

    /// <summary>What the response was billed: its own usage and its advisor calls'.</summary>
    public TokenUsage BilledUsage => AdvisorCalls.Aggregate(Usage ?? default, (sum, call) => sum + call.Usage);

    /// <summary>apiBlockIndex (2.1.26x on): the block's place in its response, which other lines can interrupt.</summary>
    public int? BlockIndex { get; init; }

    /// <summary>
    /// costUSD, what Claude Code itself priced the response at; written on assistant lines up to about 1.0.x (later
    /// versions state the session's cost in cost-state lines instead). ccusage's default mode takes it over a price
    /// computed from the tokens, and so does a usage report.
    /// </summary>
    public decimal? StatedCost { get; init; }

    /// <summary>model "&lt;synthetic&gt;": a notice Claude Code wrote itself, such as an API error.</summary>
    public bool IsSynthetic { get; init; }
}
