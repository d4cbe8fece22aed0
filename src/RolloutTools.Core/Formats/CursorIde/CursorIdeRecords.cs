using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.CursorIde;

/// <summary>
/// Turns one composer (a chat of Cursor's IDE) into a normalized record. Cursor is closed source; the shapes are those
/// its public readers read (README, "Cursor's IDE chats", names them). A composer's value has name, createdAt and
/// lastUpdatedAt (Unix milliseconds), status, unifiedMode, modelConfig {modelName, maxMode} and its messages: newer
/// builds list them in fullConversationHeadersOnly [{bubbleId, type}], each stored in a row of its own, older ones
/// inline in conversation. A message ("bubble") has type (1 user, 2 assistant), text, createdAt (ISO 8601), and on
/// an assistant's: thinking {text}, toolFormerData {toolCallId, name, tool, rawArgs, params, result, status, error}
/// (one tool call and its result), tokenCount {inputTokens, outputTokens}, modelInfo {modelName}. Cursor writes each
/// piece of an answer as a bubble of its own; the bubbles between two prompts, or between a batch of tool results and
/// what follows, are one response.
/// </summary>
internal static class CursorIdeRecords
{
    public const string SourceKind = "cursor_ide";

    private const int UserBubble = 1;
    private const int AssistantBubble = 2;

    /// <summary>
    /// The bubbles a composer holds in its own value, in order: conversation, else (builds of 0.3x) each of tabs'
    /// bubbles, else (0.2x) each of conversationMap's entries' bubbles, as the reference reader reads them.
    /// </summary>
    public static IReadOnlyList<(string? BubbleId, string? Key, JsonElement Bubble)> Inline(JsonElement composer)
    {
        IEnumerable<JsonElement> bubbles = composer.GetPropertyOrDefault("conversation") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray()
            : composer.GetPropertyOrDefault("tabs") is { ValueKind: JsonValueKind.Array } tabs ? tabs.EnumerateArray().SelectMany(Held)
            : composer.GetPropertyOrDefault("conversationMap") is { ValueKind: JsonValueKind.Object } map ? map.EnumerateObject().SelectMany(e => Held(e.Value))
            : Enumerable.Empty<JsonElement>();
        return bubbles.Select(b => (b.GetIdOrNull("bubbleId"), (string?)null, b)).ToArray();

        static IEnumerable<JsonElement> Held(JsonElement holder) =>
            holder.GetPropertyOrDefault("bubbles") is { ValueKind: JsonValueKind.Array } held ? held.EnumerateArray() : Enumerable.Empty<JsonElement>();
    }

