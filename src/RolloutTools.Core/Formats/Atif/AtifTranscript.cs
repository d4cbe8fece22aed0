using System.Globalization;
using System.Text.Json;
using RolloutTools.Core.Formats.ClaudeCode;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Atif;

/// <summary>
/// The steps of one trajectory (or of a trajectory and its continuations, stitched) as a conversation.
/// A step is a system prompt, a user message, or one agent turn: the model's message, reasoning and tool
/// calls, then the observation its actions got back. A step that cannot be read costs only itself.
/// </summary>
public sealed class AtifTranscript
{
    private readonly ConversationBuilder _conversation = new();
    private readonly HashSet<string> _calls = new(StringComparer.Ordinal);
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stepsSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _contextManagement = new(StringComparer.Ordinal);
    private string? _lastReasoning;
    private bool _handoffPending;

    public List<string> Models { get; } = new();
    public List<string> ReasoningEfforts { get; } = new();
    public TokenUsage Usage { get; private set; }
    public bool HasStepMetrics { get; private set; }
    public decimal StepCostUsd { get; private set; }
    public bool HasStepCost { get; private set; }
    public long ReasoningTokens { get; private set; }
    public DateTimeOffset? First { get; private set; }
    public DateTimeOffset? Last { get; private set; }
    public int Steps { get; private set; }
    public int CopiedContextSteps { get; private set; }
    public int StitchedCopiesSkipped { get; private set; }
    public int UntetheredResults { get; private set; }
    public int StepWideResults { get; private set; }
    public int UnmatchedCallIds { get; private set; }
    public int UnknownContentParts { get; private set; }
    public int PlaceholderMessages { get; private set; }
    public int HandoffSteps { get; private set; }
    public int RepeatedReasoning { get; private set; }
    public long LlmCalls { get; private set; }
    public int DeterministicSteps { get; private set; }
    public int StepsWithTokenIds { get; private set; }
    public int StepsWithLogprobs { get; private set; }
    public IReadOnlyDictionary<string, long> ContextManagement => _contextManagement;

    /// <summary>Subagent trajectories the observations point to: "step N" with the ref's ids and path.</summary>
    public List<AtifSubagentRef> SubagentRefs { get; } = new();

    /// <summary>
    /// The text of the first step a person typed, else of the first user step that is not theirs (a copied one,
    /// in a continuation read alone; a subagent's task).
    /// </summary>
    public string? FirstPrompt { get; private set; }

    private string? _firstOtherUserText;

    public string? TitleText => FirstPrompt ?? _firstOtherUserText;

    /// <summary>Steps marked extra.is_sidechain: a subagent's turns, which Harbor's Claude Code converter interleaves.</summary>
    public int SidechainSteps { get; private set; }

    /// <summary>Parts of Claude Code user steps that are Claude Code's own text, not the step's (reminders, echoes, markers).</summary>
    public int InjectedUserParts { get; private set; }

    public int UnansweredToolCalls => _conversation.UnansweredToolCalls;

    public IReadOnlyList<RolloutMessage> Messages() => _conversation.Build();

    /// <summary>Agent steps with metrics and nothing readable, which <see cref="Messages"/> left out; read after it.</summary>
    internal IReadOnlyList<UnlistedResponse> UnlistedResponses => _conversation.Unlisted;

    /// <summary>Adds the steps of one trajectory document.</summary>
    /// <param name="defaultModel">agent.model_name: the model of every agent step that names none.</param>
    /// <param name="folder">The file's folder, for images given by relative path; null for text from the pipeline.</param>
    /// <param name="isContinuation">A later file of a stitched chain: its copied steps already in the record are left out.</param>
    /// <param name="lineOf">The line steps[i] starts on, when known (not for embedded subagent trajectories).</param>
    public void AddSteps(JsonElement trajectory, Func<int, int?> lineOf, string? defaultModel, string? folder, bool isContinuation, DiagnosticList diagnostics)
    {
        if (trajectory.GetPropertyOrDefault("steps") is not { ValueKind: JsonValueKind.Array } steps) return;
        var dumpsBlocks = trajectory.GetPropertyOrDefault("agent").GetStringOrNull("name") == "claude-code";
        var index = 0;
        foreach (var step in steps.EnumerateArray())
        {
            var line = lineOf(index);
            try
            {
                var parsed = Parse(step, index, defaultModel, folder, dumpsBlocks);
                Add(parsed, isContinuation);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or JsonException)
            {
                var id = step.GetIdOrNull("step_id");
                diagnostics.Error(RolloutDiagnostic.ParseError, line, $"step {(id is null ? $"steps[{index}]" : $"{id} (steps[{index}])")} is not read: {e.Message}");
            }
            index++;
        }
    }

