using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.OpenHands;

/// <summary>One event as OpenHands stored it, with the file it came from and the line it starts on, for reporting.</summary>
internal readonly record struct StoredEvent(JsonElement Json, string File, int? Line);

/// <summary>
/// The events of one conversation, in the order OpenHands numbered them: a folder of one-event files (legacy
/// events/&lt;id&gt;.json, V1 events/event-&lt;index&gt;-&lt;uuid&gt;.json), or a saved trajectory, one JSON array of legacy
/// events. An event file that cannot be read is reported by its own path and line, and the others are read.
/// </summary>
internal sealed class OpenHandsEventLog : IDisposable
{
    private readonly List<JsonTextDocument> _documents = new();

    private OpenHandsEventLog()
    {
    }

    public List<StoredEvent> Events { get; } = new();

    /// <summary>Event files that could not be read.</summary>
    public int Damaged { get; private set; }

    /// <summary>The event files of a conversation's events folder, ordered by the number <paramref name="order"/> reads from each name; other files are passed over.</summary>
    public static OpenHandsEventLog FromFolder(string events, Func<string, long?> order, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var log = new OpenHandsEventLog();
        var files = EventFiles(events, order, diagnostics);
        foreach (var file in files)
        {
            cancellation.ThrowIfCancellationRequested();
            var own = new DiagnosticList(file);
            var document = Open(file, own);
            foreach (var problem in own.Items) diagnostics.Add(problem);
            if (document is null)
            {
                log.Damaged++;
                continue;
            }
            log._documents.Add(document);
            log.Events.Add(new StoredEvent(document.Root, file, null));
        }
        return log;
    }

    /// <summary>The files of an events folder in OpenHands' order; a folder that cannot be listed is reported and holds none.</summary>
    public static IReadOnlyList<string> EventFiles(string events, Func<string, long?> order, DiagnosticList? diagnostics = null)
    {
        try
        {
            return Directory.EnumerateFiles(events, "*.json")
                .Select(f => (File: f, Order: order(Path.GetFileName(f))))
                .Where(f => f.Order is not null)
                .OrderBy(f => f.Order)
                .ThenBy(f => f.File, StringComparer.Ordinal)
                .Select(f => f.File)
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (diagnostics is not null) Error(diagnostics, events, null, RolloutDiagnostic.ReadError, $"cannot list the events folder: {e.Message}");
            return Array.Empty<string>();
        }
    }

    /// <summary>A saved trajectory: the array's elements, each reported by the line it starts on when it is no event.</summary>
    public static OpenHandsEventLog? FromArray(TraceSource source, DiagnosticList diagnostics)
    {
        JsonTextDocument? document;
        using (var stream = source.Open())
        {
            document = JsonDocumentReader.Read(stream, diagnostics, JsonRoots.Array);
        }
        if (document is null) return null;
        var log = new OpenHandsEventLog();
        log._documents.Add(document);
        var index = 0;
        foreach (var element in document.Root.EnumerateArray())
        {
            var line = document.ElementLine(null, index++);
            if (element.ValueKind != JsonValueKind.Object)
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, line, $"element {index} of the trajectory is a JSON {element.ValueKind}, not an event; skipped.");
                log.Damaged++;
                continue;
            }
            log.Events.Add(new StoredEvent(element, source.Path, line));
        }
        return log;
    }

    /// <summary>One JSON document read whole (base_state.json, metadata.json, an event file), or null with the reason in <paramref name="diagnostics"/>.</summary>
    public static JsonTextDocument? Open(string file, DiagnosticList diagnostics)
    {
        try
        {
            using var stream = Discovery.FileKinds.OpenRead(file);
            return JsonDocumentReader.Read(stream, diagnostics);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(RolloutDiagnostic.ReadError, null, $"cannot read the file: {e.Message}");
            return null;
        }
    }

    /// <summary>An error about another file of the conversation than the one that stands for it, named as every diagnostic names its file.</summary>
    public static void Error(DiagnosticList diagnostics, string file, int? line, string errorId, string detail)
    {
        var own = new DiagnosticList(file);
        own.Error(errorId, line, detail);
        diagnostics.Add(own.Items[0]);
    }

    public static void Warn(DiagnosticList diagnostics, string file, int? line, string errorId, string detail)
    {
        var own = new DiagnosticList(file);
        own.Warn(errorId, line, detail);
        diagnostics.Add(own.Items[0]);
    }

    public void Dispose()
    {
        foreach (var document in _documents) document.Dispose();
    }
}
