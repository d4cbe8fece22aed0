using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Pi;

/// <summary>
/// Maps the entries of a path, in order, to chat-completions messages, as Pi's buildSessionContext and
/// convertToLlm put them before the model (pi-mono packages/coding-agent/src/core/session-manager.ts,
/// messages.ts), with one difference: history a compaction replaced is kept, and the summary is shown where
/// the compaction happened, as the Claude Code and Codex readers keep compacted history.
/// </summary>
internal sealed class PiConversation
{
    private readonly ConversationBuilder _builder = new();

    public int Errors { get; private set; }
    public int Aborted { get; private set; }
    public int BashExecutions { get; private set; }
    public int BashExcluded { get; private set; }
    public int CustomMessages { get; private set; }
    public int DeliveryMirrors { get; private set; }
    public int GatewayInjected { get; private set; }
    public int AgentMessages { get; private set; }

    /// <summary>OpenClaw's internal_system turns, by the sourceTool that started them.</summary>
    public Counter SystemTurns { get; } = new();

    public int HiddenInputs { get; private set; }
    public Counter UnknownRoles { get; } = new();
    public int OrphanToolResults => _builder.OrphanToolResults;
    public int UnansweredToolCalls => _builder.UnansweredToolCalls;

    public IReadOnlyList<RolloutMessage> Build() => _builder.Build();

    /// <summary>After <see cref="Build"/>: the responses it left out for having nothing readable.</summary>
    public IReadOnlyList<UnlistedResponse> Unlisted => _builder.Unlisted;

    /// <summary>The responses of the entries added, for a record that does not list them (branches not read).</summary>
    public IReadOnlyList<UnlistedResponse> BuildUnlisted() => _builder.BuildUnlisted();

    /// <summary>When the entry was written; the message's own time when the line lacks one.</summary>
    public static DateTimeOffset? TimeOf(PiEntry entry) => entry.Timestamp ?? entry.Message?.Timestamp;

    public void Add(PiEntry entry, bool abandoned)
    {
        _builder.MarkAbandoned = abandoned;
        var time = TimeOf(entry);
        switch (entry.Type)
        {
            case "message" when entry.Message is { } message:
                AddMessage(entry, message, time);
                break;
            case "custom_message":
                // An extension's message in the model's context (display only decides whether the TUI shows it).
                CustomMessages++;
                AddUserSide(MessageKind.Context, entry.Content, time);
                break;
            case "compaction" when !string.IsNullOrEmpty(entry.Summary):
                AddUserSide(MessageKind.CompactionSummary, Text(entry.Summary), time);
                break;
            case "branch_summary" when !string.IsNullOrEmpty(entry.Summary):
                AddUserSide(MessageKind.BranchSummary, Text(entry.Summary), time);
                break;
            case var _ when entry.IsUnknownType:
                // A type of a newer Pi: its words are kept as context, never dropped unseen (PiSession reports it).
                AddUserSide(MessageKind.Context, entry.Words, time);
                break;
            default:
                // model_change, thinking_level_change, label, session_info, custom (extension state, never in
                // context): facts of the record, not messages.
                break;
        }
    }

    private void AddMessage(PiEntry entry, PiMessage message, DateTimeOffset? time)
    {
        switch (message.Role)
        {
            case "user" when message.ProvenanceKind == "inter_session":
                // OpenClaw: another session's words (a subagent's report, sessions_send), not a person's.
                AgentMessages++;
                AddUserSide(MessageKind.AgentMessage, message.Content, time);
                break;
            case "user" when message.ProvenanceKind == "internal_system":
                // OpenClaw: a turn it started itself (a heartbeat, cron job, finished exec, restart recovery,
                // recalled memory, the goal loop): instructions in the person's place, not their words.
                SystemTurns.Add(message.SourceTool ?? "(none)");
                AddUserSide(MessageKind.Context, message.Content, time);
                break;
            case "user" when message.IsHiddenInput:
                HiddenInputs++;
                AddUserSide(MessageKind.Context, message.Content, time);
                break;
            case "user":
                AddUserSide(MessageKind.Prompt, message.Content, time);
                break;
            case "assistant" when message.IsTranscriptOnly:
                AddTranscriptOnly(message, time);
                break;
            case "assistant":
                AddResponse(message, entry.HasOwnId ? FormattableString.Invariant($"{entry.Id}@{time?.UtcDateTime:O}") : null, time);
                break;
            case "toolResult":
                _builder.AddToolResult(new ToolResult(message.ToolCallId ?? string.Empty, message.Content)
                {
                    IsError = message.IsError,
                    StructuredResult = message.Details,
                    ExitCode = message.ToolName == "bash" ? BashToolExitCode(message) : null,
                    Timestamp = time,
                });
                break;
            case "bashExecution":
                AddBash(entry, message, time);
                break;
            case "custom" or "hookMessage":
                // hookMessage is v2's name for custom (migrateV2ToV3).
                CustomMessages++;
                AddUserSide(MessageKind.Context, message.Content, time);
                break;
            case "compactionSummary" when !string.IsNullOrEmpty(message.Summary):
                AddUserSide(MessageKind.CompactionSummary, Text(message.Summary), time);
                break;
            case "branchSummary" when !string.IsNullOrEmpty(message.Summary):
                AddUserSide(MessageKind.BranchSummary, Text(message.Summary), time);
                break;
            case var other:
                // A role this reader does not know: its words are kept as context, never dropped unseen.
                UnknownRoles.Add(other.Length == 0 ? "(none)" : other);
                AddUserSide(MessageKind.Context, message.Content, time);
                break;
        }
    }

