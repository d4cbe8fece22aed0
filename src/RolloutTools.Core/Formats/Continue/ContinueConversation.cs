using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Continue;

/// <summary>
/// A session's history (ChatHistoryItem[], core/index.d.ts) as a conversation. Each item holds one message
/// (user, assistant, thinking, tool or system) and what Continue kept beside it: the context items a person attached
/// (files, code, @-mentions), which the model receives ahead of the person's words (gui/src/redux/util/constructMessages.ts)
/// and which become a context message before the prompt; the tool call states, whose output is the tool's answer;
/// the reasoning split out of &lt;think&gt; tags; the prompt logs naming the model; a compaction's summary.
/// </summary>
internal sealed class ContinueConversation
{
    /// <summary>What Continue tells the model for a call without output (core/tools/constants.ts), as it sends it.</summary>
    private const string NoOutput = "No tool output";
    private const string Cancelled = "The user cancelled this tool call.";
    private const string Errored = "There was an error calling the tool.";

    private readonly Dictionary<string, long> _unknownRoles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _providers = new(StringComparer.Ordinal);

    public ConversationBuilder Builder { get; } = new();

    public int ContextItems { get; private set; }
    public int RedactedReasoning { get; private set; }
    public int CompactionSummaries { get; private set; }
    public int EmptyPrompts { get; private set; }
    public int SkippedItems { get; private set; }

    /// <summary>Commands the person ran with the CLI's shell escape (!command).</summary>
    public int ShellCommands { get; private set; }

    /// <summary>
    /// Context items on an assistant, thinking or system item, which Continue does not send the model; those on a tool
    /// message (early 2025 copied the tool's output there, providerTitle "toolCall") are its content and not counted.
    /// </summary>
    public int UnsentContextItems { get; private set; }

    /// <summary>Calls answered from their tool call state, not from a tool message (the cn CLI writes no tool messages).</summary>
    public int ResultsFromStates { get; private set; }

    public IReadOnlyDictionary<string, long> UnknownRoles => _unknownRoles;

    public IReadOnlyCollection<string> Providers => _providers;

    public IReadOnlyList<RolloutMessage> Messages { get; private set; } = Array.Empty<RolloutMessage>();

    public static ContinueConversation Read(IReadOnlyList<JsonElement> history, string? sessionModel, Func<int, int?> lineOf, DiagnosticList diagnostics,
        CancellationToken cancellation)
    {
        var conversation = new ContinueConversation();
        conversation.ReadAll(history, sessionModel, lineOf, diagnostics, cancellation);
        conversation.Messages = conversation.Builder.Build();
        return conversation;
    }

