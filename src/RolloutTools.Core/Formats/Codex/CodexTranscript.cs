using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// One pass over a Codex rollout of any generation, turning its items into a conversation and collecting
/// the session's facts. The response items are the backbone; events only add what items lack (token
/// counts, exit codes, web search ids, which user messages a person typed, reasoning when no reasoning item
/// carries text), because events repeat the items. Some of that is known only once the file is read.
/// </summary>
internal sealed class CodexTranscript
{
    private readonly ConversationBuilder _conversation = new();
    private readonly DiagnosticList _diagnostics;
    private readonly HashSet<string> _told = new(StringComparer.Ordinal);
    private readonly List<string> _reasoningFromItems = new();
    private readonly List<string> _reasoningFromEvents = new();
    private readonly Dictionary<string, RunEnd> _endEvents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RolloutMessage> _toolMessages = new(StringComparer.Ordinal);
    private readonly CodexPrompts _prompts = new();
    private readonly CodexWebSearches _webSearches = new();
    private ConversationBuilder.AssistantTurn? _turn;
    private ConversationBuilder.AssistantTurn? _lastTurn;
    private CodexUsage? _previousTotals;
    private UnansweredRequest? _unanswered;
    private CodexInterAgent? _lastCommunication;

    /// <summary>The server-run tool search waiting for its output, which names no call.</summary>
    private string? _serverSearch;

    /// <summary>The multi-agent protocol the turns ran under (turn_context multi_agent_version), when the session meta does not say.</summary>
    private string? _multiAgentVersion;
    private DateTimeOffset? _reasoningSince;
    private bool _inReview;
    private readonly List<Rollback> _rollbacks = new();
    private IReadOnlyList<UnlistedResponse> _rolledBack = Array.Empty<UnlistedResponse>();
    private readonly List<UnlistedResponse> _unclaimed = new();

    // The line and payload types every line repeats, read without a new string each time.
    private readonly RepeatedString _kind = new(), _itemType = new(), _eventType = new();
    private int _syntheticIds;

    /// <summary>The line being read, for a warning; null in the TypeScript document.</summary>
    private int? _line;

    private CodexTranscript(DiagnosticList diagnostics)
    {
        _diagnostics = diagnostics;
    }

    public CodexSessionMeta? Meta { get; private set; }
    public Counter RecordTypes { get; } = new();

    /// <summary>Response items of kinds this reader does not know, each kind told once (see <see cref="Tell"/>).</summary>
    public Counter UnknownTypes { get; } = new();
    public List<string> Models { get; } = new();
    public List<string> ReasoningEfforts { get; } = new();
    public string? Model { get; private set; }
    public string? LastCwd { get; private set; }
    public string? ApprovalPolicy { get; private set; }
    public string? SandboxPolicy { get; private set; }

    /// <summary>The name the thread was last given in this file (thread_name_updated), for a rollout read without its session_index.jsonl.</summary>
    public string? ThreadName { get; private set; }
    public string Generation { get; private set; } = "envelope";
    public TokenUsage Usage { get; private set; }
    public long ReasoningOutputTokens { get; private set; }
    public int DuplicateTokenCounts { get; private set; }
    public int Compactions { get; private set; }
    public int GhostSnapshots { get; private set; }
    public int AbortedTurns { get; private set; }
    public long RolledBackTurns { get; private set; }
    public int ReplayedLines { get; private set; }
    public int Values { get; private set; }
    public DateTimeOffset? First { get; private set; }
    public DateTimeOffset? Last { get; private set; }

    /// <param name="includeAbandoned">Keep the turns a rollback took back, marked IsAbandoned; without it their responses are unlisted.</param>
    public IReadOnlyList<RolloutMessage> Messages(bool includeAbandoned)
    {
        var built = AsSubagent(_conversation.Build());
        if (_rollbacks.Count == 0) return built;
        var messages = built.ToList();
        foreach (var rollback in _rollbacks) rollback.Apply(messages);
        if (includeAbandoned) return messages;
        _rolledBack = messages.Where(m => m.IsAbandoned && m.Usage is { Total: > 0 }).Select(UnlistedResponse.Of).ToArray();
        return messages.Where(m => !m.IsAbandoned).ToArray();
    }

    /// <summary>
    /// A subagent's thread (a spawned worker, a reviewer, a guardian) is started and driven by another agent: Codex submits
    /// the parent's task, and each later message it sends, as user input (core agent/control.rs AgentControl::send_prompt,
    /// Op::UserInput), so the thread's prompts are that agent's words, not a person's. Under multi-agent v2 a worker is
    /// given its tasks as agent messages instead (read as such), so user input there is a person's, typed after /agent
    /// switched to the worker's thread.
    /// </summary>
    private IReadOnlyList<RolloutMessage> AsSubagent(IReadOnlyList<RolloutMessage> messages) =>
        Meta is { IsSubagent: true } meta && !(meta.SubagentKind == "thread_spawn" && (meta.MultiAgentVersion ?? _multiAgentVersion) == "v2")
            ? messages.Select(m => m.Kind == MessageKind.Prompt ? new RolloutMessage(m) { Kind = MessageKind.AgentMessage } : m).ToArray()
            : messages;

