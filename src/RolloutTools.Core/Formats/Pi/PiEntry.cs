using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Pi;

/// <summary>
/// One line of a Pi session file after the header, read into what the reader keeps: its place in the tree
/// (id, parentId), its time and the fields of its type. JSON lines are only valid while the reader is on
/// them, and the active path is known only once the file is read, so every entry is copied out at once.
/// </summary>
internal sealed class PiEntry
{
    public required string Type { get; init; }

    /// <summary>The 8-hex-digit id (v2 on); a v1 entry gets one when the file is migrated.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Null for a root; in v1 files set by migration to the entry before.</summary>
    public string? ParentId { get; set; }

    /// <summary>Whether the line named its id itself (v2 and v3 files).</summary>
    public bool HasOwnId { get; init; }

    public required int Line { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>For "message" entries: the AgentMessage it holds.</summary>
    public PiMessage? Message { get; init; }

    /// <summary>compaction and branch_summary: the summary text.</summary>
    public string? Summary { get; init; }

    /// <summary>compaction (v2 on): the first entry the summary does not replace.</summary>
    public string? FirstKeptEntryId { get; set; }

    /// <summary>compaction in v1 files: an index into the file's entries, the header being 0.</summary>
    public int? FirstKeptEntryIndex { get; init; }

    public long TokensBefore { get; init; }

    /// <summary>compaction and branch_summary made by an extension rather than by Pi.</summary>
    public bool FromHook { get; init; }

    /// <summary>branch_summary: the entry the person left ("root" when they went back before the first entry).</summary>
    public string? FromId { get; init; }

    public string? Provider { get; init; }

    public string? ModelId { get; init; }

    public string? ThinkingLevel { get; init; }

    /// <summary>custom and custom_message: the extension that wrote it.</summary>
    public string? CustomType { get; init; }

    /// <summary>custom_message: what it puts into the model's context.</summary>
    public IReadOnlyList<ContentBlock> Content { get; init; } = Array.Empty<ContentBlock>();

    public bool Display { get; init; }

    /// <summary>label: the entry labelled, and the label (null clears it).</summary>
    public string? TargetId { get; init; }

    public string? Label { get; init; }

    /// <summary>session_info: the name the person gave the session.</summary>
    public string? Name { get; init; }

    /// <summary>An entry of a type Pi did not write when this reader was made (see <see cref="PiSession.EntryTypes"/>).</summary>
    public bool IsUnknownType => !PiSession.EntryTypes.Contains(Type);

    /// <summary>An entry of an unknown type: the words it holds, in a message object or as content; kept as context.</summary>
    public IReadOnlyList<ContentBlock> Words => IsUnknownType ? Message?.Content is { Count: > 0 } words ? words : Content : Array.Empty<ContentBlock>();

    public static PiEntry Read(JsonElement root, string type, int line, PiBlockCounts blocks)
    {
        blocks.Line = line;
        var known = PiSession.EntryTypes.Contains(type);
        var content = root.GetPropertyOrDefault("content");
        var id = root.GetIdOrNull("id");
        return new PiEntry
        {
            Type = type,
            Id = id ?? string.Empty,
            HasOwnId = id is { Length: > 0 },
            ParentId = root.GetIdOrNull("parentId"),
            Line = line,
            Timestamp = root.GetTimestamp("timestamp"),
            Message = type == "message" ? PiMessage.Read(MessageObject(root), blocks)
                : !known && root.GetPropertyOrDefault("message") is { ValueKind: JsonValueKind.Object } message ? PiMessage.Read(message, blocks)
                : null,
            Summary = type is "compaction" or "branch_summary" ? root.GetTextOrEmpty("summary") : null,
            FirstKeptEntryId = root.GetIdOrNull("firstKeptEntryId"),
            FirstKeptEntryIndex = root.GetInt32OrNull("firstKeptEntryIndex"),
            TokensBefore = root.GetInt64OrZero("tokensBefore"),
            FromHook = root.GetBool("fromHook"),
            FromId = root.GetIdOrNull("fromId"),
            Provider = root.GetStringOrNull("provider"),
            // Before fede1303 (2025-11-13) a model_change named the model as "model": "<provider>/<id>".
            ModelId = root.GetStringOrNull("modelId") ?? (type == "model_change" ? root.GetStringOrNull("model") : null),
            ThinkingLevel = root.GetStringOrNull("thinkingLevel"),
            CustomType = root.GetStringOrNull("customType"),
            Content = type == "custom_message" || (!known && content.ValueKind is JsonValueKind.String or JsonValueKind.Array)
                ? PiMessage.ReadContent(content, null, blocks)
                : Array.Empty<ContentBlock>(),
            Display = root.GetBool("display"),
            TargetId = root.GetIdOrNull("targetId"),
            Label = type == "label" ? root.GetStringOrNull("label") : null,
            Name = type == "session_info" ? root.GetTextOrEmpty("name") : null,
        };
    }

    /// <summary>
    /// A message entry holds its AgentMessage as an object; anything else is damage that would lose the words
    /// unseen, so it throws and the line is reported.
    /// </summary>
    private static JsonElement MessageObject(JsonElement root) => root.GetPropertyOrDefault("message") switch
    {
        { ValueKind: JsonValueKind.Object } message => message,
        var other => throw new FormatException($"\"message\" is {(other.ValueKind == JsonValueKind.Undefined ? "missing" : other.ValueKind.ToString())}, not a message object."),
    };
}

/// <summary>Block types met that have no place in the record (counted in SourceMeta).</summary>
internal sealed class PiBlockCounts(Reading.DiagnosticList diagnostics)
{
    public Reading.Counter Unknown { get; } = new();

