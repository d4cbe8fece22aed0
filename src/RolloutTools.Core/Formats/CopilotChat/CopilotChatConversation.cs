using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.CopilotChat;

/// <summary>
/// A session's requests (ISerializableChatRequestData, chatModel.ts) as a conversation. Each request is the person's
/// prompt (message.text, with the context they attached in variableData) and the response to it. Where the
/// participant kept its tool loop in result.metadata (GitHub Copilot Chat's toolCallRounds and toolCallResults,
/// vscode-copilot-chat src/extension/prompt/common/intents.ts), that loop is what the model saw and is read: each
/// round one assistant message (its text, its thinking, its calls with their arguments), each call answered by its
/// result. Otherwise the response parts the Chat view shows are read: markdown as text, thinking as reasoning, tool
/// invocations as calls (with the input and output VS Code kept, if any), inline references as their names.
/// </summary>
internal sealed class CopilotChatConversation
{
    /// <summary>Response parts the Chat view shows that are no words of the model's (chatSessionOperationLog.ts lists every kind).</summary>
    private static readonly HashSet<string> ShownOnly = new(StringComparer.Ordinal)
    {
        "codeblockUri", "undoStop", "progressMessage", "progressTaskSerialized", "progressTask", "confirmation", "warning", "command",
        "extensions", "pullRequest", "treeData", "multiDiffData", "mcpServersStarting", "elicitationSerialized", "elicitation", "hook",
        "questionCarousel", "notebookEditGroup", "workspaceEdit", "clearToPreviousToolInvocation", "disabledClaudeHooks",
        "prepareToolInvocation", "textEditGroup", "codeCitation", "references", "todoList",
        "systemNotification", "info", "planReview", "externalEdit", "autoModeResolution",
    };

    private readonly Dictionary<string, long> _shownParts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unknownKinds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _agents = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _editedFiles = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _requestedModels = new(StringComparer.Ordinal);

    /// <summary>Results read with the request before the one that kept them.</summary>
    private readonly HashSet<string> _borrowedResults = new(StringComparer.Ordinal);

    private double _turnCredits;
    private double _sessionCredits;

    /// <summary>Where the request being read goes: the conversation, or the undone requests left out of it.</summary>
    public ConversationBuilder Builder { get; private set; } = new();

    private readonly ConversationBuilder _undone = new() { MarkAbandoned = true };

    /// <summary>The responses the record does not list: the conversation's, and those of the undone requests left out.</summary>
    public IReadOnlyList<UnlistedResponse> UnlistedResponses { get; private set; } = Array.Empty<UnlistedResponse>();

    /// <summary>The tokens of every response, listed or not: an undone request's were billed all the same.</summary>
    public TokenUsage TotalUsage { get; private set; }

    public IReadOnlyList<RolloutMessage> Messages { get; private set; } = Array.Empty<RolloutMessage>();

    public int Requests { get; private set; }
    public int RequestsWithToolLoop { get; private set; }
    public int CancelledRequests { get; private set; }
    public int FailedRequests { get; private set; }
    public int Attachments { get; private set; }
    public int SkippedRequests { get; private set; }
    public int SystemRequests { get; private set; }
    public int DeniedToolCalls { get; private set; }
    public int UnusedToolResults { get; private set; }
    public int PersonAnswers { get; private set; }
    public int QuotaExceededRequests { get; private set; }
    public int RateLimitedRequests { get; private set; }
    public int FilteredRequests { get; private set; }
    public int CompactionSummaries { get; private set; }
    public int UndoneRequests { get; private set; }
    public IReadOnlyDictionary<string, long> ShownParts => _shownParts;
    public IReadOnlyCollection<string> Agents => _agents;
    public IReadOnlyCollection<string> EditedFiles => _editedFiles;
    public IReadOnlyCollection<string> RequestedModels => _requestedModels;

    /// <summary>Copilot credits as ChatModel.sessionCost takes them: the turns' summed, or the session's reported total when larger.</summary>
    public double CopilotCredits => Math.Max(_turnCredits, _sessionCredits);

