using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Shared;

/// <summary>An agent's SQLite store, opened read-only through <see cref="ReadOnlySqlite"/> for one read.</summary>
internal interface IAgentDatabase : IDisposable
{
    /// <summary>Opened as an immutable copy, because its write-ahead log could not be opened read-only (read-only media).</summary>
    bool IsImmutableCopy { get; }
}

/// <summary>A session row of an agent's database: its id, and the session it continues or was spawned from.</summary>
internal interface ISessionRow
{
    string Id { get; }

    string? ParentId { get; }
}

/// <summary>A session row that says when its session last changed, so -Since passes over it before it is read.</summary>
internal interface IDatedSessionRow : ISessionRow
{
    DateTimeOffset? LastActivity { get; }
}

/// <summary>
/// The references of an agent's SQLite store: one per session row, with the row's id and when the session last
/// changed, so -Id and -Since pass over rows before anything is read. Each depends on the store's write-ahead log,
/// where new rows sit until a checkpoint (the database file's own time can be days behind). A store that cannot be
/// listed, or lists no session, is one reference, whose reading says what is wrong.
/// </summary>
internal static class SessionRows
{
    /// <param name="list">Opens the store at the path and lists its sessions' ids and last activity.</param>
    public static IReadOnlyList<SessionReference> In(string path, IRolloutReader reader, Func<string, IReadOnlyList<(string Id, DateTimeOffset? LastActivity)>> list)
    {
        var wal = new[] { path + "-wal" };
        try
        {
            var sessions = list(path);
            if (sessions.Count > 0)
            {
                return sessions
                    .Select(s => new SessionReference(TraceSource.FromFile(path, s.Id), reader) { Ids = new NamedIds(s.Id), LastActivity = s.LastActivity, DependsOn = wal })
                    .ToArray();
            }
        }
        catch (Exception e) when (e is SqliteException or NotAgentStoreException or IOException or UnauthorizedAccessException)
        {
            // Reading the database whole reports what is wrong with it.
        }
        return new[] { SessionReference.OfFile(path, reader) with { DependsOn = wal } };
    }

    /// <summary>
    /// What reading one session gave (a database's row, or a file of the same agent): its record; or, with none, why: its messages could not be read
    /// (the errors are told), they hold nothing to show (a warning), or there is no message yet (a skip).
    /// </summary>
    /// <param name="build">Builds the record of a session that has messages.</param>
    public static ReadResult Outcome(TraceSource source, string sessionId, int messages, Func<RolloutRecord> build, DiagnosticList diagnostics)
    {
        var record = messages == 0 ? null : build();
        if (record is { Messages.Count: > 0 }) return new ReadResult(source, record, null, diagnostics.Items);
        if (diagnostics.ErrorCount > 0)
        {
            diagnostics.NoRecord($"no message of session {sessionId} could be read; no record.");
            return new ReadResult(source, null, null, diagnostics.Items);
        }
        if (record is not null)
        {
            diagnostics.Warn(RolloutDiagnostic.NoUsableLines, null, $"the {messages} messages of session {sessionId} hold nothing to show (no text, call or result); no record.");
            return new ReadResult(source, null, null, diagnostics.Items);
        }
        return new ReadResult(source, null, $"session {sessionId} holds no message yet", diagnostics.Items);
    }

    /// <summary>
    /// A session whose own query gave nothing: gone since the store was listed (a skip, as deleted files are), or, when
    /// the query failed, no record and the errors that say why.
    /// </summary>
    /// <param name="what">What the agent calls a session ("session", "thread", "conversation").</param>
    public static ReadResult Missing(TraceSource source, string what, string sessionId, DiagnosticList diagnostics) =>
        new(source, null, diagnostics.ErrorCount == 0 ? $"{what} {sessionId} is no longer in the database" : null, diagnostics.Items);

    /// <summary>The first session up a row's chain of parents (a sub-agent's, a continuation's), stopping at a loop.</summary>
    /// <param name="parents">Every session row's parent by id, as <see cref="SessionDatabase{TDb, TRow}.Read"/> hands them over.</param>
    public static string Root(string id, IReadOnlyDictionary<string, string?> parents)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { id };
        while (parents.GetValueOrDefault(id) is { Length: > 0 } parent && seen.Add(parent)) id = parent;
        return id;
    }
}

