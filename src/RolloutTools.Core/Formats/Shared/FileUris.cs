namespace RolloutTools.Core.Formats.Shared;

/// <summary>Workspace folders that editors and their agents store as URIs (file:///home/dev/app, file:///c%3A/Users/dev/app).</summary>
internal static class FileUris
{
    /// <summary>
    /// A workspace folder as a path: a file URI unescaped, a plain path as it is. Null for another scheme (a remote
    /// workspace, vscode-remote://…), which the caller keeps as it was.
    /// </summary>
    public static string? ToPath(string? workspace)
    {
        if (string.IsNullOrWhiteSpace(workspace)) return null;
        if (!workspace.Contains("://", StringComparison.Ordinal)) return workspace;
        if (!workspace.StartsWith("file://", StringComparison.OrdinalIgnoreCase)) return null;
        var path = Uri.UnescapeDataString(workspace["file://".Length..]);
        // file:///c:/x: the drive letter follows the root slash in a URI, not in a Windows path.
        if (path.Length >= 3 && path[0] == '/' && char.IsAsciiLetter(path[1]) && path[2] == ':')
        {
            path = path[1..];
            if (OperatingSystem.IsWindows()) path = path.Replace('/', '\\');
        }
        else if (path.Length > 0 && path[0] != '/')
        {
            // file://server/share: a UNC path.
            path = OperatingSystem.IsWindows() ? @"\\" + path.Replace('/', '\\') : "//" + path;
        }
        return path;
    }
}
