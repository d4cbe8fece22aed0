using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Discovery;

/// <summary>A folder a search could not list, and why; the traces in it are missing from the result.</summary>
public sealed record UnreadableFolder(string Path, Exception Error)
{
    /// <summary>The problem as the readers report theirs: an error naming the folder.</summary>
    public RolloutDiagnostic Diagnostic
    {
        get
        {
            var reason = Error is UnauthorizedAccessException ? "permission denied" : Error.Message.TrimEnd('.');
            return new RolloutDiagnostic(DiagnosticSeverity.Error, RolloutDiagnostic.FolderUnreadable, Path, null,
                $"{Path}: cannot read the folder ({reason}); the traces in it are skipped, the rest is read.")
            {
                IsAccessDenied = Error is UnauthorizedAccessException,
            };
        }
    }
}

/// <summary>A file met on a walk: its path relative to the walked folder (with '/'), and where it really is.</summary>
internal readonly record struct WalkedFile(string RelativePath, string RealPath, bool IsLink);

/// <summary>
/// Lists the files below a folder. A folder that cannot be listed is noted and the walk goes on; linked folders
/// (symbolic links, Windows junctions) are entered only when asked, and then each real folder only once, so a
/// link to an ancestor cannot loop. The folder walked is always entered, whatever links lead to it.
/// </summary>
internal sealed class FolderWalk
{
    public static readonly FolderWalk Disk = new(folder => folder.EnumerateFileSystemInfos());

    private readonly Func<DirectoryInfo, IEnumerable<FileSystemInfo>> _list;

    /// <param name="list">Lists one folder's entries; tests stand in a folder that refuses to be listed.</param>
    public FolderWalk(Func<DirectoryInfo, IEnumerable<FileSystemInfo>> list)
    {
        _list = list;
    }

    /// <param name="maxDepth">How many folder levels below the root to enter (0: the root's own files only).</param>
    public (IReadOnlyList<WalkedFile> Files, IReadOnlyList<UnreadableFolder> Unreadable) Walk(string root, int maxDepth, bool followLinks)
    {
        var files = new List<WalkedFile>();
        var unreadable = new List<UnreadableFolder>();
        var realRoot = RealPath.Of(root);
        var visited = new HashSet<string>(RealPath.Comparer) { realRoot };
        var pending = new Stack<Folder>();
        // Linked folders wait until every folder reachable without links is claimed, so a folder inside the tree is
        // listed under its own path rather than under a link that happens to come first.
        var links = new Queue<(Folder Link, string RealParent, string Target)>();
        pending.Push(new Folder(new DirectoryInfo(root), "", realRoot, 0));
        while (pending.Count > 0 || links.Count > 0)
        {
            if (!pending.TryPop(out var current))
            {
                var (link, parent, target) = links.Dequeue();
                if (RealPath.Resolve(parent, target) is { } real && visited.Add(real)) pending.Push(link with { Real = real });
                continue;
            }
            List<FileSystemInfo> entries;
            try
            {
                entries = _list(current.Info).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
            }
            catch (DirectoryNotFoundException)
            {
                continue; // removed since its parent was listed: nothing left to read
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                unreadable.Add(new UnreadableFolder(current.Info.FullName, e));
                continue;
            }

            var children = new List<Folder>();
            foreach (var entry in entries)
            {
                var relative = current.Relative.Length == 0 ? entry.Name : current.Relative + "/" + entry.Name;
                var here = Path.Join(current.Real, entry.Name);
                // Only a link has a target; other reparse points (OneDrive placeholders, deduplicated files) are plain.
                var target = entry.Attributes.HasFlag(FileAttributes.ReparsePoint) ? entry.LinkTarget : null;
                if (entry is not DirectoryInfo folder)
                {
                    var real = target is null ? here : RealPath.Resolve(current.Real, target) ?? here;
                    files.Add(new WalkedFile(relative, real, target is not null));
                }
                else if (current.Depth < maxDepth)
                {
                    var child = new Folder(folder, relative, here, current.Depth + 1);
                    if (target is null && visited.Add(here)) children.Add(child);
                    else if (target is not null && followLinks) links.Enqueue((child, current.Real, target));
                }
            }
            // Popped in name order, so neither the result nor which of two links to one folder is taken depends on
            // the order the file system lists entries in.
            foreach (var child in Enumerable.Reverse(children)) pending.Push(child);
        }
        return (files, unreadable);
    }

    /// <param name="Real">Where the folder really is, once it is to be listed.</param>
    private sealed record Folder(DirectoryInfo Info, string Relative, string Real, int Depth);
}

/// <summary>Where a path really is: every link along it resolved, the way the operating system resolves them.</summary>
internal static class RealPath
{
    /// <summary>Linux gives up after 40 links in one lookup (ELOOP); so do we.</summary>
    private const int MaxLinks = 40;

    public static readonly StringComparer Comparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private static readonly char[] Separators = { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar };

    public static string Of(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        return Resolve(root, full[root.Length..]) ?? full;
    }

    /// <summary>
    /// Resolves a path (a link's target) against a folder that is already real, component by component, so a
    /// ".." after a link climbs from where the link leads, not from where it sits. Null for a cycle of links.
    /// </summary>
    public static string? Resolve(string realFolder, string path)
    {
        var current = Path.IsPathRooted(path) ? Path.GetPathRoot(path)! : realFolder;
        var pending = new Stack<string>(Segments(path));
        var links = 0;
        while (pending.TryPop(out var segment))
        {
            if (segment == ".") continue;
            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, segment);
            if (LinkTarget(next) is not { } target)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks) return null;
            if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
            foreach (var part in Segments(target)) pending.Push(part);
        }
        return current;
    }

    /// <summary>The segments in reverse, so that a stack pops them in order.</summary>
    private static IEnumerable<string> Segments(string path)
    {
        var rooted = Path.GetPathRoot(path) ?? "";
        return Enumerable.Reverse(path[rooted.Length..].Split(Separators, StringSplitOptions.RemoveEmptyEntries));
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // unreadable: taken as it stands
        }
    }
}
