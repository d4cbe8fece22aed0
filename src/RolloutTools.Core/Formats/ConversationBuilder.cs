using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats;

/// <summary>A tool's answer to a call, as a reader found it.</summary>
public sealed record ToolResult(string CallId, IReadOnlyList<ContentBlock> Content)
{
    public bool IsError { get; init; }
    public string? StructuredResult { get; init; }
    public int? ExitCode { get; init; }
    public TimeSpan? Duration { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>
/// Builds a conversation that chat-completions consumers accept, whatever order the trace wrote things in:
/// every tool message answers a call made earlier in the same conversation (results of unknown or already
/// answered calls are counted, not emitted), a user message that arrives while calls wait for their results
/// is held back until they come or the next response begins, and one response is one assistant message,
/// however many lines or items it was written as.
/// </summary>
public sealed class ConversationBuilder
{
    private readonly List<object> _output = new();
    private readonly List<AssistantTurn> _openTurns = new();
    private readonly Dictionary<string, string> _toolNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingCalls = new(StringComparer.Ordinal);
    private readonly List<RolloutMessage> _waiting = new();
    private readonly Dictionary<RolloutMessage, RolloutMessage?> _replacements = new(ReferenceEqualityComparer.Instance);
    private List<UnlistedResponse> _unlisted = new();

    public int OrphanToolResults { get; private set; }

    public int UnansweredToolCalls => _toolNames.Keys.Count(id => !_answered.Contains(id));

    /// <summary>While set, every message started is marked as part of an abandoned branch.</summary>
    public bool MarkAbandoned { get; set; }

    /// <summary>Starts the assistant message of a new response; it stays open for more content until a user message.</summary>
    public AssistantTurn StartAssistant(DateTimeOffset? timestamp, string? model, MessageKind kind = MessageKind.Response)
    {
        Flush();
        var turn = new AssistantTurn(this, timestamp, model, kind, MarkAbandoned);
        _openTurns.Add(turn);
        _output.Add(turn);
        return turn;
    }

    /// <summary>The tool message, or null when the result answers no open call (it is counted instead).</summary>
    public RolloutMessage? AddToolResult(ToolResult result)
    {
        if (!_toolNames.TryGetValue(result.CallId, out var name) || !_answered.Add(result.CallId))
        {
            OrphanToolResults++;
            return null;
        }
        _pendingCalls.Remove(result.CallId);
        var message = new RolloutMessage
        {
            Role = MessageRole.Tool,
            Kind = MessageKind.ToolResult,
            Content = result.Content,
            ToolCallId = result.CallId,
            ToolName = name,
            IsError = result.IsError,
            StructuredResult = result.StructuredResult,
            ExitCode = result.ExitCode,
            ToolDuration = result.Duration,
            Timestamp = result.Timestamp,
            IsAbandoned = MarkAbandoned,
        };
        _output.Add(message);
        if (_pendingCalls.Count == 0) Flush();
        return message;
    }

    /// <summary>A user or system message; it waits while calls of the last response are unanswered.</summary>
    public RolloutMessage AddMessage(MessageRole role, MessageKind kind, IReadOnlyList<ContentBlock> content, DateTimeOffset? timestamp)
    {
        var message = new RolloutMessage { Role = role, Kind = kind, Content = content, Timestamp = timestamp, IsAbandoned = MarkAbandoned };
        _waiting.Add(message);
        if (_pendingCalls.Count == 0) Flush();
        return message;
    }

    /// <summary>
    /// Puts another message in the place of one this builder returned, or drops it (null), whether it is written
    /// or still waiting: some traces say only later what an earlier line was. Found by reference, not by value,
    /// and applied when the conversation is built.
    /// </summary>
    public void Replace(RolloutMessage added, RolloutMessage? replacement)
    {
        if (!ReferenceEquals(added, replacement)) _replacements[added] = replacement;
    }

    /// <summary>
    /// The conversation. A user or system message is never dated before the messages it follows: one held
    /// back behind tool results reached the model with them, so times stay in order.
    /// </summary>
    public IReadOnlyList<RolloutMessage> Build()
    {
        Flush();
        var messages = new List<RolloutMessage>(_output.Count);
        // A new list, not the last one cleared: a record built before holds that one.
        _unlisted = new List<UnlistedResponse>();
        var usage = default(TokenUsage);
        DateTimeOffset? latest = null;
        foreach (var item in _output)
        {
            var message = item as RolloutMessage ?? ((AssistantTurn)item).ToMessage();
            if (message is null && item is AssistantTurn { Unlisted: { } unlisted })
            {
                _unlisted.Add(unlisted);
                usage += unlisted.Usage;
            }
            if (item is AssistantTurn turn)
            {
                foreach (var inner in turn.InnerResponses)
                {
                    _unlisted.Add(inner);
                    usage += inner.Usage;
                }
            }
            while (message is not null && _replacements.TryGetValue(message, out var replacement)) message = replacement;
            if (message is null) continue;
            if (message.Usage is { } used) usage += used;
            if (message.Role is MessageRole.User or MessageRole.System && message.Timestamp < latest) message = new RolloutMessage(message) { Timestamp = latest };
            if (latest is null || message.Timestamp > latest) latest = message.Timestamp ?? latest;
            messages.Add(message);
        }
        Usage = usage;
        Models = messages.Select(m => m.Model).Concat(_unlisted.Select(u => u.Model)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        return messages;
    }

    /// <summary>The models of the messages the last <see cref="Build"/> gave, then those only its unlisted responses used, each once.</summary>
    internal IReadOnlyList<string> Models { get; private set; } = Array.Empty<string>();

    /// <summary>
    /// The tokens of the responses the last <see cref="Build"/> gave, listed or left out (<see cref="Unlisted"/>):
    /// the totals of a trace that states tokens per response only, so a response without a message still counts.
    /// </summary>
    internal TokenUsage Usage { get; private set; }

    /// <summary>
    /// Responses the last <see cref="Build"/> left out for having nothing readable (redacted reasoning only), and
    /// the calls to other models made inside a response (<see cref="InnerCall"/>), with their usage: they were
    /// billed, so the record carries them in <see cref="RolloutRecord.UnlistedResponses"/>.
    /// </summary>
    internal IReadOnlyList<UnlistedResponse> Unlisted => _unlisted;

    /// <summary>
    /// The responses of a conversation a record will not list (the branches a rewind left, built apart), with
    /// the usage, time, model and identity each would have as a message; those without tokens carry nothing.
    /// </summary>
    internal IReadOnlyList<UnlistedResponse> BuildUnlisted() => Build()
        .Where(m => m.Usage is { Total: > 0 })
        .Select(UnlistedResponse.Of)
        .Concat(_unlisted)
        .ToArray();

    /// <summary>Writes the waiting messages; they end every response in progress.</summary>
    private void Flush()
    {
        if (_waiting.Count > 0)
        {
            foreach (var turn in _openTurns) turn.IsClosed = true;
            _openTurns.Clear();
        }
        _output.AddRange(_waiting);
        _waiting.Clear();
        _pendingCalls.Clear();
    }

    private void RegisterCall(ToolCall call)
    {
        if (_toolNames.TryAdd(call.Id, call.Name)) _pendingCalls.Add(call.Id);
    }

    /// <summary>One response's assistant message, filled as its pieces arrive.</summary>
    public sealed class AssistantTurn
    {
        private readonly ConversationBuilder _builder;
        private readonly List<ContentBlock> _content = new();
        private readonly List<string> _reasoning = new();
        private readonly List<ToolCall> _calls = new();
        private DateTimeOffset? _timestamp;
        private string? _model;
        private readonly MessageKind _kind;
        private bool _abandoned;
        private TokenUsage? _usage;
        private decimal? _cost;
        private IReadOnlyList<InnerCall> _innerCalls = Array.Empty<InnerCall>();

        internal AssistantTurn(ConversationBuilder builder, DateTimeOffset? timestamp, string? model, MessageKind kind, bool abandoned)
        {
            _builder = builder;
            _timestamp = timestamp;
            _model = model;
            _kind = kind;
            _abandoned = abandoned;
        }

        /// <summary>Closed once a user message followed it: later pieces belong to a new response.</summary>
        public bool IsClosed { get; internal set; }

        public void AddContent(IEnumerable<ContentBlock> blocks) =>
            _content.AddRange(blocks.Where(b => b.Type != ContentBlockType.Text || b.Text!.Length > 0));

        public void AddReasoning(string text)
        {
            if (text.Length > 0) _reasoning.Add(text);
        }

        public void AddToolCall(ToolCall call)
        {
            if (_calls.Exists(c => c.Id == call.Id)) return;
            _calls.Add(call);
            _builder.RegisterCall(call);
        }

        /// <summary>Marks the response abandoned when a later line takes it back (Kimi Code's undo).</summary>
        public void Abandon() => _abandoned = true;

        /// <summary>The response's identity as the agent wrote it; see <see cref="RolloutMessage.ResponseId"/>.</summary>
        public string? ResponseId { get; set; }

        /// <summary>Dates the response once a later line says when it ended (Kiro's turn summary, after the turn's last answer).</summary>
        public void SetTimestamp(DateTimeOffset? timestamp) => _timestamp = timestamp ?? _timestamp;

        /// <summary>Names the response's model once a later piece of it does (Cursor names it on a response's last bubble).</summary>
        public void SetModel(string? model) => _model = model ?? _model;

        /// <summary>
        /// Streamed lines repeat the usage with growing counts; the fullest block is the response's, with the
        /// cost the trace states beside it, if any, and the calls to other models the same block lists.
        /// </summary>
        public void SetUsage(TokenUsage usage, decimal? statedCost = null, IReadOnlyList<InnerCall>? innerCalls = null)
        {
            if (_usage is { } best && usage.Total <= best.Total) return;
            _usage = usage;
            _cost = statedCost;
            _innerCalls = innerCalls ?? Array.Empty<InnerCall>();
        }

        /// <summary>The response's usage without its message, for one left out; null for a notice or a response without tokens.</summary>
        internal UnlistedResponse? Unlisted => _kind == MessageKind.Synthetic || _usage is not { Total: > 0 } usage
            ? null
            : new UnlistedResponse(ResponseId, _timestamp, _model, usage, _cost);

        /// <summary>
        /// The inner calls as responses of their own, at the response's time, each named by the response's identity
        /// and its place, so a copy of the response in another file counts them once too.
        /// </summary>
        internal IEnumerable<UnlistedResponse> InnerResponses => _innerCalls
            .Where(c => c.Usage.Total > 0)
            .Select((c, i) => new UnlistedResponse(ResponseId is { } id ? $"{id}#inner{i}" : null, _timestamp, c.Model, c.Usage, null));

        /// <summary>Null when nothing readable is left (a response of redacted reasoning only).</summary>
        internal RolloutMessage? ToMessage() => _content.Count == 0 && _reasoning.Count == 0 && _calls.Count == 0
            ? null
            : new RolloutMessage
            {
                Role = MessageRole.Assistant,
                Kind = _kind,
                Content = _content,
                ReasoningContent = _reasoning.Count > 0 ? string.Join("\n\n", _reasoning) : null,
                ToolCalls = _calls,
                Timestamp = _timestamp,
                Model = _kind == MessageKind.Synthetic ? null : _model,
                Usage = _kind == MessageKind.Synthetic ? null : _usage,
                ResponseId = _kind == MessageKind.Synthetic ? null : ResponseId,
                CostUsd = _kind == MessageKind.Synthetic ? null : _cost,
                IsAbandoned = _abandoned,
            };
    }
}

/// <summary>
/// A call to another model made inside one response and billed apart from it: Claude's advisor tool runs its advisor
/// model within the executor's request, and the response's own usage leaves the advisor's tokens out.
/// </summary>
public sealed record InnerCall(string? Model, TokenUsage Usage);
