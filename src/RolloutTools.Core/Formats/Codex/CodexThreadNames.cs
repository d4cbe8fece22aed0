using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// $CODEX_HOME/session_index.jsonl: the names people gave their threads, one line per rename, the latest
/// winning. Optional; unreadable lines or files mean no names.
/// </summary>
internal sealed class CodexThreadNames
{
    public static readonly CodexThreadNames None = new(new Dictionary<string, string>());

    private readonly Dictionary<string, string> _names;

    private CodexThreadNames(Dictionary<string, string> names)
    {
        _names = names;
    }

    public string? Find(string threadId) => _names.GetValueOrDefault(threadId);

    public static CodexThreadNames Load(string codexHome)
    {
        var path = Path.Combine(codexHome, "session_index.jsonl");
        if (!File.Exists(path)) return None;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var stream = FileKinds.OpenRead(path);
            foreach (var line in JsonLineReader.Read(stream, new DiagnosticList(path)))
            {
                var id = line.Root.GetStringOrNull("id") ?? line.Root.GetStringOrNull("thread_id");
                var name = line.Root.GetStringOrNull("thread_name") ?? line.Root.GetStringOrNull("name");
                if (id is not null && !string.IsNullOrWhiteSpace(name)) names[id] = name;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return None;
        }
        return new CodexThreadNames(names);
    }
}
