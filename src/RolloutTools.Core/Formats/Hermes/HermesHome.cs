using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.Hermes;

/// <summary>What a Hermes file is, by its name.</summary>
internal enum HermesStore
{
    /// <summary>state.db: every session of one home, in SQLite (Hermes' canonical store since JSON snapshots became opt-in).</summary>
    StateDb,

    /// <summary>sessions/session_&lt;id&gt;.json: the CLI's snapshot of one whole conversation (sessions.write_json_snapshots).</summary>
    Snapshot,

    /// <summary>sessions/&lt;id&gt;.jsonl: the messaging gateway's append-only transcript of one session.</summary>
    Transcript,
}

/// <summary>
/// Where Hermes Agent lives: $HERMES_HOME, else ~/.hermes; named profiles keep a home of their own under
/// &lt;home&gt;/profiles/&lt;name&gt;/ with the same layout. Inside a home only state.db and sessions/ hold
/// sessions: the home also holds Hermes' own checkout (hermes-agent/), skills, logs and caches, whose JSON
/// files are not sessions even when their names look like it.
/// </summary>
internal static class HermesHome
{
    public const string DatabaseName = "state.db";
    public const string SessionsFolder = "sessions";
    public const string IndexName = "sessions.json";

    public static string Default() => AgentHome.Resolve("HERMES_HOME", ".hermes");

    /// <summary>state.db, session_*.json (not sessions.json, not request_dump_*.json) or *.jsonl; null for anything else.</summary>
    public static HermesStore? StoreOf(string path)
    {
        var name = Path.GetFileName(path);
        if (name.Equals(DatabaseName, StringComparison.OrdinalIgnoreCase)) return HermesStore.StateDb;
        if (name.StartsWith("session_", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return HermesStore.Snapshot;
        if (name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)) return HermesStore.Transcript;
        return null;
    }

    /// <summary>
    /// Below the default home, only the places Hermes writes sessions to: &lt;home&gt;/state.db,
    /// &lt;home&gt;/sessions/*, and the same inside profiles/&lt;name&gt;/. Anywhere else every name that
    /// <see cref="StoreOf"/> takes is taken: a person may keep copies in any folder.
    /// </summary>
    public static bool IsSessionPlace(string path)
    {
        var home = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Default()));
        var full = Path.GetFullPath(path);
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (!full.StartsWith(home + Path.DirectorySeparatorChar, comparison)) return true;
        var parts = full[(home.Length + 1)..].Split(Path.DirectorySeparatorChar);
        if (parts.Length >= 2 && parts[0].Equals("profiles", comparison)) parts = parts[2..];
        return parts.Length switch
        {
            1 => parts[0].Equals(DatabaseName, comparison),
            2 => parts[0].Equals(SessionsFolder, comparison),
            _ => false,
        };
    }

    /// <summary>The home a store belongs to: the folder of state.db, the parent of sessions/, else the file's own folder.</summary>
    public static string HomeOf(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? string.Empty;
        if (StoreOf(path) == HermesStore.StateDb) return folder;
        return Path.GetFileName(folder).Equals(SessionsFolder, StringComparison.OrdinalIgnoreCase) && Path.GetDirectoryName(folder) is { } home ? home : folder;
    }

    /// <summary>The profile a home is, when it is &lt;root&gt;/profiles/&lt;name&gt;.</summary>
    public static string? ProfileOf(string home)
    {
        var parent = Path.GetDirectoryName(home);
        return parent is not null && Path.GetFileName(parent).Equals("profiles", StringComparison.OrdinalIgnoreCase) ? Path.GetFileName(home) : null;
    }

    /// <summary>session_&lt;id&gt;.json → id; &lt;id&gt;.jsonl → id.</summary>
    public static string SessionIdOf(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        return StoreOf(path) == HermesStore.Snapshot ? stem["session_".Length..] : stem;
    }
}
