using System.Text.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Json;

/// <summary>
/// The record's JSON form: DataDesigner's normalized rollout fields (trace_id … final_assistant_message)
/// under their names, then ours. Messages follow DataDesigner's ChatMessage.to_dict: content is always a
/// list of typed blocks and tool calls are OpenAI function calls.
/// </summary>
public static class RecordJsonWriter
{
    public static void Write(Utf8JsonWriter w, RolloutRecord r)
    {
        w.WriteStartObject();
        w.WriteString("trace_id", r.TraceId);
        w.WriteString("format", r.Format.ToString());
        w.WriteString("source_kind", r.SourceKind);
        WriteNullable(w, "source_path", r.SourcePath);
        w.WriteString("root_session_id", r.RootSessionId);
        WriteNullable(w, "agent_id", r.AgentId);
        w.WriteBoolean("is_sidechain", r.IsSidechain);
        WriteNullable(w, "cwd", r.Cwd);
        WriteNullable(w, "project_path", r.ProjectPath);
        WriteNullable(w, "git_branch", r.GitBranch);
        WriteNullable(w, "started_at", r.StartedAt);
        WriteNullable(w, "ended_at", r.EndedAt);
        w.WritePropertyName("messages");
        w.WriteStartArray();
        foreach (var message in r.Messages) WriteMessage(w, message);
        w.WriteEndArray();
        w.WritePropertyName("source_meta");
        r.SourceMeta.WriteTo(w);
        w.WriteNumber("message_count", r.MessageCount);
        w.WriteNumber("tool_call_count", r.ToolCallCount);
        WriteNullable(w, "final_assistant_message", r.FinalAssistantMessage);
        WriteNullable(w, "title", r.Title);
        if (r.DurationSeconds is { } seconds) w.WriteNumber("duration_seconds", seconds);
        else w.WriteNull("duration_seconds");
        w.WritePropertyName("models");
        w.WriteStartArray();
        foreach (var model in r.Models) w.WriteStringValue(model);
        w.WriteEndArray();
        WriteTokenCounts(w, r.Usage);
        if (r.UnlistedResponses.Count > 0)
        {
            // Responses the token counts include and messages do not list (branches not read); see UnlistedResponse.
            w.WritePropertyName("unlisted_responses");
            w.WriteStartArray();
            foreach (var response in r.UnlistedResponses) WriteUnlisted(w, response);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteUnlisted(Utf8JsonWriter w, UnlistedResponse response)
    {
        w.WriteStartObject();
        if (response.ResponseId is not null) w.WriteString("response_id", response.ResponseId);
        if (response.Timestamp is { } timestamp) w.WriteString("timestamp", timestamp);
        if (response.Model is not null) w.WriteString("model", response.Model);
        if (response.CostUsd is { } cost) w.WriteNumber("cost_usd", cost);
        w.WritePropertyName("usage");
        w.WriteStartObject();
        WriteTokenCounts(w, response.Usage);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteMessage(Utf8JsonWriter w, RolloutMessage m)
    {
        w.WriteStartObject();
        w.WriteString("role", RoleName(m.Role));
        w.WritePropertyName("content");
        w.WriteStartArray();
        foreach (var block in m.Content) WriteBlock(w, block);
        w.WriteEndArray();
        if (m.ReasoningContent is not null) w.WriteString("reasoning_content", m.ReasoningContent);
        ToolCallJson.WriteList(w, m.ToolCalls, name => name, arguments => arguments);
        if (m.ToolCallId is not null) w.WriteString("tool_call_id", m.ToolCallId);
        w.WriteString("kind", SnakeCase(m.Kind.ToString()));
        if (m.ToolName is not null) w.WriteString("tool_name", m.ToolName);
        if (m.IsError is { } isError) w.WriteBoolean("is_error", isError);
        if (m.StructuredResult is not null)
        {
            w.WritePropertyName("structured_result");
            w.WriteRawValue(m.StructuredResult, skipInputValidation: false);
        }
        if (m.ExitCode is { } exitCode) w.WriteNumber("exit_code", exitCode);
        if (m.ToolDuration is { } toolDuration) w.WriteNumber("tool_duration_seconds", toolDuration.TotalSeconds);
        if (m.Timestamp is { } timestamp) w.WriteString("timestamp", timestamp);
        if (m.Model is not null) w.WriteString("model", m.Model);
        if (m.IsAbandoned) w.WriteBoolean("is_abandoned", true);
        if (m.ResponseId is not null) w.WriteString("response_id", m.ResponseId);
        if (m.CostUsd is { } cost) w.WriteNumber("cost_usd", cost);
        if (m.Usage is { } usage)
        {
            w.WritePropertyName("usage");
            w.WriteStartObject();
            WriteTokenCounts(w, usage);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>
    /// The four counts (and the one-hour part of the cache writes, where there is one), then their sum (the record's TotalTokens) for readers that filter the JSON without
    /// adding up. The sum is derived: RecordJsonReader ignores it, so a round trip cannot disagree with it.
    /// </summary>
    private static void WriteTokenCounts(Utf8JsonWriter w, TokenUsage usage)
    {
        w.WriteNumber("input_tokens", usage.InputTokens);
        w.WriteNumber("output_tokens", usage.OutputTokens);
        w.WriteNumber("cache_read_tokens", usage.CacheReadTokens);
        w.WriteNumber("cache_write_tokens", usage.CacheWriteTokens);
        if (usage.CacheWrite1hTokens > 0) w.WriteNumber("cache_write_1h_tokens", usage.CacheWrite1hTokens);
        w.WriteNumber("total_tokens", usage.Total);
    }

    private static void WriteBlock(Utf8JsonWriter w, ContentBlock block)
    {
        w.WriteStartObject();
        if (block.Type == ContentBlockType.Text)
        {
            w.WriteString("type", "text");
            w.WriteString("text", block.Text);
        }
        else
        {
            w.WriteString("type", "image");
            if (block.MediaType is not null) w.WriteString("media_type", block.MediaType);
            if (block.Data is not null) w.WriteString("data", block.Data);
            if (block.Url is not null) w.WriteString("url", block.Url);
        }
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v) w.WriteString(name, v);
        else w.WriteNull(name);
    }

    /// <summary>The role as the chat-completions shape names it: system, user, assistant, tool.</summary>
    internal static string RoleName(MessageRole role) => role.ToString().ToLowerInvariant();

    /// <summary>CompactionSummary → compaction_summary.</summary>
    internal static string SnakeCase(string pascal)
    {
        var chars = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0) chars.Append('_');
            chars.Append(char.ToLowerInvariant(pascal[i]));
        }
        return chars.ToString();
    }
}