    /// <summary>
    /// An assistant row OpenClaw wrote itself: not a response, never billed. A delivery mirror without tool calls
    /// waits behind the results as a user message would, since the message tool writes it before its own result;
    /// code mode's gateway-injected rows keep the nested calls they carry, so their results still pair.
    /// </summary>
    private void AddTranscriptOnly(PiMessage message, DateTimeOffset? time)
    {
        if (message.Model == PiMessage.GatewayInjectedModel) GatewayInjected++;
        else DeliveryMirrors++;
        if (message.ToolCalls.Count == 0)
        {
            if (message.Content.Count > 0) _builder.AddMessage(MessageRole.Assistant, MessageKind.Synthetic, message.Content, time);
            return;
        }
        var turn = _builder.StartAssistant(time, null, MessageKind.Synthetic);
        turn.AddContent(message.Content);
        foreach (var call in message.ToolCalls) turn.AddToolCall(call);
    }

    /// <summary>A user-side message of the kind given (a prompt, context, a summary); nothing when it holds nothing.</summary>
    private void AddUserSide(MessageKind kind, IReadOnlyList<ContentBlock> content, DateTimeOffset? time)
    {
        if (content.Count > 0) _builder.AddMessage(MessageRole.User, kind, content, time);
    }

    /// <summary>
    /// One response: text, thinking as reasoning, tool calls. A response that ended in an error or was aborted
    /// keeps what it streamed, and the error is a Synthetic notice after it; an abort an Interruption.
    /// </summary>
    /// <remarks>
    /// The entry's id and time are the response's identity: a forked session file copies the entries it
    /// branched from with both, and the id alone (eight hex digits) is too short to be unique across sessions. A stated cost of zero is not taken: some Pi versions write cost.total 0 for models they
    /// could not price.
    /// </remarks>
    private void AddResponse(PiMessage message, string? entryId, DateTimeOffset? time)
    {
        var turn = _builder.StartAssistant(time, message.Model);
        turn.ResponseId = entryId;
        turn.AddContent(message.Content);
        foreach (var reasoning in message.Reasoning) turn.AddReasoning(reasoning);
        foreach (var call in message.ToolCalls) turn.AddToolCall(call);
        if (message.Usage is { } usage) turn.SetUsage(usage, message.Cost > 0 ? (decimal)message.Cost : null);
        switch (message.StopReason)
        {
            case "error":
                Errors++;
                _builder.StartAssistant(time, null, MessageKind.Synthetic).AddContent(Text(message.ErrorMessage is { Length: > 0 } error ? error : "The request failed."));
                break;
            case "aborted":
                Aborted++;
                _builder.AddMessage(MessageRole.User, MessageKind.Interruption, Text(message.ErrorMessage is { Length: > 0 } reason ? reason : "Request aborted."), time);
                break;
        }
    }

    /// <summary>
    /// A command the person ran with ! (or !!, kept out of the model's context): a bash call and its result,
    /// in a Command message since the person, not the model, made the call.
    /// </summary>
    private void AddBash(PiEntry entry, PiMessage message, DateTimeOffset? time)
    {
        BashExecutions++;
        if (message.ExcludeFromContext) BashExcluded++;
        var id = $"bash-{entry.Id}";
        var arguments = JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("command", message.Command);
            w.WriteEndObject();
        });
        _builder.StartAssistant(time, null, MessageKind.Command).AddToolCall(new ToolCall(id, "bash", arguments));
        var details = JsonText.Write(w =>
        {
            w.WriteStartObject();
            if (message.ExitCode is { } code) w.WriteNumber("exitCode", code);
            else w.WriteNull("exitCode");
            w.WriteBoolean("cancelled", message.Cancelled);
            w.WriteBoolean("truncated", message.Truncated);
            if (message.FullOutputPath is not null) w.WriteString("fullOutputPath", message.FullOutputPath);
            if (message.ExcludeFromContext) w.WriteBoolean("excludeFromContext", true);
            w.WriteEndObject();
        });
        _builder.AddToolResult(new ToolResult(id, string.IsNullOrEmpty(message.Output) ? Array.Empty<ContentBlock>() : Text(message.Output))
        {
            IsError = message.Cancelled || message.ExitCode is not (null or 0),
            ExitCode = message.ExitCode,
            StructuredResult = details,
            Timestamp = time,
        });
    }

    /// <summary>
    /// Pi's bash tool (core/tools/bash.ts) succeeds only on exit code 0 and otherwise fails with the output
    /// followed by "Command exited with code N", or "Command timed out after N seconds" (124, as a shell's
    /// timeout reports it); an aborted command has no code.
    /// </summary>
    private static int? BashToolExitCode(PiMessage message)
    {
        if (!message.IsError) return 0;
        var text = RolloutMessage.JoinText(message.Content).TrimEnd();
        var line = text[(text.LastIndexOf('\n') + 1)..];
        const string exited = "Command exited with code ";
        if (line.StartsWith(exited, StringComparison.Ordinal) && int.TryParse(line.AsSpan(exited.Length), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var code)) return code;
        return line.StartsWith("Command timed out after ", StringComparison.Ordinal) ? 124 : null;
    }

    private static ContentBlock[] Text(string text) => new[] { ContentBlock.FromText(text) };
}
