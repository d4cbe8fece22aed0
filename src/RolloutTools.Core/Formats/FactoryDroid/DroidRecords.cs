using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.FactoryDroid;

/// <summary>
/// Turns one Droid session file into a normalized record. Its lines (every public reader agrees on them: jazzyalex/
/// agent-sessions DroidSessionParser.swift, franken_agent_detection connectors/factory.rs, sageox/ox
/// cmd/ox-adapter-droid session.go with a real file of droid 0.126.0):
/// session_start first (id, title, sessionTitle, isSessionTitleManuallySet, cwd, owner, version; a delegated
/// session adds callingSessionId and callingToolUseId), then "message" lines ({id, parentId, timestamp, message:
/// {role, content, visibility?, modelId?}}), with todo_state (the todo list after a TodoWrite call),
/// compaction_state (summaryText replacing removedCount earlier messages), agent_turn_outcome (how a turn ended) and
/// session_end among them. A user message of visibility "llm_only" (its id "context-…") is the harness's context for
/// the model; one of "user_only" is a notice shown to the person and never sent. Lines carry no tokens: the
/// session's totals are its settings file's (<see cref="DroidSettings"/>).
/// </summary>
internal static class DroidRecords
{
    public const string SourceKind = "factory_droid";

    private const string ContextIdPrefix = "context-";

    /// <summary>
    /// The userMessageSource of a user message that Factory's own services wrote, not a person (the CLI's
    /// SessionService, droid 0.229.0; the same names as the session sources of Factory's API).
    /// </summary>
    private static readonly HashSet<string> ServiceSources = new(StringComparer.Ordinal)
    {
        "automation", "readiness-remediation", "readiness-evaluation", "wiki-generation", "wiki-ci-setup",
    };

