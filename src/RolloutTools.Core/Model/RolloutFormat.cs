namespace RolloutTools.Core.Model;

/// <summary>The on-disk trace formats the module reads.</summary>
public enum RolloutFormat
{
    ClaudeCode,
    Codex,

    /// <summary>Pi Coding Agent (badlogic/pi-mono); named as its source kind, pi_coding_agent, since "Pi" alone names many things.</summary>
    PiCodingAgent,

    /// <summary>RolloutTools' own records as JSON lines (Export-AgentRollout -As Normalized), and DataDesigner's rows.</summary>
    Normalized,

    /// <summary>Harbor's Agent Trajectory Interchange Format (ATIF-v1.0 to v1.7): trajectory*.json files.</summary>
    Atif,

    /// <summary>Hermes Agent (NousResearch): state.db, CLI snapshots and gateway transcripts under ~/.hermes.</summary>
    HermesAgent,

    /// <summary>Qwen Code (QwenLM/qwen-code): chats/&lt;session&gt;.jsonl under each project of ~/.qwen/projects.</summary>
    QwenCode,

    /// <summary>Cline and its forks Roo Code and Kilo Code: the task folders (tasks/&lt;id&gt;/api_conversation_history.json) in each editor's global storage and in ~/.cline/data.</summary>
    Cline,
}
