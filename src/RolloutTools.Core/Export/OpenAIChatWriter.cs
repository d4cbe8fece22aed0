using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>
/// {"messages": [...], "tools": [...]} as OpenAI's chat fine-tuning takes it: text content as strings, user
/// images as image_url parts, assistant tool_calls with JSON-object arguments, tool messages answering them,
/// and reasoning as reasoning_content only when asked for.
/// </summary>
internal static class OpenAIChatWriter
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<RolloutMessage> messages, bool includeReasoning)
    {
        w.WriteStartObject();
        w.WritePropertyName("messages");
        w.WriteStartArray();
        foreach (var message in messages) WriteMessage(w, message, includeReasoning);
        w.WriteEndArray();
        if (messages.Any(m => m.ToolCalls.Count > 0))
        {
            w.WritePropertyName("tools");
            ToolSchemas.WriteTools(w, messages);
        }
        w.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter w, RolloutMessage m, bool includeReasoning)
    {
        w.WriteStartObject();
        w.WriteString("role", m.Role.ToString().ToLowerInvariant());
        switch (m.Role)
        {
            case MessageRole.User when m.Content.Any(b => b.Type == ContentBlockType.Image):
                w.WritePropertyName("content");
                w.WriteStartArray();
                foreach (var block in m.Content) WritePart(w, block);
                w.WriteEndArray();
                break;
            case MessageRole.Assistant:
                if (m.Text.Length > 0) w.WriteString("content", m.Text);
                else w.WriteNull("content");
                if (includeReasoning && m.ReasoningContent is { } reasoning) w.WriteString("reasoning_content", reasoning);
                if (m.ToolCalls.Count > 0) ToolCallJson.WriteList(w, m.ToolCalls, ToolSchemas.Name, ToolSchemas.Arguments);
                break;
            case MessageRole.Tool:
                w.WriteString("tool_call_id", m.ToolCallId);
                w.WriteString("content", DatasetText.Of(m));
                break;
            default:
                w.WriteString("content", DatasetText.Of(m));
                break;
        }
        w.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter w, ContentBlock block)
    {
        w.WriteStartObject();
        if (block.Type == ContentBlockType.Text)
        {
            w.WriteString("type", "text");
            w.WriteString("text", block.Text);
        }
        else
        {
            w.WriteString("type", "image_url");
            w.WritePropertyName("image_url");
            w.WriteStartObject();
            w.WriteString("url", DatasetText.ImageUrl(block));
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
