using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Crush;

/// <summary>
/// Crush (charmbracelet/crush): each project's data directory holds crush.db, one record per session row (see
/// <see cref="CrushHome"/>). The default location is Crush's global data folder, whose projects.json lists the
/// projects' data directories; a project's .crush/crush.db is also found beside the other traces of a folder named
/// (without -Recurse), and a crush.db by its name anywhere.
/// </summary>
public sealed class CrushReader : SessionDatabaseReader
{
    /// <summary>Crush's override of its global data folder (internal/config/load.go GlobalConfigData).</summary>
    public const string GlobalDataVariable = "CRUSH_GLOBAL_DATA";

    public override RolloutFormat Format => RolloutFormat.Crush;

    public override string SourceKind => CrushRecords.SourceKind;

    /// <summary>A project folder's data directory, where Crush puts it by default.</summary>
    public override IReadOnlyList<string> AttachedTracePatterns { get; } = new[] { $"{CrushHome.DataFolderName}/{CrushHome.DatabaseName}" };

    public override IReadOnlyList<string> DefaultLocations() => new[] { CrushHome.GlobalData() };

    private protected override string DatabaseName => CrushHome.DatabaseName;

    private protected override bool IsLaidOut(string folder) => CrushHome.IsLaidOut(folder);

    private protected override SessionDatabaseScan NewScan() => new Scan();

    /// <summary>
    /// The crush.db of every project the global data folder's projects.json lists, each once (several working folders
    /// of one repository share its .crush); a data directory without a database (removed, or on another machine) is
    /// passed over. A projects.json that is not Crush's JSON is reported as the folder's problem.
    /// </summary>
    public override LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry)
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

    private sealed class Scan : SessionDatabaseScan<CrushDatabase, CrushSessionRow>
    {
        /// <summary>The projects Crush lists in its global data folder, read once a database needs its working folder.</summary>
        private readonly Lazy<IReadOnlyList<CrushProject>> _projects = new(ListedProjects);

        public Scan()
            : base("Crush", "session", CrushDatabase.Open, (db, _) => db.Sessions())
        {
        }

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

        protected override ReadResult ReadRow(TraceSource source, CrushDatabase db, CrushSessionRow row, IReadOnlyDictionary<string, string?> parents, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var session = Database.Query(diagnostics, $"read session {row.Id}", () =>
            {
                if (db.Session(row.Id) is not { } read) return null;
                read.RootId = SessionRows.Root(row.Id, parents);
                read.ChildIds = parents.Where(p => p.Value == row.Id).Select(p => p.Key).ToArray();
                read.WorkingFolder = source.IsFile ? CrushHome.WorkingFolderOf(source.Path, _projects.Value) : null;
                db.ReadMessages(read, diagnostics, cancellation);
                return read;
            });
            if (session is null) return Missing(source, row.Id, diagnostics);
            if (session.Messages.Count == 0 && diagnostics.ErrorCount == 0) Database.CheckDamage(source.Path, row.Id, db.Damage, diagnostics);
            return SessionRows.Outcome(source, session.Id, session.Messages.Count, () => CrushRecords.Build(session, source.Path, diagnostics), diagnostics);
        }
    }
}
