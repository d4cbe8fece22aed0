using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.SweAgent;

/// <summary>
/// Builds the record of one trajectory file, SWE-agent's or mini-swe-agent's. Both name a batch run's file after
/// the task instance (&lt;instance_id&gt;.traj, &lt;instance_id&gt;.traj.json) and state in "info" how the run ended
/// (exit_status), the patch it submitted (submission) and its cost (model_stats.instance_cost), which the record
/// carries in SourceMeta. The TraceId is the instance and a hash of the file's full path: the same instance is run
/// in many experiments, and each run's file stays where the run wrote it.
/// </summary>
internal static class SweAgentRecords
{
    public const string SweAgentKind = "swe_agent";
    public const string MiniKind = "mini_swe_agent";

    /// <summary>The trajectory file name without its extension: the instance it ran, for a batch run.</summary>
    public static string Stem(string path)
    {
        var name = Path.GetFileName(path);
        foreach (var extension in new[] { ".traj.json", ".traj", ".json" })
        {
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) return name[..^extension.Length];
        }
        return name;
    }

    /// <summary>
    /// "&lt;instance&gt;-&lt;hash&gt;"; mini's last_mini_run.traj.json, which each interactive run overwrites, adds the
    /// run's start, so two runs read at different times are two records.
    /// </summary>
    public static string TraceId(string path, string name, DateTimeOffset? startedAt)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..12].ToLowerInvariant();
        var id = $"{name}-{hash}";
        return Path.GetFileName(path).Equals(SweAgentHome.LastRunFile, StringComparison.OrdinalIgnoreCase) && startedAt is { } start
            ? $"{id}-{start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)}"
            : id;
    }

    /// <summary>What "info" says of the run's end, cost and agent version, in SourceMeta's words.</summary>
    public static void AddInfo(SourceMeta.Builder meta, JsonElement info, string? exitStatus = null, string? submission = null)
    {
        var stats = info.GetPropertyOrDefault("model_stats");
        meta.Add("exit_status", info.GetStringOrNull("exit_status") ?? exitStatus)
            .Add("submission", info.GetStringOrNull("submission") ?? submission)
            .Add("api_calls", stats.GetInt64OrZero("api_calls"));
        // The cost the agent computed through LiteLLM for the whole instance (every attempt and review, for SWE-agent's retry agent).
        if (stats.GetPropertyOrDefault("instance_cost") is { ValueKind: JsonValueKind.Number } cost) meta.Add("cost_usd", cost.GetDouble());
    }

    public static RolloutRecord Build(RecordParts parts)
    {
        var messages = parts.Messages;
        var times = messages.Select(m => m.Timestamp).OfType<DateTimeOffset>().ToArray();
        DateTimeOffset? start = times.Length > 0 ? times.Min() : null;
        var idPath = parts.IdPath ?? parts.Path;
        var rootId = TraceId(idPath, parts.InstanceId ?? Stem(idPath), start);
        return new RolloutRecord
        {
            TraceId = parts.Attempt is { } attempt ? $"{rootId}:attempt-{attempt}" : rootId,
            Format = RolloutFormat.SweAgent,
            SourceKind = parts.SourceKind,
            SourcePath = parts.Path,
            RootSessionId = rootId,
            AgentId = parts.Attempt is { } number ? $"attempt-{number}" : null,
            Cwd = parts.Cwd,
            StartedAt = start,
            EndedAt = times.Length > 0 ? times.Max() : null,
            Title = parts.InstanceId ?? Titles.Clean(messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt)?.Text),
            Models = parts.Models,
            Messages = messages,
            SourceMeta = parts.Meta.Build(),
            Usage = parts.Usage,
            UnlistedResponses = parts.Unlisted,
        };
    }

    /// <summary>What a reader found in one file, for <see cref="Build"/>.</summary>
    public sealed record RecordParts(string Path, string SourceKind, IReadOnlyList<RolloutMessage> Messages, SourceMeta.Builder Meta)
    {
        /// <summary>The instance the file says it ran; null to take it from the file's name.</summary>
        public string? InstanceId { get; init; }

        /// <summary>The retry agent's attempt this record is (1 on): its id is "&lt;instance&gt;-&lt;hash&gt;:attempt-&lt;n&gt;".</summary>
        public int? Attempt { get; init; }

        /// <summary>The file whose path the id is made of, when not the record's own (an attempt's file: the retry agent's).</summary>
        public string? IdPath { get; init; }
        public string? Cwd { get; init; }
        public IReadOnlyList<string> Models { get; init; } = Array.Empty<string>();
        public TokenUsage Usage { get; init; }
        public IReadOnlyList<UnlistedResponse> Unlisted { get; init; } = Array.Empty<UnlistedResponse>();
    }
}