    /// <param name="dumpsBlocks">Harbor's Claude Code converter wrote the trajectory: see <see cref="AtifContent.ReadDumpedBlocks"/>.</param>
    private ParsedStep Parse(JsonElement step, int index, string? defaultModel, string? folder, bool dumpsBlocks)
    {
        if (step.ValueKind != JsonValueKind.Object) throw new FormatException($"it is a JSON {step.ValueKind}, not a step object.");
        var stepId = step.GetIdOrNull("step_id") ?? (index + 1).ToString(CultureInfo.InvariantCulture);
        var source = step.GetPropertyOrDefault("source") switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString()!,
            { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => throw new FormatException("it has no \"source\"."),
            var other => throw new FormatException($"\"source\" is {other.ValueKind}, not text."),
        };
        if (source is not ("system" or "user" or "agent")) throw new FormatException($"\"source\" is \"{source}\", none of system, user, agent.");

        var message = step.GetPropertyOrDefault("message");
        var (content, unknown) = AtifContent.Read(message, "message", folder);
        if (dumpsBlocks && source == "user") content = AtifContent.ReadDumpedBlocks(content);
        // Harbor's Claude Code converter makes every user line a user step and keeps only its text: what Claude Code
        // adds (reminders, command echoes, interruption markers, task notices, a skill's text) is told by that text.
        var userParts = dumpsBlocks && source == "user" && content.Count > 0 ? ClaudeContent.UnmarkedUserText(content.ToList()) : null;
        var reasoning = step.GetPropertyOrDefault("reasoning_content") switch
        {
            { ValueKind: JsonValueKind.String } r => r.GetString(),
            { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => null,
            var other => throw new FormatException($"\"reasoning_content\" is {other.ValueKind}, not text."),
        };

        var calls = new List<ToolCall>();
        if (List(step.GetPropertyOrDefault("tool_calls"), "\"tool_calls\" is {0}, not a list of calls.") is { } toolCalls)
        {
            var n = 0;
            foreach (var call in toolCalls)
            {
                n++;
                if (call.ValueKind != JsonValueKind.Object) throw new FormatException($"tool_calls[{n - 1}] is a JSON {call.ValueKind}, not a call.");
                // Harbor's Gemini CLI, Codex and OpenHands converters write "" when the agent's log had no id.
                var id = call.GetIdOrNull("tool_call_id") is { Length: > 0 } written ? written : $"step{stepId}_call{n}";
                var name = call.GetStringOrNull("function_name") ?? call.GetStringOrNull("name") ?? "unknown";
                calls.Add(new ToolCall(id, name, AtifContent.Arguments(call.GetPropertyOrDefault("arguments"))));
            }
        }

        var placeholder = source == "agent" && calls.Count == 1 && message.ValueKind == JsonValueKind.String && IsPlaceholder(message.GetString()!, calls[0]);
        if (placeholder) content = Array.Empty<ContentBlock>();

        var results = new List<ParsedResult>();
        var observation = step.GetPropertyOrDefault("observation");
        if (observation.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            throw new FormatException($"\"observation\" is {observation.ValueKind}, not an object with results.");
        }
        if (List(observation.GetPropertyOrDefault("results"), "observation \"results\" is {0}, not a list of results.") is { } observed)
        {
            var n = 0;
            foreach (var result in observed)
            {
                if (result.ValueKind != JsonValueKind.Object) throw new FormatException($"observation.results[{n}] is a JSON {result.ValueKind}, not a result.");
                var (resultContent, resultUnknown) = AtifContent.Read(result.GetPropertyOrDefault("content"), "content", folder);
                if (dumpsBlocks) resultContent = AtifContent.ReadDumpedBlocks(resultContent);
                unknown += resultUnknown;
                var extra = result.GetPropertyOrDefault("extra");
                var refs = new List<AtifSubagentRef>();
                if (result.GetPropertyOrDefault("subagent_trajectory_ref") is { ValueKind: JsonValueKind.Array or JsonValueKind.Object } refList)
                {
                    // A single object where a list belongs is read as a list of one.
                    foreach (var item in refList.ValueKind == JsonValueKind.Array ? refList.EnumerateArray().ToArray() : new[] { refList })
                    {
                        if (item.ValueKind != JsonValueKind.Object) continue;
                        refs.Add(new AtifSubagentRef(stepId, item.GetIdOrNull("trajectory_id"), item.GetIdOrNull("session_id"), item.GetStringOrNull("trajectory_path")));
                    }
                }
                results.Add(new ParsedResult(result.GetIdOrNull("source_call_id") is { Length: > 0 } callId ? callId : null, resultContent, refs)
                {
                    StructuredResult = extra.ValueKind == JsonValueKind.Object ? AtifContent.Compact(extra) : null,
                    ExitCode = extra.GetInt32OrNull("exit_code") ?? extra.GetInt32OrNull("return_code"),
                    IsError = extra.GetBool("is_error"),
                });
                n++;
            }
        }

        var metrics = step.GetPropertyOrDefault("metrics");
        var llmCalls = step.GetPropertyOrDefault("llm_call_count") is { ValueKind: JsonValueKind.Number } count && count.TryGetInt64(out var c) ? c : (long?)null;
        var extraStep = step.GetPropertyOrDefault("extra");
        var contextManagement = extraStep.GetPropertyOrDefault("context_management");
        var effort = step.GetPropertyOrDefault("reasoning_effort") switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Number } f => f.GetRawText(),
            _ => null,
        };

