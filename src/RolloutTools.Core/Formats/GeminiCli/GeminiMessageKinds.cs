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
    /// What a history sync's copy of messages keeps of them: the role, the visible text, the names of the calls or
    /// responses and the number of images. A response's copy has its calls as functionCall parts, the original
    /// perhaps only in toolCalls[]; its thoughts and a tool output masked since are left out. Several messages of one
    /// role in a row are copied as one turn holding all their parts (geminiChat.ts coalesceConsecutiveRoles), so the
    /// key of such a run is that of their parts joined. Null when unreadable.
    /// </summary>
    public static string? CopyKey(IReadOnlyList<JsonElement> records)
    {
        try
        {
            var isModel = records[0].GetStringOrNull("type") == "gemini";
            var text = new StringBuilder();
            var names = new List<string?>();
            var images = 0;
            foreach (var record in records)
            {
                var parts = GeminiParts.Read(record.GetPropertyOrDefault("content"));
                var own = parts.Where(p => p.Kind is GeminiPartKind.FunctionCall or GeminiPartKind.FunctionResponse).Select(p => (string?)p.Name).ToList();
                if (isModel && own.Count == 0 && record.GetPropertyOrDefault("toolCalls") is { ValueKind: JsonValueKind.Array } calls)
                {
                    own.AddRange(calls.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).Select(c => c.GetStringOrNull("name")));
                }
                text.Append(GeminiParts.JoinText(parts));
                names.AddRange(own);
                images += parts.Count(p => p.Kind == GeminiPartKind.Image);
            }
            return new StringBuilder(isModel ? "model" : "user").Append('\n')
                .Append(text.ToString().Trim()).Append('\n')
                .AppendJoin(',', names).Append('\n')
                .Append(images)
                .ToString();
        }
        catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
        {
            return null;
        }
    }
}
