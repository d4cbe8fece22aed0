using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.KiroCli;

/// <summary>
/// Kiro CLI (kiro-cli chat) and Amazon Q Developer CLI (q chat), which it succeeded: data.sqlite3 in kiro-cli or
/// amazon-q under the local data folder (see <see cref="KiroHome"/>), one record per conversation row (see
/// <see cref="KiroDatabase"/>), its working directory the row's key. Amazon Q's is read as its source writes it; Kiro
/// CLI is closed source, and its legacy engine's conversations_v2 is read as its public readers read it. The session
/// files of Kiro CLI's newer engines (~/.kiro/sessions) are another format and are not read.
/// </summary>
public sealed class KiroCliReader : IRolloutReader
{
    public RolloutFormat Format => RolloutFormat.KiroCli;

    public string SourceKind => KiroRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { KiroHome.DatabaseName };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => KiroHome.Defaults();

    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), KiroHome.IsLaidOut);

    /// <summary>data.sqlite3 sits at the top of the app folder; what lies below it is not a conversation store.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 0);

    /// <summary>
    /// One reference per conversation row, with its id and last change (Kiro CLI's updated_at; Amazon Q's rows have
    /// none), so -Id and -Since read only the conversations asked for; the -wal file counts too. A database that
    /// cannot be listed is one reference, whose reading says what is wrong.
    /// </summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => SessionRows.In(path, this, store =>
    {
        using var db = KiroDatabase.Open(store);
        return db.Conversations().Select(c => (c.Id, c.LastActivity)).ToArray();
    });

    public bool IsTraceFile(string path) => KiroHome.IsDatabase(path);

    public bool IsSidecarFile(string path) => false;

    /// <summary>data.sqlite3 is SQLite, which no JSON head describes: its name and place claim it.</summary>
    public int Score(JsonHead head) => DetectionScore.None;

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IMultiRecordScan
    {
        private readonly SessionDatabase<KiroDatabase, KiroConversationRow> _database = new("Kiro CLI", KiroDatabase.Open, (db, _) => db.Conversations());

        public ReadResult Read(TraceSource source, CancellationToken cancellation) =>
            ReadEach(source, cancellation).FirstOrDefault() ?? new ReadResult(source, null, "it holds no conversation", Array.Empty<RolloutDiagnostic>());

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation) =>
            _database.Read(source, (db, row, _) => ReadConversation(source, db, row), cancellation);

        /// <summary>A row whose JSON cannot be parsed is a warning naming the database and the row; the other rows still read.</summary>
        private ReadResult ReadConversation(TraceSource source, KiroDatabase db, KiroConversationRow row)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var value = _database.Query(diagnostics, $"read conversation {row.Id}", () => db.Value(row));
            if (value is null) return SessionRows.Missing(source, "conversation", row.Id, diagnostics);
            try
            {
                using var document = JsonDocument.Parse(value);
                var state = document.RootElement;
                if (state.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"its value is a JSON {state.ValueKind.ToString().ToLowerInvariant()}, not an object");
                var history = state.GetPropertyOrDefault("history");
                var count = (history.ValueKind == JsonValueKind.Array ? history.GetArrayLength() : 0)
                    + (state.GetPropertyOrDefault("next_message").ValueKind == JsonValueKind.Object ? 1 : 0)
                    + (state.GetPropertyOrDefault("latest_summary").ValueKind is JsonValueKind.String or JsonValueKind.Array ? 1 : 0);
                if (count == 0 && diagnostics.ErrorCount == 0) _database.CheckDamage(source.Path, row.Id, db.Damage, diagnostics);
                return SessionRows.Outcome(source, row.Id, count, () => KiroRecords.Build(row, state, source.Path, diagnostics), diagnostics);
            }
            catch (Exception e) when (e is JsonException or InvalidDataException || JsonLineReader.IsUnreadableValue(e))
            {
                diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{row.Where} cannot be read: {e.Message}; no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
        }
    }
}
