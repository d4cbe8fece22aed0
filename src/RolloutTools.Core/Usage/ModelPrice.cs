using RolloutTools.Core.Model;

namespace RolloutTools.Core.Usage;

/// <summary>Dollars per token for each category a provider bills; one set per context tier.</summary>
public sealed record TokenRates(decimal Input, decimal Output, decimal CacheRead, decimal CacheWrite5m, decimal CacheWrite1h)
{
    /// <summary>The cost of one request's tokens at these rates.</summary>
    public decimal Cost(TokenUsage usage)
    {
        var oneHour = Math.Min(usage.CacheWrite1hTokens, usage.CacheWriteTokens);
        return usage.InputTokens * Input
            + usage.OutputTokens * Output
            + usage.CacheReadTokens * CacheRead
            + (usage.CacheWriteTokens - oneHour) * CacheWrite5m
            + oneHour * CacheWrite1h;
    }
}

/// <summary>
/// A model's prices: the base rates and, where the provider has them, long-context tiers. A tier applies to a
/// whole request once its prompt (input, cache reads and cache writes) is larger than the tier's threshold,
/// as Anthropic, OpenAI and Google bill long prompts: every token of that request at the higher rates.
/// </summary>
public sealed class ModelPrice
{
    public ModelPrice(string name, TokenRates rates, IReadOnlyList<(long AbovePromptTokens, TokenRates Rates)>? tiers = null)
    {
        Name = name;
        Rates = rates;
        Tiers = (tiers ?? Array.Empty<(long, TokenRates)>()).OrderBy(t => t.AbovePromptTokens).ToArray();
    }

    /// <summary>The price table's key the model matched.</summary>
    public string Name { get; }

    public TokenRates Rates { get; }

    /// <summary>Thresholds in ascending order, each with the rates for prompts above it.</summary>
    public IReadOnlyList<(long AbovePromptTokens, TokenRates Rates)> Tiers { get; }

    /// <summary>The cost of one request, at the tier its prompt size falls in.</summary>
    public decimal Cost(TokenUsage usage)
    {
        var prompt = usage.InputTokens + usage.CacheReadTokens + usage.CacheWriteTokens;
        var rates = Rates;
        foreach (var (above, tierRates) in Tiers)
        {
            if (prompt > above) rates = tierRates;
        }
        return rates.Cost(usage);
    }
}
