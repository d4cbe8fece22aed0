using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Reading;

/// <summary>
/// What one run reads: the paths a person gave (files and folders, already resolved to file system paths),
/// text handed over in memory, or the agents' default locations, turned into trace requests, with every
/// problem and note met on the way. The reading cmdlets bind their parameters to a <see cref="ReadRequest"/>, which
/// runs a plan, and write what it gives, so a C# caller gets exactly what they get.
/// </summary>
public sealed class ReadPlan
{
    private readonly List<SessionReference> _requests = new();

    /// <summary>What is queued of each file: the whole file (a null key), or sessions of it by key.</summary>
    private readonly Dictionary<string, HashSet<string?>> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reportedFolders = new(StringComparer.Ordinal);
    private readonly List<LookedIn> _defaultLocations = new();
    private readonly SessionIdFilter? _ids;
    private bool _searchedDefaults;

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

    /// <summary>Only this share of the sessions found (see <see cref="SessionPartition"/>); null for all of them.</summary>
    public SessionPartition? Partition { get; init; }

    /// <summary>Read every file as the one format named, whatever its content says (a person piping files to convert them).</summary>
    public bool Force { get; init; }

    /// <summary>
    /// Only the sessions with these ids: prefixes of a record's TraceId or AgentId, or patterns with * and ?
    /// (see <see cref="SessionIdFilter"/>). A file whose name shows other ids is never opened. Null or empty: every session.
    /// </summary>
    public IReadOnlyList<string>? Ids
    {
        get => _ids?.Ids;
        init => _ids = value is { Count: > 0 } ? new SessionIdFilter(value) : null;
    }

    /// <summary>The sessions queued so far, in the order they will be read.</summary>
    public IReadOnlyList<SessionReference> Requests => _requests;