    /// <param name="includeAbandoned">Whether the requests the person undid are listed, marked abandoned, rather than left out.</param>
    public static CopilotChatConversation Read(JsonElement[] requests, bool includeAbandoned, Func<int, int?> lineOf, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var conversation = new CopilotChatConversation();
        var main = conversation.Builder;
        for (var i = 0; i < requests.Length; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var undone = Undone(requests[i]);
            if (undone) conversation.UndoneRequests++;
            conversation.Builder = undone && !includeAbandoned ? conversation._undone : main;
            main.MarkAbandoned = undone;
            try
            {
                conversation.ReadRequest(requests[i], i + 1 < requests.Length ? requests[i + 1] : default, i, lineOf, diagnostics);
            }
            catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
            {
                conversation.SkippedRequests++;
                diagnostics.Warn(RolloutDiagnostic.ParseError, lineOf(i), $"request {i + 1} cannot be read: {e.Message}; skipped.");
            }
        }
        conversation.Builder = main;
        main.MarkAbandoned = false;
        conversation.Messages = main.Build();
        var undoneResponses = conversation._undone.BuildUnlisted();
        conversation.UnlistedResponses = main.Unlisted.Concat(undoneResponses).ToArray();
        conversation.TotalUsage = undoneResponses.Aggregate(main.Usage, (sum, r) => sum + r.Usage);
        return conversation;
    }

    /// <summary>
    /// A request the person undid by restoring an earlier checkpoint: VS Code greys it out and removes it when the
    /// next request is sent (shouldBeRemovedOnSend, isHidden before it; chatModel.ts). One that names an undo stop
    /// (afterUndoStop) keeps the request and cuts only its response's later parts, and is read whole.
    /// </summary>
    private static bool Undone(JsonElement request) =>
        request.ValueKind == JsonValueKind.Object
        && (request.GetBool("isHidden")
            || request.GetPropertyOrDefault("shouldBeRemovedOnSend") is { ValueKind: JsonValueKind.Object } disabled && disabled.GetPropertyOrDefault("afterUndoStop").ValueKind is JsonValueKind.Undefined or JsonValueKind.Null);

