namespace RolloutTools.Core.Formats.Zed;

/// <summary>
/// Where Zed (zed-industries/zed) keeps its Agent Panel threads: threads/threads.db in its data folder
/// (crates/agent/src/db.rs ThreadsDatabase::new: paths::data_dir().join("threads")). The data folder
/// (crates/paths/src/paths.rs) is ~/Library/Application Support/Zed on macOS, the local application data folder's Zed
/// on Windows (%LOCALAPPDATA%\Zed), and on Linux $FLATPAK_XDG_DATA_HOME/zed inside a Flatpak, else dirs'
/// data_local_dir: $XDG_DATA_HOME/zed when that is absolute, else ~/.local/share/zed. Zed's --user-data-dir moves it
/// too, but no variable says so: a folder passed with -Path covers that.
/// </summary>
internal static class ZedHome
{
    public const string DatabaseName = "threads.db";
    public const string ThreadsFolder = "threads";

    /// <summary>Set by Flatpak for the sandboxed Zed, in place of XDG_DATA_HOME.</summary>
    public const string FlatpakDataVariable = "FLATPAK_XDG_DATA_HOME";

    /// <summary>The threads folder Zed itself would use here.</summary>
    public static string Default() => Path.Combine(DataFolder(), ThreadsFolder);

    private static string DataFolder()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Application Support", "Zed");
        if (OperatingSystem.IsWindows()) return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Zed");
        // Zed takes the Flatpak variable as it is; dirs ignores a relative XDG_DATA_HOME, as the specification says to.
        var flatpak = Environment.GetEnvironmentVariable(FlatpakDataVariable);
        if (!string.IsNullOrEmpty(flatpak)) return Path.Combine(flatpak, "zed");
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var data = !string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg) ? xdg : Path.Combine(home, ".local", "share");
        return Path.Combine(data, "zed");
    }

    /// <summary>A threads folder of Zed's: one holding threads.db.</summary>
    public static bool IsLaidOut(string folder) => File.Exists(Path.Combine(folder, DatabaseName));
}
