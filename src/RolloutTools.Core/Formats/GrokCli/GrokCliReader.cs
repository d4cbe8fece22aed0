using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.GrokCli;

/// <summary>
/// Grok CLI, xAI's coding agent (the grok command, "Grok Build"): one record per session folder under
/// &lt;GROK_HOME&gt;/sessions (see <see cref="GrokHome"/>), read from its chat_history.jsonl with the summary.json and
/// updates.jsonl beside it; a subagent's session is a session folder of its own, linked to the session that spawned it.
/// The community's open-source grok-cli (superagent-ai/grok-cli) is another program: it keeps its sessions in one SQLite
/// database, ~/.grok/grok.db, which this format does not read.
/// </summary>
public sealed class GrokCliReader : IRolloutReader
{
    /// <summary>Grok's home, ~/.grok unless set; its sessions are under sessions/.</summary>
    public const string HomeVariable = "GROK_HOME";

    public RolloutFormat Format => RolloutFormat.GrokCli;

    public string SourceKind => GrokRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { GrokHome.ChatHistoryFile };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => new[] { GrokHome.Default() };

    /// <summary>A sessions folder (named "sessions", holding project folders of session folders), or a Grok home holding one.</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), GrokHome.IsLaidOut);

    /// <summary>Every session's chat history lies two folders down: &lt;project&gt;/&lt;session&gt;/, a subagent's too.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 2);

    /// <summary>The session named by its folder, depending on the summary.json and updates.jsonl Grok rewrites and appends beside it.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        if (!GrokHome.IsChatHistory(path)) return new[] { SessionReference.OfFile(path, this) };
        var folder = GrokHome.SessionFolderOf(path)!;
        var beside = new[] { GrokHome.SummaryFile, GrokHome.UpdatesFile }.Select(name => Path.Combine(folder, name)).Where(File.Exists).ToArray();
        return new[] { SessionReference.OfFile(path, this, new NamedIds(Path.GetFileName(folder))) with { DependsOn = beside } };
    }

    public bool IsTraceFile(string path) => GrokHome.IsChatHistory(path);

    public bool IsSidecarFile(string path) => GrokHome.IsBesideChatHistory(path);

    /// <summary>
    /// A chat history's line: a "type" Grok writes and none of the fields other agents' typed lines carry (Claude Code's
    /// uuid and sessionId, Codex's payload, timestamps). Certain when the line has a field only Grok writes there
    /// (prompt_index, synthetic_reason, model_id beside tool_calls, a tool_result's tool_call_id, a reasoning item's
    /// encrypted_content, a server call's kind), or is the system prompt alone with its content, the first line Grok writes.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Has("uuid") || head.Has("sessionId") || head.Has("session_id") || head.Has("message") || head.Has("payload") || head.Has("timestamp") || head.Has("role")) return DetectionScore.None;
        return head.Type switch
        {
            "system" when head.Has("content") && head.Properties.Count == 2 => DetectionScore.Certain,
            "user" when head.Has("content") && (head.Has("prompt_index") || head.Has("synthetic_reason")) => DetectionScore.Certain,
            "assistant" when head.Has("model_id") => DetectionScore.Certain,
            "tool_result" when head.Has("tool_call_id") && head.Has("content") => DetectionScore.Certain,
            "reasoning" when head.Has("encrypted_content") || head.Has("summary") => DetectionScore.Certain,
            "backend_tool_call" when head.Has("kind") => DetectionScore.Certain,
            _ => DetectionScore.None,
        };
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IRolloutScan
    {
        private readonly GrokSubagents _subagents = new();

        public ReadResult Read(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var record = GrokRecords.Read(source, diagnostics, _subagents, cancellation);
            return new ReadResult(source, record, null, diagnostics.Items);
        }
    }
}
