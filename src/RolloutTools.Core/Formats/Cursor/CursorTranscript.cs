using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Cursor;

/// <summary>
/// One cursor-agent transcript read into a conversation. Each line is {"role": "user"|"assistant", "message":
/// {"content": [blocks]}} with Anthropic-style blocks (text, thinking, tool_use {name, input}, tool_result
/// {tool_use_id?, content}, image), and since 2026.06.24 {"type": "turn_ended", "status", "error"?} ends a turn. Lines carry no
/// ids, timestamps or model. Each assistant line is one response. Tool calls have no ids in the transcripts
/// seen so far, and transcripts of current builds hold no tool results at all (the calls' outputs are not
/// written); where a tool_result line does appear, it answers the call its tool_use_id names, else the first
/// call still waiting for a result, in order (calls without an id of their own first).
/// </summary>
internal sealed partial class CursorTranscript
{
    private const string QueryOpen = "<user_query>";
    private const string QueryClose = "</user_query>";

    /// <summary>How Cursor opens the summary it puts in the user's place after compacting a conversation.</summary>
    private const string SummaryOpening = "Your conversation was summarized due to context constraints.";

    private readonly ConversationBuilder _conversation = new();
    private readonly List<string> _waitingCalls = new();
    private readonly HashSet<string> _calls = new(StringComparer.Ordinal);
    private readonly HashSet<string> _madeIds = new(StringComparer.Ordinal);
    private readonly bool _isSubagent;
    private readonly DiagnosticList _diagnostics;

    private CursorTranscript(bool isSubagent, DiagnosticList diagnostics)
    {
        _isSubagent = isSubagent;
        _diagnostics = diagnostics;
    }

    public IReadOnlyList<RolloutMessage> Messages { get; private set; } = Array.Empty<RolloutMessage>();

    /// <summary>JSON values read, whatever they hold.</summary>
    public int Values { get; private set; }

    /// <summary>Lines with a user or assistant role.</summary>
    public int ConversationLines { get; private set; }

    public int TurnsEnded { get; private set; }

    public Counter TurnStatuses { get; } = new();

    /// <summary>Lines without a role: turn_ended and types not known yet.</summary>
    public Counter LineTypes { get; } = new();

    public Counter UnknownBlockTypes { get; } = new();

    public Counter UnknownRoles { get; } = new();

    public int UntypedValues { get; private set; }

    public int ToolResultsPairedById { get; private set; }

    public int ToolResultsPairedByOrder { get; private set; }

    /// <summary>Tool calls without an id of their own, given one made from their line and place ("cursor-&lt;line&gt;-&lt;block&gt;").</summary>
    public int ToolCallIdsMade { get; private set; }

    /// <summary>Prompts unwrapped from Cursor's &lt;user_query&gt; tags.</summary>
    public int UserQueries { get; private set; }

    /// <summary>Turns that ended with an error or were aborted (a turn_ended status other than success), each kept as a message.</summary>
    public int FailedTurns { get; private set; }

    public int RedactedThinking { get; private set; }

    public int OrphanToolResults => _conversation.OrphanToolResults;

    public int UnansweredToolCalls => _conversation.UnansweredToolCalls;

    public static CursorTranscript Parse(Stream stream, bool isSubagent, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var transcript = new CursorTranscript(isSubagent, diagnostics);
        JsonLineReader.ReadEach(stream, diagnostics, line => transcript.Add(line), cancellation);
        transcript.Messages = transcript._conversation.Build();
        return transcript;
    }

    private void Add(JsonLine line)
    {
        Values++;
        var root = line.Root;
        if (root.ValueKind != JsonValueKind.Object)
        {
            UntypedValues++;
            return;
        }
        if (root.GetStringOrNull("role") is not { } role)
        {
            if (root.GetStringOrNull("type") is not { } type)
            {
                UntypedValues++;
                return;
            }
            LineTypes.Add(type);
            if (type == "turn_ended") EndTurn(root.GetStringOrNull("status") ?? "(none)", ErrorOf(root));
            return;
        }

        // The whole line is read before any of it is applied, so a damaged block costs its line and nothing else.
        var parsed = Read(root, line.LineNumber);
        ConversationLines++;
        switch (role)
        {
            case "assistant":
                ApplyAssistant(parsed);
                break;
            case "user":
                ApplyResults(parsed.Results);
                ApplyUser(parsed.Texts, parsed.Images, MessageRole.User);
                break;
            case "system":
                ApplyUser(parsed.Texts, parsed.Images, MessageRole.System);
                break;
            default:
                UnknownRoles.Add(role);
                _diagnostics.Warn(RolloutDiagnostic.ParseError, line.LineNumber, $"role \"{role}\" is not one cursor-agent is known to write; its text is kept as context.");
                ApplyResults(parsed.Results);
                foreach (var text in parsed.Texts) _conversation.AddMessage(MessageRole.User, MessageKind.Context, new[] { ContentBlock.FromText(text) }, null);
                break;
        }
    }

