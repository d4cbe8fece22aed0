using System.Text;
using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.GeminiCli;

/// <summary>The shapes of file Gemini CLI writes a conversation as.</summary>
internal enum GeminiFileShape
{
    /// <summary>session-*.jsonl (0.40, April 2026, on): a metadata line, then message, $set and $rewindTo records.</summary>
    Jsonl,
    /// <summary>session-*.json (before 0.40): one ConversationRecord document, rewritten whole after each change.</summary>
    LegacyJson,
    /// <summary>checkpoint-&lt;tag&gt;.json from /chat save: {history: Content[], authType?}.</summary>
    Checkpoint,
    /// <summary>An older checkpoint-&lt;tag&gt;.json: a bare Content[] array (Logger.loadCheckpoint still reads it).</summary>
    LegacyCheckpoint,
}

/// <summary>One stored message record and the line it was read from (for errors).</summary>
/// <param name="Order">When its id was first met, among every message of the file: a rewound branch keeps its place.</param>
internal sealed record GeminiStoredMessage(string Id, JsonElement Record, int? Line)
{
    public int Order { get; init; }
}

/// <summary>
/// One Gemini CLI session file as Gemini CLI itself loads it (chatRecordingService.ts loadConversationRecord):
/// records applied in order. A record with a string "id" is a message, and a later one with the same id
/// replaces it in place (the recorder re-appends a message whenever its tool calls or tokens change);
/// {"$rewindTo": id} drops that message and every later one (an id not present drops all), which are kept apart
/// here (they were sent and billed); {"$set": {...}}
/// merges metadata, and a "messages" list in it replaces the whole history (a sync after /compress or a
/// masked tool output); a line with sessionId and projectHash is metadata, or a whole legacy record on one line.
/// </summary>
internal sealed class GeminiSession
{
    public GeminiFileShape Shape { get; private set; }

    public string? SessionId { get; private set; }

    public string? ProjectHash { get; private set; }

    public DateTimeOffset? StartTime { get; private set; }

    public DateTimeOffset? LastUpdated { get; private set; }

    public string? Summary { get; private set; }

    /// <summary>"main" or "subagent" (written since March 2026).</summary>
    public string? Kind { get; private set; }

    public IReadOnlyList<string> Directories { get; private set; } = Array.Empty<string>();

    /// <summary>A checkpoint's authType (oauth-personal, gemini-api-key, vertex-ai, …).</summary>
    public string? AuthType { get; private set; }

    /// <summary>The messages as loaded, in order (a replaced message keeps its first place, as in a JavaScript Map).</summary>
    public IReadOnlyList<GeminiStoredMessage> Messages => _order.Select(id => _messages[id]).ToArray();

    /// <summary>A checkpoint's Content list: {role, parts} with no ids or times.</summary>
    public List<(JsonElement Content, int? Line)> History { get; } = new();

    /// <summary>Lines and documents read, by what they were: metadata, message, update, rewind, set, checkpoint_reset, legacy_record.</summary>
    public Counter RecordTypes { get; } = new();

    /// <summary>Messages a $rewindTo took back, in the order they were first met, each as last written.</summary>
    public IReadOnlyList<GeminiStoredMessage> Rewound => _rewound;

    /// <summary>Messages a $set with a full "messages" list replaced.</summary>
    public int ReplacedMessages { get; private set; }

    /// <summary>Lines that parsed as JSON but are none of the record kinds (Gemini CLI ignores them).</summary>
    public int UnknownLines { get; private set; }

    /// <summary>Values parsed: lines, or 1 for a document.</summary>
    public int Values { get; private set; }

    private readonly Dictionary<string, GeminiStoredMessage> _messages = new(StringComparer.Ordinal);
    private readonly List<string> _order = new();
    private readonly List<GeminiStoredMessage> _rewound = new();
    private int _met;

    /// <summary>
    /// Reads a stream of any of the four shapes. Like Gemini CLI, a file whose first line is not a whole JSON
    /// object is read as one document (the pretty-printed legacy record, a checkpoint); a bare array is the
    /// older checkpoint.
    /// </summary>
    public static GeminiSession? Parse(Stream stream, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var session = new GeminiSession();
        if (IsDocument(stream))
        {
            var document = JsonDocumentReader.Read(stream, diagnostics, JsonRoots.Object | JsonRoots.Array);
            if (document is null) return null;
            using (document)
            {
                session.Values = 1;
                session.ReadDocument(document, diagnostics);
            }
            return session;
        }
        session.Shape = GeminiFileShape.Jsonl;
        JsonLineReader.ReadEach(stream, diagnostics, line =>
        {
            session.Values++;
            session.Apply(line.Root, line.LineNumber, diagnostics);
        }, cancellation);
        return session;
    }

    /// <summary>Whether the first line is anything but one whole JSON object (peeks, then rewinds).</summary>
    private static bool IsDocument(Stream stream)
    {
        var head = new byte[64 * 1024];
        var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        var span = head.AsSpan(0, length);
        if (span.StartsWith(Encoding.UTF8.Preamble)) span = span[3..];
        span = span.TrimStart(" \t\r\n\0"u8);
        if (span.IsEmpty || span[0] == (byte)'[') return !span.IsEmpty;
        var end = span.IndexOf((byte)'\n');
        if (end < 0) return length == head.Length ? false : !IsWholeObject(span);
        return !IsWholeObject(span[..end]);
    }

