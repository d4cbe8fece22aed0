using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.CopilotCli;

/// <summary>A sub-agent's part of a Copilot CLI log: the events its agentId marks, read as a conversation of its own.</summary>
internal sealed record CopilotSubagent(string AgentId, string? Name, string? ParentToolCallId, IReadOnlyList<CopilotEvent> Events, CopilotConversation Conversation);

/// <summary>
/// The conversation of one Copilot CLI event log. Each event names the event before it (parentId), so the
/// active path is the chain from the last event back to the first; an event the chain passes by (a branch the
/// session left) is abandoned. A root met before the start of the file (a resumed session's first event, or a
/// parent lost with a damaged line) joins the event written just before it, so no part of a resumed session is
/// taken for a branch. A log without ids is read in file order. Sub-agents write to the same log, their events
/// marked with their agentId: each is read apart, as a conversation of its own (<see cref="Subagents"/>), so
/// neither its prompt nor its answers pass for the person's or the main agent's.
/// </summary>
internal sealed class CopilotConversation
{
    public required IReadOnlyList<RolloutMessage> Messages { get; init; }

    public required IReadOnlyList<CopilotEvent> ActivePath { get; init; }

    public required TokenUsage Usage { get; init; }

    /// <summary>Responses with tokens and nothing readable (encrypted reasoning only), which Messages leaves out.</summary>
    public IReadOnlyList<UnlistedResponse> UnlistedResponses { get; private init; } = Array.Empty<UnlistedResponse>();

    public required IReadOnlyList<string> Models { get; init; }

    public IReadOnlyList<CopilotSubagent> Subagents { get; private init; } = Array.Empty<CopilotSubagent>();

    public int AbandonedEvents { get; private init; }

    public int JoinedRoots { get; private init; }

    public int Compactions { get; private init; }

    public int OrphanToolResults { get; private init; }

    public int UnansweredToolCalls { get; private init; }

    public int CallsWithoutRequest { get; private init; }

    public int UserRequestedCalls { get; private init; }

    /// <summary>assistant.messages merged into the response before them, as chunks of one model call.</summary>
    public int MergedChunks { get; private init; }

    /// <summary>Images whose session.binary_asset is not in the log.</summary>
    public int MissingAssets { get; private init; }

    /// <summary>How many user.messages each source wrote ("typed" for none), so a new source shows.</summary>
    public IReadOnlyDictionary<string, long> MessageSources { get; private init; } = new Dictionary<string, long>();

    public int Shutdowns { get; private init; }

    public long ReasoningTokens { get; private init; }

    public long PremiumRequestsMilli { get; private init; }

    public IReadOnlyList<string> UnplacedUsageModels { get; private init; } = Array.Empty<string>();

    public IReadOnlyList<string> ModelChanges { get; private init; } = Array.Empty<string>();

