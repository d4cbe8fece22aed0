using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.CopilotCli;

/// <summary>A tool call an assistant.message asked for (data.toolRequests[]).</summary>
internal sealed record CopilotToolRequest(string CallId, string Name, string Arguments);

/// <summary>
/// An image the model was sent: inline base64 data, or the id of the session.binary_asset event that holds its
/// bytes (attachments and tool results name an asset instead of repeating it).
/// </summary>
internal sealed record CopilotImage(string? MimeType, string? Data, string? AssetId);

/// <summary>One model's totals in a session.shutdown's modelMetrics.</summary>
internal sealed record CopilotModelMetrics(string Model, TokenUsage Usage, long ReasoningTokens, long Requests);

/// <summary>
/// One line of a Copilot CLI event log: <c>{type, data, id, timestamp, parentId, agentId}</c>, with what the reader
/// keeps of its data read out. GitHub publishes the event schema in its Copilot SDK (github/copilot-sdk,
/// nodejs/src/generated/session-events.ts); older logs lack many of its fields, so every field is optional and read
/// tolerantly.
/// </summary>
internal sealed class CopilotEvent
{
    public required int LineNumber { get; init; }

    /// <summary>The position in the file, for "the event before this one".</summary>
    public required int Index { get; init; }

    public required string Type { get; init; }

    public string? Id { get; init; }

    public string? ParentId { get; init; }

