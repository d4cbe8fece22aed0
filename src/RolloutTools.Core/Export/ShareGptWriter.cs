using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>
/// {"conversations": [{"from", "value"}], "tools", "images"} as the common SFT trainers (LLaMA-Factory,
/// Axolotl) read ShareGPT: system, human, gpt, function_call (a JSON {name, arguments}, or a list of them
/// for parallel calls) and observation. Reasoning, when asked for, leads the gpt value in &lt;think&gt; tags;
/// a user image is an &lt;image&gt; placeholder with its data URL in "images".
/// </summary>
internal static class ShareGptWriter
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<RolloutMessage> messages, bool includeReasoning)
    {
        var images = new List<string>();
        w.WriteStartObject();
        w.WritePropertyName("conversations");
        w.WriteStartArray();
        foreach (var message in messages)
        {
            switch (message.Role)
            {
                case MessageRole.System:
                    Turn(w, "system", DatasetText.Of(message));
                    break;
                case MessageRole.User:
                    Turn(w, "human", string.Join("\n\n", message.Content.Select(b =>
                    {
                        if (b.Type == ContentBlockType.Text) return b.Text;
                        images.Add(DatasetText.ImageUrl(b));
                        return "<image>";
                    })));
                    break;
                case MessageRole.Tool:
                    Turn(w, "observation", DatasetText.Of(message));
                    break;
                default:
                    var thinking = includeReasoning && message.ReasoningContent is { } r ? $"<think>\n{r}\n</think>\n\n" : string.Empty;
                    if (message.Text.Length > 0 || (thinking.Length > 0 && message.ToolCalls.Count == 0)) Turn(w, "gpt", thinking + message.Text);
                    if (message.ToolCalls.Count > 0) Turn(w, "function_call", Calls(message.ToolCalls));
                    break;
            }
        }
        w.WriteEndArray();
        if (messages.Any(m => m.ToolCalls.Count > 0))
        {
            w.WriteString("tools", JsonText.Write(t => ToolSchemas.WriteTools(t, messages)));
        }
        if (images.Count > 0)
        {
            w.WritePropertyName("images");
            w.WriteStartArray();
            foreach (var image in images) w.WriteStringValue(image);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void Turn(Utf8JsonWriter w, string from, string value)
    {
        w.WriteStartObject();
        w.WriteString("from", from);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    private static string Calls(IReadOnlyList<ToolCall> calls) => JsonText.Write(w =>
    {
        if (calls.Count > 1) w.WriteStartArray();
        foreach (var call in calls)
        {
            w.WriteStartObject();
            w.WriteString("name", ToolSchemas.Name(call.Name));
            w.WritePropertyName("arguments");
            w.WriteRawValue(ToolSchemas.Arguments(call.Arguments));
            w.WriteEndObject();
        }
        if (calls.Count > 1) w.WriteEndArray();
    });
}
