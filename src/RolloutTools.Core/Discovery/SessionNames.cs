using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Discovery;

/// <summary>A session a trace file's name shows, known without opening the file.</summary>
public sealed record NamedSession(RolloutFormat Format, string Path, NamedIds Ids);

/// <summary>The sessions the agents' default locations hold, by file name alone: cheap enough to complete ids at a keystroke.</summary>
public static class SessionNames
{
    /// <summary>Every session named by a trace file in the formats' default locations, the most recently written first.</summary>
    public static IReadOnlyList<NamedSession> InDefaultLocations(IEnumerable<IRolloutReader> readers) => readers
        .SelectMany(reader => TraceFileFinder.FindInDefaultLocations(reader, new TraceSearch()).Files
            .Select(file => reader.IdsInName(file.Path) is { } ids ? new NamedSession(reader.Format, file.Path, ids) : null))
        .OfType<NamedSession>()
        .OrderByDescending(session => File.GetLastWriteTimeUtc(session.Path))
        .ToArray();
}
