using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Continue;

/// <summary>
/// The pieces of Continue's chat messages (core/index.d.ts), read where their shape differs from OpenAI's. Content is
/// OpenAI's (<see cref="OpenAIMessages.ReadContent"/>), with camelCase imageUrl parts for pasted images.
/// </summary>
internal static class ContinueContent
{
    /// <summary>Text of a content value: its text parts joined (thinking, a tool message in parts).</summary>
    public static string Text(JsonElement content) => RolloutMessage.JoinText(OpenAIMessages.ReadContent(content).Where(b => b.Type == ContentBlockType.Text).ToArray());

    /// <summary>
    /// A response's usage, in either of the shapes Continue stores: core's Usage (promptTokens, completionTokens,
    /// promptTokensDetails {cachedTokens, cacheWriteTokens}) or, from the cn CLI, the chunk usage of its OpenAI
    /// adapters as it came (prompt_tokens, completion_tokens, prompt_tokens_details {cached_tokens, cache_read_tokens,
    /// cache_write_tokens}). Which count the prompt includes depends on who filled it: the Anthropic paths (core's
    /// Anthropic.ts, the adapters' Anthropic.ts and the Vercel converter) put input_tokens, without the cache, in the
    /// prompt count and name the cache beside it; OpenAI counts cached tokens inside prompt_tokens, and OpenRouter, whose
    /// adapter passes its usage through, the cache writes too (cache_write_tokens, for Anthropic models). So core's usage
    /// that names a cache write, and the CLI's that names cache_read_tokens (which only Continue's own converters write),
    /// are taken as Anthropic's; any other has the cache taken out of the prompt count, never below zero. Null when the
    /// message states none.
    /// </summary>
    public static TokenUsage? Usage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object) return null;
        var camel = usage.TryGetProperty("promptTokens", out _) || usage.TryGetProperty("completionTokens", out _);
        var details = usage.GetPropertyOrDefault(camel ? "promptTokensDetails" : "prompt_tokens_details");
        var prompt = usage.GetInt64OrZero(camel ? "promptTokens" : "prompt_tokens");
        var output = usage.GetInt64OrZero(camel ? "completionTokens" : "completion_tokens");
        var read = camel ? details.GetInt64OrZero("cachedTokens") : Math.Max(details.GetInt64OrZero("cache_read_tokens"), details.GetInt64OrZero("cached_tokens"));
        var write = details.GetInt64OrZero(camel ? "cacheWriteTokens" : "cache_write_tokens");
        var anthropic = details.ValueKind == JsonValueKind.Object && details.TryGetProperty(camel ? "cacheWriteTokens" : "cache_read_tokens", out _);
        var input = anthropic ? prompt : Math.Max(0, prompt - read - write);
        var used = new TokenUsage(input, output, read, write);
        return used.Total > 0 ? used : null;
    }

    /// <summary>toolCalls, in the chat-completions shape (ToolCallDelta: id, type, function {name, arguments}).</summary>
    public static IReadOnlyList<ToolCall> ToolCalls(JsonElement calls) => OpenAIMessages.ReadToolCalls(calls);
}
