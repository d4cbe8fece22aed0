using System.Collections.Concurrent;
using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.MistralVibe;

/// <summary>
/// Which of a session's "task" calls spawned a subagent. Vibe's task tool starts the subagent with the task the model
/// wrote, after a note naming the parent's scratchpad folder when it has one ("Scratchpad directory: …\n…\n\n" + task;
/// vibe/core/tools/builtins/task.py), and records no call id on the subagent's side: the parent's messages, one folder
/// up from agents/, tell it. Each parent is read once per run, for its task calls only.
/// </summary>
internal sealed class VibeTaskCalls
{
    private const string TaskTool = "task";

    private readonly ConcurrentDictionary<string, IReadOnlyList<(string CallId, string Task)>> _byParent = new(StringComparer.Ordinal);

    /// <summary>The id of the one task call of the parent whose task the subagent's first message is, or ends with; null otherwise.</summary>
    public string? Spawning(VibeSession subagent, CancellationToken cancellation)
    {
        if (!subagent.IsSubagent || subagent.Folder is null) return null;
        var first = subagent.Rows.FirstOrDefault(r => r.Message.GetStringOrNull("role") == "user").Message;
        if (first.ValueKind != JsonValueKind.Object || first.GetPropertyOrDefault("content") is not { ValueKind: JsonValueKind.String } content) return null;
        var prompt = content.GetString()!;
        var parent = Path.GetDirectoryName(Path.GetDirectoryName(subagent.Folder)!)!;
        var calls = _byParent.GetOrAdd(parent, folder => Read(Path.Combine(folder, VibeHome.MessagesFile), cancellation));
        var matching = calls.Where(c => c.Task.Length > 0 && (prompt == c.Task || prompt.EndsWith("\n\n" + c.Task, StringComparison.Ordinal))).Select(c => c.CallId).Distinct().ToArray();
        return matching.Length == 1 ? matching[0] : null;
    }

    /// <summary>The parent's task calls; its damage is its own reading's to report, so here a bad line is passed over.</summary>
    private static IReadOnlyList<(string, string)> Read(string messages, CancellationToken cancellation)
    {
        if (!File.Exists(messages)) return Array.Empty<(string, string)>();
        var calls = new List<(string, string)>();
        try
        {
            using var stream = TraceSource.FromFile(messages).Open();
            JsonLineReader.ReadEach(stream, new DiagnosticList(messages), line =>
            {
                if (line.Root.ValueKind != JsonValueKind.Object || line.Root.GetStringOrNull("role") != "assistant") return;
                try
                {
                    foreach (var call in OpenAIMessages.ReadToolCalls(line.Root.GetPropertyOrDefault("tool_calls")).Where(c => c.Name == TaskTool))
                    {
                        using var arguments = JsonDocument.Parse(call.Arguments);
                        if (arguments.RootElement.ValueKind == JsonValueKind.Object && arguments.RootElement.GetStringOrNull("task") is { } task) calls.Add((call.Id, task));
                    }
                }
                catch (Exception e) when (e is JsonException || JsonLineReader.IsUnreadableValue(e))
                {
                    // A call whose arguments cannot be read spawned nothing this can name.
                }
            }, cancellation);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<(string, string)>();
        }
        return calls;
    }
}
