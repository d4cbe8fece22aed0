using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.SweAgent;

/// <summary>
/// The usage object of a response mini-swe-agent kept (extra.response, or the response itself for the Responses API),
/// as LiteLLM returns it. Chat completions: prompt_tokens counts every input token, cached ones included, with
/// prompt_tokens_details.cached_tokens (OpenAI) or cache_read_input_tokens and cache_creation_input_tokens (Anthropic
/// through LiteLLM) saying how many of them were cache reads and writes. The Responses API: input_tokens with
/// input_tokens_details.cached_tokens, and output_tokens. Input is what is left once the cache is taken out.
/// </summary>
internal static class LitellmUsage
{
    /// <summary>Null when the response has no usage object or it counts nothing.</summary>
    public static TokenUsage? Read(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object) return null;
        var isResponses = usage.TryGetProperty("input_tokens", out _);
        var input = usage.GetInt64OrZero(isResponses ? "input_tokens" : "prompt_tokens");
        var output = usage.GetInt64OrZero(isResponses ? "output_tokens" : "completion_tokens");
        var details = usage.GetPropertyOrDefault(isResponses ? "input_tokens_details" : "prompt_tokens_details");
        var cacheRead = Math.Max(details.GetInt64OrZero("cached_tokens"), usage.GetInt64OrZero("cache_read_input_tokens"));
        var cacheWrite = Math.Max(details.GetInt64OrZero("cache_creation_tokens"), usage.GetInt64OrZero("cache_creation_input_tokens"));
        var counted = new TokenUsage(Math.Max(0, input - cacheRead - cacheWrite), output, cacheRead, cacheWrite);
        return counted.Total > 0 ? counted : null;
    }
}