    private void ReadRequest(JsonElement request, JsonElement next, int index, Func<int, int?> lineOf, DiagnosticList diagnostics)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            SkippedRequests++;
            diagnostics.Warn(RolloutDiagnostic.ParseError, lineOf(index), $"request {index + 1} is no object; skipped.");
            return;
        }
        var asked = Time(request.GetPropertyOrDefault("timestamp"));
        if (request.GetPropertyOrDefault("agent").GetStringOrNull("id") is { Length: > 0 } agent) _agents.Add(agent);

        var attached = Attached(request.GetPropertyOrDefault("variableData"));
        if (attached.Count > 0)
        {
            Attachments += attached.Count;
            Builder.AddMessage(MessageRole.User, MessageKind.Context, new[] { ContentBlock.FromText("Attached: " + string.Join(", ", attached)) }, asked);
        }
        var message = request.GetPropertyOrDefault("message");
        var prompt = message.ValueKind == JsonValueKind.String ? message.GetString()! : message.GetStringOrNull("text") ?? string.Empty;
        // VS Code sends some requests itself (isSystemInitiated, chatService.ts IChatSendRequestOptions): the terminal
        // tool's "[Terminal … notification: command completed …]" when a background command ends. No words of the person's.
        // requestSource ("agentMerge", 1.11x) names a feature that sent the request on the person's behalf.
        var systemSent = request.GetBool("isSystemInitiated") || request.GetStringOrNull("requestSource") is { Length: > 0 };
        if (systemSent) SystemRequests++;
        Builder.AddMessage(MessageRole.User, systemSent ? MessageKind.Context : MessageKind.Prompt, new[] { ContentBlock.FromText(prompt) }, asked);

        var result = request.GetPropertyOrDefault("result");
        var metadata = result.GetPropertyOrDefault("metadata");
        // modelId is the person's pick (copilot/auto among them); Copilot keeps the model that answered in resolvedModel.
        var requested = request.GetStringOrNull("modelId");
        if (requested is { Length: > 0 }) _requestedModels.Add(requested);
        var model = metadata.GetStringOrNull("resolvedModel") is { Length: > 0 } resolved ? resolved : requested;
        var parts = request.GetPropertyOrDefault("response") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray().ToArray() : Array.Empty<JsonElement>();
        var state = request.GetPropertyOrDefault("modelState");
        var completed = Time(state.GetPropertyOrDefault("completedAt"));
        var shown = ShownTurn(parts, index, lineOf, diagnostics);

        var summaries = Summaries(metadata);
        ConversationBuilder.AssistantTurn? last = null;
        if (metadata.GetPropertyOrDefault("toolCallRounds") is { ValueKind: JsonValueKind.Array } rounds && rounds.GetArrayLength() > 0)
        {
            RequestsWithToolLoop++;
            var nextResults = next.ValueKind == JsonValueKind.Object
                ? next.GetPropertyOrDefault("result").GetPropertyOrDefault("metadata").GetPropertyOrDefault("toolCallResults")
                : default;
            last = ReadRounds(rounds, metadata.GetPropertyOrDefault("toolCallResults"), nextResults, summaries, asked, model);
        }
        else if (shown.HasContent || summaries.Count > 0)
        {
            AddSummaries(summaries, round: null, asked);
            shown.WriteTo(Builder, () => last = Builder.StartAssistant(completed ?? asked, model), completed ?? asked);
        }
        if (last is not null && Usage(request, model) is { } usage) last.SetUsage(usage.Own, null, usage.Others);
        Credits(request);

        var stateValue = state.GetPropertyOrDefault("value") is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out var s) ? s : -1;
        // ResponseModelState (chatService.ts): 2 cancelled, 3 failed; isCanceled before modelState.
        var errorDetails = result.GetPropertyOrDefault("errorDetails");
        // An error with code "canceled" is the person stopping the request, not a failure (ChatResponseModel's state).
        var canceled = stateValue == 2 || request.GetBool("isCanceled") || errorDetails.GetStringOrNull("code") == "canceled";
        if (canceled) CancelledRequests++;
        else if (stateValue == 3) FailedRequests++;
        if (errorDetails.GetBool("isQuotaExceeded")) QuotaExceededRequests++;
        if (errorDetails.GetBool("isRateLimited")) RateLimitedRequests++;
        if (errorDetails.GetBool("responseIsFiltered")) FilteredRequests++;
        if (!canceled && errorDetails.GetStringOrNull("message") is { Length: > 0 } error)
        {
            if (stateValue != 3) FailedRequests++;
            var notice = Builder.StartAssistant(completed ?? asked, null, MessageKind.Synthetic);
            notice.AddContent(new[] { ContentBlock.FromText(error) });
        }
        // Counted once read through: a request that fails partway counts as skipped only.
        Requests++;
    }

    /// <summary>
    /// A request's tokens (ChatResponseModel.toJSON, chatModel.ts): modelTotals, the whole turn's per model (agent-host
    /// sessions), the answering model's as the response's and the others' (subagents') as inner calls; else
    /// completionTokens, the turn's output, and promptTokens, which is the last model call's input only (a lower
    /// bound, not summed over the calls). OpenAI-shaped: input counts the cached tokens, read apart here.
    /// </summary>
    private static (TokenUsage Own, IReadOnlyList<InnerCall> Others)? Usage(JsonElement request, string? model)
    {
        if (request.GetPropertyOrDefault("modelTotals") is { ValueKind: JsonValueKind.Array } totals && totals.GetArrayLength() > 0)
        {
            var calls = totals.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.Object).Select(t =>
            {
                var cached = Count(t, "cachedTokens");
                return new InnerCall(t.GetStringOrNull("model"), new TokenUsage(Math.Max(0, Count(t, "inputTokens") - cached), Count(t, "outputTokens"), cached, 0));
            }).ToList();
            if (calls.Count == 0) return null;
            var own = calls.FirstOrDefault(c => c.Model == model) ?? calls[0];
            calls.Remove(own);
            return (own.Usage, calls);
        }
        var input = Count(request, "promptTokens");
        var output = Count(request, "completionTokens");
        return input + output > 0 ? (new TokenUsage(input, output, 0, 0), Array.Empty<InnerCall>()) : null;
    }

    private static long Count(JsonElement value, string name) =>
        value.GetPropertyOrDefault(name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var count) ? count : 0;

    private void Credits(JsonElement request)
    {
        if (request.GetPropertyOrDefault("copilotCredits") is { ValueKind: JsonValueKind.Number } turn) _turnCredits += turn.GetDouble();
        if (request.GetPropertyOrDefault("sessionCopilotCredits") is { ValueKind: JsonValueKind.Number } session) _sessionCredits = Math.Max(_sessionCredits, session.GetDouble());
    }

    /// <summary>The model-visible tool loop: one assistant message per round, each call answered from toolCallResults; the last round's message.</summary>
    /// <param name="nextResults">
    /// The next request's toolCallResults: when a request stops at the tool-call limit (maxToolCallsExceeded) and the
    /// person continues, the last round's results are kept with the request that continued it.
    /// </param>
    /// <param name="summaries">The request's compaction summaries; one made of an earlier request's rounds comes before the first round.</param>
    private ConversationBuilder.AssistantTurn? ReadRounds(JsonElement rounds, JsonElement results, JsonElement nextResults, List<Summary> summaries, DateTimeOffset? asked, string? model)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        var roundIds = rounds.EnumerateArray().Select(r => r.GetStringOrNull("id")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        AddSummaries(summaries.Where(s => !roundIds.Contains(s.RoundId)), round: null, asked);
        ConversationBuilder.AssistantTurn? turn = null;
        foreach (var round in rounds.EnumerateArray())
        {
            var at = Time(round.GetPropertyOrDefault("timestamp")) ?? asked;
            turn = Builder.StartAssistant(at, model);
            turn.ResponseId = round.GetStringOrNull("id");
            var thinking = round.GetPropertyOrDefault("thinking");
            turn.AddReasoning(Joined(thinking.GetPropertyOrDefault("text")));
            turn.AddContent(new[] { ContentBlock.FromText(round.GetStringOrNull("response") ?? string.Empty) });
            var calls = round.GetPropertyOrDefault("toolCalls") is { ValueKind: JsonValueKind.Array } c ? c.EnumerateArray().ToArray() : Array.Empty<JsonElement>();
            foreach (var call in calls)
            {
                if (call.GetStringOrNull("id") is not { Length: > 0 } id) continue;
                turn.AddToolCall(new ToolCall(id, call.GetStringOrNull("name") ?? string.Empty, call.GetStringOrNull("arguments") ?? "{}"));
            }
            foreach (var call in calls)
            {
                if (call.GetStringOrNull("id") is not { Length: > 0 } id) continue;
                named.Add(id);
                var answer = results.GetPropertyOrDefault(id);
                if (answer.ValueKind != JsonValueKind.Object && nextResults.GetPropertyOrDefault(id) is { ValueKind: JsonValueKind.Object } later && _borrowedResults.Add(id)) answer = later;
                if (answer.ValueKind != JsonValueKind.Object) continue;
                Builder.AddToolResult(new ToolResult(id, new[] { ContentBlock.FromText(ResultText(answer.GetPropertyOrDefault("content"))) }));
            }
            if (round.GetStringOrNull("id") is { Length: > 0 } roundId) AddSummaries(summaries, roundId, at);
        }
        if (results.ValueKind == JsonValueKind.Object)
        {
            UnusedToolResults += results.EnumerateObject().Count(r => !named.Contains(r.Name) && !_borrowedResults.Contains(r.Name));
        }
        return turn;
    }

    /// <summary>
    /// The summaries Copilot made when the conversation outgrew the model's context (IResultMetadata.summaries, or the
    /// older single summary; vscode-copilot-chat conversation.ts): each replaces, for every later model call, the
    /// history up to and including the round it names (normalizeSummariesOnRounds).
    /// </summary>
    private static List<Summary> Summaries(JsonElement metadata)
    {
        var list = metadata.GetPropertyOrDefault("summaries") is { ValueKind: JsonValueKind.Array } many
            ? many.EnumerateArray().ToArray()
            : metadata.GetPropertyOrDefault("summary") is { ValueKind: JsonValueKind.Object } one ? new[] { one } : Array.Empty<JsonElement>();
        return list.Where(s => s.GetStringOrNull("text") is { Length: > 0 })
            .Select(s => new Summary(s.GetStringOrNull("toolCallRoundId") ?? string.Empty, s.GetStringOrNull("text")!))
            .ToList();
    }

    /// <summary>The summaries made after the round named (null: all given), each a compaction summary the next call read.</summary>
    private void AddSummaries(IEnumerable<Summary> summaries, string? round, DateTimeOffset? time)
    {
        foreach (var summary in summaries.Where(s => round is null || s.RoundId == round))
        {
            CompactionSummaries++;
            Builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, new[] { ContentBlock.FromText(summary.Text) }, time);
        }
    }

    private sealed record Summary(string RoundId, string Text);

    /// <summary>
    /// A LanguageModelToolResult's content as text, one part a line: its text parts' values, and for a prompt-tsx part
    /// (whose value is a tree of elements) the text of the tree's leaves, in order, joined as prompt-tsx renders them
    /// (materialized.ts): a leaf is a piece of a line, starting a new line only when it says lineBreakBefore.
    /// </summary>
    private static string ResultText(JsonElement content)
    {
        if (content.ValueKind != JsonValueKind.Array) return string.Empty;
        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            var value = part.GetPropertyOrDefault("value");
            if (value.ValueKind == JsonValueKind.String)
            {
                Append(text, value.GetString()!);
                continue;
            }
            var tree = new StringBuilder();
            CollectText(value, tree);
            Append(text, tree.ToString());
        }
        return text.ToString();
    }

    private static void CollectText(JsonElement node, StringBuilder text)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in node.EnumerateObject())
                {
                    if (property.Name == "text" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        if (node.GetBool("lineBreakBefore") && text.Length > 0 && text[^1] != '\n') text.Append('\n');
                        text.Append(property.Value.GetString());
                    }
                    else CollectText(property.Value, text);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in node.EnumerateArray()) CollectText(item, text);
                break;
        }
    }

    private static void Append(StringBuilder text, string piece)
    {
        if (piece.Length == 0) return;
        if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
        text.Append(piece);
    }

    /// <summary>The response as the Chat view shows it; the parts no words of the model's are counted, unknown kinds told once.</summary>
    private ShownResponse ShownTurn(JsonElement[] parts, int index, Func<int, int?> lineOf, DiagnosticList diagnostics)
    {
        var shown = new ShownResponse();
        foreach (var part in parts)
        {
            if (part.ValueKind == JsonValueKind.String)
            {
                shown.Text(part.GetString()!);
                continue;
            }
            var kind = part.GetStringOrNull("kind");
            switch (kind)
            {
                case null when part.GetStringOrNull("value") is { } markdown:
                    shown.Text(markdown);
                    break;
                case null:
                    // A kind-less object that is no markdown is a file tree (IChatResponseProgressFileTreeData): VS Code's Response reads it so.
                    Count("treeData");
                    break;
                case "markdownContent" or "markdownVuln":
                    shown.Text(part.GetPropertyOrDefault("content").GetStringOrNull("value") ?? string.Empty);
                    break;
                case "inlineReference":
                    shown.Text(ReferenceName(part));
                    break;
                case "thinking":
                    shown.Reasoning(Joined(part.GetPropertyOrDefault("value")));
                    break;
                case "toolInvocationSerialized" or "toolInvocation":
                    if (shown.Invocation(part)) DeniedToolCalls++;
                    break;
                default:
                    if (kind is "textEditGroup" or "externalEdit" && part.GetPropertyOrDefault("uri") is { ValueKind: JsonValueKind.Object } uri && uri.GetStringOrNull("path") is { Length: > 0 } path)
                    {
                        _editedFiles.Add(path);
                    }
                    if (kind is "questionCarousel" or "planReview" or "elicitationSerialized") PersonAnswers += shown.Answers(part);
                    if (ShownOnly.Contains(kind))
                    {
                        Count(kind);
                    }
                    else if (_unknownKinds.Add(kind))
                    {
                        diagnostics.Warn(RolloutDiagnostic.ParseError, lineOf(index),
                            $"request {index + 1} has a response part of a kind the reader does not know ({kind}); parts of this kind are left out.");
                    }
                    break;
            }
        }
        return shown;
    }

    private void Count(string kind) => _shownParts[kind] = _shownParts.GetValueOrDefault(kind) + 1;

    /// <summary>The name an inline reference shows as: its own, else the file's name from its URI or location.</summary>
    private static string ReferenceName(JsonElement part)
    {
        if (part.GetStringOrNull("name") is { Length: > 0 } name) return name;
        var reference = part.GetPropertyOrDefault("inlineReference");
        var uri = reference.GetPropertyOrDefault("uri") is { ValueKind: JsonValueKind.Object } located ? located : reference;
        return uri.GetStringOrNull("path") is { Length: > 0 } path ? Path.GetFileName(path.TrimEnd('/')) : reference.GetStringOrNull("name") ?? string.Empty;
    }

    /// <summary>The names of the variables a person attached (#file, #selection, images), or their ids.</summary>
    private static List<string> Attached(JsonElement variableData) =>
        variableData.GetPropertyOrDefault("variables") is { ValueKind: JsonValueKind.Array } variables
            ? variables.EnumerateArray().Select(v => v.GetStringOrNull("name") ?? v.GetStringOrNull("id")).OfType<string>().Where(n => n.Length > 0).ToList()
            : new List<string>();

    /// <summary>Thinking is a string, or an array of the pieces it streamed in.</summary>
    private static string Joined(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => string.Concat(value.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString())),
        _ => string.Empty,
    };

    /// <summary>Epoch milliseconds, as VS Code writes every time.</summary>
    private static DateTimeOffset? Time(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms) ? UnixTime.FromSecondsOrMilliseconds(ms) : null;

    /// <summary>
    /// A response read from its parts, in the order they came: text and calls interleaved. A call's answer follows it,
    /// and what comes after an answer is a new assistant message, as the model wrote it after reading the answer.
    /// </summary>
    private sealed class ShownResponse
    {
        private readonly List<Step> _steps = new();

        public bool HasContent => _steps.Count > 0;

        /// <summary>Text; pieces in a row (markdown around an inline reference) are one text, as the view shows them.</summary>
        public void Text(string text)
        {
            if (text.Length == 0) return;
            if (_steps.Count > 0 && _steps[^1] is { Text: { } before } last) _steps[^1] = last with { Text = before + text };
            else _steps.Add(new Step(text, null, null));
        }

        public void Reasoning(string text)
        {
            if (text.Length > 0) _steps.Add(new Step(null, text, null));
        }

        /// <summary>
        /// A tool invocation: its input from resultDetails.input, else from what its toolSpecificData kept (a
        /// confirmation's rawInput, a terminal's command line, a simple tool's input, a subagent's prompt); its answer
        /// from the text of resultDetails.output, else the terminal's output, the simple tool's output, the
        /// subagent's result. A call the person refused (isConfirmed {type: 0}, or false before 1.104) is answered
        /// as denied. True when it was denied.
        /// </summary>
        public bool Invocation(JsonElement part)
        {
            if (part.GetStringOrNull("toolCallId") is not { Length: > 0 } id) return false;
            var details = part.GetPropertyOrDefault("resultDetails");
            var data = part.GetPropertyOrDefault("toolSpecificData");
            var dataKind = data.GetStringOrNull("kind");
            var rawInput = data.GetPropertyOrDefault("rawInput");
            var arguments = details.GetStringOrNull("input")
                ?? (rawInput.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? rawInput.GetRawText() : null)
                ?? dataKind switch
                {
                    // commandLine.original since 1.10x; command in the older shape.
                    "terminal" => Argument("command", data.GetPropertyOrDefault("commandLine").GetStringOrNull("original") ?? data.GetStringOrNull("command")),
                    "simpleToolInvocation" => Argument("input", data.GetStringOrNull("input")),
                    "subagent" => Argument("prompt", data.GetStringOrNull("prompt")),
                    _ => null,
                }
                ?? "{}";
            var call = new ToolCall(id, part.GetStringOrNull("toolId") ?? string.Empty, arguments);
            var confirmed = part.GetPropertyOrDefault("isConfirmed");
            if (confirmed.ValueKind == JsonValueKind.False
                || (confirmed.GetPropertyOrDefault("type") is { ValueKind: JsonValueKind.Number } type && type.TryGetInt32(out var reason) && reason == 0))
            {
                _steps.Add(new Step(null, null, new ToolResult(id, new[] { ContentBlock.FromText("denied by the user") }) { IsError = true }) { Call = call });
                return true;
            }
            string? output = null;
            if (details.GetPropertyOrDefault("output") is { ValueKind: JsonValueKind.Array } outputs)
            {
                var text = new StringBuilder();
                foreach (var piece in outputs.EnumerateArray())
                {
                    var binary = piece.GetPropertyOrDefault("isText").ValueKind == JsonValueKind.False;
                    if (piece.GetStringOrNull("type") == "embed" && !binary && piece.GetStringOrNull("value") is { } value) Append(text, value);
                }
                output = text.ToString();
            }
            output ??= dataKind switch
            {
                "terminal" => data.GetPropertyOrDefault("terminalCommandOutput").GetStringOrNull("text"),
                "simpleToolInvocation" => data.GetStringOrNull("output"),
                "subagent" => data.GetStringOrNull("result"),
                _ => null,
            };
            var exitCode = data.GetPropertyOrDefault("terminalCommandState").GetPropertyOrDefault("exitCode") is { ValueKind: JsonValueKind.Number } code && code.TryGetInt32(out var exit) ? exit : (int?)null;
            var answer = output is null ? null : new ToolResult(id, new[] { ContentBlock.FromText(output) }) { ExitCode = exitCode };
            _steps.Add(new Step(null, null, answer) { Call = call });
            return false;
        }

        /// <summary>A tool's argument object of one named text, or null without the text.</summary>
        private static string? Argument(string name, string? value) => value is null ? null : new JsonObject { [name] = value }.ToJsonString();

        /// <summary>
        /// The person's own words in a response: a question carousel's answers (IChatQuestionCarousel.data by question
        /// id: text, {selectedValue, freeformValue} or {selectedValues, freeformValue}), a plan review's feedback, an
        /// accepted elicitation's values. Each a prompt after what it answers; the count of them.
        /// </summary>
        public int Answers(JsonElement part)
        {
            var before = _steps.Count;
            var data = part.GetPropertyOrDefault("data");
            switch (part.GetStringOrNull("kind"))
            {
                case "questionCarousel" when part.GetPropertyOrDefault("questions") is { ValueKind: JsonValueKind.Array } questions:
                    foreach (var question in questions.EnumerateArray())
                    {
                        if (question.GetStringOrNull("id") is not { } id || AnswerText(data.GetPropertyOrDefault(id)) is not { Length: > 0 } answer) continue;
                        Answer(question.GetStringOrNull("title") ?? Markdown(question.GetPropertyOrDefault("message")), answer);
                    }
                    break;
                case "planReview" when data.GetStringOrNull("feedback") is { Length: > 0 } feedback:
                    Answer(part.GetStringOrNull("title"), feedback);
                    break;
                case "elicitationSerialized" when part.GetPropertyOrDefault("acceptedResult") is { ValueKind: JsonValueKind.Object } accepted:
                    var values = string.Join("\n", accepted.EnumerateObject().Select(v => $"{v.Name}: {AnswerText(v.Value) ?? v.Value.GetRawText()}"));
                    if (values.Length > 0) Answer(Markdown(part.GetPropertyOrDefault("title")), values);
                    break;
            }
            return _steps.Count - before;
        }

        private void Answer(string? question, string answer) => _steps.Add(new Step(null, null, null) { Question = question, Answer = answer });

        private static string? AnswerText(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => string.Join(", ", new[] { value.GetStringOrNull("selectedValue") }
                .Concat(value.GetPropertyOrDefault("selectedValues") is { ValueKind: JsonValueKind.Array } selected ? selected.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : null) : Enumerable.Empty<string?>())
                .Append(value.GetStringOrNull("freeformValue"))
                .Where(v => !string.IsNullOrEmpty(v))),
            _ => null,
        };

        /// <summary>A string or an IMarkdownString's value.</summary>
        private static string? Markdown(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetStringOrNull("value");

        /// <param name="start">Starts the next assistant message of the response.</param>
        /// <param name="time">When the person's answers in the response were given, as near as the file says.</param>
        public void WriteTo(ConversationBuilder builder, Func<ConversationBuilder.AssistantTurn> start, DateTimeOffset? time)
        {
            ConversationBuilder.AssistantTurn? turn = null;
            foreach (var step in _steps)
            {
                if (step.Answer is not null)
                {
                    if (step.Question is { Length: > 0 } question) builder.AddMessage(MessageRole.User, MessageKind.Context, new[] { ContentBlock.FromText(question) }, time);
                    builder.AddMessage(MessageRole.User, MessageKind.Prompt, new[] { ContentBlock.FromText(step.Answer) }, time);
                    turn = null;
                    continue;
                }
                turn ??= start();
                if (step.Text is not null) turn.AddContent(new[] { ContentBlock.FromText(step.Text) });
                if (step.Reasoning is not null) turn.AddReasoning(step.Reasoning);
                if (step.Call is null) continue;
                turn.AddToolCall(step.Call);
                if (step.Result is null) continue;
                builder.AddToolResult(step.Result);
                turn = null;
            }
        }

        private sealed record Step(string? Text, string? Reasoning, ToolResult? Result)
        {
            public ToolCall? Call { get; init; }
            public string? Question { get; init; }
            public string? Answer { get; init; }
        }
    }
}
