using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.DevinCli;

/// <summary>A conversation read from the database, before it is made a record.</summary>
/// <param name="Row">The listing's row: the session's own conversation, or one sub-agent's.</param>
/// <param name="Nodes">The conversation's nodes, oldest first (<see cref="DevinForest.Conversation"/>).</param>
/// <param name="FellBack">The session names no main chain (or one that is gone): its newest node ends the conversation.</param>
/// <param name="ChildIds">For a session, the records of the sub-agents it ran.</param>
internal sealed record DevinConversation(DevinSession Session, DevinSessionRow Row, DevinForest Forest, IReadOnlyList<DevinStoredNode> Nodes,
    long? Head, bool FellBack, long? SchemaVersion, IReadOnlyList<string> ChildIds)
{
    /// <summary>For a session, the responses off its conversation and every sub-agent's chain (see <see cref="DevinCliReader"/>).</summary>
    public IReadOnlyList<DevinStoredNode> OffChain { get; init; } = Array.Empty<DevinStoredNode>();
}

/// <summary>
/// Turns one conversation of a Devin CLI session into a normalized record. A node's chat_message is one message,
/// {message_id, role: system|user|assistant|tool, content: text, metadata: {created_at (RFC 3339), extensions, …}},
/// plus per role: a user's is_user_input (a prompt the person typed; other user rows are context the CLI added) and
/// images ({width, height, base64_data}); an assistant's tool_calls ({id, name, arguments: an object, index, kind}),
/// thinking ({thinking, signature}), and in its metadata generation_model, request_id, finish_reason and metrics
/// (input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, and times); a tool row's tool_call_id,
/// with its outcome under extensions (chisel/tool_result_meta's success, chisel/tool_failure, chisel/terminal_output's
/// exit code, chisel/tool_call_timing's duration_ms). This follows the shapes every public reader of the store agrees
/// on (see <see cref="DevinDatabase"/>); none was checked here against a file Devin CLI wrote.
/// </summary>
internal static class DevinRecords
{
    public const string SourceKind = "devin_cli";

