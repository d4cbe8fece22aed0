namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// What a rollout's name says: rollout-&lt;local time&gt;-&lt;thread id&gt;.jsonl for a thread's first rollout, and
/// rollout-&lt;local time&gt;-&lt;thread id&gt;_&lt;rollout id&gt;.jsonl for each later one of the same thread
/// (thread/revert starts one; see <see cref="CodexSessionMeta.HistoryBaseRollout"/>), either of them maybe .zst.
/// </summary>
internal readonly record struct CodexFileName(string ThreadId, string? RolloutId)
{
    private const int GuidLength = 36;

    /// <summary>The trace id of the file's record: the thread's id, and for a later rollout "thread:rollout", which -Id of the thread finds too.</summary>
    public string TraceId => TraceIdOf(ThreadId, RolloutId);

    public static string TraceIdOf(string threadId, string? rolloutId) => rolloutId is null ? threadId : $"{threadId}:{rolloutId}";

    public static CodexFileName? Parse(string path)
    {
        var stem = CompressedRollout.PlainName(path);
        stem = stem[..^Path.GetExtension(stem).Length];
        if (!IsGuidAtEnd(stem)) return null;
        var last = stem[^GuidLength..];
        var before = stem[..^GuidLength];
        return before.EndsWith('_') && IsGuidAtEnd(before[..^1]) ? new CodexFileName(before[^(GuidLength + 1)..^1], last) : new CodexFileName(last, null);
    }

    private static bool IsGuidAtEnd(string text) => text.Length >= GuidLength && Guid.TryParse(text[^GuidLength..], out _);
}