    private static bool IsWholeObject(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: false, state: default);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            // A damaged first line (not a document's opening brace): the lines after it may still be whole.
            return true;
        }
    }

    private void ReadDocument(JsonTextDocument document, DiagnosticList diagnostics)
    {
        var root = document.Root;
        if (root.ValueKind == JsonValueKind.Array)
        {
            Shape = GeminiFileShape.LegacyCheckpoint;
            RecordTypes.Add("checkpoint");
            AddHistory(root, index => null);
            return;
        }
        if (root.TryGetProperty("history", out var history) && !root.TryGetProperty("sessionId", out _))
        {
            Shape = GeminiFileShape.Checkpoint;
            RecordTypes.Add("checkpoint");
            AuthType = root.GetStringOrNull("authType");
            if (history.ValueKind != JsonValueKind.Array)
            {
                diagnostics.NoRecord("the checkpoint's \"history\" is not a list; no record.");
                return;
            }
            AddHistory(history, index => document.ElementLine("history", index));
            return;
        }
        Shape = GeminiFileShape.LegacyJson;
        RecordTypes.Add("legacy_record");
        SetMetadata(root);
        AddMessages(root.GetPropertyOrDefault("messages"), index => document.ElementLine("messages", index), diagnostics);
    }

    private void AddHistory(JsonElement list, Func<int, int?> lineOf)
    {
        var index = 0;
        foreach (var content in list.EnumerateArray()) History.Add((content.Clone(), lineOf(index++)));
    }

    /// <summary>One JSONL line, applied as loadConversationRecord applies it (its checks in its order).</summary>
    private void Apply(JsonElement record, int line, DiagnosticList diagnostics)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            UnknownLines++;
            return;
        }
        if (record.GetStringOrNull("$rewindTo") is { } rewindTo)
        {
            RecordTypes.Add("rewind");
            Rewind(rewindTo);
        }
        else if (record.GetStringOrNull("id") is { } id)
        {
            RecordTypes.Add(_messages.ContainsKey(id) ? "update" : "message");
            Upsert(new GeminiStoredMessage(id, record.Clone(), line));
        }
        else if (record.GetPropertyOrDefault("$set") is { ValueKind: JsonValueKind.Object } set)
        {
            RecordTypes.Add("set");
            if (set.GetPropertyOrDefault("messages") is { ValueKind: JsonValueKind.Array } messages)
            {
                // A checkpoint of the history: everything before it is replaced.
                RecordTypes.Add("history_sync");
                ReplacedMessages += _order.Count;
                _order.Clear();
                _messages.Clear();
                AddMessages(messages, _ => line, diagnostics);
            }
            SetMetadata(set);
        }
        else if (record.GetStringOrNull("sessionId") is not null && record.GetStringOrNull("projectHash") is not null)
        {
            // The first line, or a whole legacy record written on one line: its messages are added, not reset.
            RecordTypes.Add(record.TryGetProperty("messages", out _) ? "legacy_record" : "metadata");
            SetMetadata(record);
            AddMessages(record.GetPropertyOrDefault("messages"), _ => line, diagnostics);
        }
        else
        {
            UnknownLines++;
            diagnostics.Warn(RolloutDiagnostic.ParseError, line, "not a Gemini CLI session record (no id, $set, $rewindTo or sessionId), line skipped.");
        }
    }

    private void AddMessages(JsonElement messages, Func<int, int?> lineOf, DiagnosticList diagnostics)
    {
        if (messages.ValueKind != JsonValueKind.Array) return;
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.GetStringOrNull("id") is { } id) Upsert(new GeminiStoredMessage(id, message.Clone(), lineOf(index)));
            else diagnostics.Error(RolloutDiagnostic.ParseError, lineOf(index), $"message {index + 1} has no id; Gemini CLI does not load it either, skipped.");
            index++;
        }
    }

    private void Upsert(GeminiStoredMessage message)
    {
        if (_messages.TryGetValue(message.Id, out var earlier)) message = message with { Order = earlier.Order };
        else
        {
            _order.Add(message.Id);
            message = message with { Order = _met++ };
        }
        _messages[message.Id] = message;
    }

    private void Rewind(string id)
    {
        var at = _order.IndexOf(id);
        if (at < 0) at = 0;
        foreach (var gone in _order.Skip(at))
        {
            _rewound.Add(_messages[gone]);
            _messages.Remove(gone);
        }
        _order.RemoveRange(at, _order.Count - at);
    }

    /// <summary>Metadata fields, merged as {...metadata, ...update}: a field present replaces the earlier value.</summary>
    private void SetMetadata(JsonElement fields)
    {
        if (fields.TryGetProperty("sessionId", out _)) SessionId = fields.GetIdOrNull("sessionId");
        if (fields.TryGetProperty("projectHash", out _)) ProjectHash = fields.GetStringOrNull("projectHash");
        if (fields.TryGetProperty("startTime", out _)) StartTime = fields.GetTimestamp("startTime");
        if (fields.TryGetProperty("lastUpdated", out _)) LastUpdated = fields.GetTimestamp("lastUpdated");
        if (fields.TryGetProperty("summary", out _)) Summary = fields.GetStringOrNull("summary");
        if (fields.TryGetProperty("kind", out _)) Kind = fields.GetStringOrNull("kind");
        if (fields.GetPropertyOrDefault("directories") is { ValueKind: JsonValueKind.Array } directories)
        {
            Directories = directories.EnumerateArray().Where(d => d.ValueKind == JsonValueKind.String).Select(d => d.GetString()!).ToArray();
        }
    }
}
