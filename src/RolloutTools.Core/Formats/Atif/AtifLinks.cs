using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.Atif;

/// <summary>
/// How the trajectory files of one folder refer to each other. A continuation file and a subagent file do
/// not name the file that points to them (ATIF links one way only: continued_trajectory_ref and
/// subagent_trajectory_ref[].trajectory_path), so the folder's other trajectory files are scanned for those
/// two values, without building their documents. A file that cannot be scanned links nothing; reading it
/// reports its damage.
/// </summary>
public sealed class AtifLinks
{
    private readonly Dictionary<string, string> _continues = new(PathComparer);
    private readonly Dictionary<string, AtifParent> _subagentOf = new(PathComparer);

    private static StringComparer PathComparer => OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    public static AtifLinks Empty { get; } = new();

    /// <summary>The file this one continues (whose continued_trajectory_ref names it), if any.</summary>
    public string? Continues(string path) => _continues.TryGetValue(Path.GetFullPath(path), out var parent) ? parent : null;

    /// <summary>The trajectory that delegated to this file, if one in the folder references it.</summary>
    public AtifParent? SubagentOf(string path) => _subagentOf.TryGetValue(Path.GetFullPath(path), out var parent) ? parent : null;

    /// <summary>
    /// The first file of the chain this one belongs to (itself when it continues nothing). In a loop of files
    /// continuing each other, every member names the same one (the first by name), so the loop is read once.
    /// </summary>
    public string ChainHead(string path)
    {
        var head = Path.GetFullPath(path);
        var seen = new List<string> { head };
        while (Continues(head) is { } earlier)
        {
            if (seen.Contains(earlier, PathComparer)) return seen.Order(StringComparer.Ordinal).First();
            seen.Add(earlier);
            head = earlier;
        }
        return head;
    }

    /// <summary>Scans the trajectory files of a folder (regular files named like trajectories).</summary>
    public static AtifLinks Of(string folder, Func<string, bool> isTrajectoryFile)
    {
        var links = new AtifLinks();
        string[] files;
        try
        {
            files = Directory.GetFiles(folder).Where(isTrajectoryFile).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return links;
        }
        if (files.Length < 2) return links;
        foreach (var file in files)
        {
            try
            {
                if (FileKinds.Of(file) != FileKind.Regular || new FileInfo(file).Length > JsonLineReader.MaxLineBytes) continue;
                byte[] bytes;
                using (var stream = FileKinds.OpenRead(file))
                using (var copy = new MemoryStream())
                {
                    stream.CopyTo(copy);
                    bytes = copy.ToArray();
                }
                links.Add(Path.GetFullPath(file), bytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or NotRegularFileException)
            {
                // Not scanned: it links nothing.
            }
        }
        return links;
    }

    private void Add(string path, ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(System.Text.Encoding.UTF8.Preamble)) bytes = bytes[3..];
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, MaxDepth = 256 });
        string? sessionId = null, trajectoryId = null, continued = null;
        var subagents = new List<string>();
        string? property = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = reader.GetString();
                    break;
                case JsonTokenType.String when reader.CurrentDepth == 1:
                    if (property == "session_id") sessionId = reader.GetString();
                    else if (property == "trajectory_id") trajectoryId = reader.GetString();
                    else if (property == "continued_trajectory_ref") continued = reader.GetString();
                    break;
                case JsonTokenType.String when property == "trajectory_path":
                    // Only subagent refs carry trajectory_path.
                    subagents.Add(reader.GetString()!);
                    break;
                case JsonTokenType.StartObject when property == "subagent_trajectories" || (reader.CurrentDepth == 1 && property == "agent"):
                    // Embedded subagents are read with their parent; the agent block holds nothing linked.
                    reader.Skip();
                    break;
            }
        }
        var folder = Path.GetDirectoryName(path)!;
        if (Resolve(folder, continued) is { } next && !PathComparer.Equals(next, path)) _continues.TryAdd(next, path);
        foreach (var child in subagents)
        {
            if (Resolve(folder, child) is { } file && !PathComparer.Equals(file, path)) _subagentOf.TryAdd(file, new AtifParent(path, sessionId, trajectoryId));
        }
    }

    /// <summary>A reference as a file beside the trajectory: relative to its folder; URLs and other schemes are not files.</summary>
    public static string? Resolve(string folder, string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference) || reference.Contains("://", StringComparison.Ordinal)) return null;
        try
        {
            return Path.GetFullPath(Path.Combine(folder, reference));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }
}

/// <summary>The trajectory that references a subagent file: its path and ids.</summary>
public sealed record AtifParent(string Path, string? SessionId, string? TrajectoryId)
{
    public string RunId => SessionId ?? TrajectoryId ?? System.IO.Path.GetFileNameWithoutExtension(Path);
}