    /// <summary>
    /// Requests billed without a message to carry them, each with its time, model and identity: those no response
    /// or compaction took, responses left with nothing readable, and those of turns a rollback took back. Valid after
    /// <see cref="Messages"/>, read without the turns taken back.
    /// </summary>
    public IReadOnlyList<UnlistedResponse> UnlistedResponses() => _conversation.Unlisted.Concat(_unclaimed).Concat(_rolledBack).ToArray();

    public int OrphanToolResults => _conversation.OrphanToolResults;

    public int UnansweredToolCalls => _conversation.UnansweredToolCalls;

    /// <summary>
    /// What a usage read needs: the token counts, the model in force (turn_context), the session and the copies of a
    /// parent's it starts with (session_meta), and the compactions whose requests have no response of their own.
    /// </summary>
    public static readonly LineMarkers UsageLines = new("\"token_count\"", "\"turn_context\"", "\"session_meta\"", "\"compacted\"");

    /// <summary>Reads the JSONL generations: the envelope ({timestamp, type, payload}) and the bare lines before it.</summary>
    /// <param name="only">Read only the lines holding one of these (<see cref="UsageLines"/>); null for every line.</param>
    public static CodexTranscript ParseLines(Stream stream, DiagnosticList diagnostics, CancellationToken cancellation, LineMarkers? only = null)
    {
        var transcript = new CodexTranscript(diagnostics);
        var replay = new CodexReplay();
        JsonLineReader.ReadEach(stream, diagnostics, line => transcript.AddLine(line, replay), cancellation, only);
        transcript.Finish();
        return transcript;
    }

    private void AddLine(JsonLine line, CodexReplay replay)
    {
        Values++;
        _line = line.LineNumber;
        var root = line.Root;
        if (root.TryGetProperty("payload", out var payload) && _kind.Read(root, "type") is { } kind)
        {
            var timestamp = root.GetTimestamp("timestamp");
            if (replay.Skips(root, kind, payload))
            {
                ReplayedLines++;
                return;
            }
            NoteTime(timestamp);
            AddEnvelope(kind, payload, timestamp);
        }
        else
        {
            Generation = "bare-jsonl";
            AddBare(root);
        }
    }

    /// <summary>The TypeScript CLI's single JSON document, read whole.</summary>
    public const string DocumentGeneration = "typescript-json";

    /// <summary>Reads the TypeScript CLI's single JSON document, {session, items}.</summary>
    public static CodexTranscript ParseDocument(JsonElement root, DiagnosticList diagnostics)
    {
        var transcript = new CodexTranscript(diagnostics) { Generation = DocumentGeneration };
        var session = root.GetPropertyOrDefault("session");
        transcript.SetMeta(session);
        if (root.GetPropertyOrDefault("items") is { ValueKind: JsonValueKind.Array } items)
        {
            foreach (var item in items.EnumerateArray())
            {
                transcript.Values++;
                transcript.AddItem(item, null);
            }
        }
        transcript.Finish();
        return transcript;
    }

    /// <summary>What later lines said of earlier ones: the end of a command, which user messages were typed.</summary>
    private void Finish()
    {
        Unclaimed();
        foreach (var (callId, end) in _endEvents)
        {
            if (_toolMessages.TryGetValue(callId, out var output) && end.Apply(output) is var ended && ended != output) _conversation.Replace(output, ended);
        }
        _prompts.Resolve(_conversation);
    }

    private void AddEnvelope(string kind, JsonElement payload, DateTimeOffset? timestamp)
    {
        switch (kind)
        {
            case "session_meta":
                RecordTypes.Add(kind);
                if (Meta is null) SetMeta(payload);
                break;
            case "response_item":
                AddItem(payload, timestamp);
                break;
            case "event_msg":
                AddEvent(payload, timestamp);
                break;
            case "turn_context":
                RecordTypes.Add(kind);
                AddTurnContext(payload);
                break;
            case "compacted":
                RecordTypes.Add(kind);
                Compactions++;
                EndResponse();
                if (payload.GetStringOrNull("message") is { Length: > 0 } summary)
                {
                    var message = _conversation.AddMessage(MessageRole.User, MessageKind.CompactionSummary, new[] { ContentBlock.FromText(summary) }, timestamp);
                    if (_unanswered is { } request) _conversation.Replace(message, request.Wrote(message));
                    _unanswered = null;
                }
                Unclaimed();
                break;
            case "inter_agent_communication":
                RecordTypes.Add(kind);
                var communication = CodexInterAgent.Read(payload);
                if (communication is not null) AddAgentMessage(communication.Content, timestamp);
                _lastCommunication = communication;
                break;
            case "realtime_item":
                RecordTypes.Add(kind, payload.GetStringOrNull("type") ?? "untyped");
                AddVoice(payload, timestamp);
                break;
            default:
                // world_state, token usage records and whatever comes next: facts about the session's surroundings,
                // not conversation.
                RecordTypes.Add(kind);
                break;
        }
    }

