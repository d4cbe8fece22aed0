using System.Globalization;
using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.GrokCli;

/// <summary>
/// A session's summary.json, rewritten by Grok as the session goes: info.id and info.cwd, created_at, updated_at and
/// last_active_at (ISO 8601, UTC), current_model_id, generated_title (written by the model; may be empty) and
/// session_summary, the git facts of the working directory when the session began (head_branch, head_commit,
/// git_root_dir), agent_name, reasoning_effort, and session_kind, "subagent" on a session a subagent ran in (absent on
/// the others).
/// </summary>
internal sealed class GrokSummary
{
    public const string SubagentKind = "subagent";

    public string? SessionId { get; private init; }
    public string? Cwd { get; private init; }
    public DateTimeOffset? CreatedAt { get; private init; }
    public DateTimeOffset? UpdatedAt { get; private init; }
    public DateTimeOffset? LastActiveAt { get; private init; }
    public string? Model { get; private init; }
    public string? GeneratedTitle { get; private init; }
    public string? SessionSummary { get; private init; }
    public string? HeadBranch { get; private init; }
    public string? HeadCommit { get; private init; }
    public string? AgentName { get; private init; }
    public string? ReasoningEffort { get; private init; }
    public string? SessionKind { get; private init; }

    /// <summary>Grok names a subagent's kind "subagent" or "subagent_…" (it hides every such session from its list).</summary>
    public bool IsSubagent => SessionKind?.StartsWith(SubagentKind, StringComparison.Ordinal) == true;

    /// <summary>Reads the document; a value of the wrong type throws <see cref="SidecarShapeException"/>.</summary>
    public static GrokSummary Read(JsonElement summary)
    {
        Expect.Object(summary, "the summary");
        var info = summary.GetPropertyOrDefault("info");
        if (info.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null)) Expect.Object(info, "\"info\"");
        var hasInfo = info.ValueKind == JsonValueKind.Object;
        return new GrokSummary
        {
            SessionId = hasInfo ? Expect.String(info, "id") : null,
            Cwd = hasInfo ? Expect.String(info, "cwd") : null,
            CreatedAt = Time(summary, "created_at"),
            UpdatedAt = Time(summary, "updated_at"),
            LastActiveAt = Time(summary, "last_active_at"),
            Model = Expect.String(summary, "current_model_id"),
            GeneratedTitle = Expect.String(summary, "generated_title"),
            SessionSummary = Expect.String(summary, "session_summary"),
            HeadBranch = Expect.String(summary, "head_branch"),
            HeadCommit = Expect.String(summary, "head_commit"),
            AgentName = Expect.String(summary, "agent_name"),
            ReasoningEffort = Expect.String(summary, "reasoning_effort"),
            SessionKind = Expect.String(summary, "session_kind"),
        };
    }

    /// <summary>The session's last moment: when it was last active, else last written.</summary>
    public DateTimeOffset? EndedAt => LastActiveAt is { } active && (UpdatedAt is not { } updated || active >= updated) ? active : UpdatedAt ?? LastActiveAt;

    private static DateTimeOffset? Time(JsonElement summary, string name)
    {
        if (Expect.String(summary, name) is not { } text) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : throw new SidecarShapeException($"\"{name}\" is no time: '{text}'");
    }
}

/// <summary>
/// subagents/&lt;child id&gt;/meta.json in the session that spawned a subagent: parent_session_id, child_session_id,
/// subagent_type and the prompt it was given (with timings and counters not read here).
/// </summary>
internal sealed class GrokSubagentMeta
{
    public string? ParentSessionId { get; private init; }
    public string? ChildSessionId { get; private init; }
    public string? SubagentType { get; private init; }

    public static GrokSubagentMeta Read(JsonElement meta)
    {
        Expect.Object(meta, "the subagent's metadata");
        return new GrokSubagentMeta
        {
            ParentSessionId = Expect.String(meta, "parent_session_id"),
            ChildSessionId = Expect.String(meta, "child_session_id"),
            SubagentType = Expect.String(meta, "subagent_type"),
        };
    }
}
