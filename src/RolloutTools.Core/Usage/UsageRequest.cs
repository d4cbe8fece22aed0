using RolloutTools.Core.Discovery;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Usage;

/// <summary>
/// A usage report over traces on disk, as Measure-AgentRollout -Path asks for one: where to look, what to count
/// and how to group it. It holds only values, so it can be run in this process (<see cref="UsageRun"/>) or handed
/// to the native reader (<see cref="Native.NativeReader"/>) with the same result.
/// </summary>
public sealed record UsageRequest
{
    /// <summary>What to read, in order: the paths named, or the default locations.</summary>
    public IReadOnlyList<ReadSource> Sources { get; init; } = Array.Empty<ReadSource>();

    public bool Recurse { get; init; }

    public IReadOnlyList<UsageGroup> GroupBy { get; init; } = Array.Empty<UsageGroup>();

    /// <summary>Where days, weeks and months begin and end.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    /// <summary>A LiteLLM-shaped price table to use instead of the shipped one.</summary>
    public string? PricingFile { get; init; }

    /// <summary>Read every line, so rows count messages and tool calls too; otherwise only the lines that carry usage.</summary>
    public bool CountMessages { get; init; }


    /// <summary>
    /// What the traces are read with. Branches left by a rewind were billed too: they are read, so their responses
    /// count once like any other. A format that can tell the lines carrying usage by their bytes reads only those,
    /// unless messages are wanted.
    /// </summary>
    public ReadOptions ReadOptions => new() { Since = Since, Until = Until, IncludeAbandoned = true, UsageOnly = !CountMessages };

    /// <summary>The run whose records are metered.</summary>
    public ReadRequest Read => new() { Sources = Sources, Search = new TraceSearch { Recurse = Recurse }, Options = ReadOptions };

    /// <summary>How records are metered: grouped, dated, filtered and priced (the pricing file is read now).</summary>
    public UsageOptions CreateMeterOptions() => new()
    {
        GroupBy = GroupBy.Distinct().ToArray(),
        TimeZone = TimeZone,
        Since = Since,
        Until = Until,
        Prices = PricingFile is null ? PriceTable.Shipped : PriceTable.Load(PricingFile),
    };
}
