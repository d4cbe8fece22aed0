using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Antigravity;

/// <summary>
/// An Antigravity transcript as a conversation. Each line is one step of the agent's trajectory: "step_index" (its
/// place, counted from 0), "source" (USER_EXPLICIT, MODEL or SYSTEM), "type", "status" (DONE, RUNNING while it runs),
/// "created_at" (UTC, to the second), and by type:
/// <list type="bullet">
/// <item>USER_INPUT: the prompt in "content", what the person typed inside &lt;USER_REQUEST&gt;…&lt;/USER_REQUEST&gt;, with
/// blocks the agent adds after it (&lt;ADDITIONAL_METADATA&gt; with the local time, &lt;USER_SETTINGS_CHANGE&gt; naming the
/// model chosen, "`Model Selection` from None to Gemini 3.5 Flash (High)."). The model sees it whole, so it is kept
/// whole; the title is the request alone.</item>
/// <item>PLANNER_RESPONSE: one model call's output: "content" (its text, absent beside calls), "thinking" (its
/// reasoning), "tool_calls" ({"name", "args"}, each argument's value written as JSON in a string: "\"/tmp/repo\""),
/// and, in the builds that record it, "input_tokens" (the prompt the call read) and "output_tokens".</item>
/// <item>A tool's step (source MODEL, typed by what it did: VIEW_FILE, LIST_DIRECTORY, RUN_COMMAND, CODE_ACTION,
/// GREP_SEARCH, SEARCH_WEB, BROWSER_*, INVOKE_SUBAGENT, GENERIC…): its output in "content". Steps carry no call id: they
/// follow the response that made the calls, one step per call in the order made, so each answers the next call still
/// waiting.</item>
/// <item>SYSTEM steps: CONVERSATION_HISTORY and KNOWLEDGE_ARTIFACTS (what the agent recalls of other conversations,
/// often empty), EPHEMERAL_MESSAGE and SYSTEM_MESSAGE (notes the agent adds), CHECKPOINT (the summary that replaces
/// earlier steps after a compaction), ERROR_MESSAGE (a failed model call, with "error_code").</item>
/// </list>
/// A field too long for transcript.jsonl is clipped and named in "truncated_fields"; transcript_full.jsonl keeps it.
/// </summary>
internal sealed class AntigravityConversation
{
    private readonly ConversationBuilder _builder = new();
    private readonly List<ToolCall> _waitingCalls = new();
    private readonly HashSet<string> _stepNames = new(StringComparer.Ordinal);
    private string? _model;

    /// <summary>"`Model Selection` from X to Y." in a settings change: Y, up to the full stop that ends the sentence (not the one in "3.5").</summary>
    private static readonly Regex ModelSelection = new(@"Model Selection`?\s+from\s+.+?\s+to\s+(?<model>.+?)\.(?:\s|$)", RegexOptions.CultureInvariant);

    public int ContextMessages { get; private set; }
    public int EmptySystemSteps { get; private set; }
    public int ClippedSteps { get; private set; }
    public int UnfinishedSteps { get; private set; }
    public int ModelErrors { get; private set; }
    public int ResponsesWithUsage { get; private set; }
    public int OrphanToolSteps { get; private set; }
    public int UnansweredToolCalls => _builder.UnansweredToolCalls;

    /// <summary>The models chosen in settings changes, in the order first chosen.</summary>
    public List<string> Models { get; } = new();

    /// <summary>What the person asked first, inside &lt;USER_REQUEST&gt;, for a title.</summary>
    public string? FirstRequest { get; private set; }

    public DateTimeOffset? FirstTime { get; private set; }
    public DateTimeOffset? LastTime { get; private set; }