    /// <summary>The line being read, to name where an unknown block type was first met.</summary>
    public int Line { get; set; }

    /// <summary>
    /// A block of a type this reader does not know, kept rather than lost: its text when it has one (a file a person
    /// attached), else its JSON. Each type is reported once, with the line it was first met on.
    /// </summary>
    public ContentBlock KeepUnknown(string type, JsonElement block)
    {
        if (!Unknown.ContainsKey(type))
        {
            diagnostics.Warn(Reading.RolloutDiagnostic.ParseError, Line, $"content block type '{type}' is not one this reader knows of Pi's; kept as text.");
        }
        Unknown.Add(type);
        return ContentBlock.FromText(block.GetStringOrNull("text") is { Length: > 0 } text ? text : block.GetRawText());
    }

    /// <summary>Thinking a safety filter redacted: only an opaque signature is left.</summary>
    public int RedactedThinking { get; set; }
}

/// <summary>
/// The AgentMessage of a "message" entry: user, assistant and toolResult (pi-ai's LLM messages), and the
/// coding agent's own bashExecution, custom (hookMessage before v3), branchSummary and compactionSummary.
/// </summary>
internal sealed class PiMessage
{
    public required string Role { get; init; }

    public IReadOnlyList<ContentBlock> Content { get; init; } = Array.Empty<ContentBlock>();

    public IReadOnlyList<string> Reasoning { get; init; } = Array.Empty<string>();

    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = Array.Empty<ToolCall>();

    /// <summary>The message's own time (Unix milliseconds in the file).</summary>
    public DateTimeOffset? Timestamp { get; init; }

    public string? Model { get; init; }

    public string? Provider { get; init; }

