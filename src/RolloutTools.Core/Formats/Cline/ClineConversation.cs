using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Cline;

/// <summary>
/// Turns a task's API history into the normalized conversation. Each assistant entry is one API response;
/// each user entry holds the answers to the previous response's tool calls (tool_result blocks, or in the XML
/// era "[tool] Result:" text blocks), the person's words (&lt;task&gt;, &lt;feedback&gt;, &lt;answer&gt;, &lt;user_message&gt;)
/// and what the agent added (&lt;environment_details&gt;, task resumption notes).
/// </summary>
public sealed partial class ClineConversation
{
    private readonly ClineUiLog _ui;
    private readonly ClineTask.TaskMetadata? _metadata;
    private readonly Queue<string> _pendingXmlCalls = new();
    private readonly List<string> _pendingReasoning = new();
    private readonly HashSet<string> _modes = new(StringComparer.Ordinal);
    private int _xmlCallCount;
    private bool _firstWordsAreAgents;

    private ClineConversation(ClineUiLog ui, ClineTask.TaskMetadata? metadata, bool subtask)
    {
        _ui = ui;
        _metadata = metadata;
        _firstWordsAreAgents = subtask;
    }

    public ConversationBuilder Builder { get; } = new();

    public IReadOnlyList<RolloutMessage> Messages { get; private set; } = Array.Empty<RolloutMessage>();

    /// <summary>The API history's entries that were read.</summary>
    public int Count { get; private set; }

    public int PairedRequests { get; private set; }

    public int UnpairedRequests { get; private set; }

    /// <summary>Where the responses' tokens came from: "ui_messages" (api_req_started), "metrics" (the history's own), both, or none.</summary>
    public string? UsageSource { get; private set; }

    public int Condensed { get; private set; }

    public int Truncated { get; private set; }

    public int Summaries { get; private set; }

    public int XmlToolCalls => _xmlCallCount;

    public int NativeToolCalls { get; private set; }

    public int RedactedReasoning { get; private set; }

    /// <summary>The person's answers found inside native tool results (ask_followup_question, attempt_completion feedback, …).</summary>
    public int PromptsInToolResults { get; private set; }

    /// <summary>Responses whose usage came from the history's metrics, where cache reads and writes are one sum.</summary>
    public int UnsplitCacheResponses { get; private set; }

    public Counter UnknownBlockTypes { get; } = new();

    public IEnumerable<string> Modes => _modes;

    /// <summary>The working directory environment_details names ("# Current Working Directory (/path) Files").</summary>
    public string? Cwd { get; private set; }

