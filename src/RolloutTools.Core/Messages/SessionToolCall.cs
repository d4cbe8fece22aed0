using RolloutTools.Core.Model;

namespace RolloutTools.Core.Messages;

/// <summary>
/// One tool call of a session paired with its result: what Get-RolloutToolCall writes. A result whose call the
/// trace never wrote is one too, with no arguments and no call time (the tool ran; see <see cref="ToolCallPairing"/>).
/// </summary>
public sealed class SessionToolCall
{
    internal SessionToolCall(RolloutRecord record, RolloutMessage? call, ToolCall? toolCall, RolloutMessage? result)
    {
        Record = record;
        CallMessage = call;
        ResultMessage = result;
        CallId = toolCall?.Id ?? result?.ToolCallId ?? string.Empty;
        Name = toolCall?.Name ?? result?.ToolName ?? string.Empty;
        Arguments = toolCall?.Arguments;
    }

    public string TraceId => Record.TraceId;

    public RolloutFormat Format => Record.Format;

    /// <summary>The session's project folder, else its working directory.</summary>
    public string? Project => Record.ProjectPath ?? Record.Cwd;

    public string CallId { get; }

    public string Name { get; }

    /// <summary>The arguments as the model wrote them: a JSON string; null for a result whose call was never written.</summary>
    public string? Arguments { get; }

    /// <summary>The result's text blocks joined; null without a result.</summary>
    public string? Result => ResultMessage?.Text;

    /// <summary>The agent's structured result, raw JSON, when it wrote one beside the text.</summary>
    public string? StructuredResult => ResultMessage?.StructuredResult;

    public int? ExitCode => ResultMessage?.ExitCode;

    /// <summary>Whether the result reported failure; null without a result, or when the agent does not say.</summary>
    public bool? IsError => ResultMessage?.IsError;

    public ToolCallStatus Status => ResultMessage switch
    {
        null => ToolCallStatus.NoResult,
        { IsError: true } or { ExitCode: not (null or 0) } => ToolCallStatus.Failed,
        _ => ToolCallStatus.Succeeded,
    };

    /// <summary>When the model's response with the call was written.</summary>
    public DateTimeOffset? CalledAt => CallMessage?.Timestamp;

    /// <summary>When the result was written.</summary>
    public DateTimeOffset? CompletedAt => ResultMessage?.Timestamp;

    /// <summary>
    /// How long the tool ran: the agent's own measure where it keeps one (Codex records how long a command ran), else from the call's
    /// time to the result's. Null when either is missing or the result is dated before the call.
    /// </summary>
    public TimeSpan? Duration => ResultMessage?.ToolDuration
        ?? (CalledAt is { } called && CompletedAt is { } completed && completed >= called ? completed - called : null);

    /// <summary>The model that made the call.</summary>
    public string? Model => CallMessage?.Model;

    /// <summary>The call or its result lies on a branch the person left (read with -IncludeAbandoned).</summary>
    public bool IsAbandoned => CallMessage?.IsAbandoned == true || ResultMessage?.IsAbandoned == true;

    public string? SourcePath => Record.SourcePath;

    /// <summary>The assistant message that made the call; null for a result whose call was never written.</summary>
    public RolloutMessage? CallMessage { get; }

    /// <summary>The tool message with the result; null when none came.</summary>
    public RolloutMessage? ResultMessage { get; }

    /// <summary>The session the call belongs to.</summary>
    public RolloutRecord Record { get; }

    public override string ToString() => $"{Name} {Status}";
}
