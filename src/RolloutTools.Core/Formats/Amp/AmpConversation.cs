using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Amp;

/// <summary>
/// A thread's messages as a conversation. Amp keeps Anthropic-shaped messages with its own additions: a user message
/// carries the person's words (text, images) and the results of the previous response's calls, each a tool_result
/// naming its call by toolUseID and holding the run (status, result or error); an assistant message is one response
/// (text, thinking, tool_use) with its state and its usage; an info message carries what Amp adds itself (a summary
/// that replaced the history before it, a command the person ran in the shell). Each message may say when it was sent
/// (meta.sentAt, milliseconds).
/// </summary>
internal sealed class AmpConversation
{
    // What Amp tells the model for a run that gave no result (the words of its own conversion of a run into the
    // Anthropic tool_result it sends), so a reader sees what the model saw.
    private const string ErrorWithoutMessage = "Tool execution error";
    private const string CancelledWithoutReason = "Unknown reason";
    private const string RejectedWithoutReason = "User declined permission";

    private readonly DiagnosticList _diagnostics;
    private readonly Func<int, int?> _lineOf;
    private readonly Counter _unknownBlocks = new();
    private readonly Counter _unknownRoles = new();

    private AmpConversation(DiagnosticList diagnostics, Func<int, int?> lineOf)
    {
        _diagnostics = diagnostics;
        _lineOf = lineOf;
    }

    public ConversationBuilder Builder { get; } = new();

    public IReadOnlyList<RolloutMessage> Messages { get; private set; } = Array.Empty<RolloutMessage>();

    /// <summary>How each tool run ended, by Amp's status (done, error, cancelled, rejected-by-user, in-progress…).</summary>
    public Counter RunStatuses { get; } = new();

    /// <summary>Responses by the state Amp left them in (complete, cancelled, error, streaming…).</summary>
    public Counter ResponseStates { get; } = new();

    public IReadOnlyDictionary<string, long> UnknownBlocks => _unknownBlocks;

    public IReadOnlyDictionary<string, long> UnknownRoles => _unknownRoles;

    public int RedactedThinking { get; private set; }

    public int CompactionSummaries { get; private set; }

    public int ShellCommands { get; private set; }

    /// <summary>Calls the model's provider ran itself (server_tool_use), which Amp does not send back to the model.</summary>
    public int ServerToolUses { get; private set; }

    public int SkippedMessages { get; private set; }

    /// <summary>Messages of a sub-agent run inside this thread (they name the call that started it); kept out of its conversation.</summary>
    public int SubagentMessages { get; private set; }

    /// <summary>Threads whose summary stands in for this thread's earlier history (an info summary of type thread).</summary>
    public List<string> SummaryThreads { get; } = new();

    /// <summary>Threads whose executor sent this thread a message (meta.fromExecutorThreadID), in the order first seen.</summary>
    public List<string> FromThreads { get; } = new();

    /// <summary>User messages another agent sent (Amp's orchestrator or another thread's executor), not the person.</summary>
    public int AgentMessages { get; private set; }

    /// <summary>User messages that held text blocks Amp hides from the person (attached files and other context).</summary>
    public int HiddenContext { get; private set; }

    /// <summary>What Amp states it charged, summed over the responses that say (usage.credits).</summary>
    public decimal Credits { get; private set; }

    public static AmpConversation Read(IReadOnlyList<JsonElement> messages, Func<int, int?> lineOf, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var conversation = new AmpConversation(diagnostics, lineOf);
        for (var i = 0; i < messages.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            conversation.ReadMessage(messages[i], i);
        }
        conversation.Messages = conversation.Builder.Build();
        return conversation;
    }

