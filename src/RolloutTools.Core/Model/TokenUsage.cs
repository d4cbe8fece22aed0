namespace RolloutTools.Core.Model;

/// <summary>
/// Tokens of one API response or of a whole record. InputTokens excludes cache reads and cache writes,
/// so the four counts add up to what was processed, whatever the agent's own convention.
/// </summary>
public readonly record struct TokenUsage(long InputTokens, long OutputTokens, long CacheReadTokens, long CacheWriteTokens)
{
    /// <summary>
    /// The part of CacheWriteTokens written to the one-hour cache, which Anthropic bills at twice the input
    /// price instead of the five-minute cache's 1.25 times; zero where the agent does not tell them apart.
    /// </summary>
    public long CacheWrite1hTokens { get; init; }

    public long Total => InputTokens + OutputTokens + CacheReadTokens + CacheWriteTokens;

    public static TokenUsage operator +(TokenUsage a, TokenUsage b) => new(
        a.InputTokens + b.InputTokens,
        a.OutputTokens + b.OutputTokens,
        a.CacheReadTokens + b.CacheReadTokens,
        a.CacheWriteTokens + b.CacheWriteTokens)
    {
        CacheWrite1hTokens = a.CacheWrite1hTokens + b.CacheWrite1hTokens,
    };

    /// <summary>What is left of this usage once <paramref name="part"/> is taken out, never below zero.</summary>
    public TokenUsage Minus(TokenUsage part) => new(
        Math.Max(0, InputTokens - part.InputTokens),
        Math.Max(0, OutputTokens - part.OutputTokens),
        Math.Max(0, CacheReadTokens - part.CacheReadTokens),
        Math.Max(0, CacheWriteTokens - part.CacheWriteTokens))
    {
        CacheWrite1hTokens = Math.Max(0, CacheWrite1hTokens - part.CacheWrite1hTokens),
    };

    public override string ToString() => $"in {InputTokens}, out {OutputTokens}, cache read {CacheReadTokens}, cache write {CacheWriteTokens}";
}
