using System.Text;

namespace RolloutTools.Core.Reading;

/// <summary>
/// One of <see cref="Count"/> disjoint shares of the sessions a plan finds, so that workers over one shared folder
/// (remoting sessions, thread jobs, a cluster's array job) each read their own and together read everything. A
/// session goes to the share its stable hash picks: of its id, when its store shows one (then the copies of one
/// session in several stores, such as a Codex rollout in sessions and in archived_sessions, or a Hermes session in
/// state.db and in a snapshot, and a Claude Code session's subagents, fall in one share and are read as one run
/// reads them); else of its path relative to the folder it was found under, with '/' between folders, so workers that
/// mount the share at different places agree.
/// </summary>
/// <param name="Index">This worker's share, from 0.</param>
/// <param name="Count">How many shares there are.</param>
public sealed record SessionPartition(int Index, int Count)
{
    public int Index { get; } = Count > 0 && Index >= 0 && Index < Count ? Index
        : throw new ArgumentOutOfRangeException(nameof(Index), $"A partition index is from 0 to one less than the partition count; {Index} of {Count} is not.");

    /// <summary>Whether the session is in this share.</summary>
    /// <param name="root">The folder the session was found under (a path named, or a default location).</param>
    public bool Takes(SessionReference session, string root) => (int)(Hash(Name(session, root)) % (ulong)Count) == Index;

    /// <summary>What the hash is of: the session's id before any ":" (subagents and branches go with their session), or its path below the root.</summary>
    public static string Name(SessionReference session, string root)
    {
        if (session.Ids is { } ids) return ids.TraceId.Split(':')[0];
        var relative = Path.GetRelativePath(root, session.Source.Path).Replace('\\', '/');
        return session.Source.Key is { } key ? $"{relative}#{key}" : relative;
    }

    /// <summary>FNV-1a, 64 bits: the same on every machine and in every process, unlike string.GetHashCode.</summary>
    private static ulong Hash(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
