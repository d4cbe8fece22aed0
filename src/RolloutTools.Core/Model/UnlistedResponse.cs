namespace RolloutTools.Core.Model;

/// <summary>
/// An API response a record counts in its token totals but does not list in Messages: one on a branch the person
/// left by rewinding or editing a prompt (Claude Code, Pi, Qwen Code read without -IncludeAbandoned), or one with
/// nothing readable left (redacted reasoning only). It was billed, so usage reports count it at its own time and
/// model, and count it once by its identity like any response; without it, a record read without the branches
/// would put their tokens at the session's end and last model, and a day's or a model's share would be wrong.
/// Internal, as RolloutRecord.Usage is: it serves the usage meter and the Normalized JSON, not the pipeline's view.
/// </summary>
internal sealed record UnlistedResponse(string? ResponseId, DateTimeOffset? Timestamp, string? Model, TokenUsage Usage, decimal? CostUsd)
{
    /// <summary>What the meter needs of a response message (one that carries usage).</summary>
    public static UnlistedResponse Of(RolloutMessage response) =>
        new(response.ResponseId, response.Timestamp, response.Model, response.Usage ?? default, response.CostUsd);
}
