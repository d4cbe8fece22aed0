using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// A message between agents of multi-agent v2: the parent's task to a worker, or a worker's report to its parent
/// (openai/codex protocol.rs InterAgentCommunication {author, recipient, other_recipients, content, trigger_turn},
/// encrypted_content in later builds). Codex writes it as an inter_agent_communication line, and builds of 2026 put it
/// into the history as a message whose only text is that object as JSON (to_response_input_item: role "assistant",
/// phase "commentary", or "user" for a new task in some builds), which Codex itself hides from its interface. Neither
/// is the model's output nor a person's words.
/// </summary>
internal sealed record CodexInterAgent(string Author, string Recipient, string Text)
{
    public static CodexInterAgent? Read(JsonElement communication) =>
        communication.ValueKind == JsonValueKind.Object
        && communication.GetStringOrNull("author") is { } author
        && communication.GetStringOrNull("recipient") is { } recipient
        && communication.GetPropertyOrDefault("trigger_turn").ValueKind is JsonValueKind.True or JsonValueKind.False
            ? new CodexInterAgent(author, recipient, communication.GetStringOrNull("content") is { Length: > 0 } content ? content : CodexContent.EncryptedText)
            : null;

    /// <summary>The communication a message item carries as its only text, as Codex recognises one (from_message_content); null for any other message.</summary>
    public static CodexInterAgent? FromMessage(IReadOnlyList<ContentBlock> blocks)
    {
        if (blocks is not [{ Type: ContentBlockType.Text, Text: { } text }] || !text.StartsWith('{') || !text.Contains("\"author\"", StringComparison.Ordinal)) return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return Read(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether an agent_message item (the same message as the model is given it) repeats this communication.</summary>
    public bool RepeatedBy(JsonElement agentMessage) =>
        agentMessage.GetStringOrNull("author") == Author && agentMessage.GetStringOrNull("recipient") == Recipient;

    public IReadOnlyList<ContentBlock> Content => new[] { ContentBlock.FromText(Text) };
}
