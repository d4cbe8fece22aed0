using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;

namespace RolloutTools.Core.Reading;

/// <summary>
/// A session to read, found without reading it: a trace file, one session of a file that holds many (a row
/// of an agent's database: <see cref="TraceSource.Key"/>), or text handed over in memory. A format's
/// <see cref="IRolloutReader.Locate"/> and <see cref="IRolloutReader.SessionsIn"/> make them, with what the
/// store says of the session (its ids, when it last changed, the files it depends on), so that -Id and -Since
/// pass over sessions, not files, before anything is read.
/// </summary>
/// <param name="Reader">
/// The format to read it as. Without one, its content decides among every format of the run's registry (the
/// first few kilobytes, read in parallel with the rest of the run): a format outside <see cref="Allowed"/> is
/// skipped, and content no format recognises is read as <see cref="Fallback"/>, or skipped when there is none.
/// </param>
public sealed record SessionReference(TraceSource Source, IRolloutReader? Reader = null)
{
    /// <summary>The formats the person asked for; null for any.</summary>
    public IReadOnlyList<IRolloutReader>? Allowed { get; init; }

    public IRolloutReader? Fallback { get; init; }

    /// <summary>The ids the session's records will have, as its store shows them; null when only reading tells.</summary>
    public NamedIds? Ids { get; init; }

    /// <summary>
    /// When the session last changed, where the store keeps that apart from the session (a database row's
    /// times); null to go by when its file and <see cref="DependsOn"/> were last written.
    /// </summary>
    public DateTimeOffset? LastActivity { get; init; }

    /// <summary>Files besides its own that hold part of the session (a database's write-ahead log), so that their writes count as its activity.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = Array.Empty<string>();

    /// <summary>The session's one file read whole, as the format that keeps it; what the file's name shows of its ids is left to the caller.</summary>
    public static SessionReference OfFile(string path, IRolloutReader reader, NamedIds? ids = null) =>
        new(TraceSource.FromFile(path), reader) { Ids = ids };
}

/// <summary>The sessions found in one of a format's stores, in a stable order, and the folders that could not be listed.</summary>
public sealed record LocatedSessions(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<UnreadableFolder> UnreadableFolders);
