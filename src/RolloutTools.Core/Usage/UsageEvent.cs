using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Usage;

/// <summary>What a running usage report tells its caller, in order: problems met finding traces, each trace read, then the report.</summary>
public abstract record UsageEvent;

/// <summary>A problem met while finding traces, or after reading (an id no session matched).</summary>
public sealed record UsageProblem(RolloutDiagnostic Diagnostic) : UsageEvent;

/// <summary>One trace read and counted: what it was and the problems met, without its record (the meter has it), and how far the run has come.</summary>
public sealed record UsageRead(ReadProgress Progress) : UsageEvent;

/// <summary>The last event: the report.</summary>
public sealed record UsageDone(UsageReport Report) : UsageEvent;
