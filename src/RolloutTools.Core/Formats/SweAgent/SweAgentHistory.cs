using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.SweAgent;

/// <summary>
/// The conversation of a SWE-agent .traj file, read from its "history": the messages the model was sent, in order
/// (sweagent/agent/agents.py: the system prompt, the demonstrations, the instance template, then for each step the
/// model's output and the observation). "trajectory" repeats them step by step with each step's full query, so it
/// is not read for messages; it gives what history lacks, each action's execution_time, and the responses the agent
/// asked again for after a format or syntax error (in trajectory, never in history), which are listed before the response that replaced them, and counted.
/// With function calling, the assistant's tool_calls are answered by "tool" messages naming their ids; with the
/// thought/action parsers, the assistant's "action" is a shell command answered by the next observation, read as a
/// call of <see cref="ShellAction.ToolName"/> (see <see cref="ShellAction"/>). Demonstrations (is_demo) are kept as
/// Context: a worked example the agent showed the model, not part of this run's work.
/// </summary>
internal sealed class SweAgentHistory
{
    private readonly ConversationBuilder _builder = new();
    private readonly Dictionary<string, int> _callIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _renamed = new(StringComparer.Ordinal);
    private readonly List<Step> _steps;
    private readonly HashSet<string> _agents = new(StringComparer.Ordinal);
    private readonly string? _model;
    private int _nextStep;
    private int _actions;
    private bool _prompted;
    /// <summary>The id given to the last response's text action, until the observation answers it.</summary>
    private string? _pendingAction;

    /// <summary>How long the last response's action ran, for the observation that answers it.</summary>
    private TimeSpan? _executionTime;

    private SweAgentHistory(List<Step> steps, string? model)
    {
        _steps = steps;
        _model = model;
    }

    public int Demonstrations { get; private set; }

    public int Entries { get; private set; }

    /// <summary>Trajectory steps no history message is: responses asked again for after an error, which were billed.</summary>
    public int RequeriedSteps => _steps.Count - _steps.Count(s => s.Matched);

    public IReadOnlyCollection<string> Agents => _agents;

    public ConversationBuilder Builder => _builder;

    /// <summary>The working directory the last step's state names (state.working_dir; a JSON string before 1.0).</summary>
    public string? WorkingDir { get; private set; }

