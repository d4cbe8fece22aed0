using System.Text;
using RolloutTools.Core.Model;
using RolloutTools.Core.Usage;

namespace RolloutTools.Core.Tests.Usage;

public sealed class PriceTableTests
{
    private static PriceTable Table(string json) => PriceTable.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Each_category_is_priced_at_its_own_rate_one_hour_writes_at_twice_input()
    {
        var opus = PriceTable.Shipped.Find("claude-opus-4-5")!;
        var usage = new TokenUsage(1_000_000, 1_000_000, 1_000_000, 3_000_000) { CacheWrite1hTokens = 1_000_000 };

        // $5 input + $25 output + $0.50 cache read + 2M five-minute writes at $6.25 + 1M one-hour writes at $10.
        Assert.Equal(5m + 25m + 0.5m + 12.5m + 10m, opus.Cost(usage));
    }

    [Fact]
    public void A_long_prompt_prices_the_whole_request_at_the_tier_and_a_short_one_at_base()
    {
        var sonnet = PriceTable.Shipped.Find("claude-sonnet-4-5")!;

        // 150k input + 60k cache read = 210k prompt tokens: every token at the >200k rates ($6, $22.50, $0.60).
        Assert.Equal(150_000 * 0.000006m + 1_000 * 0.0000225m + 60_000 * 0.0000006m, sonnet.Cost(new TokenUsage(150_000, 1_000, 60_000, 0)));
        // 150k + 50k = 200k is not above 200k: base rates ($3, $15, $0.30).
        Assert.Equal(150_000 * 0.000003m + 1_000 * 0.000015m + 50_000 * 0.0000003m, sonnet.Cost(new TokenUsage(150_000, 1_000, 50_000, 0)));
    }

    [Theory]
    [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [InlineData("anthropic/claude-sonnet-4.5", "claude-sonnet-4-5")]
    [InlineData("us.anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1")]
    [InlineData("openai/gpt-5-mini", "gpt-5-mini")]
    [InlineData("gpt-5-2025-08-07", "gpt-5")]
    [InlineData("GPT-5.1-Codex", "gpt-5.1-codex")]
    [InlineData("gemini/gemini-2.5-pro", "gemini-2.5-pro")]
    public void Names_match_without_provider_prefixes_dates_or_version_dots(string name, string key)
    {
        Assert.Equal(key, PriceTable.Shipped.Find(name)?.Name);
    }

    [Theory]
    [InlineData("nousresearch/hermes-4-405b")]
    [InlineData("gpt-5.1-codex-ultra")]
    [InlineData("")]
    [InlineData(null)]
    public void A_model_the_table_does_not_know_has_no_price(string? name)
    {
        Assert.Null(PriceTable.Shipped.Find(name));
    }

    [Fact]
    public void A_litellm_shaped_file_replaces_the_table_with_missing_rates_derived_from_input()
    {
        var table = Table("""
            {
              "sample_spec": { "input_cost_per_token": "not a number" },
              "anthropic/my-model-20260101": {
                "litellm_provider": "anthropic", "mode": "chat", "max_tokens": 8192,
                "input_cost_per_token": 0.000002, "output_cost_per_token": 0.00001,
                "input_cost_per_token_above_100k_tokens": 0.000004
              }
            }
            """);

        var price = table.Find("my-model")!;
        Assert.Equal(1, table.Count);
        Assert.Equal(new TokenRates(0.000002m, 0.00001m, 0.000002m, 0.000002m, 0.000004m), price.Rates);
        // The tier states input only; its other rates scale with it (x2).
        Assert.Equal(new TokenRates(0.000004m, 0.00002m, 0.000004m, 0.000004m, 0.000008m), Assert.Single(price.Tiers).Rates);
        Assert.Null(table.Find("claude-opus-4-5"));
    }

    [Fact]
    public void The_shipped_table_prices_current_claude_openai_and_gemini_models()
    {
        foreach (var model in new[] { "claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5", "gpt-5.5", "gpt-5.1-codex-mini", "gemini-2.5-flash", "gemini-3-pro-preview" })
        {
            Assert.NotNull(PriceTable.Shipped.Find(model));
        }
    }
}