    /// <summary>
    /// Adds one step. A step this reader cannot place is a warning naming its line; a step whose values are not what
    /// Antigravity writes throws <see cref="FormatException"/> (or another unreadable-value exception), for the caller
    /// to report with its line.
    /// </summary>
    public void Add(JsonLine line, DiagnosticList diagnostics)
    {
        var step = line.Root;
        if (step.ValueKind != JsonValueKind.Object) throw new FormatException("the line is not a JSON object.");
        var type = step.GetStringOrNull("type") ?? throw new FormatException("the step has no \"type\".");
        var time = step.GetTimestamp("created_at");
        // Text everywhere Antigravity's readers show it; a list of text parts is read as its text rather than lost.
        var content = step.GetPropertyOrDefault("content") is { ValueKind: JsonValueKind.Array } parts
            ? RolloutMessage.JoinText(OpenAIMessages.ReadContent(parts))
            : step.GetTextOrEmpty("content");
        var done = step.GetStringOrNull("status") is null or "DONE";

        switch (type, step.GetStringOrNull("source"))
        {
            case ("USER_INPUT", _):
                AddPrompt(content, time);
                break;
            case ("PLANNER_RESPONSE", _):
                AddResponse(step, content, time, line.LineNumber);
                break;
            case (_, "SYSTEM"):
                AddSystem(type, content, time);
                break;
            case (_, "MODEL"):
                AddToolStep(step, type, content, done, time, line.LineNumber, diagnostics);
                break;
            case (_, var source):
                diagnostics.Warn(RolloutDiagnostic.ParseError, line.LineNumber, $"step type '{type}' from source '{source ?? "(none)"}' is not one this reader knows of Antigravity's; skipped.");
                break;
        }
        // Counted once the step is read: a step skipped as damaged is counted as a skipped line only.
        if (step.GetPropertyOrDefault("truncated_fields") is { ValueKind: JsonValueKind.Array } clipped && clipped.GetArrayLength() > 0) ClippedSteps++;
        if (!done) UnfinishedSteps++;
        if (time is { } t)
        {
            if (FirstTime is null || t < FirstTime) FirstTime = t;
            if (LastTime is null || t > LastTime) LastTime = t;
        }
    }

    /// <summary>The conversation, once every step is added.</summary>
    public IReadOnlyList<RolloutMessage> Build() => _builder.Build();

    /// <summary>The tokens of the responses that state them, each counted once.</summary>
    public TokenUsage Usage => _builder.Usage;

    private void AddPrompt(string content, DateTimeOffset? time)
    {
        if (ModelSelection.Match(content) is { Success: true } chosen)
        {
            _model = chosen.Groups["model"].Value.Trim();
            if (!Models.Contains(_model, StringComparer.Ordinal)) Models.Add(_model);
        }
        FirstRequest ??= Request(content);
        _waitingCalls.Clear();
        _builder.AddMessage(MessageRole.User, MessageKind.Prompt, Text(content), time);
    }

    private void AddResponse(JsonElement step, string content, DateTimeOffset? time, int lineNumber)
    {
        // Read whole before the response starts, so a damaged step leaves nothing half added.
        var thinking = step.GetTextOrEmpty("thinking");
        var calls = ToolCalls(step, lineNumber);
        var input = step.GetInt64OrZero("input_tokens");
        var output = step.GetInt64OrZero("output_tokens");

        _waitingCalls.Clear();
        var turn = _builder.StartAssistant(time, _model);
        turn.AddContent(Text(content));
        turn.AddReasoning(thinking);
        foreach (var call in calls)
        {
            turn.AddToolCall(call);
            _waitingCalls.Add(call);
        }
        if (input > 0 || output > 0)
        {
            ResponsesWithUsage++;
            turn.SetUsage(new TokenUsage(input, output, 0, 0));
        }
    }

