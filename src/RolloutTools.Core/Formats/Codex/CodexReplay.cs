using System.Text.Json;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// Forked and subagent rollouts begin by copying their parent's session_meta and history; that prefix is
/// the parent's conversation, not the child's. Current builds say where the child's own lines start
/// (subagent_history_start_ordinal on its session_meta, ordinals on every line). Older ones do not: their
/// copy follows a second session_meta and carries either the parent's original timestamps (earlier than the
/// child's start) or the time each copied line was written (recorder.rs JsonlWriter stamps every line as it
/// writes it), one burst that can run past a second boundary; the child's own lines come when it is next given
/// work, later. So the copy of the conversation ends at the first line more than <see cref="CopyGap"/> after the
/// one before it. The lines a usage read takes (token counts, turn contexts, compactions) keep the rule ccusage
/// applies to a subagent's replay, the copy's first second, so token totals stay the ones ccusage reports.
/// </summary>
internal sealed class CodexReplay
{
    private static readonly TimeSpan CopyGap = TimeSpan.FromSeconds(1);

    private long? _ownStartOrdinal;
    private DateTimeOffset? _childStart;
    private bool _isChild;
    private bool _sawOwnMeta;
    private bool _copying;
    private bool _copyOver;
    private bool _usageCopyOver;
    private long _copySecond;
    private DateTimeOffset? _previous;

    public bool Skips(JsonElement line, string kind, JsonElement payload)
    {
        var timestamp = line.GetTimestamp("timestamp");
        if (!_sawOwnMeta)
        {
            if (kind == "session_meta")
            {
                _sawOwnMeta = true;
                _ownStartOrdinal = payload.GetPropertyOrDefault("subagent_history_start_ordinal") is { ValueKind: JsonValueKind.Number } start && start.TryGetInt64(out var first) ? first : null;
                _childStart = payload.GetTimestamp("timestamp") ?? timestamp;
                _isChild = payload.GetStringOrNull("forked_from_id") is not null || payload.GetPropertyOrDefault("source").ValueKind == JsonValueKind.Object;
            }
            return false;
        }

        if (_ownStartOrdinal is { } own && line.GetPropertyOrDefault("ordinal") is { ValueKind: JsonValueKind.Number } ordinal && ordinal.TryGetInt64(out var position))
        {
            return position < own;
        }
        if (!_isChild || _copyOver) return false;
        if (!_copying)
        {
            if (kind != "session_meta") return false;
            _copying = true;
            _copySecond = Second(timestamp);
            _previous = timestamp;
            return true;
        }
        var original = timestamp < _childStart;
        var inCopy = original || timestamp - _previous <= CopyGap;
        _previous = timestamp ?? _previous;
        if (!inCopy)
        {
            _copyOver = true;
            return false;
        }
        if (!IsUsageLine(kind, payload)) return true;
        if (!_usageCopyOver && timestamp is not null && (original || Second(timestamp) == _copySecond)) return true;
        _usageCopyOver = true;
        return false;
    }

    /// <summary>The lines of <see cref="CodexTranscript.UsageLines"/> after the session's own meta.</summary>
    private static bool IsUsageLine(string kind, JsonElement payload) =>
        kind is "turn_context" or "compacted" || (kind == "event_msg" && payload.GetStringOrNull("type") == "token_count");

    private static long Second(DateTimeOffset? time) => time is { } t ? t.ToUnixTimeSeconds() : long.MinValue;
}
