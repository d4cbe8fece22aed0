using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.ClaudeCode;

/// <summary>
/// Turns the included lines, in file order, into chat messages: the lines of one response become one
/// assistant message (parallel tool calls together), each tool_result a tool message answering a call
/// made earlier, and user text a user message whose Kind says whether a person wrote it.
/// </summary>
internal sealed class MessageBuilder
{
    private readonly List<object> _output = new();
    private readonly Dictionary<string, PendingResponse> _openResponses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _toolNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingCalls = new(StringComparer.Ordinal);
    private readonly List<RolloutMessage> _deferred = new();

    public int OrphanToolResults { get; private set; }

    public int UnansweredToolCalls => _toolNames.Keys.Count(id => !_answered.Contains(id));

    public void Add(ClaudeEntry entry)
    {
        if (entry.Assistant is { } assistant) AddAssistant(entry, assistant);
        else if (entry.User is { } user) AddUser(entry, user);
        else if (entry.QueuedPrompt is { } queued) AddUserText(entry, MessageKind.QueuedPrompt, new[] { ContentBlock.FromText(queued) });
    }

    public IReadOnlyList<RolloutMessage> Build()
    {
        FlushDeferred();
        return _output
            .Select(o => o is PendingResponse response ? response.ToMessage() : (RolloutMessage)o)
            .Where(m => m is not null)
            .Select(m => m!)
            .ToArray();
    }

    private void AddAssistant(ClaudeEntry entry, AssistantLine line)
    {
        var key = ClaudeConversation.ResponseKey(entry);
        if (!_openResponses.TryGetValue(key, out var response))
        {
            FlushDeferred();
            response = new PendingResponse(entry.Timestamp, line.Model, line.IsSynthetic);
            _openResponses[key] = response;
            _output.Add(response);
        }
        response.Add(line);
        foreach (var call in line.ToolCalls)
        {
            if (_toolNames.TryAdd(call.Id, call.Name)) _pendingCalls.Add(call.Id);
        }
        foreach (var result in line.ServerToolResults) AddToolResult(entry, result);
    }

    private void AddUser(ClaudeEntry entry, UserLine line)
    {
        foreach (var result in line.ToolResults) AddToolResult(entry, result);
        if (line.Blocks.Count > 0) AddUserText(entry, line.Kind, line.Blocks);
        if (_pendingCalls.Count == 0) FlushDeferred();
    }

    private void AddUserText(ClaudeEntry entry, MessageKind kind, IReadOnlyList<ContentBlock> blocks)
    {
        var message = new RolloutMessage { Role = MessageRole.User, Kind = kind, Content = blocks, Timestamp = entry.Timestamp };

        // Between a call and its result nothing may stand: a prompt absorbed mid-turn waits for the results.
        _deferred.Add(message);
        if (_pendingCalls.Count == 0) FlushDeferred();
    }

    /// <summary>
    /// Writes the waiting user messages. A user turn ends every response in progress, so a gateway that
    /// reuses one message id for every response cannot merge two turns into one message.
    /// </summary>
    private void FlushDeferred()
    {
        if (_deferred.Count > 0) _openResponses.Clear();
        _output.AddRange(_deferred);
        _deferred.Clear();
        _pendingCalls.Clear();
    }

    private void AddToolResult(ClaudeEntry entry, ToolResultPart result)
    {
        if (!_toolNames.TryGetValue(result.ToolUseId, out var name) || !_answered.Add(result.ToolUseId))
        {
            // A tool message must answer a call made earlier in the same conversation.
            OrphanToolResults++;
            return;
        }
        _pendingCalls.Remove(result.ToolUseId);
        _output.Add(new RolloutMessage
        {
            Role = MessageRole.Tool,
            Kind = MessageKind.ToolResult,
            Content = result.Content,
            ToolCallId = result.ToolUseId,
            ToolName = name,
            IsError = result.IsError,
            StructuredResult = result.StructuredResult,
            Timestamp = entry.Timestamp,
        });
    }

    /// <summary>The lines of one API response, merged as they arrive.</summary>
    private sealed class PendingResponse
    {
        private readonly List<ContentBlock> _content = new();
        private readonly List<string> _thinking = new();
        private readonly List<ToolCall> _calls = new();
        private readonly DateTimeOffset? _timestamp;
        private readonly string? _model;
        private readonly bool _isSynthetic;
        private TokenUsage? _usage;

        public PendingResponse(DateTimeOffset? timestamp, string? model, bool isSynthetic)
        {
            _timestamp = timestamp;
            _model = model;
            _isSynthetic = isSynthetic;
        }

        public void Add(AssistantLine line)
        {
            _content.AddRange(line.Blocks.Where(b => b.Type != ContentBlockType.Text || b.Text!.Length > 0));
            _thinking.AddRange(line.Thinking);
            foreach (var call in line.ToolCalls)
            {
                if (!_calls.Exists(c => c.Id == call.Id)) _calls.Add(call);
            }
            if (line.Usage is { } usage && (_usage is not { } best || usage.Total > best.Total)) _usage = usage;
        }

        /// <summary>Null when nothing readable is left (a response of redacted thinking only).</summary>
        public RolloutMessage? ToMessage() => _content.Count == 0 && _thinking.Count == 0 && _calls.Count == 0
            ? null
            : new RolloutMessage
            {
                Role = MessageRole.Assistant,
                Kind = _isSynthetic ? MessageKind.Synthetic : MessageKind.Response,
                Content = _content,
                ReasoningContent = _thinking.Count > 0 ? string.Join("\n\n", _thinking) : null,
                ToolCalls = _calls,
                Timestamp = _timestamp,
                Model = _isSynthetic ? null : _model,
                Usage = _isSynthetic ? null : _usage,
            };
    }
}
