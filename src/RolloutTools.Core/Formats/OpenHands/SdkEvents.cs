using System.Text;
using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.OpenHands;

/// <summary>
/// Events of the V1 SDK (OpenHands/software-agent-sdk, openhands/sdk/event/): pydantic models told apart by "kind"
/// (the class name), each with id, timestamp and source. SystemPromptEvent (system_prompt, dynamic_context),
/// MessageEvent (llm_message: role, content parts, reasoning_content, thinking_blocks; llm_response_id for the
/// agent's; sender for another agent's), ActionEvent (thought, reasoning_content, thinking_blocks, tool_call
/// {id, name, arguments}, llm_response_id shared by the actions of one response), ObservationEvent (tool_call_id,
/// observation {content parts, is_error, exit_code}), UserRejectObservation and AgentErrorEvent (answers to a call),
/// Condensation and CondensationSummaryEvent (summary), ACPToolCallEvent (a call of an agent behind ACP with its
/// result). The rest (ConversationStateUpdateEvent, PauseEvent,
/// InterruptEvent, CondensationRequest, TokenEvent, …) change the run, not the conversation, and are counted.
/// Tokens are kept per call in base_state.json, not in the events: see <see cref="SdkState"/>.
/// </summary>
internal sealed class SdkEvents
{
    private readonly OpenHandsConversation _conversation;
    private readonly DiagnosticList _diagnostics;
    private readonly SdkState _state;
    private readonly HashSet<string> _acpCallsMet = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unknownKinds = new(StringComparer.Ordinal);

    /// <summary>The SDK's events that change the run, not the conversation (sdk/event/__init__.py): counted, no message.</summary>
    private static readonly HashSet<string> RunEvents = new(StringComparer.Ordinal)
    {
        "ConversationStateUpdateEvent", "PauseEvent", "InterruptEvent", "CondensationRequest", "TokenEvent",
        "StreamingDeltaEvent", "HookExecutionEvent", "LLMCompletionLogEvent",
    };

    public SdkEvents(OpenHandsConversation conversation, DiagnosticList diagnostics, SdkState state)
    {
        _conversation = conversation;
        _diagnostics = diagnostics;
        _state = state;
    }

    /// <summary>Errors of the conversation itself (ConversationErrorEvent), shown as notices.</summary>
    public int ConversationErrors { get; private set; }