    /// <summary>
    /// Lines before the envelope: a bare session meta first, then bare items and {"record_type":"state"}
    /// lines (2025-05 to 2025-08); for a few weeks of 2025-09, flattened lines tagged by record_type
    /// (session_meta, response, event, prev_session_meta, state) with a timestamp each.
    /// </summary>
    private void AddBare(JsonElement root)
    {
        var timestamp = root.GetTimestamp("timestamp");
        switch (root.GetStringOrNull("record_type"))
        {
            case null:
                break;
            case "response":
                NoteTime(timestamp);
                AddItem(root, timestamp);
                return;
            case "event":
                NoteTime(timestamp);
                AddEvent(root, timestamp);
                return;
            case "session_meta" when Meta is null:
                RecordTypes.Add("session_meta");
                SetMeta(root);
                return;
            case var other:
                RecordTypes.Add("record_type", other);
                return;
        }
        if (root.GetStringOrNull("type") is null && root.TryGetProperty("id", out _) && Meta is null)
        {
            RecordTypes.Add("session_meta");
            SetMeta(root);
            return;
        }
        AddItem(root, timestamp);
    }

    /// <summary>
    /// The session's facts; its instructions (AGENTS.md and user instructions, before they became messages)
    /// open the conversation as context.
    /// </summary>
    private void SetMeta(JsonElement meta)
    {
        Meta = CodexSessionMeta.Read(meta);
        NoteTime(Meta.Timestamp);
        LastCwd ??= Meta.Cwd;
        if (meta.GetStringOrNull("instructions") is { } instructions && !string.IsNullOrWhiteSpace(instructions))
        {
            _conversation.AddMessage(MessageRole.System, MessageKind.Context, new[] { ContentBlock.FromText(instructions) }, Meta.Timestamp);
        }
    }

    private void AddTurnContext(JsonElement context)
    {
        // 2026 builds also nest the model and effort in the collaboration mode's settings.
        var settings = context.GetPropertyOrDefault("collaboration_mode").GetPropertyOrDefault("settings");
        if ((context.GetStringOrNull("model") ?? settings.GetStringOrNull("model")) is { } model)
        {
            Model = model;
            if (!Models.Contains(model)) Models.Add(model);
        }
        if ((context.GetStringOrNull("effort") ?? settings.GetStringOrNull("reasoning_effort")) is { } effort && !ReasoningEfforts.Contains(effort))
        {
            ReasoningEfforts.Add(effort);
        }
        LastCwd = context.GetStringOrNull("cwd") ?? LastCwd;
        _multiAgentVersion = context.GetStringOrNull("multi_agent_version") ?? _multiAgentVersion;
        ApprovalPolicy = context.GetStringOrNull("approval_policy") ?? ApprovalPolicy;
        var sandbox = context.GetPropertyOrDefault("sandbox_policy");
        SandboxPolicy = sandbox.GetStringOrNull("type") ?? sandbox.GetStringOrNull("mode") ?? (sandbox.ValueKind == JsonValueKind.String ? sandbox.GetString() : SandboxPolicy);
    }

