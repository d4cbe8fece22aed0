using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.SweAgent;

/// <summary>
/// One mini-swe-agent trajectory file: {"trajectory_format": "mini-swe-agent-1.1" (2.0 on) or "mini-swe-agent-1"
/// (1.x, run/utils/save.py save_traj), "info", "messages"} with "instance_id" beside them in batch runs
/// (run/benchmarks/swebench.py), or, from the first versions, a bare list of messages. info holds the exit status,
/// the submission, model_stats (instance_cost, api_calls) and, from 1.9 on, the config (config.model.model_name).
/// </summary>
internal static class MiniTrajectory
{
    public static RolloutRecord? Read(string path, JsonTextDocument document, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var root = document.Root;
        var bare = root.ValueKind == JsonValueKind.Array;
        var messages = bare ? root : root.GetPropertyOrDefault("messages");
        if (messages.ValueKind != JsonValueKind.Array)
        {
            diagnostics.NoRecord($"\"messages\" is {messages.ValueKind}, not a list of messages; no record.");
            return null;
        }
        var info = root.GetPropertyOrDefault("info");
        var config = info.GetPropertyOrDefault("config");
        var model = config.GetPropertyOrDefault("model").GetStringOrNull("model_name");

        var conversation = MiniConversation.Read(messages, i => document.ElementLine(bare ? null : "messages", i), model, diagnostics, cancellation);
        var built = conversation.Builder.Build();
        if (built.Count == 0)
        {
            diagnostics.NoRecord(messages.GetArrayLength() == 0 ? "the trajectory holds no messages; no record." : "no message of the trajectory could be read; no record.");
            return null;
        }

        var instance = root.GetStringOrNull("instance_id");
        var meta = new SourceMeta.Builder()
            .Add("instance_id", instance)
            .Add("trajectory_format", bare ? "bare message list" : root.GetStringOrNull("trajectory_format"));
        SweAgentRecords.AddInfo(meta, info, conversation.ExitStatus, conversation.Submission);
        meta.Add("mini_version", info.GetStringOrNull("mini_version"))
            .Add("model_class", config.GetStringOrNull("model_type"))
            .Add("agent_class", config.GetStringOrNull("agent_type"))
            .Add("environment_class", config.GetStringOrNull("environment_type"))
            .Add("message_shapes", conversation.Shapes.Order(StringComparer.Ordinal))
            .Add("format_errors", conversation.FormatErrors)
            .Add("orphan_tool_results", conversation.Builder.OrphanToolResults);

        return SweAgentRecords.Build(new SweAgentRecords.RecordParts(path, SweAgentRecords.MiniKind, built, meta)
        {
            InstanceId = instance,
            Models = conversation.Builder.Models.Count > 0 ? conversation.Builder.Models : model is null ? Array.Empty<string>() : new[] { model },
            Usage = conversation.Builder.Usage,
            Unlisted = conversation.Builder.Unlisted,
        });
    }
}
