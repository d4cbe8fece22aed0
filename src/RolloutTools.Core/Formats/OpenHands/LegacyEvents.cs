using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.OpenHands;

/// <summary>
/// Legacy OpenHands events (OpenHands/OpenHands, events/serialization/event.py event_to_dict): {id, timestamp,
/// source: user|agent|environment, message, action + args | observation + content + extras, cause (the id of the
/// action an observation answers), tool_call_metadata {function_name, tool_call_id, model_response (the LiteLLM
/// response, with its id, model, choices and usage), total_calls_in_response}, llm_metrics}. A model response
/// with several tool calls is stored as several actions sharing its model_response, whose message holds the response's
/// text and reasoning; the first action's args.thought repeats the text, joined to the think tool's argument
/// (agenthub/codeact_agent/function_calling.py). llm_metrics is a snapshot of the
/// conversation's metrics so far (controller/agent_controller.py _prepare_metrics_for_frontend): accumulated_cost
/// and accumulated_token_usage, with token_usages per call in versions that kept the whole list.
/// </summary>
internal sealed class LegacyEvents
{
    /// <summary>Actions that change the run, not the conversation; counted, never messages.</summary>
    private static readonly HashSet<string> ControlActions = new(StringComparer.Ordinal)
    {
        "change_agent_state", "null", "pause", "resume", "stop", "start", "condensation_request", "recall",
    };

    private readonly OpenHandsConversation _conversation;
    private readonly DiagnosticList _diagnostics;
    private readonly Dictionary<long, string> _calls = new();
    private readonly Dictionary<string, TokenUsage> _callUsage = new(StringComparer.Ordinal);

    /// <summary>
    /// The messages delegations are still to send: OpenHands hands a delegate its task as "TASK: " and the task, sent
    /// as the user's into the same event stream (controller/agent_controller.py _handle_action), so the parent's model
    /// wrote it, not the person.
    /// </summary>
    private readonly List<string> _delegatedTasks = new();
    private JsonElement _lastMetrics;
    private string? _lastModel;

    public LegacyEvents(OpenHandsConversation conversation, DiagnosticList diagnostics)
    {
        _conversation = conversation;
        _diagnostics = diagnostics;
    }

    public string? Version { get; private set; }

    public string? AgentClass { get; private set; }

    /// <summary>The agent's state when the events end (agent_state_changed).</summary>
    public string? AgentState { get; private set; }

    /// <summary>The conversation's accumulated tokens as the last llm_metrics states them (agent and condenser together).</summary>
    public TokenUsage? AccumulatedUsage => _lastMetrics.ValueKind == JsonValueKind.Object ? OpenHandsTokens.FromMetrics(_lastMetrics.GetPropertyOrDefault("accumulated_token_usage")) : null;

    /// <summary>The conversation's accumulated cost as the last llm_metrics states it.</summary>
    public decimal? AccumulatedCost => OpenHandsTokens.Cost(_lastMetrics, "accumulated_cost");

    public string? AccumulatedModel => _lastMetrics.GetPropertyOrDefault("accumulated_token_usage").GetStringOrNull("model") is { Length: > 0 } model ? model : null;

    public void Read(IEnumerable<StoredEvent> events, string? fallbackModel, CancellationToken cancellation)
    {
        foreach (var stored in events)
        {
            cancellation.ThrowIfCancellationRequested();
            var e = stored.Json;
            var action = e.GetStringOrNull("action");
            var observation = e.GetStringOrNull("observation");
            if (action is null && observation is null)
            {
                OpenHandsEventLog.Error(_diagnostics, stored.File, stored.Line, RolloutDiagnostic.ParseError, "the event is neither an action nor an observation; skipped.");
                continue;
            }
            var time = _conversation.Saw(e, action is not null ? $"action:{action}" : $"observation:{observation}");
            if (e.GetPropertyOrDefault("llm_metrics") is { ValueKind: JsonValueKind.Object } metrics) Take(metrics);
            if (action is not null) Action(e, action, time, fallbackModel);
            else Observation(e, observation!, time);
        }
        // Where llm_metrics listed each call, a response without usage in its model_response takes the listed one.
        foreach (var (id, usage) in _callUsage) _conversation.TurnOf(id)?.SetUsage(usage);
    }

    /// <summary>Keeps the latest snapshot (the figures only grow) and any per-call usage it lists by response id.</summary>
    private void Take(JsonElement metrics)
    {
        _lastMetrics = metrics;
        foreach (var usage in metrics.GetPropertyOrDefault("token_usages") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray() : default)
        {
            if (usage.GetStringOrNull("response_id") is { Length: > 0 } id && OpenHandsTokens.FromMetrics(usage) is { } tokens) _callUsage[id] = tokens;
        }
    }

