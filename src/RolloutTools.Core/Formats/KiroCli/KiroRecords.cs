using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.KiroCli;

/// <summary>
/// Turns one conversation row (the JSON of Amazon Q Developer CLI's ConversationState: crates/chat-cli/src/cli/chat/
/// conversation.rs and message.rs, serde's default shapes) into a normalized record. history lists the exchanges:
/// before 1.13 (July 2025) each a pair [user, assistant], since then {user, assistant, request_metadata}. A user
/// message's content is one of {"Prompt": {prompt}}, {"ToolUseResults": {tool_use_results}} and
/// {"CancelledToolUses": {prompt, tool_use_results}}, with additional_context (hooks' and context files' text sent
/// with it), images and, since 1.13, a timestamp; an assistant message is {"Response": {message_id, content}} or
/// {"ToolUse": {message_id, content, tool_uses}}. request_metadata has the request's times in Unix milliseconds and
/// its model_id. latest_summary is what /compact left in place of the history before it (a string, later [summary,
/// metadata]); next_message a prompt not yet answered. No token counts are stored: the records carry none.
/// </summary>
internal static class KiroRecords
{
    public const string SourceKind = "kiro_cli";

    public static RolloutRecord Build(KiroConversationRow row, JsonElement state, string path, DiagnosticList diagnostics)
    {
        var where = row.Where;
        var model = state.GetPropertyOrDefault("model_info").GetStringOrNull("model_id") ?? state.GetStringOrNull("model");
        var build = new BuildState(where, diagnostics, model);
        build.AddSummary(state.GetPropertyOrDefault("latest_summary"));

        var history = state.GetPropertyOrDefault("history");
        if (history.ValueKind is not (JsonValueKind.Array or JsonValueKind.Undefined or JsonValueKind.Null)) throw new InvalidDataException($"its history is a JSON {Kind(history)}, not a list");
        var index = 0;
        foreach (var entry in history.ValueKind == JsonValueKind.Array ? history.EnumerateArray() : Enumerable.Empty<JsonElement>())
        {
            try
            {
                build.AddEntry(entry);
            }
            catch (Exception e) when (e is InvalidDataException || JsonLineReader.IsUnreadableValue(e))
            {
                build.Skipped++;
                diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{where}, history entry {index}: {e.Message}; skipped.");
            }
            index++;
        }
        var next = state.GetPropertyOrDefault("next_message");
        var pending = next.ValueKind == JsonValueKind.Object;
        if (pending)
        {
            try
            {
                build.AddUser(next);
            }
            catch (Exception e) when (e is InvalidDataException || JsonLineReader.IsUnreadableValue(e))
            {
                build.Skipped++;
                diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{where}, next_message: {e.Message}; skipped.");
            }
        }
        var messages = build.Builder.Build();

        var context = state.GetPropertyOrDefault("context_manager");
        var firstPrompt = messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt)?.Text;
        var times = messages.Select(m => m.Timestamp).Append(build.Earliest).OfType<DateTimeOffset>().ToArray();
        var sourceMeta = new SourceMeta.Builder()
            .Add("session_id", row.Id)
            .Add("table", row.Table)
            .Add("model_name", state.GetPropertyOrDefault("model_info").GetStringOrNull("model_name"))
            .Add("agent", context.GetStringOrNull("current_profile"))
            .Add("context_paths", ContextPaths(context.GetPropertyOrDefault("paths")))
            .Add("operating_system", build.OperatingSystemName)
            .Add("compacted", build.Compacted)
            .Add("tangent_mode", state.GetPropertyOrDefault("tangent_state").ValueKind == JsonValueKind.Object)
            .Add("pending_prompt", pending)
            .Add("request_ids", build.RequestIds)
            .Add("cancelled_tool_uses", build.Cancelled)
            .Add("images", build.ImageCount)
            .Add("unknown_content", build.Unknown)
            .Add("orphan_tool_results", build.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", build.Builder.UnansweredToolCalls)
            .Add("skipped_entries", build.Skipped)
            .Build();

        return new RolloutRecord
        {
            TraceId = row.Id,
            Format = RolloutFormat.KiroCli,
            SourceKind = SourceKind,
            SourcePath = path,
            RootSessionId = row.Id,
            Cwd = row.Key,
            ProjectPath = row.Key,
            StartedAt = row.Created ?? (times.Length > 0 ? times.Min() : null),
            EndedAt = row.LastActivity ?? (times.Length > 0 ? times.Max() : null),
            Title = Titles.Clean(firstPrompt),
            Models = build.Builder.Models,
            Messages = messages,
            SourceMeta = sourceMeta,
            Usage = build.Builder.Usage,
            UnlistedResponses = build.Builder.Unlisted,
        };
    }

