using System.Text;
using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Zed;

/// <summary>
/// Turns one Zed thread into a normalized record. A thread's JSON comes in two shapes, which Zed tells apart by its
/// "version" (crates/agent/src/db.rs DbThread::from_json): 0.3.0, the current agent's DbThread, whose messages are
/// {"User": {id, content}}, {"Agent": {content, tool_results}} and "Resume"; and the first agent's SerializedThread
/// (crates/agent/src/legacy_thread.rs), whose messages have a role, segments, tool_uses, tool_results and the
/// context attached to a prompt: 0.2.0, 0.1.0 (tool results in the user message after the call) and, without a
/// version, messages with a plain text. Zed upgrades the old shapes as it loads them; this reads each shape as it
/// is stored, so nothing an upgrade drops (system messages, per-response usage) is lost. Messages carry no times.
/// </summary>
internal static class ZedRecords
{
    public const string SourceKind = "zed";

    /// <summary>The thread versions Zed writes; a newer one is read by its messages' shape, with a warning.</summary>
    private static readonly string[] KnownVersions = { "0.1.0", "0.2.0", "0.3.0" };

    /// <summary>The title a thread has until Zed summarizes it (agent's DEFAULT_TITLE).</summary>
    private const string DefaultTitle = "New Thread";

    public static RolloutRecord Build(ZedStoredThread row, JsonElement thread, string path, DiagnosticList diagnostics)
    {
        var where = $"thread row {row.Id}";
        var version = thread.GetStringOrNull("version");
        if (version is not null && !KnownVersions.Contains(version, StringComparer.Ordinal))
        {
            diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{where}: thread version {version} is not one this reader knows (0.1.0 to 0.3.0); its messages are read by their shape.");
        }
        var subagent = thread.GetPropertyOrDefault("subagent_context");
        var parentId = row.ParentId ?? subagent.GetIdOrNull("parent_thread_id");
        var isChild = parentId is not null;
        var model = thread.GetPropertyOrDefault("model");
        var state = new BuildState(where, diagnostics, isChild, model.GetStringOrNull("model"), thread.GetPropertyOrDefault("request_token_usage"));

        var messages = thread.GetPropertyOrDefault("messages");
        if (messages.ValueKind != JsonValueKind.Array) throw new InvalidDataException("its thread has no messages list");
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            try
            {
                state.Add(message, index);
            }
            catch (Exception e) when (e is InvalidDataException || JsonLineReader.IsUnreadableValue(e))
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, null, $"{where}, message {index}: {e.Message}; skipped.");
            }
            index++;
        }
        state.EndTurn();
        var built = state.Builder.Build();

        var snapshot = thread.GetPropertyOrDefault("initial_project_snapshot");
        var worktrees = snapshot.GetPropertyOrDefault("worktree_snapshots") is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().Where(w => w.ValueKind == JsonValueKind.Object).ToArray()
            : Array.Empty<JsonElement>();
        var worktreePaths = worktrees.Select(w => w.GetStringOrNull("worktree_path")).OfType<string>().ToArray();
        var cwd = row.FolderPaths.FirstOrDefault() ?? worktreePaths.FirstOrDefault();
        var git = (worktrees.FirstOrDefault(w => w.GetStringOrNull("worktree_path") == cwd) is { ValueKind: JsonValueKind.Object } own ? own : worktrees.FirstOrDefault())
            .GetPropertyOrDefault("git_state");

        var firstPrompt = built.FirstOrDefault(m => m.Kind is MessageKind.Prompt or MessageKind.AgentMessage)?.Text;
        var title = new[] { row.Summary, thread.GetStringOrNull("title"), thread.GetStringOrNull("summary") }
            .FirstOrDefault(t => !string.IsNullOrWhiteSpace(t) && t != DefaultTitle) ?? firstPrompt;
        var cumulative = thread.GetPropertyOrDefault("cumulative_token_usage");
        var sourceMeta = new SourceMeta.Builder()
            .Add("session_id", row.Id)
            .Add("thread_version", version)
            .Add("data_type", row.DataType)
            .Add("parent_session_id", parentId)
            .Add("subagent_depth", subagent.GetInt64OrZero("depth"))
            .Add("child_session_ids", row.ChildIds)
            .Add("provider", model.GetStringOrNull("provider"))
            .Add("profile", thread.GetStringOrNull("profile"))
            .Add("imported", thread.GetBool("imported"))
            .Add("thinking_enabled", thread.GetBool("thinking_enabled"))
            .Add("thinking_effort", thread.GetStringOrNull("thinking_effort"))
            .Add("speed", thread.GetStringOrNull("speed"))
            .Add("completion_mode", thread.GetStringOrNull("completion_mode"))
            .Add("tool_use_limit_reached", thread.GetBool("tool_use_limit_reached"))
            .Add("detailed_summary", DetailedSummary(thread))
            .Add("folder_paths", row.FolderPaths)
            .Add("worktree_paths", worktreePaths)
            .Add("git_remote_url", git.GetStringOrNull("remote_url"))
            .Add("git_head_sha", git.GetStringOrNull("head_sha"))
            .Add("cumulative_input_tokens", cumulative.GetInt64OrZero("input_tokens"))
            .Add("cumulative_output_tokens", cumulative.GetInt64OrZero("output_tokens"))
            .Add("cumulative_cache_read_tokens", cumulative.GetInt64OrZero("cache_read_input_tokens"))
            .Add("cumulative_cache_write_tokens", cumulative.GetInt64OrZero("cache_creation_input_tokens"))
            .Add("resumes", state.Resumes)
            .Add("redacted_reasoning", state.RedactedReasoning)
            .Add("mentions", state.Mentions)
            .Add("unknown_content", state.Unknown)
            .Add("orphan_tool_results", state.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", state.Builder.UnansweredToolCalls)
            .Add("skipped_messages", diagnostics.ErrorCount)
            .Build();

        return new RolloutRecord
        {
            TraceId = row.Id,
            Format = RolloutFormat.Zed,
            SourceKind = SourceKind,
            SourcePath = path,
            RootSessionId = row.RootId ?? parentId ?? row.Id,
            AgentId = isChild ? row.Id : null,
            IsSidechain = isChild,
            Cwd = cwd,
            ProjectPath = cwd,
            GitBranch = git.GetStringOrNull("current_branch"),
            StartedAt = new[] { row.Created, snapshot.GetTimestamp("timestamp") }.Where(t => t is not null).Min(),
            EndedAt = new[] { row.Updated, thread.GetTimestamp("updated_at") }.Where(t => t is not null).Max(),
            Title = Titles.Clean(title),
            Models = state.Builder.Models,
            Messages = built,
            SourceMeta = sourceMeta,
            Usage = state.Builder.Usage,
            UnlistedResponses = state.Builder.Unlisted,
        };
    }

    /// <summary>0.3.0's detailed_summary, or the first agent's detailed_summary_state {"Generated": {"text"}}.</summary>
    private static string? DetailedSummary(JsonElement thread) =>
        thread.GetStringOrNull("detailed_summary")
        ?? thread.GetPropertyOrDefault("detailed_summary_state").GetPropertyOrDefault("Generated").GetStringOrNull("text");

    /// <summary>Walks the messages in order, feeding the conversation and counting what has no place in it.</summary>
    private sealed class BuildState
    {
        private readonly string _where;
        private readonly DiagnosticList _diagnostics;
        private readonly bool _isChild;
        private readonly string? _model;
        private readonly JsonElement _usage;
        private readonly UnplacedKinds _unknown;
        private readonly Dictionary<string, long> _mentions = new(StringComparer.Ordinal);
        private string? _userId;
        private ConversationBuilder.AssistantTurn? _lastTurn;

        /// <param name="usage">request_token_usage: 0.3.0's map from a prompt's id to its turn's usage, or the first agent's list by message index.</param>
        public BuildState(string where, DiagnosticList diagnostics, bool isChild, string? model, JsonElement usage)
        {
            _where = where;
            _diagnostics = diagnostics;
            _unknown = new UnplacedKinds(diagnostics);
            _isChild = isChild;
            _model = model;
            _usage = usage;
        }

        public ConversationBuilder Builder { get; } = new();
        public IReadOnlyDictionary<string, long> Unknown => _unknown.Counts;
        public IReadOnlyDictionary<string, long> Mentions => _mentions;
        public long Resumes { get; private set; }
        public long RedactedReasoning { get; private set; }

        public void Add(JsonElement message, int index)
        {
            if (message.ValueKind == JsonValueKind.String)
            {
                if (message.GetString() != "Resume") throw new InvalidDataException($"a message is the string '{message.GetString()}', not Resume");
                AddResume();
                return;
            }
            if (message.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"a message is a JSON {Kind(message)}, not an object");
            if (message.TryGetProperty("role", out _))
            {
                AddLegacy(message, index);
                return;
            }
            var variant = Variant(message);
            switch (variant.Name)
            {
                case "User":
                    AddUser(variant.Value);
                    break;
                case "Agent":
                    AddAgent(variant.Value);
                    break;
                case "Resume":
                    AddResume();
                    break;
                default:
                    throw new InvalidDataException($"a message is '{variant.Name ?? "{}"}', none of User, Agent and Resume");
            }
        }

        /// <summary>
        /// A prompt ends the turn before it: 0.3.0 keeps one usage per prompt (request_token_usage, keyed by the
        /// prompt's id), overwritten by every request of its turn (thread.rs update_token_usage), so it is the usage
        /// of the turn's last request and belongs to the turn's last response.
        /// </summary>
        public void EndTurn()
        {
            if (_lastTurn is not null && _userId is not null && _usage.ValueKind == JsonValueKind.Object
                && _usage.GetPropertyOrDefault(_userId) is { ValueKind: JsonValueKind.Object } usage)
            {
                _lastTurn.SetUsage(Usage(usage));
            }
            _lastTurn = null;
        }

        /// <summary>
        /// 0.3.0's prompt: its text, with each mention (a file, symbol, selection, thread, URL… attached with @) named
        /// where it was typed, and images; then the mentions' content, which Zed sends after the prompt as context.
        /// </summary>
        private void AddUser(JsonElement user)
        {
            var items = Items(user.GetPropertyOrDefault("content"), "user message");
            var blocks = new List<ContentBlock>();
            var context = new List<ContentBlock>();
            var text = new StringBuilder();
            foreach (var (name, value) in items)
            {
                switch (name)
                {
                    case "Text":
                        text.Append(value.ValueKind == JsonValueKind.String ? value.GetString() : throw new InvalidDataException("a Text item is not a string"));
                        break;
                    case "Mention":
                        var mention = MentionOf(value.GetPropertyOrDefault("uri"));
                        _mentions[mention.Kind] = _mentions.GetValueOrDefault(mention.Kind) + 1;
                        text.Append('@').Append(mention.Short);
                        if (value.GetTextOrEmpty("content") is { Length: > 0 } content) context.Add(ContentBlock.FromText($"@{mention.Kind} {mention.Detail}\n{content}"));
                        break;
                    case "Image":
                        Flush(text, blocks);
                        blocks.AddRange(Image(value));
                        break;
                    default:
                        Unplaced("user message", name);
                        break;
                }
            }
            Flush(text, blocks);
            EndTurn();
            _userId = user.GetIdOrNull("id");
            AddPrompt(blocks, hidden: false);
            if (context.Count > 0) Builder.AddMessage(MessageRole.User, MessageKind.Context, context, null);
        }

        /// <summary>
        /// 0.3.0's response: one request's answer (text, thinking, redacted thinking, tool uses), with the results of
        /// its tool uses, keyed by the use's id. Every item is read before the response starts, so a damaged one skips it whole.
        /// </summary>
        private void AddAgent(JsonElement agent)
        {
            var content = new List<ContentBlock>();
            var reasoning = new List<string>();
            var calls = new List<ToolCall>();
            var redacted = 0;
            foreach (var (name, value) in Items(agent.GetPropertyOrDefault("content"), "agent message"))
            {
                switch (name)
                {
                    case "Text":
                        if (value.GetString() is { Length: > 0 } text) content.Add(ContentBlock.FromText(text));
                        break;
                    case "Thinking":
                        reasoning.Add(value.GetTextOrEmpty("text"));
                        break;
                    case "RedactedThinking":
                        redacted++;
                        break;
                    case "ToolUse":
                        calls.Add(Call(value));
                        break;
                    default:
                        Unplaced("agent message", name);
                        break;
                }
            }
            var results = agent.GetPropertyOrDefault("tool_results") is { ValueKind: JsonValueKind.Object } map
                ? map.EnumerateObject().Select(r => Result(r.Value, r.Name)).ToArray()
                : Array.Empty<ToolResult>();
            RedactedReasoning += redacted;
            var turn = Builder.StartAssistant(null, _model);
            foreach (var text in reasoning) turn.AddReasoning(text);
            turn.AddContent(content);
            foreach (var call in calls) turn.AddToolCall(call);
            foreach (var result in results) Builder.AddToolResult(result);
            _lastTurn = turn;
        }

        /// <summary>
        /// "Resume": the person went on after the agent stopped at its limit of tool uses; Zed sends the model "Continue
        /// where you left off" (thread.rs Message::to_request). The turn goes on under the prompt before it.
        /// </summary>
        private void AddResume()
        {
            Resumes++;
            Builder.AddMessage(MessageRole.User, MessageKind.Command, new[] { ContentBlock.FromText("Continue where you left off") }, null);
        }

        /// <summary>
        /// The first agent's message: a role; segments of text, thinking (with its signature) and redacted thinking, or
        /// before segments one text; tool_uses {id, name, input}; tool_results (in 0.1.0, on the user message after the
        /// calls); a prompt's context, the text of what was attached to it; and is_hidden for a message Zed sent
        /// without showing it. request_token_usage is a list by message index, each response's own.
        /// </summary>
        private void AddLegacy(JsonElement message, int index)
        {
            var role = message.GetStringOrNull("role") ?? throw new InvalidDataException("its role is not a string");
            var text = new List<string>();
            var reasoning = new List<string>();
            var redacted = 0;
            if (message.GetStringOrNull("text") is { } plain) text.Add(plain);
            foreach (var segment in Each(message.GetPropertyOrDefault("segments"), "segments"))
            {
                switch (segment.GetStringOrNull("type"))
                {
                    case "text":
                        text.Add(segment.GetTextOrEmpty("text"));
                        break;
                    case "thinking":
                        // Zed's upgrade keeps a user message's thinking as its text.
                        (role == "assistant" ? reasoning : text).Add(segment.GetTextOrEmpty("text"));
                        break;
                    case "RedactedThinking":
                        redacted++;
                        break;
                    case var other:
                        Unplaced($"{role} message", other ?? "(untyped segment)");
                        break;
                }
            }
            var calls = Each(message.GetPropertyOrDefault("tool_uses"), "tool_uses").Select(Call).ToArray();
            var results = Each(message.GetPropertyOrDefault("tool_results"), "tool_results").Select(r => Result(r, null)).ToArray();
            var blocks = text.Where(t => t.Length > 0).Select(ContentBlock.FromText).ToArray();
            switch (role)
            {
                case "user":
                    foreach (var result in results) Builder.AddToolResult(result);
                    AddPrompt(blocks, message.GetBool("is_hidden"));
                    if (message.GetTextOrEmpty("context") is { Length: > 0 } context)
                    {
                        Builder.AddMessage(MessageRole.User, MessageKind.Context, new[] { ContentBlock.FromText(context) }, null);
                    }
                    break;
                case "assistant":
                    RedactedReasoning += redacted;
                    var turn = Builder.StartAssistant(null, _model);
                    foreach (var thought in reasoning) turn.AddReasoning(thought);
                    turn.AddContent(blocks);
                    foreach (var call in calls) turn.AddToolCall(call);
                    if (_usage.ValueKind == JsonValueKind.Array && index < _usage.GetArrayLength() && _usage[index] is { ValueKind: JsonValueKind.Object } usage)
                    {
                        turn.SetUsage(Usage(usage));
                    }
                    foreach (var result in results) Builder.AddToolResult(result);
                    break;
                case "system":
                    // Zed's upgrade drops system messages; read, they are context.
                    if (blocks.Length > 0) Builder.AddMessage(MessageRole.System, MessageKind.Context, blocks, null);
                    break;
                default:
                    throw new InvalidDataException($"role '{role}' is none of user, assistant and system");
            }
        }

        /// <summary>
        /// A person's prompt; one Zed sent unseen is context. In a sub-agent's thread every prompt is its parent's words:
        /// the task, each follow-up the parent sends to the same session (spawn_agent's session_id), and the first
        /// subagent tool's summary_prompt and context_low_prompt (thread.rs request_final_summary, interrupt_for_summary).
        /// </summary>
        private void AddPrompt(IReadOnlyList<ContentBlock> blocks, bool hidden)
        {
            if (blocks.Count == 0) return;
            var kind = hidden ? MessageKind.Context : _isChild ? MessageKind.AgentMessage : MessageKind.Prompt;
            Builder.AddMessage(MessageRole.User, kind, blocks, null);
        }

        /// <summary>An entry this reader cannot place: counted, and told once per kind.</summary>
        private void Unplaced(string what, string name) => _unknown.Add($"{what}: {name}", null, $"{_where}: {what} content '{name}' is not one this reader knows; left out.");

        /// <summary>0.3.0's content list: each item one externally tagged variant, {"Text": "…"}, {"ToolUse": {…}}.</summary>
        private static IEnumerable<(string Name, JsonElement Value)> Items(JsonElement content, string what)
        {
            foreach (var item in Each(content, $"{what} content"))
            {
                if (item.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"an item of the {what} is a JSON {Kind(item)}, not an object");
                var variant = Variant(item);
                yield return (variant.Name ?? "{}", variant.Value);
            }
        }

        /// <summary>An externally tagged enum's variant (serde's default): the one property of its object; no name for an empty object.</summary>
        private static (string? Name, JsonElement Value) Variant(JsonElement element)
        {
            foreach (var property in element.EnumerateObject()) return (property.Name, property.Value);
            return (null, default);
        }

        private static IEnumerable<JsonElement> Each(JsonElement list, string what) => list.ValueKind switch
        {
            JsonValueKind.Array => list.EnumerateArray(),
            JsonValueKind.Undefined or JsonValueKind.Null => Enumerable.Empty<JsonElement>(),
            _ => throw new InvalidDataException($"its {what} is a JSON {Kind(list)}, not a list"),
        };

        private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

        /// <summary>
        /// A tool use as the model made it. 0.3.0 keeps its input as JSON, or (newer) as {"type": "json"|"text",
        /// "value"} for a tool whose input is free text (language_model LanguageModelToolUseInput); raw_input is the
        /// text the model streamed, the input when it never parsed.
        /// </summary>
        private static ToolCall Call(JsonElement use)
        {
            var id = use.GetIdOrNull("id") ?? throw new InvalidDataException("a tool use has no id");
            var input = use.GetPropertyOrDefault("input");
            if (input.ValueKind == JsonValueKind.Object && input.GetStringOrNull("type") is "json" or "text" && input.TryGetProperty("value", out var value)
                && input.EnumerateObject().Count() == 2)
            {
                input = value;
            }
            var arguments = input.ValueKind switch
            {
                JsonValueKind.String => input.GetString()!,
                JsonValueKind.Undefined or JsonValueKind.Null => use.GetTextOrEmpty("raw_input") is { Length: > 0 } raw ? raw : "{}",
                _ => input.GetRawText(),
            };
            return new ToolCall(id, use.GetTextOrEmpty("name"), arguments);
        }

        /// <summary>A tool's result: what the model was given (content) and, as structured output, what the tool kept for display (output).</summary>
        private static ToolResult Result(JsonElement result, string? key)
        {
            var id = result.GetIdOrNull("tool_use_id") ?? key ?? throw new InvalidDataException("a tool result has no tool_use_id");
            var output = result.GetPropertyOrDefault("output");
            return new ToolResult(id, ResultContent(result.GetPropertyOrDefault("content")).ToArray())
            {
                IsError = result.GetBool("is_error"),
                StructuredResult = output.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : output.GetRawText(),
            };
        }

        /// <summary>
        /// A result's content in every shape Zed accepts (language_model LanguageModelToolResultContent and, newer, a
        /// list of them): a string, {"Text": "…"}, {"type": "text", "text"}, {"text"}, {"Image": {source, size}}, or an image.
        /// </summary>
        private static IEnumerable<ContentBlock> ResultContent(JsonElement content)
        {
            switch (content.ValueKind)
            {
                case JsonValueKind.Array:
                    foreach (var part in content.EnumerateArray()) foreach (var block in ResultContent(part)) yield return block;
                    break;
                case JsonValueKind.String:
                    if (content.GetString() is { Length: > 0 } text) yield return ContentBlock.FromText(text);
                    break;
                case JsonValueKind.Object:
                    var type = Field(content, "type");
                    var said = Field(content, "text");
                    var image = Field(content, "image");
                    var single = content.EnumerateObject().Count() == 1;
                    if (said.ValueKind == JsonValueKind.String && (single || type.ValueKind == JsonValueKind.String && string.Equals(type.GetString(), "text", StringComparison.OrdinalIgnoreCase)))
                    {
                        if (said.GetString() is { Length: > 0 } text2) yield return ContentBlock.FromText(text2);
                    }
                    else if (single && image.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var block in Image(image)) yield return block;
                    }
                    else if (Field(content, "source").ValueKind == JsonValueKind.String)
                    {
                        foreach (var block in Image(content)) yield return block;
                    }
                    else
                    {
                        yield return ContentBlock.FromText(content.GetRawText());
                    }
                    break;
                case JsonValueKind.Undefined or JsonValueKind.Null:
                    break;
                default:
                    yield return ContentBlock.FromText(content.GetRawText());
                    break;
            }
        }

        /// <summary>Zed matches these names whatever their case.</summary>
        private static JsonElement Field(JsonElement element, string name) =>
            element.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

        /// <summary>language_model's LanguageModelImage: source, base64 PNG data (a mime_type where newer versions say).</summary>
        private static IEnumerable<ContentBlock> Image(JsonElement image)
        {
            if (Field(image, "source") is { ValueKind: JsonValueKind.String } source && source.GetString() is { Length: > 0 } data) yield return ContentBlock.FromImageData(image.GetStringOrNull("mime_type") ?? "image/png", data);
        }

        private static void Flush(StringBuilder text, List<ContentBlock> blocks)
        {
            if (text.Length > 0) blocks.Add(ContentBlock.FromText(text.ToString()));
            text.Clear();
        }

        /// <summary>language_model's TokenUsage: input beside cache reads and cache writes, as Anthropic counts them.</summary>
        private static TokenUsage Usage(JsonElement usage) => new(
            usage.GetInt64OrZero("input_tokens"),
            usage.GetInt64OrZero("output_tokens"),
            usage.GetInt64OrZero("cache_read_input_tokens"),
            usage.GetInt64OrZero("cache_creation_input_tokens"));

        /// <summary>
        /// A mention's kind and what it names (acp_thread's MentionUri, externally tagged: {"File": {"abs_path"}},
        /// {"Symbol": {abs_path, name, line_range}}, {"Fetch": {url}}, {"Thread": {id, name}}…), and the short name
        /// shown where it was typed.
        /// </summary>
        private static (string Kind, string Detail, string Short) MentionOf(JsonElement uri)
        {
            if (uri.ValueKind == JsonValueKind.String) return (uri.GetString()!, string.Empty, uri.GetString()!);
            if (uri.ValueKind != JsonValueKind.Object) throw new InvalidDataException("a mention has no uri");
            var variant = Variant(uri);
            var fields = variant.Value;
            var place = new[] { "abs_path", "file_path", "skill_file_path", "url", "base_ref" }.Select(f => fields.GetStringOrNull(f)).FirstOrDefault(v => v is not null);
            var name = fields.GetStringOrNull("name");
            var range = fields.GetPropertyOrDefault("line_range");
            var lines = range.ValueKind == JsonValueKind.Object
                ? $":{range.GetInt64OrZero("start") + 1}-{range.GetInt64OrZero("end") + 1}"
                : string.Empty;
            var detail = string.Join(" ", new[] { name, place is null ? null : place + lines }.Where(p => !string.IsNullOrEmpty(p)));
            // As Zed names a mention (MentionUri::name): its name, a URL whole, a path by its last part.
            var url = fields.GetStringOrNull("url");
            var shortName = name ?? url ?? (place is null ? null : Path.GetFileName(place.TrimEnd('/', '\\'))) ?? variant.Name;
            return (variant.Name ?? "Mention", detail, string.IsNullOrEmpty(shortName) ? place ?? variant.Name ?? "mention" : shortName);
        }
    }
}
