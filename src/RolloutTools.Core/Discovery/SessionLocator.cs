using RolloutTools.Core.Formats;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Discovery;

/// <summary>Locates the sessions of stores kept as trace files, the shape most agents use.</summary>
public static class SessionLocator
{
    /// <summary>
    /// Every one of the format's trace files below the store, each described by the format's
    /// <see cref="IRolloutReader.SessionsIn"/>: all the way down, or no deeper than <paramref name="maxDepth"/>
    /// folder levels when the format keeps its sessions at a known depth.
    /// </summary>
    public static LocatedSessions InStore(IRolloutReader reader, string store, TraceSearch search, FormatRegistry registry, int? maxDepth = null)
    {
        var found = TraceFileFinder.Find(store, new[] { reader }, search with { Recurse = true, MaxDepth = maxDepth }, registry);
        return new LocatedSessions(found.Files.SelectMany(file => reader.SessionsIn(file.Path)).ToArray(), found.UnreadableFolders);
    }

    /// <summary>Every session in the format's default locations that exist.</summary>
    /// <param name="registry">Whose sidecar files no search returns; the module's formats when null.</param>
    public static LocatedSessions InDefaultLocations(IRolloutReader reader, TraceSearch search, FormatRegistry? registry = null)
    {
        var located = reader.DefaultLocations().Where(Directory.Exists).Select(location => reader.Locate(location, search, registry ?? FormatRegistry.Default)).ToArray();
        return new LocatedSessions(located.SelectMany(l => l.Sessions).ToArray(), located.SelectMany(l => l.UnreadableFolders).ToArray());
    }
}
