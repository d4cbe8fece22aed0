namespace RolloutTools.Core.Formats.KiroCli;

/// <summary>
/// Where Amazon Q Developer CLI and Kiro CLI keep their conversations: data.sqlite3 in the app's folder of the local
/// data folder. Amazon Q Developer CLI (aws/amazon-q-developer-cli, crates/chat-cli/src/util/paths.rs
/// database_path_static) takes dirs' data_local_dir joined with amazon-q: ~/Library/Application Support on macOS,
/// %LOCALAPPDATA% on Windows, and on Linux $XDG_DATA_HOME when that is absolute, else ~/.local/share. Kiro CLI, its
/// closed-source successor, keeps the same database under kiro-cli in the same folder (as its public readers and
/// notes name it, ~/.local/share/kiro-cli and ~/Library/Application Support/kiro-cli). No variable of either app moves it.
/// </summary>
internal static class KiroHome
{
    public const string DatabaseName = "data.sqlite3";

    /// <summary>The app folders, Kiro CLI's first: the name it goes by now.</summary>
    public static readonly string[] AppFolders = { "kiro-cli", "amazon-q" };

    /// <summary>The folders the two apps would use here.</summary>
    public static IReadOnlyList<string> Defaults() => AppFolders.Select(app => Path.Combine(DataFolder(), app)).ToArray();

    private static string DataFolder()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Application Support");
        if (OperatingSystem.IsWindows()) return Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        // dirs ignores a relative XDG_DATA_HOME, as the specification says to.
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        return !string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg) ? xdg : Path.Combine(home, ".local", "share");
    }

    /// <summary>An app folder of theirs: one holding data.sqlite3.</summary>
    public static bool IsLaidOut(string folder) => File.Exists(Path.Combine(folder, DatabaseName));

    /// <summary>
    /// data.sqlite3 in a folder named kiro-cli or amazon-q, as the apps place it: the name alone is too common to
    /// claim a file anywhere else.
    /// </summary>
    public static bool IsDatabase(string path)
    {
        if (!Path.GetFileName(path).Equals(DatabaseName, StringComparison.OrdinalIgnoreCase)) return false;
        var folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)));
        return AppFolders.Contains(folder, StringComparer.OrdinalIgnoreCase);
    }
}