    /// <param name="lineOf">The line an entry starts on (the agents write the whole array on line 1), for the reports.</param>
    /// <param name="subtask">A task another task started (Roo's new_task): its first words are the parent agent's, not a person's.</param>
    public static ClineConversation Read(IReadOnlyList<JsonElement> entries, Func<int, int?> lineOf, ClineUiLog ui, ClineTask.TaskMetadata? metadata, bool subtask,
        DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var conversation = new ClineConversation(ui, metadata, subtask);
        var usages = conversation.PairRequests(entries);
        var responseOrdinal = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var entry = entries[i];
            try
            {
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    diagnostics.Error(RolloutDiagnostic.ParseError, lineOf(i) ?? 1, $"entry {i} of the API history is a JSON {entry.ValueKind}, not a message; skipped.");
                    continue;
                }
                var role = entry.GetStringOrNull("role");
                if (role is null && entry.GetStringOrNull("type") == "reasoning")
                {
                    // Roo Code's standalone reasoning item: it precedes the response it belongs to.
                    conversation.Count++;
                    conversation.Reasoning(entry, conversation._pendingReasoning);
                    continue;
                }
                var content = entry.GetPropertyOrDefault("content");
                if (role is not ("user" or "assistant") || content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
                {
                    diagnostics.Error(RolloutDiagnostic.ParseError, lineOf(i) ?? 1,
                        $"entry {i} of the API history has {(role is null ? "no role" : $"role \"{role}\"")} and {(content.ValueKind == JsonValueKind.Undefined ? "no content" : $"content of type {content.ValueKind}")}: not a message; skipped.");
                    continue;
                }
                conversation.Count++;
                if (entry.GetStringOrNull("condenseParent") is not null) conversation.Condensed++;
                if (entry.GetStringOrNull("truncationParent") is not null) conversation.Truncated++;
                if (entry.GetPropertyOrDefault("modelInfo").GetStringOrNull("mode") is { } mode) conversation._modes.Add(mode);
                if (entry.GetBool("isTruncationMarker")) continue;
                if (entry.GetBool("isSummary"))
                {
                    conversation.Summaries++;
                    conversation.Builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, new[] { ContentBlock.FromText(Text(content)) }, UnixTime.FromMilliseconds(entry, "ts"));
                    continue;
                }
                // Counted first: a response that cannot be read still had its request.
                if (role == "assistant") responseOrdinal++;
                var blocks = Readable(content, i, lineOf(i) ?? 1, diagnostics);
                if (blocks is { Length: 0 } && content.GetArrayLength() > 0)
                {
                    diagnostics.Error(RolloutDiagnostic.ParseError, lineOf(i) ?? 1, $"entry {i} of the API history: none of its blocks can be read; skipped.");
                    continue;
                }
                if (role == "assistant")
                {
                    conversation.Assistant(entry, blocks, content, i, usages.GetValueOrDefault(responseOrdinal - 1));
                }
                else
                {
                    // Older histories keep no ts: the task was typed when the log starts, and a later entry went to
                    // the model with the next response's request.
                    conversation.User(entry, blocks, content, responseOrdinal == 0 && ui.Times.Count > 0 ? ui.Times[0] : usages.GetValueOrDefault(responseOrdinal)?.Time);
                }
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                // A value of the wrong type elsewhere in the entry: the entry is reported, the rest read.
                diagnostics.Error(RolloutDiagnostic.ParseError, lineOf(i) ?? 1, $"entry {i} of the API history: {e.Message} Skipped.");
            }
        }
        conversation.Messages = conversation.Builder.Build();
        return conversation;
    }

    /// <summary>
    /// The blocks of an array content whose text can be read (null for a string content). A block whose text is not a
    /// string is reported and left out, and the rest of the entry kept: the person's words in another block survive.
    /// </summary>
    private static JsonElement[]? Readable(JsonElement content, int index, int line, DiagnosticList diagnostics)
    {
        if (content.ValueKind != JsonValueKind.Array) return null;
        var readable = new List<JsonElement>();
        var unreadable = new List<string>();
        var k = 0;
        foreach (var block in content.EnumerateArray())
        {
            if (block.GetPropertyOrDefault("text") is { ValueKind: not (JsonValueKind.String or JsonValueKind.Undefined or JsonValueKind.Null) } text)
            {
                unreadable.Add($"entry {index} of the API history: block {k} has \"text\" of type {text.ValueKind}, not text; the block is skipped.");
            }
            else
            {
                readable.Add(block);
            }
            k++;
        }
        // An entry with nothing else is reported once, as skipped, by the caller.
        if (readable.Count > 0) foreach (var message in unreadable) diagnostics.Warn(RolloutDiagnostic.ParseError, line, message);
        return readable.ToArray();
    }

    /// <summary>What the UI log says of one response: its request's time, tokens and cost.</summary>
    private sealed record RequestFacts(DateTimeOffset? Time, TokenUsage? Usage, decimal? Cost, string? Model);

    /// <summary>
    /// Pairs the UI log's API requests with the history's responses. Each request that got an answer added
    /// exactly one assistant entry, so they pair in order; where every response carries its ts (newer
    /// versions), a request pairs with the first response written between it and the next request instead,
    /// so a request that failed without a response takes no one's usage.
    /// </summary>
    private Dictionary<int, RequestFacts> PairRequests(IReadOnlyList<JsonElement> entries)
    {
        var responses = entries
            .Where(e => e.ValueKind == JsonValueKind.Object && e.GetStringOrNull("role") == "assistant" && !e.GetBool("isSummary") && !e.GetBool("isTruncationMarker")
                && e.GetPropertyOrDefault("content").ValueKind is JsonValueKind.String or JsonValueKind.Array)
            .Select(e => UnixTime.FromMilliseconds(e, "ts"))
            .ToArray();
        var requests = _ui.Requests;
        var paired = new Dictionary<int, RequestFacts>();
        if (requests.Count == 0) return paired;
        var byTime = responses.All(t => t is not null) && requests.All(r => r.Time is not null);
        if (byTime)
        {
            var next = 0;
            for (var k = 0; k < requests.Count; k++)
            {
                var until = k + 1 < requests.Count ? requests[k + 1].Time : DateTimeOffset.MaxValue;
                while (next < responses.Length && responses[next] < requests[k].Time) next++;
                if (next < responses.Length && responses[next] < until)
                {
                    paired[next] = Facts(requests[k]);
                    next++;
                }
            }
        }
        else
        {
            // Without times, requests that stated no tokens (failed before answering) are passed over when
            // there are more requests than responses.
            var usable = requests.Count > responses.Length ? requests.Where(r => r.Usage is not null || r.Cost is not null).ToList() : requests;
            for (var k = 0; k < Math.Min(usable.Count, responses.Length); k++) paired[k] = Facts(usable[k]);
        }
        PairedRequests = paired.Count;
        UnpairedRequests = requests.Count - paired.Count;
        return paired;

        static RequestFacts Facts(ClineRequest r) => new(r.Time, r.Usage, r.Cost, r.Model);
    }

    private void Assistant(JsonElement entry, JsonElement[]? content, JsonElement stringContent, int index, RequestFacts? request)
    {
        var time = UnixTime.FromMilliseconds(entry, "ts") ?? request?.Time;
        var model = entry.GetPropertyOrDefault("modelInfo").GetStringOrNull("modelId") ?? request?.Model ?? _metadata?.ModelAt(time);
        var turn = Builder.StartAssistant(time, model);
        turn.ResponseId = entry.GetIdOrNull("id");
        var reasoned = false;
        foreach (var thought in _pendingReasoning) Reason(thought);
        _pendingReasoning.Clear();
        if (entry.GetStringOrNull("reasoning_content") is { Length: > 0 } reasoningContent) Reason(reasoningContent);

        var blocks = content is null
            ? new[] { (Type: "text", Block: default(JsonElement), Text: stringContent.GetString()!) }
            : content.Select(b => (Type: b.GetStringOrNull("type") ?? "untyped", Block: b, Text: string.Empty)).ToArray();
        var native = blocks.Any(b => b.Type == "tool_use");
        var xmlCalls = 0;
        foreach (var (type, block, stringText) in blocks)
        {
            switch (type)
            {
                case "text":
                    var text = block.ValueKind == JsonValueKind.Object ? block.GetTextOrEmpty("text") : stringText;
                    if (!native && ClineXmlTools.MayHoldCalls(text))
                    {
                        var parsed = ClineXmlTools.Parse(text);
                        turn.AddContent(new[] { ContentBlock.FromText(parsed.Text) });
                        foreach (var thought in parsed.Reasoning) Reason(thought);
                        foreach (var (name, arguments, _) in parsed.Calls)
                        {
                            var id = $"xml-{index}-{xmlCalls++}";
                            turn.AddToolCall(new ToolCall(id, name, arguments));
                            _pendingXmlCalls.Enqueue(id);
                            _xmlCallCount++;
                        }
                    }
                    else
                    {
                        turn.AddContent(new[] { ContentBlock.FromText(text) });
                    }
                    break;
                case "thinking":
                    Reason(block.GetStringOrNull("thinking") ?? string.Empty);
                    break;
                case "reasoning":
                    var reasoning = new List<string>();
                    Reasoning(block, reasoning);
                    foreach (var thought in reasoning) Reason(thought);
                    break;
                case "redacted_thinking":
                    RedactedReasoning++;
                    break;
                case "tool_use":
                    NativeToolCalls++;
                    turn.AddToolCall(new ToolCall(
                        block.GetIdOrNull("id") ?? $"tool-{index}-{NativeToolCalls}",
                        block.GetStringOrNull("name") ?? string.Empty,
                        block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}"));
                    break;
                case "image":
                    if (AnthropicBlocks.Image(block) is { } image) turn.AddContent(new[] { image });
                    break;
                case "thoughtSignature":
                    // Roo's Gemini signature, sent back so the model can resume its reasoning: nothing to read.
                    break;
                default:
                    UnknownBlockTypes.Add(type);
                    break;
            }
        }
        if (!reasoned)
        {
            // Where the provider returned reasoning_details (OpenRouter, Gemini 3), Roo keeps the reasoning only there, on
            // the entry (Task.ts, "Skip if reasoning_details already contains the reasoning"); Cline puts them on a text
            // or tool_use block beside a thinking block that normally has the text already.
            var details = new[] { entry }.Concat(content ?? Array.Empty<JsonElement>())
                .Select(e => e.GetPropertyOrDefault("reasoning_details"))
                .Where(d => d.ValueKind == JsonValueKind.Array)
                .SelectMany(d => d.EnumerateArray());
            foreach (var detail in details) ReasoningDetail(detail, Reason);
        }

        if (request?.Usage is { } stated)
        {
            turn.SetUsage(stated, request.Cost);
            UsageSource = UsageSource is null or "ui_messages" ? "ui_messages" : "both";
        }
        else if (Metrics(entry) is var (usage, cost) && usage is not null)
        {
            turn.SetUsage(usage.Value, cost);
            UnsplitCacheResponses++;
            UsageSource = UsageSource is null or "metrics" ? "metrics" : "both";
        }

        void Reason(string thought)
        {
            turn.AddReasoning(thought);
            reasoned |= thought.Length > 0;
        }
    }

    /// <summary>One of OpenRouter's reasoning_details: reasoning.text its text, reasoning.summary its summary; reasoning.encrypted is counted.</summary>
    private void ReasoningDetail(JsonElement detail, Action<string> reason)
    {
        switch (detail.GetStringOrNull("type"))
        {
            case "reasoning.text" when detail.GetStringOrNull("text") is { Length: > 0 } text:
                reason(text);
                break;
            case "reasoning.summary" when detail.GetStringOrNull("summary") is { Length: > 0 } summary:
                reason(summary);
                break;
            case "reasoning.encrypted":
                RedactedReasoning++;
                break;
        }
    }

    /// <summary>
    /// The metrics newer Cline versions keep on the response itself (Task.ts, the same counts as the UI log's):
    /// tokens.prompt is the input beside the cache, completion the output, and cached the cache writes and reads
    /// summed, which cannot be told apart: they are counted as reads. Null when no count can be read.
    /// </summary>
    private static (TokenUsage? Usage, decimal? Cost) Metrics(JsonElement entry)
    {
        var metrics = entry.GetPropertyOrDefault("metrics");
        if (metrics.ValueKind != JsonValueKind.Object) return (null, null);
        var tokens = metrics.GetPropertyOrDefault("tokens");
        decimal? cost = metrics.GetPropertyOrDefault("cost") is { ValueKind: JsonValueKind.Number } c && c.TryGetDecimal(out var value) ? value : null;
        if (tokens.ValueKind != JsonValueKind.Object) return (null, cost);
        var counted = new[] { "prompt", "completion", "cached" }.Any(name => tokens.GetPropertyOrDefault(name).ValueKind == JsonValueKind.Number);
        return (counted ? new TokenUsage(tokens.GetInt64OrZero("prompt"), tokens.GetInt64OrZero("completion"), tokens.GetInt64OrZero("cached"), 0) : null, cost);
    }

    /// <param name="blocks">The entry's readable blocks; null when its content is one string, <paramref name="stringContent"/>.</param>
    private void User(JsonElement entry, JsonElement[]? blocks, JsonElement stringContent, DateTimeOffset? sent)
    {
        var time = UnixTime.FromMilliseconds(entry, "ts") ?? sent;
        var prompt = new List<ContentBlock>();
        if (blocks is null)
        {
            AddText(stringContent.GetString()!, prompt, time);
            FlushPrompt(prompt, time);
            return;
        }
        for (var i = 0; i < blocks.Length; i++)
        {
            var block = blocks[i];
            switch (block.GetStringOrNull("type"))
            {
                case "tool_result":
                    FlushPrompt(prompt, time);
                    var resultContent = block.GetPropertyOrDefault("content");
                    Answer(new ToolResult(block.GetIdOrNull("tool_use_id") ?? string.Empty, AnthropicBlocks.ToolResultContent(resultContent))
                    {
                        IsError = block.GetBool("is_error"),
                        Timestamp = time,
                    });
                    // Native tools hand the person's answer, feedback or plan-mode reply back inside the tool's result
                    // (Roo's attempt_completion and ask_followup_question, Cline's plan_mode_respond): kept there as the
                    // model saw it, and the words themselves follow as the person's prompt.
                    foreach (var words in WordsInToolResult(resultContent))
                    {
                        PromptsInToolResults++;
                        prompt.Add(ContentBlock.FromText(words));
                    }
                    break;
                case "text":
                    var text = block.GetTextOrEmpty("text");
                    if (_pendingXmlCalls.Count > 0 && ClineXmlTools.ResultHeader(text) is { } header)
                    {
                        // The tool's output is the text after the header, in this block or the ones that follow it, up
                        // to the person's words: those the agent put after the output (feedback on a completion, on a
                        // command still running, given with an approval) are the person's, the note before them the tool's.
                        FlushPrompt(prompt, time);
                        var output = new List<ContentBlock>();
                        if (text[header.End..].Trim() is { Length: > 0 } rest) output.Add(ContentBlock.FromText(rest));
                        ClinePersonWords.Split? person = null;
                        while (person is null && i + 1 < blocks.Length && blocks[i + 1].GetStringOrNull("type") is "text" or "image"
                            && (blocks[i + 1].GetStringOrNull("type") == "image" || IsOutput(blocks[i + 1].GetTextOrEmpty("text"))))
                        {
                            i++;
                            if (blocks[i].GetStringOrNull("type") == "image")
                            {
                                if (AnthropicBlocks.Image(blocks[i]) is { } image) output.Add(image);
                                continue;
                            }
                            var more = blocks[i].GetTextOrEmpty("text");
                            person = ClinePersonWords.Find(more, ClinePersonWords.InToolResult);
                            var tools = person is null ? more : person.Before;
                            if (tools.Length > 0) output.Add(ContentBlock.FromText(tools));
                        }
                        Answer(new ToolResult(_pendingXmlCalls.Dequeue(), output) { Timestamp = time });
                        if (person is not null) AddWords(person with { Before = string.Empty }, prompt, time);
                        break;
                    }
                    if (_pendingXmlCalls.Count > 0 && ClineXmlTools.OtherAnswer(text) is { } answer)
                    {
                        FlushPrompt(prompt, time);
                        Answer(new ToolResult(_pendingXmlCalls.Dequeue(), new[] { ContentBlock.FromText(answer.Text) }) { IsError = answer.NotRun, Timestamp = time });
                        break;
                    }
                    AddText(text, prompt, time);
                    break;
                case "image":
                    if (AnthropicBlocks.Image(block) is { } picture) prompt.Add(picture);
                    break;
                case var other:
                    UnknownBlockTypes.Add(other ?? "untyped");
                    break;
            }
        }
        FlushPrompt(prompt, time);
        // A call whose answer never came back (the task was cancelled) stops waiting at the next prompt.
        _pendingXmlCalls.Clear();
    }

    /// <summary>
    /// A tool's answer. Cline's compaction is a tool the model calls (summarize_task, earlier condense): its result is the
    /// summary the conversation goes on from (SummarizeTaskHandler.ts, continuationPrompt), and the history before it
    /// is hidden from the model (conversationHistoryDeletedRange). It stays the tool's answer, and is counted as a summary.
    /// </summary>
    private void Answer(ToolResult result)
    {
        if (Builder.AddToolResult(result)?.ToolName is "summarize_task" or "condense") Summaries++;
    }

    /// <summary>
    /// A text block of a user entry that answers no call: the person's words (into the prompt being gathered), or what
    /// the agent wrote. A task resumption note of Cline 2.x and 3.x (until April 2025) holds the words the person typed
    /// to resume the task in the same block: the note is context, the words the prompt.
    /// </summary>
    private void AddText(string text, List<ContentBlock> prompt, DateTimeOffset? time)
    {
        var kind = Classify(text);
        if ((kind is null || text.AsSpan().TrimStart().StartsWith(Resumption, StringComparison.Ordinal))
            && ClinePersonWords.Find(text, ClinePersonWords.InUserText) is { } person)
        {
            AddWords(person, prompt, time);
            return;
        }
        if (kind is null)
        {
            prompt.Add(ContentBlock.FromText(text));
            return;
        }
        FlushPrompt(prompt, time);
        Builder.AddMessage(MessageRole.User, kind.Value, new[] { ContentBlock.FromText(text) }, time);
        if (kind == MessageKind.Context && Cwd is null && WorkingDirectory().Match(text) is { Success: true } cwd) Cwd = cwd.Groups[1].Value.Trim();
    }

    /// <summary>The agent's note before the person's words and the contents they attached, as context, then the words, into the prompt.</summary>
    private void AddWords(ClinePersonWords.Split person, List<ContentBlock> prompt, DateTimeOffset? time)
    {
        var context = new[] { person.Before, person.Attached }.Where(t => t.Length > 0).Select(ContentBlock.FromText).ToArray();
        if (context.Length > 0)
        {
            FlushPrompt(prompt, time);
            Builder.AddMessage(MessageRole.User, MessageKind.Context, context, time);
        }
        if (person.Words.Length > 0) prompt.Add(ContentBlock.FromText(person.Words));
    }

    /// <summary>The person's words in a native tool result's text, a string or text blocks.</summary>
    private static IEnumerable<string> WordsInToolResult(JsonElement content)
    {
        var texts = content.ValueKind switch
        {
            JsonValueKind.String => new[] { content.GetString()! },
            JsonValueKind.Array => content.EnumerateArray().Select(b => b.GetStringOrNull("text")).OfType<string>().ToArray(),
            _ => Array.Empty<string>(),
        };
        return texts.Select(t => ClinePersonWords.Find(t, ClinePersonWords.InToolResult)?.Words).OfType<string>().Where(w => w.Length > 0);
    }

    private void FlushPrompt(List<ContentBlock> prompt, DateTimeOffset? time)
    {
        if (prompt.Count == 0) return;
        // A subtask starts with the parent agent's instructions, which Roo wraps as the person's words.
        var kind = _firstWordsAreAgents ? MessageKind.AgentMessage : MessageKind.Prompt;
        _firstWordsAreAgents = false;
        Builder.AddMessage(MessageRole.User, kind, prompt.ToArray(), time);
        prompt.Clear();
    }

    /// <summary>Whether a block after a "[tool] Result:" header is more of the tool's output, not the next answer or the agent's context.</summary>
    private static bool IsOutput(string text) => Classify(text) is null && ClineXmlTools.OtherAnswer(text) is null;

    private const string Resumption = "[TASK RESUMPTION]";

    /// <summary>What the agent, not the person, wrote into a user entry; null for the person's words and for tool output.</summary>
    private static MessageKind? Classify(string text)
    {
        var start = text.AsSpan().TrimStart();
        if (start.StartsWith("<environment_details>", StringComparison.Ordinal)
            || start.StartsWith(Resumption, StringComparison.Ordinal)
            || start.StartsWith("<explicit_instructions", StringComparison.Ordinal)
            || start.StartsWith("# task_progress", StringComparison.Ordinal)
            || start.StartsWith("<slash_command", StringComparison.Ordinal)) return MessageKind.Context;
        if (start.StartsWith("[ERROR]", StringComparison.Ordinal) || start.StartsWith("[Response interrupted", StringComparison.Ordinal)) return MessageKind.Synthetic;
        if (ClineXmlTools.ResultHeader(text) is not null) return MessageKind.ToolResult;
        return null;
    }

    /// <summary>Readable reasoning of a Roo Code reasoning item or block: its text, else its summary's texts; encrypted reasoning is counted.</summary>
    private void Reasoning(JsonElement item, List<string> into)
    {
        if (item.GetStringOrNull("text") is { Length: > 0 } text)
        {
            into.Add(text);
            return;
        }
        var summary = item.GetPropertyOrDefault("summary");
        var found = false;
        if (summary.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in summary.EnumerateArray())
            {
                if (part.GetStringOrNull("text") is { Length: > 0 } summaryText)
                {
                    into.Add(summaryText);
                    found = true;
                }
            }
        }
        if (!found && item.GetStringOrNull("encrypted_content") is not null) RedactedReasoning++;
    }

    private static string Text(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString()!
        : string.Join("\n\n", content.EnumerateArray().Where(b => b.GetStringOrNull("type") == "text").Select(b => b.GetTextOrEmpty("text")));

    [GeneratedRegex(@"# Current (?:Working|Workspace) Directory \(([^)\r\n]+)\)")]
    private static partial Regex WorkingDirectory();
}
