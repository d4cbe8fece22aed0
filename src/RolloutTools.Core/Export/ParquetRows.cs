using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

// The Parquet dataset's schema, as Parquet.Net's class serializer derives it from these classes: each property is a
// column (named by JsonPropertyName, in declaration order), a nullable property an optional column, a list a LIST in
// the standard three-level layout (list/element), a class a STRUCT. Values every record has are REQUIRED columns
// (ParquetRequired), so readers see them as never null; lists are never null either, and are empty when there is nothing. Names and meanings follow the Normalized JSON
// line (RecordJsonWriter), so one dataset reads alike in either form; the README's "Parquet" table documents it.

/// <summary>One row of the dataset: one record.</summary>
internal sealed class ParquetRecordRow
{
    [JsonPropertyName("trace_id")] [ParquetRequired] public string TraceId { get; set; } = string.Empty;
    [JsonPropertyName("format")] [ParquetRequired] public string Format { get; set; } = string.Empty;
    [JsonPropertyName("source_kind")] [ParquetRequired] public string SourceKind { get; set; } = string.Empty;
    [JsonPropertyName("source_path")] public string? SourcePath { get; set; }
    [JsonPropertyName("root_session_id")] [ParquetRequired] public string RootSessionId { get; set; } = string.Empty;
    [JsonPropertyName("agent_id")] public string? AgentId { get; set; }
    [JsonPropertyName("is_sidechain")] public bool IsSidechain { get; set; }
    [JsonPropertyName("cwd")] public string? Cwd { get; set; }
    [JsonPropertyName("project_path")] public string? ProjectPath { get; set; }
    [JsonPropertyName("git_branch")] public string? GitBranch { get; set; }
    [JsonPropertyName("started_at")] [ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true)] public DateTime? StartedAt { get; set; }
    [JsonPropertyName("ended_at")] [ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true)] public DateTime? EndedAt { get; set; }
    [JsonPropertyName("messages")] [ParquetRequired, ParquetListElementRequired] public List<ParquetMessage> Messages { get; set; } = new();
    /// <summary>Format-specific facts as one JSON object: their values are of mixed types (text, numbers, lists, count tables), which a Parquet map would flatten to text.</summary>
    [JsonPropertyName("source_meta")] [ParquetRequired] public string SourceMeta { get; set; } = "{}";
    [JsonPropertyName("message_count")] public int MessageCount { get; set; }
    [JsonPropertyName("tool_call_count")] public int ToolCallCount { get; set; }
    [JsonPropertyName("final_assistant_message")] public string? FinalAssistantMessage { get; set; }
    [JsonPropertyName("title")] public string? Title { get; set; }
    [JsonPropertyName("duration_seconds")] public double? DurationSeconds { get; set; }
    [JsonPropertyName("models")] [ParquetRequired, ParquetListElementRequired] public List<string> Models { get; set; } = new();
    [JsonPropertyName("input_tokens")] public long InputTokens { get; set; }
    [JsonPropertyName("output_tokens")] public long OutputTokens { get; set; }
    [JsonPropertyName("cache_read_tokens")] public long CacheReadTokens { get; set; }
    [JsonPropertyName("cache_write_tokens")] public long CacheWriteTokens { get; set; }
    [JsonPropertyName("cache_write_1h_tokens")] public long CacheWrite1hTokens { get; set; }
    [JsonPropertyName("total_tokens")] public long TotalTokens { get; set; }
    /// <summary>Responses the token counts include and the messages do not list (see UnlistedResponse); empty when there are none.</summary>
    [JsonPropertyName("unlisted_responses")] [ParquetRequired, ParquetListElementRequired] public List<ParquetUnlistedResponse> UnlistedResponses { get; set; } = new();

    public static ParquetRecordRow From(RolloutRecord r) => new()
    {
        TraceId = r.TraceId,
        Format = r.Format.ToString(),
        SourceKind = r.SourceKind,
        SourcePath = r.SourcePath,
        RootSessionId = r.RootSessionId,
        AgentId = r.AgentId,
        IsSidechain = r.IsSidechain,
        Cwd = r.Cwd,
        ProjectPath = r.ProjectPath,
        GitBranch = r.GitBranch,
        StartedAt = r.StartedAt?.UtcDateTime,
        EndedAt = r.EndedAt?.UtcDateTime,
        Messages = r.Messages.Select(ParquetMessage.From).ToList(),
        SourceMeta = r.SourceMeta.ToString(),
        MessageCount = r.MessageCount,
        ToolCallCount = r.ToolCallCount,
        FinalAssistantMessage = r.FinalAssistantMessage,
        Title = r.Title,
        DurationSeconds = r.DurationSeconds,
        Models = r.Models.ToList(),
        InputTokens = r.InputTokens,
        OutputTokens = r.OutputTokens,
        CacheReadTokens = r.CacheReadTokens,
        CacheWriteTokens = r.CacheWriteTokens,
        CacheWrite1hTokens = r.Usage.CacheWrite1hTokens,
        TotalTokens = r.TotalTokens,
        UnlistedResponses = r.UnlistedResponses.Select(ParquetUnlistedResponse.From).ToList(),
    };

    /// <summary>The characters the row holds, near enough to bound a row group's memory.</summary>
    public long TextLength() => SourceMeta.Length + Messages.Sum(m => m.TextLength());
}