    public static CopilotConversation Build(IReadOnlyList<CopilotEvent> events, bool includeAbandoned)
    {
        var (path, joined) = ActiveChain(events);
        var onPath = new HashSet<CopilotEvent>(path, ReferenceEqualityComparer.Instance);
        var abandoned = new HashSet<CopilotEvent>(events.Where(e => !onPath.Contains(e) && SaysSomething(e)), ReferenceEqualityComparer.Instance);
        var read = includeAbandoned ? events.Where(e => onPath.Contains(e) || abandoned.Contains(e)).ToList() : path.ToList();
        var assets = new Dictionary<string, CopilotImage>(StringComparer.Ordinal);
        foreach (var e in events.Where(e => e.Type == "session.binary_asset" && e.AssetId is not null && e.Images.Count > 0)) assets[e.AssetId!] = e.Images[0];

        var placement = UsagePlacement.Of(path);
        var starts = path.Where(e => e.Type == "subagent.started").ToArray();
        var subagents = read.Where(e => e.AgentId is not null)
            .GroupBy(e => e.AgentId!, StringComparer.Ordinal)
            .Select(group =>
            {
                var start = starts.FirstOrDefault(s => s.AgentId == group.Key) ?? starts.FirstOrDefault(s => s.AgentId is null && s.ToolCallId == group.Key);
                var agentEvents = group.ToArray();
                var conversation = Of(agentEvents, onPath, placement, assets, new BuildState(placement, assets, isSubagent: true) { Model = start?.Model });
                return new CopilotSubagent(group.Key, start?.AgentName, start?.ToolCallId, agentEvents, conversation);
            })
            .Where(s => s.Conversation.Messages.Count > 0 || s.Conversation.UnlistedResponses.Count > 0)
            .ToArray();

        var main = Of(read.Where(e => e.AgentId is null).ToArray(), onPath, placement, assets, new BuildState(placement, assets, isSubagent: false));
        return new CopilotConversation
        {
            Messages = main.Messages,
            ActivePath = path,
            // The metrics of a model no response carries stay on the main record: the session's totals.
            Usage = main.Usage + placement.UnplacedUsage,
            UnlistedResponses = main.UnlistedResponses,
            Models = main.Models.Concat(placement.MetricModels.Where(m => !subagents.Any(s => s.Conversation.Models.Contains(m)))).Distinct(StringComparer.Ordinal).ToArray(),
            Subagents = subagents,
            AbandonedEvents = abandoned.Count,
            JoinedRoots = joined,
            Compactions = path.Count(e => e.Type == "session.compaction_complete"),
            OrphanToolResults = main.OrphanToolResults,
            UnansweredToolCalls = main.UnansweredToolCalls,
            CallsWithoutRequest = main.CallsWithoutRequest,
            UserRequestedCalls = main.UserRequestedCalls,
            MergedChunks = main.MergedChunks,
            MissingAssets = main.MissingAssets,
            MessageSources = main.MessageSources,
            Shutdowns = path.Count(e => e.Type == "session.shutdown"),
            ReasoningTokens = placement.ReasoningTokens,
            PremiumRequestsMilli = (long)Math.Round(path.Sum(e => e.PremiumRequests) * 1000),
            UnplacedUsageModels = placement.Unplaced,
            ModelChanges = main.ModelChanges,
        };
    }

    /// <summary>The conversation of one agent's events: the main agent's, or one sub-agent's.</summary>
    private static CopilotConversation Of(IReadOnlyList<CopilotEvent> read, HashSet<CopilotEvent> onPath, UsagePlacement placement, Dictionary<string, CopilotImage> assets, BuildState state)
    {
        var builder = new ConversationBuilder();
        foreach (var e in read.Where(e => e.Type == "tool.execution_complete" && e.IsUserRequested && e.ToolCallId is not null)) state.ResultSaysUserRequested.Add(e.ToolCallId!);
        foreach (var e in read)
        {
            builder.MarkAbandoned = !onPath.Contains(e);
            Add(builder, e, state);
        }
        builder.MarkAbandoned = false;
        var messages = builder.Build();
        return new CopilotConversation
        {
            Messages = messages,
            ActivePath = read,
            Usage = builder.Usage,
            UnlistedResponses = builder.Unlisted,
            Models = builder.Models,
            OrphanToolResults = builder.OrphanToolResults,
            UnansweredToolCalls = builder.UnansweredToolCalls,
            CallsWithoutRequest = state.CallsWithoutRequest,
            UserRequestedCalls = state.UserRequested.Count,
            MergedChunks = state.MergedChunks,
            MissingAssets = state.MissingAssets,
            MessageSources = state.Sources,
            ModelChanges = state.ModelChanges,
        };
    }

