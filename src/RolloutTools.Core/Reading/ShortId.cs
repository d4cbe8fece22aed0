using RolloutTools.Core.Model;

namespace RolloutTools.Core.Reading;

/// <summary>
/// The short form of a session id, which tables show and -Id accepts: eight characters that tell sessions apart.
/// Most ids are random from their first character (uuid v4) and keep their first eight. Some agents put the same tag
/// in front of every id (Kimi's session_, OpenCode's ses_, Amp's T-), and a time-ordered uuid (v7: Codex threads and
/// others) begins with its time, so sessions begun in the same minute, a parent and the subagents it started, share
/// their first eight characters. Those show the eight after the tag, and a v7 uuid its last eight, which are random.
/// A composite id ("thread:rollout") shows its first part's short form.
/// </summary>
public static class ShortId
{
    public const int Length = 8;

    private static readonly string[] Tags = { "session_", "ses_", "T-" };

    public static string Of(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var head = id.IndexOf(':') is > 0 and var colon ? id[..colon] : id;
        foreach (var tag in Tags)
        {
            if (head.StartsWith(tag, StringComparison.Ordinal) && head.Length - tag.Length >= Length)
            {
                head = head[tag.Length..];
                break;
            }
        }
        if (IsTimeOrderedUuid(head)) return head[^Length..];
        return head.Length > Length ? head[..Length] : head;
    }

    /// <summary>The record's Id column: the short form of its AgentId (a subagent's) or TraceId, a subagent's marked with *.</summary>
    public static string Label(RolloutRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var id = Of(record.AgentId ?? record.TraceId);
        return record.IsSidechain ? id + "*" : id;
    }

    private static bool IsTimeOrderedUuid(string id) => id.Length == 36 && id[14] == '7' && Guid.TryParseExact(id, "D", out _);
}
