using System.Globalization;
using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.Goose;

/// <summary>
/// One Goose session, from a database row or a legacy file's metadata line (crates/goose/src/session/: Session,
/// SessionMetadata). Goose keeps tokens per session only: input/output/total_tokens are the last response's (what
/// the context held then), accumulated_* the sum over every response, summaries included.
/// </summary>
internal sealed class GooseSession
{
    public required string Id { get; init; }
    public required GooseStore Store { get; init; }
    public string? Name { get; init; }
    public string? WorkingDir { get; init; }
    public string? SessionType { get; init; }
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? Updated { get; init; }
    public long? InputTokens { get; init; }
    public long? OutputTokens { get; init; }
    public long? TotalTokens { get; init; }
    public long? AccumulatedInputTokens { get; init; }
    public long? AccumulatedOutputTokens { get; init; }
    public long? AccumulatedTotalTokens { get; init; }
    public double? AccumulatedCost { get; init; }
    public string? ScheduleId { get; init; }
    public string? ProviderName { get; init; }
    public string? Model { get; init; }
    public string? GooseMode { get; init; }
    public string? ProjectId { get; init; }
    public string? ThreadId { get; init; }
    public string? RecipeTitle { get; init; }
    public DateTimeOffset? Archived { get; init; }
    public List<GooseMessage> Messages { get; } = new();
}

/// <summary>
/// One stored message (conversation/message.rs Message): its role, its time in seconds, its content items (tagged by
/// "type", camelCase) and who sees it. Compaction keeps the messages it summarised, hidden from the agent, and adds
/// the summary (a user message) and a continuation (an assistant message) hidden from the person.
/// </summary>
/// <param name="Where">"message row 12 of session …" or "line 3": how a diagnostic names it.</param>
/// <param name="Line">The line of a legacy file, for the diagnostic's line number; null for a database row.</param>
internal sealed record GooseMessage(string Where, int? Line, string? Id, string Role, DateTimeOffset? Created, JsonElement Content, bool UserVisible, bool AgentVisible)
{
    /// <summary>Message.created: Unix seconds (Utc::now().timestamp()); milliseconds are taken too, should a writer use them.</summary>
    public static DateTimeOffset? FromUnix(long? value) => UnixTime.FromSecondsOrMilliseconds(value);

    /// <summary>MessageMetadata: both flags default to true when absent, as goose's Default says.</summary>
    public static (bool UserVisible, bool AgentVisible) Visibility(JsonElement metadata) => (
        metadata.GetPropertyOrDefault("userVisible").ValueKind != JsonValueKind.False,
        metadata.GetPropertyOrDefault("agentVisible").ValueKind != JsonValueKind.False);
}

internal static class GooseTime
{
    /// <summary>
    /// A TIMESTAMP column: SQLite's CURRENT_TIMESTAMP ("2025-10-02 14:03:11", UTC) or what sqlx writes for a chrono
    /// DateTime&lt;Utc&gt; (RFC 3339). Text without an offset is UTC.
    /// </summary>
    public static DateTimeOffset? Parse(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
}
