using System.Text.Json;
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
public sealed class ZedReader : SessionDatabaseReader
{
    /// <summary>Inside a Flatpak, Zed's data folder is under this variable's folder instead of XDG_DATA_HOME's.</summary>
    public const string FlatpakDataVariable = ZedHome.FlatpakDataVariable;

    public override RolloutFormat Format => RolloutFormat.Zed;

    public override string SourceKind => ZedRecords.SourceKind;

    public override IReadOnlyList<string> DefaultLocations() => new[] { ZedHome.Default() };

    private protected override string DatabaseName => ZedHome.DatabaseName;

    private protected override bool IsLaidOut(string folder) => ZedHome.IsLaidOut(folder);

    private protected override SessionDatabaseScan NewScan() => new Scan();

    private sealed class Scan : SessionDatabaseScan<ZedDatabase, ZedThreadRow>
    {
        public Scan()
            : base("Zed", "thread", ZedDatabase.Open, (db, _) => db.Threads())
        {
        }

        /// <summary>A row whose data cannot be decoded or parsed is an error naming the database and the row; the other rows still read.</summary>
        protected override ReadResult ReadRow(TraceSource source, ZedDatabase db, ZedThreadRow row, IReadOnlyDictionary<string, string?> parents, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var stored = Database.Query(diagnostics, $"read thread {row.Id}", () => db.Thread(row.Id));
            if (stored is null) return Missing(source, row.Id, diagnostics);
            stored.RootId = SessionRows.Root(row.Id, parents);
            stored.ChildIds = parents.Where(p => p.Value == row.Id).Select(p => p.Key).ToArray();
            try
            {
                using var document = JsonDocument.Parse(ZedThreadData.Decode(stored));
                var thread = document.RootElement;
                if (thread.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"its thread is a JSON {thread.ValueKind.ToString().ToLowerInvariant()}, not an object");
                var messages = thread.GetPropertyOrDefault("messages");
                var count = messages.ValueKind == JsonValueKind.Array ? messages.GetArrayLength() : 0;
                if (count == 0 && diagnostics.ErrorCount == 0) Database.CheckDamage(source.Path, row.Id, db.Damage, diagnostics);
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
