using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Reading;

/// <summary>
/// What one run reads: the paths a person gave (files and folders, already resolved to file system paths),
/// text handed over in memory, or the agents' default locations, turned into trace requests, with every
/// problem and note met on the way. Get-AgentRollout and ConvertTo-RolloutRecord only bind their parameters
/// to a plan and write what it gives, so a C# caller gets exactly what they get.
/// </summary>
public sealed class ReadPlan
{
    private readonly List<TraceRequest> _requests = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reportedFolders = new(StringComparer.Ordinal);

    /// <summary>A plan over the module's own formats.</summary>
    public ReadPlan()
        : this(FormatRegistry.Default)
    {
    }

    /// <param name="registry">The formats the run knows.</param>
    public ReadPlan(FormatRegistry registry)
    {
        Registry = registry;
    }

    public FormatRegistry Registry { get; }

    /// <summary>How folders are searched: recursion, a name filter, links.</summary>
    public TraceSearch Search { get; init; } = new();

    /// <summary>Read every file as the one format named, whatever its content says (a person piping files to convert them).</summary>
    public bool Force { get; init; }

    /// <summary>What is queued so far, in the order it will be read.</summary>
    public IReadOnlyList<TraceRequest> Requests => _requests;

    /// <summary>
    /// Queues a file, or a folder's trace files. With formats named, only those are read, and a file no format
    /// recognises is read as the named one; without, each file's content decides its format. Returns what the
    /// person should hear of: folders that could not be listed (errors, each once per plan), traces only in
    /// subfolders without recursion (a warning), a file the filter leaves out (a note).
    /// </summary>
    /// <param name="formats">The formats a person named: only those are read. None (null or empty): any format.</param>
    public IReadOnlyList<RolloutDiagnostic> AddPath(string path, IEnumerable<RolloutFormat>? formats = null)
    {
        var named = Named(formats);
        var readers = named ?? Registry.All;
        var problems = new List<RolloutDiagnostic>();
        if (Directory.Exists(path))
        {
            var found = TraceFileFinder.Find(path, readers, Search, Registry);
            problems.AddRange(Unreported(found.UnreadableFolders));
            foreach (var file in found.Files) Add(Request(TraceSource.FromFile(file.Path), named, file.Readers.Count == 1 ? file.Readers[0] : null));
            if (found.Files.Count == 0 && !Search.Recurse && TraceFileFinder.HasDeeperTraces(path, readers, Search.FollowLinks, Registry))
            {
                problems.Add(new RolloutDiagnostic(DiagnosticSeverity.Warning, RolloutDiagnostic.TracesInSubfolders, path, null,
                    $"No trace files directly in '{path}'; its subfolders hold some. Add -Recurse to read them."));
            }
            return problems;
        }

        if (!TraceFileFinder.MatchesFilter(path, Search.Filter))
        {
            problems.Add(new RolloutDiagnostic(DiagnosticSeverity.Note, RolloutDiagnostic.FilteredOut, path, null,
                $"Skipped '{path}': its name does not match -Filter '{Search.Filter}'."));
            return problems;
        }
        Add(Request(TraceSource.FromFile(path), named, named is { Count: 1 } ? named[0] : null));
        return problems;
    }

    /// <summary>
    /// Queues every trace in the default locations of the formats named (of all, when none), searched all the
    /// way down; a location that does not exist is a note.
    /// </summary>
    public IReadOnlyList<RolloutDiagnostic> AddDefaultLocations(IEnumerable<RolloutFormat>? formats = null)
    {
        var problems = new List<RolloutDiagnostic>();
        foreach (var reader in Named(formats) ?? Registry.All)
        {
            foreach (var location in reader.DefaultLocations().Where(l => !Directory.Exists(l)))
            {
                problems.Add(new RolloutDiagnostic(DiagnosticSeverity.Note, RolloutDiagnostic.LocationMissing, location, null,
                    $"No {reader.Format} traces here: '{location}' does not exist."));
            }
            var found = TraceFileFinder.FindInDefaultLocations(reader, Search, Registry);
            problems.AddRange(Unreported(found.UnreadableFolders));
            foreach (var file in found.Files) Add(new TraceRequest(TraceSource.FromFile(file.Path), reader));
        }
        return problems;
    }

    /// <summary>Queues text handed over in memory (piped JSONL lines); with one format named it is read as that format.</summary>
    public void AddText(string displayPath, byte[] content, RolloutFormat? format = null) =>
        Add(new TraceRequest(TraceSource.FromBytes(displayPath, content), format is { } f ? Registry.Get(f) : null));

    /// <summary>
    /// Reads what is queued, in parallel, handing results back in order as they are ready, and empties the
    /// queue (a later call reads only what was added since).
    /// </summary>
    public IEnumerable<ReadResult> Read(ReadOptions options, CancellationToken cancellation)
    {
        var requests = _requests.ToArray();
        _requests.Clear();
        return requests.Length == 0 ? Array.Empty<ReadResult>() : RolloutLoader.ReadAll(requests, options, cancellation, Registry);
    }

    /// <param name="fallback">The format to read the file as when its content is recognised by none; only when formats are named.</param>
    private TraceRequest Request(TraceSource source, IReadOnlyList<IRolloutReader>? named, IRolloutReader? fallback) => named switch
    {
        null => new TraceRequest(source),
        { Count: 1 } when Force => new TraceRequest(source, named[0]),
        _ => new TraceRequest(source) { Allowed = named, Fallback = fallback },
    };

    /// <summary>The readers of the formats a person named, or null when they named none.</summary>
    private IReadOnlyList<IRolloutReader>? Named(IEnumerable<RolloutFormat>? formats) =>
        formats?.Distinct().Select(Registry.Get).ToArray() is { Length: > 0 } readers ? readers : null;

    /// <summary>A file named twice (two paths, a folder and a file in it) is read once.</summary>
    private void Add(TraceRequest request)
    {
        if (!request.Source.IsFile || _seen.Add(request.Source.Path)) _requests.Add(request);
    }

    private IEnumerable<RolloutDiagnostic> Unreported(IEnumerable<UnreadableFolder> folders) =>
        folders.Where(f => _reportedFolders.Add(f.Path)).Select(f => f.Diagnostic).ToArray();
}
