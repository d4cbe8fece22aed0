using Microsoft.Data.Sqlite;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Goose;

/// <summary>
/// Goose (block/goose), CLI and desktop: the sessions folder of its data directory (see <see cref="GooseHome"/>) holds
/// sessions.db (one record per session row) and the &lt;id&gt;.jsonl files of earlier versions (one record each). Goose
/// copied those files into the database when it created it and left them: a session both hold is read once, from the
/// database, and its file is skipped with a note saying so.
/// </summary>
public sealed class GooseReader : IRolloutReader
{
    /// <summary>Goose's own override of every folder it uses (config/paths.rs): sessions are under &lt;root&gt;/data/sessions.</summary>
    public const string PathRootVariable = "GOOSE_PATH_ROOT";

    public RolloutFormat Format => RolloutFormat.Goose;

    public string SourceKind => GooseRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { GooseHome.DatabaseName, "*.jsonl" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => new[] { GooseHome.Default() };

    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), GooseHome.IsLaidOut);

    /// <summary>Sessions sit at the top of the sessions folder; goose keeps nothing below it worth walking.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 0);

    /// <summary>
    /// The database: one reference per session row, with its id and last activity, so -Id and -Since read only the
    /// sessions asked for; goose runs SQLite in WAL mode, so its -wal file counts too. A database that cannot be
    /// listed is one reference, whose reading says what is wrong. A legacy file is named after its session.
    /// </summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        if (GooseHome.StoreOf(path) != GooseStore.Database) return new[] { SessionReference.OfFile(path, this, new NamedIds(GooseHome.SessionIdOf(path))) };
        return SessionRows.In(path, this, store =>
        {
            using var db = GooseDatabase.Open(store);
            return db.Sessions().Select(s => (s.Id, s.LastActivity)).ToArray();
        });
    }

    public bool IsTraceFile(string path) => GooseHome.StoreOf(path) is not null;

    public bool IsSidecarFile(string path) => false;

    /// <summary>
    /// Certain of a legacy file's metadata line (description, message_count and working_dir, no role); weakly of a
    /// message line (role, created and content, with the visibility metadata goose writes), which others could
    /// resemble. sessions.db is SQLite, which no JSON head describes: its name claims it.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Type is not null) return DetectionScore.None;
        if (!head.Has("role") && head.Has("description") && head.Has("message_count"))
        {
            return head.Has("working_dir") ? DetectionScore.Certain : DetectionScore.Likely;
        }
        return head.Has("role") && head.Has("created") && head.Has("content") && head.Has("metadata") ? DetectionScore.Weak : DetectionScore.None;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan(sources);

    private sealed class Scan : IMultiRecordScan
    {
        private readonly SessionDatabase<GooseDatabase, GooseSessionRow> _database = new("Goose", GooseDatabase.Open, (db, _) => db.Sessions());

        /// <summary>(sessions folder, session id) → the database of this run that holds the session.</summary>
        private readonly Dictionary<(string Folder, string Id), string> _inDatabase = new();

        public Scan(IReadOnlyList<TraceSource> sources)
        {
            foreach (var source in sources.Where(s => s.IsFile).DistinctBy(s => s.Path))
            {
                if (GooseHome.StoreOf(source.Path) != GooseStore.Database) continue;
                try
                {
                    using var db = GooseDatabase.Open(source.Path);
                    foreach (var row in db.Sessions()) _inDatabase.TryAdd((FolderOf(source.Path), row.Id), source.Path);
                }
                catch (Exception e) when (e is SqliteException or NotAgentStoreException or IOException or UnauthorizedAccessException)
                {
                    // Reading the database reports what is wrong with it; its sessions claim nothing.
                }
            }
        }

        private static string FolderOf(string path) => Path.GetDirectoryName(Path.GetFullPath(path)) ?? string.Empty;

        public ReadResult Read(TraceSource source, CancellationToken cancellation) =>
            ReadEach(source, cancellation).FirstOrDefault() ?? new ReadResult(source, null, "it holds no session", Array.Empty<RolloutDiagnostic>());

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation) =>
            source.IsFile && GooseHome.StoreOf(source.Path) == GooseStore.Database
                ? _database.Read(source, (db, row, _) => ReadSession(source, db, row, cancellation), cancellation)
                : new[] { ReadLegacy(source, cancellation) };

        private ReadResult ReadLegacy(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var id = GooseHome.SessionIdOf(source.Path);
            if (source.IsFile && _inDatabase.TryGetValue((FolderOf(source.Path), id), out var database))
            {
                return new ReadResult(source, null,
                    $"session {id} is read from '{database}' instead (goose copied its session files into the database when it created it)",
                    diagnostics.Items);
            }
            GooseSession session;
            using (var stream = source.Open())
            {
                session = GooseLegacy.Read(stream, source.Path, diagnostics, cancellation);
            }
            return SessionRows.Outcome(source, session.Id, session.Messages.Count, () => GooseRecords.Build(session, source.Path, diagnostics), diagnostics);
        }

        private ReadResult ReadSession(TraceSource source, GooseDatabase db, GooseSessionRow row, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var session = _database.Query(diagnostics, $"read session {row.Id}", () =>
            {
                if (db.Session(row.Id, diagnostics) is not { } read) return null;
                db.ReadMessages(read, diagnostics, cancellation);
                return read;
            });
            if (session is null) return SessionRows.Missing(source, "session", row.Id, diagnostics);
            if (session.Messages.Count == 0 && diagnostics.ErrorCount == 0) _database.CheckDamage(source.Path, row.Id, db.Damage, diagnostics);
            return SessionRows.Outcome(source, session.Id, session.Messages.Count, () => GooseRecords.Build(session, source.Path, diagnostics), diagnostics);
        }
    }
}