    /// <summary>Whether the line says parentId at all (null is a root; absent is a writer that keeps no chain).</summary>
    public bool HasParentKey { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>
    /// The sub-agent that wrote the event: the envelope's agentId (absent for the main agent and for session-level
    /// events), else the parentToolCallId older releases put on a sub-agent's messages and tool events. Null for the
    /// main agent's.
    /// </summary>
    public string? AgentId { get; init; }

    /// <summary>user.message: where the text came from ("skill-pdf", "agent-&lt;id&gt;", "command-review"); absent when typed.</summary>
    public string? Source { get; init; }

    /// <summary>user.message: autopilot's continuation loop wrote it, not the person.</summary>
    public bool IsAutopilotContinuation { get; init; }

    /// <summary>tool.execution_complete: the person asked for the call (a shell escape), not the model.</summary>
    public bool IsUserRequested { get; init; }

    /// <summary>assistant.message: the model call a chunk belongs to, with the chunk's place among its chunkCount.</summary>
    public string? ApiCallId { get; init; }

    public int? ChunkIndex { get; init; }

    public int? ChunkCount { get; init; }

    /// <summary>Images of a user.message's attachments or of a tool's result; a session.binary_asset's own bytes.</summary>
    public IReadOnlyList<CopilotImage> Images { get; init; } = Array.Empty<CopilotImage>();

    /// <summary>session.binary_asset: the id attachments and results name it by.</summary>
    public string? AssetId { get; init; }

    /// <summary>subagent.*: the agent's name as the terminal shows it.</summary>
    public string? AgentName { get; init; }

    /// <summary>user.message content, assistant.message content, system.message content, assistant.reasoning content, a compaction's summary.</summary>
    public string Text { get; init; } = string.Empty;

    public string? Reasoning { get; init; }

    public string? Model { get; init; }

    public string? MessageId { get; init; }

    public long OutputTokens { get; init; }

    public IReadOnlyList<CopilotToolRequest> ToolRequests { get; init; } = Array.Empty<CopilotToolRequest>();

    public string? ToolCallId { get; init; }

    public string? ToolName { get; init; }

    public string? ToolArguments { get; init; }

    public bool? Success { get; init; }

    public string? ResultText { get; init; }

    public string? ErrorText { get; init; }

    /// <summary>system.message: "system" or "developer".</summary>
    public string? Role { get; init; }

    public int Attachments { get; init; }

    // session.start / session.resume
    public string? SessionId { get; init; }

    public string? CopilotVersion { get; init; }

    public string? Producer { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public string? SelectedModel { get; init; }

    public string? ReasoningEffort { get; init; }

    public string? Cwd { get; init; }

    public string? GitRoot { get; init; }

    public string? Repository { get; init; }

    public string? Branch { get; init; }

    public string? HeadCommit { get; init; }

    // session.shutdown
    public IReadOnlyList<CopilotModelMetrics> Metrics { get; init; } = Array.Empty<CopilotModelMetrics>();

    public double PremiumRequests { get; init; }

    public string? ShutdownType { get; init; }

    public long LinesAdded { get; init; }

    public long LinesRemoved { get; init; }

    /// <summary>
    /// The event types the CLI writes to disk that this reader knows: it turns them into messages or facts, or
    /// passes them by on purpose (permission prompts, hooks, plan and mode changes). Taken from the Copilot SDK's
    /// session-events.ts, less the types it marks ephemeral (never persisted: deltas, assistant.usage,
    /// session.idle, session.title_changed). Any other type is counted as unknown.
    /// </summary>
    public static readonly IReadOnlySet<string> KnownTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "session.start", "session.resume", "session.error", "session.info", "session.warning", "session.model_change",
        "session.mode_changed", "session.handoff", "session.truncation", "session.shutdown", "session.usage_checkpoint",
        "session.context_changed", "session.context_cleared", "session.compaction_start", "session.compaction_complete",
        "session.task_complete", "session.binary_asset", "session.plan_changed", "session.permissions_changed",
        "session.workspace_file_changed", "session.remote_steerable_changed", "session.session_limits_changed",
        "session.schedule_created", "session.schedule_cancelled", "session.schedule_rearmed",
        "session.autopilot_objective_changed", "session.auto_mode_resolved",
        "user.message", "system.message", "system.notification", "assistant.turn_start", "assistant.message",
        "assistant.reasoning", "assistant.turn_end", "abort", "tool.user_requested", "tool.execution_start",
        "tool.execution_complete", "tool_search.activated", "skill.invoked", "subagent.started", "subagent.completed",
        "subagent.failed", "subagent.selected", "subagent.deselected", "hook.start", "hook.end",
        "permission.requested", "permission.completed", "external_tool.requested", "external_tool.completed",
    };

    /// <summary>The event, or null for a value that is not one (no string "type").</summary>
    public static CopilotEvent? Read(JsonElement root, int lineNumber, int index)
    {
        if (root.ValueKind != JsonValueKind.Object || root.GetStringOrNull("type") is not { } type) return null;
        var data = root.GetPropertyOrDefault("data");
        // session.context_changed's data is the working-directory context that start and resume nest in "context".
        var context = type == "session.context_changed" ? data : data.GetPropertyOrDefault("context");
        var error = data.GetPropertyOrDefault("error");
        var result = data.GetPropertyOrDefault("result");
        return new CopilotEvent
        {
            LineNumber = lineNumber,
            Index = index,
            Type = type,
            Id = root.GetIdOrNull("id"),
            ParentId = root.GetIdOrNull("parentId"),
            HasParentKey = root.TryGetProperty("parentId", out _),
            Timestamp = root.GetTimestamp("timestamp"),
            AgentId = NonEmpty(root.GetIdOrNull("agentId")) ?? NonEmpty(data.GetIdOrNull("agentId")) ?? NonEmpty(data.GetIdOrNull("parentToolCallId")),
            Source = NonEmpty(data.GetStringOrNull("source")),
            IsAutopilotContinuation = data.GetPropertyOrDefault("isAutopilotContinuation").ValueKind == JsonValueKind.True,
            IsUserRequested = data.GetPropertyOrDefault("isUserRequested").ValueKind == JsonValueKind.True,
            ApiCallId = NonEmpty(data.GetIdOrNull("apiCallId")),
            ChunkIndex = Count(data, "chunkIndex"),
            ChunkCount = Count(data, "chunkCount"),
            Images = type switch
            {
                "user.message" => ImagesOf(data.GetPropertyOrDefault("attachments")),
                "tool.execution_complete" => ImagesOf(result.GetPropertyOrDefault("contents")).Concat(ImagesOf(result.GetPropertyOrDefault("binaryResultsForLlm"))).ToArray(),
                "session.binary_asset" when data.GetStringOrNull("data") is { } bytes => new[] { new CopilotImage(data.GetStringOrNull("mimeType"), bytes, null) },
                _ => Array.Empty<CopilotImage>(),
            },
            AssetId = data.GetIdOrNull("assetId"),
            AgentName = data.GetStringOrNull("agentDisplayName") ?? data.GetStringOrNull("agentName"),
            Text = type switch
            {
                "session.compaction_complete" => TextOf(data.GetPropertyOrDefault("summaryContent")),
                "session.error" or "session.info" or "session.warning" => data.GetStringOrNull("message") ?? string.Empty,
                "abort" => data.GetStringOrNull("reason") ?? string.Empty,
                "session.task_complete" => data.GetStringOrNull("summary") ?? string.Empty,
                _ => TextOf(data.GetPropertyOrDefault("content")),
            },
            Reasoning = data.GetStringOrNull("reasoningText"),
            Model = data.GetStringOrNull("model") ?? data.GetStringOrNull("newModel"),
            MessageId = data.GetIdOrNull("messageId"),
            OutputTokens = data.GetInt64OrZero("outputTokens"),
            ToolRequests = ToolRequestsOf(data.GetPropertyOrDefault("toolRequests")),
            ToolCallId = data.GetIdOrNull("toolCallId"),
            ToolName = data.GetStringOrNull("toolName") ?? data.GetStringOrNull("name"),
            ToolArguments = data.TryGetProperty("arguments", out var arguments) ? OpenAIMessages.Arguments(arguments) : null,
            Success = data.GetPropertyOrDefault("success").ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            },
            ResultText = ResultOf(result),
            ErrorText = error.ValueKind == JsonValueKind.String ? error.GetString() : error.GetStringOrNull("message"),
            Role = data.GetStringOrNull("role"),
            Attachments = data.GetPropertyOrDefault("attachments") is { ValueKind: JsonValueKind.Array } list ? list.GetArrayLength() : 0,
            SessionId = data.GetIdOrNull("sessionId"),
            CopilotVersion = data.GetStringOrNull("copilotVersion"),
            Producer = data.GetStringOrNull("producer"),
            StartTime = data.GetTimestamp("startTime") ?? data.GetTimestamp("resumeTime"),
            SelectedModel = data.GetStringOrNull("selectedModel") ?? context.GetStringOrNull("model"),
            ReasoningEffort = data.GetStringOrNull("reasoningEffort"),
            Cwd = context.GetStringOrNull("cwd"),
            GitRoot = context.GetStringOrNull("gitRoot"),
            Repository = context.GetStringOrNull("repository"),
            Branch = context.GetStringOrNull("branch"),
            HeadCommit = context.GetStringOrNull("headCommit"),
            Metrics = MetricsOf(data.GetPropertyOrDefault("modelMetrics")),
            PremiumRequests = data.GetPropertyOrDefault("totalPremiumRequests") is { ValueKind: JsonValueKind.Number } premium ? premium.GetDouble() : 0,
            ShutdownType = data.GetStringOrNull("shutdownType"),
            LinesAdded = data.GetPropertyOrDefault("codeChanges").GetInt64OrZero("linesAdded"),
            LinesRemoved = data.GetPropertyOrDefault("codeChanges").GetInt64OrZero("linesRemoved"),
        };
    }

