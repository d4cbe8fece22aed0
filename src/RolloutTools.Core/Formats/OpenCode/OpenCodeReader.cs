using System.Text.Json;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.OpenCode;

/// <summary>
/// OpenCode (sst/opencode, now anomalyco/opencode) and its fork Kilo CLI, which keeps the same stores under its
/// own name: the data folder (see <see cref="OpenCodeHome"/>) holds the SQLite database of 1.2 and later (one
/// record per session row) and the per-file JSON tree of earlier versions (one record per session file, its
/// message and part files read with it). OpenCode copied the tree into the database when it moved, and left the
/// files: a session both hold is read once, from the database; its session file is skipped with a note saying so.
/// </summary>
public sealed class OpenCodeReader : IRolloutReader
{
    public RolloutFormat Format => RolloutFormat.OpenCode;

    public string SourceKind => OpenCodeRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "opencode*.db", "kilo*.db", "ses_*.json" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    /// <summary>OpenCode's data folder, then Kilo CLI's: $XDG_DATA_HOME/opencode and $XDG_DATA_HOME/kilo (~/.local/share on every OS).</summary>
    public IReadOnlyList<string> DefaultLocations() => OpenCodeHome.Defaults();

    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), OpenCodeHome.IsLaidOut);

    /// <summary>
    /// The databases at the top of the data folder and the session files of storage/session/&lt;project&gt;/;
    /// the folder's other trees (message and part files by the hundred thousand, snapshots, logs) are not walked.
    /// </summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry)
    {
        var top = TraceFileFinder.Find(store, new IRolloutReader[] { this }, search with { Recurse = true, MaxDepth = 0 }, registry);
        var sessions = Path.Combine(store, OpenCodeHome.StorageFolder, "session");
        var tree = Directory.Exists(sessions)
            ? TraceFileFinder.Find(sessions, new IRolloutReader[] { this }, search with { Recurse = true, MaxDepth = 1 }, registry)
            : new FoundTraces(Array.Empty<FoundTrace>(), Array.Empty<UnreadableFolder>());
        return new LocatedSessions(
            top.Files.Concat(tree.Files).SelectMany(f => SessionsIn(f.Path)).ToArray(),
            top.UnreadableFolders.Concat(tree.UnreadableFolders).ToArray());
    }

    /// <summary>
    /// A database: one reference per session row, with its id (a child session's id is also its agent id) and
    /// its last activity from the rows' times; OpenCode runs the database in WAL mode, so its -wal file counts
    /// too. A database that cannot be listed is one reference, whose reading says what is wrong. A session file:
    /// one reference named after the session, depending on its message and part files.
    /// </summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        if (OpenCodeHome.StoreOf(path) == OpenCodeStore.JsonStorage)
        {
            var id = Path.GetFileNameWithoutExtension(path);
            return new[] { SessionReference.OfFile(path, this, new NamedIds(id)) with { DependsOn = OpenCodeHome.TreeFilesOf(path) } };
        }
        var wal = new[] { path + "-wal" };
        try
        {
            using var db = OpenCodeDatabase.Open(path);
            var sessions = db.Sessions();
            if (sessions.Count > 0)
            {
                return sessions
                    .Select(s => new SessionReference(TraceSource.FromFile(path, s.Id), this)
                    {
                        Ids = new NamedIds(s.Id, string.IsNullOrEmpty(s.ParentId) ? null : s.Id),
                        LastActivity = s.LastActivity,
                        DependsOn = wal,
                    })
                    .ToArray();
            }
        }
        catch (Exception e) when (e is SqliteException or NotAgentStoreException or IOException or UnauthorizedAccessException)
        {
            // Reading the database whole reports what is wrong with it.
        }
        return new[] { SessionReference.OfFile(path, this) with { DependsOn = wal } };
    }

    public bool IsTraceFile(string path) => OpenCodeHome.StoreOf(path) is not null;

    /// <summary>The message and part files of the JSON tree: pieces of a session, read with its session file.</summary>
    public bool IsSidecarFile(string path) => OpenCodeHome.IsMessageOrPartFile(path);

    /// <summary>
    /// Certain of a session file of the JSON tree (Session.Info: an "ses_" id with projectID and directory);
    /// the databases are SQLite, which no JSON head describes: their names claim them.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Type is not null || !head.Has("projectID") || !head.Has("directory")) return DetectionScore.None;
        return head.String("id") is { } id && id.StartsWith("ses_", StringComparison.Ordinal) ? DetectionScore.Certain : DetectionScore.Likely;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan(sources);

    private sealed class Scan : IMultiRecordScan
    {
        private readonly SessionDatabase<OpenCodeDatabase, OpenCodeSessionRow> _database = new("OpenCode", OpenCodeDatabase.Open, (db, _) => db.Sessions());

        /// <summary>(data folder, session id) → the database of this run that holds the session.</summary>
        private readonly Dictionary<(string Folder, string Id), string> _inDatabase = new();

        public Scan(IReadOnlyList<TraceSource> sources)
        {
            foreach (var source in sources.Where(s => s.IsFile).DistinctBy(s => s.Path))
            {
                if (OpenCodeHome.StoreOf(source.Path) != OpenCodeStore.Database) continue;
                var folder = OpenCodeHome.DataFolderOf(source.Path);
                try
                {
                    using var db = OpenCodeDatabase.Open(source.Path);
                    foreach (var row in db.Sessions()) _inDatabase.TryAdd((folder, row.Id), source.Path);
                }
                catch (Exception e) when (e is SqliteException or NotAgentStoreException or IOException or UnauthorizedAccessException)
                {
                    // Reading the database reports what is wrong with it; its sessions claim nothing.
                }
            }
        }

        public ReadResult Read(TraceSource source, CancellationToken cancellation) =>
            ReadEach(source, cancellation).FirstOrDefault() ?? new ReadResult(source, null, "it holds no session", Array.Empty<RolloutDiagnostic>());

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation) =>
            source.IsFile && OpenCodeHome.StoreOf(source.Path) == OpenCodeStore.Database
                ? ReadDatabase(source, cancellation)
                : new[] { ReadSessionFile(source, cancellation) };

        private ReadResult ReadSessionFile(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var id = Path.GetFileNameWithoutExtension(source.Path);
            if (source.IsFile && _inDatabase.TryGetValue((OpenCodeHome.DataFolderOf(source.Path), id), out var database))
            {
                return new ReadResult(source, null,
                    $"session {id} is read from '{database}' instead (OpenCode copied its JSON storage into the database when it moved to SQLite, and writes only there since)",
                    diagnostics.Items);
            }
            OpenCodeSession? session;
            using (var stream = source.Open())
            {
                session = OpenCodeTree.Read(source.Path, stream, diagnostics, cancellation);
            }
            if (session is { Messages.Count: 0 } && diagnostics.ErrorCount == 0)
            {
                // As an empty transcript file is: the session began, and nothing of it is on disk yet (or was copied with it).
                diagnostics.Warn(RolloutDiagnostic.EmptyFile, null, $"session {id} has no message files (storage/message/{id}/) yet; no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            return Result(source, session, diagnostics);
        }

        private IEnumerable<ReadResult> ReadDatabase(TraceSource source, CancellationToken cancellation) =>
            _database.Read(source, (db, row, parents) => ReadSession(source, db, row, parents, cancellation), cancellation);

        private ReadResult ReadSession(TraceSource source, OpenCodeDatabase db, OpenCodeSessionRow row, IReadOnlyDictionary<string, string?> parents, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var session = _database.Query(diagnostics, $"read session {row.Id}", () =>
            {
                if (db.Session(row.Id) is not { } info) return null;
                info.RootId = SessionRows.Root(row.Id, parents);
                var read = new OpenCodeSession { Info = info, Store = OpenCodeStore.Database };
                db.ReadMessages(read, diagnostics, cancellation);
                return read;
            });
            if (session is null) return SessionRows.Missing(source, "session", row.Id, diagnostics);
            // Only a session changed after it began can have lost messages it had: deleted ones, or damage.
            if (session is { Messages.Count: 0, Info: { Created: { } created, Updated: { } updated } } && updated > created && diagnostics.ErrorCount == 0)
            {
                _database.CheckDamage(source.Path, row.Id, db.Damage, diagnostics);
            }
            return Result(source, session, diagnostics);
        }

        private static ReadResult Result(TraceSource source, OpenCodeSession? session, DiagnosticList diagnostics)
        {
            if (session is null) return new ReadResult(source, null, null, diagnostics.Items);
            var record = session.Messages.Count == 0 ? null : OpenCodeRecords.Build(session, source.Path, diagnostics);
            if (record is { Messages.Count: 0 } && diagnostics.ErrorCount == 0)
            {
                diagnostics.Warn(RolloutDiagnostic.NoUsableLines, null, $"the {session.Messages.Count} messages of session {session.Info.Id} hold nothing to show (no text, call or result); no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            if (record is null || record.Messages.Count == 0)
            {
                if (diagnostics.ErrorCount > 0)
                {
                    diagnostics.NoRecord($"no message of session {session.Info.Id} could be read; no record.");
                    return new ReadResult(source, null, null, diagnostics.Items);
                }
                return new ReadResult(source, null, $"session {session.Info.Id} holds no message yet", diagnostics.Items);
            }
            return new ReadResult(source, record, null, diagnostics.Items);
        }
    }
}
