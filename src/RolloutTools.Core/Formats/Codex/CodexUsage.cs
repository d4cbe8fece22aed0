using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>Codex's TokenUsage: input includes cached input, output includes reasoning.</summary>
internal sealed record CodexUsage(long Input, long Cached, long Output, long Reasoning, long CacheWrite)
{
    public static CodexUsage? Read(JsonElement usage) => usage.ValueKind == JsonValueKind.Object
        ? new CodexUsage(
            usage.GetInt64OrZero("input_tokens"),
            usage.GetInt64OrZero("cached_input_tokens"),
            usage.GetInt64OrZero("output_tokens"),
            usage.GetInt64OrZero("reasoning_output_tokens"),
            usage.GetInt64OrZero("cache_write_input_tokens"))
        : null;

    /// <summary>The request between two running totals; totals that went down (a reset) count from zero.</summary>
    public CodexUsage Minus(CodexUsage? previous) => previous is null || previous.Input > Input
        ? this
        : new CodexUsage(Input - previous.Input, Math.Max(0, Cached - previous.Cached), Math.Max(0, Output - previous.Output),
            Math.Max(0, Reasoning - previous.Reasoning), Math.Max(0, CacheWrite - previous.CacheWrite));

    public TokenUsage ToTokenUsage() => new(Math.Max(0, Input - Cached), Output, Cached, CacheWrite);
}
