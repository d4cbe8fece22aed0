using System.Text.Json;
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
public sealed class KiroCliReader : SessionDatabaseReader
{
    public override RolloutFormat Format => RolloutFormat.KiroCli;

    public override string SourceKind => KiroRecords.SourceKind;

    public override IReadOnlyList<string> DefaultLocations() => KiroHome.Defaults();

    private protected override string DatabaseName => KiroHome.DatabaseName;

    /// <summary>data.sqlite3 is a common name: its place claims it too.</summary>
    private protected override bool IsDatabase(string path) => KiroHome.IsDatabase(path);

    private protected override bool IsLaidOut(string folder) => KiroHome.IsLaidOut(folder);

    private protected override SessionDatabaseScan NewScan() => new Scan();

    private sealed class Scan : SessionDatabaseScan<KiroDatabase, KiroConversationRow>
    {
        public Scan()
            : base("Kiro CLI", "conversation", KiroDatabase.Open, (db, _) => db.Conversations())
        {
        }

        /// <summary>A row whose JSON cannot be parsed is a warning naming the database and the row; the other rows still read.</summary>
        protected override ReadResult ReadRow(TraceSource source, KiroDatabase db, KiroConversationRow row, IReadOnlyDictionary<string, string?> parents, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var value = Database.Query(diagnostics, $"read conversation {row.Id}", () => db.Value(row));
            if (value is null) return Missing(source, row.Id, diagnostics);
            try
            {
                using var document = JsonDocument.Parse(value);
                var state = document.RootElement;
                if (state.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"its value is a JSON {state.ValueKind.ToString().ToLowerInvariant()}, not an object");
                var history = state.GetPropertyOrDefault("history");
                var count = (history.ValueKind == JsonValueKind.Array ? history.GetArrayLength() : 0)
                    + (state.GetPropertyOrDefault("next_message").ValueKind == JsonValueKind.Object ? 1 : 0)
                    + (state.GetPropertyOrDefault("latest_summary").ValueKind is JsonValueKind.String or JsonValueKind.Array ? 1 : 0);
                if (count == 0 && diagnostics.ErrorCount == 0) Database.CheckDamage(source.Path, row.Id, db.Damage, diagnostics);
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
