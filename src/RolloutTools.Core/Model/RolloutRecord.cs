using System.Diagnostics.CodeAnalysis;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Model;

/// <summary>
/// One trace file, normalized: who and where the session ran, when, which models, the conversation in
/// chat-completions shape, and the token totals. A subagent's transcript is a record of its own.
/// A class, not a C# record: a record's compiler-made public <c>&lt;Clone&gt;$</c> method would show in PowerShell's
/// Get-Member and tab completion. The copy constructor takes the place of <c>with</c>.
/// </summary>
public sealed class RolloutRecord
{
    private readonly IReadOnlyList<RolloutMessage> _messages = DisplayList<RolloutMessage>.OfMessages(Array.Empty<RolloutMessage>());
    private readonly IReadOnlyList<string> _models = DisplayList<string>.OfNames(Array.Empty<string>());

    public RolloutRecord()
    {
    }

    /// <summary>A copy to change with an object initializer: <c>new RolloutRecord(record) { Title = … }</c>.</summary>
    [SetsRequiredMembers]
    public RolloutRecord(RolloutRecord source)
    {
        ArgumentNullException.ThrowIfNull(source);
        TraceId = source.TraceId;
        Format = source.Format;
        SourceKind = source.SourceKind;
        SourcePath = source.SourcePath;
        RootSessionId = source.RootSessionId;
        AgentId = source.AgentId;
        IsSidechain = source.IsSidechain;
        Cwd = source.Cwd;
        ProjectPath = source.ProjectPath;
        GitBranch = source.GitBranch;
        StartedAt = source.StartedAt;
        EndedAt = source.EndedAt;
        Title = source.Title;
        _models = source._models;
        _messages = source._messages;
        SourceMeta = source.SourceMeta;
        Usage = source.Usage;
        UnlistedResponses = source.UnlistedResponses;
        ListsResponsesOnly = source.ListsResponsesOnly;
    }

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

    /// <summary>
    /// From the first moment the trace records to the last. A trace that records one moment or none (an early
    /// Codex file dates only its header) has no duration: null, not zero.
    /// </summary>
    public TimeSpan? Duration => StartedAt is { } start && EndedAt is { } end && end > start ? end - start : null;

    /// <summary>Duration in seconds, a number Measure-Object can add up; the JSON's duration_seconds.</summary>
    public double? DurationSeconds => Duration?.TotalSeconds;

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

    /// <summary>
    /// Every token the model processed: input + output + cache read + cache write, as ccusage's totalTokens and
    /// Pi's usage.totalTokens count them (Codex's total_tokens is the same sum: its input includes cache reads).
    /// </summary>
    public long TotalTokens => Usage.Total;

    public IReadOnlyList<RolloutMessage> Messages
    {
        get => _messages;
        init => _messages = DisplayList<RolloutMessage>.OfMessages(value.ToArray());
    }

    public SourceMeta SourceMeta { get; init; } = SourceMeta.Empty;

    /// <summary>Token totals of the whole trace; the four token columns read from it.</summary>
    internal TokenUsage Usage { get; init; }

    /// <summary>
    /// Responses Usage counts that Messages does not list (branches left by a rewind when read without
    /// -IncludeAbandoned; responses with nothing readable, such as redacted or encrypted reasoning only), each with
    /// its time, model and usage, so a usage report splits them by day and model as it would if they were read.
    /// See <see cref="UnlistedResponse"/>.
    /// </summary>
    internal IReadOnlyList<UnlistedResponse> UnlistedResponses { get; init; } = Array.Empty<UnlistedResponse>();

    /// <summary>
    /// Read with <see cref="Reading.ReadOptions.UsageOnly"/> by a format that could skip the other lines: its token
    /// counts are whole, but Messages holds little beyond responses, so the meter counts no messages or tool calls.
    /// </summary>
    internal bool ListsResponsesOnly { get; init; }

    /// <summary>The record as one line of snake_case JSON (DataDesigner's normalized rollout fields plus ours).</summary>
    public string ToJson() => JsonText.Write(w => RecordJsonWriter.Write(w, this));

    public override string ToString() => $"{Format} {TraceId}";
}
