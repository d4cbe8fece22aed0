using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.GeminiCli;

/// <summary>
/// Google Gemini CLI (google-gemini/gemini-cli): &lt;home&gt;/.gemini/tmp/&lt;project&gt;/chats/, where the home is
/// $GEMINI_CLI_HOME or the user's home (packages/core/src/utils/paths.ts homedir). Reads the JSONL sessions
/// (0.40 on) with their upserts, $set and $rewindTo records applied as Gemini CLI applies them, the legacy
/// single-JSON sessions, subagents' sessions under their parent's folder, and /chat save checkpoints
/// (both shapes). The adapter to the reader contract; the format's logic is in GeminiSession,
/// GeminiConversation and GeminiRecords.
/// </summary>
public sealed class GeminiCliReader : IRolloutReader
{
    /// <summary>Gemini CLI's replacement for the user's home: .gemini/ is below it.</summary>
    public const string HomeVariable = "GEMINI_CLI_HOME";

    private static readonly string[] MessageTypes = { "user", "gemini", "info", "error", "warning" };

    public RolloutFormat Format => RolloutFormat.GeminiCli;

    public string SourceKind => GeminiRecords.SourceKind;

    /// <summary>Main sessions and checkpoints by their names; a subagent's &lt;session id&gt;.jsonl by its place (see <see cref="IsTraceFile"/>).</summary>
    public IReadOnlyList<string> FilePatterns { get; } = new[] { "session-*.jsonl", "session-*.json", "checkpoint-*.json", "*.jsonl" };

    /// <summary>A project folder searched without -Recurse still yields its chats; a chats folder its subagents.</summary>
    public IReadOnlyList<string> AttachedTracePatterns { get; } = new[] { "chats/session-*.jsonl", "chats/session-*.json", "chats/*/*.jsonl", "*/*.jsonl" };

    public IReadOnlyList<string> DefaultLocations() => new[] { Path.Combine(AgentHome.Resolve(HomeVariable, string.Empty), ".gemini", "tmp") };

    /// <summary>tmp/ itself, or a .gemini home holding it, laid out as project folders each with chats/ (or a checkpoint).</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), tmp => AgentStore.HasFolder(tmp, name => IsProjectFolder(Path.Combine(tmp, name))));

    private static bool IsProjectFolder(string folder) =>
        Directory.Exists(Path.Combine(folder, GeminiLayout.ChatsFolder)) || AgentStore.HasFile(folder, "checkpoint-*.json");

    /// <summary>tmp/&lt;project&gt;/chats/&lt;parent&gt;/&lt;id&gt;.jsonl is three folders below tmp/; tmp/ also holds bin/ and tool outputs not worth walking deeper.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 3);

    /// <summary>A subagent's file is named after its session under its parent's folder; a main session's name holds only 8 characters of its id.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => new[]
    {
        SessionReference.OfFile(path, this, GeminiLayout.ParentSessionOf(path) is { } parent ? new NamedIds($"{parent}:{GeminiLayout.Stem(path)}", GeminiLayout.Stem(path)) : null),
    };

    public bool IsTraceFile(string path)
    {
        var name = Path.GetFileName(path);
        if (name.StartsWith("session-", StringComparison.OrdinalIgnoreCase)
            && (name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))) return true;
        if (GeminiLayout.IsCheckpointName(name)) return true;
        return name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) && GeminiLayout.ParentSessionOf(path) is not null;
    }

    /// <summary>logs.json (each project's prompt log) and projects.json (the project registry), beside the sessions.</summary>
    public bool IsSidecarFile(string path) => Path.GetFileName(path) is var name
        && (name.Equals("logs.json", StringComparison.OrdinalIgnoreCase) || name.Equals("projects.json", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Certain of the metadata line and the legacy document (sessionId with projectHash), of $set and $rewindTo
    /// records, and of a message record ({id, timestamp, type: user|gemini|info|error|warning, content}, none of
    /// Claude Code's uuid or sessionId); likely for a checkpoint ({"history": […]}); weakly for a bare Content
    /// ({role: user|model, parts}) as an older checkpoint's list holds them.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Has("uuid") || head.Has("parentUuid") || head.Has("payload") || head.Has("message")) return DetectionScore.None;
        if (head.Has("sessionId") && head.Has("projectHash")) return DetectionScore.Certain;
        if ((head.Has("$set") || head.Has("$rewindTo")) && head.Properties.Count == 1) return DetectionScore.Certain;
        if (head.Has("id") && head.Has("timestamp") && head.Type is { } type && MessageTypes.Contains(type) && !head.Has("sessionId")) return DetectionScore.Certain;
        if (head.Has("history") && !head.Has("sessionId") && head.Properties.Count <= 2 && (head.Properties.Count == 1 || head.Has("authType"))) return DetectionScore.Likely;
        if (head.Has("parts") && head.String("role") is "user" or "model" && head.Properties.Count == 2) return DetectionScore.Weak;
        return DetectionScore.None;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) =>
        new Scan(options?.IncludeAbandoned ?? false);

    private sealed class Scan : IRolloutScan
    {
        private readonly bool _includeAbandoned;

        public Scan(bool includeAbandoned)
        {
            _includeAbandoned = includeAbandoned;
        }

        public ReadResult Read(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            if (GeminiLayout.MigratedCopyOf(source) is { } migrated)
            {
                return new ReadResult(source, null, $"Gemini CLI moved its session to {Path.GetFileName(migrated)} when it was resumed, which holds it whole", diagnostics.Items);
            }
            GeminiSession? session;
            using (var stream = source.Open())
            {
                session = GeminiSession.Parse(stream, diagnostics, cancellation);
            }
            if (session is null) return new ReadResult(source, null, null, diagnostics.Items);
            if (session.Values == 0)
            {
                diagnostics.NothingRead();
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            var record = GeminiRecords.Build(session, source.Path, _includeAbandoned, diagnostics);
            if (record is not null || diagnostics.ErrorCount > 0) return new ReadResult(source, record, null, diagnostics.Items);
            // Gemini CLI creates the file when a session starts and deletes it on exit if nothing was said.
            return new ReadResult(source, null, "it holds no message yet", diagnostics.Items);
        }
    }
}
