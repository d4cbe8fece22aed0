using System.Globalization;
using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.FactoryDroid;

/// <summary>
/// &lt;session id&gt;.settings.json, which Droid rewrites beside the session as it goes: the model and how it was run
/// (model, reasoningEffort, interactionMode, autonomyLevel, autonomyMode, providerLock and the time it was set), the
/// time the assistant was at work (assistantActiveTimeMs), and the session's token totals. Its messages carry no
/// tokens, so these totals are all Droid states. tokenUsage is the session's own; inclusiveTokenUsage adds the
/// sessions it delegated to (childInclusiveTokenUsageBySessionId lists them). Fields as a real file of droid 0.126.0
/// shows them (sageox/ox cmd/ox-adapter-droid/testdata/session-real.settings.json) and as ccusage, tokscale and
/// agent-sessions read them.
/// </summary>
internal sealed class DroidSettings
{
    public string? Model { get; private init; }
    public string? ProviderLock { get; private init; }
    public DateTimeOffset? ProviderLockTime { get; private init; }
    public string? ReasoningEffort { get; private init; }
    public string? InteractionMode { get; private init; }
    public string? AutonomyLevel { get; private init; }
    public string? AutonomyMode { get; private init; }
    public TimeSpan? AssistantActiveTime { get; private init; }

    /// <summary>The session's own tokens; null when the file states none.</summary>
    public DroidTokens? Tokens { get; private init; }

    /// <summary>The session's tokens with those of the sessions it delegated to; null when the file states none.</summary>
    public DroidTokens? InclusiveTokens { get; private init; }

    /// <summary>Reads the settings document; a value of the wrong type throws <see cref="SidecarShapeException"/>.</summary>
    public static DroidSettings Read(JsonElement settings)
    {
        Expect.Object(settings, "the settings");
        var active = settings.GetPropertyOrDefault("assistantActiveTimeMs");
        return new DroidSettings
        {
            Model = Expect.String(settings, "model"),
            ProviderLock = Expect.String(settings, "providerLock"),
            ProviderLockTime = DateTimeOffset.TryParse(Expect.String(settings, "providerLockTimestamp"), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var locked) ? locked : null,
            ReasoningEffort = Expect.String(settings, "reasoningEffort"),
            InteractionMode = Expect.String(settings, "interactionMode"),
            AutonomyLevel = Expect.String(settings, "autonomyLevel"),
            AutonomyMode = Expect.String(settings, "autonomyMode"),
            AssistantActiveTime = active.ValueKind == JsonValueKind.Number && active.TryGetDouble(out var ms) && ms >= 0 ? TimeSpan.FromMilliseconds(ms) : null,
            Tokens = DroidTokens.Read(settings, "tokenUsage"),
            InclusiveTokens = DroidTokens.Read(settings, "inclusiveTokenUsage"),
        };
    }
}

/// <summary>
/// Droid's token counters: inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, thinkingTokens and
/// factoryCredits. Peers add the first four as input, output, cache write and cache read (ccusage droid data-loader,
/// tokscale sessions/droid.rs); thinking tokens are a counter of their own whose relation to output Droid does not
/// say, so they are kept apart rather than added anywhere.
/// </summary>
internal sealed record DroidTokens(TokenUsage Usage, long ThinkingTokens, double FactoryCredits)
{
    public static DroidTokens? Read(JsonElement settings, string name)
    {
        var tokens = settings.GetPropertyOrDefault(name);
        if (tokens.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return null;
        Expect.Object(tokens, $"\"{name}\"");
        var credits = tokens.GetPropertyOrDefault("factoryCredits");
        return new DroidTokens(
            new TokenUsage(Count(tokens, name, "inputTokens"), Count(tokens, name, "outputTokens"), Count(tokens, name, "cacheReadTokens"), Count(tokens, name, "cacheCreationTokens")),
            Count(tokens, name, "thinkingTokens"),
            credits.ValueKind == JsonValueKind.Number && credits.TryGetDouble(out var used) && used > 0 ? used : 0);
    }

    private static long Count(JsonElement tokens, string owner, string name)
    {
        var value = tokens.GetPropertyOrDefault(name);
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var count) || count < 0)
        {
            throw new SidecarShapeException($"\"{owner}\".\"{name}\" is not a count of tokens");
        }
        return count;
    }
}
