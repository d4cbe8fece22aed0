using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Zed;

/// <summary>
/// Zed's Agent Panel (zed-industries/zed, its own agent): threads/threads.db in Zed's data folder (see
/// <see cref="ZedHome"/>), one record per thread row. External agents Zed runs (Claude Code, Gemini CLI and others
/// through the Agent Client Protocol) keep their own traces, read as their own formats; the text threads of Zed's
/// earlier assistant (conversations/*.zed.json) and the LMDB store before threads.db are not read.
/// </summary>
public sealed class ZedReader : IRolloutReader
{
    /// <summary>Inside a Flatpak, Zed's data folder is under this variable's folder instead of XDG_DATA_HOME's.</summary>
    public const string FlatpakDataVariable = ZedHome.FlatpakDataVariable;

    public RolloutFormat Format => RolloutFormat.Zed;

    public string SourceKind => ZedRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { ZedHome.DatabaseName };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => new[] { ZedHome.Default() };

    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), ZedHome.IsLaidOut);

    /// <summary>threads.db sits at the top of the threads folder; Zed keeps nothing below it.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 0);

    /// <summary>
    /// One reference per thread row, with its id and last change, so -Id and -Since read only the threads asked for;
    /// Zed runs SQLite in WAL mode, so its -wal file counts too. A database that cannot be listed is one reference,
    /// whose reading says what is wrong.
    /// </summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => SessionRows.In(path, this, store =>
    {
        using var db = ZedDatabase.Open(store);
        return db.Threads().Select(t => (t.Id, t.LastActivity)).ToArray();
    });

    public bool IsTraceFile(string path) => ZedHome.IsDatabase(path);

    public bool IsSidecarFile(string path) => false;

    /// <summary>threads.db is SQLite, which no JSON head describes: its name claims it.</summary>
    public int Score(JsonHead head) => DetectionScore.None;

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IMultiRecordScan
    {
        private readonly SessionDatabase<ZedDatabase, ZedThreadRow> _database = new("Zed", ZedDatabase.Open, (db, _) => db.Threads());

        public ReadResult Read(TraceSource source, CancellationToken cancellation) =>
            ReadEach(source, cancellation).FirstOrDefault() ?? new ReadResult(source, null, "it holds no thread", Array.Empty<RolloutDiagnostic>());

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation) =>
            _database.Read(source, (db, row, parents) => ReadThread(source, db, row, parents), cancellation);

        /// <summary>A row whose data cannot be decoded or parsed is an error naming the database and the row; the other rows still read.</summary>
        private ReadResult ReadThread(TraceSource source, ZedDatabase db, ZedThreadRow row, IReadOnlyDictionary<string, string?> parents)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var stored = _database.Query(diagnostics, $"read thread {row.Id}", () => db.Thread(row.Id));
            if (stored is null) return SessionRows.Missing(source, "thread", row.Id, diagnostics);
            stored.RootId = SessionRows.Root(row.Id, parents);
            stored.ChildIds = parents.Where(p => p.Value == row.Id).Select(p => p.Key).ToArray();
            try
            {
                using var document = JsonDocument.Parse(ZedThreadData.Decode(stored));
                var thread = document.RootElement;
                if (thread.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"its thread is a JSON {thread.ValueKind.ToString().ToLowerInvariant()}, not an object");
                var messages = thread.GetPropertyOrDefault("messages");
                var count = messages.ValueKind == JsonValueKind.Array ? messages.GetArrayLength() : 0;
                if (count == 0 && diagnostics.ErrorCount == 0) _database.CheckDamage(source.Path, row.Id, db.Damage, diagnostics);
                return SessionRows.Outcome(source, row.Id, count, () => ZedRecords.Build(stored, thread, source.Path, diagnostics), diagnostics);
            }
            catch (Exception e) when (e is JsonException or InvalidDataException || JsonLineReader.IsUnreadableValue(e))
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, null, $"thread row {row.Id} cannot be read: {e.Message}; no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
        }
    }
}
