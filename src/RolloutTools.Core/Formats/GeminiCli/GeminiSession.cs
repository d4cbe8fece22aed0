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
/// {"$rewindTo": id} drops that message and every later one (an id not present drops all); {"$set": {...}}
/// merges metadata, and a "messages" list in it replaces the whole history (see <see cref="Sync"/>); a line
/// with sessionId and projectHash is metadata, or a whole legacy record on one line. What leaves the history is
/// not lost here: it was said and billed (<see cref="Messages"/>, <see cref="Abandoned"/>).
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

    /// <summary>
    /// The conversation's messages, each once, in the order first written: those Gemini CLI loads, and those a
    /// history sync left out (compressed away, notices a resume does not replay), which happened all the same.
    /// </summary>
    public IReadOnlyList<GeminiStoredMessage> Messages => InOrder(id => _taken.TryGetValue(id, out var taken) ? taken == Taken.LeftBySync : !_copyOf.ContainsKey(id));

    /// <summary>Messages taken back, each as last written: by a $rewindTo, or by a sync that rolled back a cancelled or failed turn.</summary>
    public IReadOnlyList<GeminiStoredMessage> Abandoned => InOrder(id => _taken.TryGetValue(id, out var taken) && taken != Taken.LeftBySync);

    /// <summary>A checkpoint's Content list: {role, parts} with no ids or times.</summary>
    public List<(JsonElement Content, int? Line)> History { get; } = new();

    /// <summary>Lines and documents read, by what they were: metadata, message, update, rewind, set, checkpoint_reset, legacy_record.</summary>
    public Counter RecordTypes { get; } = new();

    /// <summary>Messages a $rewindTo took back.</summary>
    public int RewoundMessages => _taken.Values.Count(t => t == Taken.Rewound);

    /// <summary>Messages of a turn a history sync rolled back (cancelled or failed before its answer).</summary>
    public int RolledBackMessages => _taken.Values.Count(t => t == Taken.RolledBack);

    /// <summary>Messages a history sync left out and that are kept in <see cref="Messages"/>.</summary>
    public int LeftBySync => _taken.Values.Count(t => t == Taken.LeftBySync);

    /// <summary>Messages a history sync wrote again under a new id (after /compress or a masked tool output), read once as the original.</summary>
    public int CopiedBySync => _copyOf.Count;

    /// <summary>Lines that parsed as JSON but are none of the record kinds (Gemini CLI ignores them).</summary>
    public int UnknownLines { get; private set; }

    /// <summary>Values parsed: lines, or 1 for a document.</summary>
    public int Values { get; private set; }

    /// <summary>How a message left the history Gemini CLI loads.</summary>
    private enum Taken
    {
        Rewound,
        RolledBack,
        LeftBySync,
    }

    /// <summary>Every message met, by its own id, as last written.</summary>
    private readonly Dictionary<string, GeminiStoredMessage> _met = new(StringComparer.Ordinal);

    /// <summary>The history as Gemini CLI loads it, in its order; a copy is listed as its original.</summary>
    private readonly List<string> _live = new();

    /// <summary>Messages out of the history, and why.</summary>
    private readonly Dictionary<string, Taken> _taken = new(StringComparer.Ordinal);

    /// <summary>A sync's copy of a message under a new id → the original, which stands for it.</summary>
    private readonly Dictionary<string, string> _copyOf = new(StringComparer.Ordinal);

    private int _firstWritten;

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
            RecordTypes.Add(_met.ContainsKey(id) ? "update" : "message");
            Upsert(new GeminiStoredMessage(id, record.Clone(), line));
        }
        else if (record.GetPropertyOrDefault("$set") is { ValueKind: JsonValueKind.Object } set)
        {
            RecordTypes.Add("set");
            if (set.GetPropertyOrDefault("messages") is { ValueKind: JsonValueKind.Array } messages)
            {
                RecordTypes.Add("history_sync");
                Sync(messages, line, diagnostics);
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
        foreach (var message in Listed(messages, lineOf, diagnostics)) Upsert(message);
    }

    private static List<GeminiStoredMessage> Listed(JsonElement messages, Func<int, int?> lineOf, DiagnosticList diagnostics)
    {
        var listed = new List<GeminiStoredMessage>();
        if (messages.ValueKind != JsonValueKind.Array) return listed;
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.GetStringOrNull("id") is { } id) listed.Add(new GeminiStoredMessage(id, message.Clone(), lineOf(index)));
            else diagnostics.Error(RolloutDiagnostic.ParseError, lineOf(index), $"message {index + 1} has no id; Gemini CLI does not load it either, skipped.");
            index++;
        }
        return listed;
    }

    /// <summary>
    /// A message record: a new one is appended to the history, a known one replaced in its first place. A sync's
    /// copy written again stands for itself from now on, beside its original.
    /// </summary>
    private void Upsert(GeminiStoredMessage message)
    {
        if (_copyOf.Remove(message.Id, out var original) && _live.IndexOf(original) is var at and >= 0)
        {
            _live[at] = message.Id;
            _taken[original] = Taken.LeftBySync;
        }
        if (_met.TryGetValue(message.Id, out var earlier)) message = message with { Order = earlier.Order };
        else message = message with { Order = _firstWritten++ };
        _met[message.Id] = message;
        if (_taken.Remove(message.Id) || !_live.Contains(message.Id)) _live.Add(message.Id);
    }

    /// <summary>The history's own id for an id a record names: a sync's copy is its original.</summary>
    private string Resolve(string id) => _copyOf.GetValueOrDefault(id) ?? id;

    private void Rewind(string id)
    {
        var at = _live.IndexOf(Resolve(id));
        if (at < 0) at = 0;
        foreach (var gone in _live.Skip(at)) _taken[gone] = Taken.Rewound;
        _live.RemoveRange(at, _live.Count - at);
    }

    /// <summary>
    /// {"$set": {"messages": [...]}}: Gemini CLI's history, written whole whenever its in-memory history changes
    /// (chatRecordingService.ts updateMessagesFromHistory), and loaded in place of everything before it. What it
    /// leaves out happened all the same, so it is kept where it was first written: after /compress the turns the
    /// summary replaced, on resume the notices and commands never replayed; but a cancelled or failed turn rolled
    /// back (geminiChat.ts sendMessageStream, the history cut back to its length before the prompt) is taken back,
    /// as a rewind is. /compress and a masked tool output rebuild the history from bare Content, so the turns they
    /// keep come back under new ids: such a copy is read as its original, which keeps its tokens and tool calls.
    /// </summary>
    private void Sync(JsonElement messages, int line, DiagnosticList diagnostics)
    {
        var listed = Listed(messages, _ => line, diagnostics);
        var history = listed.Select(m => Resolve(m.Id)).Distinct(StringComparer.Ordinal).ToList();
        // The history cut back to its length before a turn, nothing added: that turn was cancelled or failed.
        var rolledBack = history.Count < _live.Count && history.SequenceEqual(_live.Take(history.Count), StringComparer.Ordinal);
        foreach (var message in listed)
        {
            // A copy's record is bare (no tokens, model or calls): its original's stays.
            if (!_copyOf.ContainsKey(message.Id)) Upsert(message);
        }
        var kept = new HashSet<string>(history, StringComparer.Ordinal);
        var left = _live.Where(id => !kept.Contains(id)).ToList();
        if (left.Count > 0 && !rolledBack) MatchCopies(left, history, _live);
        foreach (var id in left.Where(id => !_copyOf.ContainsValue(id)))
        {
            _taken[id] = rolledBack && GeminiMessageKinds.IsSentToModel(_met[id].Record) ? Taken.RolledBack : Taken.LeftBySync;
        }
        _live.Clear();
        _live.AddRange(history);
    }

    /// <summary>
    /// Pairs messages the sync left out with the sync's copies of them, in order: a copy is a listed message first
    /// written after every message left out and after every listed response of the model (a copy has no model),
    /// with the same role, text and call names. Since 0.54, Gemini CLI hands on the history with turns of one role
    /// in a row joined into one (geminiChat.ts getHistory, coalesceConsecutiveRoles: a shell command's output and
    /// the prompt after it, cancelled tools' results and the next prompt), so a copy may stand for a run of such
    /// messages: the first of the run is its original, the others stay as they were written. The copy's place in
    /// the history becomes the original's.
    /// </summary>
    private void MatchCopies(List<string> left, List<string> history, List<string> before)
    {
        var after = left.Max(id => _met[id].Order);
        foreach (var id in history)
        {
            if (_met[id].Record.GetStringOrNull("model") is { Length: > 0 }) after = Math.Max(after, _met[id].Order);
        }
        // Each listed message that can be a copy, by its key; null once paired (or when it cannot be one).
        var copies = history.Select(id => _met[id].Order > after ? GeminiMessageKinds.CopyKey(new[] { _met[id].Record }) : null).ToArray();
        var isLeft = new HashSet<string>(left, StringComparer.Ordinal);
        var joined = new HashSet<string>(StringComparer.Ordinal);
        var from = 0;
        foreach (var original in left.Where(id => !joined.Contains(id)))
        {
            var run = RunFrom(original, isLeft, before);
            for (var length = 1; length <= run.Count; length++)
            {
                var key = GeminiMessageKinds.CopyKey(run.Take(length).Select(id => _met[id].Record).ToArray());
                if (key is null) break;
                var at = Array.FindIndex(copies, from, candidate => candidate == key);
                if (at < 0) continue;
                _copyOf[history[at]] = original;
                history[at] = original;
                copies[at] = null;
                joined.UnionWith(run.Skip(1).Take(length - 1));
                from = at + 1;
                break;
            }
        }
    }

    /// <summary>
    /// The messages left out that the model's history held in a row from <paramref name="first"/> on, all of its
    /// role (notices between them were never in that history).
    /// </summary>
    private List<string> RunFrom(string first, HashSet<string> left, List<string> before)
    {
        var run = new List<string> { first };
        var isModel = _met[first].Record.GetStringOrNull("type") == "gemini";
        for (var i = before.IndexOf(first) + 1; i < before.Count; i++)
        {
            var record = _met[before[i]].Record;
            if (!GeminiMessageKinds.IsSentToModel(record)) continue;
            if ((record.GetStringOrNull("type") == "gemini") != isModel || !left.Contains(before[i])) break;
            run.Add(before[i]);
        }
        return run;
    }

    private IReadOnlyList<GeminiStoredMessage> InOrder(Func<string, bool> included) =>
        _met.Values.Where(m => included(m.Id)).OrderBy(m => m.Order).ToArray();

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
