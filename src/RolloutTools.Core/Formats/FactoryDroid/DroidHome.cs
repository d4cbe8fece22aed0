using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.FactoryDroid;

/// <summary>
/// Where Factory's droid CLI keeps its sessions: ~/.factory/sessions, one folder per workspace named for its path with
/// every separator made a dash (/home/dev/app is -home-dev-app), each holding &lt;session id&gt;.jsonl and the
/// &lt;session id&gt;.settings.json beside it; sessions of earlier versions lie directly in the sessions folder (peer
/// readers: jazzyalex/agent-sessions DroidSessionDiscovery.swift, franken_agent_detection connectors/factory.rs).
/// Droid is closed source. FACTORY_HOME_OVERRIDE takes the place of the home that .factory is put in (Factory's
/// desktop app and SDK set it for the droid they start, and the readers built for them honour it); DROID_SESSIONS_DIR,
/// naming the sessions folder itself, is the one the tools that read these sessions agree on (ccusage, and readers
/// built after it), so it is honoured too, and first.
/// The workspace folder's name cannot be turned back into a path (a dash in a folder's name looks like a separator),
/// so the session's own cwd is what names its workspace.
/// </summary>
internal static class DroidHome
{
    public const string SessionExtension = ".jsonl";
    public const string SettingsExtension = ".settings.json";

    public static string Default() =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(DroidReader.SessionsVariable))
        && Environment.GetEnvironmentVariable(DroidReader.HomeVariable) is { } home && !string.IsNullOrWhiteSpace(home)
            ? Path.Combine(home, ".factory", "sessions")
            : AgentHome.Resolve(DroidReader.SessionsVariable, Path.Combine(".factory", "sessions"));

    /// <summary>The settings file Droid keeps beside a session file: the same name with .settings.json for .jsonl.</summary>
    public static string SettingsOf(string sessionPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(sessionPath))!, Path.GetFileNameWithoutExtension(sessionPath) + SettingsExtension);

    /// <summary>A settings file with its session file beside it: part of that session, never a trace of its own.</summary>
    public static bool IsSettingsBesideSession(string path)
    {
        var name = Path.GetFileName(path);
        if (!name.EndsWith(SettingsExtension, StringComparison.OrdinalIgnoreCase)) return false;
        var session = name[..^SettingsExtension.Length] + SessionExtension;
        return File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, session));
    }

    /// <summary>
    /// A sessions folder of Droid's: it holds a session file with its settings beside it, directly or in a workspace
    /// folder. Names only; the settings file is what no other agent writes beside its JSONL.
    /// </summary>
    public static bool IsLaidOut(string folder) =>
        HoldsSession(folder) || AgentStore.HasFolder(folder, name => HoldsSession(Path.Combine(folder, name)));

    private static bool HoldsSession(string folder)
    {
        try
        {
            return Directory.EnumerateFiles(folder, "*" + SettingsExtension)
                .Any(settings => File.Exists(settings[..^SettingsExtension.Length] + SessionExtension));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