    public static RolloutRecord Build(DevinConversation conversation, string path, DiagnosticList diagnostics)
    {
        var (session, row) = (conversation.Session, conversation.Row);
        var state = new BuildState(conversation, diagnostics);
        foreach (var node in conversation.Nodes) state.Add(node);
        var messages = state.Builder.Build();
        var offChain = state.OffChain(conversation.OffChain);
        if (state.TypedUserRows == 0 && state.UnflaggedUserRows > 0)
        {
            // The flag is the only sign of what a person typed; a build that stopped writing it would turn every prompt into context.
            diagnostics.Warn(RolloutDiagnostic.ParseError, null,
                $"session {session.Id}: none of its {state.UnflaggedUserRows} user messages says whether a person typed it (metadata.is_user_input); they are read as context the CLI added.");
        }

        var isSubagent = row.AgentId is not null;
        var times = messages.Select(m => m.Timestamp).OfType<DateTimeOffset>().ToArray();
        DateTimeOffset? first = times.Length > 0 ? times.Min() : null, last = times.Length > 0 ? times.Max() : null;
        var ended = new[] { isSubagent ? row.LastActivity : session.LastActivity, last }.Where(t => t is not null).Max();
        var firstPrompt = messages.FirstOrDefault(m => m.Kind is MessageKind.Prompt or MessageKind.AgentMessage)?.Text;
        var costs = SessionCosts(session.Metadata);

        var sourceMeta = new SourceMeta.Builder()
            .Add("session_id", session.Id)
            .Add("agent_id", row.AgentId)
            .Add("parent_session_id", row.ParentId)
            .Add("child_session_ids", conversation.ChildIds)
            .Add("backend_type", session.BackendType)
            .Add("agent_mode", session.AgentMode)
            .Add("session_model", session.Model)
            .Add("workspace_dirs", WorkspaceDirs(session.WorkspaceDirs))
            .Add("hidden", session.Hidden)
            .Add("schema_version", conversation.SchemaVersion ?? 0)
            .Add("head_node", conversation.Head ?? 0)
            .Add("main_chain_fallback", conversation.FellBack)
            .Add("forest_nodes", conversation.Forest.Count)
            .Add("conversation_nodes", conversation.Nodes.Count)
            .Add("copied_messages", state.Copies)
            .Add("compactions", state.Compactions)
            .Add("off_chain_responses", offChain.Count)
            .Add("system_prompt_nodes", state.SystemPromptNodes)
            .Add("unflagged_user_messages", state.UnflaggedUserRows)
            .Add("total_credit_cost", isSubagent ? 0 : costs.Credits)
            .Add("total_acu_cost", isSubagent ? 0 : costs.Acus)
            .Add("finish_reasons", state.FinishReasons)
            .Add("unknown_roles", state.UnknownRoles)
            .Add("orphan_tool_results", state.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", state.Builder.UnansweredToolCalls)
            .Add("skipped_nodes", state.Skipped)
            .Build();

        return new RolloutRecord
        {
            TraceId = row.Id,
            Format = RolloutFormat.DevinCli,
            SourceKind = SourceKind,
            SourcePath = path,
            RootSessionId = session.Id,
            AgentId = row.AgentId,
            IsSidechain = isSubagent,
            Cwd = session.WorkingDirectory,
            ProjectPath = session.WorkingDirectory,
            StartedAt = isSubagent ? first : session.Created ?? first,
            EndedAt = ended,
            Title = Titles.Clean(isSubagent ? firstPrompt : session.Title ?? firstPrompt),
            Models = state.Builder.Models.Concat(offChain.Select(r => r.Model)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray(),
            Messages = messages,
            SourceMeta = sourceMeta,
            Usage = offChain.Aggregate(state.Builder.Usage, (total, r) => total + r.Usage),
            UnlistedResponses = state.Builder.Unlisted.Concat(offChain).ToArray(),
        };
    }

    /// <summary>sessions.metadata's credit and ACU totals, when it is JSON that has them.</summary>
    private static (double Credits, double Acus) SessionCosts(string? metadata)
    {
        if (metadata is null) return default;
        try
        {
            using var document = JsonDocument.Parse(metadata);
            double Number(string name) => document.RootElement.GetPropertyOrDefault(name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : 0;
            return (Number("total_credit_cost"), Number("total_acu_cost"));
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>workspace_dirs: a JSON list of folders; text that is not one is kept as it is.</summary>
    private static IReadOnlyList<string> WorkspaceDirs(string? text)
    {
        if (text is null) return Array.Empty<string>();
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray()
                : new[] { text };
        }
        catch (JsonException)
        {
            return new[] { text };
        }
    }

    /// <summary>Walks the conversation's nodes in order, feeding the conversation and counting what has no place in it.</summary>
    private sealed class BuildState
    {
        private readonly DevinConversation _conversation;
        private readonly DiagnosticList _diagnostics;
        private readonly HashSet<string> _messageIds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _finishReasons = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _unknownRoles = new(StringComparer.Ordinal);
        private readonly HashSet<long> _compactions = new();

        public BuildState(DevinConversation conversation, DiagnosticList diagnostics)
        {
            _conversation = conversation;
            _diagnostics = diagnostics;
        }

        public ConversationBuilder Builder { get; } = new();
        public IReadOnlyDictionary<string, long> FinishReasons => _finishReasons;
        public IReadOnlyDictionary<string, long> UnknownRoles => _unknownRoles;
        public long Copies { get; private set; }
        public long Compactions => _compactions.Count;
        public long SystemPromptNodes { get; private set; }

        /// <summary>User messages whose metadata says a person typed them, and those whose metadata does not say either way.</summary>
        public long TypedUserRows { get; private set; }
        public long UnflaggedUserRows { get; private set; }
        public long Skipped { get; private set; }

        /// <summary>A node that cannot be read is a warning naming it (and the database, by the list's path); the others still read.</summary>
        public void Add(DevinStoredNode node)
        {
            try
            {
                if (node.ChatMessage is null) throw new FormatException("its chat_message is empty.");
                using var document = JsonDocument.Parse(node.ChatMessage);
                Add(node, document.RootElement);
            }
            catch (Exception e) when (e is JsonException or FormatException || JsonLineReader.IsUnreadableValue(e))
            {
                Skipped++;
                _diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{node.Where} skipped: {e.Message}");
            }
        }

        private void Add(DevinStoredNode node, JsonElement message)
        {
            if (message.ValueKind != JsonValueKind.Object) throw new FormatException($"its chat_message is a JSON {message.ValueKind.ToString().ToLowerInvariant()}, not an object.");
            var role = message.GetStringOrNull("role") ?? throw new FormatException("its chat_message has no role.");
            // A rebuilt context copies earlier messages with their ids; a copy that reaches the conversation is the same
            // message (and the same response's tokens) again.
            var id = message.GetIdOrNull("message_id");
            if (id is not null && _messageIds.Contains(id))
            {
                Copies++;
                return;
            }
            var link = _conversation.Forest[node.Id];
            var metadata = message.GetPropertyOrDefault("metadata");
            var extensions = metadata.GetPropertyOrDefault("extensions");
            var time = metadata.GetTimestamp("created_at") ?? node.Created;
            // A compaction writes two nodes naming the same summarized node: the summary and the system message that carries it on.
            if (link.SummarizedFrom is { } summarized) _compactions.Add(summarized);
            var compaction = link.SummarizedFrom is not null;
            switch (role)
            {
                case "system":
                    if (link.IsSystemPrefix) SystemPromptNodes++;
                    Builder.AddMessage(MessageRole.System, compaction ? MessageKind.CompactionSummary : MessageKind.Context, Content(message), time);
                    break;
                case "user":
                    switch (metadata.GetPropertyOrDefault("is_user_input").ValueKind)
                    {
                        case JsonValueKind.Undefined or JsonValueKind.Null:
                            UnflaggedUserRows++;
                            break;
                        case JsonValueKind.True:
                            TypedUserRows++;
                            break;
                        case JsonValueKind.False:
                            break;
                        case var other:
                            // Neither yes nor no: the person's words may be in it, so the guess is told.
                            _diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{node.Where}: its metadata.is_user_input is {other}, not true or false; the message is read as context the CLI added.");
                            break;
                    }
                    var kind = compaction ? MessageKind.CompactionSummary
                        : !metadata.GetBool("is_user_input") ? MessageKind.Context
                        // The lead's brief to a sub-agent is a typed prompt in the sub-agent's chain.
                        : extensions.GetBool("subagent/handoff") ? MessageKind.AgentMessage
                        : MessageKind.Prompt;
                    Builder.AddMessage(MessageRole.User, kind, Content(message), time);
                    break;
                case "assistant":
                    AddResponse(message, metadata, id, time, compaction);
                    break;
                case "tool":
                    var answered = Builder.AddToolResult(new ToolResult(message.GetIdOrNull("tool_call_id") ?? string.Empty, Content(message))
                    {
                        Timestamp = time,
                        IsError = extensions.GetPropertyOrDefault("chisel/tool_result_meta").GetPropertyOrDefault("success").ValueKind == JsonValueKind.False
                            || extensions.GetPropertyOrDefault("chisel/tool_failure").ValueKind == JsonValueKind.Object,
                        ExitCode = extensions.GetPropertyOrDefault("chisel/terminal_output").GetPropertyOrDefault("exit").GetInt32OrNull("exit_code"),
                        Duration = extensions.GetPropertyOrDefault("chisel/tool_call_timing").GetPropertyOrDefault("duration_ms") is { ValueKind: JsonValueKind.Number } ms
                            ? JsonElementExtensions.Seconds(ms.GetDouble() / 1000)
                            : null,
                    });
                    if (answered is null)
                    {
                        _diagnostics.Warn(RolloutDiagnostic.ParseError, null,
                            $"{node.Where}: its tool output answers no call before it on the chain (tool_call_id '{message.GetIdOrNull("tool_call_id")}' is none of them, or one already answered); left out, counted in orphan_tool_results.");
                    }
                    break;
                default:
                    _unknownRoles[role] = _unknownRoles.GetValueOrDefault(role) + 1;
                    _diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"{node.Where}: its role '{role}' is none of system, user, assistant and tool; left out.");
                    break;
            }
            // Only once read: a damaged node leaves its message to a readable copy further on.
            if (id is not null) _messageIds.Add(id);
        }

        /// <summary>
        /// The billed responses off the conversation, each once by its message id and none the conversation holds, as
        /// unlisted responses with their time, model and usage: the record's tokens count them, its messages do not
        /// show them. Read after the conversation; one that cannot be read is passed over (it is not the conversation).
        /// </summary>
        public IReadOnlyList<UnlistedResponse> OffChain(IReadOnlyList<DevinStoredNode> nodes)
        {
            var responses = new List<UnlistedResponse>();
            foreach (var node in nodes)
            {
                try
                {
                    using var document = JsonDocument.Parse(node.ChatMessage ?? string.Empty);
                    var message = document.RootElement;
                    var id = message.GetIdOrNull("message_id");
                    if (id is not null && !_messageIds.Add(id)) continue;
                    var metadata = message.GetPropertyOrDefault("metadata");
                    if (Usage(metadata) is not { Total: > 0 } usage) continue;
                    responses.Add(new UnlistedResponse(metadata.GetStringOrNull("request_id") ?? id, metadata.GetTimestamp("created_at") ?? node.Created,
                        Model(metadata), usage, null));
                }
                catch (JsonException)
                {
                    // SQLite found it JSON with an assistant role; a value it cannot hand over as such is passed over.
                }
            }
            return responses;
        }

        private string? Model(JsonElement metadata) => metadata.GetStringOrNull("generation_model") is { Length: > 0 } generated ? generated : _conversation.Session.Model;

        /// <summary>metrics, the response's own usage; its four counts are separate parts (input without the cache), as every reader of the store takes them.</summary>
        private static TokenUsage Usage(JsonElement metadata)
        {
            var metrics = metadata.GetPropertyOrDefault("metrics");
            return new TokenUsage(metrics.GetInt64OrZero("input_tokens"), metrics.GetInt64OrZero("output_tokens"),
                metrics.GetInt64OrZero("cache_read_tokens"), metrics.GetInt64OrZero("cache_creation_tokens"));
        }

        /// <summary>One response: its text, thinking, calls and usage.</summary>
        private void AddResponse(JsonElement message, JsonElement metadata, string? id, DateTimeOffset? time, bool compaction)
        {
            var turn = Builder.StartAssistant(time, Model(metadata), compaction ? MessageKind.CompactionSummary : MessageKind.Response);
            turn.ResponseId = metadata.GetStringOrNull("request_id") ?? id;
            turn.AddContent(Content(message));
            var thinking = message.GetPropertyOrDefault("thinking");
            turn.AddReasoning(thinking.ValueKind == JsonValueKind.String ? thinking.GetString()! : thinking.GetTextOrEmpty("thinking"));
            foreach (var call in OpenAIMessages.ReadToolCalls(message.GetPropertyOrDefault("tool_calls"))) turn.AddToolCall(call);
            if (Usage(metadata) is { Total: > 0 } usage) turn.SetUsage(usage);
            if (metadata.GetStringOrNull("finish_reason") is { Length: > 0 } reason) _finishReasons[reason] = _finishReasons.GetValueOrDefault(reason) + 1;
        }

        /// <summary>content (text, or a list of parts in the chat shape) and the images a user or tool row carries beside it.</summary>
        private static IReadOnlyList<ContentBlock> Content(JsonElement message)
        {
            var content = OpenAIMessages.ReadContent(message.GetPropertyOrDefault("content"));
            if (message.GetPropertyOrDefault("images") is not { ValueKind: JsonValueKind.Array } images) return content;
            var pictures = images.EnumerateArray()
                .Select(i => i.GetStringOrNull("base64_data"))
                .OfType<string>()
                .Select(data => ContentBlock.FromImageData(null, data));
            return content.Concat(pictures).ToArray();
        }
    }
}
