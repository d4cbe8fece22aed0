using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.OpenClaw;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Pi;

/// <summary>
/// Pi Coding Agent (badlogic/pi-mono): one JSONL file per session,
/// &lt;agent dir&gt;/sessions/--&lt;cwd, '/' as '-'&gt;--/&lt;ISO time, ':' and '.' as '-'&gt;_&lt;uuid&gt;.jsonl, where the agent dir
/// is ~/.pi/agent or $PI_CODING_AGENT_DIR (pi-mono packages/coding-agent/src/config.ts getAgentDir, getSessionsDir).
/// The adapter to the reader contract; the format's logic is in PiSession, PiConversation and PiRecords.
/// </summary>
public sealed class PiCodingAgentReader : IRolloutReader
{
    /// <summary>Pi names it after the app: PI_CODING_AGENT_DIR (config.ts ENV_AGENT_DIR); it names the agent dir, with sessions/ below.</summary>
    public const string AgentDirVariable = "PI_CODING_AGENT_DIR";

    public RolloutFormat Format => RolloutFormat.PiCodingAgent;

    public string SourceKind => PiRecords.SourceKind;

    /// <summary>
    /// Pi names every session file &lt;time&gt;_&lt;session id&gt;.jsonl (SessionManager.newSession); no other format's
    /// traces have an underscore, so a damaged file is claimed by the right format. A file named otherwise
    /// (pi --session other.jsonl) is still found by a search of every format and recognised by its content.
    /// </summary>
    public IReadOnlyList<string> FilePatterns { get; } = new[] { "*_*.jsonl" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => new[] { Path.Combine(AgentDir(), "sessions") };

    public bool IsTraceFile(string path) => Path.GetFileName(path) is var name
        && name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) && name.IndexOf('_') > 0;

    /// <summary>An agent dir, or its sessions folder: Pi names each cwd's folder "--&lt;cwd&gt;--", its slashes and colons made "-" (SessionManager).</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(),
        sessions => AgentStore.HasFolder(sessions, name => name.Length >= 4 && name.StartsWith("--", StringComparison.Ordinal) && name.EndsWith("--", StringComparison.Ordinal)));

    /// <summary>Each file is one session; the ids in its name let a search by id pass over the others unread.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => new[] { SessionReference.OfFile(path, this, IdsInName(path)) };

    /// <summary>&lt;time&gt;_&lt;session id&gt;.jsonl; with -AllBranches, each branch's TraceId is "session:leaf".</summary>
    private NamedIds? IdsInName(string path) =>
        PiRecords.SessionIdFromName(path) is var id && IsTraceFile(path) && Guid.TryParse(id, out _) ? new NamedIds(id) { HasBranches = true } : null;

    /// <summary>The sessions folder holds nothing but sessions.</summary>
    public bool IsSidecarFile(string path) => false;

    /// <summary>
    /// Certain of the header ({"type":"session","id",…}, never Claude Code's sessionId); when the head is
    /// damaged, likely for an entry line: a tree entry ({type, id, parentId, timestamp}) or a v1 message
    /// ({type:"message", timestamp, message:{role}}) without Claude Code's envelope fields.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Has("sessionId") || head.Has("uuid") || head.Has("payload")) return DetectionScore.None;
        return head.Type switch
        {
            // OpenClaw writes Pi's files too; one run in its workspace is OpenClaw's (OpenClawReader.Score).
            "session" when OpenClawHome.IsWorkspace(head.String("cwd")) => DetectionScore.None,
            "session" when head.Has("id") && (head.Has("cwd") || head.Has("timestamp") || head.Has("version")) => DetectionScore.Certain,
            "message" when head.Has("timestamp") && head.MessageProperties.Contains("role") => DetectionScore.Likely,
            { } type when PiSession.EntryTypes.Contains(type) && head.Has("id") && head.Has("parentId") && head.Has("timestamp") => DetectionScore.Likely,
            _ => DetectionScore.None,
        };
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) =>
        PiFileScan.Begin(options, (_, _) => PiRecordTarget.Pi);

    /// <summary>~/.pi/agent, or the variable's folder with a leading ~ expanded as Pi expands it.</summary>
    internal static string AgentDir()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var configured = Environment.GetEnvironmentVariable(AgentDirVariable);
        if (string.IsNullOrWhiteSpace(configured)) return Path.Combine(home, ".pi", "agent");
        if (configured == "~") return home;
        return configured.StartsWith("~/", StringComparison.Ordinal) ? home + configured[1..] : configured;
    }
}
