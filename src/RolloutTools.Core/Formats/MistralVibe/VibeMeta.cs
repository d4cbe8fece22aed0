using System.Globalization;
using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.MistralVibe;

/// <summary>
/// A session's metadata: meta.json (Vibe 2.0 and later), or the "metadata" object of a legacy file. SessionMetadata
/// (vibe/core/types.py: session_id, parent_session_id, start_time, end_time, git_commit, git_branch,
/// environment.working_directory, username, title, title_source) and what session_logger.py save_interaction adds:
/// stats (AgentStats), total_messages, the config dump ("agent_config" before 2.0) and agent_profile.
/// </summary>
internal sealed class VibeMeta
{
    public string? SessionId { get; private init; }
    public string? ParentSessionId { get; private init; }
    public DateTimeOffset? StartTime { get; private init; }
    public DateTimeOffset? EndTime { get; private init; }
    public string? GitCommit { get; private init; }
    public string? GitBranch { get; private init; }
    public string? WorkingDirectory { get; private init; }
    public string? Title { get; private init; }
    public string? TitleSource { get; private init; }
    public string? AgentProfile { get; private init; }
    public VibeStats Stats { get; private init; } = VibeStats.None;

    /// <summary>The model the config made active: its name as the provider knows it, else the alias the config chose it by.</summary>
    public string? Model { get; private init; }

    public string? Provider { get; private init; }

    /// <summary>Reads the metadata object; a value of the wrong type throws <see cref="SidecarShapeException"/>.</summary>
    public static VibeMeta Read(JsonElement meta)
    {
        Expect.Object(meta, "the metadata");
        var config = meta.GetPropertyOrDefault("config") is { ValueKind: JsonValueKind.Object } current ? current : meta.GetPropertyOrDefault("agent_config");
        var (model, provider) = ActiveModel(config);
        var environment = meta.GetPropertyOrDefault("environment");
        var profile = meta.GetPropertyOrDefault("agent_profile");
        return new VibeMeta
        {
            SessionId = Expect.String(meta, "session_id"),
            ParentSessionId = Expect.String(meta, "parent_session_id"),
            StartTime = Time(Expect.String(meta, "start_time")),
            EndTime = Time(Expect.String(meta, "end_time")),
            GitCommit = Expect.String(meta, "git_commit"),
            GitBranch = Expect.String(meta, "git_branch"),
            WorkingDirectory = environment.ValueKind == JsonValueKind.Object ? Expect.String(environment, "working_directory") : null,
            Title = Expect.String(meta, "title"),
            TitleSource = Expect.String(meta, "title_source"),
            AgentProfile = profile.ValueKind == JsonValueKind.Object ? Expect.String(profile, "name") : null,
            Stats = VibeStats.Read(meta.GetPropertyOrDefault("stats")),
            Model = model,
            Provider = provider,
        };
    }

    /// <summary>
    /// Vibe writes its times with isoformat(): UTC with an offset from 2.0, the local clock without one before; the
    /// latter is read as this machine's local time, the best guess at the clock that wrote it.
    /// </summary>
    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var time) ? time.ToUniversalTime() : null;

    /// <summary>config.active_model names a model by its alias; config.models lists each with its name and provider.</summary>
    private static (string? Model, string? Provider) ActiveModel(JsonElement config)
    {
        if (config.ValueKind != JsonValueKind.Object || config.GetStringOrNull("active_model") is not { Length: > 0 } alias) return (null, null);
        var models = config.GetPropertyOrDefault("models");
        if (models.ValueKind == JsonValueKind.Array)
        {
            foreach (var model in models.EnumerateArray())
            {
                if (model.ValueKind == JsonValueKind.Object && (model.GetStringOrNull("alias") ?? model.GetStringOrNull("name")) == alias)
                {
                    return (model.GetStringOrNull("name") ?? alias, model.GetStringOrNull("provider"));
                }
            }
        }
        return (alias, null);
    }
}

/// <summary>
/// AgentStats as meta.json holds it: the tokens of every model call the Vibe process made for the session
/// (session_prompt_tokens, session_completion_tokens; agent_loop.py _update_stats), and session_cost, Vibe's own
/// estimate from the configured prices per million tokens, which it calls worst-case (no cache discount).
/// </summary>
internal sealed record VibeStats(long PromptTokens, long CompletionTokens, long Steps, double EstimatedCost)
{
    public static readonly VibeStats None = new(0, 0, 0, 0);

    public static VibeStats Read(JsonElement stats)
    {
        if (stats.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return None;
        Expect.Object(stats, "\"stats\"");
        var cost = stats.GetPropertyOrDefault("session_cost");
        return new VibeStats(Count(stats, "session_prompt_tokens"), Count(stats, "session_completion_tokens"), Count(stats, "steps"),
            cost.ValueKind == JsonValueKind.Number && cost.TryGetDouble(out var usd) && usd > 0 ? usd : 0);
    }

    private static long Count(JsonElement stats, string name)
    {
        var value = stats.GetPropertyOrDefault(name);
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var count) || count < 0)
        {
            throw new SidecarShapeException($"\"stats\".\"{name}\" is not a count of tokens");
        }
        return count;
    }
}
