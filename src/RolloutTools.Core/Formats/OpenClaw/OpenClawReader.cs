using System.Collections.Concurrent;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Pi;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.OpenClaw;

/// <summary>
/// OpenClaw (openclaw/openclaw; Clawdbot and Moltbot before), a personal agent gateway that runs Pi's agent core
/// and keeps each session with Pi's SessionManager: the files are Pi's session files (v3 tree entries), read by
/// Pi's parsing (<see cref="PiFileScan"/>), in OpenClaw's own store (<see cref="OpenClawHome"/>) with sessions.json
/// beside them (<see cref="OpenClawIndex"/>). A format of its own rather than Pi's with a filter: the store, its
/// names, its index and its environment variables are OpenClaw's, and a person asks for it by name. Its lines are
/// Pi's: detection tells a file by its header's cwd (an OpenClaw workspace), and OpenClaw's store (its default
/// location, or a folder laid out as it, <see cref="StoresIn"/>) is read as OpenClaw's whatever the cwd.
/// </summary>
public sealed class OpenClawReader : IRolloutReader
{
    /// <summary>OpenClaw's override of its state dir (src/config/paths.ts resolveStateDir), whose agents/ folder holds every agent's sessions.</summary>
    public const string StateDirVariable = "OPENCLAW_STATE_DIR";

    public RolloutFormat Format => RolloutFormat.OpenClaw;

    public string SourceKind => OpenClawSessionFacts.SourceKind;

    /// <summary>Session files and their reset and deleted archives; the store's layout, not the pattern, tells them from other files.</summary>
    public IReadOnlyList<string> FilePatterns { get; } = new[] { "*.jsonl", "*.jsonl.reset.*", "*.jsonl.deleted.*", OpenClawHome.DatabaseName };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => new[] { OpenClawHome.AgentsFolder() };

    /// <summary>A state dir (~/.openclaw), its agents folder, or one agent's sessions folder.</summary>
    public IReadOnlyList<string> StoresIn(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (OpenClawHome.IsSessionsFolder(full)) return new[] { full };
        var agents = Path.GetFileName(full) == "agents" ? full : Path.Combine(full, "agents");
        return HasAgentSessions(agents) ? new[] { agents } : Array.Empty<string>();
    }

    /// <summary>An agents folder holds the sessions of each agent two levels down; a sessions folder holds its own at the top.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry)
    {
        var located = SessionLocator.InStore(this, store, search, registry, maxDepth: OpenClawHome.IsSessionsFolder(store) ? 0 : 2);
        return located with { Sessions = DatabaseFirst(located.Sessions) };
    }

    /// <summary>
    /// The SQLite flip moves the JSONL files it imports out of sessions/ (to session-sqlite-import-archive/) and leaves
    /// those it could not import wholly, and a restore for a downgrade brings them back: a file whose session the
    /// agent's database also holds is an older copy of it. OpenClaw reads the database, so its window is the session.
    /// </summary>
    private static IReadOnlyList<SessionReference> DatabaseFirst(IReadOnlyList<SessionReference> sessions)
    {
        // agents/<id>/agent/openclaw-agent.sqlite and agents/<id>/sessions/<session>.jsonl: the agent's folder is two up from either.
        static string? Agent(string path) => Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(path)));
        var inDatabase = sessions
            .Where(s => OpenClawHome.IsDatabase(s.Source.Path) && s.Source.Key is not null)
            .Select(s => (Agent(s.Source.Path), s.Source.Key!))
            .ToHashSet();
        if (inDatabase.Count == 0) return sessions;
        return sessions
            .Where(s => OpenClawHome.IsDatabase(s.Source.Path) || OpenClawHome.ParseName(s.Source.Path) is not { } name || !inDatabase.Contains((Agent(s.Source.Path), name.SessionId)))
            .ToArray();
    }

    /// <summary>The session id in the name; a file beside sessions.json takes who and where from it, so its writes count as the session's activity.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        // The database: one reference per session window, with its last change, so -Id and -Since pass over rows unread.
        if (OpenClawHome.IsDatabase(path))
        {
            return SessionRows.In(path, this, store =>
            {
                using var db = OpenClawDatabase.Open(store);
                return db.Windows().Select(w => (w.Id, w.LastActivity)).ToArray();
            });
        }
        var name = OpenClawHome.ParseName(path);
        var index = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, OpenClawHome.IndexName);
        return new[]
        {
            SessionReference.OfFile(path, this, name is null ? null : new NamedIds(name.SessionId) { HasBranches = true })
                with { DependsOn = File.Exists(index) ? new[] { index } : Array.Empty<string>() },
        };
    }

    public bool IsTraceFile(string path) => OpenClawHome.IsDatabase(path) || (OpenClawHome.ParseName(path) is not null && OpenClawHome.IsInSessionsFolder(path));

    /// <summary>A checkpoint copy (the session as it was before a compaction, all of it still in the session's own file) and a run's trajectory events.</summary>
    public bool IsSidecarFile(string path) => OpenClawHome.IsCopyOrTrajectory(Path.GetFileName(path)) && OpenClawHome.IsInSessionsFolder(path);

    /// <summary>
    /// Pi's header ({"type":"session","id",…}) with its cwd in an OpenClaw workspace, where OpenClaw runs its sessions
    /// unless configured otherwise. Every other line is Pi's too: a file of a workspace elsewhere is told by its place.
    /// </summary>
    public int Score(JsonHead head) =>
        head.Type == "session" && head.Has("id") && OpenClawHome.IsWorkspace(head.String("cwd")) ? DetectionScore.Certain : DetectionScore.None;

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null)
    {
        // Each sessions folder's index, loaded once per run and reported once if damaged.
        var indexes = new ConcurrentDictionary<string, Sidecar<OpenClawIndex>>(StringComparer.Ordinal);
        Sidecar<OpenClawIndex> IndexIn(string folder) =>
            indexes.GetOrAdd(folder, f => SidecarFile.LoadDocument(Path.Combine(f, OpenClawHome.IndexName), OpenClawIndex.Read));
        var files = PiFileScan.Begin(options, (source, diagnostics) => OpenClawSessionFacts.Target(source, IndexIn, diagnostics));
        return new Scan(files, new OpenClawDatabaseScan(options));
    }

    /// <summary>The database's sessions through <see cref="OpenClawDatabaseScan"/>, every other source as the session file it is.</summary>
    private sealed class Scan : IMultiRecordScan
    {
        private readonly IRolloutScan _files;
        private readonly OpenClawDatabaseScan _database;

        public Scan(IRolloutScan files, OpenClawDatabaseScan database)
        {
            _files = files;
            _database = database;
        }

        public ReadResult Read(TraceSource source, CancellationToken cancellation) =>
            OpenClawHome.IsDatabase(source.Path) ? _database.Read(source, cancellation) : _files.Read(source, cancellation);

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation) =>
            OpenClawHome.IsDatabase(source.Path) ? _database.ReadEach(source, cancellation)
            : _files is IMultiRecordScan each ? each.ReadEach(source, cancellation)
            : new[] { _files.Read(source, cancellation) };
    }

    private static bool HasAgentSessions(string agents)
    {
        try
        {
            return Directory.Exists(agents) && Directory.EnumerateDirectories(agents).Any(agent =>
                Directory.Exists(Path.Combine(agent, "sessions")) || File.Exists(Path.Combine(agent, "agent", OpenClawHome.DatabaseName)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
