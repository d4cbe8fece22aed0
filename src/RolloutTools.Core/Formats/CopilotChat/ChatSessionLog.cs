using System.Text.Json;
using System.Text.Json.Nodes;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.CopilotChat;

/// <summary>
/// A session kept as &lt;session id&gt;.jsonl (VS Code late 2025 on): an append-only log of changes to the session
/// object (src/vs/workbench/contrib/chat/common/model/objectMutationLog.ts, ObjectMutationLog.read; the schema of
/// what it tracks in chatSessionOperationLog.ts). Each line is {kind, k?, v?, i?}: kind 0 the whole object (first,
/// and again whenever VS Code compacts the log), 1 a value set at the path k, 2 a push onto the array at k after
/// cutting it to length i when i is given, 3 a property deleted. Replayed in order, the lines give the same object
/// the .json form holds whole.
/// </summary>
internal static class ChatSessionLog
{
    private const int Initial = 0;
    private const int Set = 1;
    private const int Push = 2;
    private const int Delete = 3;

    /// <summary>The session object the log ends with; null (with the reason told) when no line gave one.</summary>
    public static JsonDocument? Replay(Stream stream, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        JsonNode? state = null;
        JsonLineReader.ReadEach(stream, diagnostics, line =>
        {
            var entry = line.Root;
            var kind = entry.ValueKind == JsonValueKind.Object && entry.GetPropertyOrDefault("kind") is { ValueKind: JsonValueKind.Number } k && k.TryGetInt32(out var n) ? n : -1;
            if (kind == Initial)
            {
                state = Node(entry.GetPropertyOrDefault("v"));
                return;
            }
            if (kind is not (Set or Push or Delete))
            {
                diagnostics.Warn(RolloutDiagnostic.ParseError, line.LineNumber, "a line of the session log is no change VS Code writes (kind 0 to 3); skipped.");
                return;
            }
            if (state is null)
            {
                diagnostics.Warn(RolloutDiagnostic.ParseError, line.LineNumber, "a change comes before the session's first full copy (kind 0); skipped.");
                return;
            }
            if (!Apply(state, kind, entry))
            {
                diagnostics.Warn(RolloutDiagnostic.ParseError, line.LineNumber, "a change names a place the session does not have; skipped.");
            }
        }, cancellation);
        if (state is not JsonObject)
        {
            diagnostics.NoRecord("the session log holds no session object (its first line should be kind 0 with the session); no record.");
            return null;
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            state.WriteTo(writer);
        }
        return JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = JsonDocumentReader.MaxDepth });
    }

    /// <summary>Applies one change as ObjectMutationLog does; false when its path leads nowhere.</summary>
    private static bool Apply(JsonNode state, int kind, JsonElement entry)
    {
        if (entry.GetPropertyOrDefault("k") is not { ValueKind: JsonValueKind.Array } path || path.GetArrayLength() == 0) return false;
        var steps = path.EnumerateArray().ToArray();
        JsonNode? parent = state;
        for (var i = 0; i < steps.Length - 1 && parent is not null; i++) parent = Child(parent, steps[i]);
        if (parent is null) return false;
        var last = steps[^1];
        switch (kind)
        {
            case Set:
                return Assign(parent, last, Node(entry.GetPropertyOrDefault("v")));
            case Delete:
                if (parent is not JsonObject deleting || last.ValueKind != JsonValueKind.String) return Assign(parent, last, null);
                deleting.Remove(last.GetString()!);
                return true;
            default:
                var array = Child(parent, last) as JsonArray;
                if (array is null)
                {
                    array = new JsonArray();
                    if (!Assign(parent, last, array)) return false;
                }
                if (entry.GetPropertyOrDefault("i") is { ValueKind: JsonValueKind.Number } cut && cut.TryGetInt32(out var length) && length >= 0)
                {
                    while (array.Count > length) array.RemoveAt(array.Count - 1);
                }
                if (entry.GetPropertyOrDefault("v") is { ValueKind: JsonValueKind.Array } values)
                {
                    foreach (var value in values.EnumerateArray()) array.Add(Node(value));
                }
                return true;
        }
    }

    private static JsonNode? Child(JsonNode parent, JsonElement step) => (parent, step.ValueKind) switch
    {
        (JsonObject o, JsonValueKind.String) => o[step.GetString()!],
        (JsonArray a, JsonValueKind.Number) when step.TryGetInt32(out var i) && i >= 0 && i < a.Count => a[i],
        _ => null,
    };

    private static bool Assign(JsonNode parent, JsonElement step, JsonNode? value)
    {
        switch (parent, step.ValueKind)
        {
            case (JsonObject o, JsonValueKind.String):
                o[step.GetString()!] = value;
                return true;
            case (JsonArray a, JsonValueKind.Number) when step.TryGetInt32(out var i) && i >= 0 && i <= a.Count:
                if (i == a.Count) a.Add(value);
                else a[i] = value;
                return true;
            default:
                return false;
        }
    }

    /// <summary>A mutable copy of a value of the line (the line's buffer is reused after it).</summary>
    private static JsonNode? Node(JsonElement value) => value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : JsonNode.Parse(value.GetRawText(), documentOptions: new JsonDocumentOptions { MaxDepth = JsonDocumentReader.MaxDepth });
}
