using RolloutTools.Core.Model;

namespace RolloutTools.Core.Usage;

/// <summary>
/// What one session cost, priced as Measure-AgentRollout prices it: each response at its own model from the price
/// table, or at the cost the trace states itself (ATIF, Pi, Hermes' estimate).
/// </summary>
public static class SessionCost
{
    /// <summary>Dollars; null when some of the session's tokens have no price (an unknown model).</summary>
    public static decimal? Of(RolloutRecord record, PriceTable? prices = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var meter = new UsageMeter(new UsageOptions { Prices = prices ?? PriceTable.Shipped });
        meter.Add(record);
        return meter.Rows()[0].CostUsd;
    }
}