        return new ParsedStep(source, content, reasoning, calls, results)
        {
            StepId = stepId,
            Key = source + "\u0000" + (message.ValueKind == JsonValueKind.String ? message.GetString() : message.ValueKind == JsonValueKind.Undefined ? string.Empty : AtifContent.Compact(message)),
            Timestamp = step.GetTimestamp("timestamp"),
            Model = llmCalls == 0 ? null : step.GetStringOrNull("model_name") ?? defaultModel,
            Effort = effort,
            IsCopied = step.GetBool("is_copied_context"),
            // Not in the schema: Harbor's Claude Code converter marks each step with Claude Code's isSidechain.
            IsSidechain = extraStep.GetBool("is_sidechain"),
            Metrics = metrics.ValueKind == JsonValueKind.Object ? metrics : null,
            LlmCalls = llmCalls,
            ContextManagement = contextManagement.ValueKind == JsonValueKind.Object ? contextManagement.GetStringOrNull("type") ?? "unspecified"
                : contextManagement.ValueKind == JsonValueKind.String ? contextManagement.GetString() : null,
            UnknownParts = unknown,
            IsPlaceholder = placeholder,
            UserParts = userParts,
        };
    }

    /// <summary>
    /// Harbor's converters of some agents give a step that only calls a tool a message of their own making:
    /// "Executed Bash toolu_…" (Claude Code, until early 2026), "Executed bash" (Copilot CLI),
    /// "Executed shell (no result)" (Cortex Code), "[tool call: shell]" (Goose, whose calls are named
    /// extension.tool). It is not the model's text.
    /// </summary>
    private static bool IsPlaceholder(string message, ToolCall call)
    {
        var name = call.Name;
        if (message == $"Executed {name}" || message == $"Executed {name} {call.Id}" || message == $"Executed {name} (no result)") return true;
        var shortName = name[(name.LastIndexOf('.') + 1)..];
        return message == $"[tool call: {shortName}]";
    }

    /// <summary>
    /// The elements of a list field, none when it is absent; a single object where a list belongs is a list of
    /// one, and any other value is the step's error, so what it held is reported rather than lost unnoticed.
    /// </summary>
    private static IReadOnlyList<JsonElement>? List(JsonElement value, string wrongType) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().ToArray(),
        JsonValueKind.Object => new[] { value },
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        _ => throw new FormatException(string.Format(CultureInfo.InvariantCulture, wrongType, value.ValueKind)),
    };

    private void Add(ParsedStep step, bool isContinuation)
    {
        // A continuation begins with steps copied from what came before (the task, the hand-off); stitched,
        // those already in the record are not repeated. Copied steps it does not hold (the hand-off summary) stay.
        if (step.IsCopied && isContinuation && _stepsSeen.Contains(step.Key))
        {
            StitchedCopiesSkipped++;
            return;
        }
        _stepsSeen.Add(step.Key);
        Steps++;
        if (step.IsCopied) CopiedContextSteps++;
        if (step.IsSidechain) SidechainSteps++;
        UnknownContentParts += step.UnknownParts;
        if (step.Timestamp is { } time)
        {
            if (First is null || time < First) First = time;
            if (Last is null || time > Last) Last = time;
        }
        if (step.ContextManagement is { } management) _contextManagement[management] = _contextManagement.GetValueOrDefault(management) + 1;
        // Harbor's models allow metrics on agent steps only; a writer that bills another step still spent them.
        if (step.Source != "agent" && step.Metrics is { } spent && StepUsage(spent) is { } usage) Usage += usage;

        // Terminus-2 records a summarization as a system step pointing to the subagents that wrote the summary,
        // with no text of its own, then (without linear history) the prompt it hands the model as a user step.
        var afterHandoff = _handoffPending;
        _handoffPending = step.Source == "system" && step.Results.Count > 0
            && step.Results.Any(r => r.Refs.Count > 0) && step.Results.All(r => r.Content.Count == 0);

        switch (step.Source)
        {
            case "agent":
                AddAgentStep(step);
                break;
            case "user":
                if (step.Content.Count > 0)
                {
                    // A sidechain's user step is the task the main agent gave its subagent (Claude Code's Task
                    // prompt), not the person's words; a hand-off is the summary that stands for what came before.
                    var kind = step.IsCopied ? MessageKind.Context
                        : step.IsSidechain ? MessageKind.AgentMessage
                        : afterHandoff ? MessageKind.CompactionSummary
                        : MessageKind.Prompt;
                    if (kind == MessageKind.CompactionSummary) HandoffSteps++;
                    // Claude Code's own text in the step keeps the kind its reader gives it; the rest is the step's.
                    var parts = step.UserParts is { } claude && kind is MessageKind.Prompt or MessageKind.AgentMessage
                        ? claude.Select(p => p.Kind == MessageKind.Prompt ? p with { Kind = kind } : p)
                        : new[] { new UserPart(kind, step.Content) };
                    foreach (var part in parts)
                    {
                        if (part.Kind != kind) InjectedUserParts++;
                        _conversation.AddMessage(MessageRole.User, part.Kind, part.Blocks, step.Timestamp);
                        var text = RolloutMessage.JoinText(part.Blocks);
                        if (part.Kind == MessageKind.Prompt) FirstPrompt ??= text.Length > 0 ? text : null;
                        else _firstOtherUserText ??= text.Length > 0 ? text : null;
                    }
                    _lastReasoning = null;
                }
                AddObservations(step, MessageRole.User);
                break;
            default:
                if (step.Content.Count > 0) _conversation.AddMessage(MessageRole.System, MessageKind.Context, step.Content, step.Timestamp);
                AddObservations(step, MessageRole.System);
                break;
        }
    }

    private void AddAgentStep(ParsedStep step)
    {
        if (step.LlmCalls is { } calls)
        {
            LlmCalls += calls;
            if (calls == 0) DeterministicSteps++;
        }
        if (step.Model is { } model && !Models.Contains(model)) Models.Add(model);
        if (step.Effort is { } effort && !ReasoningEfforts.Contains(effort)) ReasoningEfforts.Add(effort);

        if (step.IsPlaceholder) PlaceholderMessages++;
        var turn = _conversation.StartAssistant(step.Timestamp, step.Model);
        turn.AddContent(step.Content);
        // Converters that split one response into a step per tool call (Harbor's Claude Code until early 2026,
        // Cortex Code) copy the response's reasoning onto each: it is read once.
        if (step.Reasoning is { } reasoning)
        {
            if (reasoning == _lastReasoning) RepeatedReasoning++;
            else turn.AddReasoning(reasoning);
            _lastReasoning = reasoning;
        }
        foreach (var call in step.Calls)
        {
            turn.AddToolCall(call);
            _calls.Add(call.Id);
        }
        // A copied step counts where its metrics are written: Harbor writes none on the steps it copies into a
        // continuation (they were counted where they first ran), and v1.7 writers that mark the steps before a
        // compaction boundary as copied keep their metrics, which that trajectory did spend.
        if (step.Metrics is { } metrics && StepUsage(metrics) is { } usage)
        {
            turn.SetUsage(usage, StepCost(metrics));
            Usage += usage;
        }
        AddObservations(step, MessageRole.User);
    }

    /// <summary>The step's cost_usd: what the writer says the step's model calls cost.</summary>
    private static decimal? StepCost(JsonElement metrics) =>
        metrics.GetPropertyOrDefault("cost_usd") is { ValueKind: JsonValueKind.Number } cost && cost.TryGetDecimal(out var usd) ? usd : null;

    /// <summary>
    /// ATIF prompt_tokens counts every input token, cached ones included (stated in v1.2, and what Harbor's
    /// converters always wrote); cache writes, where a provider bills them, are in metrics.extra. Ours:
    /// input without cache reads or writes, so the four counts add up.
    /// </summary>
    private TokenUsage? StepUsage(JsonElement metrics)
    {
        if (metrics.GetPropertyOrDefault("prompt_token_ids").ValueKind == JsonValueKind.Array
            || metrics.GetPropertyOrDefault("completion_token_ids").ValueKind == JsonValueKind.Array) StepsWithTokenIds++;
        if (metrics.GetPropertyOrDefault("logprobs").ValueKind == JsonValueKind.Array) StepsWithLogprobs++;
        if (StepCost(metrics) is { } usd)
        {
            StepCostUsd += usd;
            HasStepCost = true;
        }
        // Harbor's Claude Code converter keeps Anthropic's names in metrics.extra, its Codex converter Codex's.
        var extra = metrics.GetPropertyOrDefault("extra");
        ReasoningTokens += FirstCount(extra, "reasoning_tokens", "reasoning_output_tokens");
        var prompt = metrics.GetInt64OrZero("prompt_tokens");
        var completion = metrics.GetInt64OrZero("completion_tokens");
        var cached = metrics.GetInt64OrZero("cached_tokens");
        var written = FirstCount(extra, "cache_creation_input_tokens", "cache_write_input_tokens");
        if (prompt == 0 && completion == 0 && cached == 0 && written == 0) return null;
        HasStepMetrics = true;
        return new TokenUsage(Math.Max(0, prompt - cached), completion, cached, written);
    }

    /// <summary>The first of the named counts the object has (0 if none): one count written under several names.</summary>
    internal static long FirstCount(JsonElement value, params string[] names)
    {
        foreach (var name in names)
        {
            if (value.GetPropertyOrDefault(name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var count)) return count;
        }
        return 0;
    }

    /// <summary>
    /// Results name the call they answer by source_call_id, which is optional. Terminus-2 writes its commands
    /// as calls and the terminal output once for the whole step, with none ("the observation applies to the
    /// entire step"): when no result of a step names a call, its results answer the step's calls, in order
    /// when there are as many, else one result answers the last call (the terminal as the step left it).
    /// Other output without a call (agents without function calling, environment notes), or naming a call
    /// never made, is kept as a message of the step's side (the user's, for an agent's actions), marked
    /// ToolResult, so its text is read and chat datasets stay valid.
    /// </summary>
    private void AddObservations(ParsedStep step, MessageRole untetheredRole)
    {
        var stepWide = StepWideAnswers(step);
        for (var i = 0; i < step.Results.Count; i++)
        {
            var result = step.Results[i];
            SubagentRefs.AddRange(result.Refs);
            if (stepWide?[i] is { } answers && _calls.Contains(answers) && !_answered.Contains(answers))
            {
                StepWideResults++;
                result = result with { CallId = answers };
            }
            if (result.CallId is { } callId && _calls.Contains(callId) && _answered.Add(callId))
            {
                _conversation.AddToolResult(new ToolResult(callId, result.Content)
                {
                    IsError = result.IsError,
                    StructuredResult = result.StructuredResult,
                    ExitCode = result.ExitCode,
                    Timestamp = step.Timestamp,
                });
                continue;
            }
            if (result.CallId is not null) UnmatchedCallIds++;
            if (result.Content.Count == 0) continue;
            UntetheredResults++;
            var kind = IsCompaction(step.ContextManagement) ? MessageKind.CompactionSummary
                : untetheredRole == MessageRole.System ? MessageKind.Context
                : MessageKind.ToolResult;
            _conversation.AddMessage(untetheredRole, kind, result.Content, step.Timestamp);
        }
    }

    /// <summary>
    /// Whether a context_management step's output is the summary that stands for what came before (v1.7 §VII
    /// "compaction", and types it does not define). Its "injection" adds outside knowledge and "pruning" only
    /// removes turns, so their output is context like any other system step's.
    /// </summary>
    private static bool IsCompaction(string? contextManagement) => contextManagement is not (null or "injection" or "pruning");

    /// <summary>For each result of a step whose results name no call, the step's call it answers (null: none).</summary>
    private static string?[]? StepWideAnswers(ParsedStep step)
    {
        if (step.Calls.Count == 0 || step.Results.Count == 0 || step.Results.Any(r => r.CallId is not null)) return null;
        var answers = new string?[step.Results.Count];
        if (step.Results.Count == step.Calls.Count)
        {
            for (var i = 0; i < answers.Length; i++) answers[i] = step.Calls[i].Id;
        }
        else if (step.Results.Count == 1)
        {
            answers[0] = step.Calls[^1].Id;
        }
        else
        {
            return null;
        }
        return answers;
    }

    private sealed record ParsedStep(string Source, IReadOnlyList<ContentBlock> Content, string? Reasoning, IReadOnlyList<ToolCall> Calls, IReadOnlyList<ParsedResult> Results)
    {
        public required string StepId { get; init; }
        public required string Key { get; init; }
        public DateTimeOffset? Timestamp { get; init; }
        public string? Model { get; init; }
        public string? Effort { get; init; }
        public bool IsCopied { get; init; }
        public bool IsSidechain { get; init; }
        public JsonElement? Metrics { get; init; }
        public long? LlmCalls { get; init; }
        public string? ContextManagement { get; init; }
        public int UnknownParts { get; init; }
        public bool IsPlaceholder { get; init; }

        /// <summary>A Claude Code user step's content in parts of one kind (<see cref="ClaudeContent.UnmarkedUserText"/>).</summary>
        public IReadOnlyList<UserPart>? UserParts { get; init; }
    }

    private sealed record ParsedResult(string? CallId, IReadOnlyList<ContentBlock> Content, IReadOnlyList<AtifSubagentRef> Refs)
    {
        public string? StructuredResult { get; init; }
        public int? ExitCode { get; init; }
        public bool IsError { get; init; }
    }
}

/// <summary>A subagent trajectory an observation points to: embedded (by trajectory_id) or in a file (trajectory_path).</summary>
public sealed record AtifSubagentRef(string StepId, string? TrajectoryId, string? SessionId, string? TrajectoryPath)
{
    /// <summary>"step 5: child-id (trajectory.summarization-1-summary.json)".</summary>
    public override string ToString()
    {
        var id = TrajectoryId ?? SessionId ?? "?";
        return TrajectoryPath is null ? $"step {StepId}: {id}" : $"step {StepId}: {id} ({TrajectoryPath})";
    }
}
