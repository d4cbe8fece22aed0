using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.KiroCli;

/// <summary>
/// Turns one session of Kiro CLI's V2 engine (&lt;id&gt;.jsonl with the &lt;id&gt;.json beside it, see
/// <see cref="KiroSessionFiles"/>) into a normalized record. Each line is {"version": "v1", "kind", "data"}: a Prompt
/// (the person's words and images, meta.timestamp in Unix seconds), an AssistantMessage (one response: text,
/// thinking and toolUse blocks), ToolResults (toolResult blocks answering the calls by toolUseId), a Compaction
/// ({summary}: what /compact or a full context left in place of the history) or Clear (/clear: the model sees nothing
/// before it; the record keeps it). A block is {kind, data}: text's data is a string, toolUse's {toolUseId, name,
/// input}, toolResult's {toolUseId, content: [text or json blocks], status}, image's {format, source: {kind: "bytes",
/// data: [bytes]}}. Responses carry no time, model or usage of their own: the state's turn that lists a response gives
/// it its model, and its last response its end time and stated tokens.
/// </summary>
internal static class KiroSessionLog
{
    /// <summary>Reads the file's lines; a line that is not JSON, or of a shape not known, is a warning naming its line, and the rest still reads.</summary>
    public static ReadResult Read(TraceSource source, KiroSessionMeta? meta, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        // The file's name, as SessionsIn tells it before reading (lines in memory go by the name they were read from).
        var id = KiroSessionFiles.SessionIdOf(source.Path);
        var build = new BuildState(meta, diagnostics);
        using (var stream = source.Open())
        {
            JsonLineReader.ReadEach(stream, diagnostics, build.Add, cancellation);
        }
        return SessionRows.Outcome(source, id, build.Entries, () => Record(id, source.Path, meta, build), diagnostics);
    }

    private static RolloutRecord Record(string id, string path, KiroSessionMeta? meta, BuildState build)
    {
        build.Finish();
        var messages = build.Builder.Build();
        var times = messages.Select(m => m.Timestamp).OfType<DateTimeOffset>().ToArray();
        var parent = meta?.ParentSessionId is { Length: > 0 } p ? p : null;
        var sourceMeta = new SourceMeta.Builder()
            .Add("session_id", meta?.SessionId ?? id)
            .Add("store", "sessions/cli")
            .Add("agent", meta?.AgentName)
            .Add("parent_session_id", parent)
            .Add("created_reason", meta?.CreatedReason)
            .Add("context_window_tokens", meta?.ContextWindowTokens ?? 0)
            .Add("turns", meta?.Turns.Count ?? 0)
            .Add("credits", meta?.Turns.Sum(t => t.Credits) ?? 0)
            .Add("end_reasons", Counts(meta?.Turns.Select(t => t.EndReason)))
            .Add("compactions", build.Compactions)
            .Add("clears", build.Clears)
            .Add("images", build.Images)
            .Add("unknown_content", build.Unknown)
            .Add("orphan_tool_results", build.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", build.Builder.UnansweredToolCalls)
            .Add("skipped_lines", build.Skipped)
            .Add("unreadable_blocks", build.UnreadableBlocks)
            .Build();
        var firstPrompt = messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt)?.Text;
        return new RolloutRecord
        {
            TraceId = id,
            Format = RolloutFormat.KiroCli,
            SourceKind = KiroRecords.SourceKind,
            SourcePath = path,
            RootSessionId = parent ?? id,
            IsSidechain = parent is not null,
            Cwd = meta?.Cwd,
            ProjectPath = meta?.Cwd,
            StartedAt = meta?.CreatedAt ?? (times.Length > 0 ? times.Min() : null),
            EndedAt = meta?.UpdatedAt ?? (times.Length > 0 ? times.Max() : null),
            Title = Titles.Clean(meta?.Title is { Length: > 0 } title ? title : firstPrompt),
            Models = build.Builder.Models,
            Messages = messages,
            SourceMeta = sourceMeta,
            Usage = build.Builder.Usage,
            UnlistedResponses = build.Builder.Unlisted,
        };
    }

