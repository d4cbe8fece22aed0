using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.CopilotCli;

/// <summary>A tool call an assistant.message asked for (data.toolRequests[]).</summary>
internal sealed record CopilotToolRequest(string CallId, string Name, string Arguments);

/// <summary>One model's totals in a session.shutdown's modelMetrics.</summary>
internal sealed record CopilotModelMetrics(string Model, TokenUsage Usage, long ReasoningTokens, long Requests);

/// <summary>
/// One line of a Copilot CLI event log: <c>{type, data, id, timestamp, parentId}</c>, with what the reader keeps of
/// its data read out. Copilot CLI is closed source; the shapes are those third-party readers and public fixtures
/// show (shared/research/formats-others.md section 7), so every field is optional and read tolerantly.
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

    /// <summary>The event types this reader turns into messages or facts; any other is counted as unknown.</summary>
    public static readonly IReadOnlySet<string> KnownTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "session.start", "session.resume", "session.model_change", "session.shutdown", "session.info", "session.warning",
        "session.error", "session.compaction_start", "session.compaction_complete", "session.task_complete",
        "session.title_changed", "session.usage_checkpoint", "session.idle", "session.truncation",
        "user.message", "system.message", "assistant.turn_start", "assistant.turn_end", "assistant.message",
        "assistant.reasoning", "assistant.intent", "tool.execution_start", "tool.execution_partial_result",
        "tool.execution_progress", "tool.execution_complete", "tool.user_requested", "subagent.started",
        "subagent.completed", "subagent.failed", "subagent.selected", "hook.start", "hook.end", "abort",
    };

    /// <summary>The event, or null for a value that is not one (no string "type").</summary>
    public static CopilotEvent? Read(JsonElement root, int lineNumber, int index)
    {
        if (root.ValueKind != JsonValueKind.Object || root.GetStringOrNull("type") is not { } type) return null;
        var data = root.GetPropertyOrDefault("data");
        var context = data.GetPropertyOrDefault("context");
        var error = data.GetPropertyOrDefault("error");
        return new CopilotEvent
        {
            LineNumber = lineNumber,
            Index = index,
            Type = type,
            Id = root.GetIdOrNull("id"),
            ParentId = root.GetIdOrNull("parentId"),
            HasParentKey = root.TryGetProperty("parentId", out _),
            Timestamp = root.GetTimestamp("timestamp"),
            Text = type switch
            {
                "session.compaction_complete" => TextOf(data.GetPropertyOrDefault("summaryContent")),
                "session.error" or "session.info" or "session.warning" => data.GetStringOrNull("message") ?? string.Empty,
                "abort" => data.GetStringOrNull("reason") ?? string.Empty,
                "session.task_complete" => data.GetStringOrNull("summary") ?? string.Empty,
                "session.title_changed" => data.GetStringOrNull("title") ?? string.Empty,
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
            ResultText = ResultOf(data.GetPropertyOrDefault("result")),
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

    private static string? NonEmpty(string text) => text.Length > 0 ? text : null;

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
