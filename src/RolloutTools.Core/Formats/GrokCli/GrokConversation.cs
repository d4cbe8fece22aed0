using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.GrokCli;

/// <summary>
/// A session's chat_history.jsonl as a conversation. Each line is one item of what the model is sent, told by "type"
/// (the set grows between releases), in order and with no time on any line:
/// <list type="bullet">
/// <item>"system": the system prompt, "content" a string.</item>
/// <item>"user": "content" a string or parts ({"type": "text", "text"}, {"type": "image", "url"}). A person's prompt
/// carries "prompt_index"; a line with "synthetic_reason" (environment_context, project_instructions, system_reminder…)
/// or with neither is context the CLI added. "prior_turn_interrupt" says the turn before was cut short.</item>
/// <item>"reasoning": the model's reasoning before its next output, as "summary" parts ({"type": "summary_text",
/// "text"}, possibly none) and "encrypted_content", which is opaque.</item>
/// <item>"assistant": one model call's output: "content" (a string, often empty beside calls), "tool_calls" ({"id",
/// "name", "arguments" as a JSON string}) and "model_id".</item>
/// <item>"tool_result": a client tool's output, "content", answering "tool_call_id".</item>
/// <item>"backend_tool_call": a tool xAI's servers ran during the next model call (web search): "kind" {"tool_type",
/// "action", "id", "status"}; no result line follows.</item>
/// </list>
/// Reasoning and server tool calls come before the output of the model call they belong to, so they wait for the next
/// "assistant" line and open that response.
/// </summary>
internal sealed class GrokConversation
{
    private readonly ConversationBuilder _builder = new();
    private readonly string? _sessionModel;
    private readonly bool _isSubagent;
    private readonly List<string> _pendingReasoning = new();
    private readonly List<(ToolCall Call, string Status)> _pendingServerCalls = new();
    private readonly HashSet<string> _models = new(StringComparer.Ordinal);

    /// <param name="sessionModel">summary.json's current model: the model of a response whose line names none.</param>
    /// <param name="isSubagent">A subagent's prompt is the task its parent's model wrote, not a person's words.</param>
    public GrokConversation(string? sessionModel, bool isSubagent)
    {
        _sessionModel = sessionModel;
        _isSubagent = isSubagent;
    }

    public int ContextMessages { get; private set; }
    public int InterruptedTurns { get; private set; }
    public int EncryptedOnlyReasoning { get; private set; }
    public int ServerToolCalls { get; private set; }
    public int Images { get; private set; }
    public int OrphanToolResults => _builder.OrphanToolResults;
    public int UnansweredToolCalls => _builder.UnansweredToolCalls;

    /// <summary>The models the responses name, in the order first seen.</summary>
    public List<string> Models { get; } = new();

    /// <summary>The first prompt a person typed (in a subagent, the task it was given), for a title.</summary>
    public string? FirstPrompt { get; private set; }

