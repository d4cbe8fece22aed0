using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats;

/// <summary>One trace to read: a file on disk, or text handed over in memory (piped JSONL lines).</summary>
/// <param name="Path">The file's full path, or for text in memory the name it goes by (the file it was read from, or "&lt;pipeline&gt;").</param>
public sealed record TraceSource(string Path, bool IsFile, Func<Stream> Open)
{
    /// <summary>
    /// Which of the sessions in the file this is, for a file that holds many (a database's session id); null for
    /// the whole file. The format that located it is the one that reads it.
    /// </summary>
    public string? Key { get; init; }

    /// <summary>Opens read-only and lets the agent keep appending, renaming or deleting while we read; regular files only.</summary>
    public static TraceSource FromFile(string path, string? key = null) => new(path, true, () => FileKinds.OpenRead(path)) { Key = key };

    public static TraceSource FromBytes(string name, byte[] content) => new(name, false, () => new MemoryStream(content, writable: false));
}

/// <summary>What reading one trace produced: a record, or the reason there is none, and the problems met.</summary>
public sealed record ReadResult(TraceSource Source, RolloutRecord? Record, string? SkipReason, IReadOnlyList<RolloutDiagnostic> Diagnostics)
{
    /// <summary>No format recognised the content; such files are summed up in one warning.</summary>
    public bool IsUnrecognized { get; init; }

    /// <summary>What was skipped and why, in a sentence naming the file (and the session, for one of many in it); null when nothing was.</summary>
    public string? SkipMessage => SkipReason is null ? null
        : $"Skipped '{Source.Path}'{(Source.Key is { } key ? $", session {key}" : string.Empty)}: {SkipReason}.";
}

/// <summary>The ids a session's records will have, as its store shows them (a file's name, a database row).</summary>
/// <param name="TraceId">The TraceId of the file's record ("session:agent" for a Claude Code subagent).</param>
/// <param name="AgentId">For a subagent's own file, the agent's id (its record's AgentId).</param>
public sealed record NamedIds(string TraceId, string? AgentId = null)
{
    /// <summary>The file may give a record per branch instead, each TraceId continuing this one as "TraceId:leaf" (Pi).</summary>
    public bool HasBranches { get; init; }
}

/// <summary>
/// A trace format: where its files live, which files are traces, and how to read one. Reading goes through
/// a scan so a format can share facts across the files of one run (Claude Code's cross-file titles).
/// </summary>
public interface IRolloutReader
{
    RolloutFormat Format { get; }

    /// <summary>The snake_case name records carry in SourceKind.</summary>
    string SourceKind { get; }

    /// <summary>
    /// Where the agent keeps its traces on this machine (honouring its environment variable), whether or not
    /// the folders exist.
    /// </summary>
    IReadOnlyList<string> DefaultLocations();

    /// <summary>
    /// The folders of the agent's own store that <paramref name="folder"/> is or holds, to be read whole as the
    /// default locations are: the folder itself when it is one of the agent's trace folders (a default location,
    /// or a folder named as one and laid out as the agent lays it out, such as a copied ~/.codex/sessions), or
    /// those trace folders when it is the agent's home (~/.claude, a Codex home). None for an ordinary folder,
    /// and for a format that keeps no store of its own.
    /// </summary>
    IReadOnlyList<string> StoresIn(string folder) => Array.Empty<string>();

    /// <summary>
    /// Every session in one of the agent's stores (a default location, or a folder <see cref="StoresIn"/> names),
    /// in a stable order: by default its trace files all the way down (<see cref="SessionLocator"/>), each
    /// described by <see cref="SessionsIn"/>. A format whose sessions lie in a known shape says how deep to look,
    /// or locates them its own way.
    /// </summary>
    LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry);

    /// <summary>
    /// The sessions one of the format's trace files holds, as its name and place show them without reading its
    /// content: the ids the agent writes into the name (so a search by id passes over the others), the files its
    /// content spreads over, or, for a database, one reference per session with its ids and times. By default,
    /// the file is one session whose ids only reading tells.
    /// </summary>
    IReadOnlyList<SessionReference> SessionsIn(string path) => new[] { SessionReference.OfFile(path, this) };

    /// <summary>Whether a file's name makes it one of this format's traces (a pattern matches, and it is no sidecar file).</summary>
    bool IsTraceFile(string path);

    /// <summary>
    /// Whether a file is one the agent keeps beside its traces that is not a trace (a prompt history, an
    /// index, spilled tool output). No search of any format returns such a file.
    /// </summary>
    bool IsSidecarFile(string path);

    /// <summary>Globs a trace file's name matches, such as "*.jsonl".</summary>
    IReadOnlyList<string> FilePatterns { get; }

    /// <summary>Globs, relative to a searched folder, for files that belong to the traces in it even without recursion.</summary>
    IReadOnlyList<string> AttachedTracePatterns { get; }

    /// <summary>
    /// How sure the format is that a file with this line is one of its traces (a <see cref="DetectionScore"/>);
    /// reads nothing more. The most confident format wins; no two formats should be equally sure of one line.
    /// </summary>
    int Score(JsonHead head);

    /// <summary>Starts reading the traces of one run; <paramref name="options"/> says what the caller asked for (none: the defaults).</summary>
    IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null);
}

/// <summary>
/// The scan of a format whose files hold many records (datasets): their records are read one by one,
/// on the thread that consumes them, so memory does not grow with the file.
/// </summary>
public interface IMultiRecordScan : IRolloutScan
{
    IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation);
}

/// <summary>Reads the traces of one run; Read may be called from several threads at once.</summary>
public interface IRolloutScan
{
    ReadResult Read(TraceSource source, CancellationToken cancellation);
}
