using System.Text.Json;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.Shared;

/// <summary>
/// What a VS Code-family window was opened on, from the workspace.json in its workspaceStorage folder:
/// {"folder": uri} for a folder, {"workspace": uri} for a multi-root workspace (a .code-workspace file, or an untitled
/// one's Workspaces/&lt;id&gt;/workspace.json). Only a local folder is a working directory; otherwise the URI is kept.
/// </summary>
internal sealed record VsCodeWorkspace(string? FolderPath, string? Uri)
{
    private const string FileName = "workspace.json";

    /// <summary>
    /// The workspace of a storage folder (workspaceStorage/&lt;hash&gt;); null when its workspace.json is missing or
    /// unreadable: it only labels what the folder holds.
    /// </summary>
    public static VsCodeWorkspace? Of(string storageFolder)
    {
        var workspaceJson = Path.Combine(storageFolder, FileName);
        try
        {
            if (!File.Exists(workspaceJson)) return null;
            using var document = JsonDocument.Parse(File.ReadAllBytes(workspaceJson));
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            var folder = document.RootElement.GetStringOrNull("folder");
            var uri = folder ?? document.RootElement.GetStringOrNull("workspace");
            if (uri is null) return null;
            var path = folder is null ? null : FileUris.ToPath(folder);
            return new VsCodeWorkspace(path, path is null ? uri : null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
