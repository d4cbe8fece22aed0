using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Crush;

/// <summary>
/// Crush (charmbracelet/crush): each project's data directory holds crush.db, one record per session row (see
/// <see cref="CrushHome"/>). The default location is Crush's global data folder, whose projects.json lists the
/// projects' data directories; a project's .crush/crush.db is also found beside the other traces of a folder named
/// (without -Recurse), and a crush.db by its name anywhere.
/// </summary>
public sealed class CrushReader : IRolloutReader
{
    /// <summary>Crush's override of its global data folder (internal/config/load.go GlobalConfigData).</summary>
    public const string GlobalDataVariable = "CRUSH_GLOBAL_DATA";

    public RolloutFormat Format => RolloutFormat.Crush;

    public string SourceKind => CrushRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { CrushHome.DatabaseName };

    /// <summary>A project folder's data directory, where Crush puts it by default.</summary>
    public IReadOnlyList<string> AttachedTracePatterns { get; } = new[] { $"{CrushHome.DataFolderName}/{CrushHome.DatabaseName}" };

    public IReadOnlyList<string> DefaultLocations() => new[] { CrushHome.GlobalData() };

    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), CrushHome.IsLaidOut);

    /// <summary>
    /// The crush.db of every project the global data folder's projects.json lists, each once (several working folders
    /// of one repository share its .crush); a data directory without a database (removed, or on another machine) is
    /// passed over. A projects.json that is not Crush's JSON is reported as the folder's problem.
    /// </summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry)
    {
        IReadOnlyList<CrushProject> projects;
        try
        {
            projects = CrushHome.Projects(store);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return new LocatedSessions(Array.Empty<SessionReference>(),
                new[] { new UnreadableFolder(store, new InvalidDataException($"its {CrushHome.ProjectsFile} cannot be read: {e.Message}", e)) });
        }
        var databases = projects
            .Select(p => Path.GetFullPath(Path.Combine(p.DataDir, CrushHome.DatabaseName)))
            .Distinct(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase)
            .Where(db => File.Exists(db) && TraceFileFinder.MatchesFilter(Path.GetFileName(db), search.Filter))
            .Order(StringComparer.Ordinal);
        return new LocatedSessions(databases.SelectMany(SessionsIn).ToArray(), Array.Empty<UnreadableFolder>());
    }

    /// <summary>
    /// One reference per session row, with its id and last activity, so -Id and -Since read only the sessions asked
    /// for; Crush runs SQLite in WAL mode, so its -wal file counts too. A database that cannot be listed is one
    /// reference, whose reading says what is wrong.
    /// </summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => SessionRows.In(path, this, store =>
    {
        using var db = CrushDatabase.Open(store);
        return db.Sessions().Select(s => (s.Id, s.LastActivity)).ToArray();
    });

    public bool IsTraceFile(string path) => CrushHome.IsDatabase(path);

    public bool IsSidecarFile(string path) => false;

    /// <summary>crush.db is SQLite, which no JSON head describes: its name claims it.</summary>
    public int Score(JsonHead head) => DetectionScore.None;

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IMultiRecordScan
    {
        private readonly SessionDatabase<CrushDatabase, CrushSessionRow> _database = new("Crush", CrushDatabase.Open, (db, _) => db.Sessions());

        /// <summary>The projects Crush lists in its global data folder, read once a database needs its working folder.</summary>
        private readonly Lazy<IReadOnlyList<CrushProject>> _projects = new(ListedProjects);

        public ReadResult Read(TraceSource source, CancellationToken cancellation) =>
            ReadEach(source, cancellation).FirstOrDefault() ?? new ReadResult(source, null, "it holds no session", Array.Empty<RolloutDiagnostic>());

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation) =>
            _database.Read(source, (db, row, parents) => ReadSession(source, db, row, parents, cancellation), cancellation);

        /// <summary>A projects.json that cannot be read only costs the working folders it would name; the database's place still tells most.</summary>
        private static IReadOnlyList<CrushProject> ListedProjects()
        {
            try
            {
                return CrushHome.Projects(CrushHome.GlobalData());
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                return Array.Empty<CrushProject>();
            }
        }

        private ReadResult ReadSession(TraceSource source, CrushDatabase db, CrushSessionRow row, IReadOnlyDictionary<string, string?> parents, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var session = _database.Query(diagnostics, $"read session {row.Id}", () =>
            {
                if (db.Session(row.Id) is not { } read) return null;
                read.RootId = SessionRows.Root(row.Id, parents);
                read.ChildIds = parents.Where(p => p.Value == row.Id).Select(p => p.Key).ToArray();
                read.WorkingFolder = source.IsFile ? CrushHome.WorkingFolderOf(source.Path, _projects.Value) : null;
                db.ReadMessages(read, diagnostics, cancellation);
                return read;
            });
            if (session is null) return SessionRows.Missing(source, "session", row.Id, diagnostics);
            if (session.Messages.Count == 0 && diagnostics.ErrorCount == 0) _database.CheckDamage(source.Path, row.Id, db.Damage, diagnostics);
            return SessionRows.Outcome(source, session.Id, session.Messages.Count, () => CrushRecords.Build(session, source.Path, diagnostics), diagnostics);
        }
    }
}
