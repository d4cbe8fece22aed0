using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.KiroCli;

/// <summary>
/// One turn as the session's state sums it up (session_state.conversation_metadata.user_turn_metadatas): the ids of
/// the conversation entries it made, when it ended, the model it ran on, the tokens it states and the credits it was
/// metered. Kiro writes the token counts as zero in most sessions its readers have seen, so zeros say nothing.
/// </summary>
internal sealed record KiroTurn(IReadOnlyList<string> MessageIds, DateTimeOffset? EndedAt, string? Model, TokenUsage Usage, double Credits, string? EndReason);

/// <summary>
/// &lt;id&gt;.json beside a conversation: session_id, cwd, title (the first prompt), created_at and updated_at (ISO
/// 8601), parent_session_id and session_created_reason (a subagent's session names its parent), and session_state:
/// agent_name, rts_model_state (model_info.model_id and context_window_tokens) and conversation_metadata's turns.
/// Kiro CLI is closed source; the fields are those its public readers take, each seen in more than one of them.
/// </summary>
internal sealed class KiroSessionMeta
{
    public string? SessionId { get; private init; }
    public string? Cwd { get; private init; }
    public string? Title { get; private init; }
    public DateTimeOffset? CreatedAt { get; private init; }
    public DateTimeOffset? UpdatedAt { get; private init; }
    public string? ParentSessionId { get; private init; }
    public string? CreatedReason { get; private init; }
    public string? AgentName { get; private init; }
    public string? ModelId { get; private init; }
    public long ContextWindowTokens { get; private init; }
    public IReadOnlyList<KiroTurn> Turns { get; private init; } = Array.Empty<KiroTurn>();

    /// <summary>What of the state could not be read, one line each: the field (or turn) is left out, the rest kept.</summary>
    public IReadOnlyList<string> Problems { get; private init; } = Array.Empty<string>();

    /// <summary>
    /// Reads the state; a state that is no object throws <see cref="SidecarShapeException"/>. Each field and each
    /// turn is read on its own: one of the wrong type is left out and named in <see cref="Problems"/>, so one odd
    /// value does not cost the session its folder, title and times.
    /// </summary>
    public static KiroSessionMeta Read(JsonElement root)
    {
        Expect.Object(root, "the session's state");
        var problems = new ShapeProblems();
        var state = problems.Field("session_state", () => Optional(root, "session_state"), default);
        var model = problems.Field("session_state.rts_model_state", () => Optional(Optional(state, "rts_model_state"), "model_info"), default);
        var conversation = problems.Field("session_state", () => Optional(state, "conversation_metadata"), default);
        var turns = conversation.ValueKind == JsonValueKind.Object
            ? problems.Field("session_state.conversation_metadata", () => Expect.Array(conversation, "user_turn_metadatas").ToArray(), Array.Empty<JsonElement>())
            : Array.Empty<JsonElement>();
        return new KiroSessionMeta
        {
            SessionId = problems.Field("the state", () => Expect.String(root, "session_id"), null),
            Cwd = problems.Field("the state", () => Expect.String(root, "cwd"), null),
            Title = problems.Field("the state", () => Expect.String(root, "title"), null),
            CreatedAt = KiroTime.Of(root.GetPropertyOrDefault("created_at")),
            UpdatedAt = KiroTime.Of(root.GetPropertyOrDefault("updated_at")),
            ParentSessionId = problems.Field("the state", () => Expect.String(root, "parent_session_id"), null),
            CreatedReason = problems.Field("the state", () => Expect.String(root, "session_created_reason"), null),
            AgentName = state.ValueKind == JsonValueKind.Object ? problems.Field("session_state", () => Expect.String(state, "agent_name"), null) : null,
            ModelId = model.ValueKind == JsonValueKind.Object ? problems.Field("session_state.rts_model_state.model_info", () => Expect.String(model, "model_id"), null) : null,
            ContextWindowTokens = Count(model, "context_window_tokens"),
            Turns = turns.Select((turn, i) => problems.Field<KiroTurn?>($"turn {i + 1} of user_turn_metadatas", () => Turn(turn, $"turn {i + 1} of user_turn_metadatas", problems), null)).OfType<KiroTurn>().ToArray(),
            Problems = problems.Items,
        };
    }

    /// <summary>An object the state may leave out; any other type is damage.</summary>
    private static JsonElement Optional(JsonElement parent, string name)
    {
        var value = parent.GetPropertyOrDefault(name);
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return default;
        Expect.Object(value, $"\"{name}\"");
        return value;
    }

    private static KiroTurn Turn(JsonElement turn, string where, ShapeProblems problems)
    {
        Expect.Object(turn, "a turn of user_turn_metadatas");
        var ids = Expect.Array(turn, "message_ids").Where(id => id.ValueKind == JsonValueKind.String).Select(id => id.GetString()!).Where(id => id.Length > 0).ToArray();
        var usage = new TokenUsage(
            Count(turn, "input_token_count"),
            Count(turn, "output_token_count"),
            Count(turn, "cache_read_input_token_count"),
            Count(turn, "cache_write_input_token_count"));
        // metering_usage: [{value, unit: "credit", unitPlural}]; another unit is not a credit and is not added in.
        var credits = problems.Field(where, () => Expect.Array(turn, "metering_usage").ToArray(), Array.Empty<JsonElement>())
            .Where(m => m.ValueKind == JsonValueKind.Object && m.GetStringOrNull("unit") is "credit" or "credits")
            .Select(m => m.GetPropertyOrDefault("value"))
            .Where(v => v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) && d > 0)
            .Sum(v => v.GetDouble());
        return new KiroTurn(ids, KiroTime.Of(turn.GetPropertyOrDefault("end_timestamp")), Expect.String(turn, "model"), usage, credits, Expect.String(turn, "end_reason"));
    }

    /// <summary>What could not be read, each where it was met; a value of the wrong type is left out.</summary>
    private sealed class ShapeProblems
    {
        public List<string> Items { get; } = new();

        public T Field<T>(string where, Func<T> read, T fallback)
        {
            try
            {
                return read();
            }
            catch (SidecarShapeException e)
            {
                Items.Add($"{where}: {e.Message}");
                return fallback;
            }
        }
    }

    /// <summary>A count the state gives as a number; absent, negative or not a whole number counts nothing.</summary>
    private static long Count(JsonElement obj, string name) =>
        obj.GetPropertyOrDefault(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var n) && n > 0 ? n : 0;
}

/// <summary>
/// Kiro's times: ISO 8601 strings in the session's state (created_at, updated_at, and end_timestamp in later versions),
/// Unix seconds, often with a fraction, on a prompt (meta.timestamp) and in earlier end_timestamps.
/// </summary>
internal static class KiroTime
{
    private static readonly Regex ExtraDigits = new(@"(\.\d{7})\d+", RegexOptions.CultureInvariant);

    public static DateTimeOffset? Of(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                // Kiro writes nanoseconds; .NET parses seven fractional digits at most.
                var text = ExtraDigits.Replace(value.GetString()!, "$1");
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUniversalTime() : null;
            case JsonValueKind.Number when value.TryGetDouble(out var seconds) && double.IsFinite(seconds) && seconds > 0 && seconds < 253_402_300_800:
                return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
            default:
                return null;
        }
    }
}