    /// <param name="where">Where the history is in the file ("attempts[1]." for a retry agent's attempt), for messages.</param>
    public static SweAgentHistory Read(JsonElement root, Func<string, int, int?> line, string where, string? model, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var steps = new List<Step>();
        var trajectory = root.GetPropertyOrDefault("trajectory");
        if (trajectory.ValueKind == JsonValueKind.Array)
        {
            foreach (var step in trajectory.EnumerateArray())
            {
                if (step.ValueKind != JsonValueKind.Object) continue;
                steps.Add(new Step(step.GetStringOrNull("action"), step.GetStringOrNull("response"), step.GetSecondsOrNull("execution_time"), step.GetPropertyOrDefault("query")));
            }
        }
        var read = new SweAgentHistory(steps, model);
        if (trajectory.ValueKind == JsonValueKind.Array && trajectory.GetArrayLength() > 0) read.WorkingDir = WorkingDirOf(trajectory[trajectory.GetArrayLength() - 1]);

        var index = 0;
        foreach (var entry in root.GetPropertyOrDefault("history").EnumerateArray())
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                read.Add(entry);
                read.Entries++;
            }
            catch (FormatException e)
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, line("history", index), $"{where}history[{index}] could not be read, message skipped: {e.Message}");
            }
            index++;
        }
        return read;
    }

    private void Add(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object) throw new FormatException($"the entry is {entry.ValueKind}, not an object.");
        var role = entry.GetStringOrNull("role") ?? throw new FormatException("the entry has no role.");
        var content = OpenAIMessages.ReadContent(entry.GetPropertyOrDefault("content"));
        if (entry.GetStringOrNull("agent") is { } agent) _agents.Add(agent);
        if (entry.GetBool("is_demo"))
        {
            AddDemonstration(role, entry, content);
            return;
        }
        switch (role)
        {
            case "system":
                _builder.AddMessage(MessageRole.System, MessageKind.Context, content, null);
                break;
            case "assistant":
                AddResponse(entry, content);
                break;
            case "tool":
                // SWE-agent answers one call per observation (FunctionCallingParser allows one), so the first id is the call's.
                var id = entry.GetPropertyOrDefault("tool_call_ids") is { ValueKind: JsonValueKind.Array } ids && ids.GetArrayLength() > 0
                    ? ids[0].ValueKind == JsonValueKind.String ? ids[0].GetString()! : ids[0].GetRawText()
                    : _pendingAction ?? string.Empty;
                AddObservation(_renamed.Remove(id, out var renamed) ? renamed : id, content);
                break;
            case "user":
                if (_pendingAction is { } action)
                {
                    AddObservation(action, content);
                    break;
                }
                // The instance template carries the task (the issue); later user messages are the agent's own templates.
                _builder.AddMessage(MessageRole.User, _prompted ? MessageKind.Context : MessageKind.Prompt, content, null);
                _prompted = true;
                break;
            default:
                throw new FormatException($"the role \"{role}\" is none SWE-agent writes.");
        }
    }

    private void AddResponse(JsonElement entry, IReadOnlyList<ContentBlock> content)
    {
        _pendingAction = null;
        var action = entry.GetStringOrNull("action");
        var calls = OpenAIMessages.ReadToolCalls(entry.GetPropertyOrDefault("tool_calls"));
        _executionTime = TakeStep(action, entry.GetStringOrNull("content"));
        if (calls.Count == 0 && IsAgentsNotice(action, entry.GetStringOrNull("thought"), content))
        {
            _builder.StartAssistant(null, null, MessageKind.Synthetic).AddContent(content);
            return;
        }
        var turn = _builder.StartAssistant(null, _model);
        if (entry.GetPropertyOrDefault("thinking_blocks") is { ValueKind: JsonValueKind.Array } thinking)
        {
            foreach (var block in thinking.EnumerateArray())
            {
                if (block.GetStringOrNull("thinking") is { } text) turn.AddReasoning(text);
            }
        }
        if (calls.Count > 0)
        {
            turn.AddContent(content);
            foreach (var call in calls) turn.AddToolCall(Unique(call));
            return;
        }
        if (string.IsNullOrWhiteSpace(action) || ExitActions.Contains(action.Trim()))
        {
            turn.AddContent(content);
            return;
        }
        // The thought/action parsers keep the text before the action as "thought"; the output as written holds both.
        turn.AddContent(entry.GetStringOrNull("thought") is { } thought ? new[] { ContentBlock.FromText(thought.Trim()) } : content);
        var id = $"action-{++_actions}";
        turn.AddToolCall(ShellAction.Call(id, action.Trim()));
        _pendingAction = id;
    }

    /// <summary>
    /// The actions 0.x's agent put in place of the model's when it gave up (agents.py forward_with_error_check and
    /// check_format_and_requery), which its environment (swe_env.py step) answered by submitting what there was.
    /// </summary>
    private static readonly HashSet<string> ExitActions = new(StringComparer.Ordinal) { "exit_context", "exit_cost", "exit_error", "exit_format", "exit_api" };

    /// <summary>
    /// Whether an assistant entry is the agent's own notice of why it stopped ("Exit due to cost limit"), not the
    /// model's output: 1.x (agents.py handle_error_with_autosubmission) writes it as a step without an action whose
    /// output and thought are the notice; 0.x as one of <see cref="ExitActions"/> whose output repeats the thought
    /// (for exit_format the output is the model's last answer, which stays the model's).
    /// </summary>
    private static bool IsAgentsNotice(string? action, string? thought, IReadOnlyList<ContentBlock> content) =>
        (string.IsNullOrWhiteSpace(action) || ExitActions.Contains(action.Trim()))
        && thought is { } notice && !string.IsNullOrWhiteSpace(notice)
        && string.Equals(notice.Trim(), RolloutMessage.JoinText(content).Trim(), StringComparison.OrdinalIgnoreCase);

    private void AddObservation(string callId, IReadOnlyList<ContentBlock> content)
    {
        _builder.AddToolResult(new ToolResult(callId, content) { Duration = _executionTime });
        _pendingAction = null;
    }

    private void AddDemonstration(string role, JsonElement entry, IReadOnlyList<ContentBlock> content)
    {
        Demonstrations++;
        switch (role)
        {
            case "system":
                _builder.AddMessage(MessageRole.System, MessageKind.Context, content, null);
                break;
            case "assistant":
                // An example answer, not this run's: no model, no tool call to pair; the action stays readable in its text.
                var text = RolloutMessage.JoinText(content);
                var action = entry.GetStringOrNull("action")?.Trim();
                if (!string.IsNullOrEmpty(action) && !text.Contains(action, StringComparison.Ordinal)) text = (text + "\n\n```\n" + action + "\n```").Trim();
                _builder.StartAssistant(null, null, MessageKind.Context).AddContent(new[] { ContentBlock.FromText(text) });
                break;
            default:
                _builder.AddMessage(MessageRole.User, MessageKind.Context, content, null);
                break;
        }
    }

    /// <summary>
    /// A call id met again gets a suffix: replayed trajectories repeat an id from an earlier step, and each call
    /// is still answered by the tool message that follows it.
    /// </summary>
    private ToolCall Unique(ToolCall call)
    {
        var seen = _callIds.GetValueOrDefault(call.Id);
        _callIds[call.Id] = seen + 1;
        if (seen == 0) return call;
        var id = $"{call.Id}~{seen + 1}";
        _renamed[call.Id] = id;
        return new ToolCall(id, call.Name, call.Arguments);
    }

    /// <summary>
    /// The execution time of the trajectory step this response is, found in order. The steps passed over before it
    /// are responses the agent asked again for after a format, blocklist or syntax error (forward_with_handling),
    /// which history never holds: each is listed before it, the model's answer and then the agent's error message.
    /// </summary>
    private TimeSpan? TakeStep(string? action, string? response)
    {
        for (var i = _nextStep; i < _steps.Count; i++)
        {
            var step = _steps[i];
            if (step.Action != action || (step.Response is not null && response is not null && step.Response != response)) continue;
            for (var passed = _nextStep; passed < i; passed++) AddRequeried(passed);
            step.Matched = true;
            _nextStep = i + 1;
            return step.ExecutionTime;
        }
        return null;
    }

    /// <summary>
    /// A response asked again for, without a call (none of it ran), and the error message it got: the query of the
    /// next step ends with the two (get_model_requery_history), since the model was sent them once.
    /// </summary>
    private void AddRequeried(int index)
    {
        var response = _steps[index].Response;
        if (string.IsNullOrWhiteSpace(response)) return;
        _builder.StartAssistant(null, _model).AddContent(new[] { ContentBlock.FromText(response) });
        if (index + 1 >= _steps.Count || _steps[index + 1].Query is not { ValueKind: JsonValueKind.Array } query || query.GetArrayLength() < 2) return;
        var answer = query[query.GetArrayLength() - 2];
        var error = query[query.GetArrayLength() - 1];
        if (answer.GetStringOrNull("role") != "assistant" || answer.GetStringOrNull("content") != response || error.GetStringOrNull("role") != "user") return;
        if (error.GetPropertyOrDefault("content") is { ValueKind: JsonValueKind.String or JsonValueKind.Array } content)
        {
            _builder.AddMessage(MessageRole.User, MessageKind.Synthetic, OpenAIMessages.ReadContent(content), null);
        }
    }

    private static string? WorkingDirOf(JsonElement step)
    {
        var state = step.GetPropertyOrDefault("state");
        if (state.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var parsed = JsonDocument.Parse(state.GetString()!);
                return parsed.RootElement.GetStringOrNull("working_dir");
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return state.GetStringOrNull("working_dir");
    }

    private sealed class Step
    {
        public Step(string? action, string? response, TimeSpan? executionTime, JsonElement query)
        {
            Action = action;
            Response = response;
            ExecutionTime = executionTime;
            Query = query;
        }

        public string? Action { get; }
        public string? Response { get; }
        public TimeSpan? ExecutionTime { get; }

        /// <summary>The messages the model was sent for this step (1.0 on).</summary>
        public JsonElement Query { get; }
        public bool Matched { get; set; }
    }
}
