namespace RolloutTools.Core.Formats.Continue;

/// <summary>
/// Where Continue (continuedev/continue: the VS Code and JetBrains extensions and the cn CLI) keeps its sessions:
/// &lt;global folder&gt;/sessions/&lt;session id&gt;.json, one document per session, beside sessions.json, the index the
/// history list is drawn from (core/util/paths.ts getSessionsFolderPath, getSessionFilePath, getSessionsListPath).
/// The global folder is CONTINUE_GLOBAL_DIR (a relative value resolved against the working directory), else
/// ~/.continue on every OS (Node's os.homedir()); the CLI keeps its sessions in the same folder (extensions/cli/src/session.ts).
/// </summary>
internal static class ContinueHome
{
    public const string SessionsFolder = "sessions";

    /// <summary>The index of sessions (id, title, dateCreated, workspaceDirectory, messageCount); no session itself.</summary>
    public const string IndexFile = "sessions.json";

    public static string Default()
    {
        var configured = Environment.GetEnvironmentVariable(ContinueReader.GlobalDirVariable);
        var global = string.IsNullOrEmpty(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".continue")
            : Path.GetFullPath(configured);
        return Path.Combine(global, SessionsFolder);
    }

    /// <summary>A session's file name: its id, a UUID (uuidv4() in the extension and the CLI), then .json.</summary>
    private const string SessionFilePattern = "????????-????-????-????-????????????.json";

    /// <summary>
    /// A sessions folder of Continue's: named sessions inside a folder named .continue, or holding sessions.json beside
    /// a session file. Hermes Agent also keeps a sessions.json in a folder named sessions, beside session files of its
    /// own naming, so the index alone does not do.
    /// </summary>
    public static bool IsLaidOut(string folder) => IsHome(folder) || (HasIndex(folder) && HasSessionFile(folder));

    public static bool IsIndex(string path) => Path.GetFileName(path).Equals(IndexFile, StringComparison.OrdinalIgnoreCase);

    /// <summary>A &lt;UUID&gt;.json in a Continue sessions folder. Checked by name first: this runs for every .json file a folder search meets.</summary>
    public static bool IsSessionFile(string path) =>
        IsSessionName(path) && Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && (IsHome(folder) || HasIndex(folder));

    private static bool IsSessionName(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && Guid.TryParseExact(Path.GetFileNameWithoutExtension(path), "D", out _);

    private static bool HasSessionFile(string folder)
    {
        try
        {
            return Directory.EnumerateFiles(folder, SessionFilePattern).Any(IsSessionName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>~/.continue/sessions or a copy of it: File.Exists and names only, no listing.</summary>
    private static bool IsHome(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return Path.GetFileName(full).Equals(SessionsFolder, StringComparison.OrdinalIgnoreCase)
            && string.Equals(Path.GetFileName(Path.GetDirectoryName(full)), ".continue", StringComparison.OrdinalIgnoreCase);
    }

    private static bool HasIndex(string folder) => File.Exists(Path.Combine(folder, IndexFile));

    /// <summary>The index beside a session file, or the index a folder holds.</summary>
    public static string IndexIn(string folder) => Path.Combine(folder, IndexFile);
}
