using System.Text.RegularExpressions;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;
using RolloutTools.Core.Formats;

namespace RolloutTools.Core.Discovery;

/// <summary>Finds a format's trace files under a folder, in a stable order.</summary>
public static class TraceFileFinder
{
    /// <summary>
    /// Without recursion: the trace files directly in the folder and their companions (Claude Code's
    /// &lt;session&gt;/subagents/). With recursion: every trace file below it. The filter is a glob on the
    /// file name, or on the path relative to the folder when it contains a slash.
    /// </summary>
    public static IReadOnlyList<string> Find(string folder, IRolloutReader reader, bool recurse, string? filter)
    {
        var matcher = new Matcher(StringComparison.OrdinalIgnoreCase);
        foreach (var pattern in reader.FilePatterns) matcher.AddInclude(recurse ? "**/" + pattern : pattern);
        if (!recurse) matcher.AddIncludePatterns(reader.CompanionPatterns);

        var result = matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(folder)));
        return result.Files
            .Where(f => MatchesFilter(f.Path, filter))
            .Select(f => Path.GetFullPath(Path.Combine(folder, f.Path)))
            .Where(f => reader.IsTraceFile(f) && !FormatRegistry.All.Any(r => r.IsCompanionFile(f)))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// Whether a file passes the filter: a name pattern with * and ? as Get-ChildItem -Filter takes it, or,
    /// when the filter holds a slash, a glob (with **) on the path relative to the searched folder.
    /// </summary>
    public static bool MatchesFilter(string relativePath, string? filter)
    {
        if (string.IsNullOrEmpty(filter)) return true;
        if (filter.Contains('/') || filter.Contains('\\'))
        {
            var matcher = new Matcher(StringComparison.OrdinalIgnoreCase);
            matcher.AddInclude(filter.Replace('\\', '/'));
            return matcher.Match(relativePath.Replace('\\', '/')).HasMatches;
        }
        var pattern = "^" + Regex.Escape(filter).Replace("\\*", ".*").Replace("\\?", ".") + "$";
        return Regex.IsMatch(Path.GetFileName(relativePath), pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    /// <summary>
    /// Every trace file in the format's default locations, searched all the way down. A file whose name
    /// an earlier location already holds is a copy (Codex archives a rollout under the same name, with or
    /// without its date folders), and the earlier location's copy wins.
    /// </summary>
    public static IReadOnlyList<string> FindInDefaultLocations(IRolloutReader reader, string? filter)
    {
        var earlier = new HashSet<string>(StringComparer.Ordinal);
        var files = new List<string>();
        foreach (var location in reader.DefaultLocations().Where(Directory.Exists))
        {
            var found = Find(location, reader, recurse: true, filter);
            files.AddRange(found.Where(f => !earlier.Contains(Path.GetFileName(f))));
            earlier.UnionWith(found.Select(Path.GetFileName)!);
        }
        return files;
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

    /// <summary>Whether a folder holds any of the format's trace files further down, to suggest -Recurse.</summary>
    public static bool HasDeeperTraces(string folder, IRolloutReader reader) => Find(folder, reader, recurse: true, filter: null).Count > 0;
}
