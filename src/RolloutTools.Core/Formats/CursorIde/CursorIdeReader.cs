using System.Collections.Concurrent;
using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.CursorIde;

/// <summary>
/// Cursor's IDE chats (Composer, Agent, Ask): the composers of globalStorage/state.vscdb in Cursor's user folder (see
/// <see cref="CursorIdeHome"/>), one record per composer (see <see cref="CursorIdeDatabase"/>), its working directory
/// the workspace that lists it (see <see cref="CursorWorkspaces"/>). The Cursor format reads the agent's JSONL
/// transcripts under ~/.cursor/projects instead; where the IDE's agent writes one for a chat too, it is named by the
/// same composer id, so the two records of one chat share their TraceId.
/// </summary>
public sealed class CursorIdeReader : SessionDatabaseReader
{
    public override RolloutFormat Format => RolloutFormat.CursorIde;

    public override string SourceKind => CursorIdeRecords.SourceKind;

    public override IReadOnlyList<string> DefaultLocations() => CursorIdeHome.Defaults();

    private protected override string DatabaseName => CursorIdeHome.DatabaseName;

    /// <summary>VS Code and its other forks name their store state.vscdb too: only one in a globalStorage folder is claimed.</summary>
    private protected override bool IsDatabase(string path) => CursorIdeHome.IsDatabase(path);

    private protected override bool IsLaidOut(string folder) => CursorIdeHome.IsLaidOut(folder);

    private protected override SessionDatabaseScan NewScan() => new Scan();

    private sealed class Scan : SessionDatabaseScan<CursorIdeDatabase, CursorComposerRow>
    {
        /// <summary>The workspace stores beside each global store, read once: by its listing, then for each composer's folder.</summary>
        private readonly ConcurrentDictionary<string, Lazy<CursorWorkspaceStores>> _workspaces;

        public Scan()
            : this(new ConcurrentDictionary<string, Lazy<CursorWorkspaceStores>>(StringComparer.Ordinal))
        {
        }

        private Scan(ConcurrentDictionary<string, Lazy<CursorWorkspaceStores>> workspaces)
            : base("Cursor", "chat", CursorIdeDatabase.Open, (db, problems) => Composers(db, problems, workspaces))
        {
            _workspaces = workspaces;
        }

        private static CursorWorkspaceStores WorkspacesBeside(ConcurrentDictionary<string, Lazy<CursorWorkspaceStores>> workspaces, string database) =>
            workspaces.GetOrAdd(database, path => new Lazy<CursorWorkspaceStores>(() => CursorWorkspaces.Beside(path))).Value;

        /// <summary>
        /// The composers; a store that lists none is checked for damage first (a damaged page of the key index reads as
        /// no rows), so a damaged file is an error rather than a store with no chat yet.
        /// </summary>
        private static IReadOnlyList<CursorComposerRow> Composers(CursorIdeDatabase db, DiagnosticList problems, ConcurrentDictionary<string, Lazy<CursorWorkspaceStores>> workspaces)
        {
            var composers = db.Composers();
            if (composers.Count == 0 && db.Damage() is { } finding)
            {
                problems.Error(RolloutDiagnostic.ReadError, null, $"no composer could be listed: the database is damaged ({finding}).");
            }
            if (WorkspacesBeside(workspaces, problems.Path) is { PanelChats: > 0 } stores)
            {
                problems.Warn(RolloutDiagnostic.ParseError, null,
                    $"{stores.PanelChats} chat(s) of Cursor's chat panel from before Composer, in {stores.PanelStores} workspace store(s) beside this one, are not read.");
            }
            return composers;
        }

        protected override ReadResult ReadRow(TraceSource source, CursorIdeDatabase db, CursorComposerRow row, IReadOnlyDictionary<string, string?> parents, CancellationToken cancellation) =>
            ReadComposer(source, db, row);

