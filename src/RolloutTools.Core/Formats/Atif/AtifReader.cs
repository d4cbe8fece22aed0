using System.Collections.Concurrent;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Atif;

/// <summary>
/// Harbor's Agent Trajectory Interchange Format (ATIF-v1.0 to v1.7): one trajectory object per
/// trajectory*.json file, written per trial (&lt;job&gt;/&lt;trial&gt;/agent/trajectory.json) with its continuation
/// files (trajectory.cont-N.json) and subagent trajectories beside it. It has no default location: it is read
/// from the paths a person gives. One file can give several records (subagents embedded in v1.7).
/// </summary>
public sealed class AtifReader : IRolloutReader
{
    public RolloutFormat Format => RolloutFormat.Atif;

    public string SourceKind => AtifSession.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "trajectory*.json" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    /// <summary>Trajectories live wherever an evaluation run put them.</summary>
    public IReadOnlyList<string> DefaultLocations() => Array.Empty<string>();

    public bool IsTraceFile(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith("trajectory", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
    }

    public bool IsSidecarFile(string path) => false;

    /// <summary>
    /// Certain of a root whose schema_version starts "ATIF-"; when that value lies beyond the head (keys in
    /// another order), likely for a root with agent and steps and an id beside them.
    /// </summary>
    public int Score(JsonHead head) => head.String("schema_version") is { } version
        ? version.StartsWith("ATIF-", StringComparison.OrdinalIgnoreCase) ? DetectionScore.Certain : DetectionScore.None
        : head.Has("agent") && head.Has("steps") && (head.Has("session_id") || head.Has("trajectory_id") || head.Has("schema_version")) ? DetectionScore.Likely : DetectionScore.None;

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) =>
        new Scan(sources, options ?? new ReadOptions());

    /// <summary>Eager: ReadEach parses on the worker that calls it, so files are still read in parallel.</summary>
    private sealed class Scan : IMultiRecordScan
    {
        private readonly ReadOptions _options;
        private readonly HashSet<string> _inRun;
        private readonly ConcurrentDictionary<string, Lazy<AtifLinks>> _links = new(StringComparer.Ordinal);

        public Scan(IReadOnlyList<TraceSource> sources, ReadOptions options)
        {
            _options = options;
            _inRun = sources.Where(s => s.IsFile).Select(s => Path.GetFullPath(s.Path)).ToHashSet(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        }

        public ReadResult Read(TraceSource source, CancellationToken cancellation) => ReadEach(source, cancellation).First();

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested();
            var diagnostics = new DiagnosticList(source.Path);
            var links = source.IsFile ? Links(source.Path) : AtifLinks.Empty;
            var read = AtifSession.Read(source.Path, source.IsFile, source.Open, links, _options.StitchContinuations, _inRun.Contains, diagnostics);
            if (read.Records.Count == 0)
            {
                if (read.SkipReason is null && diagnostics.Items.Count == 0) diagnostics.NothingRead();
                return new[] { new ReadResult(source, null, read.SkipReason, diagnostics.Items) };
            }
            // The file's problems are reported once, with its first record.
            return read.Records.Select((record, i) => new ReadResult(source, record, null, i == 0 ? diagnostics.Items : Array.Empty<RolloutDiagnostic>())).ToArray();
        }

        private AtifLinks Links(string path)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            var reader = new AtifReader();
            return _links.GetOrAdd(folder, f => new Lazy<AtifLinks>(() => AtifLinks.Of(f, reader.IsTraceFile))).Value;
        }
    }
}