    public string? StopReason { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>Input without cache reads and writes, as TokenUsage counts it (see <see cref="Tokens"/>).</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>usage.cost.total, in dollars, as Pi priced the response.</summary>
    public double Cost { get; init; }

    public string? ToolCallId { get; init; }

    public string? ToolName { get; init; }

    public bool IsError { get; init; }

    /// <summary>toolResult details, and custom details: raw JSON.</summary>
    public string? Details { get; init; }

    public string? Command { get; init; }

    public string? Output { get; init; }

    public int? ExitCode { get; init; }

    public bool Cancelled { get; init; }

    public bool Truncated { get; init; }

    public string? FullOutputPath { get; init; }

    public bool ExcludeFromContext { get; init; }

    public string? CustomType { get; init; }

    public string? Summary { get; init; }

    /// <summary>
    /// OpenClaw's provenance.kind on a user message (src/sessions/input-provenance.ts): "external_user" for a
    /// person, "inter_session" when another session (a subagent's report, sessions_send) wrote it, and
    /// "internal_system" when OpenClaw itself started the turn (heartbeat, cron, exec completion, restart
    /// recovery, recalled memory, the goal loop).
    /// </summary>
    public string? ProvenanceKind { get; init; }

    /// <summary>OpenClaw's provenance.sourceTool: what in OpenClaw wrote the message (heartbeat, cron, exec, memory_search, …).</summary>
    public string? SourceTool { get; init; }

    /// <summary>
    /// A user message OpenClaw keeps for the model or its own bookkeeping, never a person's original words: one
    /// the interface does not show (display: false), one kept out of the model's context (excludeFromContext), the
    /// placeholder written when a hook blocked the run (__openclaw.beforeAgentRunBlocked), media that arrived after
    /// the turn (__openclaw.lateMedia); OpenClaw's own transcript recorder treats these as not human input.
    /// </summary>
    public bool IsHiddenInput { get; init; }

    /// <summary>
    /// An assistant message OpenClaw wrote into the transcript itself, not the model's output and never billed
    /// (src/shared/transcript-only-openclaw-assistant.ts): "delivery-mirror", its copy of what it delivered to a
    /// channel outside a model response (the message tool's sends, a cron announcement; media as their file
    /// names), and "gateway-injected", text the gateway injected (chat.inject, code mode's nested calls). OpenClaw
    /// also checks the provider "openclaw"; older builds wrote "clawdbot", so the model alone tells it here. Rows
    /// whose provider and model were stripped keep an openclawDeliveryMirror marker.
    /// </summary>
    public bool IsTranscriptOnly => Role == "assistant" && (Model is DeliveryMirrorModel or GatewayInjectedModel || HasDeliveryMirrorMarker);

    public const string DeliveryMirrorModel = "delivery-mirror";

    public const string GatewayInjectedModel = "gateway-injected";

    public bool HasDeliveryMirrorMarker { get; init; }

    /// <summary>The kinds an openclawDeliveryMirror marker names (OPENCLAW_DELIVERY_MIRROR_KINDS).</summary>
    private static readonly HashSet<string> DeliveryMirrorKinds = new(StringComparer.Ordinal) { "channel-final", "channel-final-suppressed", "message-tool-source-reply" };

    public static PiMessage Read(JsonElement message, PiBlockCounts blocks)
    {
        var role = message.GetStringOrNull("role") ?? string.Empty;
        var reasoning = new List<string>();
        var calls = new List<ToolCall>();
        var content = ReadContent(message.GetPropertyOrDefault("content"), role == "assistant" ? (reasoning, calls) : null, blocks);
        var usage = message.GetPropertyOrDefault("usage");
        var details = message.GetPropertyOrDefault("details");
        var provenance = message.GetPropertyOrDefault("provenance");
        var openclaw = message.GetPropertyOrDefault("__openclaw");
        return new PiMessage
        {
            Role = role,
            Content = content,
            Reasoning = reasoning,
            ToolCalls = calls,
            Timestamp = Milliseconds(message.GetPropertyOrDefault("timestamp")),
            Model = message.GetStringOrNull("model"),
            Provider = message.GetStringOrNull("provider"),
            StopReason = message.GetStringOrNull("stopReason"),
            ErrorMessage = message.GetStringOrNull("errorMessage"),
            Usage = usage.ValueKind == JsonValueKind.Object ? Tokens(usage, message.GetStringOrNull("api"), Milliseconds(message.GetPropertyOrDefault("timestamp"))) : null,
            Cost = Number(usage.GetPropertyOrDefault("cost").GetPropertyOrDefault("total")) ?? 0,
            ToolCallId = message.GetIdOrNull("toolCallId"),
            ToolName = message.GetStringOrNull("toolName"),
            IsError = message.GetBool("isError"),
            Details = details.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? details.GetRawText() : null,
            Command = role == "bashExecution" ? message.GetTextOrEmpty("command") : null,
            Output = role == "bashExecution" ? message.GetTextOrEmpty("output") : null,
            ExitCode = message.GetInt32OrNull("exitCode"),
            Cancelled = message.GetBool("cancelled"),
            Truncated = message.GetBool("truncated"),
            FullOutputPath = message.GetStringOrNull("fullOutputPath"),
            ExcludeFromContext = message.GetBool("excludeFromContext"),
            CustomType = message.GetStringOrNull("customType"),
            Summary = role is "branchSummary" or "compactionSummary" ? message.GetTextOrEmpty("summary") : null,
            ProvenanceKind = provenance.GetStringOrNull("kind"),
            SourceTool = provenance.GetStringOrNull("sourceTool"),
            IsHiddenInput = role == "user" && (message.GetPropertyOrDefault("display").ValueKind == JsonValueKind.False || message.GetBool("excludeFromContext")
                || openclaw.GetBool("beforeAgentRunBlocked") || openclaw.GetPropertyOrDefault("lateMedia").ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False)),
            HasDeliveryMirrorMarker = message.GetPropertyOrDefault("openclawDeliveryMirror").GetStringOrNull("kind") is { } mirror && DeliveryMirrorKinds.Contains(mirror),
        };
    }

