using System.Globalization;
using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Crush;

/// <summary>
/// Turns one Crush session into a normalized record. Every assistant row is one response (one step of the agent
/// loop, internal/agent/agent.go); a tool row holds the results of the calls before it; a user row holds the prompt,
/// its attachments and bang-mode shell commands. Parts (internal/message/content.go): text, reasoning, image_url,
/// binary (an attached file), tool_call, tool_result, finish (why a response ended; Crush adds "stop" to every
/// message that is not an assistant's) and shell_command.
/// </summary>
internal static class CrushRecords
{
    public const string SourceKind = "crush";

    /// <summary>Titles Crush gives a session before it names one (app.go, ui.go, agent_tool.go).</summary>
    private static readonly string[] DefaultTitles = { "Untitled Session", "New Session", "New Agent Session" };

    /// <summary>The separator of a sub-agent's session id, "&lt;assistant message id&gt;$$&lt;tool call id&gt;" (session.go CreateAgentToolSessionID).</summary>
    private const string AgentToolSeparator = "$$";

    public static RolloutRecord Build(CrushSession session, string path, DiagnosticList diagnostics)
    {
        var state = new BuildState(session.ParentId is not null);
        foreach (var message in session.Messages)
        {
            try
            {
                state.Add(message);
            }
            catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, null, $"{message.Where}: a part could not be read ({e.Message}); skipped.");
            }
            catch (InvalidDataException e)
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, null, $"{message.Where}: {e.Message}; skipped.");
            }
        }
        var messages = state.Builder.Build();

        var isChild = session.ParentId is not null;
        var times = messages.Select(m => m.Timestamp).Where(t => t is not null).ToList();
        var firstPrompt = messages.FirstOrDefault(m => m.Kind is MessageKind.Prompt or MessageKind.AgentMessage)?.Text;
        var title = session.Title is { } t && !DefaultTitles.Contains(t, StringComparer.Ordinal) ? t : firstPrompt;
        var sourceMeta = new SourceMeta.Builder()
            .Add("session_id", session.Id)
            .Add("parent_session_id", session.ParentId)
            .Add("parent_tool_use_id", isChild ? SpawningCall(session.Id) : null)
            .Add("child_session_ids", session.ChildIds)
            .Add("providers", state.Providers)
            // A sub-agent's cost is added to its parent's once it finishes (coordinator.go updateParentSessionCost), so
            // only a top-level session's cost is the cost_usd a usage report counts; a sub-agent's own is beside it.
            .Add(isChild ? "sub_agent_cost_usd" : "cost_usd", Math.Round(session.Cost, 6))
            .Add("cost_includes_child_sessions", session.ChildIds.Count > 0 && session.Cost > 0)
            .Add("last_prompt_tokens", session.PromptTokens)
            .Add("last_completion_tokens", session.CompletionTokens)
            .Add("message_count", session.MessageCount)
            .Add("has_todos", session.HasTodos)
            .Add("finish_reasons", state.FinishReasons)
            .Add("errors", state.Errors)
            .Add("compactions", state.Compactions)
            .Add("unfinished_tool_calls", state.UnfinishedCalls)
            .Add("attached_files", state.AttachedFiles)
            .Add("shell_commands", state.ShellCommands)
            .Add("unknown_parts", state.UnknownParts)
            .Add("orphan_tool_results", state.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", state.Builder.UnansweredToolCalls)
            .Add("skipped_rows", diagnostics.ErrorCount)
            .Build();

        var cwd = session.WorkingFolder ?? state.ShellFolder;
        return new RolloutRecord
        {
            TraceId = session.Id,
            Format = RolloutFormat.Crush,
            SourceKind = SourceKind,
            SourcePath = path,
            RootSessionId = session.RootId ?? session.Id,
            AgentId = isChild ? session.Id : null,
            IsSidechain = isChild,
            Cwd = cwd,
            ProjectPath = cwd,
            StartedAt = new[] { session.Created, times.Min() }.Where(t => t is not null).Min(),
            EndedAt = new[] { session.Updated, state.LastTime, times.Max() }.Where(t => t is not null).Max(),
            Title = Titles.Clean(title),
            Models = state.Builder.Models,
            Messages = messages,
            SourceMeta = sourceMeta,
        };
    }

    /// <summary>The call that ran a sub-agent: the second half of its session id, or (before the id had two halves) the whole id.</summary>
    private static string SpawningCall(string childId)
    {
        var separator = childId.IndexOf(AgentToolSeparator, StringComparison.Ordinal);
        return separator < 0 ? childId : childId[(separator + AgentToolSeparator.Length)..];
    }

    /// <summary>Walks the messages and their parts in order, feeding the conversation and counting what has no place in it.</summary>
    private sealed class BuildState
    {
        private readonly bool _isChild;
        private readonly List<string> _providers = new();
        private readonly List<string> _errors = new();
        private readonly List<string> _attached = new();
        private readonly Dictionary<string, long> _finishReasons = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _unknown = new(StringComparer.Ordinal);

        public BuildState(bool isChild)
        {
            _isChild = isChild;
        }

        public ConversationBuilder Builder { get; } = new();
        public IReadOnlyList<string> Providers => _providers;
        public IReadOnlyList<string> Errors => _errors;
        public IReadOnlyList<string> AttachedFiles => _attached;
        public IReadOnlyDictionary<string, long> FinishReasons => _finishReasons;
        public IReadOnlyDictionary<string, long> UnknownParts => _unknown;
        public long Compactions { get; private set; }
        public long UnfinishedCalls { get; private set; }
        public long ShellCommands { get; private set; }

        /// <summary>Where the first shell command ran (the bash tool's working_directory): the working folder when the database's place does not tell it.</summary>
        public string? ShellFolder { get; private set; }

        /// <summary>The latest time a message states, its end included.</summary>
        public DateTimeOffset? LastTime { get; private set; }

        public void Add(CrushMessage message)
        {
            var parts = message.Parts.EnumerateArray().Select(Part.Of).ToArray();
            switch (message.Role)
            {
                case "assistant":
                    AddAssistant(message, parts);
                    break;
                case "user":
                    AddUser(message, parts);
                    break;
                case "tool":
                    AddResults(message, parts);
                    break;
                case "system":
                    // A role Crush defines (message.System) and has not written so far.
                    AddSystem(message, parts);
                    break;
                default:
                    throw new InvalidDataException($"role '{message.Role}' is none of user, assistant, tool and system");
            }
            if (message.Finished is { } finished && (LastTime is null || finished > LastTime)) LastTime = finished;
        }

        /// <summary>Reads every part before the response is started, so a row with a damaged part is skipped whole.</summary>
        private void AddAssistant(CrushMessage message, IReadOnlyList<Part> parts)
        {
            var content = new List<ContentBlock>();
            var reasoning = new List<string>();
            var calls = new List<ToolCall>();
            var finishes = new List<JsonElement>();
            var unfinished = 0;
            foreach (var part in parts)
            {
                switch (part.Type)
                {
                    case "text" or "image_url" or "binary":
                        content.AddRange(Block(part));
                        break;
                    case "reasoning":
                        reasoning.Add(part.Data.GetTextOrEmpty("thinking"));
                        break;
                    case "tool_call":
                        calls.Add(Call(part.Data));
                        if (!part.Data.GetBool("finished")) unfinished++;
                        break;
                    case "finish":
                        finishes.Add(part.Data);
                        break;
                    default:
                        Unknown(part);
                        break;
                }
            }
            if (message.Provider is { } provider && !_providers.Contains(provider)) _providers.Add(provider);
            if (message.IsSummary) Compactions++;
            UnfinishedCalls += unfinished;
            foreach (var finish in finishes) AddFinish(finish);
            var turn = Builder.StartAssistant(message.Created, message.Model, message.IsSummary ? MessageKind.CompactionSummary : MessageKind.Response);
            turn.ResponseId = message.Id;
            foreach (var text in reasoning) turn.AddReasoning(text);
            turn.AddContent(content);
            foreach (var call in calls) turn.AddToolCall(call);
        }

        /// <summary>
        /// The prompt (a person's, or in a sub-agent's session the task its parent gave it) with its attachments, then
        /// each bang-mode shell command as a command of its own, as Crush gives them to the model (ToAIMessage).
        /// </summary>
        private void AddUser(CrushMessage message, IReadOnlyList<Part> parts)
        {
            var blocks = new List<ContentBlock>();
            var commands = new List<ContentBlock>();
            foreach (var part in parts)
            {
                switch (part.Type)
                {
                    case "text" or "image_url" or "binary":
                        blocks.AddRange(Block(part));
                        break;
                    case "shell_command":
                        commands.Add(ContentBlock.FromText(string.Create(CultureInfo.InvariantCulture,
                            $"$ {part.Data.GetTextOrEmpty("command")}\n{part.Data.GetTextOrEmpty("output")}\n(exit code {part.Data.GetInt64OrZero("exit_code")})")));
                        break;
                    case "finish":
                        break;
                    default:
                        Unknown(part);
                        break;
                }
            }
            ShellCommands += commands.Count;
            if (blocks.Count > 0) Builder.AddMessage(MessageRole.User, IsRequeued(blocks) ? MessageKind.Context : _isChild ? MessageKind.AgentMessage : MessageKind.Prompt, blocks, message.Created);
            foreach (var command in commands) Builder.AddMessage(MessageRole.User, MessageKind.Command, new[] { command }, message.Created);
        }

        /// <summary>
        /// When a run is summarized with tool calls still pending, Crush queues the request again, wrapped in fixed
        /// words, and stores it as a user row (internal/agent/agent.go Run): the person's words, said once already.
        /// </summary>
        private static bool IsRequeued(IReadOnlyList<ContentBlock> blocks) =>
            blocks[0] is { Type: ContentBlockType.Text, Text: { } text }
            && text.StartsWith("The previous session was interrupted because it got too long, the initial user request was: ", StringComparison.Ordinal);

        private void AddSystem(CrushMessage message, IReadOnlyList<Part> parts)
        {
            var blocks = parts.Where(p => p.Type is "text" or "image_url" or "binary").SelectMany(Block).ToArray();
            if (blocks.Length > 0) Builder.AddMessage(MessageRole.System, MessageKind.Context, blocks, message.Created);
        }

        /// <summary>
        /// The results of a tool row: each one's text, an image the tool returned (data, base64, with its MIME type), and
        /// the tool's metadata; all read before any is added.
        /// </summary>
        private void AddResults(CrushMessage message, IReadOnlyList<Part> parts)
        {
            var results = new List<ToolResult>();
            string? folder = null;
            foreach (var part in parts)
            {
                if (part.Type == "finish") continue;
                if (part.Type != "tool_result")
                {
                    Unknown(part);
                    continue;
                }
                var data = part.Data;
                var blocks = new List<ContentBlock>();
                if (data.GetTextOrEmpty("content") is { Length: > 0 } content) blocks.Add(ContentBlock.FromText(content));
                if (data.GetStringOrNull("data") is { Length: > 0 } media && data.GetStringOrNull("mime_type") is { } mime && mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
                {
                    blocks.Add(ContentBlock.FromImageData(mime, media));
                }
                var metadata = Metadata(data.GetStringOrNull("metadata"));
                if (data.GetStringOrNull("name") == "bash") folder ??= metadata.GetStringOrNull("working_directory");
                results.Add(new ToolResult(data.GetIdOrNull("tool_call_id") ?? string.Empty, blocks)
                {
                    IsError = data.GetBool("is_error"),
                    StructuredResult = metadata.ValueKind == JsonValueKind.Object && metadata.EnumerateObject().Any() ? metadata.GetRawText() : null,
                    Duration = Duration(metadata),
                    Timestamp = message.Created,
                });
            }
            ShellFolder ??= folder;
            foreach (var result in results) Builder.AddToolResult(result);
        }

        private void AddFinish(JsonElement finish)
        {
            var reason = finish.GetStringOrNull("reason") ?? "(none)";
            _finishReasons[reason] = _finishReasons.GetValueOrDefault(reason) + 1;
            if (reason == "error")
            {
                var said = string.Join(": ", new[] { finish.GetStringOrNull("message"), finish.GetStringOrNull("details") }.Where(s => !string.IsNullOrEmpty(s)));
                _errors.Add(said.Length > 0 ? said : "error");
            }
        }

        /// <summary>An image (by address or inline), a text file's content as Crush hands it to the model, or a note naming any other file.</summary>
        private IEnumerable<ContentBlock> Block(Part part)
        {
            var data = part.Data;
            switch (part.Type)
            {
                case "text":
                    if (data.GetTextOrEmpty("text") is { Length: > 0 } text) yield return ContentBlock.FromText(text);
                    break;
                case "image_url":
                    if (data.GetStringOrNull("url") is { Length: > 0 } url) yield return ContentBlock.FromImageUrl(url);
                    break;
                case "binary":
                    // BinaryContent has no JSON tags: its fields keep their Go names.
                    var file = data.GetStringOrNull("Path");
                    var mime = data.GetStringOrNull("MIMEType") ?? "application/octet-stream";
                    var bytes = data.GetStringOrNull("Data") ?? string.Empty;
                    if (!string.IsNullOrEmpty(file) && !_attached.Contains(file)) _attached.Add(file);
                    if (mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && bytes.Length > 0)
                    {
                        yield return ContentBlock.FromImageData(mime, bytes);
                    }
                    else if (mime.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
                    {
                        yield return ContentBlock.FromText($"{(string.IsNullOrEmpty(file) ? "<file>" : $"<file path='{file}'>")}\n{Decode(bytes)}\n</file>");
                    }
                    else
                    {
                        yield return ContentBlock.FromText($"[attached file {file} ({mime})]");
                    }
                    break;
            }
        }

        private void Unknown(Part part) => _unknown[part.Type] = _unknown.GetValueOrDefault(part.Type) + 1;

        /// <summary>A call as the model made it; one cut off by a cancel has no input yet, and Crush later writes it as "{}".</summary>
        private static ToolCall Call(JsonElement data)
        {
            var id = data.GetIdOrNull("id") ?? throw new InvalidDataException("a tool_call part has no id");
            var input = data.GetTextOrEmpty("input");
            return new ToolCall(id, data.GetTextOrEmpty("name"), input.Length > 0 ? input : "{}");
        }

        /// <summary>A tool's metadata: a JSON string of the tool's own shape (the bash tool's times and folder, an edit's diff).</summary>
        private static JsonElement Metadata(string? text)
        {
            if (string.IsNullOrEmpty(text) || !text.TrimStart().StartsWith('{')) return default;
            try
            {
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return default;
            }
        }

        /// <summary>The bash tool's start_time and end_time, in Unix milliseconds.</summary>
        private static TimeSpan? Duration(JsonElement metadata)
        {
            var start = metadata.GetInt64OrZero("start_time");
            var end = metadata.GetInt64OrZero("end_time");
            return start > 0 && end >= start ? TimeSpan.FromMilliseconds(end - start) : null;
        }

        private static string Decode(string base64)
        {
            try
            {
                return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            }
            catch (FormatException)
            {
                throw new InvalidDataException("a binary part's Data is not base64");
            }
        }
    }

    /// <summary>One part of a message: its type and its data object.</summary>
    private readonly record struct Part(string Type, JsonElement Data)
    {
        public static Part Of(JsonElement element)
        {
            if (element.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"a part is a JSON {element.ValueKind.ToString().ToLowerInvariant()}, not an object");
            var type = element.GetStringOrNull("type") ?? throw new InvalidDataException("a part has no type");
            var data = element.GetPropertyOrDefault("data");
            if (data.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"its {type} part has no data object");
            return new Part(type, data);
        }
    }
}