    private static bool SaysSomething(CopilotEvent e) => e.Type switch
    {
        "user.message" or "assistant.message" or "assistant.reasoning" => e.Text.Length > 0 || e.Reasoning is not null || e.ToolRequests.Count > 0 || e.Images.Count > 0,
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
            current = WrittenBefore(events, current.Index, visited);
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

    /// <summary>The last event with an id written before position <paramref name="index"/> that the chain has not passed yet.</summary>
    private static CopilotEvent? WrittenBefore(IReadOnlyList<CopilotEvent> events, int index, HashSet<CopilotEvent> visited)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            if (events[i].Id is not null && !visited.Contains(events[i])) return events[i];
        }
        return null;
    }

    private sealed class BuildState
    {
        public BuildState(UsagePlacement placement, Dictionary<string, CopilotImage> assets, bool isSubagent)
        {
            Placement = placement;
            Assets = assets;
            IsSubagent = isSubagent;
        }

        public UsagePlacement Placement { get; }

        public Dictionary<string, CopilotImage> Assets { get; }

        public bool IsSubagent { get; }

        public string? Model { get; set; }

        public ConversationBuilder.AssistantTurn? Turn { get; set; }

        /// <summary>The model call the open response belongs to, so its further chunks join it.</summary>
        public string? TurnApiCallId { get; set; }

        public List<string> PendingReasoning { get; } = new();

        public DateTimeOffset? PendingReasoningTime { get; set; }

        public HashSet<string> Requested { get; } = new(StringComparer.Ordinal);

        /// <summary>Calls the person asked for (tool.user_requested, or a result saying isUserRequested).</summary>
        public HashSet<string> UserRequested { get; } = new(StringComparer.Ordinal);

        /// <summary>
        /// Calls whose result says isUserRequested, known before their tool.execution_start is met: a log without the
        /// tool.user_requested line (lost, or never written) marks the person's run only there.
        /// </summary>
        public HashSet<string> ResultSaysUserRequested { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, DateTimeOffset?> Started { get; } = new(StringComparer.Ordinal);

        public int CallsWithoutRequest { get; set; }

        public int MergedChunks { get; set; }

        public int MissingAssets { get; set; }

        /// <summary>The text of the last skill injected (a skill-* user.message or skill.invoked), which the other repeats.</summary>
        public string? LastSkillText { get; set; }

        public Dictionary<string, long> Sources { get; } = new(StringComparer.Ordinal);

        public List<string> ModelChanges { get; } = new();

        public void EndTurn()
        {
            Turn = null;
            TurnApiCallId = null;
        }
    }

    private static void Add(ConversationBuilder builder, CopilotEvent e, BuildState state)
    {
        switch (e.Type)
        {
            case "session.start" or "session.resume":
                state.Model = e.SelectedModel ?? state.Model;
                break;
            case "session.model_change" when e.Model is { } model:
                state.Model = model;
                state.ModelChanges.Add(model);
                break;
            case "system.message" when e.Text.Length > 0:
                builder.AddMessage(MessageRole.System, MessageKind.Context, Text(e.Text), e.Timestamp);
                break;
            case "system.notification" when e.Text.Length > 0:
                // Runtime news the model is told (a background task finished), wrapped in <system_notification>.
                builder.AddMessage(MessageRole.User, MessageKind.Context, Text(e.Text), e.Timestamp);
                break;
            case "skill.invoked" when e.Text.Length > 0 && e.Text != state.LastSkillText:
                builder.AddMessage(MessageRole.User, MessageKind.Context, Text(e.Text), e.Timestamp);
                state.LastSkillText = e.Text;
                break;
            case "user.message":
                FlushReasoning(builder, state);
                state.EndTurn();
                AddUser(builder, e, state);
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
                state.EndTurn();
                break;
            case "tool.user_requested" when e.ToolCallId is { } id:
                AddUserCall(builder, e, id, state);
                break;
            case "tool.execution_start" when e.ToolCallId is { } id:
                state.Started[id] = e.Timestamp;
                if (!state.Requested.Contains(id) && state.ResultSaysUserRequested.Contains(id))
                {
                    AddUserCall(builder, e, id, state);
                }
                else if (!state.Requested.Contains(id))
                {
                    // Logs before toolRequests (or a request line lost) still name the call when it starts.
                    state.CallsWithoutRequest++;
                    state.Requested.Add(id);
                    state.Turn ??= builder.StartAssistant(e.Timestamp, e.Model ?? state.Model);
                    state.Turn.AddToolCall(new ToolCall(id, e.ToolName ?? "unknown", e.ToolArguments ?? "{}"));
                }
                break;
            case "tool.execution_complete" when e.ToolCallId is { } id:
                if (e.IsUserRequested && !state.Requested.Contains(id)) AddUserCall(builder, e, id, state);
                var failed = e.Success == false;
                var text = failed ? e.ErrorText ?? e.ResultText : e.ResultText ?? e.ErrorText;
                var started = state.Started.GetValueOrDefault(id);
                var content = new List<ContentBlock>();
                if (text is { Length: > 0 }) content.Add(ContentBlock.FromText(text));
                content.AddRange(Images(e, state));
                builder.AddToolResult(new ToolResult(id, content)
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
                state.EndTurn();
                builder.AddMessage(MessageRole.User, MessageKind.Interruption, Text(e.Text.Length > 0 ? $"[aborted: {e.Text}]" : "[aborted]"), e.Timestamp);
                break;
            case "session.error" when e.Text.Length > 0:
                FlushReasoning(builder, state);
                builder.StartAssistant(e.Timestamp, null, MessageKind.Synthetic).AddContent(Text(e.Text));
                state.EndTurn();
                break;
        }
    }

    /// <summary>
    /// A user.message is the person's prompt only when typed, or sent by a command or schedule they set up (no
    /// source, "user", "command-*", "schedule-*", "autopilot-*"). One a skill injected ("skill-pdf"), that autopilot's
    /// continuation loop wrote, or of any other source is context; another agent's ("agent-&lt;id&gt;"), or any in a
    /// sub-agent's part of the log, is an agent message.
    /// </summary>
    private static void AddUser(ConversationBuilder builder, CopilotEvent e, BuildState state)
    {
        var source = e.Source ?? "typed";
        state.Sources[source] = state.Sources.GetValueOrDefault(source) + 1;
        var kind = e.Source switch
        {
            { } s when s.StartsWith("agent-", StringComparison.Ordinal) => MessageKind.AgentMessage,
            { } s when s.StartsWith("skill-", StringComparison.Ordinal) => MessageKind.Context,
            _ when e.IsAutopilotContinuation => MessageKind.Context,
            null or "user" => state.IsSubagent ? MessageKind.AgentMessage : MessageKind.Prompt,
            { } s when s.StartsWith("command-", StringComparison.Ordinal) || s.StartsWith("schedule-", StringComparison.Ordinal) || s.StartsWith("autopilot-", StringComparison.Ordinal)
                => state.IsSubagent ? MessageKind.AgentMessage : MessageKind.Prompt,
            _ => MessageKind.Context,
        };
        if (e.Source?.StartsWith("skill-", StringComparison.Ordinal) == true)
        {
            // skill.invoked and the skill's hidden user.message carry the same file: one Context message holds it.
            if (e.Text.Length > 0 && e.Text == state.LastSkillText && e.Images.Count == 0) return;
            state.LastSkillText = e.Text;
        }
        var content = new List<ContentBlock>();
        if (e.Text.Length > 0) content.Add(ContentBlock.FromText(e.Text));
        content.AddRange(Images(e, state));
        if (content.Count > 0) builder.AddMessage(MessageRole.User, kind, content, e.Timestamp);
    }

    /// <summary>
    /// A tool the person ran themselves (tool.user_requested; older logs say only isUserRequested on its result):
    /// the call goes in a Command message, not a response, since no model asked for it.
    /// </summary>
    private static void AddUserCall(ConversationBuilder builder, CopilotEvent e, string id, BuildState state)
    {
        FlushReasoning(builder, state);
        state.EndTurn();
        state.Requested.Add(id);
        state.UserRequested.Add(id);
        builder.StartAssistant(e.Timestamp, null, MessageKind.Command).AddToolCall(new ToolCall(id, e.ToolName ?? "unknown", e.ToolArguments ?? "{}"));
    }

    /// <summary>
    /// An assistant.message is one response, except that a model call split at its reasoning boundaries writes one
    /// per chunk, sharing apiCallId: those join the response their first chunk began.
    /// </summary>
    private static void AddResponse(ConversationBuilder builder, CopilotEvent e, BuildState state)
    {
        ConversationBuilder.AssistantTurn turn;
        if (state.Turn is { IsClosed: false } open && e.ApiCallId is not null && e.ApiCallId == state.TurnApiCallId)
        {
            turn = open;
            state.MergedChunks++;
        }
        else
        {
            turn = builder.StartAssistant(e.Timestamp, e.Model ?? state.Model);
            state.Turn = turn;
            state.TurnApiCallId = e.ApiCallId;
            turn.ResponseId = e.MessageId;
        }
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
        if (state.Placement.ModelOf(e) is { } billed) turn.SetModel(billed);
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

    /// <summary>The event's images, those named by asset id resolved through the log's session.binary_asset events.</summary>
    private static IEnumerable<ContentBlock> Images(CopilotEvent e, BuildState state)
    {
        foreach (var image in e.Images)
        {
            var bytes = image.Data is not null ? image : image.AssetId is { } asset && state.Assets.TryGetValue(asset, out var found) ? found : null;
            if (bytes?.Data is { } data) yield return ContentBlock.FromImageData(image.MimeType ?? bytes.MimeType, data);
            else state.MissingAssets++;
        }
    }

    private static ContentBlock[] Text(string text) => new[] { ContentBlock.FromText(text) };
}
