using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Usage;

/// <summary>A usage report's last event: the report, after every trace's <see cref="ReadStep"/>.</summary>
public sealed record UsageDone(UsageReport Report) : ReadEvent;