    /// <summary>
    /// A turn's end: calls still waiting get no result by order after it. A turn the person aborted ("aborted",
    /// "cancelled") is an interruption; one that failed (any other status but success and completed: "error"
    /// when the account is out of usage) a notice of Cursor's own, with the error it states.
    /// </summary>
    private void EndTurn(string status, string? error)
    {
        TurnsEnded++;
        TurnStatuses.Add(status);
        _waitingCalls.Clear();
        if (status is "success" or "completed" or "(none)") return;
        FailedTurns++;
        var text = error is { Length: > 0 } ? $"[{status}: {error}]" : $"[{status}]";
        if (status is "aborted" or "cancelled" or "canceled") _conversation.AddMessage(MessageRole.User, MessageKind.Interruption, new[] { ContentBlock.FromText(text) }, null);
        else _conversation.StartAssistant(null, null, MessageKind.Synthetic).AddContent(new[] { ContentBlock.FromText(text) });
    }

    /// <summary>turn_ended's error: a string, or an object with a message.</summary>
    private static string? ErrorOf(JsonElement root)
    {
        var error = root.GetPropertyOrDefault("error");
        return error.ValueKind == JsonValueKind.String ? error.GetString() : error.GetStringOrNull("message");
    }

    private void ApplyAssistant(ParsedLine line)
    {
        var turn = _conversation.StartAssistant(null, null);
        turn.AddContent(line.Texts.Select(ContentBlock.FromText));
        turn.AddContent(line.Images);
        foreach (var thought in line.Thinking) turn.AddReasoning(thought);
        foreach (var call in line.Calls)
        {
            turn.AddToolCall(call);
            if (_calls.Add(call.Id)) _waitingCalls.Add(call.Id);
        }
        ApplyResults(line.Results);
    }

    private void ApplyResults(IReadOnlyList<ParsedResult> results)
    {
        foreach (var result in results)
        {
            string? callId = null;
            if (result.ToolUseId is { } named && _waitingCalls.Remove(named))
            {
                callId = named;
                ToolResultsPairedById++;
            }
            else if (_waitingCalls.Count > 0)
            {
                // A call with an id of its own waits for the result that names it, unless no other call waits.
                var next = _waitingCalls.FindIndex(_madeIds.Contains);
                callId = _waitingCalls[next < 0 ? 0 : next];
                _waitingCalls.Remove(callId);
                ToolResultsPairedByOrder++;
            }
            _conversation.AddToolResult(new ToolResult(callId ?? result.ToolUseId ?? string.Empty, result.Content) { IsError = result.IsError });
        }
    }

    /// <summary>
    /// A person's turn. Cursor wraps what the person typed in &lt;user_query&gt; tags and adds context in blocks and
    /// text of its own (&lt;attached_files&gt;, &lt;user_info&gt;, rules): when any block of the line holds a query, all
    /// else on the line is context, kept as its own message; a line with no query at all is the prompt. Cursor's
    /// summary after a compaction is a compaction summary. Images go with the prompt. A subagent's prompt comes
    /// from its parent agent.
    /// </summary>
    private void ApplyUser(IReadOnlyList<string> texts, IReadOnlyList<ContentBlock> images, MessageRole role)
    {
        var hasQuery = role == MessageRole.User && texts.Any(HasQuery);
        var pieces = new List<(MessageKind Kind, string Text)>();
        foreach (var text in texts)
        {
            var split = role == MessageRole.System ? new[] { (MessageKind.Context, text) }
                : text.TrimStart().StartsWith(SummaryOpening, StringComparison.Ordinal) ? new[] { (MessageKind.CompactionSummary, text) }
                : SplitQueries(text, hasQuery);
            foreach (var piece in split)
            {
                if (pieces.Count > 0 && pieces[^1].Kind == piece.Item1) pieces[^1] = (piece.Item1, pieces[^1].Text + "\n\n" + piece.Item2);
                else pieces.Add(piece);
            }
        }
        if (images.Count > 0 && !pieces.Exists(p => p.Kind == MessageKind.Prompt)) pieces.Add((MessageKind.Prompt, string.Empty));
        if (pieces.Exists(p => p.Kind == MessageKind.Prompt)) _waitingCalls.Clear();
        var imagesPlaced = false;
        foreach (var (kind, text) in pieces)
        {
            var final = kind == MessageKind.Prompt && _isSubagent ? MessageKind.AgentMessage : kind;
            var content = new List<ContentBlock>();
            if (text.Length > 0) content.Add(ContentBlock.FromText(text));
            if (kind == MessageKind.Prompt && !imagesPlaced)
            {
                content.AddRange(images);
                imagesPlaced = true;
            }
            _conversation.AddMessage(role, final, content, null);
        }
    }