    private static IReadOnlyDictionary<string, long> Counts(IEnumerable<string?>? values) =>
        (values ?? Enumerable.Empty<string?>()).OfType<string>().Where(v => v.Length > 0)
            .GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);

    /// <summary>Walks the lines in order, feeding the conversation and counting what has no place in it.</summary>
    private sealed class BuildState
    {
        private readonly DiagnosticList _diagnostics;
        private readonly string? _model;
        private readonly Dictionary<string, KiroTurn> _turnOf = new(StringComparer.Ordinal);
        private readonly Dictionary<KiroTurn, ConversationBuilder.AssistantTurn> _lastResponse = new(ReferenceEqualityComparer.Instance);
        private readonly UnplacedKinds _unknown;

        public BuildState(KiroSessionMeta? meta, DiagnosticList diagnostics)
        {
            _diagnostics = diagnostics;
            _unknown = new UnplacedKinds(diagnostics);
            _model = meta?.ModelId;
            foreach (var turn in meta?.Turns ?? Array.Empty<KiroTurn>())
            {
                foreach (var messageId in turn.MessageIds) _turnOf.TryAdd(messageId, turn);
            }
        }

        /// <summary>
        /// Gives each turn's end time and stated tokens to its last response: a turn cancelled or whose call was
        /// rejected ends on its ToolResults entry, not on an answer, so the last id it lists need not be a response's.
        /// </summary>
        public void Finish()
        {
            foreach (var (turn, response) in _lastResponse)
            {
                response.SetTimestamp(turn.EndedAt);
                if (turn.Usage.Total > 0) response.SetUsage(turn.Usage);
            }
        }

        public ConversationBuilder Builder { get; } = new();
        public IReadOnlyDictionary<string, long> Unknown => _unknown.Counts;
        public int Entries { get; private set; }
        public long Skipped { get; private set; }
        public long Compactions { get; private set; }
        public long Clears { get; private set; }
        public long Images { get; private set; }
        public long UnreadableBlocks { get; private set; }

        public void Add(JsonLine line)
        {
            try
            {
                AddEntry(line);
            }
            catch (Exception e) when (e is InvalidDataException || JsonLineReader.IsUnreadableValue(e))
            {
                Skipped++;
                _diagnostics.Warn(RolloutDiagnostic.ParseError, line.LineNumber, $"{e.Message}; skipped.");
            }
        }

        private void AddEntry(JsonLine line)
        {
            var entry = line.Root;
            var kind = entry.GetStringOrNull("kind") ?? throw new InvalidDataException("it has no kind");
            var data = entry.GetPropertyOrDefault("data");
            switch (kind)
            {
                case "Prompt":
                    AddPrompt(line, data);
                    break;
                case "AssistantMessage":
                    AddResponse(line, data);
                    break;
                case "ToolResults":
                    AddResults(line, data);
                    break;
                case "Compaction":
                    if (data.GetTextOrEmpty("summary") is not { Length: > 0 } summary) throw new InvalidDataException("its Compaction has no summary");
                    Compactions++;
                    var turn = Builder.StartAssistant(null, _model, MessageKind.CompactionSummary);
                    turn.ResponseId = data.GetIdOrNull("message_id");
                    turn.AddContent(new[] { ContentBlock.FromText(summary) });
                    break;
                case "Clear":
                    Clears++;
                    break;
                default:
                    Unplaced(line, "entry", kind);
                    return;
            }
            Entries++;
        }

        /// <summary>The person's prompt: its text and images, at meta.timestamp.</summary>
        private void AddPrompt(JsonLine line, JsonElement data)
        {
            var time = KiroTime.Of(data.GetPropertyOrDefault("meta").GetPropertyOrDefault("timestamp"));
            var blocks = new List<ContentBlock>();
            EachBlock(line, "prompt", data, (kind, value) =>
            {
                switch (kind)
                {
                    case "text":
                        if (Text(line, "prompt block", value) is { } text) blocks.Add(ContentBlock.FromText(text));
                        break;
                    case "image":
                        if (Image(line, value) is { } image) blocks.Add(image);
                        break;
                    default:
                        Unplaced(line, "prompt block", kind);
                        break;
                }
            });
            if (blocks.Count > 0) Builder.AddMessage(MessageRole.User, MessageKind.Prompt, blocks, time);
        }

        /// <summary>One response: its text, thinking and tool calls, dated, modelled and counted by the turn it ends, if it ends one.</summary>
        private void AddResponse(JsonLine line, JsonElement data)
        {
            var messageId = data.GetIdOrNull("message_id");
            var of = messageId is not null && _turnOf.TryGetValue(messageId, out var listed) ? listed : null;
            var turn = Builder.StartAssistant(null, of?.Model ?? _model);
            turn.ResponseId = messageId;
            if (of is not null) _lastResponse[of] = turn;
            EachBlock(line, "response", data, (kind, value) =>
            {
                switch (kind)
                {
                    case "text":
                        if (Text(line, "response block", value) is { } text) turn.AddContent(new[] { ContentBlock.FromText(text) });
                        break;
                    case "thinking":
                        // Seen both as a string and as {text}.
                        var thought = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetTextOrEmpty("text");
                        turn.AddReasoning(thought);
                        break;
                    case "toolUse":
                        turn.AddToolCall(Call(value));
                        break;
                    case "image":
                        if (Image(line, value) is { } image) turn.AddContent(new[] { image });
                        break;
                    default:
                        Unplaced(line, "response block", kind);
                        break;
                }
            });
        }

        private void AddResults(JsonLine line, JsonElement data)
        {
            EachBlock(line, "tool results", data, (kind, value) =>
            {
                if (kind != "toolResult")
                {
                    Unplaced(line, "tool results block", kind);
                    return;
                }
                var id = value.GetIdOrNull("toolUseId") ?? throw new InvalidDataException("a tool result has no toolUseId");
                var blocks = new List<ContentBlock>();
                EachBlock(line, "tool result content", value, (part, content) =>
                {
                    switch (part)
                    {
                        case "text":
                            if (Text(line, "tool result content", content) is { Length: > 0 } text) blocks.Add(ContentBlock.FromText(text));
                            break;
                        case "json":
                            blocks.Add(ContentBlock.FromText(content.GetRawText()));
                            break;
                        case "image":
                            if (Image(line, content) is { } image) blocks.Add(image);
                            break;
                        default:
                            Unplaced(line, "tool result content", part);
                            break;
                    }
                });
                var status = value.GetStringOrNull("status");
                Builder.AddToolResult(new ToolResult(id, blocks) { IsError = string.Equals(status, "error", StringComparison.OrdinalIgnoreCase) });
            });
        }

        /// <summary>A tool use as the model made it: toolUseId, name, and input (with Kiro's __tool_use_purpose, the model's reason, kept in).</summary>
        private static ToolCall Call(JsonElement use)
        {
            var id = use.GetIdOrNull("toolUseId") ?? throw new InvalidDataException("a tool use has no toolUseId");
            return new ToolCall(id, use.GetTextOrEmpty("name"), OpenAIMessages.Arguments(use.GetPropertyOrDefault("input")));
        }

        /// <summary>An image: {format, source: {kind: "bytes", data: [the file's bytes]}}; another source is counted as unknown.</summary>
        private ContentBlock? Image(JsonLine line, JsonElement image)
        {
            var source = image.GetPropertyOrDefault("source");
            var bytes = source.GetPropertyOrDefault("data");
            if (source.GetStringOrNull("kind") != "bytes" || bytes.ValueKind != JsonValueKind.Array)
            {
                Unplaced(line, "image source", source.GetStringOrNull("kind") ?? "(none)");
                return null;
            }
            var block = KiroRecords.Image(bytes, image.GetStringOrNull("format"));
            Images++;
            return block;
        }

        /// <summary>
        /// Each {kind, data} block of data.content (or of a tool result's content), one at a time: a block that cannot
        /// be read is left out, counted and told, and the blocks beside it are kept. Content that is no list leaves the
        /// whole line unread.
        /// </summary>
        private void EachBlock(JsonLine line, string what, JsonElement holder, Action<string, JsonElement> add)
        {
            var content = holder.GetPropertyOrDefault("content");
            if (content.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return;
            if (content.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"its content is a JSON {content.ValueKind.ToString().ToLowerInvariant()}, not a list");
            foreach (var block in content.EnumerateArray())
            {
                try
                {
                    if (block.ValueKind != JsonValueKind.Object || block.GetStringOrNull("kind") is not { } kind) throw new InvalidDataException("it has no kind");
                    add(kind, block.GetPropertyOrDefault("data"));
                }
                catch (Exception e) when (e is InvalidDataException || JsonLineReader.IsUnreadableValue(e))
                {
                    UnreadableBlocks++;
                    _diagnostics.Warn(RolloutDiagnostic.ParseError, line.LineNumber, $"a {what} block cannot be read: {e.Message}; left out, the rest of the line is kept.");
                }
            }
        }

        /// <summary>A text block's words: its data is a string; one holding {text} is read so too; another shape is told.</summary>
        private string? Text(JsonLine line, string what, JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.String) return value.GetString();
            if (value.GetStringOrNull("text") is { } text) return text;
            Unplaced(line, what, $"text ({value.ValueKind.ToString().ToLowerInvariant()})");
            return null;
        }

        /// <summary>Something this reader cannot place: counted, and told once per kind with the line it was first met on.</summary>
        private void Unplaced(JsonLine line, string what, string name) =>
            _unknown.Add($"{what}: {name}", line.LineNumber, $"{what} '{name}' is not one this reader knows; left out.");
    }
}
