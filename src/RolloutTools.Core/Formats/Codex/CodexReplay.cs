using System.Text.Json;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// Forked and subagent rollouts begin by copying their parent's session_meta and history; that prefix is
/// the parent's conversation, not the child's. Current builds say where the child's own lines start
/// (subagent_history_start_ordinal on its session_meta, ordinals on every line). Older ones do not: their
/// copy follows a second session_meta and carries either the parent's original timestamps (earlier than the
/// child's start) or, for spawned subagents, all the same re-stamped second.
/// </summary>
internal sealed class CodexReplay
{
    private long? _ownStartOrdinal;
    private DateTimeOffset? _childStart;
    private bool _isChild;
    private bool _sawOwnMeta;
    private bool _copying;
    private bool _copyOver;
    private long _copySecond;

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
            return true;
        }
        if (timestamp is { } t && (t < _childStart || Second(t) == _copySecond)) return true;
        _copyOver = true;
        return false;
    }

    private static long Second(DateTimeOffset? time) => time is { } t ? t.ToUnixTimeSeconds() : long.MinValue;
}
