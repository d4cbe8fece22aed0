namespace RolloutTools.Core.Formats.Shared;

/// <summary>Times agents store as Unix numbers in SQLite columns and JSON fields.</summary>
internal static class UnixTime
{
    /// <summary>
    /// Unix seconds, or milliseconds where the value is too large to be seconds of a plausible date (after 5138):
    /// agents document one unit and write the other (Crush's schema says milliseconds, its queries write seconds).
    /// Null for zero, negative or out-of-range values.
    /// </summary>
    public static DateTimeOffset? FromSecondsOrMilliseconds(long? value) => value switch
    {
        null or <= 0 => null,
        > 100_000_000_000 and < 253_402_300_800_000 => DateTimeOffset.FromUnixTimeMilliseconds(value.Value),
        < 253_402_300_800 => DateTimeOffset.FromUnixTimeSeconds(value.Value),
        _ => null,
    };
}