        /// <summary>
        /// A composer whose JSON cannot be parsed is a warning naming the database and its key, and a bubble its header
        /// names that the database does not hold is one too; the rest still reads.
        /// </summary>
        private ReadResult ReadComposer(TraceSource source, CursorIdeDatabase db, CursorComposerRow row)
        {
            var diagnostics = new DiagnosticList(source.Path);
            // A composer listed only by composerHeaders has its header's value (name, mode) in place of composerData.
            var value = Database.Query(diagnostics, $"read composer {row.Id}", () => db.Composer(row.Id) ?? (row.HeaderOnly ? db.Header(row.Id) : null));
            if (value is null) return Missing(source, row.Id, diagnostics);
            var documents = new List<JsonDocument>();
            try
            {
                var composer = Parse(value, documents);
                if (composer.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"its value is a JSON {composer.ValueKind.ToString().ToLowerInvariant()}, not an object");
                var counts = new CursorIdeRecords.BubbleCounts();
                var (storage, bubbles) = Bubbles(db, row, composer, counts, documents, diagnostics);
                if (bubbles is null) return new ReadResult(source, null, null, diagnostics.Items);
                if (counts.Total == 0 && diagnostics.ErrorCount == 0) Database.CheckDamage(source.Path, row.Id, db.Damage, diagnostics);
                var workspace = WorkspacesBeside(_workspaces, source.Path).ByComposer.GetValueOrDefault(row.Id)
                    ?? (row.WorkspaceId is { } hash ? CursorWorkspaces.Named(source.Path, hash) : null);
                return SessionRows.Outcome(source, row.Id, (int)Math.Min(counts.Total, int.MaxValue),
                    () => CursorIdeRecords.Build(row, composer, bubbles, storage, workspace, source.Path, counts, diagnostics), diagnostics);
            }
            catch (Exception e) when (e is JsonException or InvalidDataException || JsonLineReader.IsUnreadableValue(e))
            {
                diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"row {row.Key} cannot be read: {e.Message}; no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            finally
            {
                foreach (var document in documents) document.Dispose();
            }
        }

        /// <summary>
        /// The composer's bubbles in order: the rows its headers name (read with one range query), else its inline
        /// conversation, else, for a composer only composerHeaders lists, every bubble row under its id in createdAt
        /// order (as public readers read such chats). Null when the rows could not be queried (the error says why).
        /// </summary>
        private (string Storage, IReadOnlyList<(string?, string?, JsonElement)>? Bubbles) Bubbles(CursorIdeDatabase db, CursorComposerRow row, JsonElement composer,
            CursorIdeRecords.BubbleCounts counts, List<JsonDocument> documents, DiagnosticList diagnostics)
        {
            var headers = composer.GetPropertyOrDefault("fullConversationHeadersOnly");
            if (row.HeaderOnly && headers.ValueKind != JsonValueKind.Array && composer.GetPropertyOrDefault("conversation").ValueKind != JsonValueKind.Array)
            {
                return ("bubble_rows", Unlisted(db, row, counts, documents, diagnostics));
            }
            if (headers.ValueKind != JsonValueKind.Array || headers.GetArrayLength() == 0)
            {
                var inline = CursorIdeRecords.Inline(composer);
                counts.Total = inline.Count;
                return ("inline", inline);
            }
            var rows = Database.Query(diagnostics, $"read the bubbles of composer {row.Id}", () => db.Bubbles(row.Id));
            if (rows is null) return ("bubbles", null);
            var bubbles = new List<(string?, string?, JsonElement)>();
            var missing = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var header in headers.EnumerateArray())
            {
                var id = header.GetIdOrNull("bubbleId");
                // A bubble the headers name twice is one message.
                if (id is not null && !seen.Add(id)) continue;
                counts.Total++;
                var key = $"{CursorIdeDatabase.BubblePrefix}{row.Id}:{id}";
                if (id is null || !rows.TryGetValue(id, out var json))
                {
                    missing.Add(key);
                    continue;
                }
                try
                {
                    bubbles.Add((id, key, Parse(json, documents)));
                }
                catch (JsonException e)
                {
                    counts.Unreadable++;
                    diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"row {key} cannot be read: {e.Message}; left out.");
                }
            }
            counts.Missing = missing.Count;
            if (missing.Count > 0)
            {
                var more = missing.Count > 1 ? $" (and {missing.Count - 1} more)" : string.Empty;
                diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"composer {row.Id}: its header names row {missing[0]}{more}, which the database does not hold; left out.");
            }
            return ("bubbles", bubbles);
        }

        /// <summary>Every bubble row under a composer's id, by createdAt (then key, for bubbles without a time).</summary>
        private IReadOnlyList<(string?, string?, JsonElement)>? Unlisted(CursorIdeDatabase db, CursorComposerRow row,
            CursorIdeRecords.BubbleCounts counts, List<JsonDocument> documents, DiagnosticList diagnostics)
        {
            var rows = Database.Query(diagnostics, $"read the bubbles of composer {row.Id}", () => db.Bubbles(row.Id));
            if (rows is null) return null;
            var bubbles = new List<(string?, string?, JsonElement)>();
            foreach (var (id, json) in rows)
            {
                counts.Total++;
                var key = $"{CursorIdeDatabase.BubblePrefix}{row.Id}:{id}";
                try
                {
                    bubbles.Add((id, key, Parse(json, documents)));
                }
                catch (JsonException e)
                {
                    counts.Unreadable++;
                    diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"row {key} cannot be read: {e.Message}; left out.");
                }
            }
            return bubbles
                .OrderBy(b => b.Item3.ValueKind == JsonValueKind.Object ? CursorIdeRecords.Time(b.Item3) ?? DateTimeOffset.MaxValue : DateTimeOffset.MaxValue)
                .ThenBy(b => b.Item2, StringComparer.Ordinal)
                .ToArray();
        }

        private static JsonElement Parse(string json, List<JsonDocument> documents)
        {
            var document = JsonDocument.Parse(json);
            documents.Add(document);
            return document.RootElement;
        }
    }
}
