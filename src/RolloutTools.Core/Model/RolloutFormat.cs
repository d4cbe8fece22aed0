namespace RolloutTools.Core.Model;

/// <summary>The on-disk trace formats the module reads.</summary>
public enum RolloutFormat
{
    ClaudeCode,
    Codex,

    /// <summary>RolloutTools' own records as JSON lines (Export-AgentRollout -As Normalized), and DataDesigner's rows.</summary>
    Normalized,

    /// <summary>Hermes Agent (NousResearch): state.db, CLI snapshots and gateway transcripts under ~/.hermes.</summary>
    HermesAgent,
}
