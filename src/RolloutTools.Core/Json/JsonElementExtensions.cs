using System.Text.Json;

namespace RolloutTools.Core.Json;

/// <summary>Tolerant accessors: trace fields change type and go missing between agent versions.</summary>
public static class JsonElementExtensions
{
    public static string? GetStringOrNull(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>
    /// An identifier (uuid, parent, session, call id): a string, or a number taken as its digits, since a
    /// writer that emits one as a number still means the same id. Null for any other type.
    /// </summary>
    public static string? GetIdOrNull(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>
    /// Text the agent wrote (a prompt, an answer): a string, or empty when absent or null. Any other type is
    /// damage that would otherwise lose words silently, so it throws, and the reader reports the line.
    /// </summary>
    public static string GetTextOrEmpty(this JsonElement element, string name) => element.GetPropertyOrDefault(name) switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString()!,
        { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => string.Empty,
        var other => throw new FormatException($"\"{name}\" is {other.ValueKind}, not text."),
    };

    public static bool GetBool(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static long GetInt64OrZero(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : 0;

    public static int? GetInt32OrNull(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : null;

    /// <summary>A duration given in (fractional) seconds; null when missing, negative or out of range.</summary>
    public static TimeSpan? GetSecondsOrNull(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? Seconds(value.GetDouble())
            : null;

    /// <summary>Seconds as a TimeSpan to the tick; null for values no TimeSpan holds.</summary>
    public static TimeSpan? Seconds(double seconds) =>
        double.IsFinite(seconds) && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond))
            : null;

    public static JsonElement GetPropertyOrDefault(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    /// <summary>An ISO-8601 timestamp, normalized to UTC; null when missing or unreadable.</summary>
    public static DateTimeOffset? GetTimestamp(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time.ToUniversalTime()
            : null;
}
