using System.Text.Json;
using RolloutTools.Core.Json;

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

    /// <summary>A JavaScript time (Date.now()); null for zero, negative values and those past the dates .NET holds.</summary>
    public static DateTimeOffset? FromMilliseconds(long ms) =>
        ms is > 0 and <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>A property holding a JavaScript time (Cline's ts); null when absent, not a whole number or out of range.</summary>
    public static DateTimeOffset? FromMilliseconds(JsonElement element, string name) =>
        element.GetPropertyOrDefault(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var ms) ? FromMilliseconds(ms) : null;
}