    public static RolloutRecord Build(CursorComposerRow row, JsonElement composer, IEnumerable<(string? BubbleId, string? Key, JsonElement Bubble)> bubbles,
        string storage, CursorWorkspace? workspace, string path, BubbleCounts counts, DiagnosticList diagnostics)
    {
        var modelConfig = composer.GetPropertyOrDefault("modelConfig");
        var configured = modelConfig.GetStringOrNull("modelName");
        // "default" is Cursor's automatic choice, not a model.
        var model = configured is { Length: > 0 } and not "default" ? configured : null;
        // A subagent's chat (its header's isSubagent, its parent's subagentComposerIds, or subagentInfo naming the
        // parent composer) opens with the task the parent's agent gave it, written as a user bubble. A best-of-N
        // sibling's subagentInfo names its parent too, but what it answers is the person's own prompt, copied to each.
        var spawn = composer.GetPropertyOrDefault("subagentInfo");
        var parent = spawn.GetIdOrNull("parentComposerId") is { Length: > 0 } named && named != row.Id ? named : row.ParentId;
        var bestOfN = composer.GetBool("isBestOfNSubcomposer");
        var subagent = !bestOfN && (row.Subagent || spawn.ValueKind == JsonValueKind.Object);
        var build = new BuildState(row, diagnostics, model, counts, subagent);
        foreach (var (bubbleId, key, bubble) in bubbles) build.Add(bubbleId, key, bubble);
        build.FlushResults();
        var messages = build.Builder.Build();

        var name = Titles.Clean(composer.GetStringOrNull("name"));
        var firstPrompt = messages.FirstOrDefault(m => m.Kind is MessageKind.Prompt or MessageKind.AgentMessage)?.Text;
        var (cwd, cwdSource) = workspace?.Path is { } folder ? (folder, "workspace_storage")
            : Identified(composer.GetPropertyOrDefault("workspaceIdentifier")) is { } identified ? (identified, "workspace_identifier")
            : build.WorkspaceUri is { } uri && FileUris.ToPath(uri) is { } fromBubble ? (fromBubble, "bubble_workspace_uris")
            : (null, null);
        var times = messages.Select(m => m.Timestamp).OfType<DateTimeOffset>().ToArray();
        var sourceMeta = new SourceMeta.Builder()
            .Add("composer_id", row.Id)
            .Add("parent_composer_id", parent)
            .Add("subagent", subagent)
            .Add("best_of_n_subcomposer", bestOfN)
            .Add("storage", storage)
            .Add("unified_mode", composer.GetStringOrNull("unifiedMode") ?? composer.GetStringOrNull("forceMode"))
            .Add("status", composer.GetStringOrNull("status"))
            .Add("model_config", configured)
            .Add("max_mode", modelConfig.GetBool("maxMode"))
            .Add("title_source", name is not null ? "name" : firstPrompt is not null ? "first_prompt" : null)
            .Add("cwd_source", cwdSource)
            .Add("workspace_uri", workspace?.Uri)
            .Add("workspace_storage", workspace?.Hash)
            .Add("bubbles", counts.Total)
            .Add("missing_bubbles", counts.Missing)
            .Add("unreadable_bubbles", counts.Unreadable)
            .Add("empty_bubbles", build.Empty)
            .Add("code_blocks", build.CodeBlocks)
            .Add("tool_statuses", build.ToolStatuses)
            .Add("unknown_bubble_types", build.Unknown)
            .Add("orphan_tool_results", build.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", build.Builder.UnansweredToolCalls)
            .Build();

        return new RolloutRecord
        {
            TraceId = row.Id,
            Format = RolloutFormat.CursorIde,
            SourceKind = SourceKind,
            SourcePath = path,
            RootSessionId = subagent ? parent ?? row.Id : row.Id,
            AgentId = subagent ? row.Id : null,
            IsSidechain = subagent,
            Cwd = cwd,
            ProjectPath = cwd,
            StartedAt = row.Created ?? (times.Length > 0 ? times.Min() : null),
            EndedAt = row.LastActivity ?? (times.Length > 0 ? times.Max() : null),
            Title = name ?? Titles.Clean(firstPrompt),
            Models = build.Builder.Models,
            Messages = messages,
            SourceMeta = sourceMeta,
            Usage = build.Builder.Usage,
            UnlistedResponses = build.Builder.Unlisted,
        };
    }

    /// <summary>
    /// The folder of a composer's workspaceIdentifier, where later builds write one: uri (a VS Code URI object) for a
    /// folder, configPath (the .code-workspace file's) for a multi-root workspace.
    /// </summary>
    private static string? Identified(JsonElement identifier) => FolderOf(identifier.GetPropertyOrDefault("uri")) ?? FolderOf(identifier.GetPropertyOrDefault("configPath"));

    private static string? FolderOf(JsonElement uri) =>
        uri.GetStringOrNull("fsPath") is { Length: > 0 } fsPath ? fsPath : uri.GetStringOrNull("path") is { Length: > 0 } path ? path : null;

    /// <summary>A bubble's createdAt: ISO 8601 in the bubbles of current builds, Unix milliseconds in some older ones.</summary>
    internal static DateTimeOffset? Time(JsonElement bubble) =>
        bubble.GetTimestamp("createdAt") ?? UnixTime.FromSecondsOrMilliseconds(bubble.GetInt64OrZero("createdAt"));

    /// <summary>How many bubbles the composer names, and how many of them could not be had from the database.</summary>
    internal sealed class BubbleCounts
    {
        public long Total { get; set; }
        public long Missing { get; set; }
        public long Unreadable { get; set; }
    }

    /// <summary>Walks the bubbles in order, feeding the conversation and counting what has no place in it.</summary>
    private sealed class BuildState
    {
        private readonly CursorComposerRow _row;
        private readonly DiagnosticList _diagnostics;
        private readonly string? _model;
        private readonly BubbleCounts _counts;
        private readonly bool _subagent;
        private readonly UnplacedKinds _unknown;
        private readonly Dictionary<string, long> _statuses = new(StringComparer.Ordinal);
        private readonly List<ToolResult> _pending = new();
        private ConversationBuilder.AssistantTurn? _turn;
        private int _position;
        private bool _settled;
        private TokenUsage _turnUsage;

        public BuildState(CursorComposerRow row, DiagnosticList diagnostics, string? model, BubbleCounts counts, bool subagent)
        {
            _subagent = subagent;
            _row = row;
            _diagnostics = diagnostics;
            _unknown = new UnplacedKinds(diagnostics);
            _model = model;
            _counts = counts;
        }

        public ConversationBuilder Builder { get; } = new();
        public IReadOnlyDictionary<string, long> Unknown => _unknown.Counts;
        public IReadOnlyDictionary<string, long> ToolStatuses => _statuses;
        public long Empty { get; private set; }
        public long CodeBlocks { get; private set; }

        /// <summary>The first workspace a user bubble names (workspaceUris), for a composer no workspace lists.</summary>
        public string? WorkspaceUri { get; private set; }

        public void Add(string? bubbleId, string? key, JsonElement bubble)
        {
            _position++;
            var where = key is not null ? $"row {key}" : $"row {_row.Key}, conversation bubble {bubbleId ?? "(no id)"}";
            try
            {
                if (bubble.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"it is a JSON {bubble.ValueKind.ToString().ToLowerInvariant()}, not an object");
                var time = Time(bubble);
                if (bubble.GetPropertyOrDefault("codeBlocks") is { ValueKind: JsonValueKind.Array } blocks) CodeBlocks += blocks.GetArrayLength();
                switch (Kind(bubble, out var stated))
                {
                    case UserBubble:
                        AddUser(bubble, time, where);
                        break;
                    case AssistantBubble:
                        AddAssistant(bubbleId, bubble, time);
                        break;
                    default:
                        Unplaced(where, stated);
                        break;
                }
            }
            catch (Exception e) when (e is InvalidDataException or FormatException || JsonLineReader.IsUnreadableValue(e))
            {
                _counts.Unreadable++;
                _diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{where} cannot be read: {e.Message}; left out.");
            }
        }

        /// <summary>
        /// A prompt (in a subagent's chat, the parent agent's task: an AgentMessage), which ends the response before it;
        /// the results of that response's calls come first.
        /// </summary>
        private void AddUser(JsonElement bubble, DateTimeOffset? time, string where)
        {
            FlushResults();
            _turn = null;
            if (WorkspaceUri is null && bubble.GetPropertyOrDefault("workspaceUris") is { ValueKind: JsonValueKind.Array } uris)
            {
                WorkspaceUri = uris.EnumerateArray().Where(u => u.ValueKind == JsonValueKind.String).Select(u => u.GetString()).FirstOrDefault();
            }
            var text = bubble.GetTextOrEmpty("text") is { Length: > 0 } plain ? plain : RichText(bubble.GetPropertyOrDefault("richText"));
            var content = new List<ContentBlock>();
            if (text.Length > 0) content.Add(ContentBlock.FromText(text));
            if (bubble.GetPropertyOrDefault("images") is { ValueKind: JsonValueKind.Array } images)
            {
                content.AddRange(images.EnumerateArray().Select(i => i.GetStringOrNull("path")).OfType<string>().Where(p => p.Length > 0).Select(p => ContentBlock.FromImageUrl(p)));
            }
            if (content.Count == 0)
            {
                // An empty prompt stays, so the answer after it is not read as the answer to the prompt before.
                Empty++;
                _diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{where}: a prompt with no text or image this reader can read; kept as an empty prompt.");
            }
            Builder.AddMessage(MessageRole.User, _subagent ? MessageKind.AgentMessage : MessageKind.Prompt, content, time);
        }

        /// <summary>
        /// The words of richText, the editor's own copy of a prompt (a Lexical editor state, as a JSON text): its text
        /// nodes, a line per paragraph. Where text is empty, a prompt of some builds holds its words only there.
        /// </summary>
        private static string RichText(JsonElement richText)
        {
            if (richText.ValueKind != JsonValueKind.String || richText.GetString() is not { Length: > 0 } json) return string.Empty;
            try
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement.GetPropertyOrDefault("root");
                if (root.GetPropertyOrDefault("children") is not { ValueKind: JsonValueKind.Array } paragraphs) return string.Empty;
                var lines = paragraphs.EnumerateArray().Select(p =>
                {
                    var line = new System.Text.StringBuilder();
                    Words(p, line);
                    return line.ToString();
                });
                return string.Join('\n', lines).Trim();
            }
            catch (JsonException)
            {
                return string.Empty;
            }
        }

        private static void Words(JsonElement node, System.Text.StringBuilder line)
        {
            if (node.ValueKind != JsonValueKind.Object) return;
            if (node.GetStringOrNull("text") is { } words) line.Append(words);
            if (node.GetPropertyOrDefault("children") is { ValueKind: JsonValueKind.Array } children)
            {
                foreach (var child in children.EnumerateArray()) Words(child, line);
            }
        }

        /// <summary>
        /// Whose a bubble is: type 1 or 2 in current builds; older ones spell it ("user", "ai") or give a role.
        /// <paramref name="stated"/> is the value as written, for the warning about one this reader does not know.
        /// </summary>
        private static int? Kind(JsonElement bubble, out string stated)
        {
            var type = bubble.GetPropertyOrDefault("type");
            if (type.ValueKind == JsonValueKind.Number)
            {
                stated = type.GetRawText();
                return type.TryGetInt32(out var number) && number is UserBubble or AssistantBubble ? number : null;
            }
            var spelled = type.ValueKind == JsonValueKind.String ? type.GetString() : bubble.GetStringOrNull("role");
            stated = spelled is not null ? $"\"{spelled}\"" : type.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? "(none)" : type.GetRawText();
            return spelled?.ToLowerInvariant() switch
            {
                "user" or "human" => UserBubble,
                "ai" or "assistant" or "bot" => AssistantBubble,
                _ => null,
            };
        }

        /// <summary>
        /// A piece of an answer: reasoning, text, a tool call with its result. Text or reasoning after results begins a
        /// new response (the model saw the results); calls in a row are one response, their results following it.
        /// </summary>
        private void AddAssistant(string? bubbleId, JsonElement bubble, DateTimeOffset? time)
        {
            // thinking is {text} in current builds, a plain string in some.
            var thinking = bubble.GetPropertyOrDefault("thinking") switch
            {
                { ValueKind: JsonValueKind.Object } block => block.GetTextOrEmpty("text"),
                { ValueKind: JsonValueKind.String } plain => plain.GetString()!,
                _ => string.Empty,
            };
            var text = bubble.GetTextOrEmpty("text");
            var tool = bubble.GetPropertyOrDefault("toolFormerData");
            var call = Call(bubbleId ?? $"bubble{_position}", tool);
            var usage = Usage(bubble.GetPropertyOrDefault("tokenCount"));
            if (thinking.Length == 0 && text.Length == 0 && call is null && usage is null)
            {
                Empty++;
                return;
            }
            if ((_pending.Count > 0 || _settled) && (call is null || thinking.Length > 0 || text.Length > 0)) FlushResults();
            var named = bubble.GetPropertyOrDefault("modelInfo").GetStringOrNull("modelName") is { Length: > 0 } stated and not "default" ? stated : null;
            if (_turn is null)
            {
                _turn = Builder.StartAssistant(time, named ?? _model);
                _turnUsage = default;
            }
            else
            {
                // The bubble that names the model is often the response's last (with its tokenCount), not its first.
                _turn.SetModel(named);
            }
            _turn.AddReasoning(thinking);
            if (text.Length > 0) _turn.AddContent(new[] { ContentBlock.FromText(text) });
            if (usage is { } used)
            {
                _turnUsage += used;
                _turn.SetUsage(_turnUsage);
            }
            if (call is null) return;
            _turn.AddToolCall(call);
            var status = tool.GetStringOrNull("status");
            if (status is { Length: > 0 }) _statuses[status] = _statuses.GetValueOrDefault(status) + 1;
            if (Result(call.Id, tool, status, time) is { } result) _pending.Add(result);
            // A call the person rejected or that failed before it ran has no result, yet what follows it is a new response.
            else if (status is "cancelled" or "rejected" or "error" || tool.GetPropertyOrDefault("userDecision").ValueKind == JsonValueKind.String) _settled = true;
        }

        /// <summary>The results of the calls made so far, after them; the next piece of an answer is a new response.</summary>
        public void FlushResults()
        {
            foreach (var result in _pending) Builder.AddToolResult(result);
            if (_pending.Count > 0 || _settled) _turn = null;
            _pending.Clear();
            _settled = false;
        }

        /// <summary>
        /// toolFormerData as a call: toolCallId (else one made of the bubble's id, or its place for an inline bubble without one), name (else tool: a name, or Cursor's number for it), and
        /// rawArgs, the arguments as the model wrote them (else params, Cursor's own copy). One holding nothing but
        /// additionalData is no call.
        /// </summary>
        private static ToolCall? Call(string bubbleId, JsonElement tool)
        {
            if (tool.ValueKind != JsonValueKind.Object) return null;
            var name = tool.GetStringOrNull("name") is { Length: > 0 } named ? named
                : tool.GetStringOrNull("tool") is { Length: > 0 } spelled ? spelled
                : tool.GetIdOrNull("tool") is { } number ? $"tool_{number}"
                : null;
            var arguments = Text(tool.GetPropertyOrDefault("rawArgs")) ?? Text(tool.GetPropertyOrDefault("params"));
            if (name is null && arguments is null) return null;
            var id = tool.GetIdOrNull("toolCallId") is { Length: > 0 } stated ? stated : $"cursor-ide-{bubbleId}";
            return new ToolCall(id, name ?? "unknown", arguments ?? "{}");
        }

        /// <summary>
        /// The result as stored (a JSON text of the tool's own shape), the error after it where there is one; status
        /// "error" or an error marks it. Only a non-empty string or an object is an error: some builds write error false.
        /// </summary>
        private static ToolResult? Result(string callId, JsonElement tool, string? status, DateTimeOffset? time)
        {
            var stated = tool.GetPropertyOrDefault("error");
            var error = stated.ValueKind is JsonValueKind.String or JsonValueKind.Object ? Text(stated) : null;
            var result = Text(tool.GetPropertyOrDefault("result"));
            var text = result is not null && error is not null ? $"{result}\n{error}" : result ?? error;
            if (text is null) return null;
            return new ToolResult(callId, new[] { ContentBlock.FromText(text) }) { IsError = status == "error" || error is not null, Timestamp = time };
        }

        /// <summary>A string as it is, another JSON value as its text; null for none, null or an empty string.</summary>
        private static string? Text(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : null,
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            _ => value.GetRawText(),
        };

        /// <summary>tokenCount, only where Cursor stated a count (most bubbles carry zeros); a count written as a string counts too.</summary>
        private static TokenUsage? Usage(JsonElement count)
        {
            var usage = new TokenUsage(Count(count, "inputTokens"), Count(count, "outputTokens"), 0, 0);
            return usage.Total > 0 ? usage : null;
        }

        private static long Count(JsonElement count, string name) =>
            count.GetPropertyOrDefault(name) is { ValueKind: JsonValueKind.String } text
                && long.TryParse(text.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
                ? n
                : Math.Max(0, count.GetInt64OrZero(name));

        /// <summary>A bubble of a type this reader does not know: counted, and told once per type.</summary>
        private void Unplaced(string where, string type) =>
            _unknown.Add(type, null, $"{where}: a bubble of type {type} is not one this reader knows; left out.");
    }
}
