using System.Text.Json;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.Crush;

/// <summary>A project Crush has run in (internal/projects/projects.go Project): the folder it ran in and its data directory.</summary>
internal sealed record CrushProject(string Path, string DataDir);

/// <summary>
/// Where Crush (charmbracelet/crush) keeps its sessions. Each project has its own data directory
/// (internal/config/load.go: options.data_directory, else the closest .crush folder up from the working folder within
/// the project, else &lt;working folder&gt;/.crush) holding crush.db (internal/db/connect.go). There is no global
/// database: since December 2025 Crush lists every project it ran in, with its data directory, in projects.json in
/// its global data folder (internal/projects/projects.go). That folder (GlobalConfigData's) is $CRUSH_GLOBAL_DATA,
/// else $XDG_DATA_HOME/crush, else %LOCALAPPDATA%\crush on Windows and ~/.local/share/crush elsewhere (macOS too).
/// </summary>
internal static class CrushHome
{
    public const string DatabaseName = "crush.db";
    public const string DataFolderName = ".crush";
    public const string ProjectsFile = "projects.json";

    /// <summary>The global data folder Crush itself would use here.</summary>
    public static string GlobalData()
    {
        var configured = Environment.GetEnvironmentVariable(CrushReader.GlobalDataVariable);
        if (!string.IsNullOrEmpty(configured)) return configured;
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg)) return Path.Combine(xdg, "crush");
        if (OperatingSystem.IsWindows())
        {
            var local = Environment.GetEnvironmentVariable("LOCALAPPDATA");
            return Path.Combine(string.IsNullOrEmpty(local) ? Path.Combine(Home(), "AppData", "Local") : local, "crush");
        }
        return Path.Combine(Home(), ".local", "share", "crush");
    }

    private static string Home() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>A global data folder of Crush's: one holding projects.json.</summary>
    public static bool IsLaidOut(string folder) => File.Exists(Path.Combine(folder, ProjectsFile));

    /// <summary>The projects a global data folder lists; none when it has no projects.json. Throws when the file is not Crush's JSON.</summary>
    public static IReadOnlyList<CrushProject> Projects(string globalData)
    {
        var file = Path.Combine(globalData, ProjectsFile);
        if (!File.Exists(file)) return Array.Empty<CrushProject>();
        using var stream = File.OpenRead(file);
        using var document = JsonDocument.Parse(stream);
        var projects = document.RootElement.GetPropertyOrDefault("projects");
        if (projects.ValueKind != JsonValueKind.Array) throw new JsonException("it has no \"projects\" list");
        return projects.EnumerateArray()
            .Select(p => (Path: p.GetStringOrNull("path"), DataDir: p.GetStringOrNull("data_dir")))
            .Where(p => !string.IsNullOrEmpty(p.Path) && !string.IsNullOrEmpty(p.DataDir))
            .Select(p => new CrushProject(p.Path!, p.DataDir!))
            .ToArray();
    }

    /// <summary>
    /// The folder Crush ran in for a database: the one project of the global list whose data directory holds it, else,
    /// for a data directory named .crush (the default), the folder holding it, where Crush found or made it. Null when
    /// neither tells (a data directory named otherwise that the list does not name, or names for several folders).
    /// </summary>
    public static string? WorkingFolderOf(string database, IReadOnlyList<CrushProject> projects)
    {
        var dataDir = Normalize(Path.GetDirectoryName(Path.GetFullPath(database)) ?? database);
        var listed = projects.Where(p => PathComparer.Equals(Normalize(p.DataDir), dataDir)).Select(p => p.Path).Distinct(PathComparer).ToArray();
        if (listed.Length == 1) return listed[0];
        return Path.GetFileName(dataDir) == DataFolderName ? Path.GetDirectoryName(dataDir) : null;
    }

    private static string Normalize(string folder) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));

    private static StringComparer PathComparer => OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
}
