using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.ClaudeCode;

/// <summary>Turns Anthropic Messages API content (as Claude Code stores it) into normalized pieces.</summary>
internal static partial class ClaudeContent
{
    /// <summary>
    /// The slash command a person typed ("/review src/cart.ts"), from its &lt;command-name&gt; echo; a session
    /// opened by a command has no other prompt to title it.
    /// </summary>
    public static string? SlashCommand(RolloutMessage message)
    {
        if (message.Kind != MessageKind.Command || CommandName().Match(message.Text) is not { Success: true } name) return null;
        var arguments = CommandArguments().Match(message.Text) is { Success: true } args ? args.Groups[1].Value.Trim() : string.Empty;
        var command = name.Groups[1].Value.Trim();
        return arguments.Length > 0 ? $"{command} {arguments}" : command;
    }

    [System.Text.RegularExpressions.GeneratedRegex("<command-name>([^<]*)</command-name>")]
    private static partial System.Text.RegularExpressions.Regex CommandName();

    [System.Text.RegularExpressions.GeneratedRegex("<command-args>([^<]*)</command-args>")]
    private static partial System.Text.RegularExpressions.Regex CommandArguments();

    private const string SyntheticModel = "<synthetic>";

    public static UserLine ReadUser(JsonElement root)
    {
        var content = Content(root);
        var blocks = new List<ContentBlock>();
        var toolResults = new List<ToolResult>();
        if (content.ValueKind == JsonValueKind.String)
        {
            blocks.Add(ContentBlock.FromText(content.GetString()!));
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                if (block.GetStringOrNull("type") == "tool_result")
                {
                    toolResults.Add(ReadToolResult(block));
                }
                else
                {
                    AddBlock(blocks, block);
                }
            }
        }

        // The structured result on the line belongs to its tool_result when there is exactly one.
        if (toolResults.Count == 1 && root.TryGetProperty("toolUseResult", out var structured) && structured.ValueKind != JsonValueKind.Null)
        {
            toolResults[0] = toolResults[0] with { StructuredResult = structured.GetRawText() };
        }

