using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.OpenCode;

/// <summary>What an OpenCode file is, by its name and place.</summary>
internal enum OpenCodeStore
{
    /// <summary>opencode.db (kilo.db for Kilo CLI), or a preview channel's opencode-&lt;channel&gt;.db: every session since 1.2.</summary>
    Database,

    /// <summary>storage/session/&lt;project&gt;/&lt;session&gt;.json, with its messages and parts in files of their own: before 1.2.</summary>
    JsonStorage,
}

/// <summary>
/// Where OpenCode and its fork Kilo CLI keep their sessions: the "opencode" (or "kilo") folder of the XDG data
/// directory. Both take it from the xdg-basedir package, which applies the XDG rule on every OS: $XDG_DATA_HOME,
/// else ~/.local/share, on Windows and macOS too (anomalyco/opencode packages/opencode/src/global/index.ts;
/// Kilo-Org/kilocode the same file with app = "kilo"). Inside it, the SQLite database sits at the top
/// (storage/db.ts: opencode.db for the latest and beta channels, opencode-&lt;channel&gt;.db for the others; Kilo
/// CLI kilo.db and kilo-&lt;channel&gt;.db), and storage/ holds the per-file JSON tree of earlier versions, which
/// the database copied on its first start (storage/json-migration.ts) and which stays on disk.
/// </summary>
internal static class OpenCodeHome
{
    public const string StorageFolder = "storage";

    /// <summary>The data folder of each app: OpenCode's, then Kilo CLI's.</summary>
    public static IReadOnlyList<string> Defaults()
    {
        var data = AgentHome.Resolve("XDG_DATA_HOME", Path.Combine(".local", "share"));
        return new[] { Path.Combine(data, "opencode"), Path.Combine(data, "kilo") };
    }

    /// <summary>The database's name: opencode.db, opencode-&lt;channel&gt;.db, kilo.db or kilo-&lt;channel&gt;.db.</summary>
    public static bool IsDatabaseName(string name)
    {
        if (!name.EndsWith(".db", StringComparison.OrdinalIgnoreCase)) return false;
        var stem = name[..^3];
        return stem.Equals("opencode", StringComparison.OrdinalIgnoreCase) || stem.Equals("kilo", StringComparison.OrdinalIgnoreCase)
            || (stem.StartsWith("opencode-", StringComparison.OrdinalIgnoreCase) && stem.Length > 9)
            || (stem.StartsWith("kilo-", StringComparison.OrdinalIgnoreCase) && stem.Length > 5);
    }

    /// <summary>Which store a file is, or null: a database by its name, a session file by its place in storage/session/.</summary>
    public static OpenCodeStore? StoreOf(string path)
    {
        var name = Path.GetFileName(path);
        if (IsDatabaseName(name)) return OpenCodeStore.Database;
        return IsInTree(path, "session", "ses_") ? OpenCodeStore.JsonStorage : null;
    }

    /// <summary>A message or part file of the JSON tree: storage/message/&lt;session&gt;/msg_*.json, storage/part/&lt;message&gt;/prt_*.json.</summary>
    public static bool IsMessageOrPartFile(string path) => IsInTree(path, "message", "msg_") || IsInTree(path, "part", "prt_");

    /// <summary>&lt;folder&gt;/&lt;owner&gt;/&lt;prefix&gt;….json, where folder sits in storage/.</summary>
    private static bool IsInTree(string path, string folder, string prefix)
    {
        var name = Path.GetFileName(path);
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return false;
        var owner = Path.GetDirectoryName(path);
        var kind = owner is null ? null : Path.GetDirectoryName(owner);
        return kind is not null && Path.GetFileName(kind).Equals(folder, StringComparison.Ordinal);
    }

    /// <summary>The storage/ folder a session file of the JSON tree lies in.</summary>
    public static string StorageOf(string sessionFile) =>
        Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(sessionFile))!)!)!;

    /// <summary>The app's data folder a store belongs to: the database's folder, or the parent of storage/.</summary>
    public static string DataFolderOf(string path) => StoreOf(path) == OpenCodeStore.JsonStorage
        ? Path.GetDirectoryName(StorageOf(path)) ?? string.Empty
        : Path.GetDirectoryName(Path.GetFullPath(path)) ?? string.Empty;

    /// <summary>"kilo_cli" for Kilo CLI's data folder or database, else "opencode".</summary>
    public static string AppOf(string path)
    {
        var folder = Path.GetFileName(DataFolderOf(path));
        if (folder.Equals("kilo", StringComparison.OrdinalIgnoreCase)) return "kilo_cli";
        if (folder.Equals("opencode", StringComparison.OrdinalIgnoreCase)) return "opencode";
        return Path.GetFileName(path).StartsWith("kilo", StringComparison.OrdinalIgnoreCase) ? "kilo_cli" : "opencode";
    }

    /// <summary>Whether a folder holds what the app puts in its data folder: a database, or the JSON tree's sessions.</summary>
    public static bool IsLaidOut(string folder) =>
        AgentStore.HasFile(folder, "opencode*.db") || AgentStore.HasFile(folder, "kilo*.db")
        || Directory.Exists(Path.Combine(folder, StorageFolder, "session"));

    /// <summary>A session's message files and each message's part files, as the JSON tree lays them out.</summary>
    public static IReadOnlyList<string> TreeFilesOf(string sessionFile)
    {
        var storage = StorageOf(sessionFile);
        var session = Path.GetFileNameWithoutExtension(sessionFile);
        var files = new List<string>();
        foreach (var message in List(Path.Combine(storage, "message", session)))
        {
            files.Add(message);
            files.AddRange(List(Path.Combine(storage, "part", Path.GetFileNameWithoutExtension(message))));
        }
        return files;
    }

    /// <summary>The JSON files of a folder, by name; none when it is missing or cannot be listed.</summary>
    public static IReadOnlyList<string> List(string folder)
    {
        try
        {
            return Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToArray()
                : Array.Empty<string>();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }
}
