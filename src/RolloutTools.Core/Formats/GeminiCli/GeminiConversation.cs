using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.GeminiCli;

/// <summary>
/// Turns Gemini CLI's stored messages into a chat-completions conversation, as Gemini CLI rebuilds the API
/// history when it resumes a session (sessionUtils.ts convertSessionToClientHistory): a "user" message is a
/// prompt, or, when it holds functionResponse parts, the tool results sent back (current versions record them
/// so); a "gemini" message is one response, its thoughts reasoning, its toolCalls the calls it made with their
/// results inside them; "info", "error" and "warning" are notices shown in the terminal and never sent to the
/// model. A result met twice (in the call and in the tool-response message) is kept once.
/// </summary>
internal sealed class GeminiConversation
{
    private readonly ConversationBuilder _builder = new();
    private readonly DiagnosticList _diagnostics;
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);

    /// <summary>
    /// The last message added, when it is a prompt holding a &lt;state_snapshot&gt;: a /compress summary whose
    /// scratchpad or prose came first, confirmed by the canned acknowledgement after it.
    /// </summary>
    private RolloutMessage? _possibleSummary;

    /// <summary>Calls written without an id (legacy content, checkpoints): name → ids given to them, oldest first, not yet answered.</summary>
    private readonly UnnamedCalls _unnamedCalls = new();

    public GeminiConversation(DiagnosticList diagnostics)
    {
        _diagnostics = diagnostics;
    }

    public TokenUsage Usage { get; private set; }

    public long ThoughtsTokens { get; private set; }

    public long ToolPromptTokens { get; private set; }

    public List<string> Models { get; } = new();

    public Counter Notices { get; } = new();

    public Counter UnknownMessageTypes { get; } = new();

    public Counter UnknownPartTypes { get; } = new();

    public Counter ToolStatuses { get; } = new();

    public int DuplicateToolResponses { get; private set; }

    public int SynthesizedCallIds { get; private set; }

    public int EmptyMessages { get; private set; }

    /// <summary>Messages whose text the person typed but whose content differs (an @file expanded): displayContent kept in SourceMeta as a count.</summary>
    public int DisplayContents { get; private set; }

    public int OrphanToolResults => _builder.OrphanToolResults;

    public int UnansweredToolCalls => _builder.UnansweredToolCalls;

    /// <summary>Messages added from now on are of a branch a rewind left (IsAbandoned).</summary>
    public bool MarkAbandoned
    {
        set => _builder.MarkAbandoned = value;
    }

    public IReadOnlyList<RolloutMessage> Build() => _builder.Build();

    /// <summary>The responses of what was added, each with its usage, as a record lists what it does not keep as messages.</summary>
    public IReadOnlyList<UnlistedResponse> BuildUnlisted() => _builder.BuildUnlisted();

    /// <summary>Responses with tokens and nothing readable, which <see cref="Build"/> left out; read after it.</summary>
    public IReadOnlyList<UnlistedResponse> UnlistedResponses => _builder.Unlisted;

    /// <summary>One stored message; one that cannot be read costs only itself and is reported by its line.</summary>
    public void Add(GeminiStoredMessage stored)
    {
        var record = stored.Record;
        var possibleSummary = _possibleSummary;
        _possibleSummary = null;
        try
        {
            var time = record.GetTimestamp("timestamp");
            var type = record.GetStringOrNull("type");
            switch (type)
            {
                case "user":
                    if (record.TryGetProperty("displayContent", out var display) && display.ValueKind != JsonValueKind.Null) DisplayContents++;
                    AddUser(Count(GeminiParts.Read(record.GetPropertyOrDefault("content"))), time);
                    break;
                case "gemini":
                    AddResponse(record, stored.Id, time, possibleSummary);
                    break;
                case "info" when GeminiMessageKinds.HoldsData(record.GetPropertyOrDefault("content")):
                    AddInjected(Count(GeminiParts.Read(record.GetPropertyOrDefault("content"))), time);
                    break;
                case "info" or "error" or "warning":
                    Notices.Add(type);
                    var notice = GeminiParts.Blocks(Count(GeminiParts.Read(record.GetPropertyOrDefault("content"))));
                    if (notice.Count > 0) _builder.AddMessage(MessageRole.System, MessageKind.Synthetic, notice, time);
                    break;
                default:
                    UnknownMessageTypes.Add(type ?? "(none)");
                    _diagnostics.Warn(RolloutDiagnostic.ParseError, stored.Line, $"message {stored.Id} has type {(type is null ? "none" : $"\"{type}\"")}, not one Gemini CLI writes; skipped.");
                    break;
            }
        }
        catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
        {
            _diagnostics.Error(RolloutDiagnostic.ParseError, stored.Line, $"message {stored.Id} skipped: {e.Message}");
        }
    }

    /// <summary>One Content of a /chat save checkpoint: {role: "user" | "model", parts}, with no id or time.</summary>
    public void AddContent(JsonElement content, int index, int? line)
    {
        var possibleSummary = _possibleSummary;
        _possibleSummary = null;
        try
        {
            var parts = Count(GeminiParts.Read(content.GetPropertyOrDefault("parts")));
            var id = $"checkpoint-{index}";
            switch (content.GetStringOrNull("role"))
            {
                case "user":
                    AddUser(parts, null);
                    break;
                case "model":
                    ConfirmSummary(possibleSummary, parts);
                    AddModelParts(_builder.StartAssistant(null, null, ModelKind(parts)), parts, id, Array.Empty<string>());
                    break;
                case var role:
                    UnknownMessageTypes.Add(role ?? "(none)");
                    _diagnostics.Warn(RolloutDiagnostic.ParseError, line, $"history entry {index + 1} has role {(role is null ? "none" : $"\"{role}\"")}, not user or model; skipped.");
                    break;
            }
        }
        catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
        {
            _diagnostics.Error(RolloutDiagnostic.ParseError, line, $"history entry {index + 1} skipped: {e.Message}");
        }
    }

    /// <summary>
    /// A person's prompt, or the tool results a user turn carries back (functionResponse parts and the images
    /// sent beside them). Gemini CLI does not send a prompt that is empty or a slash/? command; such text is
    /// kept as a Command, and the context blocks it injects as user turns as Context.
    /// </summary>
    private void AddUser(IReadOnlyList<GeminiPart> parts, DateTimeOffset? time)
    {
        if (parts.Any(p => p.Kind == GeminiPartKind.FunctionResponse))
        {
            GeminiPart? last = null;
            var extra = new List<ContentBlock>();
            foreach (var part in parts)
            {
                if (part.Kind != GeminiPartKind.FunctionResponse)
                {
                    extra.AddRange(part.Content);
                    continue;
                }
                if (last is not null) AddResult(last, extra, time, isError: last.IsError);
                (last, extra) = (part, new List<ContentBlock>());
            }
            AddResult(last!, extra, time, isError: last!.IsError);
            return;
        }
        var content = GeminiParts.Blocks(parts);
        if (content.Count == 0)
        {
            EmptyMessages++;
            return;
        }
        var text = GeminiParts.JoinText(parts).Trim();
        var kind = UserKind(text);
        var added = _builder.AddMessage(MessageRole.User, kind, content, time);
        _lastToolResult = null;
        if (kind == MessageKind.Prompt && text.Contains(StateSnapshot, StringComparison.Ordinal)) _possibleSummary = added;
    }

    private const string StateSnapshot = "<state_snapshot>";

    private const string CompressAcknowledgement = "Got it. Thanks for the additional context!";

    /// <summary>
    /// chatCompressionService.ts stores the model's whole answer as the summary, so a scratchpad or prose may come
    /// before its &lt;state_snapshot&gt;; the acknowledgement it writes after the summary tells it from a prompt.
    /// </summary>
    private void ConfirmSummary(RolloutMessage? possibleSummary, IReadOnlyList<GeminiPart> parts)
    {
        if (possibleSummary is not null && parts.All(p => p.Kind == GeminiPartKind.Text) && GeminiParts.JoinText(parts).Trim() == CompressAcknowledgement)
        {
            _builder.Replace(possibleSummary, new RolloutMessage(possibleSummary) { Kind = MessageKind.CompactionSummary });
        }
    }

    /// <summary>
    /// A slash command as the terminal tells one (commandUtils.ts isSlashCommand): a prompt starting "//" or "/*" is a
    /// code comment sent to the model, although the resume filter (isIgnoredUserContent) drops it all the same.
    /// </summary>
    private static MessageKind UserKind(string text) =>
        text.StartsWith('/') && !text.StartsWith("//", StringComparison.Ordinal) && !text.StartsWith("/*", StringComparison.Ordinal) || text.StartsWith('?') ? MessageKind.Command
        : text.StartsWith(StateSnapshot, StringComparison.Ordinal) ? MessageKind.CompactionSummary
        : text.StartsWith("<session_context>", StringComparison.Ordinal) || text.StartsWith("<hook_context>", StringComparison.Ordinal)
          || text.StartsWith("This is the Gemini CLI. We are setting up the context", StringComparison.Ordinal) ? MessageKind.Context
        : MessageKind.Prompt;

    /// <summary>
    /// The model turns Gemini CLI writes itself, never generated: the acknowledgement after its setup context
    /// (geminiChat getInitialChatHistory) and after a /compress summary (chatCompressionService), and the thought
    /// it puts before a tool's binary output.
    /// </summary>
    private static MessageKind ModelKind(IReadOnlyList<GeminiPart> parts) =>
        parts.All(p => p.Kind == GeminiPartKind.Text) && GeminiParts.JoinText(parts).Trim() is "Got it. Thanks for the context!" or CompressAcknowledgement
        || parts.Count == 1 && parts[0] is { Kind: GeminiPartKind.Thought, Text: BinaryAcknowledgement }
            ? MessageKind.Synthetic
            : MessageKind.Response;

    /// <summary>The thought Gemini CLI writes as the model's turn before it sends a tool's binary output (geminiChat.ts).</summary>
    private const string BinaryAcknowledgement = "Binary content received. Proceeding with analysis.";

    /// <summary>
    /// A "gemini" message: its content parts (current versions may store thoughts and functionCall parts there,
    /// and then Gemini CLI takes content as the whole truth), else the thoughts[] summaries, the text, and the
    /// toolCalls[]; then each call's stored result as a tool message.
    /// </summary>
    private void AddResponse(JsonElement record, string messageId, DateTimeOffset? time, RolloutMessage? possibleSummary)
    {
        var parts = Count(GeminiParts.Read(record.GetPropertyOrDefault("content")));
        ConfirmSummary(possibleSummary, parts);
        var calls = record.GetPropertyOrDefault("toolCalls");
        var storedCalls = calls.ValueKind == JsonValueKind.Array ? calls.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).ToArray() : Array.Empty<JsonElement>();
        var results = storedCalls.Select(ReadResult).ToArray();

        // Older sessions keep thought summaries beside the content; Gemini CLI replays them only when the content has none.
        var summaries = parts.Any(p => p.Kind == GeminiPartKind.Thought) ? Array.Empty<string>() : ThoughtSummaries(record.GetPropertyOrDefault("thoughts"));
        var model = record.GetStringOrNull("model");
        if (!string.IsNullOrEmpty(model) && !Models.Contains(model)) Models.Add(model);
        var turn = _builder.StartAssistant(time, model, storedCalls.Length == 0 && summaries.Length == 0 ? ModelKind(parts) : MessageKind.Response);
        // The message's id (a UUID) is the response's: a session copied elsewhere keeps it, so its usage counts once.
        turn.ResponseId = messageId;
        AddModelParts(turn, parts, messageId, summaries);
        foreach (var call in storedCalls)
        {
            var id = call.GetIdOrNull("id") ?? Synthesize(call.GetStringOrNull("name") ?? string.Empty, messageId);
            turn.AddToolCall(new ToolCall(id, call.GetStringOrNull("name") ?? string.Empty, GeminiParts.Arguments(call.GetPropertyOrDefault("args"))));
        }
        if (Tokens(record.GetPropertyOrDefault("tokens")) is { } usage) turn.SetUsage(usage);
        foreach (var result in results) if (result is not null) AddResultOf(result);
    }

    private void AddModelParts(ConversationBuilder.AssistantTurn turn, IReadOnlyList<GeminiPart> parts, string messageId, IReadOnlyList<string> thoughtSummaries)
    {
        foreach (var summary in thoughtSummaries) turn.AddReasoning(summary);
        foreach (var part in parts)
        {
            switch (part.Kind)
            {
                case GeminiPartKind.Thought:
                    turn.AddReasoning(part.Content[0].Text!);
                    break;
                case GeminiPartKind.Text or GeminiPartKind.Image:
                    turn.AddContent(part.Content);
                    break;
                case GeminiPartKind.FunctionCall:
                    turn.AddToolCall(new ToolCall(part.CallId ?? Synthesize(part.Name!, messageId), part.Name!, part.Arguments!));
                    break;
            }
        }
    }

    /// <summary>thoughts[]: {subject, description, timestamp}, replayed by Gemini CLI as "**subject** description".</summary>
    private static string[] ThoughtSummaries(JsonElement thoughts) => thoughts.ValueKind != JsonValueKind.Array
        ? Array.Empty<string>()
        : thoughts.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.Object).Select(thought =>
        {
            var subject = thought.GetTextOrEmpty("subject").Trim();
            var description = thought.GetTextOrEmpty("description").Trim();
            return subject.Length == 0 ? description : description.Length == 0 ? $"**{subject}**" : $"**{subject}** {description}";
        }).ToArray();

    /// <summary>A call's stored result: parts with a functionResponse (and images beside it), or a plain string.</summary>
    private PendingResult? ReadResult(JsonElement call)
    {
        var status = call.GetStringOrNull("status");
        if (status is not null) ToolStatuses.Add(status);
        var id = call.GetIdOrNull("id");
        var result = call.GetPropertyOrDefault("result");
        if (id is null || result.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return null;
        var parts = OwnParts(Count(GeminiParts.Read(result)), id);
        var content = parts.SelectMany(p => p.Content).ToList();
        var failed = status is "error" or "cancelled" || parts.Any(p => p.IsError);
        return new PendingResult(id, content, failed, call.GetTimestamp("timestamp"));
    }

    /// <summary>
    /// The parts of a stored result that answer this call: its own functionResponse and the parts after it up to the
    /// next (an image it returned). A history sync stores the whole tool-response turn in every call of it
    /// (updateMessagesFromHistory's masking sync), so parallel calls each hold all their siblings' responses.
    /// </summary>
    private static IReadOnlyList<GeminiPart> OwnParts(IReadOnlyList<GeminiPart> parts, string callId)
    {
        var own = parts.ToList().FindIndex(p => p.Kind == GeminiPartKind.FunctionResponse && p.CallId == callId);
        if (own < 0) return parts;
        var next = parts.Skip(own + 1).TakeWhile(p => p.Kind != GeminiPartKind.FunctionResponse);
        return parts.Skip(own).Take(1).Concat(next).ToArray();
    }

    private sealed record PendingResult(string CallId, IReadOnlyList<ContentBlock> Content, bool IsError, DateTimeOffset? Time);

    private void AddResultOf(PendingResult result)
    {
        if (!_answered.Add(result.CallId))
        {
            DuplicateToolResponses++;
            return;
        }
        _lastToolResult = _builder.AddToolResult(new ToolResult(result.CallId, result.Content) { IsError = result.IsError, Timestamp = result.Time }) ?? _lastToolResult;
    }

    /// <summary>The last tool message, as last replaced: a tool's binary output is sent after it.</summary>
    private RolloutMessage? _lastToolResult;

    /// <summary>
    /// A tool's binary output (an image, a PDF), which Gemini CLI sends as a user turn of its own after the tool
    /// results and records as an "info" message (geminiChat.ts binary injection): it belongs to the tool result
    /// before it; with none, it is context the agent sent.
    /// </summary>
    private void AddInjected(IReadOnlyList<GeminiPart> parts, DateTimeOffset? time)
    {
        var content = GeminiParts.Blocks(parts);
        if (content.Count == 0) return;
        if (_lastToolResult is { } result)
        {
            var withData = new RolloutMessage(result) { Content = result.Content.Concat(content).ToArray() };
            _builder.Replace(result, withData);
            _lastToolResult = withData;
        }
        else _builder.AddMessage(MessageRole.User, MessageKind.Context, content, time);
    }

    /// <summary>A functionResponse part sent back in a user turn; without an id, it answers the oldest open call of its name.</summary>
    private void AddResult(GeminiPart response, List<ContentBlock> extra, DateTimeOffset? time, bool isError)
    {
        var id = response.CallId;
        id ??= _unnamedCalls.Answer(response.Name!);
        if (id is null)
        {
            _builder.AddToolResult(new ToolResult($"unmatched-{response.Name}", response.Content));
            return;
        }
        AddResultOf(new PendingResult(id, response.Content.Concat(extra).ToArray(), isError, time));
    }

    private string Synthesize(string name, string messageId)
    {
        SynthesizedCallIds++;
        var id = $"{messageId}-{name}-{SynthesizedCallIds}";
        _unnamedCalls.Add(name, id);
        return id;
    }

    /// <summary>
    /// Gemini's usageMetadata as the recorder keeps it: input = promptTokenCount, which includes the cached
    /// tokens; tool = toolUsePromptTokenCount, prompt tokens of tool use billed as input; thoughts =
    /// thoughtsTokenCount, billed as output. So input excludes the cache reads and adds the tool prompt, and
    /// output is candidates + thoughts; Gemini reports no cache writes.
    /// </summary>
    private TokenUsage? Tokens(JsonElement tokens)
    {
        if (tokens.ValueKind != JsonValueKind.Object) return null;
        var input = tokens.GetInt64OrZero("input");
        var cached = tokens.GetInt64OrZero("cached");
        var thoughts = tokens.GetInt64OrZero("thoughts");
        var tool = tokens.GetInt64OrZero("tool");
        var usage = new TokenUsage(Math.Max(0, input - cached) + tool, tokens.GetInt64OrZero("output") + thoughts, cached, 0);
        if (usage.Total == 0) return null;
        Usage += usage;
        ThoughtsTokens += thoughts;
        ToolPromptTokens += tool;
        return usage;
    }

    private IReadOnlyList<GeminiPart> Count(IReadOnlyList<GeminiPart> parts)
    {
        foreach (var part in parts) if (part.Kind == GeminiPartKind.Other) UnknownPartTypes.Add(part.OtherType!);
        return parts;
    }
}
