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
/// CLI is closed source, and its legacy engine's conversations_v2 is read as its public readers read it. Its V2 engine's
/// session files (~/.kiro/sessions/cli/&lt;id&gt;.jsonl, see <see cref="KiroSessionFiles"/>) are a second store, one
/// record per file (<see cref="KiroSessionLog"/>); a conversation both hold is read once, from its file. The V3
/// engine's workspace folders (~/.kiro/sessions/&lt;workspace&gt;/sess_&lt;id&gt;) are not read.
/// </summary>
public sealed class KiroCliReader : IRolloutReader
{
    public RolloutFormat Format => RolloutFormat.KiroCli;

    public string SourceKind => KiroRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { KiroHome.DatabaseName, "*" + KiroSessionFiles.Extension };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => KiroHome.Defaults().Append(KiroSessionFiles.Default()).ToArray();

    /// <summary>The stores a folder is or holds, and the session folder of a Kiro home (~/.kiro) or of a folder that holds one beside the databases.</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), f => KiroHome.IsLaidOut(f) || KiroSessionFiles.IsLaidOut(f))
        .Concat(KiroSessionFiles.In(folder))
        .Distinct(StringComparer.Ordinal)
        .ToArray();

    /// <summary>data.sqlite3 sits at the top of the app folder, the session files at the top of sessions/cli; nothing below either is a conversation.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 0);

    /// <summary>
    /// One reference per conversation row, with its id and last change (Kiro CLI's updated_at; Amazon Q's rows have
    /// none), so -Id and -Since read only the conversations asked for; the -wal file counts too. A database that
    /// cannot be listed is one reference, whose reading says what is wrong.
    /// </summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => !KiroSessionFiles.IsDatabase(path)
        ? new[] { SessionReference.OfFile(path, this, new NamedIds(KiroSessionFiles.SessionIdOf(path))) }
        : SessionRows.In(path, this, store =>
    {
        using var db = KiroDatabase.Open(store);
        return db.Conversations().Select(c => (c.Id, c.LastActivity)).ToArray();
    });

    public bool IsTraceFile(string path) => KiroHome.IsDatabase(path) || KiroSessionFiles.IsSessionFile(path);

    public bool IsSidecarFile(string path) => KiroSessionFiles.IsSidecar(path);

    /// <summary>
    /// data.sqlite3 is SQLite, which no JSON head describes: its name and place claim it. A session file's line is
    /// certain: {"version": "v1", "kind": one of the V2 engine's entries, "data"}, no "type".
    /// </summary>
    public int Score(JsonHead head) => head.Type is null && head.String("version") == "v1" && head.Has("data")
        && head.String("kind") is "Prompt" or "AssistantMessage" or "ToolResults" or "Compaction" or "Clear"
            ? DetectionScore.Certain
            : DetectionScore.None;

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan(sources);

    private sealed class Scan : IMultiRecordScan
    {
        private readonly SessionDatabase<KiroDatabase, KiroConversationRow> _database = new("Kiro CLI", KiroDatabase.Open, (db, _) => db.Conversations());

        /// <summary>Session id → the session file of this run that holds it: the engine appends to it, and it carries the credits a row lacks.</summary>
        private readonly Dictionary<string, string> _inFiles = new(StringComparer.Ordinal);

        public Scan(IReadOnlyList<TraceSource> sources)
        {
            foreach (var source in sources.Where(s => s.IsFile && KiroSessionFiles.IsSessionFile(s.Path))) _inFiles.TryAdd(KiroSessionFiles.SessionIdOf(source.Path), source.Path);
        }

        public ReadResult Read(TraceSource source, CancellationToken cancellation) =>
            ReadEach(source, cancellation).FirstOrDefault() ?? new ReadResult(source, null, "it holds no conversation", Array.Empty<RolloutDiagnostic>());

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation) => IsDatabase(source)
            ? _database.Read(source, (db, row, _) => ReadConversation(source, db, row), cancellation)
            : new[] { ReadSessionFile(source, cancellation) };

        private static bool IsDatabase(TraceSource source) => source.IsFile && KiroSessionFiles.IsDatabase(source.Path);

        /// <summary>A session file, with the state beside it; damaged state is a warning, and the conversation reads without it.</summary>
        private static ReadResult ReadSessionFile(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var metadata = KiroSessionFiles.MetadataOf(source.Path);
            var meta = source.IsFile ? SidecarFile.LoadDocument(metadata, KiroSessionMeta.Read).Use(diagnostics) : null;
            foreach (var problem in meta?.Problems ?? Array.Empty<string>())
            {
                diagnostics.Add(new RolloutDiagnostic(DiagnosticSeverity.Warning, RolloutDiagnostic.SidecarDamaged, metadata, null, $"{metadata}: {problem}; left out, the rest of it is read."));
            }
            return KiroSessionLog.Read(source, meta, diagnostics, cancellation);
        }

        /// <summary>A row whose JSON cannot be parsed is a warning naming the database and the row; the other rows still read.</summary>
        private ReadResult ReadConversation(TraceSource source, KiroDatabase db, KiroConversationRow row)
        {
            var diagnostics = new DiagnosticList(source.Path);
            if (_inFiles.TryGetValue(row.Id, out var file))
            {
                return new ReadResult(source, null, $"conversation {row.Id} is read from its session file '{file}' instead", diagnostics.Items);
            }
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
