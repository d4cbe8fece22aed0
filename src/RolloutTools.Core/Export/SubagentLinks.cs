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
/// agent_path, which the parent's spawn_agent call returned as task_name;</item>
/// <item>every format whose subagent starts from the words its spawning call gave it (Cursor's Task, Gemini CLI's
/// codebase_investigator objective, Hermes' delegate_task goal, OpenCode's task prompt, ATIF's delegated task, and
/// the above too): the subagent's first prompt is, whole, one argument of exactly one of the parent's calls.</item>
/// </list>
/// A record links only to records of the same format and root session, and not to one that names another session as
/// its parent (parent_session_id).
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
        var calls = parent.Messages.SelectMany(m => m.ToolCalls).ToArray();
        if (calls.Length == 0) return links;
        var ids = calls.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        ILookup<string, string>? callsByArgument = null;
        foreach (var (child, href) in written)
        {
            if (ReferenceEquals(child, parent) || child.AgentId is null || child.Format != parent.Format
                || child.RootSessionId != parent.RootSessionId || child.TraceId == parent.TraceId) continue;
            if ((Meta(child, "parent_session_id") ?? Meta(child, "parent_thread_id")) is { } named && named != parent.TraceId) continue;
            var call = SpawningCall(parent, child);
            if (call is null && FirstPrompt(child) is { } prompt)
            {
                callsByArgument ??= calls.SelectMany(c => Arguments(c.Arguments).Select(a => (Argument: a, c.Id))).Distinct().ToLookup(p => p.Argument, p => p.Id, StringComparer.Ordinal);
                var matching = callsByArgument[prompt].ToArray();
                if (matching.Length == 1) call = matching[0];
            }
            if (call is not null && ids.Contains(call)) links.TryAdd(call, new TranscriptLink(href, TranscriptText.Title(child)));
        }
        return links;
    }

    /// <summary>The call the child's metadata, or the result of a call, says spawned it; null when neither says.</summary>
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

    /// <summary>What the subagent was first asked, as a person's prompt or as a message from the agent that spawned it.</summary>
    private static string? FirstPrompt(RolloutRecord child)
    {
        var first = child.Messages.FirstOrDefault(m => m.Kind is MessageKind.Prompt or MessageKind.AgentMessage);
        var text = first?.Text.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>The text values of a call's JSON arguments, trimmed (the top level only: where a task's words go).</summary>
    private static IEnumerable<string> Arguments(string arguments)
    {
        if (!arguments.TrimStart().StartsWith('{')) return Array.Empty<string>();
        try
        {
            using var document = JsonDocument.Parse(arguments);
            return document.RootElement.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.String)
                .Select(p => p.Value.GetString()!.Trim())
                .Where(t => t.Length > 0)
                .ToArray();
        }
        catch (JsonException)
        {
            return Array.Empty<string>();
        }
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
