using System.Text.Json;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// Forked and subagent rollouts begin by replaying their parent's session_meta and history; that prefix is
/// the parent's conversation, not the child's.
/// </summary>
internal sealed class CodexReplay
{
    public bool Skips(string kind, JsonElement payload, int sessionMetasSoFar) => false;
}