    public void Read(IReadOnlyList<StoredEvent> events, CancellationToken cancellation)
    {
        var lastAcpCalls = LastAcpCalls(events);
        foreach (var stored in events)
        {
            cancellation.ThrowIfCancellationRequested();
            var e = stored.Json;
            if (e.GetStringOrNull("kind") is not { } kind)
            {
                OpenHandsEventLog.Error(_diagnostics, stored.File, stored.Line, RolloutDiagnostic.ParseError, "the event has no kind; skipped.");
                continue;
            }
            var time = _conversation.Saw(e, kind);
            switch (kind)
            {
                case "SystemPromptEvent":
                    var prompt = Join(e.GetPropertyOrDefault("system_prompt").GetStringOrNull("text"), e.GetPropertyOrDefault("dynamic_context").GetStringOrNull("text"));
                    _conversation.Builder.AddMessage(MessageRole.System, MessageKind.Context, OpenHandsConversation.Text(prompt), time);
                    break;
                case "MessageEvent":
                    Message(e, time);
                    break;
                case "ActionEvent":
                    Action(e, time);
                    break;
                case "ObservationEvent":
                    Result(e, time, e.GetPropertyOrDefault("observation"));
                    break;
                case "UserRejectObservation":
                    _conversation.Builder.AddToolResult(new ToolResult(e.GetStringOrNull("tool_call_id") ?? string.Empty,
                        OpenHandsConversation.Text(e.GetStringOrNull("rejection_reason") ?? "rejected")) { IsError = true, Timestamp = time });
                    break;
                case "AgentErrorEvent":
                    _conversation.Builder.AddToolResult(new ToolResult(e.GetStringOrNull("tool_call_id") ?? string.Empty,
                        OpenHandsConversation.Text(e.GetStringOrNull("error"))) { IsError = true, Timestamp = time });
                    break;
                case "Condensation" or "CondensationSummaryEvent":
                    // The condenser's call that wrote the summary counts at its own time and model, with nothing to list.
                    if (e.GetStringOrNull("llm_response_id") is { } condenser && _state.Call(condenser) is { Usage: { } used } call)
                    {
                        _conversation.Response(condenser, time, call.Model).SetUsage(used);
                    }
                    if (e.GetStringOrNull("summary") is { Length: > 0 } summary)
                    {
                        _conversation.Builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, OpenHandsConversation.Text(summary), time);
                        _conversation.CompactionSummaries++;
                    }
                    break;
                case "ACPToolCallEvent":
                    AcpCall(e, time, lastAcpCalls);
                    break;
                case "ConversationErrorEvent":
                    ConversationErrors++;
                    var notice = _conversation.Builder.StartAssistant(time, null, MessageKind.Synthetic);
                    notice.AddContent(OpenHandsConversation.Text($"{e.GetStringOrNull("code")}: {e.GetStringOrNull("detail")}"));
                    break;
                case var other when !RunEvents.Contains(other) && _unknownKinds.Add(other):
                    // A kind newer than this reader may hold words or calls: said once, so its loss is not silent.
                    OpenHandsEventLog.Warn(_diagnostics, stored.File, stored.Line, RolloutDiagnostic.ParseError,
                        $"the event kind '{other}' is one this reader does not know; its events are counted in event_kinds and not read.");
                    break;
            }
        }
    }

    /// <summary>
    /// The last event of each ACP tool call by its tool_call_id: an ACP agent (Claude Code, Codex or Gemini behind
    /// ACP, sdk/agent/acp_agent.py) writes no actions or observations, but an ACPToolCallEvent each time a call
    /// starts or progresses, under the same id, the last one authoritative (_emit_tool_call_event).
    /// </summary>
    private static Dictionary<string, JsonElement> LastAcpCalls(IReadOnlyList<StoredEvent> events)
    {
        var last = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var stored in events)
        {
            if (stored.Json.GetStringOrNull("kind") == "ACPToolCallEvent" && stored.Json.GetStringOrNull("tool_call_id") is { } id) last[id] = stored.Json;
        }
        return last;
    }

    /// <summary>
    /// An ACP tool call where it was first met, as its last event states it: named by its tool_kind (read, edit,
    /// execute, …), else its title; raw_input the arguments; raw_output the result, else the text of its content.
    /// It joins the response still open, else starts one: the ACP agent's words come after its calls, in a
    /// MessageEvent of their own.
    /// </summary>
    private void AcpCall(JsonElement first, DateTimeOffset? time, Dictionary<string, JsonElement> lastCalls)
    {
        if (first.GetStringOrNull("tool_call_id") is not { } id || !_acpCallsMet.Add(id)) return;
        var e = lastCalls[id];
        var name = e.GetStringOrNull("tool_kind") is { Length: > 0 } kind ? kind : e.GetStringOrNull("title") ?? "unknown";
        _conversation.OpenResponse(time).AddToolCall(new ToolCall(id, name, JsonOrText(e.GetPropertyOrDefault("raw_input")) ?? "{}"));
        var status = e.GetStringOrNull("status");
        // A call whose last event is still pending or in progress never ended: it stays unanswered.
        if (status is null or "pending" or "in_progress") return;
        var output = JsonOrText(e.GetPropertyOrDefault("raw_output")) is { } raw ? OpenHandsConversation.Text(raw) : AcpContent(e.GetPropertyOrDefault("content"));
        _conversation.Builder.AddToolResult(new ToolResult(id, output)
        {
            IsError = e.GetBool("is_error") || status == "failed",
            Timestamp = e.GetTimestamp("timestamp") ?? time,
        });
    }

    /// <summary>A value as text: a string as it is, an object or list as its JSON; null when there is none.</summary>
    private static string? JsonOrText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
        _ => null,
    };

    /// <summary>ACP's tool call content: {type: content, content: a text block} as its text; a diff or terminal block as its JSON.</summary>
    private static IReadOnlyList<ContentBlock> AcpContent(JsonElement items)
    {
        var blocks = new List<ContentBlock>();
        foreach (var item in items.ValueKind == JsonValueKind.Array ? items.EnumerateArray() : default)
        {
            var text = item.GetStringOrNull("type") == "content" && item.GetPropertyOrDefault("content").GetStringOrNull("text") is { } inner ? inner : item.GetRawText();
            if (text.Length > 0) blocks.Add(ContentBlock.FromText(text));
        }
        return blocks;
    }

    private void Message(JsonElement e, DateTimeOffset? time)
    {
        var message = e.GetPropertyOrDefault("llm_message");
        var content = Content(message.GetPropertyOrDefault("content"));
        switch (message.GetStringOrNull("role"))
        {
            case "assistant":
                var turn = Response(e, time);
                turn.AddContent(content);
                Reasoning(turn, message);
                break;
            case "system":
                _conversation.Builder.AddMessage(MessageRole.System, MessageKind.Context, content, time);
                break;
            default:
                // sender names another agent that wrote to this one; a person's message has none.
                var kind = e.GetStringOrNull("sender") is not null ? MessageKind.AgentMessage
                    : e.GetStringOrNull("source") == "user" ? OpenHandsConversation.UserKind(content)
                    : MessageKind.Context;
                _conversation.Builder.AddMessage(MessageRole.User, kind, content, time);
                // Skills' knowledge the agent appended to the message before the model saw it.
                var extended = Content(e.GetPropertyOrDefault("extended_content"));
                if (extended.Count > 0) _conversation.Builder.AddMessage(MessageRole.User, MessageKind.Context, extended, time);
                break;
        }
    }

    private void Action(JsonElement e, DateTimeOffset? time)
    {
        var turn = Response(e, time);
        turn.AddContent(Content(e.GetPropertyOrDefault("thought")));
        Reasoning(turn, e);
        var call = e.GetPropertyOrDefault("tool_call");
        var id = call.GetStringOrNull("id") ?? e.GetStringOrNull("tool_call_id") ?? $"event-{e.GetStringOrNull("id")}";
        var name = call.GetStringOrNull("name") ?? e.GetStringOrNull("tool_name") ?? "unknown";
        var action = e.GetPropertyOrDefault("action");
        var arguments = call.GetStringOrNull("arguments") ?? (action.ValueKind == JsonValueKind.Object ? action.GetRawText() : "{}");
        turn.AddToolCall(new ToolCall(id, name, arguments));
        // The finish tool's message is the answer the person reads (tool/builtins/finish.py FinishAction): the response's text.
        if (name == "finish") turn.AddContent(OpenHandsConversation.Text(action.GetStringOrNull("message") ?? MessageArgument(arguments)));
    }

    /// <summary>The "message" of a call's arguments, when they are a JSON object that has one.</summary>
    private static string? MessageArgument(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.GetStringOrNull("message") : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Result(JsonElement e, DateTimeOffset? time, JsonElement observation)
    {
        if (observation.GetPropertyOrDefault("metadata").GetStringOrNull("working_dir") is { Length: > 0 } dir) _conversation.Cwd = dir;
        var exit = observation.GetInt32OrNull("exit_code");
        var (content, failed) = Output(observation);
        _conversation.Builder.AddToolResult(new ToolResult(e.GetStringOrNull("tool_call_id") ?? string.Empty, content)
        {
            IsError = observation.GetBool("is_error") || failed,
            ExitCode = exit is >= 0 ? exit : null,
            Timestamp = time,
        });
    }

    /// <summary>
    /// An observation's output: its content parts since SDK 1.0 ("standardize Observation base class", November 2025);
    /// before it, the tools' own fields: output (bash, file editor, browser) or content as a string (task tracker),
    /// and error, a flag (bash) or a message (the others), which is added when it is not the output already.
    /// </summary>
    private static (IReadOnlyList<ContentBlock> Content, bool Failed) Output(JsonElement observation)
    {
        var content = observation.GetPropertyOrDefault("content");
        if (content.ValueKind == JsonValueKind.Array) return (Content(content), false);
        var blocks = new List<ContentBlock>(OpenHandsConversation.Text(content.ValueKind == JsonValueKind.String ? content.GetString() : observation.GetStringOrNull("output")));
        var error = observation.GetPropertyOrDefault("error");
        if (error.ValueKind == JsonValueKind.String && error.GetString() is { Length: > 0 } message)
        {
            if (!blocks.Exists(b => b.Text == message)) blocks.Add(ContentBlock.FromText(message));
            return (blocks, true);
        }
        return (blocks, error.ValueKind == JsonValueKind.True);
    }

    /// <summary>The response an event belongs to (llm_response_id), with its usage and model from base_state.json.</summary>
    private ConversationBuilder.AssistantTurn Response(JsonElement e, DateTimeOffset? time)
    {
        var responseId = e.GetStringOrNull("llm_response_id");
        var call = responseId is null ? null : _state.Call(responseId);
        var turn = _conversation.Response(responseId, time, call?.Model ?? _state.Model);
        if (call?.Usage is { } usage) turn.SetUsage(usage);
        return turn;
    }

    /// <summary>
    /// reasoning_content, else the text of Anthropic's thinking blocks (redacted ones hold none), else the reasoning
    /// item of OpenAI's Responses API (GPT-5 and Codex models: sdk/llm/message.py from_llm_responses_output), its
    /// content when the provider returns it, else its summary; its encrypted_content is nothing readable.
    /// </summary>
    private static void Reasoning(ConversationBuilder.AssistantTurn turn, JsonElement holder)
    {
        if (holder.GetStringOrNull("reasoning_content") is { Length: > 0 } reasoning)
        {
            turn.AddReasoning(reasoning);
            return;
        }
        var thought = false;
        foreach (var block in holder.GetPropertyOrDefault("thinking_blocks") is { ValueKind: JsonValueKind.Array } blocks ? blocks.EnumerateArray() : default)
        {
            if (block.GetStringOrNull("thinking") is not { Length: > 0 } thinking) continue;
            turn.AddReasoning(thinking);
            thought = true;
        }
        if (thought) return;
        var item = holder.GetPropertyOrDefault("responses_reasoning_item");
        var texts = Strings(item.GetPropertyOrDefault("content"));
        foreach (var text in texts.Count > 0 ? texts : Strings(item.GetPropertyOrDefault("summary"))) turn.AddReasoning(text);
    }

    private static List<string> Strings(JsonElement list) =>
        list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!).Where(s => s.Length > 0).ToList()
            : new List<string>();

    /// <summary>TextContent and ImageContent parts: text, and images by their URLs (data: URLs included).</summary>
    private static IReadOnlyList<ContentBlock> Content(JsonElement parts)
    {
        var blocks = new List<ContentBlock>();
        foreach (var part in parts.ValueKind == JsonValueKind.Array ? parts.EnumerateArray() : default)
        {
            if (part.GetStringOrNull("text") is { Length: > 0 } text) blocks.Add(ContentBlock.FromText(text));
            foreach (var url in part.GetPropertyOrDefault("image_urls") is { ValueKind: JsonValueKind.Array } urls ? urls.EnumerateArray() : default)
            {
                if (url.ValueKind == JsonValueKind.String && url.GetString() is { Length: > 0 } address) blocks.Add(ContentBlock.FromImageUrl(address));
            }
        }
        return blocks;
    }

    private static string? Join(params string?[] parts)
    {
        var text = new StringBuilder();
        foreach (var part in parts.Where(p => !string.IsNullOrEmpty(p)))
        {
            if (text.Length > 0) text.Append("\n\n");
            text.Append(part);
        }
        return text.Length == 0 ? null : text.ToString();
    }
}

