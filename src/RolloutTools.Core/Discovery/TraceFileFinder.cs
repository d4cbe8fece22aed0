using System.Collections.Concurrent;
using System.IO.Enumeration;
using Microsoft.Extensions.FileSystemGlobbing;
using RolloutTools.Core.Formats;

namespace RolloutTools.Core.Discovery;

/// <summary>How to search a folder for traces.</summary>
public sealed record TraceSearch
{
    /// <summary>Every subfolder, not only the traces directly in the folder and those attached to them.</summary>
    public bool Recurse { get; init; }

    /// <summary>A glob on the file name, or on the path relative to the folder when it holds a slash.</summary>
    public string? Filter { get; init; }

    /// <summary>Enter linked folders (symbolic links, junctions) found below the folder; each real folder is still entered once.</summary>
    public bool FollowLinks { get; init; }

    /// <summary>With recursion, how many folder levels below the folder to enter at most; null for all.</summary>
    public int? MaxDepth { get; init; }
}

/// <summary>A trace file found, and the formats whose file patterns its name matches.</summary>
public sealed record FoundTrace(string Path, IReadOnlyList<IRolloutReader> Readers);

/// <summary>What a search found, in a stable order, and the folders it could not list.</summary>
public sealed record FoundTraces(IReadOnlyList<FoundTrace> Files, IReadOnlyList<UnreadableFolder> UnreadableFolders);

/// <summary>Finds trace files under a folder, in a stable order.</summary>
public static class TraceFileFinder
{
    /// <summary>
    /// Without recursion: the trace files directly in the folder and the traces attached to them (Claude Code's
    /// &lt;session&gt;/subagents/). With recursion: every trace file below it. A file reached twice (a link to a
    /// file beside it, two links to one file) is found once, under its own name rather than a link's.
    /// </summary>
    /// <param name="registry">Whose sidecar files no search returns; the module's formats when null.</param>
    public static FoundTraces Find(string folder, IReadOnlyList<IRolloutReader> readers, TraceSearch search, FormatRegistry? registry = null) =>
        Find(folder, readers, search, FolderWalk.Disk, registry ?? FormatRegistry.Default);

    internal static FoundTraces Find(string folder, IReadOnlyList<IRolloutReader> readers, TraceSearch search, FolderWalk walk, FormatRegistry registry)
    {
        var depth = search.Recurse ? search.MaxDepth ?? int.MaxValue : readers.SelectMany(r => r.FilePatterns.Concat(r.AttachedTracePatterns)).Max(FolderDepth);
        var (walked, unreadable) = walk.Walk(folder, depth, search.FollowLinks);
        var files = walked
            .Where(f => MatchesFilter(f.RelativePath, search.Filter))
            .Select(f => (File: f, Path: Path.GetFullPath(Path.Combine(folder, f.RelativePath))))
            .Where(f => !registry.IsSidecarFile(f.Path))
            .Select(f => (f.File, f.Path, Readers: readers.Where(r => Matches(f.File.RelativePath, r, search.Recurse) && r.IsTraceFile(f.Path)).ToArray()))
            .Where(f => f.Readers.Length > 0)
            .GroupBy(f => f.File.RealPath, RealPath.Comparer)
            .Select(same => same.OrderBy(f => f.File.IsLink).ThenBy(f => f.Path, StringComparer.Ordinal).First())
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => new FoundTrace(f.Path, f.Readers))
            .ToArray();
        return new FoundTraces(files, unreadable);
    }

    /// <summary>
    /// Whether a format's patterns take a file: its file patterns match the name anywhere below with recursion,
    /// directly in the folder without; its attached-trace patterns match the relative path without recursion.
    /// </summary>
    private static bool Matches(string relativePath, IRolloutReader reader, bool recurse) =>
        reader.FilePatterns.Any(p => (recurse || !relativePath.Contains('/')) && MatchesFilter(relativePath, p))
        || (!recurse && reader.AttachedTracePatterns.Any(p => MatchesFilter(relativePath, p)));

    /// <summary>How many folder levels below the searched one a pattern can reach: "*/subagents/*.jsonl" two, "**" any.</summary>
    private static int FolderDepth(string pattern)
    {
        var segments = pattern.Split('/', '\\');
        return segments.Contains("**") ? int.MaxValue : segments.Length - 1;
    }

    /// <summary>
    /// Whether a file passes the filter: a name pattern with * and ? as Get-ChildItem -Filter takes it, or,
    /// when the filter holds a slash, a glob (with **) on the path relative to the searched folder.
    /// </summary>
    public static bool MatchesFilter(string relativePath, string? filter) =>
        string.IsNullOrEmpty(filter) || CompiledFilters.GetOrAdd(filter, Compile)(relativePath);

    /// <summary>
    /// Each filter and format pattern made into a matcher once: a search tries every file against every format's
    /// patterns, tens of thousands of times in a large tree, and building a glob each time cost more than the walk.
    /// A name pattern needs no regex: the file system's own wildcard match takes * and ? as -Filter does, for a
    /// fraction of a regex's cost, in a step that runs alone before the first file is read.
    /// </summary>
    private static readonly ConcurrentDictionary<string, Func<string, bool>> CompiledFilters = new(StringComparer.Ordinal);

    private static Func<string, bool> Compile(string filter)
    {
        if (filter.Contains('/') || filter.Contains('\\'))
        {
            var matcher = new Matcher(StringComparison.OrdinalIgnoreCase);
            matcher.AddInclude(filter.Replace('\\', '/'));
            return relativePath => matcher.Match(relativePath.Replace('\\', '/')).HasMatches;
        }
        return relativePath => FileSystemName.MatchesSimpleExpression(filter, Path.GetFileName(relativePath.AsSpan()), ignoreCase: true);
    }

    /// <summary>
    /// The format a file's name and place point to, for content that cannot tell: among the formats whose
    /// names match, first one whose default location holds the file, then the one with the most specific
    /// pattern ("rollout-*.jsonl" before "*.jsonl").
    /// </summary>
    /// <param name="strict">
    /// The content is some other program's JSON: only a place or a name that belongs to one format alone
    /// (not a bare "*.jsonl") claims it.
    /// </param>
    public static IRolloutReader? Claim(string path, IEnumerable<IRolloutReader> readers, bool strict = false) => readers
        .Where(r => r.IsTraceFile(path))
        .Select(r => (Reader: r, InPlace: r.DefaultLocations().Any(location => IsBelow(path, location)), Specificity: Specificity(path, r)))
        .Where(c => !strict || c.InPlace || c.Specificity.IsNamed)
        .OrderByDescending(c => c.InPlace)
        .ThenByDescending(c => c.Specificity.Literals)
        .Select(c => c.Reader)
        .FirstOrDefault();

    /// <summary>How much of the file's name the format's most specific matching pattern spells out, and whether it names more than an extension.</summary>
    private static (int Literals, bool IsNamed) Specificity(string path, IRolloutReader reader) => reader.FilePatterns
        .Where(p => MatchesFilter(path, p))
        .Select(p => (p.Count(c => c is not ('*' or '?')), !p.StartsWith('*')))
        .DefaultIfEmpty((0, false))
        .Max();

    private static bool IsBelow(string path, string folder)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(path).StartsWith(root, OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether a folder holds trace files of these formats further down, to suggest -Recurse.</summary>
    public static bool HasDeeperTraces(string folder, IReadOnlyList<IRolloutReader> readers, bool followLinks, FormatRegistry? registry = null) =>
        Find(folder, readers, new TraceSearch { Recurse = true, FollowLinks = followLinks }, registry).Files.Count > 0;
}