/// <summary>A file that opens as SQLite but lacks the agent's tables: some other program's database.</summary>
internal sealed class NotAgentStoreException : Exception
{
    public NotAgentStoreException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Reads the sessions of an agent's database (Hermes' state.db, OpenCode's opencode.db): the whole database, or the one
/// session a reference's key names (see <see cref="IRolloutReader.SessionsIn"/>). The sessions are listed once per
/// scan, however many of them are read; the problems of opening and listing the database are told once, with the whole
/// database or with its first session. A locked database is a clear error after SQLite's wait, a damaged query costs
/// its own session, and a database without the agent's tables gives no record.
/// </summary>
internal sealed class SessionDatabase<TDb, TRow>
    where TDb : class, IAgentDatabase
    where TRow : ISessionRow
{
    private readonly ConcurrentDictionary<string, Lazy<Listing>> _listings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DamageCheck> _damage = new(StringComparer.Ordinal);
    private readonly string _agent;
    private readonly Func<string, TDb> _open;
    private readonly Func<TDb, DiagnosticList, IReadOnlyList<TRow>> _sessions;

    /// <param name="agent">The agent's name, as messages say it ("Hermes", "OpenCode").</param>
    /// <param name="open">Opens the store; throws <see cref="SqliteException"/> or <see cref="NotAgentStoreException"/>.</param>
    /// <param name="sessions">Lists its session rows, reporting rows it cannot use.</param>
    public SessionDatabase(string agent, Func<string, TDb> open, Func<TDb, DiagnosticList, IReadOnlyList<TRow>> sessions)
    {
        _agent = agent;
        _open = open;
        _sessions = sessions;
    }

    /// <summary>Reads the sessions <paramref name="source"/> names, each through <paramref name="readSession"/> with every session's parent by id.</summary>
    public IEnumerable<ReadResult> Read(TraceSource source, Func<TDb, TRow, IReadOnlyDictionary<string, string?>, ReadResult> readSession, CancellationToken cancellation) =>
        ReadMany(source, (db, session, parents) => new[] { readSession(db, session, parents) }, cancellation);

    /// <summary>As <see cref="Read"/>, for a store whose session can give several records (OpenClaw's, one per branch when every branch is asked for).</summary>
    public IEnumerable<ReadResult> ReadMany(TraceSource source, Func<TDb, TRow, IReadOnlyDictionary<string, string?>, IReadOnlyList<ReadResult>> readSession, CancellationToken cancellation)
    {
        var path = source.Path;
        var opening = new DiagnosticList(path);
        var db = Open(path, opening);
        if (db is null)
        {
            yield return new ReadResult(source, null, null, opening.Items);
            yield break;
        }
        using (db)
        {
            var listing = _listings.GetOrAdd(path, _ => new Lazy<Listing>(() => List(db, path))).Value;
            var first = source.Key is null || source.Key == listing.Sessions.FirstOrDefault()?.Id;
            if (first && db.IsImmutableCopy)
            {
                opening.Add(new RolloutDiagnostic(DiagnosticSeverity.Note, RolloutDiagnostic.ReadError, path, null,
                    $"{path}: read as a finished copy (immutable): its write-ahead log cannot be opened read-only here."));
            }
            if (first) foreach (var problem in listing.Problems) opening.Add(problem);
            var sessions = source.Key is { } key ? listing.Sessions.Where(s => s.Id == key).ToArray() : listing.Sessions;
            if (sessions.Count == 0)
            {
                var why = source.Key is { } gone ? $"session {gone} is no longer in the database"
                    : opening.ErrorCount == 0 ? "it holds no session yet" : null;
                yield return new ReadResult(source, null, why, opening.Items);
                yield break;
            }
            if (source.Key is null && opening.Items.Count > 0) yield return new ReadResult(source, null, null, opening.Items);
            foreach (var session in sessions)
            {
                cancellation.ThrowIfCancellationRequested();
                var results = readSession(db, session, listing.Parents);
                for (var i = 0; i < results.Count; i++)
                {
                    var result = results[i];
                    yield return i == 0 && source.Key is not null && opening.Items.Count > 0 ? result with { Diagnostics = opening.Items.Concat(result.Diagnostics).ToArray() } : result;
                }
            }
        }
    }

    /// <summary>One query against the store; a locked or damaged database costs this query's session only.</summary>
    public T? Query<T>(DiagnosticList diagnostics, string what, Func<T?> query)
        where T : class
    {
        try
        {
            return query();
        }
        catch (SqliteException e) when (ReadOnlySqlite.IsBusy(e))
        {
            diagnostics.Error(RolloutDiagnostic.ReadError, null, $"could not {what}: {Busy()}");
        }
        catch (SqliteException e)
        {
            diagnostics.Error(RolloutDiagnostic.ReadError, null, $"could not {what}: {e.Message}");
        }
        return null;
    }

    /// <summary>
    /// For a session that shows no message: usually one just begun, but a damaged file that SQLite reads as empty
    /// pages looks the same, and only SQLite's own check (<paramref name="damage"/>) tells them apart. It runs then,
    /// once per database; damage found is an error of the session, which then gives no record.
    /// </summary>
    public void CheckDamage(string path, string sessionId, Func<string?> damage, DiagnosticList diagnostics)
    {
        if (Query(diagnostics, "check the database", () => _damage.GetOrAdd(path, _ => new DamageCheck(damage()))) is { Finding: { } finding })
        {
            diagnostics.Error(RolloutDiagnostic.ReadError, null, $"session {sessionId} shows no message, and the database is damaged ({finding}); no record.");
        }
    }

    private TDb? Open(string path, DiagnosticList diagnostics)
    {
        try
        {
            return _open(path);
        }
        catch (SqliteException e) when (ReadOnlySqlite.IsBusy(e))
        {
            diagnostics.Error(RolloutDiagnostic.ReadError, null, Busy());
        }
        catch (SqliteException e)
        {
            var possessive = _agent.EndsWith('s') ? _agent + "'" : _agent + "'s";
            diagnostics.Error(RolloutDiagnostic.ReadError, null, $"not readable as {possessive} SQLite store: {e.Message}");
        }
        catch (NotAgentStoreException e)
        {
            diagnostics.NoRecord($"{e.Message}; no record.");
        }
        return null;
    }

    private Listing List(TDb db, string path)
    {
        var problems = new DiagnosticList(path);
        var sessions = Query(problems, "list its sessions", () => _sessions(db, problems)) ?? Array.Empty<TRow>();
        var parents = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var session in sessions) parents.TryAdd(session.Id, session.ParentId);
        return new Listing(sessions, parents, problems.Items);
    }

    private string Busy() =>
        $"the database is locked by another program ({_agent} committing, or a tool holding a lock); gave up after waiting {ReadOnlySqlite.BusyTimeout.TotalSeconds:0.#} s. Try again in a moment.";

    private sealed record DamageCheck(string? Finding);

    private sealed record Listing(IReadOnlyList<TRow> Sessions, IReadOnlyDictionary<string, string?> Parents, IReadOnlyList<RolloutDiagnostic> Problems);
}
