using System.Collections.Concurrent;
using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.GrokCli;

/// <summary>A subagent's session as its parent records it: the parent's id and the subagent's metadata there.</summary>
internal sealed record GrokSubagentLink(string ParentSessionId, Sidecar<GrokSubagentMeta> Meta);

/// <summary>
/// Which session spawned a subagent. The subagent's own session folder says only that it is one (summary.json
/// session_kind "subagent"); its parent keeps subagents/&lt;child id&gt;/meta.json in its own folder, usually in the same
/// project folder, else in another one of the sessions folder (a subagent may run in another directory). Each sessions
/// folder is listed once per run, and only when a subagent is read.
/// </summary>
internal sealed class GrokSubagents
{
    private readonly ConcurrentDictionary<string, Lazy<IReadOnlyDictionary<string, GrokSubagentLink>>> _bySessionsFolder = new(StringComparer.Ordinal);

    /// <summary>The link of the subagent whose session folder this is; null when no parent in its sessions folder names it.</summary>
    public GrokSubagentLink? Of(string sessionFolder)
    {
        var project = Path.GetDirectoryName(sessionFolder);
        var sessions = project is null ? null : Path.GetDirectoryName(project);
        if (sessions is null) return null;
        var links = _bySessionsFolder.GetOrAdd(sessions, folder => new Lazy<IReadOnlyDictionary<string, GrokSubagentLink>>(() => List(folder))).Value;
        return links.GetValueOrDefault(Path.GetFileName(sessionFolder));
    }

    /// <summary>Every subagents/&lt;child&gt;/meta.json two folders down, by the child's id (its folder's name).</summary>
    private static IReadOnlyDictionary<string, GrokSubagentLink> List(string sessionsFolder)
    {
        var links = new Dictionary<string, GrokSubagentLink>(StringComparer.Ordinal);
        try
        {
            foreach (var project in Directory.EnumerateDirectories(sessionsFolder).Order(StringComparer.Ordinal))
            {
                foreach (var parent in Directory.EnumerateDirectories(project).Where(f => GrokHome.IsSessionName(Path.GetFileName(f))).Order(StringComparer.Ordinal))
                {
                    var subagents = Path.Combine(parent, GrokHome.SubagentsFolder);
                    if (!Directory.Exists(subagents)) continue;
                    foreach (var child in Directory.EnumerateDirectories(subagents).Order(StringComparer.Ordinal))
                    {
                        var meta = Path.Combine(child, GrokHome.SubagentMetaFile);
                        if (!File.Exists(meta)) continue;
                        links.TryAdd(Path.GetFileName(child), new GrokSubagentLink(Path.GetFileName(parent), SidecarFile.LoadDocument(meta, GrokSubagentMeta.Read)));
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder that cannot be listed holds no link this can tell; the subagent is read without its parent.
        }
        return links;
    }
}