    private void ReadMessage(JsonElement message, int index)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            SkippedMessages++;
            _diagnostics.Error(RolloutDiagnostic.ParseError, _lineOf(index), $"message {index + 1} is a JSON {message.ValueKind}, not an object; left out.");
            return;
        }
        var role = message.GetStringOrNull("role");
        if (message.GetIdOrNull("parentToolUseId") is not null)
        {
            if (SubagentMessages++ == 0)
            {
                _diagnostics.Warn(RolloutDiagnostic.ParseError, _lineOf(index),
                    $"message {index + 1} ({role}) belongs to a sub-agent's run (parentToolUseId); such messages are counted in SourceMeta.subagent_messages and left out of the thread's conversation.");
            }
            return;
        }
        try
        {
            switch (role)
            {
                case "user":
                    ReadUser(message, index);
                    break;
                case "assistant":
                    ReadAssistant(message, index);
                    break;
                case "info":
                    ReadInfo(message, index);
                    break;
                default:
                    _unknownRoles.Add(role ?? "(none)");
                    _diagnostics.Warn(RolloutDiagnostic.ParseError, _lineOf(index), $"message {index + 1} has the role \"{role}\", which Amp does not write; left out.");
                    break;
            }
        }
        catch (FormatException e)
        {
            SkippedMessages++;
            _diagnostics.Error(RolloutDiagnostic.ParseError, _lineOf(index), $"message {index + 1} ({role}): {e.Message} Left out.");
        }
    }

    /// <summary>
    /// The results of the last response's calls first (they answer it), then the text Amp hides from the person (a
    /// text block marked hidden, such as the files attached to a prompt) as Context, then the words: the person's,
    /// or another agent's when Amp marks the message as sent by its orchestrator (meta.fromAggman) or by another
    /// thread's executor (meta.fromExecutorThreadID), as Amp's own display tells them apart.
    /// </summary>
    private void ReadUser(JsonElement message, int index)
    {
        var sent = SentAt(message);
        var words = new List<ContentBlock>();
        var hidden = new List<ContentBlock>();
        var content = message.GetPropertyOrDefault("content");
        if (content.ValueKind == JsonValueKind.String)
        {
            words.Add(ContentBlock.FromText(content.GetString()!));
        }
        foreach (var block in Blocks(content))
        {
            switch (block.GetStringOrNull("type"))
            {
                case "text":
                    (block.GetBool("hidden") ? hidden : words).Add(ContentBlock.FromText(block.GetTextOrEmpty("text")));
                    break;
                case "image":
                    if (AnthropicBlocks.Image(block) is { } image) words.Add(image);
                    else Unknown("image without data", index);
                    break;
                case "tool_result":
                    if (Result(block, sent) is { } result) Builder.AddToolResult(result);
                    break;
                case var other:
                    Unknown(other ?? "untyped", index);
                    break;
            }
        }
        if (HasAny(hidden))
        {
            HiddenContext++;
            Builder.AddMessage(MessageRole.User, MessageKind.Context, hidden, sent);
        }
        if (!HasAny(words)) return;
        var meta = message.GetPropertyOrDefault("meta");
        var fromThread = meta.GetStringOrNull("fromExecutorThreadID");
        var fromAgent = fromThread is not null || meta.GetBool("fromAggman");
        if (fromThread is not null && !FromThreads.Contains(fromThread)) FromThreads.Add(fromThread);
        if (fromAgent) AgentMessages++;
        Builder.AddMessage(MessageRole.User, fromAgent ? MessageKind.AgentMessage : MessageKind.Prompt, words, sent);
    }

    private static bool HasAny(List<ContentBlock> blocks) => blocks.Any(b => b.Type == ContentBlockType.Image || b.Text!.Trim().Length > 0);

    /// <summary>One assistant message is one response of the model, with the usage Amp states for it.</summary>
    private void ReadAssistant(JsonElement message, int index)
    {
        var usage = message.GetPropertyOrDefault("usage");
        var turn = Builder.StartAssistant(SentAt(message) ?? usage.GetTimestamp("timestamp"), usage.GetStringOrNull("model"));
        var content = message.GetPropertyOrDefault("content");
        if (content.ValueKind == JsonValueKind.String) turn.AddContent(new[] { ContentBlock.FromText(content.GetString()!) });
        foreach (var block in Blocks(content))
        {
            switch (block.GetStringOrNull("type"))
            {
                case "text":
                    turn.AddContent(new[] { ContentBlock.FromText(block.GetTextOrEmpty("text")) });
                    break;
                case "thinking":
                    turn.AddReasoning(block.GetTextOrEmpty("thinking"));
                    break;
                case "redacted_thinking":
                    // Encrypted reasoning: nothing readable to keep.
                    RedactedThinking++;
                    break;
                case "server_tool_use":
                    // A call the provider ran itself (web search); Amp leaves it out of what it sends the model.
                    ServerToolUses++;
                    break;
                case "tool_use":
                    turn.AddToolCall(new ToolCall(
                        block.GetIdOrNull("id") ?? string.Empty,
                        block.GetStringOrNull("name") ?? string.Empty,
                        AnthropicBlocks.ToolInput(block)));
                    break;
                case "image":
                    if (AnthropicBlocks.Image(block) is { } image) turn.AddContent(new[] { image });
                    else Unknown("image without data", index);
                    break;
                case var other:
                    Unknown(other ?? "untyped", index);
                    break;
            }
        }
        if (message.GetPropertyOrDefault("state").GetStringOrNull("type") is { } state) ResponseStates.Add(state);
        if (Usage(usage) is { } used) turn.SetUsage(used);
        if (usage.GetPropertyOrDefault("credits") is { ValueKind: JsonValueKind.Number } credits && credits.TryGetDecimal(out var c)) Credits += c;
    }

    /// <summary>
    /// What Amp adds to a thread itself: a summary that replaces the history before it (its text, or the thread that
    /// holds it), and a shell command the person ran from the prompt ($ mode) with its output.
    /// </summary>
    private void ReadInfo(JsonElement message, int index)
    {
        var sent = SentAt(message);
        foreach (var block in Blocks(message.GetPropertyOrDefault("content")))
        {
            switch (block.GetStringOrNull("type"))
            {
                case "summary":
                    var summary = block.GetPropertyOrDefault("summary");
                    if (summary.GetStringOrNull("type") == "thread" && summary.GetIdOrNull("thread") is { } thread)
                    {
                        SummaryThreads.Add(thread);
                    }
                    else if (summary.GetStringOrNull("summary") is { Length: > 0 } text)
                    {
                        CompactionSummaries++;
                        Builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, new[] { ContentBlock.FromText(text) }, sent);
                    }
                    else
                    {
                        Unknown("summary without text", index);
                    }
                    break;
                case "manual_bash_invocation":
                    ShellCommands++;
                    Builder.AddMessage(MessageRole.User, MessageKind.Command, new[] { ContentBlock.FromText(ShellText(block)) }, sent);
                    break;
                case "text":
                    Builder.AddMessage(MessageRole.User, MessageKind.Context, new[] { ContentBlock.FromText(block.GetTextOrEmpty("text")) }, sent);
                    break;
                case var other:
                    Unknown(other ?? "untyped", index);
                    break;
            }
        }
    }

    /// <summary>"$ command", then the output the run gave, as the person saw it.</summary>
    private static string ShellText(JsonElement block)
    {
        var command = block.GetPropertyOrDefault("args").GetStringOrNull("cmd") ?? string.Empty;
        var result = block.GetPropertyOrDefault("toolRun").GetPropertyOrDefault("result");
        var output = result.ValueKind == JsonValueKind.String ? result.GetString() : result.GetStringOrNull("output");
        return string.IsNullOrEmpty(output) ? $"$ {command}" : $"$ {command}\n{output}";
    }

    /// <summary>
    /// A call's answer from its run, in the words Amp sends the model: the result (text as it is, anything else as its
    /// JSON), the error's message, or why the run was cancelled or refused. A run still queued, running or waiting for
    /// the person has no answer yet: the thread was saved before it ended, and the call stays unanswered.
    /// </summary>
    private ToolResult? Result(JsonElement block, DateTimeOffset? sent)
    {
        var id = block.GetIdOrNull("toolUseID") ?? block.GetIdOrNull("tool_use_id") ?? string.Empty;
        var run = block.GetPropertyOrDefault("run");
        var status = run.GetStringOrNull("status") ?? "(none)";
        RunStatuses.Add(status);
        var reason = run.GetStringOrNull("reason");
        IReadOnlyList<ContentBlock>? content = status switch
        {
            "done" => Done(run.GetPropertyOrDefault("result")),
            "error" => Text(ErrorText(run.GetPropertyOrDefault("error"))),
            "cancelled" => Text($"Tool execution cancelled: {reason ?? CancelledWithoutReason}"),
            "rejected-by-user" => Text($"Tool execution rejected by user: {reason ?? RejectedWithoutReason}"),
            _ => null,
        };
        if (content is null) return null;
        var result = run.GetPropertyOrDefault("result");
        return new ToolResult(id, content)
        {
            IsError = status != "done",
            StructuredResult = result.ValueKind == JsonValueKind.Object ? Compact(result) : null,
            ExitCode = result.GetInt32OrNull("exitCode"),
            Timestamp = sent,
        };
    }

    /// <summary>A finished run's result: text as it is, content blocks (text and images) as blocks, anything else as its JSON.</summary>
    private static IReadOnlyList<ContentBlock> Done(JsonElement result)
    {
        switch (result.ValueKind)
        {
            case JsonValueKind.String:
                return Text(result.GetString()!);
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return Array.Empty<ContentBlock>();
            case JsonValueKind.Array when result.EnumerateArray().All(b => b.GetStringOrNull("type") is "text" or "image"):
                return AnthropicBlocks.ToolResultContent(result);
            default:
                return Text(Compact(result));
        }
    }

    /// <summary>A value's JSON on one line, as Amp sends it (JSON.stringify), whatever the indentation of the file.</summary>
    private static string Compact(JsonElement value) => JsonText.Write(value.WriteTo);

    private static string ErrorText(JsonElement error) => error.ValueKind switch
    {
        JsonValueKind.String => error.GetString()!,
        JsonValueKind.Object when error.GetStringOrNull("message") is { Length: > 0 } message => message,
        _ => ErrorWithoutMessage,
    };

    private static IReadOnlyList<ContentBlock> Text(string text) => new[] { ContentBlock.FromText(text) };

    /// <summary>
    /// Amp's usage (Anthropic's counts, camelCase): inputTokens without the cache, cacheReadInputTokens and
    /// cacheCreationInputTokens beside it, and totalInputTokens their sum, the context the response saw. Where
    /// totalInputTokens equals inputTokens although a cache was read or written, the provider counted the cache inside
    /// the input, and it is taken out, never below zero. Null when the response states none.
    /// </summary>
    internal static TokenUsage? Usage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object) return null;
        var input = usage.GetInt64OrZero("inputTokens");
        var read = usage.GetInt64OrZero("cacheReadInputTokens");
        var write = usage.GetInt64OrZero("cacheCreationInputTokens");
        if (usage.TryGetProperty("totalInputTokens", out _) && usage.GetInt64OrZero("totalInputTokens") == input && read + write > 0)
        {
            input = Math.Max(0, input - read - write);
        }
        var used = new TokenUsage(input, usage.GetInt64OrZero("outputTokens"), read, write);
        return used.Total > 0 ? used : null;
    }

    /// <summary>When Amp sent the message (meta.sentAt, Unix milliseconds).</summary>
    private static DateTimeOffset? SentAt(JsonElement message) =>
        message.GetPropertyOrDefault("meta").GetPropertyOrDefault("sentAt") is { ValueKind: JsonValueKind.Number } sent && sent.TryGetInt64(out var ms)
            ? UnixTime.FromSecondsOrMilliseconds(ms)
            : null;

    /// <summary>A message's blocks; none for text given as a string or for no content. Any other value is damage, reported with its message.</summary>
    private static IEnumerable<JsonElement> Blocks(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.Array => content.EnumerateArray(),
        JsonValueKind.String or JsonValueKind.Undefined or JsonValueKind.Null => Enumerable.Empty<JsonElement>(),
        _ => throw new FormatException($"its content is a JSON {content.ValueKind}, neither text nor blocks."),
    };

    /// <summary>A block this reader does not know: counted, and reported once per type with the first message that has it.</summary>
    private void Unknown(string type, int index)
    {
        if (!_unknownBlocks.ContainsKey(type))
        {
            _diagnostics.Warn(RolloutDiagnostic.ParseError, _lineOf(index), $"message {index + 1} holds a block of type \"{type}\", which this reader does not know; left out and counted in SourceMeta.unknown_blocks.");
        }
        _unknownBlocks.Add(type);
    }
}
