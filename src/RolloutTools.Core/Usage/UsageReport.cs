namespace RolloutTools.Core.Usage;

/// <summary>What a usage report ends with: its rows, and what the person should hear about how they were counted.</summary>
/// <param name="DuplicateResponses">Responses met again in another file (or later in the same one) and not counted again.</param>
/// <param name="UnpricedModels">Models met without a price, in the order met; their rows have no cost.</param>
public sealed record UsageReport(IReadOnlyList<UsageRow> Rows, int DuplicateResponses, IReadOnlyList<string> UnpricedModels);