    /// <summary>The context manager's paths: plain strings before agents, then {"Agent": path} or {"Session": path} (/context add).</summary>
    private static IEnumerable<string> ContextPaths(JsonElement paths)
    {
        if (paths.ValueKind != JsonValueKind.Array) yield break;
        foreach (var path in paths.EnumerateArray())
        {
            if (path.ValueKind == JsonValueKind.String) yield return path.GetString()!;
            else if (path.ValueKind == JsonValueKind.Object && Variant(path) is { Value.ValueKind: JsonValueKind.String } tagged) yield return tagged.Value.GetString()!;
        }
    }

    /// <summary>An externally tagged enum's variant (serde's default): the one property of its object; no name for an empty object.</summary>
    private static (string? Name, JsonElement Value) Variant(JsonElement element)
    {
        foreach (var property in element.EnumerateObject()) return (property.Name, property.Value);
        return (null, default);
    }

    /// <summary>Walks the history in order, feeding the conversation and counting what has no place in it.</summary>
    private sealed class BuildState
    {
        private readonly string _where;
        private readonly DiagnosticList _diagnostics;
        private readonly string? _model;
        private readonly UnplacedKinds _unknown;
        private readonly List<string> _requestIds = new();

        public BuildState(string where, DiagnosticList diagnostics, string? model)
        {
            _where = where;
            _diagnostics = diagnostics;
            _unknown = new UnplacedKinds(diagnostics);
            _model = model;
        }

        public ConversationBuilder Builder { get; } = new();
        public IReadOnlyDictionary<string, long> Unknown => _unknown.Counts;
        public IReadOnlyList<string> RequestIds => _requestIds;
        public long Cancelled { get; private set; }
        public long ImageCount { get; private set; }
        public long Skipped { get; set; }
        public bool Compacted { get; private set; }
        public string? OperatingSystemName { get; private set; }

        /// <summary>The summary's time, when it has one: the conversation began before it.</summary>
        public DateTimeOffset? Earliest { get; private set; }

        /// <summary>
        /// /compact's summary: the model's answer to a request for one, which stands in for the history before it
        /// (replace_history_with_summary drains the entries it covers).
        /// </summary>
        public void AddSummary(JsonElement summary)
        {
            var (text, metadata) = summary.ValueKind switch
            {
                JsonValueKind.String => (summary.GetString(), default(JsonElement)),
                JsonValueKind.Array when summary.GetArrayLength() > 0 && summary[0].ValueKind == JsonValueKind.String =>
                    (summary[0].GetString(), summary.GetArrayLength() > 1 ? summary[1] : default),
                _ => (null, default),
            };
            if (string.IsNullOrEmpty(text)) return;
            Compacted = true;
            Earliest = ResponseTime(metadata);
            var turn = Builder.StartAssistant(Earliest, metadata.GetStringOrNull("model_id") ?? _model, MessageKind.CompactionSummary);
            turn.ResponseId = metadata.GetStringOrNull("message_id");
            turn.AddContent(new[] { ContentBlock.FromText(text) });
        }

        /// <summary>
        /// One exchange: a pair [user, assistant] before 1.13, an object {user, assistant, request_metadata} since. An
        /// answer of a kind this reader does not know is left out with a warning; the user message before it still reads.
        /// </summary>
        public void AddEntry(JsonElement entry)
        {
            var (user, assistant, metadata) = entry.ValueKind switch
            {
                JsonValueKind.Array when entry.GetArrayLength() == 2 => (entry[0], entry[1], default(JsonElement)),
                JsonValueKind.Object => (entry.GetPropertyOrDefault("user"), entry.GetPropertyOrDefault("assistant"), entry.GetPropertyOrDefault("request_metadata")),
                _ => throw new InvalidDataException($"it is a JSON {Kind(entry)}, neither a pair nor an object of user and assistant"),
            };
            if (user.ValueKind != JsonValueKind.Object) throw new InvalidDataException("it has no user message");
            if (assistant.ValueKind != JsonValueKind.Object) throw new InvalidDataException("it has no assistant message");
            AddUser(user);
            if (Response(assistant) is not { } response) return;
            if (metadata.GetStringOrNull("request_id") is { Length: > 0 } requestId) _requestIds.Add(requestId);
            var local = response.Calls.Count == 0 && response.Content is [{ Text: TimeoutNotice }];
            var turn = local
                ? Builder.StartAssistant(ResponseTime(metadata), null, MessageKind.Synthetic)
                : Builder.StartAssistant(ResponseTime(metadata), metadata.GetStringOrNull("model_id") ?? _model);
            turn.ResponseId = response.MessageId ?? metadata.GetStringOrNull("message_id");
            turn.AddContent(response.Content);
            foreach (var call in response.Calls) turn.AddToolCall(call);
        }