/// <summary>
/// A V1 conversation's base_state.json (sdk/conversation/state.py ConversationState): its id, the agent (kind,
/// llm.model), the workspace (working_dir), execution_status, and stats.usage_to_metrics: per LLM of the
/// conversation (the agent's, the condenser's, …) its accumulated_cost, accumulated_token_usage, and token_usages,
/// one per call with the response_id the events name as llm_response_id (sdk/llm/utils/metrics.py).
/// </summary>
internal sealed class SdkState
{
    private readonly Dictionary<string, SdkCall> _calls = new(StringComparer.Ordinal);

    public string? Id { get; private init; }

    public string? Model { get; private init; }

    public string? AgentKind { get; private init; }

    public string? WorkingDir { get; private init; }

    public string? ExecutionStatus { get; private init; }

    /// <summary>Every LLM's accumulated tokens, added up; null when base_state.json states none.</summary>
    public TokenUsage? Accumulated { get; private set; }

    /// <summary>Every LLM's accumulated cost, added up.</summary>
    public decimal? Cost { get; private set; }

    /// <summary>The LLMs that state usage (usage_id), in order.</summary>
    public List<string> UsageIds { get; } = new();

    public SdkCall? Call(string responseId) => _calls.GetValueOrDefault(responseId);

    public static SdkState Empty { get; } = new();

