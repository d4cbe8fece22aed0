using System.Text.RegularExpressions;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.KimiCode;

/// <summary>
/// Which tool call of a parent agent started each subagent, as the parent's file says it; a subagent's own files do
/// not name it.
/// <list type="bullet">
/// <item>Kimi Code: the Agent tool's result opens with "agent_id: agent-N" (tools/builtin/collaboration/agent.ts,
/// in the foreground's result and the background's launch notice alike), and AgentSwarm's result holds a
/// &lt;subagent agent_id="…"&gt; per subagent (agent-swarm.ts); the first result naming an agent is the call that
/// started it, later ones resume it.</item>
/// <item>kimi-cli: the parent's wire.jsonl wraps each of a subagent's events in a SubagentEvent that names its
/// parent_tool_call_id and agent_id (src/kimi_cli/wire/types.py).</item>
/// </list>
/// Damage in the parent's file is not reported here: reading the parent reports it.
/// </summary>
internal static class KimiSpawns
{
    private static readonly Regex AgentLine = new(@"^agent_id: (?<id>\S+)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant);
    private static readonly Regex SwarmEntry = new(@"<subagent\b[^>]*\sagent_id=""(?<id>[^""]+)""", RegexOptions.CultureInvariant);

    /// <summary>
    /// The file of a subagent's parent: in Kimi Code the journal of the agent state.json names as its parent (the
    /// session's main agent when it names none), in kimi-cli the session's own wire.jsonl.
    /// </summary>
    public static string ParentFile(string sessionFolder, KimiStore store, string? parentAgent) => store == KimiStore.Journal
        ? Path.Combine(sessionFolder, KimiHome.AgentsFolder, parentAgent ?? KimiHome.MainAgent, KimiHome.JournalFile)
        : Path.Combine(sessionFolder, KimiHome.JournalFile);

    /// <summary>Each agent id the parent's file names, with the id of the call that started it; empty when the file is missing or unreadable.</summary>
    public static IReadOnlyDictionary<string, string> Read(string path, CancellationToken cancellation)
    {
        var spawns = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return spawns;
        try
        {
            using var stream = FileKinds.OpenRead(path);
            JsonLineReader.ReadEach(stream, new DiagnosticList(path), line =>
            {
                try
                {
                    Add(spawns, line.Root);
                }
                catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
                {
                    // A value of the wrong shape names no agent; the parent's own read reports it.
                }
            }, cancellation);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return spawns;
        }
        return spawns;
    }

    private static void Add(Dictionary<string, string> spawns, System.Text.Json.JsonElement root)
    {
        var wrapped = root.GetPropertyOrDefault("message");
        if (wrapped.GetStringOrNull("type") == "SubagentEvent")
        {
            var payload = wrapped.GetPropertyOrDefault("payload");
            if (payload.GetIdOrNull("agent_id") is { } agent && payload.GetIdOrNull("parent_tool_call_id") is { } parentCall) spawns.TryAdd(agent, parentCall);
            return;
        }
        var (call, output) = root.GetStringOrNull("type") switch
        {
            "context.append_loop_event" when root.GetPropertyOrDefault("event") is var e && e.GetStringOrNull("type") == "tool.result" =>
                (e.GetIdOrNull("toolCallId"), e.GetPropertyOrDefault("result").GetPropertyOrDefault("output")),
            "context.append_message" when root.GetPropertyOrDefault("message") is var m && m.GetStringOrNull("role") == "tool" =>
                (m.GetIdOrNull("toolCallId"), m.GetPropertyOrDefault("content")),
            _ => (null, default),
        };
        if (call is null) return;
        foreach (var block in KimiParts.Read(output).Blocks)
        {
            if (block is not { Type: ContentBlockType.Text, Text: { } text } || !text.Contains("agent_id", StringComparison.Ordinal)) continue;
            foreach (Match match in AgentLine.Matches(text)) spawns.TryAdd(match.Groups["id"].Value, call);
            foreach (Match match in SwarmEntry.Matches(text)) spawns.TryAdd(match.Groups["id"].Value, call);
        }
    }
}
