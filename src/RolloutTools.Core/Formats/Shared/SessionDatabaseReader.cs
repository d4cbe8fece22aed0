using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Shared;

/// <summary>
/// The reader of an agent that keeps its sessions as the rows of one SQLite database in its data folder (Zed's
/// threads.db, Crush's crush.db, Devin CLI's sessions.db, Kiro CLI's data.sqlite3). A format says what it is
/// (<see cref="Format"/>, <see cref="SourceKind"/>), where its home is (<see cref="DatabaseName"/>,
/// <see cref="DefaultLocations"/>, <see cref="IsLaidOut"/>), and how one row reads (its
/// <see cref="SessionDatabaseScan{TDatabase, TRow}"/>); the rest is the same for every such store.
/// </summary>
/// <remarks>
/// Not generic, and only Core's formats derive from it: their databases and rows are Core's own (internal) types,
/// which a public reader's base class could not name.
/// </remarks>
public abstract class SessionDatabaseReader : IRolloutReader
{
    private IReadOnlyList<string>? _filePatterns;

    private protected SessionDatabaseReader()
    {
    }

    public abstract RolloutFormat Format { get; }

    public abstract string SourceKind { get; }

    public IReadOnlyList<string> FilePatterns => _filePatterns ??= new[] { DatabaseName };

    public virtual IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public abstract IReadOnlyList<string> DefaultLocations();

    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), IsLaidOut);

    /// <summary>The database sits at the top of the agent's folder; nothing below it is a session store.</summary>
    public virtual LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) =>
        SessionLocator.InStore(this, store, search, registry, maxDepth: 0);

    /// <summary>One reference per session row (see <see cref="SessionRows.In"/>), so -Id and -Since read only the sessions asked for.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => SessionRows.In(path, this, NewScan().Sessions);

    public bool IsTraceFile(string path) => IsDatabase(path);

    public bool IsSidecarFile(string path) => false;

    /// <summary>The database is SQLite, which no JSON head describes: its name (and for some, its place) claims it.</summary>
    public int Score(JsonHead head) => DetectionScore.None;

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => NewScan();

    /// <summary>The database's file name, as the agent writes it.</summary>
    private protected abstract string DatabaseName { get; }

    /// <summary>Whether a file is the agent's database: its name says so, unless other programs use the name too.</summary>
    private protected virtual bool IsDatabase(string path) => Path.GetFileName(path).Equals(DatabaseName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a folder is laid out as the agent's own store, to be read whole as its default location is.</summary>
    private protected abstract bool IsLaidOut(string folder);

    private protected abstract SessionDatabaseScan NewScan();
}

/// <summary>The reading of a <see cref="SessionDatabaseReader"/>'s databases in one run.</summary>
internal abstract class SessionDatabaseScan : IMultiRecordScan
{
    public abstract ReadResult Read(TraceSource source, CancellationToken cancellation);

    public abstract IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation);

    /// <summary>Opens the database at the path and lists its sessions' ids and last activity; throws when it cannot.</summary>
    public abstract IReadOnlyList<(string Id, DateTimeOffset? LastActivity)> Sessions(string path);
}

/// <summary>
/// A <see cref="SessionDatabaseScan"/> over the rows of one kind of database: each database is opened and listed
/// through <see cref="Database"/> (once per run, however many of its rows are read), and each row read by
/// <see cref="ReadRow"/>.
/// </summary>
internal abstract class SessionDatabaseScan<TDatabase, TRow> : SessionDatabaseScan
    where TDatabase : class, IAgentDatabase
    where TRow : IDatedSessionRow
{
    private readonly string _rowName;
    private readonly Func<string, TDatabase> _open;
    private readonly Func<TDatabase, DiagnosticList, IReadOnlyList<TRow>> _rows;

    /// <param name="agent">The agent's name, as messages say it ("Zed", "Devin CLI").</param>
    /// <param name="rowName">What the agent calls a session ("session", "thread", "conversation").</param>
    /// <param name="open">Opens the store; throws as <see cref="SessionDatabase{TDb, TRow}"/> expects.</param>
    /// <param name="rows">Lists its session rows, reporting rows it cannot use.</param>
    protected SessionDatabaseScan(string agent, string rowName, Func<string, TDatabase> open, Func<TDatabase, DiagnosticList, IReadOnlyList<TRow>> rows)
    {
        _rowName = rowName;
        _open = open;
        _rows = rows;
        Database = new SessionDatabase<TDatabase, TRow>(agent, open, rows);
    }

    protected SessionDatabase<TDatabase, TRow> Database { get; }

    public sealed override ReadResult Read(TraceSource source, CancellationToken cancellation) =>
        ReadEach(source, cancellation).FirstOrDefault() ?? new ReadResult(source, null, $"it holds no {_rowName}", Array.Empty<RolloutDiagnostic>());

    public sealed override IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation) =>
        Database.Read(source, (db, row, parents) => ReadRow(source, db, row, parents, cancellation), cancellation);

    /// <summary>The rows a listing cannot use are told when the database is read, not when it is located.</summary>
    public sealed override IReadOnlyList<(string Id, DateTimeOffset? LastActivity)> Sessions(string path)
    {
        using var db = _open(path);
        return _rows(db, new DiagnosticList(path)).Select(r => (r.Id, r.LastActivity)).ToArray();
    }

    /// <summary>Reads one session row into its record, or says why there is none.</summary>
    /// <param name="parents">Every session row's parent by id.</param>
    protected abstract ReadResult ReadRow(TraceSource source, TDatabase db, TRow row, IReadOnlyDictionary<string, string?> parents, CancellationToken cancellation);

    /// <summary>A row whose own query gave nothing (see <see cref="SessionRows.Missing"/>).</summary>
    protected ReadResult Missing(TraceSource source, string id, DiagnosticList diagnostics) => SessionRows.Missing(source, _rowName, id, diagnostics);
}