    public static SdkState Read(JsonElement root)
    {
        var agent = root.GetPropertyOrDefault("agent");
        var state = new SdkState
        {
            Id = root.GetStringOrNull("id"),
            Model = agent.GetPropertyOrDefault("llm").GetStringOrNull("model"),
            AgentKind = agent.GetStringOrNull("kind"),
            WorkingDir = root.GetPropertyOrDefault("workspace").GetStringOrNull("working_dir"),
            ExecutionStatus = root.GetStringOrNull("execution_status"),
        };
        var metrics = root.GetPropertyOrDefault("stats").GetPropertyOrDefault("usage_to_metrics");
        foreach (var llm in metrics.ValueKind == JsonValueKind.Object ? metrics.EnumerateObject() : default)
        {
            state.UsageIds.Add(llm.Name);
            if (OpenHandsTokens.FromMetrics(llm.Value.GetPropertyOrDefault("accumulated_token_usage")) is { } total) state.Accumulated = (state.Accumulated ?? default) + total;
            if (OpenHandsTokens.Cost(llm.Value, "accumulated_cost") is { } cost) state.Cost = (state.Cost ?? 0) + cost;
            foreach (var usage in llm.Value.GetPropertyOrDefault("token_usages") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray() : default)
            {
                if (usage.GetStringOrNull("response_id") is not { Length: > 0 } id || OpenHandsTokens.FromMetrics(usage) is not { } tokens) continue;
                state._calls[id] = new SdkCall(usage.GetStringOrNull("model") is { Length: > 0 } model ? model : llm.Value.GetStringOrNull("model_name"), tokens);
            }
        }
        return state;
    }
}

/// <summary>One model call as base_state.json lists it: the model and its tokens.</summary>
internal sealed record SdkCall(string? Model, TokenUsage? Usage);