    /// <summary>
    /// Queues a file, or a folder's trace files. With formats named, only those are read, and a file no format
    /// recognises is read as the named one; without, each file's content decides its format. A folder laid out
    /// as an agent's own store (its home, or one of its trace folders: see <see cref="IRolloutReader.StoresIn"/>)
    /// is read whole, as that agent's default location is. Returns what the person should hear of: folders that
    /// could not be listed (errors, each once per plan), traces only in subfolders without recursion (a
    /// warning), a store read whole and a file the filter leaves out (notes).
    /// </summary>
    /// <param name="formats">The formats a person named: only those are read. None (null or empty): any format.</param>
    public IReadOnlyList<RolloutDiagnostic> AddPath(string path, IEnumerable<RolloutFormat>? formats = null)
    {
        var named = Named(formats);
        var readers = named ?? Registry.All;
        var problems = new List<RolloutDiagnostic>();
        if (Directory.Exists(path))
        {
            var stores = readers.SelectMany(r => r.StoresIn(path).Select(store => (Reader: r, Folder: store))).ToArray();
            foreach (var (reader, folder) in stores)
            {
                problems.Add(new RolloutDiagnostic(DiagnosticSeverity.Note, RolloutDiagnostic.StoreReadWhole, folder, null,
                    $"Reading '{folder}' all the way down as {reader.Format}'s own store, as its default location is read."));
                AddStore(reader, folder, path, problems);
            }
            if (stores.Length > 0) return problems;

            var found = TraceFileFinder.Find(path, readers, Search, Registry);
            problems.AddRange(Unreported(found.UnreadableFolders));
            foreach (var file in found.Files) AddFile(file.Path, path, file.Readers, named);
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
        AddFile(path, Path.GetDirectoryName(path) ?? path, readers.Where(r => r.IsTraceFile(path)).ToArray(), named, named is { Count: 1 } ? named[0] : null);
        return problems;
    }

    /// <summary>
    /// Queues every trace in the default locations of the formats named (of all, when none), searched all the
    /// way down; a location that does not exist is a note. When none of them holds a trace, <see cref="NotFound"/>
    /// says where the plan looked.
    /// </summary>
    public IReadOnlyList<RolloutDiagnostic> AddDefaultLocations(IEnumerable<RolloutFormat>? formats = null)
    {
        _searchedDefaults = true;
        var problems = new List<RolloutDiagnostic>();
        foreach (var reader in Named(formats) ?? Registry.All)
        {
            foreach (var location in reader.DefaultLocations())
            {
                if (!Directory.Exists(location))
                {
                    _defaultLocations.Add(new LookedIn(reader.Format, location, Exists: false, Sessions: 0));
                    problems.Add(new RolloutDiagnostic(DiagnosticSeverity.Note, RolloutDiagnostic.LocationMissing, location, null,
                        $"No {reader.Format} traces here: '{location}' does not exist."));
                    continue;
                }
                _defaultLocations.Add(new LookedIn(reader.Format, location, Exists: true, Sessions: AddStore(reader, location, location, problems)));
            }
        }
        return problems;
    }

    /// <summary>
    /// What the person asked for and did not get, once everything queued has been read: a warning naming the
    /// default locations searched when none held a trace (or saying the formats named keep none), and an
    /// error (RolloutSessionNotFound, its Path the id) for each id without wildcards that no record matched.
    /// </summary>
    public IReadOnlyList<RolloutDiagnostic> NotFound()
    {
        var problems = new List<RolloutDiagnostic>();
        if (_searchedDefaults && _defaultLocations.Sum(l => l.Sessions) == 0) problems.Add(NoSessions());
        foreach (var id in _ids?.Unmatched ?? Array.Empty<string>())
        {
            problems.Add(new RolloutDiagnostic(DiagnosticSeverity.Error, RolloutDiagnostic.SessionNotFound, id, null,
                $"Cannot find a session whose id is or begins with '{id}'."));
        }
        return problems;
    }

    /// <summary>Queues text handed over in memory (piped JSONL lines); with one format named it is read as that format.</summary>
    public void AddText(string displayPath, byte[] content, RolloutFormat? format = null) =>
        Add(new SessionReference(TraceSource.FromBytes(displayPath, content), format is { } f ? Registry.Get(f) : null), string.Empty);

    /// <summary>
    /// Reads what is queued, in parallel, handing results back in order as they are ready, and empties the
    /// queue (a later call reads only what was added since).
    /// </summary>
    public IEnumerable<ReadResult> Read(ReadOptions options, CancellationToken cancellation)
    {
        var requests = _requests.ToArray();
        _requests.Clear();
        if (requests.Length == 0) return Array.Empty<ReadResult>();
        var results = RolloutLoader.ReadAll(requests, options, cancellation, Registry);
        return _ids is { } ids
            ? results.Select(r => r.Record is { } record && !ids.Matches(record) ? r with { Record = null, SkipReason = "its id does not match -Id" } : r)
            : results;
    }

    /// <summary>
    /// <see cref="Read"/>, with how far the run has come at each result: the sessions done of those queued (a
    /// dataset gives many results for one session queued).
    /// </summary>
    public IEnumerable<ReadProgress> ReadCounted(ReadOptions options, CancellationToken cancellation)
    {
        var total = _requests.Count;
        var done = 0;
        TraceSource? previous = null;
        foreach (var result in Read(options, cancellation))
        {
            if (!ReferenceEquals(result.Source, previous)) done++;
            previous = result.Source;
            yield return new ReadProgress(result, done, total);
        }
    }

    /// <summary>Queues every session the format locates in one of its own stores, read as that format; returns how many there are.</summary>
    /// <param name="root">The folder the store was found under: the path named, or the default location.</param>
    private int AddStore(IRolloutReader reader, string store, string root, List<RolloutDiagnostic> problems)
    {
        var located = reader.Locate(store, Search, Registry);
        problems.AddRange(Unreported(located.UnreadableFolders));
        foreach (var session in located.Sessions) Add(session, root);
        return located.Sessions.Count;
    }

    private RolloutDiagnostic NoSessions()
    {
        if (_defaultLocations.Count == 0)
        {
            return new RolloutDiagnostic(DiagnosticSeverity.Warning, RolloutDiagnostic.NoSessions, string.Empty, null,
                "No agent sessions read: the formats asked for keep no default location. Name the files or folders to read (Get-AgentRollout ./traces -Recurse).");
        }
        const string advice = "Name a folder or file to read, or point the agent's environment variable at its folder (Get-RolloutFormat shows where each format looks).";
        string Places(IEnumerable<LookedIn> places) =>
            string.Join(", ", places.Select(l => $"'{l.Location}' ({l.Format}: {(l.Exists ? "no sessions" : "does not exist")})"));
        var where = _defaultLocations[0].Location;
        if (_defaultLocations.Count <= ListedLocations)
        {
            return new RolloutDiagnostic(DiagnosticSeverity.Warning, RolloutDiagnostic.NoSessions, where, null,
                $"No agent sessions found. Looked in {Places(_defaultLocations)}. {advice}");
        }
        // Every format asked for looks in a folder or more: naming them all would bury the few that exist.
        var existing = _defaultLocations.Where(l => l.Exists).ToArray();
        var missing = _defaultLocations.Count - existing.Length;
        var formats = _defaultLocations.Select(l => l.Format).Distinct().Count();
        var found = (existing.Length, missing) switch
        {
            (0, _) => $"none of their {missing} folders exists",
            (_, 0) => Places(existing),
            _ => $"{Places(existing)}; the other {missing} folders do not exist",
        };
        return new RolloutDiagnostic(DiagnosticSeverity.Warning, RolloutDiagnostic.NoSessions, where, null,
            $"No agent sessions found in the default locations of {formats} formats: {found} (-Verbose names each). {advice}");
    }

    /// <summary>The most default locations the no-sessions warning names one by one.</summary>
    private const int ListedLocations = 3;

    /// <summary>Every default location the plan looked in, with the format it was looked in for, whether it exists and how many sessions it held.</summary>
    internal IReadOnlyList<LookedIn> LookedIn => _defaultLocations;

    /// <summary>
    /// Queues a file found in an ordinary folder or named by the person; its content decides its format. The
    /// format its name belongs to (the only one whose patterns take it, or the one a name of its own points to,
    /// such as Codex's rollout-*.jsonl) describes it: a file it describes as more than one plain file (the
    /// sessions of a database, a write-ahead log beside it) is queued as it describes it, so -Id and -Since pass
    /// over its sessions as in the agent's own store; otherwise the file keeps the ids its name shows.
    /// </summary>
    /// <param name="owners">The formats whose file patterns take its name.</param>
    /// <param name="fallback">The format to read it as when its content is recognised by none (by default, the one format its name fits).</param>
    private void AddFile(string path, string root, IReadOnlyList<IRolloutReader> owners, IReadOnlyList<IRolloutReader>? named, IRolloutReader? fallback = null)
    {
        var owner = owners.Count == 1 ? owners[0] : TraceFileFinder.Claim(path, owners, strict: true);
        var sessions = owner?.SessionsIn(path) ?? Array.Empty<SessionReference>();
        if (sessions.Any(s => s.Source.Key is not null || s.DependsOn.Count > 0 || s.LastActivity is not null))
        {
            foreach (var session in sessions) Add(session, root);
            return;
        }
        var request = Request(TraceSource.FromFile(path), named, fallback ?? (owners.Count == 1 ? owners[0] : null));
        Add(sessions is [var only] ? request with { Ids = only.Ids } : request, root);
    }

    /// <param name="fallback">The format to read the file as when its content is recognised by none; only when formats are named.</param>
    private SessionReference Request(TraceSource source, IReadOnlyList<IRolloutReader>? named, IRolloutReader? fallback) => named switch
    {
        null => new SessionReference(source),
        { Count: 1 } when Force => new SessionReference(source, named[0]),
        _ => new SessionReference(source) { Allowed = named, Fallback = fallback },
    };

    /// <summary>The readers of the formats a person named, or null when they named none.</summary>
    private IReadOnlyList<IRolloutReader>? Named(IEnumerable<RolloutFormat>? formats) =>
        formats?.Distinct().Select(Registry.Get).ToArray() is { Length: > 0 } readers ? readers : null;

    /// <summary>
    /// A file named twice (two paths, a folder and a file in it) is read once, whole or session by session as
    /// it was first queued; a session whose store shows other ids than those asked for, or that is in another
    /// worker's partition, is never read.
    /// </summary>
    /// <param name="root">The folder it was found under (see <see cref="SessionPartition"/>).</param>
    private void Add(SessionReference request, string root)
    {
        if (Partition is { } partition && !partition.Takes(request, root)) return;
        if (!request.Source.IsFile)
        {
            _requests.Add(request);
            return;
        }
        if (_ids is { } ids && request.Ids is { } named && !ids.MayMatch(named)) return;
        var key = request.Source.Key;
        if (!_seen.TryGetValue(request.Source.Path, out var keys)) _seen[request.Source.Path] = keys = new HashSet<string?>(StringComparer.Ordinal);
        else if (keys.Contains(null) || key is null) return;
        if (keys.Add(key)) _requests.Add(request);
    }

    private IEnumerable<RolloutDiagnostic> Unreported(IEnumerable<UnreadableFolder> folders) =>
        folders.Where(f => _reportedFolders.Add(f.Path)).Select(f => f.Diagnostic).ToArray();
}

/// <summary>One result of a run, and the sessions done of those queued when it came.</summary>
public sealed record ReadProgress(ReadResult Result, int Done, int Total);

/// <summary>A default location searched, and how many sessions it held.</summary>
internal sealed record LookedIn(RolloutFormat Format, string Location, bool Exists, int Sessions);
