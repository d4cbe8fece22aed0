using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.Cline;

/// <summary>The agents that keep Cline's task folders, and the extension id each has in an editor's global storage.</summary>
public enum ClineAgent
{
    Cline,
    RooCode,
    KiloCode,

    /// <summary>Zoo Code, a fork of Roo Code that keeps Roo's task folders (Piebald-AI/splitrail src/analyzers/zoo_code.rs).</summary>
    ZooCode,
}

/// <summary>
/// Where Cline and its forks keep their task folders: tasks/&lt;task id&gt;/ under the extension's folder in the
/// global storage of every VS Code-family editor (&lt;user data dir&gt;/User/globalStorage/&lt;extension id&gt;), and
/// under the Cline CLI's and JetBrains plugin's data dir (~/.cline/data). The folder a task sits in is the only
/// thing that tells which extension wrote it: the files are the same.
/// </summary>
public static class ClineStorage
{
    /// <inheritdoc cref="VsCodeUserData.AppDataVariable"/>
    public const string AppDataVariable = VsCodeUserData.AppDataVariable;

    /// <inheritdoc cref="VsCodeUserData.PortableVariable"/>
    public const string PortableVariable = VsCodeUserData.PortableVariable;

    /// <summary>The Cline CLI's data dir (apps/vscode/src/shared/storage/storage-context.ts resolveDataDirFromEnv): it wins over CLINE_DIR.</summary>
    public const string DataDirVariable = "CLINE_DATA_DIR";

    /// <summary>The Cline CLI's home; its data dir is &lt;CLINE_DIR&gt;/data.</summary>
    public const string HomeVariable = "CLINE_DIR";

    /// <summary>The Cline SDK's session data dir (sdk/packages/shared/src/storage/paths.ts resolveSessionDataDir): it wins over &lt;data dir&gt;/sessions.</summary>
    public const string SessionDataDirVariable = "CLINE_SESSION_DATA_DIR";

    /// <summary>The extension ids, as the folder names of their global storage.</summary>
    public static readonly IReadOnlyDictionary<string, ClineAgent> Extensions = new Dictionary<string, ClineAgent>(StringComparer.OrdinalIgnoreCase)
    {
        ["saoudrizwan.claude-dev"] = ClineAgent.Cline,
        ["rooveterinaryinc.roo-cline"] = ClineAgent.RooCode,
        ["kilocode.kilo-code"] = ClineAgent.KiloCode,
        ["zoocodeorganization.zoo-code"] = ClineAgent.ZooCode,
    };

    /// <summary>
    /// The data folders, under the home, of the servers VS Code and its forks run on a remote machine (Remote - SSH,
    /// WSL, dev containers): the extensions running there keep their global storage in &lt;folder&gt;/User/globalStorage.
    /// </summary>
    public static readonly IReadOnlyList<string> RemoteServers = new[]
    {
        ".vscode-server/data", ".vscode-server-insiders/data", ".vscode-oss-server/data", ".cursor-server/data", ".windsurf-server/data",
    };

    /// <summary>
    /// The tasks folders to search: VS Code's global storage of each extension whether or not it exists, the
    /// other editors' and the remote servers' only where the extension has a folder (so a machine without them is
    /// not told of thirty missing folders), then the Cline CLI's data dir. With VSCODE_APPDATA set, the editors'
    /// folders are looked for under it alone, as VS Code itself does, and the remote servers' are not.
    /// </summary>
    public static IReadOnlyList<string> TaskFolders()
    {
        var userDataDirs = VsCodeUserData.Dirs().Select(user => (user.Dir, Always: user.Editor == VsCodeUserData.DefaultEditor)).ToList();
        if (!VsCodeUserData.AppDataConfigured)
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            // Before the portable folder, as before: the order is the order of the search.
            userDataDirs.InsertRange(VsCodeUserData.Editors.Count, RemoteServers.Select(server => (Path.Combine(home, server), false)));
        }
        var folders = userDataDirs
            .SelectMany(user => Extensions.Keys
                .Select(extension => Path.Combine(user.Dir, "User", "globalStorage", extension))
                .Where(storage => user.Always || Directory.Exists(storage))
                .Select(storage => Path.Combine(storage, "tasks")))
            .Append(Path.Combine(CliDataDir(), "tasks"));
        return folders.Distinct(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>
    /// Where the Cline SDK (the CLI 3 and the VS Code extension's SDK build) keeps its session folders:
    /// CLINE_SESSION_DATA_DIR, else &lt;data dir&gt;/sessions, the data dir resolved as for the CLI's tasks.
    /// </summary>
    public static string SessionFolder() => Variable(SessionDataDirVariable) ?? Path.Combine(CliDataDir(), "sessions");

    /// <summary>
    /// Which agent wrote a task, by the folders above it: the extension's global storage folder, or the Cline
    /// CLI's data dir (any other place: Cline, whose layout the others copy).
    /// </summary>
    public static (ClineAgent Agent, string? Extension, string? Editor) Owner(string taskFolder)
    {
        var parts = Path.GetFullPath(taskFolder).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            if (!Extensions.TryGetValue(parts[i], out var agent)) continue;
            // The user data dir's name (Code, Cursor), or the remote server's (.vscode-server) above its data folder.
            var editor = i >= 3 && parts[i - 1].Equals("globalStorage", StringComparison.OrdinalIgnoreCase) && parts[i - 2].Equals("User", StringComparison.OrdinalIgnoreCase)
                ? parts[i - 3] == "data" && i >= 4 && parts[i - 4].EndsWith("-server", StringComparison.Ordinal) ? parts[i - 4] : parts[i - 3]
                : null;
            return (agent, parts[i].ToLowerInvariant(), editor);
        }
        return (ClineAgent.Cline, null, null);
    }

    private static string CliDataDir()
    {
        if (Variable(DataDirVariable) is { } data) return data;
        var home = Variable(HomeVariable) ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cline");
        return Path.Combine(home, "data");
    }

    private static string? Variable(string name) => VsCodeUserData.Variable(name);
}
