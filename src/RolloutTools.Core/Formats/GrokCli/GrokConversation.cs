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
/// <item>"user": "content" a string or parts ({"type": "text", "text"}, {"type": "image", "url"}). Its
/// "synthetic_reason" (see <see cref="PersonKind"/>) tells a person's words from context the CLI added
/// (environment_context, project_instructions, system_reminder…); a prompt carries "prompt_index" (older builds: none,
/// the words framed in &lt;user_query&gt;). An unmarked line that is only a tagged block (the &lt;user_info&gt; prefix)
/// is context too.
/// "prior_turn_interrupt" says the turn before was cut short.</item>
/// <item>"reasoning": the model's reasoning before its next output, as "content" reasoning_text parts, "summary" parts
/// ({"type": "summary_text", "text"}, possibly none) and "encrypted_content", which is opaque.</item>
/// <item>"assistant": one model call's output: "content" (a string, often empty beside calls), "tool_calls" ({"id",
/// "name", "arguments" as a JSON string}) and "model_id"; older builds kept reasoning on it ("raw_output",
/// "reasoning").</item>
/// <item>"tool_result": a client tool's output, "content" and "images" (data URLs), answering "tool_call_id".</item>
/// <item>"backend_tool_call": a tool xAI's servers ran during the next model call: "kind" {"tool_type", "id", "status"}
/// with a web_search's "action" (its "sources"), an x_search's "name" and "input", a code_interpreter's "code" and
/// "outputs" (a run's "logs"); no result line follows.</item>
/// </list>
/// Sessions from before chat_format_version 1 hold chat-completions rows instead, told by "role" (system, user,
/// assistant with "reasoning_content", tool), which read the same way.
/// Reasoning and server tool calls come before the output of the model call they belong to, so they wait for the next
/// "assistant" line and open that response.
/// </summary>
internal sealed class GrokConversation
{
    private readonly ConversationBuilder _builder = new();
    private readonly string? _sessionModel;
    private readonly bool _isSubagent;
    private readonly List<string> _pendingReasoning = new();
    private readonly List<(ToolCall Call, string Output)> _pendingServerCalls = new();
    private readonly HashSet<string> _models = new(StringComparer.Ordinal);

    /// <param name="sessionModel">summary.json's current model: the model of a response whose line names none.</param>
    /// <param name="isSubagent">A subagent's prompt is the task its parent's model wrote, not a person's words.</param>
    public GrokConversation(string? sessionModel, bool isSubagent)
    {
        _sessionModel = sessionModel;
        _isSubagent = isSubagent;
    }

    public int ContextMessages { get; private set; }

    /// <summary>Compaction summaries: the history was rewritten from here on.</summary>
    public int Compactions { get; private set; }

