using System.Text.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Json;

/// <summary>
/// Reads a record back from the JSON RecordJsonWriter writes, field for field, so that an exported
/// Normalized dataset reads back into equal records.
/// </summary>
public static class RecordJsonReader
{
    public static RolloutRecord Read(JsonElement r)
    {
        var sourceKind = r.GetStringOrNull("source_kind") ?? string.Empty;
        return new RolloutRecord
        {
            TraceId = r.GetStringOrNull("trace_id") ?? throw new JsonException("The record has no trace_id."),
            Format = Enum.TryParse<RolloutFormat>(r.GetStringOrNull("format"), ignoreCase: true, out var format) ? format : FormatOf(sourceKind),
            SourceKind = sourceKind,
            SourcePath = r.GetStringOrNull("source_path"),
            RootSessionId = r.GetStringOrNull("root_session_id") ?? string.Empty,
            AgentId = r.GetStringOrNull("agent_id"),
            IsSidechain = r.GetBool("is_sidechain"),
            Cwd = r.GetStringOrNull("cwd"),
            ProjectPath = r.GetStringOrNull("project_path"),
            GitBranch = r.GetStringOrNull("git_branch"),
            StartedAt = r.GetTimestamp("started_at"),
            EndedAt = r.GetTimestamp("ended_at"),
            Title = r.GetStringOrNull("title"),
            Models = Strings(r.GetPropertyOrDefault("models")),
            Messages = Items(r.GetPropertyOrDefault("messages")).Select(ReadMessage).ToArray(),
            SourceMeta = ReadMeta(r.GetPropertyOrDefault("source_meta")),
            Usage = ReadUsage(r) ?? default,
            UnlistedResponses = Items(r.GetPropertyOrDefault("unlisted_responses")).Select(ReadUnlisted).ToArray(),
        };
    }

    private static UnlistedResponse ReadUnlisted(JsonElement u) => new(
        u.GetStringOrNull("response_id"),
        u.GetTimestamp("timestamp"),
        u.GetStringOrNull("model"),
        u.GetPropertyOrDefault("usage") is { ValueKind: JsonValueKind.Object } usage ? ReadUsage(usage) ?? default : default,
        Cost(u));

    private static decimal? Cost(JsonElement e) =>
        e.GetPropertyOrDefault("cost_usd") is { ValueKind: JsonValueKind.Number } cost && cost.TryGetDecimal(out var usd) ? usd : null;

    /// <summary>DataDesigner rows carry no format: its source_kind names it.</summary>
    private static RolloutFormat FormatOf(string sourceKind) => sourceKind switch
    {
        "codex" => RolloutFormat.Codex,
        "claude_code" => RolloutFormat.ClaudeCode,
        "pi_coding_agent" => RolloutFormat.PiCodingAgent,
        "hermes_agent" => RolloutFormat.HermesAgent,
        _ => RolloutFormat.Normalized,
    };

    private static RolloutMessage ReadMessage(JsonElement m)
    {
        var content = m.GetPropertyOrDefault("content");
        var structured = m.GetPropertyOrDefault("structured_result");
        return new RolloutMessage
        {
            Role = Enum.TryParse<MessageRole>(m.GetStringOrNull("role"), ignoreCase: true, out var role) ? role : MessageRole.User,
            Kind = Enum.TryParse<MessageKind>((m.GetStringOrNull("kind") ?? string.Empty).Replace("_", string.Empty), ignoreCase: true, out var kind) ? kind : DefaultKind(role),
            Content = content.ValueKind == JsonValueKind.String
                ? new[] { ContentBlock.FromText(content.GetString()!) }
                : Items(content).Select(ReadBlock).OfType<ContentBlock>().ToArray(),
            ReasoningContent = m.GetStringOrNull("reasoning_content"),
            ToolCalls = Items(m.GetPropertyOrDefault("tool_calls")).Select(ToolCallJson.Read).ToArray(),
            ToolCallId = m.GetStringOrNull("tool_call_id"),
            ToolName = m.GetStringOrNull("tool_name"),
            IsError = m.GetPropertyOrDefault("is_error").ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null },
            StructuredResult = structured.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : structured.GetRawText(),
            ExitCode = m.GetInt32OrNull("exit_code"),
            ToolDuration = m.GetSecondsOrNull("tool_duration_seconds"),
            Timestamp = m.GetTimestamp("timestamp"),
            Model = m.GetStringOrNull("model"),
            IsAbandoned = m.GetBool("is_abandoned"),
            ResponseId = m.GetStringOrNull("response_id"),
            CostUsd = Cost(m),
            Usage = m.GetPropertyOrDefault("usage") is { ValueKind: JsonValueKind.Object } usage ? ReadUsage(usage) : null,
        };
    }

    private static MessageKind DefaultKind(MessageRole role) => role switch
    {
        MessageRole.Assistant => MessageKind.Response,
        MessageRole.Tool => MessageKind.ToolResult,
        MessageRole.System => MessageKind.Context,
        _ => MessageKind.Prompt,
    };

    private static ContentBlock? ReadBlock(JsonElement b) => b.GetStringOrNull("type") switch
    {
        "text" => ContentBlock.FromText(b.GetStringOrNull("text") ?? string.Empty),
        "image" when b.GetStringOrNull("data") is { } data => ContentBlock.FromImageData(b.GetStringOrNull("media_type"), data),
        "image" when b.GetStringOrNull("url") is { } url => ContentBlock.FromImageUrl(url, b.GetStringOrNull("media_type")),
        _ => b.ValueKind == JsonValueKind.String ? ContentBlock.FromText(b.GetString()!) : null,
    };

    private static TokenUsage? ReadUsage(JsonElement u) =>
        u.TryGetProperty("input_tokens", out _) || u.TryGetProperty("output_tokens", out _)
            ? new TokenUsage(u.GetInt64OrZero("input_tokens"), u.GetInt64OrZero("output_tokens"), u.GetInt64OrZero("cache_read_tokens"), u.GetInt64OrZero("cache_write_tokens"))
            {
                CacheWrite1hTokens = u.GetInt64OrZero("cache_write_1h_tokens"),
            }
            : null;

    private static SourceMeta ReadMeta(JsonElement meta)
    {
        var builder = new SourceMeta.Builder();
        if (meta.ValueKind != JsonValueKind.Object) return builder.Build();
        foreach (var entry in meta.EnumerateObject())
        {
            var value = entry.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.String: builder.Add(entry.Name, value.GetString()); break;
                case JsonValueKind.Number when value.TryGetInt64(out var n): builder.Add(entry.Name, n); break;
                case JsonValueKind.Number: builder.Add(entry.Name, value.GetDouble()); break;
                case JsonValueKind.True: builder.Add(entry.Name, true); break;
                case JsonValueKind.Array: builder.Add(entry.Name, Strings(value)); break;
                case JsonValueKind.Object:
                    var counts = new Dictionary<string, long>(StringComparer.Ordinal);
                    foreach (var count in value.EnumerateObject())
                    {
                        if (count.Value.ValueKind == JsonValueKind.Number && count.Value.TryGetInt64(out var n2)) counts[count.Name] = n2;
                    }
                    builder.Add(entry.Name, counts);
                    break;
            }
        }
        return builder.Build();
    }

    private static string[] Strings(JsonElement array) =>
        Items(array).Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).ToArray();

    private static IEnumerable<JsonElement> Items(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : Enumerable.Empty<JsonElement>();
}
