using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.SweAgent;

/// <summary>
/// SWE-agent (SWE-agent/SWE-agent) and mini-swe-agent (SWE-agent/mini-swe-agent) trajectories: one JSON file per
/// task instance, the standard output of SWE-bench runs. SWE-agent writes
/// trajectories/&lt;user&gt;/&lt;run&gt;/&lt;instance&gt;/&lt;instance&gt;.traj (flat &lt;run&gt;/&lt;instance&gt;.traj before 1.0); mini-swe-agent
/// writes &lt;output&gt;/&lt;instance&gt;/&lt;instance&gt;.traj.json in batch runs and last_mini_run.traj.json in its config folder
/// for an interactive run, its only default location (see <see cref="SweAgentHome"/>). One format, since the two
/// come from one project, are found and used together, and share the instance naming and the info block; the
/// records' SourceKind tells them apart (swe_agent, mini_swe_agent), as the content does.
/// </summary>
public sealed class SweAgentReader : IRolloutReader
{
    /// <summary>mini-swe-agent's override of its global config folder, where its last run's trajectory is.</summary>
    public const string ConfigDirVariable = "MSWEA_GLOBAL_CONFIG_DIR";

    public RolloutFormat Format => RolloutFormat.SweAgent;

    public string SourceKind => SweAgentRecords.SweAgentKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "*.traj", "*.traj.json" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => SweAgentHome.ConfigFolders();

    /// <summary>mini keeps its last run at the top of its config folder; nothing below it is a trajectory.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 0);

    public bool IsTraceFile(string path)
    {
        var name = Path.GetFileName(path);
        return name.EndsWith(".traj", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".traj.json", StringComparison.OrdinalIgnoreCase);
    }

    public bool IsSidecarFile(string path) => false;

    /// <summary>
    /// Certain of mini's trajectory_format and of SWE-agent's trajectory beside history or info (names only they
    /// write together); likely of info beside messages (mini without its format line in view); weakly of the retry
    /// agent's "attempts". A first property
    /// whose value runs past the head (a long trajectory) tells nothing alone: the file's name claims it then.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.String("trajectory_format") is { } format) return format.StartsWith("mini-swe-agent", StringComparison.Ordinal) ? DetectionScore.Certain : DetectionScore.None;
        if (head.Has("trajectory") && (head.Has("history") || head.Has("info") || head.Has("environment"))) return DetectionScore.Certain;
        if (head.Has("info") && head.Has("messages") && !head.Has("type")) return DetectionScore.Likely;
        // The retry agent's file starts with its attempts, alone until the first ends.
        return head.Has("attempts") && !head.Has("type") ? DetectionScore.Weak : DetectionScore.None;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IMultiRecordScan
    {
        private readonly RetryAttempts _retries = new();

        public ReadResult Read(TraceSource source, CancellationToken cancellation) => ReadEach(source, cancellation).First();

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested();
            var path = source.IsFile ? Path.GetFullPath(source.Path) : source.Path;
            var attempt = source.IsFile ? RetryAttempts.Of(path) : null;
            if (attempt is not null && _retries.IsListed(attempt))
            {
                return new[] { new ReadResult(source, null, $"attempt {attempt.Index + 1} is read from the retry agent's '{attempt.Parent}'", Array.Empty<RolloutDiagnostic>()) };
            }
            var diagnostics = new DiagnosticList(source.Path);
            JsonTextDocument? document;
            using (var stream = source.Open())
            {
                document = JsonDocumentReader.Read(stream, diagnostics, JsonRoots.Object | JsonRoots.Array);
            }
            if (document is null) return new[] { new ReadResult(source, null, null, diagnostics.Items) };
            using (document)
            {
                var root = document.Root;
                IReadOnlyList<RolloutRecord> records;
                if (root.ValueKind == JsonValueKind.Array || (root.TryGetProperty("messages", out _) && !root.TryGetProperty("history", out _)))
                {
                    records = MiniTrajectory.Read(path, document, diagnostics, cancellation) is { } mini ? new[] { mini } : Array.Empty<RolloutRecord>();
                }
                else if (!root.TryGetProperty("history", out _) && root.GetPropertyOrDefault("attempts") is { ValueKind: JsonValueKind.Array } attempts && attempts.GetArrayLength() == 0)
                {
                    // The retry agent writes its file after each step; until an attempt ends, the attempt's own file holds it.
                    return new[] { new ReadResult(source, null, "the retry agent has ended no attempt yet; each is read from its attempt_<n> folder", diagnostics.Items) };
                }
                else if (root.TryGetProperty("history", out _) || root.TryGetProperty("attempts", out _))
                {
                    records = SweAgentTrajectory.Read(path, document, attempt, diagnostics, cancellation);
                }
                else
                {
                    diagnostics.NoRecord("the file holds neither \"history\" (SWE-agent) nor \"messages\" (mini-swe-agent); no record.");
                    records = Array.Empty<RolloutRecord>();
                }
                if (records.Count == 0) return new[] { new ReadResult(source, null, null, diagnostics.Items) };
                // The file's problems are reported once, with its first record.
                return records.Select((record, i) => new ReadResult(source, record, null, i == 0 ? diagnostics.Items : Array.Empty<RolloutDiagnostic>())).ToArray();
            }
        }
    }
}