    private void AddSystem(string type, string content, DateTimeOffset? time)
    {
        if (content.Length == 0)
        {
            // A marker (CONVERSATION_HISTORY with nothing recalled): no words to keep.
            EmptySystemSteps++;
            return;
        }
        switch (type)
        {
            case "CHECKPOINT":
                _builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, Text(content), time);
                break;
            case "ERROR_MESSAGE":
                ModelErrors++;
                _builder.StartAssistant(time, null, MessageKind.Synthetic).AddContent(Text(content));
                break;
            default:
                ContextMessages++;
                _builder.AddMessage(MessageRole.System, MessageKind.Context, Text(content), time);
                break;
        }
    }

    /// <summary>
    /// A tool step answers the waiting call its type names (a RUN_COMMAND step the run_command call), else the first
    /// call still waiting: a response's calls can write no step of their own (task_boundary, notify_user), and the steps
    /// of the others must not shift onto them. A step no call is waiting for (a response that named fewer calls, or a
    /// transcript cut short) keeps its output as the result of a call of its own, a Synthetic message named for its
    /// type, and is counted in <see cref="OrphanToolSteps"/>.
    /// </summary>
    private void AddToolStep(JsonElement step, string type, string content, bool done, DateTimeOffset? time, int lineNumber, DiagnosticList diagnostics)
    {
        var index = _waitingCalls.FindIndex(call => Answers(type, call.Name) == true);
        if (index < 0 && _waitingCalls.Count > 0) index = 0;
        if (index < 0)
        {
            OrphanToolSteps++;
            diagnostics.Warn(RolloutDiagnostic.ParseError, lineNumber, $"the {type} step answers no call the model made before it; its output is kept as the result of a call of its own.");
            var stepName = step.GetIdOrNull("step_index") is { } stated && _stepNames.Add(stated) ? stated : $"line{lineNumber}";
            var own = new ToolCall(stepName, type, "{}");
            _builder.StartAssistant(time, null, MessageKind.Synthetic).AddToolCall(own);
            _builder.AddToolResult(new ToolResult(own.Id, Text(content)) { Timestamp = time });
            return;
        }
        var callId = _waitingCalls[index].Id;
        _waitingCalls.RemoveAt(index);
        // A step still running when the log ends has no output yet: its call stays unanswered rather than answered with nothing.
        if (!done && content.Length == 0) return;
        _builder.AddToolResult(new ToolResult(callId, Text(content)) { Timestamp = time });
    }

    /// <summary>Whether a step of the type is the output of a call of the tool named; null for a type this reader does not map.</summary>
    private static bool? Answers(string type, string tool) => type switch
    {
        "RUN_COMMAND" => tool == "run_command",
        "VIEW_FILE" => tool == "view_file",
        "LIST_DIRECTORY" => tool == "list_dir",
        "GREP_SEARCH" => tool == "grep_search",
        "SEARCH_WEB" => tool == "search_web",
        "CODE_ACTION" => tool is "write_to_file" or "replace_file_content" or "multi_replace_file_content" or "write_file",
        _ when type.StartsWith("BROWSER_", StringComparison.Ordinal) => tool.StartsWith("browser_", StringComparison.Ordinal),
        _ => null,
    };

    /// <summary>
    /// A response's calls, their arguments decoded from the JSON each value is written as. A call has no id of its own
    /// (one that has is kept): it is named for its step and place, "&lt;step_index&gt;.&lt;n&gt;", or the line when the step
    /// has no index or one already used.
    /// </summary>
    private List<ToolCall> ToolCalls(JsonElement step, int lineNumber)
    {
        var calls = new List<ToolCall>();
        var list = step.GetPropertyOrDefault("tool_calls");
        if (list.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return calls;
        if (list.ValueKind != JsonValueKind.Array) throw new FormatException("\"tool_calls\" is not a list.");
        var stepName = step.GetIdOrNull("step_index") is { } index && _stepNames.Add(index) ? index : $"line{lineNumber}";
        var n = 0;
        foreach (var call in list.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object) throw new FormatException("a tool call is not an object.");
            var name = call.GetStringOrNull("name") ?? throw new FormatException("a tool call has no \"name\".");
            var id = call.GetIdOrNull("id") ?? $"{stepName}.{n}";
            n++;
            calls.Add(new ToolCall(id, name, Arguments(call.GetPropertyOrDefault("args"))));
        }
        return calls;
    }

    /// <summary>The arguments as one JSON object: each value Antigravity wrote as JSON in a string, decoded; any other value as it is.</summary>
    private static string Arguments(JsonElement args)
    {
        if (args.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return "{}";
        if (args.ValueKind != JsonValueKind.Object) throw new FormatException("\"args\" of a tool call is not an object.");
        return JsonText.Write(writer =>
        {
            writer.WriteStartObject();
            foreach (var argument in args.EnumerateObject())
            {
                writer.WritePropertyName(argument.Name);
                if (argument.Value.ValueKind == JsonValueKind.String && Decoded(argument.Value.GetString()!) is { } decoded) decoded.WriteTo(writer);
                else argument.Value.WriteTo(writer);
            }
            writer.WriteEndObject();
        });
    }

    /// <summary>The value a string holds as JSON; null for a string that is plain text (early builds wrote some so).</summary>
    private static JsonElement? Decoded(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What the person typed: inside &lt;USER_REQUEST&gt;…&lt;/USER_REQUEST&gt;, or the whole prompt when it is not wrapped.</summary>
    private static string Request(string content)
    {
        const string open = "<USER_REQUEST>", close = "</USER_REQUEST>";
        var start = content.IndexOf(open, StringComparison.Ordinal);
        if (start < 0) return content.Trim();
        start += open.Length;
        var end = content.IndexOf(close, start, StringComparison.Ordinal);
        return (end < 0 ? content[start..] : content[start..end]).Trim();
    }

    private static IReadOnlyList<ContentBlock> Text(string text) => text.Length == 0 ? Array.Empty<ContentBlock>() : new[] { ContentBlock.FromText(text) };
}
