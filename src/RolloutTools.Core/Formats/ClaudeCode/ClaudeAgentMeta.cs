using System.Text.Json;
using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.ClaudeCode;

/// <summary>
/// The agent-&lt;id&gt;.meta.json sidecar of a subagent transcript (2.1.x): the agent's type, the task it was given
/// and the Task/Agent tool call that spawned it. Optional.
/// </summary>
internal sealed record ClaudeAgentMeta(string? AgentType, string? Description, string? ToolUseId)
{
    public static Sidecar<ClaudeAgentMeta> Load(string path) => SidecarFile.LoadDocument(path, Read);

    private static ClaudeAgentMeta Read(JsonElement root)
    {
        Expect.Object(root, "the metadata");
        return new ClaudeAgentMeta(Expect.String(root, "agentType"), Expect.String(root, "description"), Expect.String(root, "toolUseId"));
    }
}
