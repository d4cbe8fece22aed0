namespace RolloutTools.Core.Formats.Goose;

/// <summary>What a Goose file is, by its name and place.</summary>
internal enum GooseStore
{
    /// <summary>sessions/sessions.db: every session, in SQLite (current versions).</summary>
    Database,

    /// <summary>sessions/&lt;id&gt;.jsonl: one session of earlier versions, a metadata line then one message a line.</summary>
    Legacy,
}

/// <summary>
/// Where Goose (block/goose) keeps its sessions: the "sessions" folder of its data directory
/// (crates/goose/src/config/paths.rs, crates/goose/src/session/session_manager.rs ensure_session_dir). The data
/// directory comes from etcetera's choose_app_strategy (author "Block", app "goose"), which applies the XDG rule on
/// Linux and macOS ($XDG_DATA_HOME/goose, else ~/.local/share/goose) and the Windows rule on Windows
/// (%APPDATA%\Block\goose\data). GOOSE_PATH_ROOT, when absolute, replaces all of it with &lt;root&gt;/data.
/// The folder holds sessions.db and, from before it, one &lt;id&gt;.jsonl per session, which goose copied into the
/// database when it created it and left on disk.
/// </summary>
internal static class GooseHome
{
    public const string DatabaseName = "sessions.db";
    public const string SessionsFolder = "sessions";

    /// <summary>The sessions folder goose itself would use here.</summary>
    public static string Default()
    {
        var root = Environment.GetEnvironmentVariable(GooseReader.PathRootVariable);
        if (!string.IsNullOrEmpty(root) && Path.IsPathFullyQualified(root)) return Path.Combine(root, "data", SessionsFolder);
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "Block", "goose", "data", SessionsFolder);
        }
        // etcetera's XDG strategy ignores a relative XDG_DATA_HOME, as the specification says to.
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var data = !string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "goose", SessionsFolder);
    }

    /// <summary>
    /// sessions.db anywhere but in Devin CLI's place; a .jsonl only in a Goose sessions folder (<see cref="IsLaidOut"/>): Hermes Agent, among
    /// others, keeps .jsonl sessions in a folder named sessions too.
    /// </summary>
    public static GooseStore? StoreOf(string path)
    {
        var name = Path.GetFileName(path);
        // Devin CLI names its store sessions.db as well, and keeps it in devin/cli.
        if (name.Equals(DatabaseName, StringComparison.OrdinalIgnoreCase)) return DevinCli.DevinHome.IsDatabase(path) ? null : GooseStore.Database;
        return name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) && Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && IsLaidOut(folder)
            ? GooseStore.Legacy
            : null;
    }

    /// <summary>
    /// A sessions folder of goose's: one holding sessions.db, or named sessions inside a folder named goose (the XDG
    /// data folder), inside goose/data (Windows, GOOSE_PATH_ROOT) or inside .goose (the first versions' ~/.goose).
    /// </summary>
    public static bool IsLaidOut(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var parent = Path.GetDirectoryName(full);
        var parentName = Path.GetFileName(parent);
        var placed = Path.GetFileName(full).Equals(SessionsFolder, StringComparison.OrdinalIgnoreCase)
            && (string.Equals(parentName, "goose", StringComparison.OrdinalIgnoreCase) || string.Equals(parentName, ".goose", StringComparison.OrdinalIgnoreCase)
                || (string.Equals(parentName, "data", StringComparison.OrdinalIgnoreCase)
                    && string.Equals(Path.GetFileName(Path.GetDirectoryName(parent)), "goose", StringComparison.OrdinalIgnoreCase)));
        // File.Exists, not a listing: this runs for every .jsonl file a folder search meets.
        return placed || File.Exists(Path.Combine(full, DatabaseName));
    }

    /// <summary>The session id a legacy file is named after.</summary>
    public static string SessionIdOf(string path) => Path.GetFileNameWithoutExtension(path);
}
