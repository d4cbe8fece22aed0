using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.SweAgent;

/// <summary>
/// The conversation of a mini-swe-agent trajectory, read from its "messages": the list the agent sends the model,
/// saved as it stands (agents/default.py serialize). Since 2.0 ("mini-swe-agent-1.1") each message keeps what the
/// agent knew about it in "extra": a response's parsed actions, the whole API response with its usage, its cost and
/// time; an observation's return code and time; why a user message was added (interrupt_type); and the run ends
/// with a message of role "exit" holding the exit status and the submission. Messages are shaped by the model class
/// that wrote them: chat completions (tool_calls answered by "tool" messages), text-based models (actions taken from
/// a fenced block, answered by "user" observations in order), or the Responses API (the response object itself,
/// answered by function_call_output items). Before 2.0 ("mini-swe-agent-1" and the bare lists before it) messages
/// held role and content, later a time and the response, and the one ```bash block of a response was its action.
/// </summary>
internal sealed partial class MiniConversation
{
    private readonly ConversationBuilder _builder = new();
    private readonly Queue<string> _pendingActions = new();
    private readonly string? _model;
    private int _actions;
    private int _commandOutputs;
    private bool _prompted;
    /// <summary>The last answer held no action to run: before 2.0 the agent kept it and answered with a format error.</summary>
    private bool _refused;

    private MiniConversation(string? model)
    {
        _model = model;
    }

    public ConversationBuilder Builder => _builder;

    public int FormatErrors { get; private set; }

    public string? ExitStatus { get; private set; }

    public string? Submission { get; private set; }

    /// <summary>The messages' model class, as their shape tells it: chat completions, text-based or Responses API.</summary>
    public HashSet<string> Shapes { get; } = new(StringComparer.Ordinal);

