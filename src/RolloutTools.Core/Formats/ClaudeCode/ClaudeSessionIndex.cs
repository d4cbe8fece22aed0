using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.ClaudeCode;

/// <summary>
/// A project folder's sessions-index.json: titles (summary, first prompt) and the project path per session.
/// Optional and untrusted (third-party tools write it too), so any problem just means no index.
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

    public static ClaudeSessionIndex Load(string projectFolder)
    {
        var path = Path.Combine(projectFolder, "sessions-index.json");
        try
        {
            if (!File.Exists(path)) return None;
            using var stream = FileKinds.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            if (document.RootElement.GetPropertyOrDefault("entries") is { ValueKind: JsonValueKind.Array } list)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (item.GetStringOrNull("sessionId") is not { } id) continue;
                    entries[id] = new Entry(item.GetStringOrNull("summary"), item.GetStringOrNull("firstPrompt"), item.GetStringOrNull("projectPath"));
                }
            }
            return new ClaudeSessionIndex(entries, document.RootElement.GetStringOrNull("originalPath"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return None;
        }
    }

    internal sealed record Entry(string? Summary, string? FirstPrompt, string? ProjectPath);
}
