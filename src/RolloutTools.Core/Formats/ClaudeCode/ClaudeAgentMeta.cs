using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.ClaudeCode;

/// <summary>
/// The agent-&lt;id&gt;.meta.json sidecar of a subagent transcript (2.1.x): the agent's type, the task it was given
/// and the Task/Agent tool call that spawned it. Optional; unreadable means absent.
/// </summary>
internal sealed record ClaudeAgentMeta(string? AgentType, string? Description, string? ToolUseId)
{
    public static ClaudeAgentMeta? Load(string path)
    {
        try
        {
            if (!File.Exists(path)) return null;
            using var stream = FileKinds.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            var root = document.RootElement;
            return new ClaudeAgentMeta(root.GetStringOrNull("agentType"), root.GetStringOrNull("description"), root.GetStringOrNull("toolUseId"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