    private void Action(JsonElement e, string action, DateTimeOffset? time, string? fallbackModel)
    {
        var args = e.GetPropertyOrDefault("args");
        var source = e.GetStringOrNull("source");
        switch (action)
        {
            case "system":
                Version ??= args.GetStringOrNull("openhands_version");
                AgentClass ??= args.GetStringOrNull("agent_class");
                _conversation.Builder.AddMessage(MessageRole.System, MessageKind.Context, OpenHandsConversation.Text(args.GetStringOrNull("content")), time);
                return;
            case "message" when source == "agent":
                Respond(e, time, fallbackModel).AddContent(OpenHandsConversation.Text(args.GetStringOrNull("content")));
                return;
            case "message":
                var content = UserContent(args);
                var kind = source != "user" ? MessageKind.Context
                    : _delegatedTasks.Remove(args.GetStringOrNull("content") ?? string.Empty) ? MessageKind.AgentMessage
                    : OpenHandsConversation.UserKind(content);
                _conversation.Builder.AddMessage(MessageRole.User, kind, content, time);
                return;
            case "condensation":
                // The condenser's summary takes the place of the events it forgot (forgotten_event_ids); without one, nothing is said.
                if (args.GetStringOrNull("summary") is { Length: > 0 } summary)
                {
                    _conversation.Builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, OpenHandsConversation.Text(summary), time);
                    _conversation.CompactionSummaries++;
                }
                return;
            case var control when ControlActions.Contains(control):
                return;
            case "finish" when e.GetPropertyOrDefault("tool_call_metadata").ValueKind != JsonValueKind.Object:
                // Agents without function calling end with a finish action of their own: its words are the answer.
                Respond(e, time, fallbackModel).AddContent(OpenHandsConversation.Text(args.GetStringOrNull("final_thought") is { Length: > 0 } final ? final : args.GetStringOrNull("thought")));
                return;
        }
        if (action == "delegate" && args.GetPropertyOrDefault("inputs").GetStringOrNull("task") is { } task) _delegatedTasks.Add("TASK: " + task);
        Call(e, action, args, time, fallbackModel);
    }

    /// <summary>
    /// An action the model asked for: a tool call of its response, named and identified by tool_call_metadata;
    /// an action of an agent without function calling has none, and goes by its type and event id instead.
    /// </summary>
    private void Call(JsonElement e, string action, JsonElement args, DateTimeOffset? time, string? fallbackModel)
    {
        var metadata = e.GetPropertyOrDefault("tool_call_metadata");
        var callId = metadata.GetStringOrNull("tool_call_id") ?? $"event-{EventId(e)}";
        var name = metadata.GetStringOrNull("function_name") ?? action;
        var turn = Respond(e, time, fallbackModel);
        // The response's words come from its model_response (Respond); without one (an agent without function
        // calling) the action's thought is all there is. With one, thought is no guide: the think tool's argument
        // is stored there too, joined to the response's words (function_calling.py combine_thought).
        if (metadata.GetPropertyOrDefault("model_response").ValueKind != JsonValueKind.Object) turn.AddContent(OpenHandsConversation.Text(args.GetStringOrNull("thought")));
        turn.AddToolCall(new ToolCall(callId, name, Arguments(metadata, callId) ?? args.GetRawText()));
        // The finish tool's message is the answer the person reads (final_thought, function_calling.py); the
        // response's own words are usually empty.
        if (action == "finish") turn.AddContent(OpenHandsConversation.Text(args.GetStringOrNull("final_thought")));
        if (EventId(e) is { } id) _calls[id] = callId;
    }

    /// <summary>The response an agent event belongs to, with its reasoning, usage and model the first time it is met.</summary>
    private ConversationBuilder.AssistantTurn Respond(JsonElement e, DateTimeOffset? time, string? fallbackModel)
    {
        var response = e.GetPropertyOrDefault("tool_call_metadata").GetPropertyOrDefault("model_response");
        var responseId = response.GetStringOrNull("id");
        // A response stored without its model_response (the agent's last words) was made by the model of the one before.
        _lastModel = response.GetStringOrNull("model") ?? _lastModel;
        var met = responseId is null ? null : _conversation.TurnOf(responseId);
        var turn = _conversation.Response(responseId, time, _lastModel ?? fallbackModel);
        if (ReferenceEquals(met, turn)) return turn;
        var message = response.GetPropertyOrDefault("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
            ? choices[0].GetPropertyOrDefault("message")
            : default;
        if (message.GetStringOrNull("reasoning_content") is { } reasoning) turn.AddReasoning(reasoning);
        turn.AddContent(OpenHandsConversation.Text(message.GetStringOrNull("content")));
        if (OpenHandsTokens.FromResponse(response.GetPropertyOrDefault("usage")) is { } usage) turn.SetUsage(usage);
        return turn;
    }

    /// <summary>The arguments as the model wrote them, from the response's tool call of that id.</summary>
    private static string? Arguments(JsonElement metadata, string callId)
    {
        var choices = metadata.GetPropertyOrDefault("model_response").GetPropertyOrDefault("choices");
        if (choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0) return null;
        var calls = choices[0].GetPropertyOrDefault("message").GetPropertyOrDefault("tool_calls");
        if (calls.ValueKind != JsonValueKind.Array) return null;
        foreach (var call in calls.EnumerateArray())
        {
            if (call.GetStringOrNull("id") == callId) return call.GetPropertyOrDefault("function").GetStringOrNull("arguments");
        }
        return null;
    }

    private void Observation(JsonElement e, string observation, DateTimeOffset? time)
    {
        var extras = e.GetPropertyOrDefault("extras");
        var content = e.GetStringOrNull("content");
        if (extras.GetPropertyOrDefault("metadata").GetStringOrNull("working_dir") is { Length: > 0 } dir) _conversation.Cwd = dir;
        var callId = e.GetPropertyOrDefault("tool_call_metadata").GetStringOrNull("tool_call_id")
            ?? (e.GetPropertyOrDefault("cause") is { ValueKind: JsonValueKind.Number } cause && cause.TryGetInt64(out var id) ? _calls.GetValueOrDefault(id) : null);
        if (callId is not null)
        {
            var exit = extras.GetPropertyOrDefault("metadata").GetInt32OrNull("exit_code");
            _conversation.Builder.AddToolResult(new ToolResult(callId, OpenHandsConversation.Text(content))
            {
                IsError = observation is "error" or "user_rejected" || e.GetPropertyOrDefault("success").ValueKind == JsonValueKind.False,
                // -1 is what OpenHands writes when the command's exit code is unknown (a timeout, a command still running).
                ExitCode = exit is >= 0 ? exit : null,
                Timestamp = time,
            });
            return;
        }
        switch (observation)
        {
            case "agent_state_changed":
                AgentState = extras.GetStringOrNull("agent_state") ?? AgentState;
                return;
            case "null":
                return;
            case "recall":
                // The workspace context and microagent knowledge the memory put before the model.
                if (extras.GetStringOrNull("working_dir") is { Length: > 0 } workspace) _conversation.Cwd ??= workspace;
                _conversation.Builder.AddMessage(MessageRole.User, MessageKind.Context, OpenHandsConversation.Text(RecallText(content, extras)), time);
                return;
            default:
                // Output no action of this conversation asked for (an error the environment raised, a note): the model saw it.
                if (!string.IsNullOrEmpty(content)) _conversation.Builder.AddMessage(MessageRole.User, MessageKind.Context, OpenHandsConversation.Text(content), time);
                return;
        }
    }

    /// <summary>A recall observation's text: its content, else the instructions and knowledge it carries in extras.</summary>
    private static string? RecallText(string? content, JsonElement extras)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(content)) parts.Add(content);
        foreach (var name in new[] { "repo_instructions", "additional_agent_instructions", "conversation_instructions" })
        {
            if (extras.GetStringOrNull(name) is { Length: > 0 } text) parts.Add(text);
        }
        foreach (var knowledge in extras.GetPropertyOrDefault("microagent_knowledge") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray() : default)
        {
            if (knowledge.GetStringOrNull("content") is { Length: > 0 } text) parts.Add(text);
        }
        return parts.Count == 0 ? null : string.Join("\n\n", parts);
    }

    /// <summary>A person's message: its text, and the images they attached (image_urls, data or web addresses).</summary>
    private static IReadOnlyList<ContentBlock> UserContent(JsonElement args)
    {
        var blocks = new List<ContentBlock>(OpenHandsConversation.Text(args.GetStringOrNull("content")));
        foreach (var url in args.GetPropertyOrDefault("image_urls") is { ValueKind: JsonValueKind.Array } urls ? urls.EnumerateArray() : default)
        {
            if (url.ValueKind == JsonValueKind.String && url.GetString() is { Length: > 0 } address) blocks.Add(ContentBlock.FromImageUrl(address));
        }
        return blocks;
    }

    private static long? EventId(JsonElement e) => e.GetPropertyOrDefault("id") is { ValueKind: JsonValueKind.Number } id && id.TryGetInt64(out var n) ? n : null;
}
