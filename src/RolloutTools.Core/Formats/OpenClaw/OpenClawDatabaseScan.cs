using RolloutTools.Core.Formats.Pi;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.OpenClaw;

/// <summary>
/// Reads openclaw-agent.sqlite: each session window is one session, its events (<see cref="OpenClawTranscript"/>)
/// parsed as Pi's entries and built into records as a session file's are, with session_nodes in place of
/// sessions.json. The database is opened read-only and never locked (<see cref="ReadOnlySqlite"/>).
/// </summary>
internal sealed class OpenClawDatabaseScan : IMultiRecordScan
{
    private readonly SessionDatabase<OpenClawDatabase, OpenClawWindowRow> _database = new("OpenClaw", OpenClawDatabase.Open, (db, _) => db.Windows());
    private readonly Dictionary<string, Lazy<NodeIndex>> _indexes = new(StringComparer.Ordinal);
    private readonly ReadOptions? _options;

    public OpenClawDatabaseScan(ReadOptions? options) => _options = options;

    public ReadResult Read(TraceSource source, CancellationToken cancellation) =>
        ReadEach(source, cancellation).FirstOrDefault() ?? new ReadResult(source, null, "it holds no session", Array.Empty<RolloutDiagnostic>());

    public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation) =>
        _database.ReadMany(source, (db, window, _) => ReadWindow(source, db, window, cancellation), cancellation);

    private IReadOnlyList<ReadResult> ReadWindow(TraceSource source, OpenClawDatabase db, OpenClawWindowRow window, CancellationToken cancellation)
    {
        var diagnostics = new DiagnosticList(source.Path);
        var cold = _database.Query(diagnostics, $"read the cold archive row of session {window.Id}", () => db.Cold(window.Id));
        var rows = _database.Query(diagnostics, $"read the events of session {window.Id}", () => db.Events(window.Id, cold?.LastSeq ?? long.MinValue).ToList());
        if (rows is null) return new[] { new ReadResult(source, null, null, diagnostics.Items) };
        var session = OpenClawTranscript.Read(source.Path, window.Id, cold, rows, diagnostics, cancellation);
        if (session.Values == 0 && diagnostics.ErrorCount == 0)
        {
            _database.CheckDamage(source.Path, window.Id, db.Damage, diagnostics);
            return new[] { new ReadResult(source, null, $"session {window.Id} holds no event yet", diagnostics.Items) };
        }
        var index = Index(source.Path, db, diagnostics);
        return PiFileScan.Results(source, session, _options, () => OpenClawSessionFacts.Target(source.Path, window, index), diagnostics);
    }

    /// <summary>
    /// session_nodes, read once per database and scan. When it cannot be read, every session of the database is read
    /// without who and where: said once, with the session that asked first, as a damaged sessions.json is.
    /// </summary>
    private OpenClawIndex Index(string path, OpenClawDatabase db, DiagnosticList diagnostics)
    {
        Lazy<NodeIndex> lazy;
        var first = false;
        lock (_indexes)
        {
            if (!_indexes.TryGetValue(path, out lazy!))
            {
                _indexes[path] = lazy = new Lazy<NodeIndex>(() => ReadNodes(path, db));
                first = true;
            }
        }
        var index = lazy.Value;
        if (first) foreach (var problem in index.Problems) diagnostics.Add(problem);
        return index.Index;
    }

    private NodeIndex ReadNodes(string path, OpenClawDatabase db)
    {
        var failure = new DiagnosticList(path);
        var nodes = _database.Query(failure, "read session_nodes", () => db.Nodes());
        var problems = failure.Items
            .Select(d => d with
            {
                Severity = DiagnosticSeverity.Warning,
                ErrorId = RolloutDiagnostic.SidecarDamaged,
                Message = $"{d.Message}; every session of the database is read without who and where.",
            })
            .ToArray();
        return new NodeIndex(OpenClawIndex.FromNodes(nodes ?? Array.Empty<OpenClawNodeRow>()), problems);
    }

    private sealed record NodeIndex(OpenClawIndex Index, IReadOnlyList<RolloutDiagnostic> Problems);
}
