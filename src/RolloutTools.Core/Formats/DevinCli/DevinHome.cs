namespace RolloutTools.Core.Formats.DevinCli;

/// <summary>
/// Where Devin CLI (Cognition's devin) keeps its sessions: one SQLite store, sessions.db, in the cli folder of its
/// data folder. Devin CLI is closed source and documents neither; this follows its public readers. On Linux and macOS
/// (not Application Support) the folder is $XDG_DATA_HOME/devin/cli, else ~/.local/share/devin/cli (jazzyalex/
/// agent-sessions, a macOS app: AgentSessions/Devin/DevinSqliteReader.swift; the fixture notes of Devin CLI 3000.x
/// under Homebrew; two Rust readers that honour XDG_DATA_HOME). On Windows one reader (vshulcz/deja-vu) names
/// %LOCALAPPDATA%\devin\cli: that is taken, unchecked, unless XDG_DATA_HOME is set. The folder also holds
/// transcripts/, summaries/, logs/ and app_state.json, none of which this reads.
/// </summary>
internal static class DevinHome
{
    public const string DatabaseName = "sessions.db";

    /// <summary>The folder sessions.db sits in, and the one above it.</summary>
    public const string CliFolder = "cli";
    public const string DataFolder = "devin";

    /// <summary>The cli folder Devin CLI itself would use here.</summary>
    public static string Default()
    {
        // The XDG rule ignores a relative XDG_DATA_HOME, as the specification says to.
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg)) return Path.Combine(xdg, DataFolder, CliFolder);
        if (OperatingSystem.IsWindows()) return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), DataFolder, CliFolder);
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", DataFolder, CliFolder);
    }

    /// <summary>A cli folder of Devin CLI's: one holding sessions.db.</summary>
    public static bool IsLaidOut(string folder) => File.Exists(Path.Combine(folder, DatabaseName));

    /// <summary>
    /// sessions.db in a folder named cli inside one named devin, as Devin CLI places it (or in Devin's default location):
    /// Goose names its store sessions.db too, and claims one anywhere else.
    /// </summary>
    public static bool IsDatabase(string path)
    {
        if (!Path.GetFileName(path).Equals(DatabaseName, StringComparison.OrdinalIgnoreCase)) return false;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null) return false;
        return Same(folder, Default())
            || (Path.GetFileName(folder).Equals(CliFolder, StringComparison.OrdinalIgnoreCase)
                && string.Equals(Path.GetFileName(Path.GetDirectoryName(folder)), DataFolder, StringComparison.OrdinalIgnoreCase));
    }

    private static bool Same(string a, string b) => string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)),
        OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
}
