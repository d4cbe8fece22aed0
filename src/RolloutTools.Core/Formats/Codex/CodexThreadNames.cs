using System.Text.Json;
using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// $CODEX_HOME/session_index.jsonl: the names people gave their threads, one line per rename, the latest
/// winning. Optional.
/// </summary>
internal sealed class CodexThreadNames
{
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    public string? Find(string threadId) => _names.GetValueOrDefault(threadId);

    public static Sidecar<CodexThreadNames> Load(string codexHome) =>
        SidecarFile.LoadLines(Path.Combine(codexHome, "session_index.jsonl"), () => new CodexThreadNames(), (names, line) => names.Add(line));

    private void Add(JsonElement line)
    {
        var id = Expect.String(line, "id") ?? Expect.String(line, "thread_id");
        var name = Expect.String(line, "thread_name") ?? Expect.String(line, "name");
        if (id is not null && !string.IsNullOrWhiteSpace(name)) _names[id] = name;
    }
}