    /// <summary>Text the agent wrote: a string, or the text parts of a list. Any other type throws, so the line is reported.</summary>
    private static string TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Undefined or JsonValueKind.Null => string.Empty,
        JsonValueKind.Array => RolloutMessage.JoinText(OpenAIMessages.ReadContent(value)),
        var other => throw new FormatException($"the content is {other}, not text."),
    };

    /// <summary>
    /// A tool's result: result.content is what the model was sent; detailedContent (a diff, the full output) is
    /// what the terminal showed, taken only when there is no content.
    /// </summary>
    private static string? ResultOf(JsonElement result) => result.ValueKind switch
    {
        JsonValueKind.String => result.GetString(),
        JsonValueKind.Object => NonEmpty(TextOf(result.GetPropertyOrDefault("content"))) ?? NonEmpty(TextOf(result.GetPropertyOrDefault("detailedContent"))) ?? string.Empty,
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        _ => result.GetRawText(),
    };

    private static string? NonEmpty(string? text) => text is { Length: > 0 } ? text : null;

    private static int? Count(JsonElement data, string name) =>
        data.GetPropertyOrDefault(name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var value) ? value : null;

    /// <summary>
    /// The images of a list of attachments or result blocks: inline ones ({type: "blob" or "image", data,
    /// mimeType: "image/…"}) and those whose bytes a session.binary_asset holds ({assetId, mimeType}, on file attachments and
    /// result references). A block that is not an image (a file, a selection, text, a size-omitted marker) is none.
    /// </summary>
    private static IReadOnlyList<CopilotImage> ImagesOf(JsonElement list)
    {
        if (list.ValueKind != JsonValueKind.Array) return Array.Empty<CopilotImage>();
        var images = new List<CopilotImage>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) continue;
            var mime = item.GetStringOrNull("mimeType");
            if (item.GetStringOrNull("data") is { Length: > 0 } data && IsImage(mime, item))
            {
                images.Add(new CopilotImage(mime, data, null));
            }
            else if (item.GetIdOrNull("assetId") is { Length: > 0 } asset && IsImage(mime, item))
            {
                images.Add(new CopilotImage(mime, null, asset));
            }
        }
        return images;
    }

    private static bool IsImage(string? mime, JsonElement item) =>
        item.GetStringOrNull("type") == "image" || mime?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) == true;

    private static IReadOnlyList<CopilotToolRequest> ToolRequestsOf(JsonElement requests)
    {
        if (requests.ValueKind != JsonValueKind.Array) return Array.Empty<CopilotToolRequest>();
        var list = new List<CopilotToolRequest>();
        foreach (var request in requests.EnumerateArray())
        {
            if (request.ValueKind != JsonValueKind.Object) continue;
            var name = request.GetStringOrNull("name") ?? request.GetStringOrNull("toolName") ?? "unknown";
            var id = request.GetIdOrNull("toolCallId") ?? request.GetIdOrNull("id") ?? string.Empty;
            var arguments = request.TryGetProperty("arguments", out var a) ? OpenAIMessages.Arguments(a) : "{}";
            list.Add(new CopilotToolRequest(id, name, arguments));
        }
        return list;
    }

    /// <summary>
    /// modelMetrics: {model: {requests: {count, cost}, usage: {inputTokens, outputTokens, cacheReadTokens,
    /// cacheWriteTokens, reasoningTokens}}}. inputTokens includes the cached prompt tokens (third-party readers
    /// subtract cacheReadTokens from it to price it; public fixtures show cacheReadTokens close to inputTokens),
    /// so TokenUsage.InputTokens is what is left once cache reads and writes are taken out.
    /// </summary>
    private static IReadOnlyList<CopilotModelMetrics> MetricsOf(JsonElement metrics)
    {
        if (metrics.ValueKind != JsonValueKind.Object) return Array.Empty<CopilotModelMetrics>();
        var list = new List<CopilotModelMetrics>();
        foreach (var model in metrics.EnumerateObject())
        {
            var usage = model.Value.GetPropertyOrDefault("usage");
            if (usage.ValueKind != JsonValueKind.Object) continue;
            var input = usage.GetInt64OrZero("inputTokens");
            var read = usage.GetInt64OrZero("cacheReadTokens");
            var write = usage.GetInt64OrZero("cacheWriteTokens");
            list.Add(new CopilotModelMetrics(
                model.Name,
                new TokenUsage(Math.Max(0, input - read - write), usage.GetInt64OrZero("outputTokens"), read, write),
                usage.GetInt64OrZero("reasoningTokens"),
                model.Value.GetPropertyOrDefault("requests").GetInt64OrZero("count")));
        }
        return list;
    }
}
