using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.QwenCode;

/// <summary>
/// One line of a Qwen Code chat file: a <c>ChatRecord</c> (QwenLM/qwen-code packages/core/src/services/
/// chatRecordingService.ts), read out of its JSON. The envelope is Claude Code's (uuid, parentUuid, sessionId,
/// cwd, version, gitBranch); the message is Gemini's Content ({role, parts}).
/// </summary>
internal sealed class QwenEntry
{
    public required int LineNumber { get; init; }

    /// <summary>The file position of the record, for "the latest record before this one".</summary>
    public required int Index { get; init; }

    public required string Uuid { get; init; }

    public string? ParentUuid { get; init; }

    public string? SessionId { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>user, assistant, tool_result or system.</summary>
    public required string Type { get; init; }

    public string? Subtype { get; init; }

    public string? Cwd { get; init; }

    public string? Version { get; init; }

    public string? GitBranch { get; init; }

    public string? Model { get; init; }

    public bool IsSidechain { get; init; }

    public IReadOnlyList<GeminiPart> Parts { get; init; } = Array.Empty<GeminiPart>();

    public TokenUsage? Usage { get; init; }

    public long ContextWindowSize { get; init; }

    /// <summary>toolCallResult.status of a tool_result record: success, error, cancelled.</summary>
    public string? ToolStatus { get; init; }

    /// <summary>toolCallResult.callId, for a result whose functionResponse carries no id.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>systemPayload.hookContext of a user prompt: the text a hook appended to the prompt's last part.</summary>
    public string? HookContext { get; init; }

    public string? CustomTitle { get; init; }

    public string? TitleSource { get; init; }

    public string? ParentSessionId { get; init; }

    public string? SourceType { get; init; }

    public string? ForkedFromSession { get; init; }

    /// <summary>A slash command: its phase (invocation, result), what the person typed, the text it showed.</summary>
    public string? SlashPhase { get; init; }

    public string? RawCommand { get; init; }

    public string? CommandOutput { get; init; }

    /// <summary>The summary a chat_compression checkpoint put in place of the history before it.</summary>
    public string? CompressionSummary { get; init; }

    public bool IsConversation => Type is "user" or "assistant" or "tool_result" or "system" && !IsArtifact;

    /// <summary>Bookkeeping records Qwen Code leaves out when it picks the conversation's last record (transcript-records.ts).</summary>
    public bool IsArtifact => Type == "system" && Subtype is "session_artifact_event" or "session_artifact_snapshot" or "session_sources_snapshot"
        or "managed_session_header_v1" or "managed_session_event_v1" or "managed_session_commit_v1";

    /// <summary>Reads one record; null when it has no uuid (counted by the caller), throws on text of the wrong type.</summary>
    public static QwenEntry? Read(JsonElement root, int lineNumber, int index, string type)
    {
        var uuid = root.GetIdOrNull("uuid");
        if (string.IsNullOrEmpty(uuid)) return null;
        var message = root.GetPropertyOrDefault("message");
        var payload = root.GetPropertyOrDefault("systemPayload");
        var toolResult = root.GetPropertyOrDefault("toolCallResult");
        var subtype = root.GetStringOrNull("subtype");
        return new QwenEntry
        {
            LineNumber = lineNumber,
            Index = index,
            Uuid = uuid,
            ParentUuid = root.GetIdOrNull("parentUuid"),
            SessionId = root.GetIdOrNull("sessionId"),
            Timestamp = root.GetTimestamp("timestamp"),
            Type = type,
            Subtype = subtype,
            Cwd = root.GetStringOrNull("cwd"),
            Version = root.GetStringOrNull("version"),
            GitBranch = root.GetStringOrNull("gitBranch"),
            Model = root.GetStringOrNull("model"),
            IsSidechain = root.GetBool("isSidechain"),
            Parts = GeminiParts.Read(message.GetPropertyOrDefault("parts")),
            Usage = ReadUsage(root.GetPropertyOrDefault("usageMetadata")),
            ContextWindowSize = root.GetInt64OrZero("contextWindowSize"),
            ToolStatus = toolResult.GetStringOrNull("status"),
            ToolCallId = toolResult.GetIdOrNull("callId"),
            HookContext = payload.GetStringOrNull("hookContext"),
            CustomTitle = subtype == "custom_title" ? payload.GetStringOrNull("customTitle") : null,
            TitleSource = subtype == "custom_title" ? payload.GetStringOrNull("titleSource") : null,
            ParentSessionId = subtype == "parent_session" ? payload.GetIdOrNull("parentSessionId") : null,
            SourceType = subtype == "session_source" ? payload.GetStringOrNull("sourceType") : null,
            ForkedFromSession = root.GetPropertyOrDefault("forkedFrom").GetIdOrNull("sessionId"),
            SlashPhase = subtype == "slash_command" ? payload.GetStringOrNull("phase") : null,
            RawCommand = subtype == "slash_command" ? payload.GetTextOrEmpty("rawCommand") : null,
            CommandOutput = subtype == "slash_command" ? OutputText(payload.GetPropertyOrDefault("outputHistoryItems")) : null,
            CompressionSummary = subtype == "chat_compression" ? Summary(payload.GetPropertyOrDefault("compressedHistory")) : null,
        };
    }

    /// <summary>
    /// usageMetadata is Gemini's: promptTokenCount includes the cached tokens (cachedContentTokenCount) and tool-use
    /// prompt tokens are apart. Gemini counts thoughts beside the candidates (total = prompt + candidates +
    /// thoughts), while Qwen Code's OpenAI-compatible converter copies completion_tokens, which already hold the
    /// reasoning tokens, into candidatesTokenCount: the total tells which, so thoughts are never counted twice.
    /// </summary>
    internal static TokenUsage? ReadUsage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object) return null;
        var prompt = usage.GetInt64OrZero("promptTokenCount");
        var cached = Math.Min(usage.GetInt64OrZero("cachedContentTokenCount"), prompt);
        var toolPrompt = usage.GetInt64OrZero("toolUsePromptTokenCount");
        var candidates = usage.GetInt64OrZero("candidatesTokenCount");
        var thoughts = usage.GetInt64OrZero("thoughtsTokenCount");
        var total = usage.GetInt64OrZero("totalTokenCount");
        var thoughtsInCandidates = thoughts > 0 && total > 0 && total == prompt + toolPrompt + candidates;
        var result = new TokenUsage(prompt - cached + toolPrompt, candidates + (thoughtsInCandidates ? 0 : thoughts), cached, 0);
        return result.Total == 0 ? null : result;
    }

    /// <summary>The text of the first content of a compressed history: the summary that stands for what came before.</summary>
    private static string? Summary(JsonElement history)
    {
        if (history.ValueKind != JsonValueKind.Array) return null;
        foreach (var content in history.EnumerateArray())
        {
            var text = string.Join("\n\n", GeminiParts.Read(content.GetPropertyOrDefault("parts")).Where(p => p.Kind == GeminiPartKind.Text).Select(p => p.Text));
            return text.Length > 0 ? text : null;
        }
        return null;
    }

    /// <summary>The text lines a slash command showed (outputHistoryItems[].text).</summary>
    private static string? OutputText(JsonElement items)
    {
        if (items.ValueKind != JsonValueKind.Array) return null;
        var texts = items.EnumerateArray().Select(i => i.GetStringOrNull("text")).Where(t => !string.IsNullOrEmpty(t)).ToArray();
        return texts.Length > 0 ? string.Join("\n", texts) : null;
    }
}
