namespace RolloutTools.Core.Usage;

/// <summary>What usage rows can be grouped by; several at once make one row per combination.</summary>
public enum UsageGroup
{
    /// <summary>The calendar day of the activity, in the meter's time zone.</summary>
    Day,

    /// <summary>The week of the activity, named by its first day: ISO weeks, Monday to Sunday, in the meter's time zone.</summary>
    Week,

    /// <summary>The calendar month of the activity, named by its first day, in the meter's time zone.</summary>
    Month,

    /// <summary>The top-level session (RootSessionId): a subagent's usage counts in the session that started it.</summary>
    Session,

    /// <summary>The project folder (ProjectPath, else Cwd).</summary>
    Project,

    /// <summary>The model of each response: a session that switched models is split between them.</summary>
    Model,

    /// <summary>The agent's format.</summary>
    Format,

    /// <summary>
    /// The five-hour usage window Claude subscriptions meter, as ccusage's blocks report finds it: a window opens
    /// at the hour (UTC) of the first activity after the previous window closed, and closes five hours later,
    /// or earlier when five hours pass without activity.
    /// </summary>
    Block,
}
