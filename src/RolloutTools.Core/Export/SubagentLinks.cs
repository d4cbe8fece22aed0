using System.Text.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>
/// Which tool call of a session spawned which subagent, among records written together, from what the agents
/// record about it:
/// <list type="bullet">
/// <item>Claude Code 2.1.x: the subagent's agent-&lt;id&gt;.meta.json names the Task/Agent call (parent_tool_use_id);
/// older versions only say it in the call's result (toolUseResult.agentId, the subagent's AgentId);</item>
/// <item>Codex (thread_spawn subagents, 2026): the subagent names its parent thread (parent_thread_id) and its
/// agent_path, which the parent's spawn_agent call returned as task_name.</item>
/// </list>
/// A record links only to records of the same format and root session.
/// </summary>
public static class SubagentLinks
{
    /// <summary>The parent's tool call ids, each with the link to the transcript of the subagent it spawned.</summary>
    /// <param name="parent">The record whose transcript gets the links.</param>
    /// <param name="written">The records written with it, each with the relative address of its transcript.</param>
    public static IReadOnlyDictionary<string, TranscriptLink> For(RolloutRecord parent, IEnumerable<(RolloutRecord Record, string Href)> written)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(written);
        var links = new Dictionary<string, TranscriptLink>(StringComparer.Ordinal);
        var calls = parent.Messages.SelectMany(m => m.ToolCalls).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        if (calls.Count == 0) return links;
        foreach (var (child, href) in written)
        {
            if (ReferenceEquals(child, parent) || child.AgentId is null || child.Format != parent.Format
                || child.RootSessionId != parent.RootSessionId || child.TraceId == parent.TraceId) continue;
            if (SpawningCall(parent, child) is { } call && calls.Contains(call)) links.TryAdd(call, new TranscriptLink(href, TranscriptText.Title(child)));
        }
        return links;
    }

    private static string? SpawningCall(RolloutRecord parent, RolloutRecord child)
    {
        if (Meta(child, "parent_tool_use_id") is { } stated) return stated;
        if (Meta(child, "parent_thread_id") is { } thread)
        {
            if (thread != parent.TraceId || Meta(child, "agent_path") is not { } path) return null;
            return ResultNaming(parent, "task_name", path, structured: false);
        }
        return ResultNaming(parent, "agentId", child.AgentId!, structured: true);
    }

    /// <summary>The call whose result (its structured result, or its text) is a JSON object with property = value.</summary>
    private static string? ResultNaming(RolloutRecord parent, string property, string value, bool structured)
    {
        foreach (var message in parent.Messages)
        {
            if (message.ToolCallId is not { } id) continue;
            var json = structured ? message.StructuredResult : message.Text;
            if (!string.IsNullOrEmpty(json) && json.TrimStart().StartsWith('{') && Names(json, property, value)) return id;
        }
        return null;
    }

    private static bool Names(string json, string property, string value)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(property, out var named)
                && named.ValueKind == JsonValueKind.String
                && named.GetString() == value;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? Meta(RolloutRecord record, string key) => record.SourceMeta.TryGetValue(key, out var value) ? value as string : null;
}
