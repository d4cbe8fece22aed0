namespace RolloutTools.Core.Model;

/// <summary>
/// Tokens of one API response or of a whole record. InputTokens excludes cache reads and cache writes,
/// so the four counts add up to what was processed, whatever the agent's own convention.
/// </summary>
public readonly record struct TokenUsage(long InputTokens, long OutputTokens, long CacheReadTokens, long CacheWriteTokens)
{
    public long Total => InputTokens + OutputTokens + CacheReadTokens + CacheWriteTokens;

    public static TokenUsage operator +(TokenUsage a, TokenUsage b) => new(
        a.InputTokens + b.InputTokens,
        a.OutputTokens + b.OutputTokens,
        a.CacheReadTokens + b.CacheReadTokens,
        a.CacheWriteTokens + b.CacheWriteTokens);

    public override string ToString() => $"in {InputTokens}, out {OutputTokens}, cache read {CacheReadTokens}, cache write {CacheWriteTokens}";
}
