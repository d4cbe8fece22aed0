using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Pi;

/// <summary>
/// Whose Pi session file it is: the format and source kind its records carry, and what the agent's own store
/// says of the session beside the file (OpenClaw's sessions.json). Pi's files carry nothing more.
/// </summary>
internal sealed record PiRecordTarget(RolloutFormat Format, string SourceKind)
{
    public static PiRecordTarget Pi { get; } = new(RolloutFormat.PiCodingAgent, PiRecords.SourceKind);

    /// <summary>SourceMeta the store adds after the file's own.</summary>
    public Action<SourceMeta.Builder>? AddMeta { get; init; }

    /// <summary>The top-level session, when the store names a parent that spawned this one; else the file's own id.</summary>
    public string? RootSessionId { get; init; }

    public bool IsSidechain { get; init; }

    /// <summary>A title the person gave the session in the store, ahead of the file's own name and first prompt.</summary>
    public string? Title { get; init; }

    /// <summary>The title a first prompt gives, when the agent wraps what people send (OpenClaw's channel envelope); null takes the prompt as it is.</summary>
    public Func<string, string>? PromptTitle { get; init; }
}

/// <summary>
/// Reads Pi session files (pi-mono's SessionManager format) into records, for every agent that writes them:
/// Pi itself and OpenClaw, which runs Pi's agent core and keeps its SessionManager's files.
/// </summary>
internal static class PiFileScan
{
    /// <param name="target">Whose file a source is; asked once per file, on the worker that reads it, with the file's diagnostics for what the store's own files report.</param>
    public static IRolloutScan Begin(ReadOptions? options, Func<TraceSource, DiagnosticList, PiRecordTarget> target)
    {
        var wanted = new PiRecordOptions(options?.AllBranches ?? false, options?.IncludeAbandoned ?? false);
        return wanted.AllBranches ? new BranchScan(wanted, target) : new Scan(wanted, target);
    }

    private static IReadOnlyList<ReadResult> ReadAll(TraceSource source, PiRecordOptions options, Func<TraceSource, DiagnosticList, PiRecordTarget> target, CancellationToken cancellation)
    {
        var diagnostics = new DiagnosticList(source.Path);
        PiSession session;
        using (var stream = source.Open())
        {
            session = PiSession.Parse(stream, diagnostics, cancellation);
        }
        return Results(source, session, options, () => target(source, diagnostics), diagnostics);
    }

    /// <summary>The records of a parsed session (one, or one per leaf with every branch asked for), or why there is none.</summary>
    /// <param name="target">Asked only when the session has entries, so a store's files are loaded for sessions that give records.</param>
    public static IReadOnlyList<ReadResult> Results(TraceSource source, PiSession session, ReadOptions? options, Func<PiRecordTarget> target, DiagnosticList diagnostics) =>
        Results(source, session, new PiRecordOptions(options?.AllBranches ?? false, options?.IncludeAbandoned ?? false), target, diagnostics);

    private static IReadOnlyList<ReadResult> Results(TraceSource source, PiSession session, PiRecordOptions options, Func<PiRecordTarget> target, DiagnosticList diagnostics)
    {
        if (session.Values == 0)
        {
            diagnostics.NothingRead();
            return new[] { new ReadResult(source, null, null, diagnostics.Items) };
        }
        if (session.Entries.Count == 0)
        {
            // Pi writes a file only once a response arrives, so a header alone is not a session.
            diagnostics.NoRecord(session.Header is null
                ? "no line is a Pi session entry; no record."
                : "the file holds the session header and no entry; no record.");
            return new[] { new ReadResult(source, null, null, diagnostics.Items) };
        }
        var records = PiRecords.Build(session, source.Path, options, target(), diagnostics);
        return records.Select((record, i) => new ReadResult(source, record, null, i == 0 ? diagnostics.Items : Array.Empty<RolloutDiagnostic>())).ToArray();
    }

    /// <summary>One record per file: the active path.</summary>
    private sealed class Scan : IRolloutScan
    {
        private readonly PiRecordOptions _options;
        private readonly Func<TraceSource, DiagnosticList, PiRecordTarget> _target;

        public Scan(PiRecordOptions options, Func<TraceSource, DiagnosticList, PiRecordTarget> target)
        {
            _options = options;
            _target = target;
        }

        public ReadResult Read(TraceSource source, CancellationToken cancellation) => ReadAll(source, _options, _target, cancellation)[0];
    }

    /// <summary>One record per leaf; the file is parsed once, on the worker that opens it.</summary>
    private sealed class BranchScan : IMultiRecordScan
    {
        private readonly PiRecordOptions _options;
        private readonly Func<TraceSource, DiagnosticList, PiRecordTarget> _target;

        public BranchScan(PiRecordOptions options, Func<TraceSource, DiagnosticList, PiRecordTarget> target)
        {
            _options = options;
            _target = target;
        }

        public ReadResult Read(TraceSource source, CancellationToken cancellation) => ReadAll(source, _options, _target, cancellation)[0];

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation)
        {
            try
            {
                return ReadAll(source, _options, _target, cancellation);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException || JsonLineReader.IsUnreadableValue(e))
            {
                var diagnostics = new DiagnosticList(source.Path);
                diagnostics.Error(RolloutDiagnostic.ReadError, null, $"cannot read: {e.Message}");
                return new[] { new ReadResult(source, null, null, diagnostics.Items) };
            }
        }
    }
}
