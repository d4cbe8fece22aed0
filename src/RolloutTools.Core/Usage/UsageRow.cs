using RolloutTools.Core.Model;

namespace RolloutTools.Core.Usage;

/// <summary>
/// One row of a usage report: the group's keys (only those grouped by are set), what happened in it and what it
/// cost. Token counts count each API response once across all the files read.
/// </summary>
public sealed class UsageRow
{
    private readonly IReadOnlyList<string> _models = DisplayList<string>.OfNames(Array.Empty<string>());

    public DateOnly? Day { get; init; }

    /// <summary>The first day (Monday) of the ISO week.</summary>
    public DateOnly? Week { get; init; }

    /// <summary>The first day of the month.</summary>
    public DateOnly? Month { get; init; }

    /// <summary>The top-level session id (RootSessionId).</summary>
    public string? Session { get; init; }

    public string? Project { get; init; }

    public string? Model { get; init; }

    public RolloutFormat? Format { get; init; }

    /// <summary>When the five-hour window opened (on the hour, UTC).</summary>
    public DateTimeOffset? Block { get; init; }

    /// <summary>Top-level sessions with activity in the group.</summary>
    public int Sessions { get; init; }

    /// <summary>
    /// Messages of the group; a response copied into several files counts once. Null when the report read only the
    /// lines that carry usage (Measure-AgentRollout -Path without -CountMessages), which cannot tell messages apart.
    /// </summary>
    public long? Messages { get; init; }

    /// <summary>Tool calls of the group; null when Messages is.</summary>
    public long? ToolCalls { get; init; }

    /// <summary>API responses of the group (billed requests), each counted once however many files copy it.</summary>
    public long Responses { get; init; }

    public long InputTokens { get; init; }

    public long OutputTokens { get; init; }

    public long CacheReadTokens { get; init; }

    public long CacheWriteTokens { get; init; }

    public long TotalTokens => InputTokens + OutputTokens + CacheReadTokens + CacheWriteTokens;

    /// <summary>Dollars; null when a model of the group has no price (a warning names it), never a silent zero.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>
    /// Where the cost comes from: Computed (from the price table), Stated (the trace's own figures, ATIF and Pi),
    /// Mixed (both), Unpriced (some tokens have no price; CostUsd is null), or None (no tokens).
    /// </summary>
    public required string CostSource { get; init; }

    /// <summary>Models of the group's responses, in order of first use.</summary>
    public IReadOnlyList<string> Models
    {
        get => _models;
        init => _models = DisplayList<string>.OfNames(value.ToArray());
    }

    public DateTimeOffset? FirstActivity { get; init; }

    public DateTimeOffset? LastActivity { get; init; }

    public override string ToString() => $"{TotalTokens} tokens, {(CostUsd is { } cost ? $"${cost:0.00}" : "unpriced")}";
}
