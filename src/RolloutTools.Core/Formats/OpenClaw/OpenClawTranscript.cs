using System.Text;
using System.Text.Json;
using RolloutTools.Core.Formats.Pi;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;
using ZstdSharp;

namespace RolloutTools.Core.Formats.OpenClaw;

/// <summary>
/// One session of OpenClaw's database as Pi's parsing reads a session file: the events of its cold archive (a zstd
/// JSONL file, each line an event, through the archive's last_seq), then its rows after that, each row's JSON
/// (as text, or decompressed from its zstd frame) one entry. A row or archive that cannot be read is an error naming
/// the database and the row's seq, or the archive and its line; the rest still reads.
/// </summary>
internal static class OpenClawTranscript
{
    /// <summary>Where a database's cold archives lie: sessions/cold/ beside its agent folder, else cold/ beside the database (layout.md).</summary>
    public static string ColdFolder(string databasePath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        return Path.GetFileName(folder) == "agent"
            ? Path.Combine(Path.GetDirectoryName(folder)!, "sessions", "cold")
            : Path.Combine(folder, "cold");
    }

    public static PiSession Read(
        string databasePath, string sessionId, OpenClawColdArchive? cold, IReadOnlyList<OpenClawEventRow> rows, DiagnosticList diagnostics, CancellationToken cancellation) =>
        PiSession.Parse(add =>
        {
            if (cold is not null) ReadCold(databasePath, cold, add, diagnostics, cancellation);
            foreach (var row in rows)
            {
                cancellation.ThrowIfCancellationRequested();
                ReadRow(sessionId, row, add, diagnostics);
            }
        }, diagnostics);

    private static void ReadCold(string databasePath, OpenClawColdArchive cold, Action<JsonLine> add, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var path = Path.Combine(ColdFolder(databasePath), cold.Name);
        var lines = new DiagnosticList(cold.Blob is null ? path : databasePath);
        try
        {
            using Stream stored = cold.Blob is null ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete) : new MemoryStream(cold.Blob, writable: false);
            using var events = new DecompressionStream(stored);
            JsonLineReader.ReadEach(events, lines, line => ReadColdLine(line, add, lines), cancellation);
        }
        catch (Exception e) when (e is ZstdException or IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(RolloutDiagnostic.ReadError, null,
                $"the cold archive {path} (events through seq {cold.LastSeq}) cannot be read: {e.Message}; the later events still read.");
        }
        foreach (var item in lines.Items) diagnostics.Add(item);
    }

    /// <summary>
    /// An archive line: a header of restore metadata ({"kind":"header"}: no entry), an event row as the table held it
    /// ({"kind":"event","row":{"seq","event_json",…}}: its JSON the entry), or the event itself.
    /// </summary>
    private static void ReadColdLine(JsonLine line, Action<JsonLine> add, DiagnosticList lines)
    {
        switch (line.Root.ValueKind == JsonValueKind.Object ? line.Root.GetStringOrNull("kind") : null)
        {
            case "header":
                return;
            case "event":
                var row = line.Root.GetPropertyOrDefault("row");
                if (row.GetStringOrNull("event_json") is not { } json)
                {
                    lines.Error(RolloutDiagnostic.ParseError, line.LineNumber, "the archived event row holds no event_json, line skipped.");
                    return;
                }
                try
                {
                    using var document = JsonDocument.Parse(json);
                    add(new JsonLine(line.LineNumber, document.RootElement));
                }
                catch (JsonException e)
                {
                    lines.Error(RolloutDiagnostic.ParseError, line.LineNumber, $"the archived event_json is not JSON, line skipped: {e.Message}");
                }
                return;
            default:
                add(line);
                return;
        }
    }

    private static void ReadRow(string sessionId, OpenClawEventRow row, Action<JsonLine> add, DiagnosticList diagnostics)
    {
        var where = $"transcript_events row seq {row.Seq} of session {sessionId}";
        string json;
        try
        {
            json = row.Json ?? (row.Zstd is { } frame ? Decompress(frame) : throw new InvalidDataException("it holds neither event_json nor event_zstd"));
        }
        catch (Exception e) when (e is ZstdException or InvalidDataException or IOException)
        {
            diagnostics.Error(RolloutDiagnostic.ReadError, null, $"{where} cannot be read, row skipped: {e.Message}");
            return;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            add(new JsonLine((int)Math.Clamp(row.Seq, 0, int.MaxValue), document.RootElement));
        }
        catch (JsonException e)
        {
            diagnostics.Error(RolloutDiagnostic.ParseError, null, $"{where} is not JSON, row skipped: {e.Message}");
        }
        catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
        {
            diagnostics.Error(RolloutDiagnostic.ParseError, null, $"{where}: a value could not be read, row skipped: {e.Message}");
        }
    }

    /// <summary>A row's frame: level-1 zstd with a checksum, holding the event's UTF-8 (schema 23, transcript-payload.ts).</summary>
    private static string Decompress(byte[] frame)
    {
        using var input = new DecompressionStream(new MemoryStream(frame, writable: false));
        using var output = new MemoryStream(frame.Length * 4);
        input.CopyTo(output);
        return Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);
    }
}
