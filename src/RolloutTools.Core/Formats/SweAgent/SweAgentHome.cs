namespace RolloutTools.Core.Formats.SweAgent;

/// <summary>
/// Where mini-swe-agent writes the trajectory of its last interactive run: last_mini_run.traj.json in its global
/// config folder (minisweagent/__init__.py global_config_dir, run/mini.py DEFAULT_OUTPUT_FILE). The folder is
/// MSWEA_GLOBAL_CONFIG_DIR, else platformdirs' user_config_dir("mini-swe-agent"): %LOCALAPPDATA%\mini-swe-agent\mini-swe-agent
/// on Windows (platformdirs repeats the app name as its author), ~/Library/Application Support/mini-swe-agent on macOS,
/// $XDG_CONFIG_HOME/mini-swe-agent or ~/.config/mini-swe-agent elsewhere. Recent platformdirs honour XDG_CONFIG_HOME on
/// macOS too, so there both folders are places to look. SWE-agent itself has no such place: its trajectories go where
/// each run's output folder is.
/// </summary>
internal static class SweAgentHome
{
    public const string LastRunFile = "last_mini_run.traj.json";
    private const string AppName = "mini-swe-agent";

    public static IReadOnlyList<string> ConfigFolders()
    {
        var configured = Environment.GetEnvironmentVariable(SweAgentReader.ConfigDirVariable);
        if (!string.IsNullOrEmpty(configured)) return new[] { configured };
        if (OperatingSystem.IsWindows())
        {
            return new[] { Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), AppName, AppName) };
        }
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME")?.Trim();
        var fromXdg = string.IsNullOrEmpty(xdg) ? null : Path.Combine(xdg, AppName);
        if (OperatingSystem.IsMacOS())
        {
            var support = Path.Combine(home, "Library", "Application Support", AppName);
            return fromXdg is null ? new[] { support } : new[] { fromXdg, support };
        }
        return new[] { fromXdg ?? Path.Combine(home, ".config", AppName) };
    }
}
