using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Aider;

/// <summary>
/// Aider (Aider-AI/aider): the Markdown chat history it appends to .aider.chat.history.md in the folder it runs in
/// (--chat-history-file names another file, which only -Format Aider reads), one record per run. There is no
/// default location: the files sit in each repository, found by their name in the folders searched. The prompt
/// history (.aider.input.history) and the raw model messages (.aider.llm.history) beside it are no traces.
/// </summary>
public sealed class AiderReader : IRolloutReader
{
    public const string HistoryFileName = ".aider.chat.history.md";

    private static readonly string[] Sidecars = { ".aider.input.history", ".aider.llm.history" };

    public RolloutFormat Format => RolloutFormat.Aider;

    public string SourceKind => AiderRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { HistoryFileName };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => Array.Empty<string>();

    public bool IsTraceFile(string path) => string.Equals(Path.GetFileName(path), HistoryFileName, StringComparison.OrdinalIgnoreCase);

    public bool IsSidecarFile(string path) => Sidecars.Contains(Path.GetFileName(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>A Markdown file, which no JSON head describes: its name claims it.</summary>
    public int Score(JsonHead head) => DetectionScore.None;

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IMultiRecordScan
    {
        public ReadResult Read(TraceSource source, CancellationToken cancellation) => ReadEach(source, cancellation).First();

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            List<HistoryLine> lines;
            using (var stream = source.Open())
            {
                lines = AiderHistoryFile.Read(stream, diagnostics, cancellation);
            }
            var runs = AiderHistory.Split(lines, diagnostics);
            if (runs.Count == 0)
            {
                if (lines.Count == 0 && diagnostics.Items.Count == 0) diagnostics.NothingRead();
                return new[] { new ReadResult(source, null, $"it holds no '{AiderHistory.HeadingPrefix.Trim()}' heading", diagnostics.Items) };
            }
            var path = source.IsFile ? Path.GetFullPath(source.Path) : source.Path;
            var folder = source.IsFile ? Path.GetDirectoryName(path) : null;
            var seen = new Dictionary<DateTime, int>();
            var results = new List<ReadResult>(runs.Count);
            foreach (var run in runs)
            {
                cancellation.ThrowIfCancellationRequested();
                seen[run.StartedAt] = seen.GetValueOrDefault(run.StartedAt) + 1;
                var record = AiderRecords.Build(run, AiderRecords.TraceId(path, run, seen[run.StartedAt]), path, folder);
                // The file's problems are reported once, with its first record; each names its line.
                results.Add(new ReadResult(source, record, null, results.Count == 0 ? diagnostics.Items : Array.Empty<RolloutDiagnostic>()));
            }
            return results;
        }
    }
}