    private static bool HasQuery(string text) =>
        text.IndexOf(QueryOpen, StringComparison.Ordinal) is var open and >= 0 && text.IndexOf(QueryClose, open + QueryOpen.Length, StringComparison.Ordinal) >= 0;

    /// <summary>A text block's prompts and context: with a query on the line, what lies outside the tags (or a whole block without one) is context.</summary>
    private IEnumerable<(MessageKind, string)> SplitQueries(string text, bool lineHasQuery)
    {
        var start = 0;
        while (text.IndexOf(QueryOpen, start, StringComparison.Ordinal) is var open and >= 0
            && text.IndexOf(QueryClose, open + QueryOpen.Length, StringComparison.Ordinal) is var close and >= 0)
        {
            UserQueries++;
            if (text[start..open].Trim() is { Length: > 0 } before) yield return (MessageKind.Context, before);
            yield return (MessageKind.Prompt, text[(open + QueryOpen.Length)..close].Trim());
            start = close + QueryClose.Length;
        }
        if (text[start..].Trim() is { Length: > 0 } rest) yield return (lineHasQuery ? MessageKind.Context : MessageKind.Prompt, start == 0 ? text : rest);
    }

    private ParsedLine Read(JsonElement root, int lineNumber)
    {
        var line = new ParsedLine();
        var content = root.GetPropertyOrDefault("message").GetPropertyOrDefault("content");
        if (content.ValueKind == JsonValueKind.String)
        {
            line.Texts.Add(content.GetString()!);
            return line;
        }
        if (content.ValueKind != JsonValueKind.Array) return line;
        var index = 0;
        foreach (var block in content.EnumerateArray())
        {
            index++;
            var type = block.GetStringOrNull("type");
            switch (type)
            {
                case "text":
                    line.Texts.Add(block.GetTextOrEmpty("text"));
                    break;
                case "thinking":
                    line.Thinking.Add(block.GetTextOrEmpty("thinking") is { Length: > 0 } thought ? thought : block.GetTextOrEmpty("text"));
                    break;
                case "tool_use" or "tool-use" or "tool_call" or "tool-call":
                    var id = block.GetIdOrNull("id");
                    if (id is null)
                    {
                        id = $"cursor-{lineNumber}-{index}";
                        _madeIds.Add(id);
                        ToolCallIdsMade++;
                    }
                    var input = block.TryGetProperty("input", out var given) || block.TryGetProperty("args", out given) ? given.GetRawText() : "{}";
                    line.Calls.Add(new ToolCall(id, block.GetStringOrNull("name") ?? block.GetStringOrNull("tool") ?? string.Empty, input));
                    break;
                case "tool_result" or "tool-result":
                    line.Results.Add(new ParsedResult(
                        block.GetIdOrNull("tool_use_id") ?? block.GetIdOrNull("toolUseId"),
                        ResultContent(block),
                        block.GetBool("is_error")));
                    break;
                case "image":
                    if (AnthropicBlocks.Image(block) is { } image) line.Images.Add(image);
                    else Unknown("image", lineNumber);
                    break;
                case "redacted_thinking":
                    // Reasoning the provider encrypted: nothing readable to keep.
                    RedactedThinking++;
                    break;
                default:
                    Unknown(type ?? "untyped", lineNumber);
                    // An unknown block's visible text is still words someone wrote.
                    if (block.GetStringOrNull("text") is { Length: > 0 } text) line.Texts.Add(text);
                    break;
            }
        }
        return line;
    }

    /// <summary>A block type not known: counted, with one warning per type naming the first line that holds it.</summary>
    private void Unknown(string type, int lineNumber)
    {
        if (!UnknownBlockTypes.ContainsKey(type)) _diagnostics.Warn(RolloutDiagnostic.ParseError, lineNumber, $"a \"{type}\" block is not one this reader can read (first on this line); only its text, if any, is kept.");
        UnknownBlockTypes.Add(type);
    }

    /// <summary>A result's content (or output): text and image blocks, or the raw value when it is neither a string nor a list.</summary>
    private static IReadOnlyList<ContentBlock> ResultContent(JsonElement block)
    {
        var content = block.GetPropertyOrDefault("content");
        if (content.ValueKind == JsonValueKind.Undefined || content.ValueKind == JsonValueKind.Null) content = block.GetPropertyOrDefault("output");
        return content.ValueKind is JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Undefined or JsonValueKind.Null
            ? AnthropicBlocks.ToolResultContent(content)
            : new[] { ContentBlock.FromText(content.GetRawText()) };
    }

    private sealed class ParsedLine
    {
        public List<string> Texts { get; } = new();
        public List<string> Thinking { get; } = new();
        public List<ContentBlock> Images { get; } = new();
        public List<ToolCall> Calls { get; } = new();
        public List<ParsedResult> Results { get; } = new();
    }

    private sealed record ParsedResult(string? ToolUseId, IReadOnlyList<ContentBlock> Content, bool IsError);
}