    public static MiniConversation Read(JsonElement messages, Func<int, int?> line, string? model, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var read = new MiniConversation(model);
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                read.Add(message);
            }
            catch (FormatException e)
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, line(index), $"messages[{index}] could not be read, message skipped: {e.Message}");
            }
            index++;
        }
        return read;
    }

    private void Add(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object) throw new FormatException($"the message is {message.ValueKind}, not an object.");
        var extra = message.GetPropertyOrDefault("extra");
        var time = OpenAIMessages.Timestamp(extra.GetPropertyOrDefault("timestamp")) ?? OpenAIMessages.Timestamp(message.GetPropertyOrDefault("timestamp"));
        if (message.GetStringOrNull("object") == "response")
        {
            AddResponsesApiResponse(message, extra, time);
            return;
        }
        if (message.GetStringOrNull("type") == "function_call_output")
        {
            AddObservation(message.GetIdOrNull("call_id") ?? string.Empty, OpenAIMessages.ReadContent(message.GetPropertyOrDefault("output")), extra, time);
            return;
        }
        var role = message.GetStringOrNull("role") ?? throw new FormatException("the message has no role.");
        var content = OpenAIMessages.ReadContent(message.GetPropertyOrDefault("content"));
        switch (role)
        {
            case "system":
                _builder.AddMessage(MessageRole.System, MessageKind.Context, content, time);
                break;
            case "assistant" when extra.ValueKind == JsonValueKind.Undefined && HumanCommand().IsMatch(RolloutMessage.JoinText(content)):
                // Before 2.0 a command the person typed in human mode was saved as an assistant message, the bare
                // fenced block (agents/interactive.py and interactive_textual.py query); the model's answers have their
                // thought before the block. Its output comes back as the next user message.
                _pendingActions.Clear();
                _commandOutputs = 1;
                _builder.AddMessage(MessageRole.User, MessageKind.Command, content, time);
                break;
            case "assistant":
                AddChatResponse(message, extra, content, time);
                break;
            case "tool":
                AddObservation(message.GetIdOrNull("tool_call_id") ?? string.Empty, content, extra, time);
                break;
            case "user":
                AddUser(extra, content, time);
                break;
            case "exit":
                // The run's end: its status and submission, which info repeats; nothing the model was sent.
                ExitStatus = extra.GetStringOrNull("exit_status") ?? RolloutMessage.JoinText(content);
                Submission = extra.GetStringOrNull("submission");
                break;
            default:
                throw new FormatException($"the role \"{role}\" is none mini-swe-agent writes.");
        }
    }

    private void AddUser(JsonElement extra, IReadOnlyList<ContentBlock> content, DateTimeOffset? time)
    {
        var refused = _refused;
        _refused = false;
        if (extra.GetStringOrNull("interrupt_type") is { } interrupt)
        {
            if (interrupt == "FormatError")
            {
                FormatErrors++;
                AddRejectedResponse(extra, time);
            }
            _pendingActions.Clear();
            var kind = interrupt switch
            {
                "UserNewTask" => MessageKind.Prompt,
                "UserInterruption" or "UserRejection" => InteractiveNotice.Of(RolloutMessage.JoinText(content)) ?? MessageKind.Interruption,
                _ => MessageKind.Synthetic,
            };
            _builder.AddMessage(MessageRole.User, kind, content, time);
            return;
        }
        if (InteractiveNotice.Of(RolloutMessage.JoinText(content)) is { } notice)
        {
            // Before 2.0 the interactive agent's notices were user messages like any other, standing in for the
            // observation of a command it did not run.
            _pendingActions.Clear();
            _commandOutputs = 0;
            _builder.AddMessage(MessageRole.User, notice, content, time);
            return;
        }
        if (extra.GetPropertyOrDefault("actions") is { ValueKind: JsonValueKind.Array } typed)
        {
            // A command the person typed in human mode; its output comes back as the next user messages.
            _commandOutputs = typed.GetArrayLength();
            _builder.AddMessage(MessageRole.User, MessageKind.Command, content, time);
            return;
        }
        if (_pendingActions.TryDequeue(out var id))
        {
            AddObservation(id, content, extra, time);
            return;
        }
        if (_commandOutputs > 0)
        {
            _commandOutputs--;
            _builder.AddMessage(MessageRole.User, MessageKind.Command, content, time);
            return;
        }
        if (refused)
        {
            // Before 2.0 the notice is a plain user message after the answer it refused (agents/default.py parse_action).
            FormatErrors++;
            _builder.AddMessage(MessageRole.User, MessageKind.Synthetic, content, time);
            return;
        }
        // The instance template carries the task; later user messages are the agent's notices.
        _builder.AddMessage(MessageRole.User, _prompted ? MessageKind.Context : MessageKind.Prompt, content, time);
        _prompted = true;
    }

    /// <summary>
    /// The response that broke the format, kept in the notice's extra.response with its cost (2.0 on): billed, and
    /// never sent to the model again, yet what the model wrote, so it is listed before the notice; a response that
    /// kept no text or calls is counted without being listed. Its calls stay unanswered: none of them ran.
    /// </summary>
    private void AddRejectedResponse(JsonElement extra, DateTimeOffset? time)
    {
        var response = extra.GetPropertyOrDefault("response");
        if (response.GetStringOrNull("object") == "response")
        {
            AddResponsesApiResponse(response, extra, time);
            return;
        }
        var message = response.GetPropertyOrDefault("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
            ? choices[0].GetPropertyOrDefault("message")
            : default;
        // Text-based models also keep the text alone (model_response), the one place it is when the response could not be kept.
        var content = OpenAIMessages.ReadContent(message.ValueKind == JsonValueKind.Object ? message.GetPropertyOrDefault("content") : extra.GetPropertyOrDefault("model_response"));
        var created = response.GetPropertyOrDefault("created") is { ValueKind: JsonValueKind.Number } at ? OpenAIMessages.FromUnixSeconds(at.GetDouble()) : null;
        AddChatResponse(message, extra, content, time ?? created, ran: false);
    }

    /// <param name="ran">False for a response that broke the format: no command of its text ran, so none is read from it.</param>
    private void AddChatResponse(JsonElement message, JsonElement extra, IReadOnlyList<ContentBlock> content, DateTimeOffset? time, bool ran = true)
    {
        _pendingActions.Clear();
        _refused = false;
        var response = extra.GetPropertyOrDefault("response");
        var turn = _builder.StartAssistant(time, response.GetStringOrNull("model") ?? _model);
        var reasoning = OpenAIMessages.Reasoning(message.GetStringOrNull("reasoning"), message.GetStringOrNull("reasoning_content"));
        if (reasoning is not null) turn.AddReasoning(reasoning);
        if (message.GetPropertyOrDefault("thinking_blocks") is { ValueKind: JsonValueKind.Array } thinking)
        {
            foreach (var block in thinking.EnumerateArray())
            {
                if (block.GetStringOrNull("thinking") is { } text && text != reasoning) turn.AddReasoning(text);
            }
        }
        var calls = OpenAIMessages.ReadToolCalls(message.GetPropertyOrDefault("tool_calls"));
        if (calls.Count > 0)
        {
            Shapes.Add("chat_completions");
            turn.AddContent(content);
            foreach (var call in calls) turn.AddToolCall(call);
        }
        else if (!ran)
        {
            turn.AddContent(content);
        }
        else
        {
            var text = RolloutMessage.JoinText(content);
            var commands = extra.GetPropertyOrDefault("actions") is { ValueKind: JsonValueKind.Array } actions
                ? actions.EnumerateArray().Select(a => a.GetStringOrNull("command")).OfType<string>().ToArray()
                : ShellAction.FromText(text) is { } written ? new[] { written } : Array.Empty<string>();
            if (commands.Length > 0) Shapes.Add("text");
            _refused = commands.Length == 0;
            foreach (var command in commands)
            {
                text = ShellAction.Without(text, command);
                var id = $"action-{++_actions}";
                turn.AddToolCall(ShellAction.Call(id, command));
                _pendingActions.Enqueue(id);
            }
            turn.AddContent(commands.Length > 0 ? new[] { ContentBlock.FromText(text) } : content);
        }
        if (LitellmUsage.Read(response.GetPropertyOrDefault("usage")) is { } usage) turn.SetUsage(usage, Cost(extra));
        turn.ResponseId = response.GetStringOrNull("id");
    }

    /// <summary>A Responses API response, kept whole: its output items are the message, reasoning and function calls.</summary>
    private void AddResponsesApiResponse(JsonElement response, JsonElement extra, DateTimeOffset? time)
    {
        _pendingActions.Clear();
        Shapes.Add("responses_api");
        var created = response.GetPropertyOrDefault("created_at") is { ValueKind: JsonValueKind.Number } at ? OpenAIMessages.FromUnixSeconds(at.GetDouble()) : null;
        var turn = _builder.StartAssistant(time ?? created, response.GetStringOrNull("model") ?? _model);
        if (response.GetPropertyOrDefault("output") is { ValueKind: JsonValueKind.Array } output)
        {
            foreach (var item in output.EnumerateArray())
            {
                switch (item.GetStringOrNull("type"))
                {
                    case "message":
                        turn.AddContent(OpenAIMessages.ReadContent(item.GetPropertyOrDefault("content")));
                        break;
                    case "reasoning":
                        foreach (var part in new[] { "summary", "content" }.Select(name => item.GetPropertyOrDefault(name)).Where(p => p.ValueKind == JsonValueKind.Array).SelectMany(p => p.EnumerateArray()))
                        {
                            if (part.GetStringOrNull("text") is { } text) turn.AddReasoning(text);
                        }
                        break;
                    case "function_call":
                        turn.AddToolCall(new ToolCall(item.GetIdOrNull("call_id") ?? item.GetIdOrNull("id") ?? string.Empty, item.GetStringOrNull("name") ?? string.Empty,
                            OpenAIMessages.Arguments(item.GetPropertyOrDefault("arguments"))));
                        break;
                }
            }
        }
        if (LitellmUsage.Read(response.GetPropertyOrDefault("usage")) is { } usage) turn.SetUsage(usage, Cost(extra));
        turn.ResponseId = response.GetStringOrNull("id");
    }

    private void AddObservation(string callId, IReadOnlyList<ContentBlock> content, JsonElement extra, DateTimeOffset? time)
    {
        var exception = extra.GetStringOrNull("exception_info");
        _builder.AddToolResult(new ToolResult(callId, content)
        {
            ExitCode = extra.GetInt32OrNull("returncode"),
            IsError = !string.IsNullOrEmpty(exception),
            Timestamp = time,
        });
    }

    /// <summary>A command the person typed in human mode before 2.0: the whole message is one ```bash block after a line break.</summary>
    [GeneratedRegex(@"\A\n```bash\n.*\n```\z", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex HumanCommand();

    /// <summary>What LiteLLM priced the response at (extra.cost); mini writes 0 when it could not, which states nothing.</summary>
    private static decimal? Cost(JsonElement extra) =>
        extra.GetPropertyOrDefault("cost") is { ValueKind: JsonValueKind.Number } cost && cost.TryGetDecimal(out var usd) && usd > 0 ? usd : null;
}
