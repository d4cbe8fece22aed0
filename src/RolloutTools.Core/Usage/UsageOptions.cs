namespace RolloutTools.Core.Usage;

/// <summary>How a <see cref="UsageMeter"/> groups, dates, filters and prices.</summary>
public sealed class UsageOptions
{
    /// <summary>The keys of each row, in this order; none gives one total row.</summary>
    public IReadOnlyList<UsageGroup> GroupBy { get; init; } = Array.Empty<UsageGroup>();

    /// <summary>Where days, weeks and months begin and end; local time unless set.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>Only activity at or after this moment counts (each message by its own time, not its session's).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only activity at or before this moment counts.</summary>
    public DateTimeOffset? Until { get; init; }

    public PriceTable Prices { get; init; } = PriceTable.Shipped;
}
