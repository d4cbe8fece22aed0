using System.Text.Json;
using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.ClaudeCode;

/// <summary>
/// A project folder's sessions-index.json: titles (summary, first prompt) and the project path per session.
/// Optional and untrusted (third-party tools write it too).
/// </summary>
internal sealed class ClaudeSessionIndex
{
    public static readonly ClaudeSessionIndex None = new(new Dictionary<string, Entry>(), null);

    private readonly Dictionary<string, Entry> _entries;

    private ClaudeSessionIndex(Dictionary<string, Entry> entries, string? originalPath)
    {
        _entries = entries;
        OriginalPath = originalPath;
    }

    public string? OriginalPath { get; }

    public Entry? Find(string sessionId) => _entries.GetValueOrDefault(sessionId);

    public static Sidecar<ClaudeSessionIndex> Load(string projectFolder) =>
        SidecarFile.LoadDocument(Path.Combine(projectFolder, "sessions-index.json"), Read);

    private static ClaudeSessionIndex Read(JsonElement root)
    {
        Expect.Object(root, "the index");
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var item in Expect.Array(root, "entries"))
        {
            Expect.Object(item, "an entry");
            if (Expect.String(item, "sessionId") is not { } id) continue;
            entries[id] = new Entry(Expect.String(item, "summary"), Expect.String(item, "firstPrompt"), Expect.String(item, "projectPath"));
        }
        return new ClaudeSessionIndex(entries, Expect.String(root, "originalPath"));
    }

    internal sealed record Entry(string? Summary, string? FirstPrompt, string? ProjectPath);
}