    private const string SummaryPreamble = "This session is being continued";
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
        // Sessions older than chat_format_version 1 hold chat-completions rows, told by "role" (Grok still loads them).
        switch (row.GetStringOrNull("type") ?? row.GetStringOrNull("role"))
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
                // Its reasoning_text content when the model gave it, else the summary.
                var reasoning = Texts(row.GetPropertyOrDefault("content"), "content");
                if (reasoning.Length == 0) reasoning = Texts(row.GetPropertyOrDefault("summary"), "summary");
                if (reasoning.Length > 0) _pendingReasoning.Add(reasoning);
                else if (row.GetStringOrNull("encrypted_content") is { Length: > 0 }) EncryptedOnlyReasoning++;
                break;
            case "backend_tool_call":
                var kind = row.GetPropertyOrDefault("kind");
                if (kind.ValueKind != JsonValueKind.Object) throw new FormatException("\"kind\" of a server tool call is not an object.");
                var toolType = kind.GetStringOrNull("tool_type") ?? "backend_tool";
                // An x_search call is a custom call: the search it ran is its "name", what it searched its "input".
                var name = toolType == "x_search" ? kind.GetStringOrNull("name") ?? toolType : toolType;
                ServerToolCalls++;
                var id = kind.GetIdOrNull("id") ?? $"{name}_{line.LineNumber}";
                _pendingServerCalls.Add((new ToolCall(id, name, ServerArguments(kind)), ServerOutput(kind, name)));
                break;
            case "assistant":
                // Read whole before the response starts, so a damaged line leaves nothing half added.
                var output = OpenAIMessages.ReadContent(row.GetPropertyOrDefault("content"));
                var calls = OpenAIMessages.ReadToolCalls(row.GetPropertyOrDefault("tool_calls"));
                var own = OwnReasoning(row);
                var turn = Start(row.GetStringOrNull("model_id") ?? _sessionModel);
                if (own.Length > 0) turn.AddReasoning(own);
                turn.AddContent(output);
                foreach (var call in calls) turn.AddToolCall(call);
                break;
            case "tool_result" or "tool":
                Flush();
                _builder.AddToolResult(new ToolResult(row.GetIdOrNull("tool_call_id") ?? string.Empty, ToolOutput(row)));
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
        var text = RolloutMessage.JoinText(content);
        var reason = row.GetPropertyOrDefault("synthetic_reason");
        var kind = PersonKind(reason);
        // An unmarked line that is only a tagged block is the <user_info> prefix older builds write without a reason.
        if (kind == MessageKind.Prompt && row.GetPropertyOrDefault("prompt_index").ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
            && !text.Contains("<user_query>", StringComparison.Ordinal) && text.TrimStart().StartsWith('<'))
        {
            kind = MessageKind.Context;
        }
        // A compaction writes several compaction_meta items (the <user_info> prefix again, the summary); the summary
        // is the one that opens with the preamble grok-build's build_compacted_history puts before it.
        if (kind == MessageKind.Context && reason.ValueKind == JsonValueKind.String && reason.GetString() == "compaction_meta"
            && text.TrimStart().StartsWith(SummaryPreamble, StringComparison.Ordinal))
        {
            kind = MessageKind.CompactionSummary;
            Compactions++;
        }
        if (kind == MessageKind.Context) ContextMessages++;
        if (kind == MessageKind.Prompt)
        {
            FirstPrompt ??= UserQuery(text);
            // A subagent's own prompt is the task its parent's model wrote; a person's words passed on stay a prompt.
            if (_isSubagent && !(reason.ValueKind == JsonValueKind.String && reason.GetString() == "parent_human_message")) kind = MessageKind.AgentMessage;
        }
        _builder.AddMessage(MessageRole.User, kind, content, null);
    }

    /// <summary>A response with the reasoning and server calls that came before its output.</summary>
    private ConversationBuilder.AssistantTurn Start(string? model)
    {
        if (model is not null && _models.Add(model)) Models.Add(model);
        var turn = _builder.StartAssistant(null, model);
        foreach (var reasoning in _pendingReasoning) turn.AddReasoning(reasoning);
        _pendingReasoning.Clear();
        foreach (var (call, output) in _pendingServerCalls)
        {
            turn.AddToolCall(call);
            _builder.AddToolResult(new ToolResult(call.Id, new[] { ContentBlock.FromText(output) }));
        }
        _pendingServerCalls.Clear();
        return turn;
    }

    /// <summary>Reasoning or server calls that no output followed (the turn was cut short) are a response of their own.</summary>
    private void Flush()
    {
        if (_pendingReasoning.Count > 0 || _pendingServerCalls.Count > 0) Start(_sessionModel);
    }

    /// <summary>
    /// What a user line is by its "synthetic_reason". Grok omits it on what a person typed (its SyntheticReason::Human;
    /// some builds write "human"), and a person's words also come as "interjection" (typed while the agent worked),
    /// "parent_human_message" (a prompt the parent session passed on) and "direct_bash" (a !command and its output);
    /// every other reason names what the CLI injected.
    /// </summary>
    private static MessageKind PersonKind(JsonElement reason) =>
        reason.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? MessageKind.Prompt
        : reason.ValueKind != JsonValueKind.String ? MessageKind.Context
        : reason.GetString() switch
        {
            "" or "human" or "parent_human_message" => MessageKind.Prompt,
            "interjection" => MessageKind.QueuedPrompt,
            "direct_bash" => MessageKind.Command,
            _ => MessageKind.Context,
        };

    /// <summary>The text of a reasoning field: a string, or parts with "text" (summary_text, reasoning_text).</summary>
    private static string Texts(JsonElement parts, string field)
    {
        if (parts.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return string.Empty;
        if (parts.ValueKind == JsonValueKind.String) return parts.GetString()!;
        if (parts.ValueKind != JsonValueKind.Array) throw new FormatException($"\"{field}\" of a reasoning line is neither text nor a list.");
        return string.Join("\n\n", parts.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.Object ? p.GetTextOrEmpty("text") : string.Empty).Where(t => t.Length > 0));
    }

    /// <summary>
    /// Reasoning older builds kept on the assistant row itself, which Grok lifts to a reasoning item on load:
    /// "raw_output" (reasoning items), else "reasoning" {"text"}, else a chat-completions row's "reasoning_content".
    /// </summary>
    private static string OwnReasoning(JsonElement row)
    {
        if (row.GetPropertyOrDefault("raw_output") is { ValueKind: JsonValueKind.Array } raw)
        {
            return string.Join("\n\n", raw.EnumerateArray()
                .Where(item => item.ValueKind == JsonValueKind.Object && item.GetStringOrNull("type") == "reasoning")
                .Select(item => Texts(item.GetPropertyOrDefault("content"), "content") is { Length: > 0 } text ? text : Texts(item.GetPropertyOrDefault("summary"), "summary"))
                .Where(t => t.Length > 0));
        }
        return row.GetPropertyOrDefault("reasoning") is { ValueKind: JsonValueKind.Object } reasoning ? reasoning.GetTextOrEmpty("text")
            : row.GetStringOrNull("reasoning_content") ?? string.Empty;
    }

    /// <summary>
    /// A client tool's output: its "content" and the pictures it returned beside it in "images", content parts
    /// ({"type": "image", "url"}, a data: URL; a bare URL string is taken too).
    /// </summary>
    private List<ContentBlock> ToolOutput(JsonElement row)
    {
        var blocks = OpenAIMessages.ReadContent(row.GetPropertyOrDefault("content")).ToList();
        if (row.GetPropertyOrDefault("images") is { ValueKind: JsonValueKind.Array } images)
        {
            foreach (var image in images.EnumerateArray())
            {
                var url = image.ValueKind == JsonValueKind.String ? image.GetString()
                    : image.ValueKind == JsonValueKind.Object ? image.GetStringOrNull("url") ?? image.GetStringOrNull("image_url") : null;
                if (url is not { Length: > 0 }) continue;
                blocks.Add(ContentBlock.FromImageUrl(url));
                Images++;
            }
        }
        return blocks;
    }

    /// <summary>A server call's input: a web search's "action", an x_search's "input", a code run's "code".</summary>
    private static string ServerArguments(JsonElement kind)
    {
        foreach (var field in new[] { "action", "input" })
        {
            if (kind.GetPropertyOrDefault(field) is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } value) return OpenAIMessages.Arguments(value);
        }
        return kind.GetStringOrNull("code") is { } code
            ? JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("code", code);
                w.WriteEndObject();
            })
            : "{}";
    }

    /// <summary>
    /// What the trace keeps of a server tool's output: its status, the sources a search cites and a code run's logs
    /// (the server fed the rest to the model directly).
    /// </summary>
    private static string ServerOutput(JsonElement kind, string name)
    {
        var lines = new List<string> { $"{name} {kind.GetStringOrNull("status") ?? "done"}" };
        if (kind.GetPropertyOrDefault("action").GetPropertyOrDefault("sources") is { ValueKind: JsonValueKind.Array } sources)
        {
            lines.AddRange(sources.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.Object ? s.GetStringOrNull("url") : null).OfType<string>());
        }
        if (kind.GetPropertyOrDefault("outputs") is { ValueKind: JsonValueKind.Array } outputs)
        {
            lines.AddRange(outputs.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Object ? o.GetStringOrNull("logs") : null).OfType<string>());
        }
        return string.Join("\n", lines);
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
