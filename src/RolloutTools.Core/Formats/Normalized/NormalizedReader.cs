using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Normalized;

/// <summary>
/// Datasets of normalized records, one JSON object per line: what Export-AgentRollout -As Normalized
/// writes, and DataDesigner's AgentRolloutSeedSource rows. A file holds many records, read one by one as
/// the pipeline asks for them, so a dataset of any size streams.
/// </summary>
public sealed class NormalizedReader : IRolloutReader
{
    public RolloutFormat Format => RolloutFormat.Normalized;

    public string SourceKind => "normalized";

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "*.jsonl" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    /// <summary>Datasets live wherever their owner put them; there is no default location.</summary>
    public IReadOnlyList<string> DefaultLocations() => Array.Empty<string>();

    public bool IsTraceFile(string path) => Path.GetFileName(path).EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

    public bool IsSidecarFile(string path) => false;

    public int Score(JsonHead head) => head.Has("trace_id") && head.Has("source_kind") ? DetectionScore.Certain : DetectionScore.None;

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IMultiRecordScan
    {
        public ReadResult Read(TraceSource source, CancellationToken cancellation) =>
            ReadEach(source, cancellation).FirstOrDefault() ?? new ReadResult(source, null, "it holds no record", Array.Empty<RolloutDiagnostic>());

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var reported = 0;
            var records = 0;
            using var stream = source.Open();
            foreach (var line in JsonLineReader.Read(stream, diagnostics, cancellation))
            {
                RolloutRecord? record = null;
                try
                {
                    record = RecordJsonReader.Read(line.Root);
                }
                catch (Exception e) when (e is JsonException || JsonLineReader.IsUnreadableValue(e))
                {
                    diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, $"not a normalized record, line skipped: {e.Message}");
                }
                var news = diagnostics.Items.Skip(reported).ToArray();
                reported = diagnostics.Items.Count;
                if (record is not null) records++;
                if (record is not null || news.Length > 0) yield return new ReadResult(source, record, null, news);
            }
            if (records == 0) diagnostics.NothingRead();
            var tail = diagnostics.Items.Skip(reported).ToList();
            if (tail.Count > 0) yield return new ReadResult(source, null, null, tail);
        }
    }
}