/// <summary>One message of a row's messages list.</summary>
internal sealed class ParquetMessage
{
    [JsonPropertyName("role")] [ParquetRequired] public string Role { get; set; } = string.Empty;
    [JsonPropertyName("kind")] [ParquetRequired] public string Kind { get; set; } = string.Empty;
    [JsonPropertyName("content")] [ParquetRequired, ParquetListElementRequired] public List<ParquetContentBlock> Content { get; set; } = new();
    [JsonPropertyName("reasoning_content")] public string? ReasoningContent { get; set; }
    [JsonPropertyName("tool_calls")] [ParquetRequired, ParquetListElementRequired] public List<ParquetToolCall> ToolCalls { get; set; } = new();
    [JsonPropertyName("tool_call_id")] public string? ToolCallId { get; set; }
    [JsonPropertyName("tool_name")] public string? ToolName { get; set; }
    [JsonPropertyName("is_error")] public bool? IsError { get; set; }
    [JsonPropertyName("structured_result")] public string? StructuredResult { get; set; }
    [JsonPropertyName("exit_code")] public int? ExitCode { get; set; }
    [JsonPropertyName("tool_duration_seconds")] public double? ToolDurationSeconds { get; set; }
    [JsonPropertyName("timestamp")] [ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true)] public DateTime? Timestamp { get; set; }
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("is_abandoned")] public bool IsAbandoned { get; set; }
    [JsonPropertyName("response_id")] public string? ResponseId { get; set; }
    [JsonPropertyName("cost_usd")] public decimal? CostUsd { get; set; }
    [JsonPropertyName("usage")] public ParquetTokenCounts? Usage { get; set; }

    public static ParquetMessage From(RolloutMessage m) => new()
    {
        Role = RecordJsonWriter.RoleName(m.Role),
        Kind = RecordJsonWriter.SnakeCase(m.Kind.ToString()),
        Content = m.Content.Select(ParquetContentBlock.From).ToList(),
        ReasoningContent = m.ReasoningContent,
        ToolCalls = m.ToolCalls.Select(c => new ParquetToolCall { Id = c.Id, Name = c.Name, Arguments = c.Arguments }).ToList(),
        ToolCallId = m.ToolCallId,
        ToolName = m.ToolName,
        IsError = m.IsError,
        StructuredResult = m.StructuredResult,
        ExitCode = m.ExitCode,
        ToolDurationSeconds = m.ToolDuration?.TotalSeconds,
        Timestamp = m.Timestamp?.UtcDateTime,
        Model = m.Model,
        IsAbandoned = m.IsAbandoned,
        ResponseId = m.ResponseId,
        CostUsd = m.CostUsd,
        Usage = m.Usage is { } usage ? ParquetTokenCounts.From(usage) : null,
    };

    public long TextLength() =>
        Content.Sum(b => (long)(b.Text?.Length ?? 0) + (b.Data?.Length ?? 0)) + (ReasoningContent?.Length ?? 0)
        + ToolCalls.Sum(c => (long)c.Arguments.Length) + (StructuredResult?.Length ?? 0);
}

/// <summary>A content block: text, or an image by base64 data or address, as in the Normalized line.</summary>
internal sealed class ParquetContentBlock
{
    [JsonPropertyName("type")] [ParquetRequired] public string Type { get; set; } = string.Empty;
    [JsonPropertyName("text")] public string? Text { get; set; }
    [JsonPropertyName("media_type")] public string? MediaType { get; set; }
    [JsonPropertyName("data")] public string? Data { get; set; }
    [JsonPropertyName("url")] public string? Url { get; set; }

    public static ParquetContentBlock From(ContentBlock b) => new()
    {
        Type = b.Type == ContentBlockType.Text ? "text" : "image",
        Text = b.Text,
        MediaType = b.MediaType,
        Data = b.Data,
        Url = b.Url,
    };
}

/// <summary>A function call: flat (id, name, arguments as a JSON string) rather than OpenAI's nested function object, which carries nothing more.</summary>
internal sealed class ParquetToolCall
{
    [JsonPropertyName("id")] [ParquetRequired] public string Id { get; set; } = string.Empty;
    [JsonPropertyName("name")] [ParquetRequired] public string Name { get; set; } = string.Empty;
    [JsonPropertyName("arguments")] [ParquetRequired] public string Arguments { get; set; } = string.Empty;
}

/// <summary>A response a record counts without listing it, with what the Normalized line's unlisted_responses keeps of it.</summary>
internal sealed class ParquetUnlistedResponse
{
    [JsonPropertyName("response_id")] public string? ResponseId { get; set; }
    [JsonPropertyName("timestamp")] [ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true)] public DateTime? Timestamp { get; set; }
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("cost_usd")] public decimal? CostUsd { get; set; }
    [JsonPropertyName("usage")] public ParquetTokenCounts Usage { get; set; } = new();

    public static ParquetUnlistedResponse From(UnlistedResponse u) => new()
    {
        ResponseId = u.ResponseId,
        Timestamp = u.Timestamp?.UtcDateTime,
        Model = u.Model,
        CostUsd = u.CostUsd,
        Usage = ParquetTokenCounts.From(u.Usage),
    };
}

/// <summary>The tokens of one API response.</summary>
internal sealed class ParquetTokenCounts
{
    [JsonPropertyName("input_tokens")] public long InputTokens { get; set; }
    [JsonPropertyName("output_tokens")] public long OutputTokens { get; set; }
    [JsonPropertyName("cache_read_tokens")] public long CacheReadTokens { get; set; }
    [JsonPropertyName("cache_write_tokens")] public long CacheWriteTokens { get; set; }
    [JsonPropertyName("cache_write_1h_tokens")] public long CacheWrite1hTokens { get; set; }
    [JsonPropertyName("total_tokens")] public long TotalTokens { get; set; }

    public static ParquetTokenCounts From(TokenUsage u) => new()
    {
        InputTokens = u.InputTokens,
        OutputTokens = u.OutputTokens,
        CacheReadTokens = u.CacheReadTokens,
        CacheWriteTokens = u.CacheWriteTokens,
        CacheWrite1hTokens = u.CacheWrite1hTokens,
        TotalTokens = u.Total,
    };
}