    /// <summary>
    /// Adds one line. A line of a type this reader does not know is a warning naming its line; a line whose values
    /// are not what Grok writes throws <see cref="FormatException"/> (or another unreadable-value exception), for the
    /// caller to report with its line.
    /// </summary>
    public void Add(JsonLine line, DiagnosticList diagnostics)
    {
        var row = line.Root;
        switch (row.GetStringOrNull("type"))
        {
            case "system":
                Flush();
                ContextMessages++;
                _builder.AddMessage(MessageRole.System, MessageKind.Context, OpenAIMessages.ReadContent(row.GetPropertyOrDefault("content")), null);
                break;
            case "user":
                Flush();
                AddUser(row);
                break;
            case "reasoning":
                var summary = Summary(row.GetPropertyOrDefault("summary"));
                if (summary.Length > 0) _pendingReasoning.Add(summary);
                else if (row.GetStringOrNull("encrypted_content") is { Length: > 0 }) EncryptedOnlyReasoning++;
                break;
            case "backend_tool_call":
                var kind = row.GetPropertyOrDefault("kind");
                if (kind.ValueKind != JsonValueKind.Object) throw new FormatException("\"kind\" of a server tool call is not an object.");
                var name = kind.GetStringOrNull("tool_type") ?? "backend_tool";
                ServerToolCalls++;
                var id = kind.GetIdOrNull("id") ?? $"{name}_{line.LineNumber}";
                _pendingServerCalls.Add((new ToolCall(id, name, OpenAIMessages.Arguments(kind.GetPropertyOrDefault("action"))), kind.GetStringOrNull("status") ?? "done"));
                break;
            case "assistant":
                // Read whole before the response starts, so a damaged line leaves nothing half added.
                var output = OpenAIMessages.ReadContent(row.GetPropertyOrDefault("content"));
                var calls = OpenAIMessages.ReadToolCalls(row.GetPropertyOrDefault("tool_calls"));
                var turn = Start(row.GetStringOrNull("model_id") ?? _sessionModel);
                turn.AddContent(output);
                foreach (var call in calls) turn.AddToolCall(call);
                break;
            case "tool_result":
                Flush();
                _builder.AddToolResult(new ToolResult(row.GetIdOrNull("tool_call_id") ?? string.Empty, OpenAIMessages.ReadContent(row.GetPropertyOrDefault("content"))));
                break;
            case null:
                throw new FormatException("the line has no \"type\".");
            case { } other:
                diagnostics.Warn(RolloutDiagnostic.ParseError, line.LineNumber, $"type '{other}' is not one this reader knows of Grok CLI's; skipped.");
                break;
        }
    }

    /// <summary>The conversation, once every line is added.</summary>
    public IReadOnlyList<RolloutMessage> Build()
    {
        Flush();
        return _builder.Build();
    }

    private void AddUser(JsonElement row)
    {
        var content = OpenAIMessages.ReadContent(row.GetPropertyOrDefault("content"));
        Images += content.Count(b => b.Type == ContentBlockType.Image);
        if (row.GetPropertyOrDefault("prior_turn_interrupt").ValueKind == JsonValueKind.String) InterruptedTurns++;
        var typed = row.GetPropertyOrDefault("synthetic_reason").ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
            && row.GetPropertyOrDefault("prompt_index").ValueKind == JsonValueKind.Number;
        if (!typed) ContextMessages++;
        else FirstPrompt ??= UserQuery(RolloutMessage.JoinText(content));
        _builder.AddMessage(MessageRole.User, !typed ? MessageKind.Context : _isSubagent ? MessageKind.AgentMessage : MessageKind.Prompt, content, null);
    }

    /// <summary>A response with the reasoning and server calls that came before its output.</summary>
    private ConversationBuilder.AssistantTurn Start(string? model)
    {
        if (model is not null && _models.Add(model)) Models.Add(model);
        var turn = _builder.StartAssistant(null, model);
        foreach (var reasoning in _pendingReasoning) turn.AddReasoning(reasoning);
        _pendingReasoning.Clear();
        foreach (var (call, status) in _pendingServerCalls)
        {
            turn.AddToolCall(call);
            // The server ran the tool and fed its output to the model directly; the trace keeps only its status.
            _builder.AddToolResult(new ToolResult(call.Id, new[] { ContentBlock.FromText($"{call.Name} {status}") }));
        }
        _pendingServerCalls.Clear();
        return turn;
    }

    /// <summary>Reasoning or server calls that no output followed (the turn was cut short) are a response of their own.</summary>
    private void Flush()
    {
        if (_pendingReasoning.Count > 0 || _pendingServerCalls.Count > 0) Start(_sessionModel);
    }

    private static string Summary(JsonElement summary)
    {
        if (summary.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return string.Empty;
        if (summary.ValueKind != JsonValueKind.Array) throw new FormatException("\"summary\" of a reasoning line is not a list.");
        return string.Join("\n\n", summary.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.Object ? p.GetTextOrEmpty("text") : string.Empty).Where(t => t.Length > 0));
    }

    /// <summary>Grok wraps what a person typed in &lt;user_query&gt;…&lt;/user_query&gt; among other context; the title is what is inside.</summary>
    private static string UserQuery(string text)
    {
        const string open = "<user_query>", close = "</user_query>";
        var start = text.IndexOf(open, StringComparison.Ordinal);
        if (start < 0) return text;
        start += open.Length;
        var end = text.IndexOf(close, start, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }
}
