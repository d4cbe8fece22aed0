using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.KimiCode;

/// <summary>What reading one Kimi file gave: the conversation, and the facts a record states beside it.</summary>
internal sealed class KimiSession
{
    public ConversationBuilder Builder { get; } = new();
    public required KimiStore Store { get; init; }
    public string? ProtocolVersion { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public DateTimeOffset? FirstTime { get; private set; }
    public DateTimeOffset? LastTime { get; private set; }

    /// <summary>The tokens kimi-cli's wire states per step, summed (its context file has none); null when no wire was read.</summary>
    public TokenUsage? StatedUsage { get; set; }

    public long Lines { get; set; }
    public long Steps { get; set; }
    public long Compactions { get; set; }

    /// <summary>Kimi Code's context.snapshot records; only one with no context record before it gives messages.</summary>
    public long Snapshots { get; set; }

    /// <summary>The records read so far that add to the model's context (messages, loop events, compactions).</summary>
    public long ContextRecords { get; set; }
    public long Clears { get; set; }
    public long Undos { get; set; }
    public long Checkpoints { get; set; }
    public long Cancels { get; set; }
    public long ContextMessages { get; set; }
    public long Images { get; set; }
    public long? ContextTokens { get; set; }
    public Dictionary<string, long> Origins { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> FinishReasons { get; } = new(StringComparer.Ordinal);

    public void Saw(DateTimeOffset? time)
    {
        if (time is not { } t) return;
        if (FirstTime is null || t < FirstTime) FirstTime = t;
        if (LastTime is null || t > LastTime) LastTime = t;
    }

    public static void Count(Dictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    /// <summary>The messages of the model's live context, in order, as Kimi Code's undo walks them.</summary>
    private readonly List<LiveMessage> _live = new();

    public void Live(RolloutMessage? message, UndoRole role)
    {
        if (message is not null) _live.Add(new LiveMessage(message, null, role));
    }

    public void Live(ConversationBuilder.AssistantTurn turn) => _live.Add(new LiveMessage(null, turn, UndoRole.Removed));

    /// <summary>/clear empties the context: nothing before it can be undone.</summary>
    public void ClearLive() => _live.Clear();

    /// <summary>
    /// context.undo {count} as Kimi Code applies it (agent/context/index.ts undo): from the last message back, it
    /// passes over injections, stops at a compaction's summary, and removes every other message until it has removed
    /// count of the person's own inputs. The model never sees the removed messages again: they are marked abandoned.
    /// </summary>
    public void Undo(long count)
    {
        var removed = 0L;
        for (var i = _live.Count - 1; i >= 0 && removed < count; i--)
        {
            var live = _live[i];
            if (live.Role == UndoRole.Kept) continue;
            if (live.Role == UndoRole.Boundary) break;
            _live.RemoveAt(i);
            if (live.Message is { } message) Builder.Replace(message, new RolloutMessage(message) { IsAbandoned = true });
            live.Turn?.Abandon();
            if (live.Role == UndoRole.UserInput) removed++;
        }
    }

    private sealed record LiveMessage(RolloutMessage? Message, ConversationBuilder.AssistantTurn? Turn, UndoRole Role);
}

/// <summary>What Kimi Code's undo does with a message of the live context.</summary>
internal enum UndoRole
{
    /// <summary>Removed, and not counted: the model's responses, tool results, text Kimi adds other than injections.</summary>
    Removed,

    /// <summary>Removed and counted: the person's prompt or slash command.</summary>
    UserInput,

    /// <summary>Passed over: an injection.</summary>
    Kept,

    /// <summary>Where the walk stops: a compaction's summary.</summary>
    Boundary,
}

/// <summary>
/// Kimi Code's agent journal, agents/&lt;id&gt;/wire.jsonl (packages/agent-core/src/agent/records/types.ts): a metadata
/// line {protocol_version, created_at}, then one record a line, {"type", …its fields, "time" (Unix ms)}. The record
/// Kimi rebuilds the model's context from on resume (agent/context/index.ts) is what is read:
/// context.append_message adds a whole message (a prompt, or text Kimi injects, told apart by its "origin");
/// context.append_loop_event adds the pieces of a response as they happen: step.begin opens an assistant message,
/// content.part adds text or thinking to it, tool.call a call, tool.result the call's result as a tool message, and
/// step.end closes it with the step's token usage. context.apply_compaction replaces the history with a summary.
/// Scream Code (LIUTod/scream-code, a fork of Kimi Code keeping its journal) writes a context.snapshot right after a
/// compaction: the whole folded history then (the summary and the messages kept), from which a resume starts, skipping
/// the context records before it (records/index.ts replay). Those records stay in the journal and give every message
/// the snapshot holds, and the ones it folded away, so a snapshot after them adds nothing; a journal that opens with a
/// snapshot (its records before it gone) is read from the snapshot.
/// llm.request names the model of the requests that follow. usage.record repeats a step's usage ("turn" scope) and
/// states a compaction's ("session" scope, agent/compaction/full.ts), which no message carries.
/// </summary>
internal static class KimiJournal
{
    public static KimiSession Read(TraceSource source, DiagnosticList diagnostics, bool isSubagent, CancellationToken cancellation)
    {
        var session = new KimiSession { Store = KimiStore.Journal };
        var steps = new Dictionary<string, ConversationBuilder.AssistantTurn>(StringComparer.Ordinal);
        string? model = null;
        using var stream = source.Open();
        JsonLineReader.ReadEach(stream, diagnostics, line =>
        {
            session.Lines++;
            try
            {
                var time = KimiParts.Time(line.Root.GetPropertyOrDefault("time"));
                session.Saw(time);
                var type = line.Root.GetStringOrNull("type");
                switch (type)
                {
                    case "metadata":
                        session.ProtocolVersion = line.Root.GetStringOrNull("protocol_version");
                        session.CreatedAt = KimiParts.Time(line.Root.GetPropertyOrDefault("created_at"));
                        session.Saw(session.CreatedAt);
                        break;
                    case "llm.request" when line.Root.GetStringOrNull("model") is { } requested:
                        model = requested;
                        break;
                    case "config.update" when model is null && line.Root.GetStringOrNull("modelAlias") is { } alias:
                        model = alias;
                        break;
                    case "context.append_message":
                        session.ContextRecords++;
                        AddMessage(session, line.Root.GetPropertyOrDefault("message"), time, model, isSubagent, steps, line.LineNumber, diagnostics);
                        break;
                    case "context.append_loop_event":
                        session.ContextRecords++;
                        AddLoopEvent(session, line.Root.GetPropertyOrDefault("event"), time, model, steps, line.LineNumber, diagnostics);
                        break;
                    case "context.snapshot":
                        session.Snapshots++;
                        if (session.ContextRecords == 0) Restore(session, line.Root.GetPropertyOrDefault("snapshot"), model, isSubagent, steps, line.LineNumber, diagnostics);
                        break;
                    case "context.apply_compaction":
                        session.ContextRecords++;
                        session.Compactions++;
                        var summary = line.Root.GetStringOrNull("contextSummary") ?? line.Root.GetStringOrNull("summary");
                        if (summary is not null) session.Live(session.Builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, new[] { ContentBlock.FromText(summary) }, time), UndoRole.Boundary);
                        break;
                    case "usage.record" when line.Root.GetStringOrNull("usageScope") != "turn" && KimiParts.Usage(line.Root.GetPropertyOrDefault("usage")) is { Total: > 0 } stated:
                        // A compaction's request: billed, with no message of its own, so it is listed apart.
                        session.Builder.StartAssistant(time, line.Root.GetStringOrNull("model") ?? model).SetUsage(stated);
                        break;
                    case "context.update_token_count":
                        session.ContextTokens = line.Root.GetInt64OrZero("tokenCount");
                        break;
                    case "context.clear":
                        session.Clears++;
                        session.ClearLive();
                        break;
                    case "context.undo":
                        session.Undos++;
                        session.Undo(line.Root.GetInt64OrZero("count"));
                        break;
                    case "turn.cancel":
                        session.Cancels++;
                        break;
                    case null:
                        diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, "the record has no \"type\"; skipped.");
                        break;
                }
            }
            catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, $"a value could not be read ({e.Message}); skipped.");
            }
        }, cancellation);
        return session;
    }

    /// <summary>
    /// A whole message (agent/context/types.ts ContextMessage): role, content parts, toolCalls ({id, name, arguments}),
    /// toolCallId and isError on a tool message, and "origin", which says who put a user message there.
    /// </summary>
    private static ConversationBuilder.AssistantTurn? AddMessage(KimiSession session, JsonElement message, DateTimeOffset? time, string? model, bool isSubagent,
        Dictionary<string, ConversationBuilder.AssistantTurn> steps, int line, DiagnosticList diagnostics)
    {
        var content = KimiParts.Read(message.GetPropertyOrDefault("content"));
        session.Images += content.Blocks.Count(b => b.Type == ContentBlockType.Image);
        switch (message.GetStringOrNull("role"))
        {
            case "user":
                var origins = message.GetPropertyOrDefault("origin");
                var origin = origins.GetStringOrNull("kind") ?? "user";
                KimiSession.Count(session.Origins, origin);
                var trigger = origins.GetStringOrNull("trigger");
                var kind = origin == "user" && IsImport(content.Blocks) ? MessageKind.Command : KindOf(origin, trigger, isSubagent);
                if (kind == MessageKind.Context) session.ContextMessages++;
                session.Live(session.Builder.AddMessage(MessageRole.User, kind, content.Blocks, time), UndoRoleOf(origin, trigger));
                break;
            case "assistant" when message.GetPropertyOrDefault("origin").GetStringOrNull("kind") == "compaction_summary":
                // A snapshot keeps a compaction's summary as the assistant message the model then reads.
                session.Compactions++;
                session.Live(session.Builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, content.Blocks, time), UndoRole.Boundary);
                break;
            case "assistant":
                var turn = session.Builder.StartAssistant(time, model);
                session.Live(turn);
                turn.AddContent(content.Blocks);
                foreach (var thought in content.Thinking) turn.AddReasoning(thought);
                foreach (var call in OpenAIMessages.ReadToolCalls(message.GetPropertyOrDefault("toolCalls"))) turn.AddToolCall(call);
                return turn;
            case "tool":
                var id = message.GetIdOrNull("toolCallId") ?? throw new FormatException("a tool message has no toolCallId");
                session.Live(session.Builder.AddToolResult(new ToolResult(id, content.Blocks) { IsError = message.GetBool("isError"), Timestamp = time }), UndoRole.Removed);
                break;
            case "system":
                session.Live(session.Builder.AddMessage(MessageRole.System, MessageKind.Context, content.Blocks, time), UndoRole.Removed);
                break;
            case var role:
                diagnostics.Error(RolloutDiagnostic.ParseError, line, $"role '{role ?? "(none)"}' is none of user, assistant, tool and system; skipped.");
                break;
        }
        return null;
    }

    /// <summary>
    /// A context.snapshot's folded context (agent/context/index.ts toJSONSnapshot): its history of whole messages, the
    /// messages deferred until a tool exchange closes (appended after it), and its open steps as [step uuid, index into
    /// history], so that the pieces of a step still streaming after the snapshot land on its message. The messages
    /// carry no time of their own.
    /// </summary>
    private static void Restore(KimiSession session, JsonElement snapshot, string? model, bool isSubagent,
        Dictionary<string, ConversationBuilder.AssistantTurn> steps, int line, DiagnosticList diagnostics)
    {
        var history = snapshot.GetPropertyOrDefault("history");
        if (history.ValueKind != JsonValueKind.Array) throw new FormatException("the snapshot has no history");
        var turns = new List<ConversationBuilder.AssistantTurn?>();
        foreach (var message in history.EnumerateArray()) turns.Add(AddMessage(session, message, null, model, isSubagent, steps, line, diagnostics));
        if (snapshot.GetPropertyOrDefault("deferredMessages") is { ValueKind: JsonValueKind.Array } deferred)
        {
            foreach (var message in deferred.EnumerateArray()) AddMessage(session, message, null, model, isSubagent, steps, line, diagnostics);
        }
        if (snapshot.GetPropertyOrDefault("openSteps") is not { ValueKind: JsonValueKind.Array } open) return;
        foreach (var pair in open.EnumerateArray())
        {
            if (pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2 && pair[0].ValueKind == JsonValueKind.String
                && pair[1].ValueKind == JsonValueKind.Number && pair[1].TryGetInt32(out var index) && index >= 0 && index < turns.Count && turns[index] is { } turn)
            {
                steps[pair[0].GetString()!] = turn;
            }
        }
    }

    /// <summary>
    /// Who put a user message there (agent/context/types.ts PromptOrigin): "user" is a person's prompt (in a subagent,
    /// the task its parent's model wrote); a scheduled prompt (cron_job) is a person's words too, sent later;
    /// shell_command is a "!" command and its output, skill_activation and plugin_command a slash command's expansion;
    /// the rest (injection, system_trigger, background_task, cron_missed, hook_result, retry) is text Kimi adds. A skill
    /// the model loaded through its Skill tool is a skill_activation too, told apart by its trigger (model-tool, or
    /// nested-skill for one a skill loaded; tools/builtin/collaboration/skill-tool.ts): that is Kimi's text, not a command.
    /// </summary>
    private static MessageKind KindOf(string origin, string? trigger, bool isSubagent) => origin switch
    {
        "user" => isSubagent ? MessageKind.AgentMessage : MessageKind.Prompt,
        "cron_job" => MessageKind.QueuedPrompt,
        "skill_activation" when trigger is "model-tool" or "nested-skill" => MessageKind.Context,
        "shell_command" or "skill_activation" or "plugin_command" => MessageKind.Command,
        "compaction_summary" => MessageKind.CompactionSummary,
        _ => MessageKind.Context,
    };

    /// <summary>
    /// What /import puts in (VS Code's slash command, since 2026-07-16): a file's or another session's text, under the
    /// person's own origin after Kimi's note (agent/context/index.ts importContext). The person's command and its
    /// output, not words they typed.
    /// </summary>
    private static bool IsImport(IReadOnlyList<ContentBlock> blocks) =>
        blocks.Count > 0 && blocks[0] is { Type: ContentBlockType.Text, Text: { } text } && text.StartsWith("<system>The user has imported context from ", StringComparison.Ordinal);

    /// <summary>
    /// How undo treats a user message (compaction/handoff.ts isRealUserInput): the person's prompt and the slash
    /// commands they typed count, injections are passed over, a compaction's summary stops it, the rest is removed.
    /// </summary>
    private static UndoRole UndoRoleOf(string origin, string? trigger) => origin switch
    {
        "user" => UndoRole.UserInput,
        "skill_activation" or "plugin_command" when trigger == "user-slash" => UndoRole.UserInput,
        "injection" => UndoRole.Kept,
        "compaction_summary" => UndoRole.Boundary,
        _ => UndoRole.Removed,
    };

    /// <summary>A piece of a response (loop/events.ts LoopRecordedEvent), placed by the step it names.</summary>
    private static void AddLoopEvent(KimiSession session, JsonElement loopEvent, DateTimeOffset? time, string? model,
        Dictionary<string, ConversationBuilder.AssistantTurn> steps, int line, DiagnosticList diagnostics)
    {
        var type = loopEvent.GetStringOrNull("type");
        switch (type)
        {
            case "step.begin":
                session.Steps++;
                var begun = session.Builder.StartAssistant(time, model);
                session.Live(begun);
                steps[loopEvent.GetIdOrNull("uuid") ?? string.Empty] = begun;
                return;
            case "tool.result":
                var id = loopEvent.GetIdOrNull("toolCallId") ?? throw new FormatException("a tool result has no toolCallId");
                var result = loopEvent.GetPropertyOrDefault("result");
                var output = KimiParts.Read(result.GetPropertyOrDefault("output"));
                session.Live(session.Builder.AddToolResult(new ToolResult(id, output.Blocks) { IsError = result.GetBool("isError"), Timestamp = time }), UndoRole.Removed);
                return;
        }
        var stepId = loopEvent.GetIdOrNull(type == "step.end" ? "uuid" : "stepUuid") ?? string.Empty;
        if (!steps.TryGetValue(stepId, out var turn))
        {
            diagnostics.Error(RolloutDiagnostic.ParseError, line, $"a {type ?? "loop event without a type"} of step '{stepId}', which no step.begin before it opened; skipped.");
            return;
        }
        switch (type)
        {
            case "content.part":
                var content = KimiParts.ReadPart(loopEvent.GetPropertyOrDefault("part"));
                turn.AddContent(content.Blocks);
                foreach (var thought in content.Thinking) turn.AddReasoning(thought);
                break;
            case "tool.call":
                var call = loopEvent.GetIdOrNull("toolCallId") ?? throw new FormatException("a tool call has no toolCallId");
                turn.AddToolCall(new ToolCall(call, loopEvent.GetStringOrNull("name") ?? string.Empty, OpenAIMessages.Arguments(loopEvent.GetPropertyOrDefault("args"))));
                break;
            case "step.end":
                steps.Remove(stepId);
                if (KimiParts.Usage(loopEvent.GetPropertyOrDefault("usage")) is { } usage) turn.SetUsage(usage);
                turn.ResponseId = loopEvent.GetStringOrNull("messageId") ?? turn.ResponseId;
                if (loopEvent.GetStringOrNull("finishReason") is { } finish) KimiSession.Count(session.FinishReasons, finish);
                break;
            default:
                diagnostics.Error(RolloutDiagnostic.ParseError, line, $"loop event '{type ?? "(none)"}' is none Kimi Code records; skipped.");
                break;
        }
    }
}
