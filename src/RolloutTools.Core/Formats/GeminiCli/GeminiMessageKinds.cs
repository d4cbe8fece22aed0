using System.Text;
using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.GeminiCli;

/// <summary>What a stored Gemini CLI message is to the model's history, judged from its record alone.</summary>
internal static class GeminiMessageKinds
{
    /// <summary>
    /// A user text Gemini CLI leaves out when it rebuilds the history on resume (sessionUtils.ts
    /// isIgnoredUserContent): empty, a slash or ? command, the context turns it injects itself.
    /// </summary>
    public static bool IsIgnoredUserText(string trimmed) =>
        trimmed.Length == 0 || trimmed.StartsWith('/') || trimmed.StartsWith('?')
        || trimmed.StartsWith("<session_context>", StringComparison.Ordinal) || trimmed.StartsWith("<hook_context>", StringComparison.Ordinal);

    /// <summary>
    /// Whether the message was part of the history sent to the model: a response, a prompt or tool results, and
    /// the info message that carries a tool's binary output (geminiChat.ts binary injection); never a notice.
    /// </summary>
    public static bool IsSentToModel(JsonElement record)
    {
        try
        {
            var parts = GeminiParts.Read(record.GetPropertyOrDefault("content"));
            return record.GetStringOrNull("type") switch
            {
                "gemini" => true,
                "user" => parts.Any(p => p.Kind == GeminiPartKind.FunctionResponse) || !IsIgnoredUserText(GeminiParts.JoinText(parts).Trim()),
                "info" => HoldsData(record.GetPropertyOrDefault("content")),
                _ => false,
            };
        }
        catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
        {
            return false;
        }
    }

    /// <summary>Content with an inlineData or fileData part: data handed to the model, not words shown in the terminal.</summary>
    public static bool HoldsData(JsonElement content) =>
        content.ValueKind == JsonValueKind.Array
        && content.EnumerateArray().Any(p => p.ValueKind == JsonValueKind.Object && (p.TryGetProperty("inlineData", out _) || p.TryGetProperty("fileData", out _)));

    /// <summary>
    /// What a history sync's copy of a message keeps of it: the role, the visible text, the names of the calls or
    /// responses and the number of images. A response's copy has its calls as functionCall parts, the original
    /// perhaps only in toolCalls[]; its thoughts and a tool output masked since are left out. Null when unreadable.
    /// </summary>
    public static string? CopyKey(JsonElement record)
    {
        try
        {
            var parts = GeminiParts.Read(record.GetPropertyOrDefault("content"));
            var isModel = record.GetStringOrNull("type") == "gemini";
            var names = parts.Where(p => p.Kind is GeminiPartKind.FunctionCall or GeminiPartKind.FunctionResponse).Select(p => p.Name).ToList();
            if (isModel && names.Count == 0 && record.GetPropertyOrDefault("toolCalls") is { ValueKind: JsonValueKind.Array } calls)
            {
                names.AddRange(calls.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).Select(c => c.GetStringOrNull("name")));
            }
            return new StringBuilder(isModel ? "model" : "user").Append('\n')
                .Append(GeminiParts.JoinText(parts).Trim()).Append('\n')
                .AppendJoin(',', names).Append('\n')
                .Append(parts.Count(p => p.Kind == GeminiPartKind.Image))
                .ToString();
        }
        catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
        {
            return null;
        }
    }
}