    public static RolloutRecord Build(IReadOnlyList<JsonLine> lines, DroidSettings? settings, string path, DiagnosticList diagnostics)
    {
        var builder = new ConversationBuilder();
        var state = new State();
        foreach (var line in lines)
        {
            try
            {
                Add(line, builder, state, settings, diagnostics);
            }
            catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, $"a value could not be read ({e.Message}); skipped.");
            }
        }
        var messages = builder.Build();

        var start = state.Start;
        var id = start?.GetStringOrNull("id") ?? Path.GetFileNameWithoutExtension(path);
        var parent = start?.GetStringOrNull("callingSessionId");
        var models = state.Models.Concat(settings?.Model is { } model ? new[] { model } : Array.Empty<string>()).Distinct(StringComparer.Ordinal).ToArray();
        var cwd = start?.GetStringOrNull("cwd");

        var sourceMeta = new SourceMeta.Builder()
            .Add("session_id", id)
            .Add("workspace_folder", Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))))
            .Add("session_title", start?.GetStringOrNull("sessionTitle"))
            .Add("first_message_title", start?.GetStringOrNull("title"))
            .Add("title_set_by_user", start?.GetBool("isSessionTitleManuallySet") ?? false)
            .Add("owner", start?.GetStringOrNull("owner"))
            .Add("parent_session_id", parent)
            .Add("parent_tool_use_id", start?.GetStringOrNull("callingToolUseId"))
            .Add("provider_lock", settings?.ProviderLock)
            .Add("reasoning_effort", settings?.ReasoningEffort)
            .Add("interaction_mode", settings?.InteractionMode)
            .Add("autonomy_level", settings?.AutonomyLevel)
            .Add("autonomy_mode", settings?.AutonomyMode)
            .Add("assistant_active_seconds", settings?.AssistantActiveTime?.TotalSeconds ?? 0)
            .Add("thinking_tokens", settings?.Tokens?.ThinkingTokens ?? 0)
            .Add("factory_credits", settings?.Tokens?.FactoryCredits ?? 0)
            .Add("inclusive_total_tokens", settings?.InclusiveTokens?.Usage.Total ?? 0)
            .Add("no_settings_file", settings is null)
            .Add("context_messages", state.ContextMessages)
            .Add("notices", state.Notices)
            .Add("hook_messages", state.HookMessages)
            .Add("service_messages", state.ServiceMessages)
            .Add("shell_commands", state.ShellCommands)
            .Add("settings_lines", state.SettingsLines)
            .Add("documents", state.Documents)
            .Add("todo_states", state.TodoStates)
            .Add("compactions", state.Compactions)
            .Add("compacted_messages", state.CompactedMessages)
            .Add("turn_outcomes", state.TurnOutcomes)
            .Add("redacted_thinking", state.RedactedThinking)
            .Add("orphan_tool_results", builder.OrphanToolResults)
            .Add("unanswered_tool_calls", builder.UnansweredToolCalls)
            .Add("skipped_lines", diagnostics.ErrorCount)
            .Build();

        return new RolloutRecord
        {
            TraceId = id,
            Format = RolloutFormat.FactoryDroid,
            SourceKind = SourceKind,
            SourcePath = path,
            RootSessionId = parent ?? id,
            AgentId = parent is null ? null : id,
            IsSidechain = parent is not null,
            Cwd = cwd,
            ProjectPath = cwd,
            StartedAt = state.First,
            EndedAt = state.Last,
            Title = Titles.Clean(Title(start, messages)),
            Models = models,
            Messages = messages,
            SourceMeta = sourceMeta,
            Usage = settings?.Tokens?.Usage ?? default,
        };
    }

    /// <summary>
    /// Droid keeps two titles: "title", the person's first words or the name they gave it, and "sessionTitle", the
    /// one it generates. A name the person gave wins, then the generated one.
    /// </summary>
    private static string? Title(JsonElement? start, IReadOnlyList<RolloutMessage> messages)
    {
        var own = start?.GetStringOrNull("title") is { Length: > 0 } title ? title : null;
        if (start?.GetBool("isSessionTitleManuallySet") == true && own is not null) return own;
        return (start?.GetStringOrNull("sessionTitle") is { Length: > 0 } generated ? generated : null)
            ?? own
            ?? messages.FirstOrDefault(m => m.Kind is MessageKind.Prompt or MessageKind.AgentMessage)?.Text;
    }

    private static void Add(JsonLine line, ConversationBuilder builder, State state, DroidSettings? settings, DiagnosticList diagnostics)
    {
        var root = line.Root;
        var type = root.GetStringOrNull("type");
        switch (type)
        {
            case "session_start":
                state.Start ??= root;
                return;
            case "message":
                AddMessage(line, builder, state, settings, diagnostics);
                return;
            case "compaction_state":
                state.Compactions++;
                state.CompactedMessages += root.GetInt64OrZero("removedCount");
                state.See(Time(root));
                if (root.GetStringOrNull("summaryText") is { Length: > 0 } summary)
                {
                    builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, new[] { ContentBlock.FromText(summary) }, Time(root));
                }
                else if (root.GetPropertyOrDefault("summaryText").ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String))
                {
                    diagnostics.Warn(RolloutDiagnostic.ParseError, line.LineNumber, "the compaction's summaryText is not text; the summary is left out.");
                }
                return;
            case "session_settings":
                // The session's settings as a line (autonomy, model); the settings file beside it is what is read.
                state.SettingsLines++;
                return;
            case "todo_state":
                state.TodoStates++;
                return;
            case "agent_turn_outcome":
                state.Outcome(root.GetStringOrNull("resultKind") ?? root.GetStringOrNull("reason") ?? "unknown");
                return;
            case "session_end":
                state.Outcome("session_end");
                return;
            default:
                diagnostics.Warn(RolloutDiagnostic.ParseError, line.LineNumber, $"a line of type '{type ?? "(none)"}' is not one Droid is known to write; passed over.");
                return;
        }
    }

    private static void AddMessage(JsonLine line, ConversationBuilder builder, State state, DroidSettings? settings, DiagnosticList diagnostics)
    {
        var root = line.Root;
        var message = root.GetPropertyOrDefault("message");
        var role = message.GetStringOrNull("role");
        var time = Time(root);
        if (role is not ("user" or "assistant" or "tool" or "system"))
        {
            diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, $"message role '{role ?? "(none)"}' is none of user, assistant, tool and system; skipped.");
            return;
        }
        state.See(time);
        var content = DroidContent.Read(message.GetPropertyOrDefault("content"), time);
        if (content.Unreadable is { } kind)
        {
            diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, $"the message's content is a JSON {kind.ToString().ToLowerInvariant()}, neither text nor a list of blocks; skipped.");
            return;
        }
        state.RedactedThinking += content.RedactedThinking;
        state.Documents += content.Documents;
        if (content.UnknownTypes.Count > 0)
        {
            diagnostics.Warn(RolloutDiagnostic.ParseError, line.LineNumber, $"content of type {string.Join(", ", content.UnknownTypes.Distinct().Select(t => $"'{t}'"))} is not read.");
        }

        if (role == "assistant")
        {
            var stated = message.GetStringOrNull("modelId") ?? message.GetStringOrNull("model");
            if (stated is not null) state.Models.Add(stated);
            var model = stated ?? settings?.Model;
            var turn = builder.StartAssistant(time, model);
            turn.ResponseId = root.GetStringOrNull("id");
            turn.AddContent(content.All);
            // chatCompletionReasoningContent repeats the thinking block for chat-completion providers; alone it is the reasoning.
            if (content.Thinking.Count == 0 && root.GetStringOrNull("chatCompletionReasoningContent") is { Length: > 0 } reasoning) turn.AddReasoning(reasoning);
            foreach (var thought in content.Thinking) turn.AddReasoning(thought);
            foreach (var call in content.Calls) turn.AddToolCall(call);
            foreach (var result in content.Results) builder.AddToolResult(result);
            return;
        }

        // A "tool" message holds tool results, as a user message does; its other blocks and a "system" message are
        // the harness's, never a person's words.
        foreach (var result in content.Results) builder.AddToolResult(result);
        if (role is "tool" or "system")
        {
            if (content.All.Count > 0) state.ContextMessages++;
            AddIf(builder, MessageKind.Context, content.All, time, role == "system" ? MessageRole.System : MessageRole.User);
            return;
        }
        var visibility = message.GetStringOrNull("visibility");
        var harness = visibility == "llm_only" || root.GetStringOrNull("id")?.StartsWith(ContextIdPrefix, StringComparison.Ordinal) == true;
        if (visibility == "user_only")
        {
            state.Notices++;
            AddIf(builder, MessageKind.Synthetic, content.All, time);
            return;
        }
        if (harness)
        {
            state.ContextMessages++;
            AddIf(builder, MessageKind.Context, content.All, time);
            return;
        }
        // A hook's output (hookEventName, such as UserPromptSubmit) is what a script the person set up said.
        if (message.GetStringOrNull("hookEventName") is not null)
        {
            state.HookMessages++;
            AddIf(builder, MessageKind.Synthetic, content.All, time);
            return;
        }
        if (content.Reminders.Count > 0)
        {
            state.ContextMessages++;
            AddIf(builder, MessageKind.Context, content.Reminders, time);
        }
        state.ShellCommands += content.ShellRuns.Count;
        AddIf(builder, MessageKind.Command, content.ShellRuns, time);
        // A delegated session's prompts are the task its parent's agent wrote, and a service's are its own: no
        // person's words.
        var delegated = state.Start?.GetStringOrNull("callingSessionId") is not null;
        var service = message.GetStringOrNull("userMessageSource") is { } source && ServiceSources.Contains(source);
        if (service && content.Text.Count > 0) state.ServiceMessages++;
        AddIf(builder, delegated || service ? MessageKind.AgentMessage : MessageKind.Prompt, content.Text, time);
    }

    /// <summary>A line's time: ISO 8601 text as Droid writes it, or Unix milliseconds as some lines give it.</summary>
    private static DateTimeOffset? Time(JsonElement root) =>
        root.GetTimestamp("timestamp")
        ?? (root.GetPropertyOrDefault("timestamp") is { ValueKind: JsonValueKind.Number } number && number.TryGetInt64(out var ms) ? UnixTime.FromSecondsOrMilliseconds(ms) : null);

    private static void AddIf(ConversationBuilder builder, MessageKind kind, IReadOnlyList<ContentBlock> content, DateTimeOffset? time, MessageRole role = MessageRole.User)
    {
        if (content.Count > 0) builder.AddMessage(role, kind, content, time);
    }

    private sealed class State
    {
        public JsonElement? Start { get; set; }
        public DateTimeOffset? First { get; private set; }
        public DateTimeOffset? Last { get; private set; }
        public List<string> Models { get; } = new();
        public long ContextMessages { get; set; }
        public long Notices { get; set; }
        public long HookMessages { get; set; }
        public long SettingsLines { get; set; }
        public long Documents { get; set; }
        public long ServiceMessages { get; set; }
        public long ShellCommands { get; set; }
        public long TodoStates { get; set; }
        public long Compactions { get; set; }
        public long CompactedMessages { get; set; }
        public long RedactedThinking { get; set; }
        public Dictionary<string, long> TurnOutcomes { get; } = new(StringComparer.Ordinal);

        public void See(DateTimeOffset? time)
        {
            if (time is not { } t) return;
            if (First is null || t < First) First = t;
            if (Last is null || t > Last) Last = t;
        }

        public void Outcome(string kind) => TurnOutcomes[kind] = TurnOutcomes.GetValueOrDefault(kind) + 1;
    }
}
