using System.Globalization;
using System.Text.RegularExpressions;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Aider;

/// <summary>
/// The report aider prints after each response (base_coder.py calculate_and_show_tokens_and_cost):
/// "Tokens: 2.1k sent, 1.2k cache write, 3.0k cache hit, 150 received. Cost: $0.01 message, $0.05 session."
/// Counts of 1,000 and more are rounded (utils.py format_tokens: "2.1k" below 10,000, "12k" above); versions of
/// 2024 wrote them whole with thousands separators. The cost part is missing when the model has no price.
/// </summary>
internal sealed record AiderTokenReport(TokenUsage Usage, bool IsRounded, decimal? MessageCost, decimal? SessionCost)
{
    private const string Count = @"[0-9][0-9,]*(?:\.[0-9]+)?[kM]?";

    private static readonly Regex Tokens = new(
        $@"^Tokens: (?<sent>{Count}) sent(?:, (?<write>{Count}) cache write)?(?:, (?<hit>{Count}) cache hit)?, (?<received>{Count}) received\.$",
        RegexOptions.CultureInvariant);

    private static readonly Regex Cost = new(
        @"^Cost: \$(?<message>[0-9]+(?:\.[0-9]+)?) (?:message|request), \$(?<session>[0-9]+(?:\.[0-9]+)?) session\.$",
        RegexOptions.CultureInvariant);

    /// <summary>Whether a line of aider's output starts a report (its cost may follow on the next line).</summary>
    public static bool Starts(string text) => text.StartsWith("Tokens: ", StringComparison.Ordinal);

    /// <summary>
    /// The report in <paramref name="text"/>: the tokens sentence, then the cost sentence after a space or, when
    /// aider reports both cache hits and writes, a line break. Null when the text is no report.
    /// </summary>
    public static AiderTokenReport? Parse(string text)
    {
        var split = text.IndexOf(" Cost: $", StringComparison.Ordinal) is var space and >= 0 ? space : text.IndexOf("\nCost: $", StringComparison.Ordinal);
        var tokensPart = split >= 0 ? text[..split] : text;
        var costPart = split >= 0 ? text[(split + 1)..] : null;
        if (Tokens.Match(tokensPart) is not { Success: true } tokens) return null;
        Match? cost = null;
        if (costPart is not null && (cost = Cost.Match(costPart)) is not { Success: true }) return null;

        var sent = Value(tokens.Groups["sent"].Value);
        var write = tokens.Groups["write"].Success ? Value(tokens.Groups["write"].Value) : 0;
        var hit = tokens.Groups["hit"].Success ? Value(tokens.Groups["hit"].Value) : 0;
        var received = Value(tokens.Groups["received"].Value);
        // Today "sent" counts the prompt with its cache writes added (Anthropic) and its cache hits within it
        // (litellm's prompt_tokens, DeepSeek's prompt_cache_hit_tokens): what is left is the uncached input. Older
        // litellm left the cache out of prompt_tokens ("194 sent, 9,474 cache write"): a "sent" smaller than the
        // cache is that uncached input itself.
        var uncached = sent < write + hit ? sent : sent - write - hit;
        var usage = new TokenUsage(uncached, received, hit, write);
        var rounded = new[] { "sent", "write", "hit", "received" }.Any(g => tokens.Groups[g].Value.EndsWith('k') || tokens.Groups[g].Value.EndsWith('M'));
        return new AiderTokenReport(usage, rounded,
            cost is null ? null : decimal.Parse(cost.Groups["message"].Value, CultureInfo.InvariantCulture),
            cost is null ? null : decimal.Parse(cost.Groups["session"].Value, CultureInfo.InvariantCulture));
    }

    private static long Value(string text)
    {
        var scale = text.EndsWith('k') ? 1_000m : text.EndsWith('M') ? 1_000_000m : 1m;
        var number = scale == 1m ? text : text[..^1];
        return (long)Math.Round(decimal.Parse(number.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture) * scale);
    }
}
