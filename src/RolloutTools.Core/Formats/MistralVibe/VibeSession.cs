using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.MistralVibe;

/// <summary>One message row as stored, with the line it starts on.</summary>
internal readonly record struct VibeRow(int? Line, JsonElement Message);

/// <summary>One Vibe session as read from disk: its metadata (when readable) and its message rows in order.</summary>
internal sealed class VibeSession
{
    public required VibeStore Store { get; init; }

    /// <summary>The session's folder; null for a legacy file and for text read from memory.</summary>
    public string? Folder { get; init; }

    public VibeMeta? Meta { get; init; }

    public List<VibeRow> Rows { get; } = new();

    /// <summary>A subagent's session, kept under its parent's folder.</summary>
    public bool IsSubagent => Folder is not null && VibeHome.IsSubagentFolder(Folder);

    /// <summary>
    /// messages.jsonl, appended one message a line as the session goes (session_logger.py persist_messages: the rows
    /// beyond meta.json's total_messages), with the meta.json beside it, which is rewritten whole after each append.
    /// A line that is not a JSON object is reported with its number; Vibe itself refuses the whole session for one.
    /// </summary>
    public static VibeSession ReadMessages(TraceSource source, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var folder = source.IsFile ? Path.GetDirectoryName(Path.GetFullPath(source.Path)) : null;
        var meta = folder is null ? null : SidecarFile.LoadDocument(Path.Combine(folder, VibeHome.MetadataFile), VibeMeta.Read).Use(diagnostics);
        var session = new VibeSession { Store = VibeStore.Messages, Folder = folder, Meta = meta };
        using var stream = source.Open();
        // The line reader reports a line that is no JSON object; every other line is a row.
        JsonLineReader.ReadEach(stream, diagnostics, line => session.Rows.Add(new VibeRow(line.LineNumber, line.Root.Clone())), cancellation);
        return session;
    }

    /// <summary>
    /// A file of Vibe before 2.0 (vibe/core/interaction_logger.py): {"metadata": {…}, "messages": [every message, the
    /// system prompt first]}, indented, rewritten whole at each save. Null when the document cannot be read (said in
    /// <paramref name="diagnostics"/>). Metadata of the wrong shape is a warning: the messages are read without it.
    /// </summary>
    public static VibeSession? ReadLegacy(TraceSource source, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        JsonTextDocument? document;
        using (var stream = source.Open())
        {
            document = JsonDocumentReader.Read(stream, diagnostics);
        }
        if (document is null) return null;
        using (document)
        {
            VibeMeta? meta = null;
            var metadata = document.Root.GetPropertyOrDefault("metadata");
            if (metadata.ValueKind != JsonValueKind.Undefined)
            {
                try
                {
                    meta = VibeMeta.Read(metadata);
                }
                catch (SidecarShapeException e)
                {
                    diagnostics.Warn(RolloutDiagnostic.SidecarDamaged, null, $"the session's metadata is ignored: {e.Message}; its messages are read without it.");
                }
            }
            var session = new VibeSession { Store = VibeStore.Legacy, Meta = meta };
            var messages = document.Root.GetPropertyOrDefault("messages");
            if (messages.ValueKind != JsonValueKind.Array)
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, null, $"\"messages\" is {(messages.ValueKind == JsonValueKind.Undefined ? "missing" : messages.ValueKind.ToString().ToLowerInvariant())}, not a list of messages.");
                return session;
            }
            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                var line = document.ElementLine("messages", index++);
                if (message.ValueKind != JsonValueKind.Object)
                {
                    diagnostics.Error(RolloutDiagnostic.ParseError, line, $"message {index} is a JSON {message.ValueKind.ToString().ToLowerInvariant()}, not a message; skipped.");
                    continue;
                }
                session.Rows.Add(new VibeRow(line, message.Clone()));
            }
            return session;
        }
    }
}