    /// <summary>
    /// Content as a string or a list of blocks: text and image for every role; on an assistant message also
    /// thinking (to <paramref name="assistant"/>'s reasoning) and toolCall. Text of the wrong type throws, so the
    /// line is reported rather than a person's words lost.
    /// </summary>
    public static IReadOnlyList<ContentBlock> ReadContent(JsonElement content, (List<string> Reasoning, List<ToolCall> Calls)? assistant, PiBlockCounts blocks)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString() is { Length: > 0 } text ? new[] { ContentBlock.FromText(text) } : Array.Empty<ContentBlock>();
            case JsonValueKind.Array:
                break;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return Array.Empty<ContentBlock>();
            default:
                throw new FormatException($"\"content\" is {content.ValueKind}, neither text nor a list of blocks.");
        }
        var result = new List<ContentBlock>();
        foreach (var block in content.EnumerateArray())
        {
            switch (block.GetStringOrNull("type"))
            {
                case "text":
                    if (block.GetTextOrEmpty("text") is { Length: > 0 } text) result.Add(ContentBlock.FromText(text));
                    break;
                case "image" when block.GetStringOrNull("data") is { Length: > 0 } data:
                    result.Add(ContentBlock.FromImageData(block.GetStringOrNull("mimeType"), data));
                    break;
                case "thinking" when assistant is { } a:
                    if (block.GetBool("redacted")) blocks.RedactedThinking++;
                    else if (block.GetTextOrEmpty("thinking") is { Length: > 0 } thinking) a.Reasoning.Add(thinking);
                    break;
                case "toolCall" when assistant is { } a:
                    a.Calls.Add(new ToolCall(block.GetIdOrNull("id") ?? string.Empty, block.GetStringOrNull("name") ?? string.Empty, Arguments(block.GetPropertyOrDefault("arguments"))));
                    break;
                case var other:
                    result.Add(blocks.KeepUnknown(other ?? block.ValueKind.ToString().ToLowerInvariant(), block));
                    break;
            }
        }
        return result;
    }

    /// <summary>
    /// Arguments are an object. A string (a provider's unparsed JSON) is that JSON when it is an object, else
    /// kept whole as {"input": …}, as the other readers keep free-form input.
    /// </summary>
    private static string Arguments(JsonElement arguments)
    {
        switch (arguments.ValueKind)
        {
            case JsonValueKind.Object:
                return arguments.GetRawText();
            case JsonValueKind.String:
                var text = arguments.GetString()!;
                try
                {
                    using var parsed = JsonDocument.Parse(text);
                    if (parsed.RootElement.ValueKind == JsonValueKind.Object) return text;
                }
                catch (JsonException)
                {
                    // Not JSON: kept as input text below.
                }
                return JsonText.Write(w => { w.WriteStartObject(); w.WriteString("input", text); w.WriteEndObject(); });
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return "{}";
            default:
                return JsonText.Write(w => { w.WriteStartObject(); w.WritePropertyName("input"); arguments.WriteTo(w); w.WriteEndObject(); });
        }
    }

    /// <summary>pi-ai v0.12.7 (989af797), the first release whose OpenAI providers took cache reads out of input.</summary>
    private static readonly DateTimeOffset OpenAiInputWithoutCache = new(2025, 12, 4, 2, 11, 3, TimeSpan.Zero);

    /// <summary>
    /// pi-ai means usage.input to exclude cacheRead and cacheWrite (Anthropic's and Bedrock's input always has),
    /// but some providers stored the prompt count, cache reads included: google-generative-ai and google-vertex
    /// pass promptTokenCount, which includes cachedContentTokenCount (providers/google.ts, google-vertex.ts, still
    /// so at 83378aa); google-gemini-cli did until v0.25.0 (2a0283ec); the OpenAI APIs until v0.12.7 (989af797),
    /// before usage had totalTokens (v0.13.0). Where totalTokens is there it tells: input + output + cacheRead
    /// overshoots it exactly when input already held the cache reads.
    /// </summary>
    private static TokenUsage Tokens(JsonElement usage, string? api, DateTimeOffset? time)
    {
        var input = Count(usage, "input");
        var output = Count(usage, "output");
        var cacheRead = Count(usage, "cacheRead");
        var cacheWrite = Count(usage, "cacheWrite");
        var total = Count(usage, "totalTokens");
        var inputHoldsCache = cacheRead > 0 && api switch
        {
            "google-generative-ai" or "google-vertex" or "google-gemini-cli" => total <= 0 || input + output + cacheRead > total,
            "openai-completions" or "openai-responses" or "azure-openai-responses" or "openai-codex-responses" =>
                total > 0 ? input + output + cacheRead > total : time < OpenAiInputWithoutCache,
            _ => false,
        };
        // cacheWrite1h is the part of cacheWrite written with one-hour retention (pi-ai's Usage; only Anthropic reports it).
        return new TokenUsage(inputHoldsCache ? Math.Max(0, input - cacheRead) : input, output, cacheRead, cacheWrite)
        {
            CacheWrite1hTokens = Math.Min(Count(usage, "cacheWrite1h"), cacheWrite),
        };
    }

    /// <summary>A token count: Pi writes integers; one written as text ("100") or with a fraction (100.0) is still that count.</summary>
    private static long Count(JsonElement usage, string name) =>
        Number(usage.GetPropertyOrDefault(name)) is { } n && n > 0 && n < long.MaxValue ? (long)Math.Round(n) : 0;

    /// <summary>A number, or a string holding one; null for anything else.</summary>
    private static double? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetDouble(out var n) && double.IsFinite(n) => n,
        JsonValueKind.String when double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) => n,
        _ => null,
    };

    private static DateTimeOffset? Milliseconds(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms) && ms > 0 && ms < 253402300800000
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
}