    private void ReadAll(IReadOnlyList<JsonElement> history, string? sessionModel, Func<int, int?> lineOf, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        // The extension writes a tool message for each finished call besides the call's state; those calls are
        // answered there, once, and their states only say whether the call failed.
        var toolMessages = history
            .Select(item => item.GetPropertyOrDefault("message"))
            .Where(m => m.GetStringOrNull("role") == "tool")
            .Select(m => m.GetIdOrNull("toolCallId"))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        ConversationBuilder.AssistantTurn? turn = null;
        var turnTakesMore = false;
        string? pendingReasoning = null;

        for (var i = 0; i < history.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var item = history[i];
            var message = item.GetPropertyOrDefault("message");
            if (message.ValueKind != JsonValueKind.Object)
            {
                SkippedItems++;
                diagnostics.Error(RolloutDiagnostic.ParseError, lineOf(i), $"history item {i + 1} has no message object; left out.");
                continue;
            }
            var role = message.GetStringOrNull("role");
            if (role is not ("user" or "tool") && item.GetPropertyOrDefault("contextItems") is { ValueKind: JsonValueKind.Array } unsent) UnsentContextItems += unsent.GetArrayLength();
            try
            {
                switch (role)
                {
                    case "user":
                        turn = null;
                        AddUser(item, message);
                        if (Reasoning(item) is { } early) pendingReasoning = early;
                        break;
                    case "system":
                        turn = null;
                        if (OpenAIMessages.ReadContent(message.GetPropertyOrDefault("content")) is { Count: > 0 } system && RolloutMessage.JoinText(system).Trim().Length > 0)
                        {
                            Builder.AddMessage(MessageRole.System, MessageKind.Context, system, null);
                        }
                        break;
                    case "assistant" when ShellEscape(item, message) is { } command:
                        turn = null;
                        ShellCommands++;
                        Builder.AddMessage(MessageRole.User, MessageKind.Command, new[] { ContentBlock.FromText(command.Text) }, command.Time);
                        break;
                    case "assistant" when item.GetStringOrNull("conversationSummary") is { Length: > 0 } compacted
                        && ContinueContent.Text(message.GetPropertyOrDefault("content")) == compacted:
                        // The CLI's compaction puts the summary in place of the history as an assistant message that is
                        // the summary itself (extensions/cli/src/compaction.ts): it is the summary, read once, below.
                        turn = null;
                        break;
                    case "assistant" or "thinking":
                        if (turn is null || !turnTakesMore || turn.IsClosed) turn = Builder.StartAssistant(StartedAt(item), ModelOf(history, i) ?? sessionModel);
                        if (pendingReasoning is not null) turn.AddReasoning(pendingReasoning);
                        pendingReasoning = null;
                        turnTakesMore = AddResponse(turn, item, message, role == "thinking", toolMessages, statuses);
                        break;
                    case "tool":
                        turn = null;
                        var id = message.GetIdOrNull("toolCallId") ?? string.Empty;
                        var failed = statuses.GetValueOrDefault(id) is "errored" or "canceled";
                        Builder.AddToolResult(new ToolResult(id, OpenAIMessages.ReadContent(message.GetPropertyOrDefault("content"))) { IsError = failed });
                        break;
                    default:
                        _unknownRoles[role ?? "(none)"] = _unknownRoles.GetValueOrDefault(role ?? "(none)") + 1;
                        diagnostics.Warn(RolloutDiagnostic.ParseError, lineOf(i), $"history item {i + 1} has the role \"{role}\", which Continue does not write; left out.");
                        break;
                }
            }
            catch (FormatException e)
            {
                SkippedItems++;
                diagnostics.Error(RolloutDiagnostic.ParseError, lineOf(i), $"history item {i + 1} ({role}): {e.Message} Left out.");
                continue;
            }
            if (item.GetStringOrNull("conversationSummary") is { Length: > 0 } summary)
            {
                // Compaction: the model is sent this summary in place of everything up to and including this item.
                CompactionSummaries++;
                turn = null;
                Builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, new[] { ContentBlock.FromText(summary) }, null);
            }
        }
    }

    /// <summary>The attached context items first, as the model receives them, then the person's own words.</summary>
    private void AddUser(JsonElement item, JsonElement message)
    {
        var context = item.GetPropertyOrDefault("contextItems") is { ValueKind: JsonValueKind.Array } items
            ? items.EnumerateArray().Select(c => c.GetStringOrNull("content")).Where(c => !string.IsNullOrEmpty(c)).Select(c => ContentBlock.FromText(c!)).ToArray()
            : Array.Empty<ContentBlock>();
        var words = OpenAIMessages.ReadContent(message.GetPropertyOrDefault("content"));
        if (context.Length > 0)
        {
            ContextItems += context.Length;
            Builder.AddMessage(MessageRole.User, MessageKind.Context, context, null);
        }
        // An empty prompt is the slot a resubmission clears before it streams (sessionSlice submitEditorAndInitAtIndex).
        if (words.Any(b => b.Type == ContentBlockType.Image || b.Text!.Trim().Length > 0)) Builder.AddMessage(MessageRole.User, MessageKind.Prompt, words, null);
        else EmptyPrompts++;
    }

    /// <summary>
    /// One item of a response: a thinking message's text (or, when redacted, nothing readable), an assistant message's
    /// content, its calls and usage, and the answers its tool call states hold. True when the next assistant or
    /// thinking item continues this response: after thinking, and after the empty assistant message the extension puts
    /// in place before streaming, to which it attaches the reasoning of a &lt;think&gt; reply whose answer follows as a
    /// message of its own.
    /// </summary>
    private bool AddResponse(ConversationBuilder.AssistantTurn turn, JsonElement item, JsonElement message, bool thinking, HashSet<string> toolMessages,
        Dictionary<string, string> statuses)
    {
        if (Reasoning(item) is { } reasoning) turn.AddReasoning(reasoning);
        var content = OpenAIMessages.ReadContent(message.GetPropertyOrDefault("content"));
        if (thinking)
        {
            if (message.GetStringOrNull("redactedThinking") is not null) RedactedReasoning++;
            else turn.AddReasoning(RolloutMessage.JoinText(content.Where(b => b.Type == ContentBlockType.Text).ToArray()));
        }
        else
        {
            turn.AddContent(content);
        }

        var calls = ContinueContent.ToolCalls(message.GetPropertyOrDefault("toolCalls")).ToList();
        var states = States(item);
        foreach (var state in states)
        {
            if (state.GetPropertyOrDefault("toolCall") is not { ValueKind: JsonValueKind.Object } stated || calls.Exists(c => c.Id == CallId(state))) continue;
            var read = ToolCallJson.Read(stated);
            calls.Add(read.Id.Length > 0 ? read : new ToolCall(CallId(state) ?? string.Empty, read.Name, read.Arguments));
        }
        foreach (var call in calls) turn.AddToolCall(call);
        if (message.GetStringOrNull("role") == "assistant" && ContinueContent.Usage(message.GetPropertyOrDefault("usage")) is { } usage) turn.SetUsage(usage);

        foreach (var state in states)
        {
            if (CallId(state) is not { } id) continue;
            var status = state.GetStringOrNull("status");
            if (status is not null) statuses[id] = status;
            if (toolMessages.Contains(id) || Result(id, state, status) is not { } result) continue;
            ResultsFromStates++;
            Builder.AddToolResult(result);
        }
        return thinking || (calls.Count == 0 && content.All(b => b.Type == ContentBlockType.Text && b.Text!.Trim().Length == 0));
    }

    /// <summary>
    /// A command the person ran with the CLI's shell escape (!command, ui/hooks/useChat.shellMode.ts): the CLI writes no
    /// user message but an empty assistant message with one Bash call named shell-&lt;Date.now()&gt;-&lt;random&gt;, and the
    /// output in its state. As "$ command" and the output; the time from the id, the only one the CLI writes.
    /// </summary>
    private static (string Text, DateTimeOffset? Time)? ShellEscape(JsonElement item, JsonElement message)
    {
        if (ContinueContent.Text(message.GetPropertyOrDefault("content")).Length > 0) return null;
        var calls = ContinueContent.ToolCalls(message.GetPropertyOrDefault("toolCalls"));
        if (calls is not [{ Name: "Bash" } call] || !call.Id.StartsWith("shell-", StringComparison.Ordinal)) return null;
        string command;
        try
        {
            using var arguments = JsonDocument.Parse(call.Arguments);
            command = arguments.RootElement.GetStringOrNull("command") ?? string.Empty;
        }
        catch (JsonException)
        {
            command = call.Arguments;
        }
        var state = States(item).FirstOrDefault(s => CallId(s) == call.Id);
        var output = state.ValueKind == JsonValueKind.Object ? Result(call.Id, state, state.GetStringOrNull("status"))?.Content : null;
        var text = output is { Count: > 0 } ? $"$ {command}\n{RolloutMessage.JoinText(output)}" : $"$ {command}";
        var stamp = call.Id.Split('-') is [_, var ms, ..] && long.TryParse(ms, out var value) ? UnixTime.FromMilliseconds(value) : null;
        return (text, stamp);
    }

    /// <summary>toolCallStates (parallel calls, July 2025 on), or the single toolCallState of the versions before.</summary>
    private static IReadOnlyList<JsonElement> States(JsonElement item)
    {
        if (item.GetPropertyOrDefault("toolCallStates") is { ValueKind: JsonValueKind.Array } many) return many.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).ToArray();
        return item.GetPropertyOrDefault("toolCallState") is { ValueKind: JsonValueKind.Object } one ? new[] { one } : Array.Empty<JsonElement>();
    }

    private static string? CallId(JsonElement state) => state.GetIdOrNull("toolCallId") ?? state.GetPropertyOrDefault("toolCall").GetIdOrNull("id");

    /// <summary>
    /// A call's answer from its state, as Continue renders it for the model (constructMessages.ts): the output's
    /// context items' contents (with a terminal command's status line), or Continue's own words for a cancelled or
    /// failed call and for one done without output. None for a call still waiting (generating, generated, calling):
    /// the session ended before it was answered.
    /// </summary>
    private static ToolResult? Result(string id, JsonElement state, string? status)
    {
        var output = state.GetPropertyOrDefault("output");
        string? text = status switch
        {
            "canceled" => Cancelled,
            _ when output.ValueKind == JsonValueKind.Array => string.Join("\n\n", output.EnumerateArray().Select(OutputText)),
            "errored" => Errored,
            "done" => NoOutput,
            _ => null,
        };
        return text is null ? null : new ToolResult(id, new[] { ContentBlock.FromText(text) }) { IsError = status is "errored" or "canceled" };
    }

    private static string OutputText(JsonElement item)
    {
        var content = item.GetStringOrNull("content") ?? string.Empty;
        return item.GetStringOrNull("status") is { } status ? $"{content}\n[Status: {status}]" : content;
    }

    /// <summary>The reasoning Continue split out of a &lt;think&gt; reply (ChatHistoryItem.reasoning, January 2025 on).</summary>
    private static string? Reasoning(JsonElement item) => item.GetPropertyOrDefault("reasoning").GetStringOrNull("text") is { Length: > 0 } text ? text : null;

    /// <summary>When the reasoning began, the only time Continue writes into a session (Date.now() milliseconds).</summary>
    private static DateTimeOffset? StartedAt(JsonElement item) =>
        item.GetPropertyOrDefault("reasoning").GetPropertyOrDefault("startAt") is { ValueKind: JsonValueKind.Number } start && start.TryGetInt64(out var ms)
            ? UnixTime.FromMilliseconds(ms)
            : null;

    /// <summary>
    /// The model of the response starting at item <paramref name="start"/>: the prompt logs of its items (the last
    /// item of a response receives them): completionOptions.model where the log has it (2024), else the model's
    /// title as configured (modelTitle). Each provider named is kept for SourceMeta.
    /// </summary>
    private string? ModelOf(IReadOnlyList<JsonElement> history, int start)
    {
        for (var i = start; i < history.Count; i++)
        {
            var item = history[i];
            var role = item.GetPropertyOrDefault("message").GetStringOrNull("role");
            if (i > start && role is not ("assistant" or "thinking")) break;
            if (item.GetPropertyOrDefault("promptLogs") is not { ValueKind: JsonValueKind.Array } logs || logs.GetArrayLength() == 0) continue;
            var log = logs[logs.GetArrayLength() - 1];
            if (log.GetStringOrNull("modelProvider") is { } provider) _providers.Add(provider);
            return log.GetPropertyOrDefault("completionOptions").GetStringOrNull("model") ?? log.GetStringOrNull("modelTitle");
        }
        return null;
    }
}
