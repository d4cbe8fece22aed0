using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.SweAgent;

/// <summary>
/// One SWE-agent .traj file (sweagent/agent/agents.py get_trajectory_data): {trajectory, history, info,
/// replay_config, environment}, and for the retry agent an "attempts" list before them, the chosen attempt's
/// fields copied to the top with info.best_attempt_idx. The model comes from replay_config (a JSON string of the
/// run's config: agent.model.name, or the first of agent.agent_configs for the retry agent). SWE-agent states tokens
/// and cost per instance only (info.model_stats: tokens_sent, tokens_received, instance_cost), so the record carries
/// them as its totals and its responses carry none. It writes no times.
/// </summary>
internal static class SweAgentTrajectory
{
    public static RolloutRecord? Read(string path, JsonTextDocument document, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var root = document.Root;
        var history = root.GetPropertyOrDefault("history");
        if (history.ValueKind != JsonValueKind.Array)
        {
            diagnostics.NoRecord($"\"history\" is {history.ValueKind}, not a list of messages; no record.");
            return null;
        }
        var config = ReplayConfig(root.GetPropertyOrDefault("replay_config"));
        var agent = config.GetPropertyOrDefault("agent");
        var modelConfig = agent.GetPropertyOrDefault("model").ValueKind == JsonValueKind.Object
            ? agent.GetPropertyOrDefault("model")
            : agent.GetPropertyOrDefault("agent_configs") is { ValueKind: JsonValueKind.Array } attempts && attempts.GetArrayLength() > 0 ? attempts[0].GetPropertyOrDefault("model") : default;
        var model = modelConfig.GetStringOrNull("name") ?? modelConfig.GetStringOrNull("model_name");

        var conversation = SweAgentHistory.Read(root, document.ElementLine, model, diagnostics, cancellation);
        var messages = conversation.Builder.Build();
        if (messages.Count == 0)
        {
            diagnostics.NoRecord(history.GetArrayLength() == 0 ? "the history is empty; no record." : "no message of the history could be read; no record.");
            return null;
        }

        var info = root.GetPropertyOrDefault("info");
        var stats = info.GetPropertyOrDefault("model_stats");
        // SWE-agent names the file after the problem statement's id, which the config repeats.
        var instance = config.GetPropertyOrDefault("problem_statement").GetStringOrNull("id") ?? SweAgentRecords.Stem(path);
        var meta = new SourceMeta.Builder().Add("instance_id", instance);
        SweAgentRecords.AddInfo(meta, info);
        meta.Add("tokens", "tokens_sent counts every prompt token, cached ones included; SWE-agent states them per instance only")
            .Add("swe_agent_version", info.GetStringOrNull("swe_agent_version"))
            .Add("swe_rex_version", info.GetStringOrNull("swe_rex_version"))
            .Add("environment", root.GetStringOrNull("environment"))
            .Add("history_messages", conversation.Entries)
            .Add("demonstration_messages", conversation.Demonstrations)
            .Add("requeried_steps", conversation.RequeriedSteps)
            .Add("agents", conversation.Agents.Count > 1 ? conversation.Agents : Array.Empty<string>())
            .Add("orphan_tool_results", conversation.Builder.OrphanToolResults);
        if (root.GetPropertyOrDefault("attempts") is { ValueKind: JsonValueKind.Array } tried)
        {
            meta.Add("attempts", tried.GetArrayLength()).Add("best_attempt", info.GetInt64OrZero("best_attempt_idx") + 1);
        }

        return SweAgentRecords.Build(new SweAgentRecords.RecordParts(path, SweAgentRecords.SweAgentKind, messages, meta)
        {
            InstanceId = instance,
            Cwd = conversation.WorkingDir,
            Models = model is null ? Array.Empty<string>() : new[] { model },
            Usage = new TokenUsage(stats.GetInt64OrZero("tokens_sent"), stats.GetInt64OrZero("tokens_received"), 0, 0),
        });
    }

    /// <summary>replay_config: the config as a JSON string (1.0 on), or an object; default when absent or unreadable.</summary>
    private static JsonElement ReplayConfig(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object) return value;
        if (value.ValueKind != JsonValueKind.String) return default;
        try
        {
            using var parsed = JsonDocument.Parse(value.GetString()!);
            return parsed.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
