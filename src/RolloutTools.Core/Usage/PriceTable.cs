using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RolloutTools.Core.Usage;

/// <summary>
/// Model prices in the shape of LiteLLM's model_prices_and_context_window.json: one object per model name with
/// input_cost_per_token, output_cost_per_token, cache_read_input_token_cost, cache_creation_input_token_cost,
/// cache_creation_input_token_cost_above_1hr and, for long-context tiers, the same names ending
/// _above_&lt;N&gt;k_tokens. Other fields are ignored, so a fresh copy of LiteLLM's file can be used as it is.
/// The table shipped in the module (Usage/prices.json, sources in Usage/README.md) is read from the assembly,
/// never fetched.
/// </summary>
/// <remarks>
/// Missing rates: cache reads and five-minute cache writes cost what input costs (the provider gives no
/// discount we know of), one-hour cache writes twice the input price (Anthropic's rule for every model).
/// </remarks>
public sealed partial class PriceTable
{
    private const string InputKey = "input_cost_per_token";
    private const string OutputKey = "output_cost_per_token";
    private const string CacheReadKey = "cache_read_input_token_cost";
    private const string CacheWriteKey = "cache_creation_input_token_cost";
    private const string CacheWrite1hKey = "cache_creation_input_token_cost_above_1hr";

    private readonly Dictionary<string, ModelPrice> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ModelPrice> _normalized = new(StringComparer.Ordinal);

    private PriceTable()
    {
    }

    /// <summary>How many models the table prices.</summary>
    public int Count => _exact.Count;

    /// <summary>The table shipped in the module.</summary>
    public static PriceTable Shipped { get; } = LoadShipped();

    public static PriceTable Load(Stream json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        return FromJson(document.RootElement);
    }

    public static PriceTable Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    private static PriceTable LoadShipped()
    {
        using var stream = typeof(PriceTable).Assembly.GetManifestResourceStream("RolloutTools.Core.Usage.prices.json")
            ?? throw new InvalidOperationException("The price table is missing from the assembly.");
        return Load(stream);
    }

    private static PriceTable FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("A price table is a JSON object of models.");
        var table = new PriceTable();
        foreach (var model in root.EnumerateObject())
        {
            if (model.Value.ValueKind != JsonValueKind.Object || Rate(model.Value, InputKey) is not { } input) continue;
            var rates = Rates(model.Value, suffix: string.Empty, input, fallback: null);
            var tiers = new List<(long, TokenRates)>();
            foreach (var threshold in Thresholds(model.Value))
            {
                var suffix = $"_above_{threshold / 1000}k_tokens";
                if (Rate(model.Value, InputKey + suffix) is { } tierInput) tiers.Add((threshold, Rates(model.Value, suffix, tierInput, rates)));
            }
            table.Add(model.Name, new ModelPrice(model.Name, rates, tiers));
        }
        return table;
    }

    /// <summary>A tier's missing rates scale the base ones as its input rate scales the base input rate.</summary>
    private static TokenRates Rates(JsonElement model, string suffix, decimal input, TokenRates? fallback)
    {
        var scale = fallback is null || fallback.Input == 0 ? 1m : input / fallback.Input;
        return new TokenRates(
            input,
            Rate(model, OutputKey + suffix) ?? (fallback is null ? 0m : fallback.Output * scale),
            Rate(model, CacheReadKey + suffix) ?? (fallback is null ? input : fallback.CacheRead * scale),
            Rate(model, CacheWriteKey + suffix) ?? (fallback is null ? input : fallback.CacheWrite5m * scale),
            Rate(model, CacheWrite1hKey + suffix) ?? (fallback is null ? 2 * input : fallback.CacheWrite1h * scale));
    }

    private static IEnumerable<long> Thresholds(JsonElement model) => model.EnumerateObject()
        .Select(p => TierName().Match(p.Name))
        .Where(m => m.Success)
        .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1000)
        .Distinct();

    private static decimal? Rate(JsonElement model, string key) =>
        model.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var rate) ? rate : null;

    private void Add(string name, ModelPrice price)
    {
        _exact[name] = price;
        // The first key of a normalized name wins: "claude-sonnet-4-5" before "anthropic/claude-sonnet-4-5-20250929".
        _normalized.TryAdd(Normalize(name), price);
    }

    /// <summary>
    /// The price of a model as an agent names it: the exact key (any case), else both names reduced to their
    /// core and compared: provider and region prefixes (anthropic/, openai/, us.anthropic.), a release date
    /// (-20250929, -2025-08-07), a Bedrock version (-v1:0), and dots between version digits (4.5 is 4-5) are
    /// left out. Null when nothing matches: a model without a price is never priced at zero.
    /// </summary>
    public ModelPrice? Find(string? model)
    {
        if (string.IsNullOrWhiteSpace(model)) return null;
        return _exact.TryGetValue(model, out var exact) ? exact : _normalized.GetValueOrDefault(Normalize(model));
    }

    internal static string Normalize(string model)
    {
        var name = model.Trim().ToLowerInvariant();
        var slash = name.LastIndexOf('/');
        if (slash >= 0) name = name[(slash + 1)..];
        name = RegionPrefix().Replace(name, string.Empty);
        name = BedrockVersion().Replace(name, string.Empty);
        name = DateSuffix().Replace(name, string.Empty);
        if (name.StartsWith("claude", StringComparison.Ordinal)) name = VersionDot().Replace(name, "-");
        return name;
    }

    [GeneratedRegex(@"_above_(\d+)k_tokens$")]
    private static partial Regex TierName();

    [GeneratedRegex(@"^(?:(?:us|eu|apac|global)\.)?(?:anthropic|openai|google|meta)\.")]
    private static partial Regex RegionPrefix();

    [GeneratedRegex(@"-v\d+(?::\d+)?$")]
    private static partial Regex BedrockVersion();

    [GeneratedRegex(@"(?:-|@)(?:\d{8}|\d{4}-\d{2}-\d{2})$")]
    private static partial Regex DateSuffix();

    [GeneratedRegex(@"(?<=\d)\.(?=\d)")]
    private static partial Regex VersionDot();
}
