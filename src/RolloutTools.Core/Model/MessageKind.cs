namespace RolloutTools.Core.Model;

/// <summary>
/// What a message is, beyond its role: the agents put text in user and assistant turns that neither a
/// person typed nor the model wrote, and curation needs to tell them apart.
/// </summary>
public enum MessageKind
{
    /// <summary>Words a person typed as a prompt.</summary>
    Prompt,
    /// <summary>A prompt the person typed while the agent was busy, delivered later.</summary>
    QueuedPrompt,
    /// <summary>Text the agent injected around the conversation: caveats, reminders, instructions, environment.</summary>
    Context,
    /// <summary>A local command and its output (slash commands, shell-mode input), echoed into the transcript.</summary>
    Command,
    /// <summary>A message from another agent: a subagent's task from its parent, or a subagent's report back.</summary>
    AgentMessage,
    /// <summary>The summary that replaces earlier history after a compaction.</summary>
    CompactionSummary,
    /// <summary>A summary of a branch the person left (Pi's /tree), brought into the branch they went on with.</summary>
    BranchSummary,
    /// <summary>The marker the agent writes when the person interrupts a turn.</summary>
    Interruption,
    /// <summary>Text the agent made up locally, such as API error notices; not model output.</summary>
    Synthetic,
    /// <summary>Model output.</summary>
    Response,
    /// <summary>The result of a tool call.</summary>
    ToolResult,
}