    /// <summary>One response item (or, in the TypeScript era, a chat-completions message).</summary>
    private void AddItem(JsonElement item, DateTimeOffset? timestamp)
    {
        var type = _itemType.Read(item, "type");
        if (type is null && item.GetStringOrNull("role") is not null) type = "chat_message";
        RecordTypes.Add("response_item", type ?? "untyped");
        // An inter_agent_communication line is followed by the history item that carries the same message.
        var written = _lastCommunication;
        _lastCommunication = null;
        switch (type)
        {
            case "message":
                var blocks = CodexContent.ReadBlocks(item.GetPropertyOrDefault("content"));
                if (CodexInterAgent.FromMessage(blocks) is { } communication)
                {
                    if (communication != written) AddAgentMessage(communication.Content, timestamp);
                    break;
                }
                AddMessage(item, blocks, timestamp);
                break;
            case "chat_message":
                AddChatMessage(item, timestamp);
                break;
            case "reasoning":
                var raw = CodexContent.Text(item.GetPropertyOrDefault("content"));
                var text = raw.Length > 0 ? raw : CodexContent.Text(item.GetPropertyOrDefault("summary"));
                if (text.Length > 0) AddReasoning(_reasoningFromItems, text, timestamp);
                break;
            case "function_call":
                Call(timestamp, new ToolCall(CallId(item), ToolName(item), item.GetStringOrNull("arguments") ?? "{}"));
                break;
            case "custom_tool_call":
                Call(timestamp, new ToolCall(CallId(item), ToolName(item), ToolCallJson.WrapInput(item.GetStringOrNull("input") ?? string.Empty)));
                break;
            case "local_shell_call":
                Call(timestamp, new ToolCall(CallId(item), "local_shell", RawOrEmpty(item.GetPropertyOrDefault("action"))));
                break;
            case "function_call_output" or "custom_tool_call_output":
                AddOutput(CallId(item), item.GetPropertyOrDefault("output"), timestamp);
                break;
            case "web_search_call":
                var search = _webSearches.TakeEnd();
                var searchCall = new ToolCall(
                    item.GetIdOrNull("id") ?? search?.CallId ?? InventedId("web_search"),
                    "web_search",
                    CodexWebSearches.Arguments(item.GetPropertyOrDefault("action"), search));
                ServerCall(timestamp, searchCall, ContentBlock.FromText($"web search {item.GetStringOrNull("status") ?? "done"}"));
                break;
            case "image_generation_call":
                var image = item.GetStringOrNull("result") is { Length: > 0 } data
                    ? ContentBlock.FromImageData("image/png", data)
                    : ContentBlock.FromText($"image generation {item.GetStringOrNull("status") ?? "done"}");
                // The item has no arguments; the prompt the image was drawn from is revised_prompt (models.rs ImageGenerationCall).
                var imageCall = new ToolCall(
                    item.GetIdOrNull("id") ?? item.GetIdOrNull("call_id") ?? InventedId("image_generation"),
                    "image_generation",
                    item.GetStringOrNull("revised_prompt") is { } revised ? RevisedPrompt(revised) : "{}");
                ServerCall(timestamp, imageCall, image);
                break;
            case "tool_search_call":
                // A search the API ran itself (execution "server") has no call_id, nor has its output (models.rs
                // ToolSearchCall/ToolSearchOutput call_id: Option; Codex pairs only client searches): the output answers it.
                var searchId = item.GetIdOrNull("call_id") ?? item.GetIdOrNull("id") ?? InventedId("tool_search");
                _serverSearch = item.GetIdOrNull("call_id") is null ? searchId : null;
                Call(timestamp, new ToolCall(searchId, "tool_search", RawOrEmpty(item.GetPropertyOrDefault("arguments"))));
                break;
            case "tool_search_output":
                var searchAnswers = item.GetIdOrNull("call_id") ?? _serverSearch ?? CallId(item);
                _serverSearch = null;
                if (_conversation.AddToolResult(new ToolResult(searchAnswers, new[] { ContentBlock.FromText(RawOrEmpty(item.GetPropertyOrDefault("tools"))) }) { Timestamp = timestamp }) is null) Orphan(searchAnswers);
                EndTurn();
                break;
            case "agent_message":
                if (written is not null && written.RepeatedBy(item)) break;
                AddAgentMessage(CodexContent.ReadBlocks(item.GetPropertyOrDefault("content")), timestamp);
                break;
            case "ghost_snapshot":
                GhostSnapshots++;
                break;
            case "compaction" or "compaction_summary" or "context_compaction":
                Compactions++;
                break;
            case "additional_tools" or "configuration_update" or "compaction_trigger":
                // The tools offered and settings changed mid-thread, and the mark where a compaction was asked for:
                // what the model was given to work with, not conversation.
                break;
            default:
                var kind = type ?? "untyped";
                UnknownTypes.Add(kind);
                Tell(kind, type is null
                    ? "a line whose type is missing or not text is not one this reader can place; left out (SourceMeta unknown_item_types)."
                    : $"a response item of type '{kind}' is not one this reader knows; left out (SourceMeta unknown_item_types).");
                break;
        }
    }

    /// <summary>A message item: a Responses message, or the TypeScript era's chat-completions message of any role but tool.</summary>
    private void AddMessage(JsonElement item, IReadOnlyList<ContentBlock> blocks, DateTimeOffset? timestamp)
    {
        var role = item.GetStringOrNull("role");
        if (IsTypeScriptNotice(item, blocks))
        {
            AddNotice(role, blocks, timestamp);
            return;
        }
        switch (role)
        {
            case "assistant":
                Turn(timestamp).AddContent(blocks);
                break;
            case "user":
                EndResponse();
                var text = RolloutMessage.JoinText(blocks);
                // Before session_meta carried a cwd, the environment context was the only place it was written.
                LastCwd ??= CodexContent.EnvironmentCwd(text);
                _prompts.AddItem(AddUser(CodexContent.ClassifyUser(text), blocks, timestamp).Said, CodexPrompts.TypedByPerson(item));
                break;
            default:
                // developer and system: instructions Codex injected, never a person's words. Under multi-agent v2 the marker
                // of an interrupted turn is a developer message too (tasks/mod.rs InterruptedTurnHistoryMarker::Developer).
                EndResponse();
                var injected = CodexContent.ClassifyUser(RolloutMessage.JoinText(blocks)) == MessageKind.Interruption ? MessageKind.Interruption : MessageKind.Context;
                _conversation.AddMessage(MessageRole.System, injected, blocks, timestamp);
                break;
        }
    }

