using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Cline;

/// <summary>
/// Turns the messages of an SDK session (MessageWithMetadata, sdk/packages/shared/src/llms/messages.ts) into the
/// normalized conversation. Each assistant message is one API response, with its model (modelInfo.id), its
/// tokens and cost (metrics) and its time (ts, milliseconds); each tool's answer is a user message of its own
/// holding one tool_result block (agent-message-codec.ts splits them); the person's words come wrapped in
/// &lt;user_input mode="act|plan|yolo"&gt;, files they attached as "file" blocks with the file's text.
/// </summary>
public sealed partial class ClineSessionConversation
{
    private readonly HashSet<string> _modes = new(StringComparer.Ordinal);
    private int _unnamedCalls;

    public ConversationBuilder Builder { get; } = new();

    public IReadOnlyList<RolloutMessage> Messages { get; private set; } = Array.Empty<RolloutMessage>();

    /// <summary>The stored messages that were read.</summary>
    public int Count { get; private set; }

    /// <summary>Responses whose metrics stated tokens or cost.</summary>
    public int MeteredResponses { get; private set; }

    public int RedactedReasoning { get; private set; }

    /// <summary>Files the person attached ("file" blocks), read into the prompt as the model saw them.</summary>
    public int AttachedFiles { get; private set; }

    /// <summary>Compaction folds written into the history itself (metadata.kind "compaction").</summary>
    public int CompactionSummaries { get; private set; }

    public Counter UnknownBlockTypes { get; } = new();

    /// <summary>The modes the person's messages were sent in, as their &lt;user_input&gt; wrapper names them.</summary>
    public IEnumerable<string> Modes => _modes;

