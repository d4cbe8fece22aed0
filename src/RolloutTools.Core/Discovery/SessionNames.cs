using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Discovery;

/// <summary>A session its store shows the ids of, known without reading it.</summary>
public sealed record NamedSession(RolloutFormat Format, string Path, NamedIds Ids);

/// <summary>The sessions the agents' default locations hold, as their stores show them: cheap enough to complete ids at a keystroke.</summary>
public static class SessionNames
{
    /// <summary>Every session in the formats' default locations whose store shows its ids, the most recently active first.</summary>
    public static IReadOnlyList<NamedSession> InDefaultLocations(IEnumerable<IRolloutReader> readers) => readers
        .SelectMany(reader => SessionLocator.InDefaultLocations(reader, new TraceSearch()).Sessions
            .Where(session => session.Ids is not null)
            .Select(session => (Named: new NamedSession(reader.Format, session.Source.Path, session.Ids!), Active: session.LastActivity?.UtcDateTime ?? File.GetLastWriteTimeUtc(session.Source.Path))))
        .OrderByDescending(session => session.Active)
        .Select(session => session.Named)
        .ToArray();
}