    /// <summary>
    /// A voice conversation (realtime mode, 2026) writes what was said as realtime_item lines, {type: "transcript_segment",
    /// role: "user" | "assistant", text, realtime_session_id}, and nothing else holds those words: the person's speech is a
    /// prompt, the voice model's reply an answer of its own (no request of this file's token counts is its). What the voice
    /// model hands the agent comes as a user message of its own. Session starts, ends and promotions carry no words.
    /// </summary>
    private void AddVoice(JsonElement item, DateTimeOffset? timestamp)
    {
        if (item.GetStringOrNull("type") != "transcript_segment" || item.GetStringOrNull("text") is not { Length: > 0 } text) return;
        var said = new[] { ContentBlock.FromText(text) };
        switch (item.GetStringOrNull("role"))
        {
            case "user":
                EndResponse();
                _conversation.AddMessage(MessageRole.User, MessageKind.Prompt, said, timestamp);
                break;
            case "assistant":
                EndResponse();
                _conversation.StartAssistant(timestamp, model: null).AddContent(said);
                break;
        }
    }

    /// <summary>Another agent speaking: the parent's task to a subagent, or a subagent's report.</summary>
    private void AddAgentMessage(IReadOnlyList<ContentBlock> blocks, DateTimeOffset? timestamp)
    {
        EndResponse();
        _conversation.AddMessage(MessageRole.User, MessageKind.AgentMessage, blocks, timestamp);
    }

    /// <summary>A user text; a prompt the IDE extension or the desktop app composed becomes what they attached, then the request typed.</summary>
    private (RolloutMessage Said, RolloutMessage? IdeContext) AddUser(MessageKind kind, IReadOnlyList<ContentBlock> blocks, DateTimeOffset? timestamp)
    {
        if (kind != MessageKind.Prompt || CodexContent.SplitIdeRequest(blocks) is not { } ide)
        {
            return (_conversation.AddMessage(MessageRole.User, kind, blocks, timestamp), null);
        }
        var context = ide.Context.Count == 0 ? null : _conversation.AddMessage(MessageRole.User, MessageKind.Context, ide.Context, timestamp);
        return (_conversation.AddMessage(MessageRole.User, kind, ide.Request, timestamp), context);
    }

    /// <summary>
    /// A prompt as an event recorded it (user_message until ~0.146, item_completed UserMessage from 0.147). It
    /// stands in place until the file is read; then it gives way to the response item it repeats, if there is one.
    /// </summary>
    private void AddTypedPrompt(JsonElement prompt, DateTimeOffset? timestamp)
    {
        var blocks = CodexPrompts.EventBlocks(prompt);
        if (blocks.Count == 0) return;
        EndResponse();
        var (said, ideContext) = AddUser(MessageKind.Prompt, blocks, timestamp);
        _prompts.AddEvent(said, ideContext);
    }

    private bool IsTypeScriptNotice(JsonElement item, IReadOnlyList<ContentBlock> blocks) =>
        Generation == DocumentGeneration && CodexContent.IsTypeScriptNotice(item.GetStringOrNull("id"), RolloutMessage.JoinText(blocks));

    /// <summary>A TypeScript CLI notice: in the role it was written in, never model output.</summary>
    private void AddNotice(string? role, IReadOnlyList<ContentBlock> blocks, DateTimeOffset? timestamp)
    {
        if (role != "assistant")
        {
            _conversation.AddMessage(MessageRole.System, MessageKind.Synthetic, blocks, timestamp);
            return;
        }
        EndTurn();
        _conversation.StartAssistant(timestamp, model: null, MessageKind.Synthetic).AddContent(blocks);
    }