    /// <param name="lineOf">The line a message starts on, for the reports.</param>
    public static ClineSessionConversation Read(IReadOnlyList<JsonElement> messages, string? systemPrompt, Func<int, int?> lineOf, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var conversation = new ClineSessionConversation();
        if (systemPrompt is { Length: > 0 })
        {
            var first = messages.Select(m => UnixTime.FromMilliseconds(m, "ts")).FirstOrDefault(t => t is not null);
            conversation.Builder.AddMessage(MessageRole.System, MessageKind.Context, new[] { ContentBlock.FromText(systemPrompt) }, first);
        }
        for (var i = 0; i < messages.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var message = messages[i];
            try
            {
                var role = message.GetStringOrNull("role");
                var content = message.GetPropertyOrDefault("content");
                if (message.ValueKind != JsonValueKind.Object || role is not ("user" or "assistant") || content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
                {
                    var what = message.ValueKind != JsonValueKind.Object
                        ? $"a JSON {message.ValueKind}"
                        : $"{(role is null ? "without role" : $"of role \"{role}\"")} with {(content.ValueKind == JsonValueKind.Undefined ? "no content" : $"content of type {content.ValueKind}")}";
                    diagnostics.Error(RolloutDiagnostic.ParseError, lineOf(i) ?? 1, $"message {i} of the session is {what}, not a message; skipped.");
                    continue;
                }
                conversation.Count++;
                var time = UnixTime.FromMilliseconds(message, "ts");
                if (role == "assistant") conversation.Assistant(message, content, time);
                else conversation.User(message, content, time);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                // Text of the wrong type (GetTextOrEmpty): the message is reported, the rest read.
                diagnostics.Error(RolloutDiagnostic.ParseError, lineOf(i) ?? 1, $"message {i} of the session: {e.Message} Skipped.");
            }
        }
        conversation.Messages = conversation.Builder.Build();
        return conversation;
    }

    private void Assistant(JsonElement message, JsonElement content, DateTimeOffset? time)
    {
        var turn = Builder.StartAssistant(time, message.GetPropertyOrDefault("modelInfo").GetStringOrNull("id"));
        turn.ResponseId = message.GetIdOrNull("id");
        if (content.ValueKind == JsonValueKind.String)
        {
            turn.AddContent(new[] { ContentBlock.FromText(content.GetString()!) });
        }
        else
        {
            foreach (var block in content.EnumerateArray())
            {
                switch (block.GetStringOrNull("type"))
                {
                    case "text":
                        turn.AddContent(new[] { ContentBlock.FromText(block.GetTextOrEmpty("text")) });
                        break;
                    case "thinking":
                        turn.AddReasoning(block.GetTextOrEmpty("thinking"));
                        break;
                    case "redacted_thinking":
                        RedactedReasoning++;
                        break;
                    case "tool_use":
                        turn.AddToolCall(new ToolCall(
                            block.GetIdOrNull("id") ?? $"tool-{Count}-{++_unnamedCalls}",
                            block.GetStringOrNull("name") ?? string.Empty,
                            block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}"));
                        break;
                    default:
                        if (Attachment(block) is { } attached) turn.AddContent(new[] { attached });
                        break;
                }
            }
        }
        if (Metrics(message) is var (usage, cost) && (usage is not null || cost is not null))
        {
            MeteredResponses++;
            turn.SetUsage(usage ?? default, cost);
        }
    }

    /// <summary>
    /// metrics: inputTokens is the whole prompt, cached or not (the SDK prices the part beside the cache as
    /// inputTokens - cacheReadTokens - cacheWriteTokens, llms/src/providers/ai-sdk.ts); cost is the stated USD.
    /// </summary>
    private static (TokenUsage? Usage, decimal? Cost) Metrics(JsonElement message)
    {
        var metrics = message.GetPropertyOrDefault("metrics");
        if (metrics.ValueKind != JsonValueKind.Object) return (null, null);
        decimal? cost = metrics.GetPropertyOrDefault("cost") is { ValueKind: JsonValueKind.Number } c && c.TryGetDecimal(out var value) && value > 0 ? value : null;
        var stated = new[] { "inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens" }.Any(name => metrics.TryGetProperty(name, out _));
        if (!stated) return (null, cost);
        var read = metrics.GetInt64OrZero("cacheReadTokens");
        var written = metrics.GetInt64OrZero("cacheWriteTokens");
        return (new TokenUsage(Math.Max(0, metrics.GetInt64OrZero("inputTokens") - read - written), metrics.GetInt64OrZero("outputTokens"), read, written), cost);
    }

    private void User(JsonElement message, JsonElement content, DateTimeOffset? time)
    {
        // A compaction that folded the history into its first message (before canonical history was kept apart,
        // #10651) marks it, "compaction_summary" where the summarizing compactor wrote it (compaction-shared.ts
        // buildSummaryMessage, which shows it as a system line too); a notice the runtime added shows as a system line
        // (displayRole "system").
        var metadata = message.GetPropertyOrDefault("metadata");
        var kind = metadata.GetStringOrNull("kind") is "compaction" or "compaction_summary" ? MessageKind.CompactionSummary
            : metadata.GetStringOrNull("displayRole") == "system" ? MessageKind.Context
            : MessageKind.Prompt;
        if (kind == MessageKind.CompactionSummary) CompactionSummaries++;
        if (content.ValueKind == JsonValueKind.String)
        {
            Builder.AddMessage(MessageRole.User, kind, new[] { ContentBlock.FromText(PersonText(content.GetString()!)) }, time);
            return;
        }
        var words = new List<ContentBlock>();
        foreach (var block in content.EnumerateArray())
        {
            switch (block.GetStringOrNull("type"))
            {
                case "tool_result":
                    Flush(words, kind, time);
                    Builder.AddToolResult(new ToolResult(block.GetIdOrNull("tool_use_id") ?? string.Empty, ResultContent(block.GetPropertyOrDefault("content")))
                    {
                        IsError = block.GetBool("is_error"),
                        Timestamp = time,
                    });
                    break;
                case "text":
                    words.Add(ContentBlock.FromText(PersonText(block.GetTextOrEmpty("text"))));
                    break;
                default:
                    if (Attachment(block) is { } attached) words.Add(attached);
                    break;
            }
        }
        Flush(words, kind, time);
    }

    private void Flush(List<ContentBlock> words, MessageKind kind, DateTimeOffset? time)
    {
        if (words.Count == 0) return;
        Builder.AddMessage(MessageRole.User, kind, words.ToArray(), time);
        words.Clear();
    }

    /// <summary>The person's words without the &lt;user_input&gt; wrapper (and the mode notices before it); its mode is kept.</summary>
    private string PersonText(string text)
    {
        if (UserInput().Match(text) is not { Success: true } match) return text;
        _modes.Add(match.Groups[1].Value);
        return match.Groups[2].Value.Trim();
    }

    /// <summary>A tool's output: a string, or text, image and file blocks.</summary>
    private IReadOnlyList<ContentBlock> ResultContent(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String) return new[] { ContentBlock.FromText(content.GetString()!) };
        if (content.ValueKind != JsonValueKind.Array) return content.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? Array.Empty<ContentBlock>() : new[] { ContentBlock.FromText(content.GetRawText()) };
        var blocks = new List<ContentBlock>();
        foreach (var block in content.EnumerateArray())
        {
            // Tools may answer with structured values (read_files' [{query, result, success}]): kept as JSON text.
            if (block.GetStringOrNull("type") is null) blocks.Add(ContentBlock.FromText(block.GetRawText()));
            else if (block.GetStringOrNull("type") == "text") blocks.Add(ContentBlock.FromText(block.GetTextOrEmpty("text")));
            else if (Attachment(block) is { } attached) blocks.Add(attached);
        }
        return blocks;
    }

    /// <summary>
    /// An image (base64 data and mediaType, not Anthropic's source object) or a file ("file": its path and text,
    /// shown as the SDK hands it to the model, in a &lt;file_content&gt; element); other types are counted.
    /// </summary>
    private ContentBlock? Attachment(JsonElement block)
    {
        switch (block.GetStringOrNull("type"))
        {
            case "image":
                return block.GetStringOrNull("data") is { } data ? ContentBlock.FromImageData(block.GetStringOrNull("mediaType"), data) : null;
            case "file":
                AttachedFiles++;
                return ContentBlock.FromText($"<file_content path=\"{block.GetStringOrNull("path")}\">\n{block.GetTextOrEmpty("content")}\n</file_content>");
            case var other:
                UnknownBlockTypes.Add(other ?? "untyped");
                return null;
        }
    }

    [GeneratedRegex(@"^\s*(?:<mode_notice>.*?</mode_notice>\s*)*<user_input\b[^>]*\bmode=""(\w+)""[^>]*>(.*)</user_input>\s*$", RegexOptions.Singleline)]
    private static partial Regex UserInput();
}
