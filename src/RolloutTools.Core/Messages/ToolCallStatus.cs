namespace RolloutTools.Core.Messages;

/// <summary>How a tool call ended, as far as the trace tells.</summary>
public enum ToolCallStatus
{
    /// <summary>A result came back and reported no failure.</summary>
    Succeeded,
    /// <summary>The result reported an error, or a command exited with a code other than 0.</summary>
    Failed,
    /// <summary>No result was written: the session ended, was interrupted or the agent crashed while the tool ran.</summary>
    NoResult,
}