    /// <summary>The TypeScript CLI sometimes stored chat-completions messages: {role, content, reasoning?, tool_calls?, tool_call_id?}.</summary>
    private void AddChatMessage(JsonElement item, DateTimeOffset? timestamp)
    {
        var role = item.GetStringOrNull("role");
        var blocks = CodexContent.ReadBlocks(item.GetPropertyOrDefault("content"));
        if (role == "tool")
        {
            AddOutput(item.GetStringOrNull("tool_call_id") ?? string.Empty, item.GetPropertyOrDefault("content"), timestamp);
            return;
        }
        if (role != "assistant" || IsTypeScriptNotice(item, blocks))
        {
            AddMessage(item, blocks, timestamp);
            return;
        }
        if (item.GetStringOrNull("reasoning") is { Length: > 0 } reasoning) AddReasoning(_reasoningFromItems, reasoning, timestamp);
        var turn = Turn(timestamp);
        turn.AddContent(blocks);
        if (item.GetPropertyOrDefault("tool_calls") is { ValueKind: JsonValueKind.Array } calls)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind == JsonValueKind.Object) turn.AddToolCall(ToolCallJson.Read(call));
                else UnknownTypes.Add("tool_calls entry that is not an object");
            }
        }
    }

    private void AddEvent(JsonElement payload, DateTimeOffset? timestamp)
    {
        var type = _eventType.Read(payload, "type") ?? "untyped";
        RecordTypes.Add("event_msg", type);
        switch (type)
        {
            case "token_count":
                AddTokenCount(payload.GetPropertyOrDefault("info"), timestamp);
                break;
            case "agent_reasoning" or "agent_reasoning_raw_content" when !_inReview:
                if (payload.GetStringOrNull("text") is { Length: > 0 } reasoning) AddReasoning(_reasoningFromEvents, reasoning, timestamp);
                break;
            case "turn_aborted":
                AbortedTurns++;
                EndResponse();
                break;
            case "exec_command_end":
                if (payload.GetIdOrNull("call_id") is { } execId)
                {
                    var exit = payload.GetInt32OrNull("exit_code");
                    var duration = payload.GetPropertyOrDefault("duration");
                    var elapsed = duration.ValueKind == JsonValueKind.Object
                        ? JsonElementExtensions.Seconds(duration.GetInt64OrZero("secs") + duration.GetInt64OrZero("nanos") / 1e9)
                        : null;
                    _endEvents[execId] = new RunEnd(exit, elapsed, exit is not (null or 0));
                }
                break;
            case "patch_apply_end":
                if (payload.GetIdOrNull("call_id") is { } patchId)
                {
                    _endEvents[patchId] = new RunEnd(null, null, payload.GetPropertyOrDefault("success").ValueKind == JsonValueKind.False);
                }
                break;
            case "web_search_end":
                _webSearches.AddEnd(payload);
                break;
            case "user_message" when payload.GetStringOrNull("kind") is null or "plain" && !_inReview:
                // Builds of 2025 also wrote user_message for the instructions and environment they injected, with kind
                // "user_instructions" or "environment_context" (InputMessageKind); only "plain" was typed.
                AddTypedPrompt(payload, timestamp);
                break;
            case "thread_rolled_back" when payload.GetInt64OrZero("num_turns") is > 0 and var turns:
                // The marker stands where the rollback was written, so the turns before it can be found once the
                // conversation is built and the prompts are known.
                EndResponse();
                RolledBackTurns += turns;
                _rollbacks.Add(new Rollback(_conversation.AddMessage(MessageRole.System, MessageKind.Synthetic, Array.Empty<ContentBlock>(), null), turns));
                break;
            case "thread_name_updated" when IsThisThread(payload):
                ThreadName = payload.GetStringOrNull("thread_name");
                break;
            case "entered_review_mode":
                EnterReview(payload, timestamp);
                break;
            case "exited_review_mode":
                _inReview = false;
                break;
            case "item_completed":
                AddCompletedItem(payload, timestamp);
                break;
        }
    }

    /// <summary>The turn items of item_completed events (0.147+) that matter here; the rest repeat response items.</summary>
    private void AddCompletedItem(JsonElement payload, DateTimeOffset? timestamp)
    {
        var item = payload.GetPropertyOrDefault("item");
        switch (item.GetStringOrNull("type"))
        {
            case "UserMessage" when !_inReview && IsThisThread(payload):
                AddTypedPrompt(item, timestamp);
                break;
            case "EnteredReviewMode":
                EnterReview(item, timestamp);
                break;
            case "ExitedReviewMode":
                _inReview = false;
                break;
        }
    }

    /// <summary>Whether an event is this file's thread's own, not one Codex forwarded from another thread (a sub-agent's).</summary>
    private bool IsThisThread(JsonElement payload) =>
        payload.GetStringOrNull("thread_id") is not { } thread || Meta?.Id is not { } own || thread.Equals(own, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// /review runs a sub-agent in a thread of its own (SubAgentSource::Review, a rollout of its own), and Codex forwards
    /// its events into this file until the review ends (core/src/tasks/review.rs process_review_events): its prompt, which
    /// Codex wrote (review_prompts.rs), its reasoning and its token counts. The person asked for a review, so the record
    /// has one Command, "/review" and what the review covers (user_facing_hint: "current changes", "commit abc1234", or
    /// the person's own instructions); the forwarded prompt and reasoning are the sub-agent's, read in its own record.
    /// The forwarded token counts stay in this record's totals, as ccusage counts every token_count of a file.
    /// </summary>
    private void EnterReview(JsonElement review, DateTimeOffset? timestamp)
    {
        if (_inReview) return;
        _inReview = true;
        EndResponse();
        var hint = review.GetStringOrNull("user_facing_hint") ?? review.GetStringOrNull("prompt");
        _conversation.AddMessage(MessageRole.User, MessageKind.Command, new[] { ContentBlock.FromText(string.IsNullOrWhiteSpace(hint) ? "/review" : $"/review {hint.Trim()}") }, timestamp);
    }

    /// <summary>
    /// Codex repeats token_count events (identical totals) and writes some without info; each distinct
    /// snapshot is one request, read from last_token_usage, or, in builds that write only the running
    /// totals, from their difference to the previous snapshot. Codex counts cached input inside input and
    /// reasoning inside output; InputTokens here excludes the cached part, as for every format.
    /// </summary>
    /// <remarks>
    /// A request's identity is its event: time, model and counts, as ccusage keys Codex usage, so history a
    /// fork or subagent replays with the parent's timestamps counts once across files. A response already
    /// paired with a request keeps it. A request without a response of its own is a /compact (its token_count
    /// comes between the compaction's turn_context and the compacted line): the summary is that request's
    /// output and carries it, at the model that wrote it; any other is left in the record's totals only.
    /// </remarks>
    private void AddTokenCount(JsonElement info, DateTimeOffset? timestamp)
    {
        if (info.ValueKind != JsonValueKind.Object) return;
        var totals = CodexUsage.Read(info.GetPropertyOrDefault("total_token_usage"));
        if (totals is not null && totals == _previousTotals)
        {
            DuplicateTokenCounts++;
            return;
        }
        var request = CodexUsage.Read(info.GetPropertyOrDefault("last_token_usage"))
            ?? (totals is null ? null : totals.Minus(_previousTotals));
        _previousTotals = totals ?? _previousTotals;
        if (request is null) return;
        var usage = request.ToTokenUsage();
        Usage += usage;
        ReasoningOutputTokens += request.Reasoning;
        var id = FormattableString.Invariant(
            $"{timestamp?.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}|{Model}|{request.Input}|{request.Cached}|{request.Output}|{request.Reasoning}");
        // A response of reasoning alone (interrupted before it wrote more) is this request's.
        if (_turn is null && HasPendingReasoning) Turn(_reasoningSince);
        if (!_inReview && (_turn ?? _lastTurn) is { ResponseId: null } turn)
        {
            turn.SetUsage(usage);
            turn.ResponseId = id;
        }
        else
        {
            Unclaimed();
            _unanswered = new UnansweredRequest(usage, Model, id, timestamp);
        }
        EndTurn();
    }

    private void AddOutput(string callId, JsonElement output, DateTimeOffset? timestamp)
    {
        if (_conversation.AddToolResult(CodexToolOutput.Read(callId, output, timestamp)) is { } message) _toolMessages[callId] = message;
        else Orphan(callId);
        EndTurn();
    }

    /// <summary>A tool's output whose call is not earlier in the conversation, or that was answered already: left out, and told once.</summary>
    private void Orphan(string callId) => Tell(
        "orphan output", $"the output of call '{callId}' answers no call before it, or one answered already; left out, with any others (SourceMeta orphan_tool_results).");

    /// <summary>
    /// Warns the first time something of a kind is left out, with the line it is on; counted in SourceMeta either way. The
    /// TypeScript document (2025, a closed format) has no lines to name, so what it holds is counted only.
    /// </summary>
    private void Tell(string kind, string message)
    {
        if (_line is { } line && _told.Add(kind)) _diagnostics.Warn(RolloutDiagnostic.ParseError, line, message);
    }

    private void Call(DateTimeOffset? timestamp, ToolCall call) => Turn(timestamp).AddToolCall(call);

    /// <summary>A tool the API ran itself: the call and its result are both in the item.</summary>
    private void ServerCall(DateTimeOffset? timestamp, ToolCall call, ContentBlock result)
    {
        Turn(timestamp).AddToolCall(call);
        _conversation.AddToolResult(new ToolResult(call.Id, new[] { result }) { Timestamp = timestamp });
        EndTurn();
    }

    /// <summary>For a server tool call that neither its item nor an event names: unique within the file.</summary>
    private string InventedId(string name) => $"{name}_{++_syntheticIds}";

    /// <summary>The open assistant message, or a new one carrying the reasoning that preceded it.</summary>
    private ConversationBuilder.AssistantTurn Turn(DateTimeOffset? timestamp)
    {
        if (_turn is null || _turn.IsClosed)
        {
            _turn = _conversation.StartAssistant(timestamp, Model);
            _lastTurn = _turn;
            Unclaimed();
        }
        var reasoning = _reasoningFromItems.Count > 0 ? _reasoningFromItems : _reasoningFromEvents;
        foreach (var text in reasoning) _turn.AddReasoning(text);
        _reasoningFromItems.Clear();
        _reasoningFromEvents.Clear();
        return _turn;
    }

    /// <summary>The response is over.</summary>
    private void EndTurn() => _turn = null;

    /// <summary>
    /// Input comes (a user or developer message, another agent, a compaction) or the turn was aborted: the response is
    /// over. Reasoning never crosses into the next response; reasoning no message took yet is a response of its own
    /// (Codex records each output item as it completes, so an Esc after the reasoning leaves it alone, and it was billed).
    /// </summary>
    private void EndResponse()
    {
        if (HasPendingReasoning) Turn(_reasoningSince);
        EndTurn();
    }

    private bool HasPendingReasoning => _reasoningFromItems.Count + _reasoningFromEvents.Count > 0;

    private void AddReasoning(List<string> pending, string text, DateTimeOffset? timestamp)
    {
        if (!HasPendingReasoning) _reasoningSince = timestamp;
        pending.Add(text);
    }

    private void NoteTime(DateTimeOffset? time)
    {
        if (time is not { } t) return;
        if (First is null || t < First) First = t;
        if (Last is null || t > Last) Last = t;
    }

    /// <summary>
    /// A call's tool, with the namespace 2026 builds write beside the name (models.rs FunctionCall.namespace: an MCP
    /// server's "mcp__github", "multi_agent_v1"), joined as Codex qualifies an MCP tool (mcp__github__get_me), the one name
    /// earlier builds wrote, so names stay comparable across versions.
    /// </summary>
    private static string ToolName(JsonElement item)
    {
        var name = item.GetStringOrNull("name") ?? string.Empty;
        return item.GetStringOrNull("namespace") is not { Length: > 0 } space || name.StartsWith(space, StringComparison.Ordinal) ? name
            : space.EndsWith("__", StringComparison.Ordinal) ? space + name
            : $"{space}__{name}";
    }

    private static string RevisedPrompt(string prompt) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("revised_prompt", prompt);
        w.WriteEndObject();
    });

    private static string CallId(JsonElement item) => item.GetIdOrNull("call_id") ?? item.GetIdOrNull("id") ?? string.Empty;

    private static string RawOrEmpty(JsonElement value) => value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? "{}" : value.GetRawText();

    /// <summary>The request waiting for a compaction summary will have none: it counts as billed, at its own time and model.</summary>
    private void Unclaimed()
    {
        if (_unanswered is { } request) _unclaimed.Add(new UnlistedResponse(request.ResponseId, request.Timestamp, request.Model, request.Usage, null));
        _unanswered = null;
    }

    /// <summary>
    /// thread_rolled_back {num_turns}: Codex drops the last turns from the thread (history drop_last_n_user_turns), each
    /// begun by a message a person or another agent sent; its own injected text begins none. The messages from the
    /// earliest of those on are abandoned; the rollback's own marker goes.
    /// </summary>
    private sealed record Rollback(RolloutMessage Marker, long Turns)
    {
        public void Apply(List<RolloutMessage> messages)
        {
            var at = messages.FindIndex(m => ReferenceEquals(m, Marker));
            if (at < 0) return;
            messages.RemoveAt(at);
            var from = at;
            var left = Turns;
            for (var i = at - 1; i >= 0 && left > 0; i--)
            {
                if (messages[i] is { IsAbandoned: false, Role: MessageRole.User, Kind: MessageKind.Prompt or MessageKind.QueuedPrompt or MessageKind.AgentMessage })
                {
                    from = i;
                    left--;
                }
            }
            for (var i = from; i < at; i++) messages[i] = messages[i].IsAbandoned ? messages[i] : new RolloutMessage(messages[i]) { IsAbandoned = true };
        }
    }

    /// <summary>A model request no response took, waiting for the compaction summary it wrote.</summary>
    private sealed record UnansweredRequest(TokenUsage Usage, string? Model, string ResponseId, DateTimeOffset? Timestamp)
    {
        public RolloutMessage Wrote(RolloutMessage summary) => new(summary) { Model = Model, Usage = Usage, ResponseId = ResponseId };
    }

    /// <summary>What an exec_command_end or patch_apply_end event says of a call's run; it may come before or after the output.</summary>
    private sealed record RunEnd(int? ExitCode, TimeSpan? Duration, bool Failed)
    {
        /// <summary>
        /// An output without an exit code was written while the process still ran (unified exec: "Process running with
        /// session ID …"), so its wall time is the wait, not the run: the end event gives both.
        /// </summary>
        public RolloutMessage Apply(RolloutMessage output) => output.ExitCode is null && ExitCode is not null
            ? new RolloutMessage(output) { ExitCode = ExitCode, ToolDuration = Duration ?? output.ToolDuration, IsError = output.IsError == true || Failed }
            : new RolloutMessage(output) { ToolDuration = output.ToolDuration ?? Duration, IsError = output.IsError == true || Failed };
    }
}
