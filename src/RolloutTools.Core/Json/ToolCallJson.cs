using System.Text.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Json;

/// <summary>OpenAI-style function calls, {"id", "type": "function", "function": {"name", "arguments"}}, read and written in one place.</summary>
public static class ToolCallJson
{
    public static ToolCall Read(JsonElement call)
    {
        var function = call.GetPropertyOrDefault("function");
        return new ToolCall(call.GetIdOrNull("id") ?? string.Empty, function.GetStringOrNull("name") ?? string.Empty, function.GetStringOrNull("arguments") ?? "{}");
    }

    /// <summary>Free-form tool input (Codex's custom tools, apply_patch) as JSON-object arguments: {"input": …}.</summary>
    public static string WrapInput(string input) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("input", input);
        w.WriteEndObject();
    });

    /// <summary>Writes "tool_calls": [...], with each name and arguments as the caller wants them written.</summary>
    public static void WriteList(Utf8JsonWriter w, IEnumerable<ToolCall> calls, Func<string, string> name, Func<string, string> arguments)
    {
        w.WritePropertyName("tool_calls");
        w.WriteStartArray();
        foreach (var call in calls)
        {
            w.WriteStartObject();
            w.WriteString("id", call.Id);
            w.WriteString("type", "function");
            w.WritePropertyName("function");
            w.WriteStartObject();
            w.WriteString("name", name(call.Name));
            w.WriteString("arguments", arguments(call.Arguments));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