        /// <summary>
        /// A user message: the context sent with it (as context, before what it carries), the results of the tool
        /// uses before it, and the prompt, with its images.
        /// </summary>
        public void AddUser(JsonElement user)
        {
            var content = user.GetPropertyOrDefault("content");
            if (content.ValueKind != JsonValueKind.Object) throw new InvalidDataException("its user message has no content");
            var time = user.GetTimestamp("timestamp");
            OperatingSystemName ??= user.GetPropertyOrDefault("env_context").GetPropertyOrDefault("env_state").GetStringOrNull("operating_system");
            var images = Images(user.GetPropertyOrDefault("images"));
            var (name, value) = Variant(content);
            string? prompt;
            IReadOnlyList<ToolResult> results;
            switch (name)
            {
                case "Prompt":
                    prompt = value.GetTextOrEmpty("prompt");
                    results = Array.Empty<ToolResult>();
                    break;
                case "ToolUseResults":
                    prompt = null;
                    results = Results(value.GetPropertyOrDefault("tool_use_results"), time);
                    break;
                case "CancelledToolUses":
                    prompt = value.GetTextOrEmpty("prompt");
                    results = Results(value.GetPropertyOrDefault("tool_use_results"), time);
                    Cancelled += results.Count;
                    break;
                default:
                    Unplaced("user message", name ?? "{}");
                    return;
            }
            if (user.GetTextOrEmpty("additional_context") is { Length: > 0 } context)
            {
                Builder.AddMessage(MessageRole.User, MessageKind.Context, new[] { ContentBlock.FromText(context) }, time);
            }
            // Images beside tool results are what the tools gave back (fs_read of an image:
            // add_tool_results_with_images), not the person's: they go with the last result, since the message does
            // not say which tool gave which. Beside a prompt they are the person's.
            if (name == "ToolUseResults" && results.Count > 0 && images.Count > 0)
            {
                results = results.SkipLast(1).Append(results[^1] with { Content = results[^1].Content.Concat(images).ToArray() }).ToArray();
                images = Array.Empty<ContentBlock>();
            }
            foreach (var result in results) Builder.AddToolResult(result);
            var blocks = new List<ContentBlock>();
            if (!string.IsNullOrEmpty(prompt)) blocks.Add(ContentBlock.FromText(prompt));
            blocks.AddRange(images);
            var kind = prompt is OverflowNotice or SplitRequest or RedactedResults ? MessageKind.Synthetic : MessageKind.Prompt;
            if (blocks.Count > 0) Builder.AddMessage(MessageRole.User, kind, blocks, time);
        }

        /// <summary>
        /// The prompt Amazon Q writes in the person's place when the history overflows while tool results wait
        /// (conversation.rs enforce_conversation_invariants): the results are dropped and this stands in for them.
        /// </summary>
        private const string OverflowNotice = "The conversation history has overflowed, clearing state";

        /// <summary>
        /// After a response stream times out, Amazon Q stores TimeoutNotice as the answer and asks the model to split
        /// its work with SplitRequest as the next prompt (chat/mod.rs, RESPONSE_TIMEOUT_CONTENT): neither is the
        /// model's or the person's.
        /// </summary>
        private const string TimeoutNotice = "Response timed out - message took too long to generate";

        private const string SplitRequest = "You took too long to respond - try to split up the work into smaller steps.";

        /// <summary>
        /// What replace_content_with_tool_use_results (message.rs) stores as the prompt when it turns results without
        /// text into one, to keep the history valid: no one typed it.
        /// </summary>
        private const string RedactedResults = "<tool result redacted>";

        private (string? MessageId, IReadOnlyList<ContentBlock> Content, IReadOnlyList<ToolCall> Calls)? Response(JsonElement assistant)
        {
            var (name, value) = Variant(assistant);
            if (name is not ("Response" or "ToolUse"))
            {
                Unplaced("assistant message", name ?? "{}");
                return null;
            }
            var text = value.GetTextOrEmpty("content");
            var content = text.Length == 0 ? Array.Empty<ContentBlock>() : new[] { ContentBlock.FromText(text) };
            var calls = name == "ToolUse" ? Each(value.GetPropertyOrDefault("tool_uses"), "tool_uses").Select(Call).ToArray() : Array.Empty<ToolCall>();
            return (value.GetIdOrNull("message_id"), content, calls);
        }

