using RolloutTools.Core.Usage;

namespace RolloutTools.Core.Export;

/// <summary>What a transcript shows beyond the conversation's visible turns.</summary>
public sealed record TranscriptOptions
{
    private readonly int _maxToolOutputLength = 2000;

    /// <summary>The defaults: tool output trimmed at 2,000 characters, reasoning and context shown.</summary>
    public static TranscriptOptions Default { get; } = new();

    /// <summary>
    /// Tool results longer than this many characters are trimmed, with their full length noted; 0 never trims.
    /// </summary>
    public int MaxToolOutputLength
    {
        get => _maxToolOutputLength;
        init => _maxToolOutputLength = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxToolOutputLength), value, "The length must be 0 (no trimming) or more.");
    }

    /// <summary>Whether the model's reasoning is shown (collapsed) under each assistant turn.</summary>
    public bool IncludeReasoning { get; init; } = true;

    /// <summary>Whether messages of kind Context and Command (injected text, echoed commands) are shown (collapsed).</summary>
    public bool IncludeContext { get; init; } = true;

    /// <summary>
    /// Prices a response whose trace states no cost, for the cost in its turn's header; null shows stated costs only.
    /// The shipped table by default.
    /// </summary>
    public PriceTable? Prices { get; init; } = PriceTable.Shipped;

    /// <summary>
    /// Links from a tool call (by its id) to the transcript of the subagent it spawned, when both are written
    /// together (see <see cref="SubagentLinks"/>); empty by default.
    /// </summary>
    public IReadOnlyDictionary<string, TranscriptLink> ToolCallLinks { get; init; } = new Dictionary<string, TranscriptLink>();

    /// <summary>What each turn's id starts with on a combined page (the session's anchor), so ids stay unique there; null on a page of its own.</summary>
    internal string? TurnIdPrefix { get; init; }
}

/// <summary>A link from one transcript to another: a relative address of ours (a file name, perhaps with a #fragment) and the linked session's title.</summary>
public sealed record TranscriptLink(string Href, string Title);
