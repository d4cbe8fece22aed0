using System.Diagnostics.CodeAnalysis;

namespace RolloutTools.Core.Model;

/// <summary>
/// One message of a normalized conversation, in the chat-completions shape (role, content, reasoning_content,
/// tool_calls, tool_call_id) plus what the source knows about it: kind, time, model, usage, error status.
/// A class, not a C# record, for the reason RolloutRecord gives; the copy constructor takes the place of <c>with</c>.
/// </summary>
public sealed class RolloutMessage
{
    private static readonly IReadOnlyList<ContentBlock> NoContent = Array.Empty<ContentBlock>();
    private static readonly IReadOnlyList<ToolCall> NoToolCalls = Array.Empty<ToolCall>();

    public RolloutMessage()
    {
    }

    /// <summary>A copy to change with an object initializer: <c>new RolloutMessage(message) { Kind = … }</c>.</summary>
    [SetsRequiredMembers]
    public RolloutMessage(RolloutMessage source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Role = source.Role;
        Kind = source.Kind;
        Content = source.Content;
        ReasoningContent = source.ReasoningContent;
        ToolCalls = source.ToolCalls;
        ToolCallId = source.ToolCallId;
        ToolName = source.ToolName;
        IsError = source.IsError;
        StructuredResult = source.StructuredResult;
        ExitCode = source.ExitCode;
        ToolDuration = source.ToolDuration;
        Timestamp = source.Timestamp;
        Model = source.Model;
        Usage = source.Usage;
        ResponseId = source.ResponseId;
        CostUsd = source.CostUsd;
        IsAbandoned = source.IsAbandoned;
    }

    public required MessageRole Role { get; init; }

    public required MessageKind Kind { get; init; }

    public IReadOnlyList<ContentBlock> Content { get; init; } = NoContent;

    /// <summary>The model's reasoning (thinking) for this turn, kept apart from the visible content.</summary>
    public string? ReasoningContent { get; init; }

    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = NoToolCalls;

    /// <summary>On a tool message: the id of the call it answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>On a tool message: the name of the tool that was called.</summary>
    public string? ToolName { get; init; }

    /// <summary>On a tool message: whether the tool reported failure.</summary>
    public bool? IsError { get; init; }

    /// <summary>On a tool message: the agent's structured result, as raw JSON, when it wrote one beside the text.</summary>
    public string? StructuredResult { get; init; }

    /// <summary>On a tool message for a command: its exit code, when the agent recorded one.</summary>
    public int? ExitCode { get; init; }

    /// <summary>On a tool message: how long the tool ran, when the agent recorded it.</summary>
    public TimeSpan? ToolDuration { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public string? Model { get; init; }

    /// <summary>On an assistant message: the tokens of the API response it came from, counted once.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>
    /// On an assistant message: the identity of the API response as the agent wrote it, the same in every file
    /// that copies the response (a resumed Claude Code session, a forked Codex one), so usage counts once.
    /// </summary>
    public string? ResponseId { get; init; }

    /// <summary>On an assistant message: what the response cost in dollars, when the trace states it itself (ATIF, Pi).</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>
    /// Part of a branch the person left by rewinding or editing an earlier prompt: not the conversation the
    /// session went on with. Only read when asked for (-IncludeAbandoned); datasets leave such messages out.
    /// </summary>
    public bool IsAbandoned { get; init; }

    /// <summary>The text blocks joined by blank lines; images are left out.</summary>
    public string Text => JoinText(Content);

    public static string JoinText(IReadOnlyList<ContentBlock> content)
    {
        var texts = content.Where(b => b.Type == ContentBlockType.Text && !string.IsNullOrEmpty(b.Text)).Select(b => b.Text);
        return string.Join("\n\n", texts);
    }

    public override string ToString()
    {
        var text = Text;
        if (ToolCalls.Count > 0)
        {
            var calls = string.Join(", ", ToolCalls.Select(c => c.Name));
            text = text.Length == 0 ? $"[calls {calls}]" : $"{text} [calls {calls}]";
        }
        return $"{Role.ToString().ToLowerInvariant()}: {text}";
    }
}
