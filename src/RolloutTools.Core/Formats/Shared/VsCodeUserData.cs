namespace RolloutTools.Core.Formats.Shared;

/// <summary>
/// Where VS Code and its forks keep their user data dirs (src/vs/platform/environment/node/userDataPath.ts): a
/// folder named after the product under the OS's application data folder, or VSCODE_APPDATA's, or a portable
/// install's user-data folder. Extensions keep their global storage there (Cline), and the workbench its chat
/// sessions (Copilot Chat).
/// </summary>
public static class VsCodeUserData
{
    /// <summary>VS Code's own override of the folder its user data dirs live in: &lt;VSCODE_APPDATA&gt;/&lt;product name&gt;.</summary>
    public const string AppDataVariable = "VSCODE_APPDATA";

    /// <summary>A portable VS Code's data folder: its user data dir is &lt;VSCODE_PORTABLE&gt;/user-data.</summary>
    public const string PortableVariable = "VSCODE_PORTABLE";

    /// <summary>The product names VS Code and its forks give their user data dirs (the folder under the OS's application data folder).</summary>
    public static readonly IReadOnlyList<string> Editors = new[]
    {
        "Code", "Code - Insiders", "Code - OSS", "VSCodium", "VSCodium - Insiders", "Cursor", "Windsurf", "Trae", "Kiro", "Positron", "Antigravity",
    };

    /// <summary>The editor whose folders are searched whether or not they exist, so a missing store is told of.</summary>
    public const string DefaultEditor = "Code";

    /// <summary>The user data dir of each editor, then a portable install's when VSCODE_PORTABLE is set.</summary>
    public static IReadOnlyList<(string Dir, string Editor)> Dirs()
    {
        var dirs = Editors.Select(editor => (Path.Combine(AppData(), editor), editor)).ToList();
        if (Variable(PortableVariable) is { } portable) dirs.Add((Path.Combine(portable, "user-data"), "portable"));
        return dirs;
    }

    /// <summary>Whether VSCODE_APPDATA is set: VS Code then looks for its user data dirs under it alone.</summary>
    public static bool AppDataConfigured => Variable(AppDataVariable) is not null;

    /// <summary>The folder the OS keeps application data in, as VS Code resolves it; VSCODE_APPDATA first.</summary>
    public static string AppData()
    {
        if (Variable(AppDataVariable) is { } configured) return configured;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsWindows())
        {
            return Variable("APPDATA") ?? Path.Combine(home, "AppData", "Roaming");
        }
        if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Application Support");
        return Variable("XDG_CONFIG_HOME") ?? Path.Combine(home, ".config");
    }

    /// <summary>The variable's value trimmed, as the editors read it, made a full path; null when unset or blank.</summary>
    public static string? Variable(string name) =>
        Environment.GetEnvironmentVariable(name)?.Trim() is { Length: > 0 } value ? Path.GetFullPath(value) : null;
}
