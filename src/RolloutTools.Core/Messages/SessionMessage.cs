using RolloutTools.Core.Model;

namespace RolloutTools.Core.Messages;

/// <summary>
/// One message of a record, carrying its session: what Get-RolloutMessage writes, so messages of many sessions can
/// be filtered, sorted and grouped as flat rows. The message itself stays reachable (images, structured results).
/// </summary>
public sealed class SessionMessage
{
    private SessionMessage(RolloutRecord record, int index)
    {
        Record = record;
        Index = index;
        Message = record.Messages[index];
    }

    public string TraceId => Record.TraceId;

    public RolloutFormat Format => Record.Format;

    /// <summary>The session's project folder, else its working directory.</summary>
    public string? Project => Record.ProjectPath ?? Record.Cwd;

    /// <summary>The position of the message in the record's Messages, from 0: <c>$record.Messages[$m.Index]</c>.</summary>
    public int Index { get; }

    public MessageRole Role => Message.Role;

    public MessageKind Kind => Message.Kind;

    public DateTimeOffset? Timestamp => Message.Timestamp;

    public string? Model => Message.Model;

    /// <summary>The text blocks joined by blank lines.</summary>
    public string Text => Message.Text;

    public string? ReasoningContent => Message.ReasoningContent;

    public IReadOnlyList<ToolCall> ToolCalls => Message.ToolCalls;

    public string? ToolCallId => Message.ToolCallId;

    public string? ToolName => Message.ToolName;

    public bool? IsError => Message.IsError;

    public int? ExitCode => Message.ExitCode;

    /// <summary>On an assistant message: the tokens of its API response.</summary>
    public TokenUsage? Usage => Message.Usage;

    public bool IsAbandoned => Message.IsAbandoned;

    public string? SourcePath => Record.SourcePath;

    /// <summary>The message as the record holds it: content blocks (images too), structured results, durations.</summary>
    public RolloutMessage Message { get; }

    /// <summary>The session the message belongs to.</summary>
    public RolloutRecord Record { get; }

    /// <summary>Every message of a record, in order.</summary>
    public static IEnumerable<SessionMessage> Of(RolloutRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        for (var i = 0; i < record.Messages.Count; i++) yield return new SessionMessage(record, i);
    }

    public override string ToString() => $"{TraceId}[{Index}] {Message}";
}
