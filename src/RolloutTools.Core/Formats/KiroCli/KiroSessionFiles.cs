namespace RolloutTools.Core.Formats.KiroCli;

/// <summary>
/// Where Kiro CLI's second agent engine (V2, kiro-cli's default in 2.x, between --classic's database and the --v3
/// engine's workspace folders) keeps its sessions: sessions/cli in Kiro's home (~/.kiro, or KIRO_HOME when absolute),
/// a flat folder of files named by the session's id: &lt;id&gt;.jsonl (the conversation, appended one entry a line),
/// &lt;id&gt;.json (the session's state, rewritten each turn), &lt;id&gt;.history (the prompts as plain text) and
/// &lt;id&gt;.lock (while the session runs). Closed source: the layout is the one its public readers find (usage
/// collectors, session browsers and converters, and Kiro's ACP notes, which name sessions/cli as where session/load
/// finds a session).
/// </summary>
internal static class KiroSessionFiles
{
    /// <summary>Kiro's own override of its home folder, which holds sessions/cli.</summary>
    public const string HomeVariable = "KIRO_HOME";

    public const string Extension = ".jsonl";
    public const string MetadataExtension = ".json";

    private const string Folder = "cli";
    private const string Parent = "sessions";

    /// <summary>The files Kiro keeps beside a conversation: its state, its prompt history and its lock.</summary>
    private static readonly string[] SidecarExtensions = { MetadataExtension, ".history", ".lock" };

    /// <summary>The sessions folder Kiro CLI would use here.</summary>
    public static string Default()
    {
        var home = Environment.GetEnvironmentVariable(HomeVariable);
        var root = !string.IsNullOrEmpty(home) && Path.IsPathFullyQualified(home)
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kiro");
        return Path.Combine(root, Parent, Folder);
    }

    /// <summary>sessions/cli inside a folder, when it is there: a Kiro home holds it, as a copied data folder may beside the databases.</summary>
    public static IEnumerable<string> In(string folder)
    {
        var sessions = Path.Combine(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)), Parent, Folder);
        if (Directory.Exists(sessions)) yield return sessions;
    }

    /// <summary>A folder named cli inside one named sessions: the name alone (cli) is too common to claim anything.</summary>
    public static bool IsLaidOut(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return Path.GetFileName(full).Equals(Folder, StringComparison.OrdinalIgnoreCase)
            && string.Equals(Path.GetFileName(Path.GetDirectoryName(full)), Parent, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A conversation file: a .jsonl in a sessions/cli folder.</summary>
    public static bool IsSessionFile(string path) => HasExtension(path, Extension) && InFolder(path);

    /// <summary>The state, history or lock file beside a conversation.</summary>
    public static bool IsSidecar(string path) => SidecarExtensions.Any(e => HasExtension(path, e)) && InFolder(path);

    /// <summary>
    /// Whether a file of the format is the database rather than session lines: data.sqlite3, or any file not named
    /// .jsonl (-Format KiroCli on a database renamed in a backup).
    /// </summary>
    public static bool IsDatabase(string path) => KiroHome.IsDatabase(path) || !HasExtension(path, Extension);

    /// <summary>The session id a conversation file is named after.</summary>
    public static string SessionIdOf(string path) => Path.GetFileNameWithoutExtension(path);

    /// <summary>The state file beside a conversation file.</summary>
    public static string MetadataOf(string path) => Path.ChangeExtension(Path.GetFullPath(path), MetadataExtension);

    private static bool HasExtension(string path, string extension) => Path.GetExtension(path).Equals(extension, StringComparison.OrdinalIgnoreCase);

    private static bool InFolder(string path) => Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && IsLaidOut(folder);
}
