using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.Amp;

/// <summary>
/// Where Amp (Sourcegraph's coding agent: the amp CLI and its editor extensions) keeps its threads: one
/// T-&lt;uuid&gt;.json per thread in the threads folder of its data folder, $XDG_DATA_HOME/amp, else ~/.local/share/amp
/// on Linux, macOS and Windows alike (the XDG rule Amp applies on every OS, as its peers read it: cass's and casr's Amp
/// connectors, tokscale, houston's notes on Amp). Before the extension moved its threads there it kept them in the
/// editor's global storage (&lt;user data dir&gt;/User/globalStorage/sourcegraph.amp/threads3); those files have the same
/// names and are read when a folder holding them is named, not by default, since the move copies them into the data
/// folder and reading both would give each thread twice.
/// </summary>
internal static class AmpHome
{
    public const string ThreadsFolder = "threads";

    /// <summary>A thread's file name: T-, its UUID, then .json.</summary>
    private const string ThreadFilePattern = "T-*.json";

    public static string Default() => Path.Combine(AgentHome.Resolve(AmpReader.DataHomeVariable, Path.Combine(".local", "share")), "amp", ThreadsFolder);

    /// <summary>A folder holding at least one thread file, by name only.</summary>
    public static bool IsLaidOut(string folder)
    {
        try
        {
            return Directory.EnumerateFiles(folder, ThreadFilePattern).Any(IsThreadFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>T-&lt;uuid&gt;.json, the name Amp gives a thread's file (its thread id).</summary>
    public static bool IsThreadFile(string path)
    {
        var name = Path.GetFileName(path);
        return name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && IsThreadId(name[..^".json".Length]);
    }

    public static bool IsThreadId(string id) => id.StartsWith("T-", StringComparison.Ordinal) && Guid.TryParseExact(id[2..], "D", out _);
}
