using RolloutTools.Core.Json;

namespace RolloutTools.Core.Model;

/// <summary>
/// One trace file, normalized: who and where the session ran, when, which models, the conversation in
/// chat-completions shape, and the token totals. A subagent's transcript is a record of its own.
/// </summary>
public sealed record RolloutRecord
{
    private readonly IReadOnlyList<RolloutMessage> _messages = DisplayList<RolloutMessage>.OfMessages(Array.Empty<RolloutMessage>());
    private readonly IReadOnlyList<string> _models = DisplayList<string>.OfNames(Array.Empty<string>());

    /// <summary>The session id, or "session:agent" for a subagent's transcript.</summary>
    public required string TraceId { get; init; }

    public required RolloutFormat Format { get; init; }

    /// <summary>The format's snake_case name, as DataDesigner's source_kind.</summary>
    public required string SourceKind { get; init; }

    public string? SourcePath { get; init; }

    /// <summary>The id of the top-level session this trace belongs to.</summary>
    public required string RootSessionId { get; init; }

    public string? AgentId { get; init; }

    public bool IsSidechain { get; init; }

    /// <summary>The working directory, as last seen in the trace.</summary>
    public string? Cwd { get; init; }

    public string? ProjectPath { get; init; }

    /// <summary>The git branch, as last seen in the trace.</summary>
    public string? GitBranch { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public TimeSpan? Duration => StartedAt is { } start && EndedAt is { } end ? end - start : null;

    /// <summary>The agent's own title or summary for the session, else the first prompt a person typed.</summary>
    public string? Title { get; init; }

    public IReadOnlyList<string> Models
    {
        get => _models;
        init => _models = DisplayList<string>.OfNames(value.ToArray());
    }

    public int MessageCount => Messages.Count;

    public int ToolCallCount => Messages.Sum(m => m.ToolCalls.Count);

    /// <summary>The text of the last assistant message that is model output (not a synthetic notice).</summary>
    public string? FinalAssistantMessage => Messages
        .LastOrDefault(m => m.Role == MessageRole.Assistant && m.Kind == MessageKind.Response && m.Text.Length > 0)?.Text;

    public long InputTokens => Usage.InputTokens;

    public long OutputTokens => Usage.OutputTokens;

    public long CacheReadTokens => Usage.CacheReadTokens;

    public long CacheWriteTokens => Usage.CacheWriteTokens;

    public IReadOnlyList<RolloutMessage> Messages
    {
        get => _messages;
        init => _messages = DisplayList<RolloutMessage>.OfMessages(value.ToArray());
    }

    public SourceMeta SourceMeta { get; init; } = SourceMeta.Empty;

    /// <summary>Token totals of the whole trace; the four token columns read from it.</summary>
    internal TokenUsage Usage { get; init; }

    /// <summary>The record as one line of snake_case JSON (DataDesigner's normalized rollout fields plus ours).</summary>
    public string ToJson() => JsonText.Write(w => RecordJsonWriter.Write(w, this));

    public override string ToString() => $"{Format} {TraceId}";
}