        return new UserLine
        {
            Parts = Split(blocks, LineKind(root, blocks)),
            ToolResults = toolResults,
        };
    }

    public static AssistantLine ReadAssistant(JsonLine line, UnplacedKinds unknownBlocks, Action redactedThinking)
    {
        var root = line.Root;
        var content = Content(root);
        var message = root.GetPropertyOrDefault("message");
        var blocks = new List<ContentBlock>();
        var thinking = new List<string>();
        var calls = new List<ToolCall>();
        var serverResults = new List<ToolResult>();
        if (content.ValueKind == JsonValueKind.String)
        {
            blocks.Add(ContentBlock.FromText(content.GetString()!));
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                var type = block.GetStringOrNull("type");
                switch (type)
                {
                    case "text":
                        blocks.Add(ContentBlock.FromText(block.GetTextOrEmpty("text")));
                        break;
                    case "thinking":
                        if (block.GetStringOrNull("thinking") is { Length: > 0 } thought) thinking.Add(thought);
                        break;
                    case "redacted_thinking":
                        // Encrypted reasoning: nothing readable to keep.
                        redactedThinking();
                        break;
                    case "tool_use" or "server_tool_use" or "mcp_tool_use":
                        calls.Add(new ToolCall(
                            block.GetIdOrNull("id") ?? string.Empty,
                            block.GetStringOrNull("name") ?? string.Empty,
                            block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}"));
                        break;
                    case "image":
                        AddBlock(blocks, block);
                        break;
                    case "fallback":
                        // A server-side refusal fallback names the models it switched between; not model output.
                        break;
                    case not null when type.EndsWith("_tool_result", StringComparison.Ordinal) && block.GetIdOrNull("tool_use_id") is not null:
                        serverResults.Add(ReadToolResult(block));
                        break;
                    default:
                        // A kind of block not yet known: what it says in words stays, and the first of its kind is told.
                        unknownBlocks.Add(type ?? "untyped", line.LineNumber, $"an assistant content block of type '{type ?? "(none)"}' is not one this reader knows; its text, if any, is kept, the rest left out; counted in unknown_block_types.");
                        if (OwnText(block) is { } words) blocks.Add(ContentBlock.FromText(words));
                        break;
                }
            }
        }

        var model = message.GetStringOrNull("model");
        var usage = message.GetPropertyOrDefault("usage");
        return new AssistantLine
        {
            MessageId = message.GetIdOrNull("id"),
            RequestId = root.GetIdOrNull("requestId"),
            Model = model,
            Blocks = blocks,
            Thinking = thinking,
            ToolCalls = calls,
            ServerToolResults = serverResults,
            Usage = ReadUsage(usage),
            AdvisorCalls = ReadAdvisorCalls(usage, root),
            BlockIndex = root.GetInt32OrNull("apiBlockIndex"),
            IsSynthetic = model == SyntheticModel,
            StatedCost = Usd(root, "costUSD"),
        };
    }

    /// <summary>An amount in US dollars Claude Code wrote itself; null when absent, not a number, or negative.</summary>
    public static decimal? Usd(JsonElement element, string name) =>
        element.GetPropertyOrDefault(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetDecimal(out var usd) && usd >= 0 ? usd : null;

    /// <summary>
    /// A slash command a person ran, or its output, as a system/local_command line (2.1.12 on): the same
    /// command-name, command-args and local-command-stdout echo older versions wrote as user lines, so it is a
    /// Command message as those are, in its place in the conversation. All of it is the command's: none of it
    /// is a prompt, whatever it holds besides the tags.
    /// </summary>
    public static UserLine? ReadLocalCommand(JsonElement root)
    {
        var text = ReadText(root.GetPropertyOrDefault("content"));
        return text.Length == 0 ? null : new UserLine
        {
            Parts = Split(new List<ContentBlock> { ContentBlock.FromText(text) }, MessageKind.Command),
            ToolResults = Array.Empty<ToolResult>(),
        };
    }

    /// <summary>
    /// The prompt of a queued_command attachment: input that waited while the agent was busy, absorbed mid-turn.
    /// The attachment says who it came from as a user line does (origin, isMeta): a person's words are a queued
    /// prompt, another agent's hand-back (2.1.285) is theirs, and a task notification is the session's own notice.
    /// A shell command the person queued (commandMode "bash": typed after "!", which switches the input mode and is
    /// not kept in the text) is a Command, as the same command typed while the agent is idle is. Other command modes
    /// ("task-notification") are not a person's input and are left out.
    /// </summary>
    public static UserLine? ReadQueuedCommand(JsonElement attachment)
    {
        if (attachment.GetStringOrNull("type") != "queued_command") return null;
        var mode = attachment.GetStringOrNull("commandMode");
        if (mode is not (null or "prompt" or "bash")) return null;
        var prompt = attachment.GetPropertyOrDefault("prompt");
        var blocks = prompt.ValueKind switch
        {
            JsonValueKind.String when prompt.GetString() is { Length: > 0 } text => new List<ContentBlock> { ContentBlock.FromText(text) },
            JsonValueKind.Array => ReadBlocks(prompt),
            _ => null,
        };
        if (blocks is not { Count: > 0 }) return null;
        if (mode == "bash") return Queued(blocks, MessageKind.Command);
        var kind = LineKind(attachment, blocks);
        return Queued(blocks, kind == MessageKind.Prompt ? MessageKind.QueuedPrompt : kind);
    }

    /// <summary>
    /// A prompt recovered from the queue lines alone (2.1.39–2.1.42, absorbed mid-turn with nothing else written):
    /// typed while the agent was busy, unless it is a finished task's notice waiting in the same queue.
    /// </summary>
    public static UserLine Queued(string text) => Queued(new List<ContentBlock> { ContentBlock.FromText(text) }, MessageKind.QueuedPrompt);

    private static UserLine Queued(List<ContentBlock> blocks, MessageKind kind) =>
        new() { Parts = Split(blocks, kind), ToolResults = Array.Empty<ToolResult>() };

    /// <summary>Text given either as a string or as a list of content blocks.</summary>
    public static string ReadText(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => RolloutMessage.JoinText(ReadBlocks(content)),
        _ => string.Empty,
    };

    /// <summary>
    /// Tags Claude Code (and its IDE and hook integrations) wraps around text it adds to a person's turn: a
    /// note of the file open in the editor, the selection, reminders, hook output, a finished background
    /// task. They can share a line, even a text block, with the person's words, before or after them.
    /// </summary>
    private static readonly string[] ContextTags =
    {
        "system-reminder", "ide_opened_file", "ide_selection", "ide_diagnostics", "task-notification",
        "user-prompt-submit-hook", "user-memory-input", "local-command-caveat",
    };

    /// <summary>Echoes of what a person ran locally: slash commands and their output, shell mode (!).</summary>
    private static readonly string[] CommandTags =
    {
        "command-name", "command-message", "command-args", "command-contents", "local-command-stdout",
        "local-command-stderr", "bash-input", "bash-stdout", "bash-stderr",
    };

    /// <summary>
    /// What the untagged text of a user line is. Claude Code sends more than the person's words as user
    /// turns: compaction summaries (isCompactSummary), caveats and other injected text (isMeta), interruption
    /// markers, and turns that others started. From about 2.1.200 lines say who spoke: origin.kind (only
    /// "human" is a person; "peer" and "coordinator" are other agents; task notifications, channels, observers,
    /// continuations and kinds yet unknown are input the session made itself), turnOrigin (2.1.278 on), and
    /// promptSource ("system" is injected, "queued" was typed while the agent was busy; "sdk" decides nothing).
    /// </summary>
    private static MessageKind LineKind(JsonElement root, List<ContentBlock> blocks)
    {
        if (root.GetBool("isCompactSummary")) return MessageKind.CompactionSummary;
        var text = blocks.FirstOrDefault(b => b.Type == ContentBlockType.Text)?.Text?.TrimStart() ?? string.Empty;
        if (text.StartsWith("[Request interrupted by user", StringComparison.Ordinal)) return MessageKind.Interruption;
        var origin = root.GetPropertyOrDefault("origin").GetStringOrNull("kind") ?? root.GetStringOrNull("turnOrigin") switch
        {
            "task_notification" => "task-notification",
            "sdk" => null,
            var other => other,
        };
        // Another agent's turn is written isMeta, promptSource "system" (2.1.246 on): still that agent's words.
        if (origin is "peer" or "coordinator") return MessageKind.AgentMessage;
        if (root.GetBool("isMeta")) return MessageKind.Context;

        return origin switch
        {
            null or "human" => root.GetStringOrNull("promptSource") switch
            {
                "queued" => MessageKind.QueuedPrompt,
                "system" => MessageKind.Context,
                _ => MessageKind.Prompt,
            },
            _ => MessageKind.Context,
        };
    }

    /// <summary>
    /// A user turn's text whose line lost its marks (isMeta, origin, promptSource, isCompactSummary), as Harbor's
    /// ATIF converter keeps only the text: in parts as <see cref="ReadUser"/> reads the text of an unmarked line
    /// (tagged spans, interruption markers, task notices). A skill's text, which Claude Code marks only isMeta, is
    /// told by its opening "Base directory for this skill:" and is Context, as the marked line is.
    /// </summary>
    internal static IReadOnlyList<UserPart> UnmarkedUserText(List<ContentBlock> blocks)
    {
        var kind = LineKind(default, blocks);
        if (kind == MessageKind.Prompt && blocks.FirstOrDefault(b => b.Type == ContentBlockType.Text)?.Text?.TrimStart()
                .StartsWith("Base directory for this skill:", StringComparison.Ordinal) == true) kind = MessageKind.Context;
        return Split(blocks, kind);
    }

    /// <summary>
    /// The line's content in parts of one kind: tagged spans at the start or end of a text block are Context
    /// or Command, the rest is of the line's kind. The person's words and what they pasted (images, documents)
    /// are one part, placed where the first of them is. Only spoken text is split; a line that is wholly one
    /// thing (a summary, a caveat) stays whole.
    /// </summary>
    private static IReadOnlyList<UserPart> Split(List<ContentBlock> blocks, MessageKind lineKind)
    {
        if (blocks.Count == 0) return Array.Empty<UserPart>();
        if (lineKind is not (MessageKind.Prompt or MessageKind.QueuedPrompt or MessageKind.AgentMessage))
        {
            return new[] { new UserPart(lineKind, blocks) };
        }

        var parts = new List<(MessageKind Kind, List<ContentBlock> Blocks)>();
        var spoken = -1;
        void Add(MessageKind kind, ContentBlock block)
        {
            if (kind == lineKind && spoken >= 0) parts[spoken].Blocks.Add(block);
            else if (parts.Count > 0 && parts[^1].Kind == kind) parts[^1].Blocks.Add(block);
            else parts.Add((kind, new List<ContentBlock> { block }));
            if (kind == lineKind && spoken < 0) spoken = parts.Count - 1;
        }

        foreach (var block in blocks)
        {
            var spans = block.Type == ContentBlockType.Text ? TaggedSpans(block.Text!, lineKind) : null;
            if (spans is null || spans.Count == 1)
            {
                Add(spans?[0].Kind ?? lineKind, block);
                continue;
            }
            foreach (var (kind, text) in spans) Add(kind, ContentBlock.FromText(text));
        }
        return parts.Select(p => new UserPart(p.Kind, p.Blocks)).ToArray();
    }

    /// <summary>
    /// A text block cut into the tagged spans at its ends and the words between them. A block that is one
    /// span comes back whole, untouched; otherwise each span is trimmed of the line breaks that joined them.
    /// </summary>
    private static List<(MessageKind Kind, string Text)> TaggedSpans(string text, MessageKind lineKind)
    {
        // A finished background task is announced with the tag and a line telling the model where its output
        // is; all of it is the agent's notice.
        if (IsTaskNotification(text))
        {
            return new List<(MessageKind, string)> { (MessageKind.Context, text) };
        }

        var head = new List<(MessageKind, string)>();
        var tail = new List<(MessageKind, string)>();
        var start = 0;
        var end = text.Length;
        while (LeadingTag(text, start, end) is { } lead)
        {
            head.Add((lead.Kind, text[start..lead.End]));
            start = SkipSpace(text, lead.End, end);
        }
        while (start < end && TrailingTag(text, start, end) is { } trail)
        {
            tail.Insert(0, (trail.Kind, text[trail.Start..end]));
            end = trail.Start;
            while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        }

        var spans = head;
        if (start < end) spans.Add((lineKind, text[start..end]));
        spans.AddRange(tail);
        if (spans.Count == 0) return new List<(MessageKind, string)> { (lineKind, text) };

        // Adjacent spans of one kind (the three lines of a slash command's echo) are one piece of text.
        var merged = new List<(MessageKind Kind, string Text)>();
        foreach (var span in spans)
        {
            if (merged.Count > 0 && merged[^1].Kind == span.Item1) merged[^1] = (span.Item1, merged[^1].Text + "\n" + span.Item2);
            else merged.Add(span);
        }
        return merged.Count == 1
            ? new List<(MessageKind, string)> { (merged[0].Kind, text) }
            : merged.Select(m => (m.Kind, m.Text.Trim())).ToList();
    }

    /// <summary>Claude Code's notice that a background task finished; it waits in the prompt queue like a prompt.</summary>
    public static bool IsTaskNotification(string text) => text.AsSpan().TrimStart().StartsWith("<task-notification>", StringComparison.Ordinal);

    private static int SkipSpace(string text, int index, int end)
    {
        while (index < end && char.IsWhiteSpace(text[index])) index++;
        return index;
    }

    /// <summary>A known tag's span starting at <paramref name="start"/> (after white space).</summary>
    private static (MessageKind Kind, int End)? LeadingTag(string text, int start, int end)
    {
        start = SkipSpace(text, start, end);
        if (start >= end || text[start] != '<') return null;
        foreach (var (tags, kind) in TagKinds)
        {
            foreach (var tag in tags)
            {
                if (!HasAt(text, start + 1, tag) || start + 1 + tag.Length >= end || text[start + 1 + tag.Length] is not ('>' or ' ')) continue;
                // An unclosed span (a truncated echo) runs to the end of the text.
                var close = text.IndexOf($"</{tag}>", start, end - start, StringComparison.Ordinal);
                return (kind, close < 0 ? end : close + tag.Length + 3);
            }
        }
        return null;
    }

    /// <summary>
    /// An injected tag's span ending at <paramref name="end"/> (before white space). Command echoes only ever
    /// open a line: a prompt that ends with one is quoting it.
    /// </summary>
    private static (MessageKind Kind, int Start)? TrailingTag(string text, int start, int end)
    {
        while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        if (end <= start || text[end - 1] != '>') return null;
        foreach (var tag in ContextTags)
        {
            var closing = $"</{tag}>";
            if (end - start < closing.Length || !HasAt(text, end - closing.Length, closing)) continue;
            var open = text.LastIndexOf($"<{tag}", end - closing.Length, end - closing.Length - start + 1, StringComparison.Ordinal);
            return open < 0 ? null : (MessageKind.Context, open);
        }
        return null;
    }

    private static bool HasAt(string text, int index, string value) =>
        index + value.Length <= text.Length && string.CompareOrdinal(text, index, value, 0, value.Length) == 0;

    private static readonly (string[] Tags, MessageKind Kind)[] TagKinds =
    {
        (ContextTags, MessageKind.Context),
        (CommandTags, MessageKind.Command),
    };

    /// <summary>
    /// Usage as the API reports it: input_tokens already excludes cache reads and writes. Cache writes are
    /// taken from the per-lifetime breakdown when it is larger (older lines carry only the total); the breakdown's
    /// one-hour part is kept apart, as it is billed at another rate.
    /// </summary>
    private static TokenUsage? ReadUsage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object) return null;
        var breakdown = usage.GetPropertyOrDefault("cache_creation");
        var cacheWrite = Math.Max(
            usage.GetInt64OrZero("cache_creation_input_tokens"),
            breakdown.GetInt64OrZero("ephemeral_5m_input_tokens") + breakdown.GetInt64OrZero("ephemeral_1h_input_tokens"));
        return new TokenUsage(
            usage.GetInt64OrZero("input_tokens"),
            usage.GetInt64OrZero("output_tokens"),
            usage.GetInt64OrZero("cache_read_input_tokens"),
            cacheWrite)
        {
            CacheWrite1hTokens = breakdown.GetInt64OrZero("ephemeral_1h_input_tokens"),
        };
    }

    /// <summary>
    /// The advisor calls of a response, from usage.iterations (2.1.39 on). Only advisor_message entries are taken:
    /// the message entries already add up to the top-level usage, and a fallback_message is a refused attempt the
    /// API does not bill. An entry without its own model was made to the line's advisorModel.
    /// </summary>
    private static IReadOnlyList<InnerCall> ReadAdvisorCalls(JsonElement usage, JsonElement root)
    {
        var iterations = usage.GetPropertyOrDefault("iterations");
        if (iterations.ValueKind != JsonValueKind.Array) return Array.Empty<InnerCall>();
        List<InnerCall>? calls = null;
        foreach (var iteration in iterations.EnumerateArray())
        {
            if (iteration.GetStringOrNull("type") != "advisor_message" || ReadUsage(iteration) is not { } billed) continue;
            (calls ??= new List<InnerCall>()).Add(new InnerCall(iteration.GetStringOrNull("model") ?? root.GetStringOrNull("advisorModel"), billed));
        }
        return calls is null ? Array.Empty<InnerCall>() : calls;
    }

    private static ToolResult ReadToolResult(JsonElement block)
    {
        var content = block.GetPropertyOrDefault("content");
        IReadOnlyList<ContentBlock> blocks = content.ValueKind switch
        {
            JsonValueKind.String => new[] { ContentBlock.FromText(content.GetString()!) },
            JsonValueKind.Array => ReadBlocks(content),
            JsonValueKind.Undefined or JsonValueKind.Null => Array.Empty<ContentBlock>(),
            JsonValueKind.Object => ReadResultObject(content),
            _ => new[] { ContentBlock.FromText(content.GetRawText()) },
        };
        var isError = block.GetBool("is_error") || IsServerToolError(content);
        return new ToolResult(block.GetIdOrNull("tool_use_id") ?? string.Empty, blocks) { IsError = isError };
    }

    /// <summary>
    /// A server tool's result given as one object: its text (an advisor_result's advice), its error code (a
    /// *_tool_result_error), nothing for output the API encrypted (advisor_redacted_result: the executor read it,
    /// no one else can), else the object as JSON (a web search's or fetch's structured result).
    /// </summary>
    private static IReadOnlyList<ContentBlock> ReadResultObject(JsonElement content)
    {
        if (content.GetStringOrNull("text") is { } text) return new[] { ContentBlock.FromText(text) };
        if (IsServerToolError(content)) return new[] { ContentBlock.FromText(content.GetStringOrNull("error_code") ?? content.GetRawText()) };
        if (content.TryGetProperty("encrypted_content", out _)) return Array.Empty<ContentBlock>();
        return new[] { ContentBlock.FromText(content.GetRawText()) };
    }

    private static bool IsServerToolError(JsonElement content) =>
        content.ValueKind == JsonValueKind.Object && content.GetStringOrNull("type") is { } type && type.EndsWith("_tool_result_error", StringComparison.Ordinal);

    private static List<ContentBlock> ReadBlocks(JsonElement array)
    {
        var blocks = new List<ContentBlock>();
        foreach (var block in array.EnumerateArray()) AddBlock(blocks, block);
        return blocks;
    }

    /// <summary>
    /// The content of a user or assistant line's message. A message or content of another JSON type than
    /// Claude Code writes is damage: the line is reported (FormatException), never read as an empty turn.
    /// </summary>
    private static JsonElement Content(JsonElement root)
    {
        var message = root.GetPropertyOrDefault("message");
        if (message.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            throw new FormatException($"\"message\" is {message.ValueKind}, not an object.");
        }
        var content = message.GetPropertyOrDefault("content");
        if (content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Undefined))
        {
            throw new FormatException($"\"message.content\" is {content.ValueKind}, neither text nor a list of blocks.");
        }
        return content;
    }

    /// <summary>
    /// Text stays text and images stay images. Nothing else is pasted as it is: a document's or other block's
    /// base64 would fill a message, and its title, with megabytes no one reads. What such a block says in words is
    /// kept (a text document, a tool reference's name, a block's own text), else a placeholder or an outline.
    /// </summary>
    private static void AddBlock(List<ContentBlock> blocks, JsonElement block)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            if (block.ValueKind == JsonValueKind.String) blocks.Add(ContentBlock.FromText(block.GetString()!));
            else if (block.ValueKind != JsonValueKind.Null) blocks.Add(ContentBlock.FromText(block.GetRawText()));
            return;
        }
        switch (block.GetStringOrNull("type"))
        {
            case "text":
                blocks.Add(ContentBlock.FromText(block.GetTextOrEmpty("text")));
                break;
            case "image":
                if (AnthropicBlocks.Image(block) is { } image) blocks.Add(image);
                break;
            case "document":
                AddDocument(blocks, block);
                break;
            case "tool_reference":
                // A tool search's answer: the tools it made available, by name.
                if (block.GetStringOrNull("tool_name") is { } tool) blocks.Add(ContentBlock.FromText(tool));
                break;
            default:
                AddOther(blocks, block);
                break;
        }
    }

    /// <summary>
    /// A document (a PDF the Read tool returned, a file a person attached): its text when the block holds text (a
    /// "text" source, or "content" given as text or blocks), else a placeholder with its title or media type.
    /// </summary>
    private static void AddDocument(List<ContentBlock> blocks, JsonElement block)
    {
        var source = block.GetPropertyOrDefault("source");
        var inner = source.GetPropertyOrDefault("content");
        switch (source.GetStringOrNull("type"))
        {
            case "text" when source.GetStringOrNull("data") is { } text:
                blocks.Add(ContentBlock.FromText(text));
                return;
            case "content" when inner.ValueKind is JsonValueKind.String or JsonValueKind.Array:
                if (inner.ValueKind == JsonValueKind.String) blocks.Add(ContentBlock.FromText(inner.GetString()!));
                else foreach (var part in inner.EnumerateArray()) AddBlock(blocks, part);
                return;
        }
        var name = block.GetStringOrNull("title") ?? source.GetStringOrNull("media_type") ?? source.GetStringOrNull("url");
        blocks.Add(ContentBlock.FromText(name is null ? "[document]" : $"[document: {name}]"));
    }

    /// <summary>
    /// A block of another kind (a search result, a web search hit): its own text or content, else its JSON with the
    /// long strings (base64, encrypted content) left out.
    /// </summary>
    private static void AddOther(List<ContentBlock> blocks, JsonElement block)
    {
        var content = block.GetPropertyOrDefault("content");
        if (OwnText(block) is { } text) blocks.Add(ContentBlock.FromText(text));
        else if (content.ValueKind == JsonValueKind.Array) foreach (var part in content.EnumerateArray()) AddBlock(blocks, part);
        else blocks.Add(ContentBlock.FromText(JsonText.Write(writer => WriteOutline(writer, block))));
    }

    /// <summary>A block's words: its "text", or its "content" given as text.</summary>
    private static string? OwnText(JsonElement block) =>
        block.GetStringOrNull("text") ?? (block.GetPropertyOrDefault("content") is { ValueKind: JsonValueKind.String } content ? content.GetString() : null);

    /// <summary>Longer strings in a block kept as JSON are data, not words.</summary>
    private const int LongString = 512;

    private static void WriteOutline(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteOutline(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray()) WriteOutline(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String when value.GetString()!.Length is > LongString and var length:
                writer.WriteStringValue($"[{length} characters left out]");
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
