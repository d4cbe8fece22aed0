using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.OpenCode;

/// <summary>
/// The per-file JSON storage of OpenCode before 1.2 (packages/opencode/src/storage/storage.ts): one file per
/// session under storage/session/&lt;project&gt;/, one per message under storage/message/&lt;session&gt;/, one per
/// part under storage/part/&lt;message&gt;/, each the object itself with its ids (JSON.stringify, two-space
/// indent). Ids ascend with time, so names give the order, as OpenCode lists them. A file that cannot be read or
/// parsed is reported by its own path and left out.
/// </summary>
internal static class OpenCodeTree
{
    /// <summary>The session, or null (reported) when its own file cannot be read.</summary>
    public static OpenCodeSession? Read(string sessionFile, Stream sessionStream, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        JsonElement info;
        try
        {
            info = Parse(sessionStream);
        }
        catch (JsonException e)
        {
            diagnostics.NoRecord($"the session file is not a JSON object ({e.Message}); no record.");
            return null;
        }
        var id = Path.GetFileNameWithoutExtension(sessionFile);
        var project = Path.GetFileName(Path.GetDirectoryName(sessionFile));
        var session = new OpenCodeSession { Info = OpenCodeSessionInfo.FromJson(id, info, project), Store = OpenCodeStore.JsonStorage };
        session.Info.RootId = Root(sessionFile, session.Info);

        var storage = OpenCodeHome.StorageOf(sessionFile);
        foreach (var messageFile in OpenCodeHome.List(Path.Combine(storage, "message", id)))
        {
            cancellation.ThrowIfCancellationRequested();
            if (ReadFile(messageFile, diagnostics) is not { } message) continue;
            var messageId = Path.GetFileNameWithoutExtension(messageFile);
            var parts = new List<OpenCodePart>();
            foreach (var partFile in OpenCodeHome.List(Path.Combine(storage, "part", messageId)))
            {
                if (ReadFile(partFile, diagnostics) is { } part) parts.Add(new OpenCodePart(Path.GetFileNameWithoutExtension(partFile), part));
            }
            session.Messages.Add(new OpenCodeMessage(messageId, message, parts));
        }
        // OpenCode sorts messages by id; an id's time prefix keeps that the order they were written in.
        return session;
    }

    /// <summary>The first session up the chain of parents, found beside the session (a child shares its parent's project).</summary>
    private static string Root(string sessionFile, OpenCodeSessionInfo info)
    {
        var folder = Path.GetDirectoryName(sessionFile)!;
        var id = info.Id;
        var parent = info.ParentId;
        var seen = new HashSet<string>(StringComparer.Ordinal) { id };
        while (parent is { Length: > 0 } && seen.Add(parent))
        {
            id = parent;
            var file = Path.Combine(folder, parent + ".json");
            try
            {
                if (!File.Exists(file)) break;
                using var stream = FileKinds.OpenRead(file);
                parent = OpenCodeJson.String(Parse(stream), "parentID");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                break;
            }
        }
        return id;
    }

    private static JsonElement? ReadFile(string path, DiagnosticList diagnostics)
    {
        try
        {
            using var stream = FileKinds.OpenRead(path);
            return Parse(stream);
        }
        catch (JsonException e)
        {
            diagnostics.Add(new RolloutDiagnostic(DiagnosticSeverity.Error, RolloutDiagnostic.ParseError, path, null, $"{path}: skipped, not a JSON object: {e.Message}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new RolloutDiagnostic(DiagnosticSeverity.Error, RolloutDiagnostic.ReadError, path, null, $"{path}: cannot read: {e.Message}"));
        }
        return null;
    }

    private static JsonElement Parse(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        // JsonDocument accepts invalid UTF-8 inside a string and fails only when the string is read.
        if (!System.Text.Unicode.Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length))) throw new JsonException("it is not valid UTF-8.");
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.StartsWith(System.Text.Encoding.UTF8.Preamble)) bytes = bytes[3..];
        using var document = JsonDocument.Parse(bytes);
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException($"it is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object.");
        return document.RootElement.Clone();
    }
}