        /// <summary>A tool use as the model made it: id, name (as sent to the model) and args (orig_name and orig_args keep an MCP tool's own).</summary>
        private static ToolCall Call(JsonElement use)
        {
            var id = use.GetIdOrNull("id") ?? throw new InvalidDataException("a tool use has no id");
            return new ToolCall(id, use.GetTextOrEmpty("name"), OpenAIMessages.Arguments(use.GetPropertyOrDefault("args")));
        }

        /// <summary>Tool results {tool_use_id, content: [{"Text": "…"} or {"Json": …}], status: "Success" or "Error"}.</summary>
        private IReadOnlyList<ToolResult> Results(JsonElement list, DateTimeOffset? time) =>
            Each(list, "tool_use_results").Select(result =>
            {
                var id = result.GetIdOrNull("tool_use_id") ?? throw new InvalidDataException("a tool result has no tool_use_id");
                var blocks = new List<ContentBlock>();
                foreach (var block in Each(result.GetPropertyOrDefault("content"), "tool result content"))
                {
                    var (name, value) = block.ValueKind == JsonValueKind.Object ? Variant(block) : (null, default);
                    switch (name)
                    {
                        case "Text":
                            if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text) blocks.Add(ContentBlock.FromText(text));
                            break;
                        case "Json":
                            blocks.Add(ContentBlock.FromText(value.GetRawText()));
                            break;
                        default:
                            Unplaced("tool result", name ?? Kind(block));
                            break;
                    }
                }
                return new ToolResult(id, blocks) { IsError = result.GetStringOrNull("status") == "Error", Timestamp = time };
            }).ToArray();

        /// <summary>Images sent with a prompt: {format: "Png"…, source: {"Bytes": [the file's bytes]}}.</summary>
        private IReadOnlyList<ContentBlock> Images(JsonElement images)
        {
            var blocks = new List<ContentBlock>();
            foreach (var image in Each(images, "images"))
            {
                var bytes = image.GetPropertyOrDefault("source").GetPropertyOrDefault("Bytes");
                if (bytes.ValueKind != JsonValueKind.Array)
                {
                    Unplaced("image", "(no Bytes source)");
                    continue;
                }
                try
                {
                    blocks.Add(Image(bytes, image.GetStringOrNull("format")));
                    ImageCount++;
                }
                catch (InvalidDataException e)
                {
                    // One bad image leaves the words and the other images of its message in place.
                    _diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{_where}: an image cannot be read: {e.Message}; left out.");
                }
            }
            return blocks;
        }

        /// <summary>When the response was complete (stream_end_timestamp_ms), else when it was asked for.</summary>
        private static DateTimeOffset? ResponseTime(JsonElement metadata) =>
            UnixTime.FromSecondsOrMilliseconds(metadata.GetInt64OrZero("stream_end_timestamp_ms"))
            ?? UnixTime.FromSecondsOrMilliseconds(metadata.GetInt64OrZero("request_start_timestamp_ms"));

        /// <summary>An entry this reader cannot place: counted, and told once per kind.</summary>
        private void Unplaced(string what, string name) => _unknown.Add($"{what}: {name}", null, $"{_where}: {what} '{name}' is not one this reader knows; left out.");

        private static IEnumerable<JsonElement> Each(JsonElement list, string what) => list.ValueKind switch
        {
            JsonValueKind.Array => list.EnumerateArray(),
            JsonValueKind.Undefined or JsonValueKind.Null => Enumerable.Empty<JsonElement>(),
            _ => throw new InvalidDataException($"its {what} is a JSON {Kind(list)}, not a list"),
        };
    }

    /// <summary>An image both of Kiro's stores hold as its file's bytes, a JSON list of numbers, with its format ("Png", "jpeg").</summary>
    internal static ContentBlock Image(JsonElement bytes, string? format)
    {
        var data = bytes.EnumerateArray().Select(b => b.TryGetByte(out var value) ? value : throw new InvalidDataException("an image's bytes are not bytes")).ToArray();
        return ContentBlock.FromImageData($"image/{format?.ToLowerInvariant() ?? "png"}", Convert.ToBase64String(data));
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
