using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.SweAgent;

/// <summary>
/// One SWE-agent .traj file (sweagent/agent/agents.py get_trajectory_data): {trajectory, history, info,
/// replay_config, environment}. The model comes from replay_config (a JSON string of the run's config:
/// agent.model.name). SWE-agent states tokens and cost per instance only (info.model_stats: tokens_sent,
/// tokens_received, instance_cost), so the record carries them as its totals and its responses carry none. It writes
/// no times. The retry agent (RetryAgent, "type: retry") runs several attempts, each saved as a whole trajectory in
/// attempt_&lt;n&gt;/&lt;instance&gt;.traj and, once finished, in the "attempts" list of the instance's own file, which at the
/// end also copies the chosen attempt to its top (info.best_attempt_idx) and adds the reviewer's model_stats
/// (info.rloop_model_stats) to the total. That file gives one record per attempt, so each is counted once with its own
/// tokens and the reviewer's count with the chosen one; an attempt's own file is read only while the list lacks it.
/// </summary>
internal static class SweAgentTrajectory
{
    /// <summary>The records of a file: one, or one per attempt of the retry agent's.</summary>
    /// <param name="attempt">For an attempt's own file (attempt_&lt;n&gt;/): the retry agent's file and the attempt's index.</param>
    public static IReadOnlyList<RolloutRecord> Read(string path, JsonTextDocument document, RetryAttempts.AttemptFile? attempt, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var root = document.Root;
        if (root.GetPropertyOrDefault("attempts") is not { ValueKind: JsonValueKind.Array } attempts || attempts.GetArrayLength() == 0)
        {
            var parts = attempt is { } own ? new Attempt(own.Index + 1, null, false, default) { IdPath = own.Parent } : null;
            var record = ReadOne(path, root, document.ElementLine, string.Empty, parts, diagnostics, cancellation);
            return record is null ? Array.Empty<RolloutRecord>() : new[] { record };
        }

        // The chosen attempt is named once the run has ended (the file's top then holds it); the reviewer's usage counts with it.
        var info = root.GetPropertyOrDefault("info");
        int? chosen = root.TryGetProperty("history", out _) ? (int)info.GetInt64OrZero("best_attempt_idx") : null;
        var records = new List<RolloutRecord>();
        var count = attempts.GetArrayLength();
        for (var i = 0; i < count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var reviewer = i == chosen ? info.GetPropertyOrDefault("rloop_model_stats") : default;
            var record = ReadOne(path, attempts[i], (_, _) => null, $"attempts[{i}].", new Attempt(i + 1, count, i == chosen, reviewer), diagnostics, cancellation);
            if (record is not null) records.Add(record);
        }
        return records;
    }

    /// <summary>Which attempt of the retry agent's a record is, and what of the run it carries.</summary>
    /// <param name="Count">How many attempts the retry agent's file lists; null for an attempt read from its own file.</param>
    /// <param name="ReviewerStats">The reviewer's model_stats (info.rloop_model_stats), carried by the chosen attempt.</param>
    private sealed record Attempt(int Number, int? Count, bool IsChosen, JsonElement ReviewerStats)
    {
        /// <summary>For an attempt read from its own file: the retry agent's file, whose path its id is made of.</summary>
        public string? IdPath { get; init; }
    }

    private static RolloutRecord? ReadOne(string path, JsonElement root, Func<string, int, int?> line, string where, Attempt? attempt, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var history = root.GetPropertyOrDefault("history");
        if (history.ValueKind != JsonValueKind.Array)
        {
            diagnostics.NoRecord($"\"{where}history\" is {history.ValueKind}, not a list of messages; no record.");
            return null;
        }
        var config = ReplayConfig(root.GetPropertyOrDefault("replay_config"));
        var modelConfig = config.GetPropertyOrDefault("agent").GetPropertyOrDefault("model");
        var model = modelConfig.GetStringOrNull("name") ?? modelConfig.GetStringOrNull("model_name");

        var conversation = SweAgentHistory.Read(root, line, where, model, diagnostics, cancellation);
        var messages = conversation.Builder.Build();
        if (messages.Count == 0)
        {
            diagnostics.NoRecord(history.GetArrayLength() == 0 ? $"the {where}history is empty; no record." : $"no message of the {where}history could be read; no record.");
            return null;
        }

        var info = root.GetPropertyOrDefault("info");
        var stats = info.GetPropertyOrDefault("model_stats");
        var reviewer = attempt?.ReviewerStats ?? default;
        // SWE-agent names the file after the problem statement's id, which the config repeats.
        var instance = config.GetPropertyOrDefault("problem_statement").GetStringOrNull("id") ?? SweAgentRecords.Stem(path);
        var meta = new SourceMeta.Builder().Add("instance_id", instance);
        SweAgentRecords.AddInfo(meta, info);
        if (reviewer.GetPropertyOrDefault("instance_cost") is { ValueKind: JsonValueKind.Number } review && meta.Build().TryGetValue("cost_usd", out var cost))
        {
            meta.Add("cost_usd", (double)cost + review.GetDouble()).Add("reviewer_cost_usd", review.GetDouble());
        }
        meta.Add("tokens", "tokens_sent counts every prompt token, cached ones included; SWE-agent states them per instance only")
            .Add("swe_agent_version", info.GetStringOrNull("swe_agent_version"))
            .Add("swe_rex_version", info.GetStringOrNull("swe_rex_version"))
            .Add("environment", root.GetStringOrNull("environment"))
            .Add("history_messages", conversation.Entries)
            .Add("demonstration_messages", conversation.Demonstrations)
            .Add("requeried_steps", conversation.RequeriedSteps)
            .Add("agents", conversation.Agents.Count > 1 ? conversation.Agents : Array.Empty<string>())
            .Add("orphan_tool_results", conversation.Builder.OrphanToolResults);
        if (attempt is not null)
        {
            meta.Add("attempt", attempt.Number).Add("attempts", attempt.Count ?? 0).Add("chosen_attempt", attempt.IsChosen);
        }

        return SweAgentRecords.Build(new SweAgentRecords.RecordParts(path, SweAgentRecords.SweAgentKind, messages, meta)
        {
            InstanceId = instance,
            Attempt = attempt?.Number,
            IdPath = attempt?.IdPath,
            Cwd = conversation.WorkingDir,
            Models = model is null ? Array.Empty<string>() : new[] { model },
            Usage = new TokenUsage(stats.GetInt64OrZero("tokens_sent") + reviewer.GetInt64OrZero("tokens_sent"),
                stats.GetInt64OrZero("tokens_received") + reviewer.GetInt64OrZero("tokens_received"), 0, 0),
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
