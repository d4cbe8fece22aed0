namespace RolloutTools.Core.Formats.Shared;

/// <summary>
/// Tells a folder an agent keeps its traces in from an ordinary one by its shape relative to the agent's
/// default locations: a folder named as one of them ("projects", "sessions") and laid out inside as the agent
/// lays it out, or a home holding such folders. A default location, or the home that holds one, counts
/// whatever it holds. Each format says what its layout looks like; this only applies the rule.
/// </summary>
internal static class AgentStore
{
    /// <param name="defaultLocations">The format's default locations; their last segments name its trace folders.</param>
    /// <param name="isLaidOut">Whether a folder holds what the agent puts in its trace folder (only names are looked at).</param>
    public static IReadOnlyList<string> In(string folder, IReadOnlyList<string> defaultLocations, Func<string, bool> isLaidOut)
    {
        var full = Normalize(folder);
        var locations = defaultLocations.Select(Normalize).ToArray();
        if (locations.Contains(full, PathComparer)) return new[] { full };
        if (locations.Any(l => PathComparer.Equals(Path.GetDirectoryName(l), full))) return locations.Where(Directory.Exists).ToArray();

        var names = locations.Select(Path.GetFileName).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (names.Contains(Path.GetFileName(full), StringComparer.OrdinalIgnoreCase)) return isLaidOut(full) ? new[] { full } : Array.Empty<string>();
        return names.Select(n => Path.Combine(full, n!)).Where(d => Directory.Exists(d) && isLaidOut(d)).ToArray();
    }

    /// <summary>Whether the folder directly holds a subfolder whose name passes; a folder that cannot be listed holds none.</summary>
    public static bool HasFolder(string folder, Func<string, bool> name) => Names(() => Directory.EnumerateDirectories(folder), name);

    /// <summary>Whether the folder directly holds a file matching the pattern (as Directory.EnumerateFiles takes it).</summary>
    public static bool HasFile(string folder, string pattern) => Names(() => Directory.EnumerateFiles(folder, pattern), _ => true);

    private static bool Names(Func<IEnumerable<string>> list, Func<string, bool> name)
    {
        try
        {
            return list().Any(path => name(Path.GetFileName(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Normalize(string folder) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));

    private static StringComparer PathComparer => OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
}
