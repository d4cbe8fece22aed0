using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.CopilotCli;

/// <summary>
/// The conversation of one Copilot CLI event log. Each event names the event before it (parentId), so the
/// active path is the chain from the last event back to the first; an event the chain passes by (a branch the
/// session left) is abandoned. A root met before the start of the file (a resumed session's first event, or a
/// parent lost with a damaged line) joins the event written just before it, so no part of a resumed session is
/// taken for a branch. A log without ids is read in file order.
/// </summary>
internal sealed class CopilotConversation
{
    public required IReadOnlyList<RolloutMessage> Messages { get; init; }

    public required IReadOnlyList<CopilotEvent> ActivePath { get; init; }

    public required TokenUsage Usage { get; init; }

    /// <summary>Responses with tokens and nothing readable (encrypted reasoning only), which Messages leaves out.</summary>
    public IReadOnlyList<UnlistedResponse> UnlistedResponses { get; private init; } = Array.Empty<UnlistedResponse>();

    public required IReadOnlyList<string> Models { get; init; }

    public int AbandonedEvents { get; private init; }

    public int JoinedRoots { get; private init; }

    public int Compactions { get; private init; }

    public int OrphanToolResults { get; private init; }

    public int UnansweredToolCalls { get; private init; }

    public int CallsWithoutRequest { get; private init; }

    public int Shutdowns { get; private init; }

    public long ReasoningTokens { get; private init; }

    public long PremiumRequestsMilli { get; private init; }

    public IReadOnlyList<string> UnplacedUsageModels { get; private init; } = Array.Empty<string>();

    public IReadOnlyList<string> ModelChanges { get; private init; } = Array.Empty<string>();

    public static CopilotConversation Build(IReadOnlyList<CopilotEvent> events, bool includeAbandoned)
    {
        var (path, joined) = ActiveChain(events);
        var onPath = new HashSet<CopilotEvent>(path, ReferenceEqualityComparer.Instance);
        var abandoned = events.Where(e => !onPath.Contains(e) && SaysSomething(e)).ToArray();
        var read = includeAbandoned ? events.Where(e => onPath.Contains(e) || abandoned.Contains(e)).ToList() : path.ToList();

        var placement = UsagePlacement.Of(path);
        var builder = new ConversationBuilder();
        var state = new BuildState(placement);
        foreach (var e in read)
        {
            builder.MarkAbandoned = !onPath.Contains(e);
            Add(builder, e, state);
        }
        builder.MarkAbandoned = false;
        var messages = builder.Build();

        var models = builder.Models
            .Concat(placement.MetricModels)
            .Distinct(StringComparer.Ordinal).ToArray();
        return new CopilotConversation
        {
            Messages = messages,
            ActivePath = path,
            Usage = placement.Total,
            UnlistedResponses = builder.Unlisted,
            Models = models,
            AbandonedEvents = abandoned.Length,
            JoinedRoots = joined,
            Compactions = path.Count(e => e.Type == "session.compaction_complete"),
            OrphanToolResults = builder.OrphanToolResults,
            UnansweredToolCalls = builder.UnansweredToolCalls,
            CallsWithoutRequest = state.CallsWithoutRequest,
            Shutdowns = path.Count(e => e.Type == "session.shutdown"),
            ReasoningTokens = placement.ReasoningTokens,
            PremiumRequestsMilli = (long)Math.Round(path.Sum(e => e.PremiumRequests) * 1000),
            UnplacedUsageModels = placement.Unplaced,
            ModelChanges = state.ModelChanges,
        };
    }

    private static bool SaysSomething(CopilotEvent e) => e.Type switch
    {
        "user.message" or "assistant.message" or "assistant.reasoning" => e.Text.Length > 0 || e.Reasoning is not null || e.ToolRequests.Count > 0,
        "tool.execution_complete" => true,
        _ => false,
    };

    /// <summary>The events from the last one back to the first, first first; and how many roots were joined to the event before them.</summary>
    private static (IReadOnlyList<CopilotEvent> Path, int Joined) ActiveChain(IReadOnlyList<CopilotEvent> events)
    {
        if (events.Count == 0 || !events.Any(e => e.Id is not null)) return (events, 0);
        var byId = new Dictionary<string, CopilotEvent>(StringComparer.Ordinal);
        foreach (var e in events.Where(e => e.Id is not null)) byId[e.Id!] = e;

        var path = new List<CopilotEvent>();
        var visited = new HashSet<CopilotEvent>(ReferenceEqualityComparer.Instance);
        var joined = 0;
        var current = events.Last(e => e.Id is not null);
        while (current is not null && visited.Add(current))
        {
            path.Add(current);
            if (current.ParentId is { } parent && byId.TryGetValue(parent, out var next) && next.Index < current.Index)
            {
                current = next;
                continue;
            }
            // A root, or a parent never written: the session went on from the event written before it.
            var index = current.Index;
            current = events.LastOrDefault(e => e.Index < index && e.Id is not null && !visited.Contains(e));
            if (current is not null && (path[^1].ParentId is not null || path[^1].HasParentKey)) joined++;
        }
        path.Reverse();

        // Events without an id belong where they were written: after the event with an id before them.
        var onPath = new HashSet<CopilotEvent>(path, ReferenceEqualityComparer.Instance);
        var withLoose = new List<CopilotEvent>(events.Count);
        var keep = true;
        foreach (var e in events)
        {
            if (e.Id is not null) keep = onPath.Contains(e);
            if (keep) withLoose.Add(e);
        }
        return (withLoose, joined);
    }

