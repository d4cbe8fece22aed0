namespace RolloutTools.Core.Model;

/// <summary>The on-disk trace formats the module reads.</summary>
public enum RolloutFormat
{
    ClaudeCode,
    Codex,
}