    private sealed class BuildState
    {
        public BuildState(UsagePlacement placement)
        {
            Placement = placement;
        }

        public UsagePlacement Placement { get; }

        public string? Model { get; set; }

        public ConversationBuilder.AssistantTurn? Turn { get; set; }

        public List<string> PendingReasoning { get; } = new();

        public DateTimeOffset? PendingReasoningTime { get; set; }

        public HashSet<string> Requested { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, DateTimeOffset?> Started { get; } = new(StringComparer.Ordinal);

        public int CallsWithoutRequest { get; set; }

        public List<string> ModelChanges { get; } = new();
    }

    private static void Add(ConversationBuilder builder, CopilotEvent e, BuildState state)
    {
        switch (e.Type)
        {
            case "session.start":
                state.Model = e.SelectedModel ?? state.Model;
                break;
            case "session.model_change" when e.Model is { } model:
                state.Model = model;
                state.ModelChanges.Add(model);
                break;
            case "system.message" when e.Text.Length > 0:
                builder.AddMessage(MessageRole.System, MessageKind.Context, Text(e.Text), e.Timestamp);
                break;
            case "user.message":
                FlushReasoning(builder, state);
                state.Turn = null;
                if (e.Text.Length > 0) builder.AddMessage(MessageRole.User, MessageKind.Prompt, Text(e.Text), e.Timestamp);
                break;
            case "assistant.reasoning" when e.Text.Length > 0:
                state.PendingReasoning.Add(e.Text);
                state.PendingReasoningTime ??= e.Timestamp;
                break;
            case "assistant.message":
                AddResponse(builder, e, state);
                break;
            case "assistant.turn_end":
                FlushReasoning(builder, state);
                state.Turn = null;
                break;
            case "tool.execution_start" when e.ToolCallId is { } id:
                state.Started[id] = e.Timestamp;
                if (!state.Requested.Contains(id))
                {
                    // Logs before toolRequests (or a request line lost) still name the call when it starts.
                    state.CallsWithoutRequest++;
                    state.Requested.Add(id);
                    state.Turn ??= builder.StartAssistant(e.Timestamp, e.Model ?? state.Model);
                    state.Turn.AddToolCall(new ToolCall(id, e.ToolName ?? "unknown", e.ToolArguments ?? "{}"));
                }
                break;
            case "tool.execution_complete" when e.ToolCallId is { } id:
                var failed = e.Success == false;
                var text = failed ? e.ErrorText ?? e.ResultText : e.ResultText ?? e.ErrorText;
                var started = state.Started.GetValueOrDefault(id);
                builder.AddToolResult(new ToolResult(id, text is { Length: > 0 } ? Text(text) : Array.Empty<ContentBlock>())
                {
                    IsError = failed,
                    Timestamp = e.Timestamp,
                    Duration = started is { } s && e.Timestamp is { } end && end >= s ? end - s : null,
                });
                break;
            case "session.compaction_complete" when e.Text.Length > 0:
                builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, Text(e.Text), e.Timestamp);
                break;
            case "abort":
                FlushReasoning(builder, state);
                state.Turn = null;
                builder.AddMessage(MessageRole.User, MessageKind.Interruption, Text(e.Text.Length > 0 ? $"[aborted: {e.Text}]" : "[aborted]"), e.Timestamp);
                break;
            case "session.error" when e.Text.Length > 0:
                FlushReasoning(builder, state);
                builder.StartAssistant(e.Timestamp, null, MessageKind.Synthetic).AddContent(Text(e.Text));
                state.Turn = null;
                break;
        }
    }

    private static void AddResponse(ConversationBuilder builder, CopilotEvent e, BuildState state)
    {
        var model = e.Model ?? state.Model;
        var turn = builder.StartAssistant(e.Timestamp, model);
        state.Turn = turn;
        turn.ResponseId = e.MessageId;
        foreach (var reasoning in state.PendingReasoning) turn.AddReasoning(reasoning);
        if (e.Reasoning is { Length: > 0 } own && !state.PendingReasoning.Contains(own, StringComparer.Ordinal)) turn.AddReasoning(own);
        state.PendingReasoning.Clear();
        state.PendingReasoningTime = null;
        if (e.Text.Length > 0) turn.AddContent(Text(e.Text));
        var calls = 0;
        foreach (var request in e.ToolRequests)
        {
            calls++;
            var id = request.CallId.Length > 0 ? request.CallId : $"{e.Id ?? e.LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{calls}";
            state.Requested.Add(id);
            turn.AddToolCall(new ToolCall(id, request.Name, request.Arguments));
        }
        if (state.Placement.UsageOf(e) is { } usage) turn.SetUsage(usage);
    }

    /// <summary>Reasoning no response followed (a turn cut short) is still the model's: a response of its own.</summary>
    private static void FlushReasoning(ConversationBuilder builder, BuildState state)
    {
        if (state.PendingReasoning.Count == 0) return;
        var turn = builder.StartAssistant(state.PendingReasoningTime, state.Model);
        foreach (var reasoning in state.PendingReasoning) turn.AddReasoning(reasoning);
        state.PendingReasoning.Clear();
        state.PendingReasoningTime = null;
    }

    private static ContentBlock[] Text(string text) => new[] { ContentBlock.FromText(text) };
}
