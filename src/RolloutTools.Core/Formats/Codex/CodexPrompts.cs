using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// Which user messages a person typed. Codex sends the model its injected text (AGENTS.md, environment, skills,
/// hook context) as user messages too, so the text alone cannot always tell. Builds up to ~0.146 wrote each typed
/// prompt again as event_msg user_message, 0.147+ as event_msg item_completed with a UserMessage item, both right
/// after the response item (Session::record_user_prompt_and_emit_turn_item); 0.150+ label every content item of a
/// response item (internal_chat_message_metadata_passthrough.content_item_kinds, "user.text" when typed). Every
/// event becomes a prompt in place at once; when the file is read, an event that found its item is dropped in
/// favour of the item, and user items no event and no label claims are context.
/// </summary>
internal sealed class CodexPrompts
{
    private readonly List<UserItem> _items = new();
    private readonly List<TypedPrompt> _events = new();
    private int _position;

    /// <summary>A user response item, as classified by its text; typedByPerson is what its labels say, if it has any.</summary>
    public void AddItem(RolloutMessage message, bool? typedByPerson) =>
        _items.Add(new UserItem(message, Key(message.Content), ++_position, typedByPerson));

    /// <summary>A prompt as an event recorded it, already added to the conversation (an IDE prompt as two messages).</summary>
    public void AddEvent(RolloutMessage said, RolloutMessage? ideContext) =>
        _events.Add(new TypedPrompt(said, ideContext, Key(said.Content), ++_position));

    public void Resolve(ConversationBuilder conversation)
    {
        var matched = new HashSet<UserItem>();
        var byKey = _items.ToLookup(i => i.Key, StringComparer.Ordinal);
        foreach (var typed in _events)
        {
            var item = byKey[typed.Key]
                .Where(i => !matched.Contains(i))
                .OrderBy(i => Math.Abs(i.Position - typed.Position))
                .ThenBy(i => i.Position > typed.Position)
                .FirstOrDefault();
            if (item is null) continue;
            matched.Add(item);
            conversation.Replace(typed.Said, null);
            if (typed.IdeContext is { } ideContext) conversation.Replace(ideContext, null);
        }

        foreach (var item in _items)
        {
            var kind = Kind(item, matched.Contains(item));
            if (kind != item.Message.Kind) conversation.Replace(item.Message, new RolloutMessage(item.Message) { Kind = kind });
        }
    }

    /// <summary>Labels decide where they exist; otherwise events do, when the build wrote any; otherwise the text did.</summary>
    private MessageKind Kind(UserItem item, bool matched)
    {
        var byText = item.Message.Kind;
        if (item.TypedByPerson is { } typed) return typed ? MessageKind.Prompt : Demoted(byText);
        if (matched) return MessageKind.Prompt;
        return _events.Count > 0 ? Demoted(byText) : byText;
    }

    /// <summary>Text that looked typed only because no marker said otherwise; interruption and command markers stay.</summary>
    private static MessageKind Demoted(MessageKind byText) => byText == MessageKind.Prompt ? MessageKind.Context : byText;

    /// <summary>
    /// Whether a person typed the item, from 0.150+ content_item_kinds ("user.text"; "agents_md.instructions",
    /// "environments.environment_context", "hooks.additional_context", "generic.turn_aborted" … are not); null unlabelled.
    /// </summary>
    public static bool? TypedByPerson(JsonElement item)
    {
        var kinds = item.GetPropertyOrDefault("internal_chat_message_metadata_passthrough").GetPropertyOrDefault("content_item_kinds");
        if (kinds.ValueKind != JsonValueKind.Array || kinds.GetArrayLength() == 0) return null;
        return kinds.EnumerateArray().Any(k => k.ValueKind == JsonValueKind.String && k.GetString()!.StartsWith("user.", StringComparison.Ordinal));
    }

    /// <summary>
    /// The prompt's words as both sides write them: the item's image tags are gone once read (see CodexContent), and its
    /// audio, which the event's message leaves out as it leaves out images, is no words.
    /// </summary>
    private static string Key(IReadOnlyList<ContentBlock> content) => RolloutMessage.JoinText(content.Where(b => !CodexContent.IsAudio(b)).ToArray()).Trim();

    /// <summary>
    /// The blocks of a typed-prompt event: user_message {message, images[] of data URLs, local_images[] of paths}, or an
    /// item_completed UserMessage item {content: [{type: "text", text} | {type: "image", image_url} | {type: "local_image",
    /// path}]}. A local image counts: a prompt of a pasted screenshot alone has no text and no URL (items.rs
    /// UserMessageItem::as_legacy_event puts only text in message and only remote images in images), and without it the
    /// event would claim nothing and the person's prompt would read as injected context.
    /// </summary>
    public static IReadOnlyList<ContentBlock> EventBlocks(JsonElement payload)
    {
        var blocks = new List<ContentBlock>();
        if (payload.GetStringOrNull("message") is { Length: > 0 } message) blocks.Add(ContentBlock.FromText(message));
        blocks.AddRange(Strings(payload.GetPropertyOrDefault("images")).Select(url => ContentBlock.FromImageUrl(url)));
        blocks.AddRange(Strings(payload.GetPropertyOrDefault("local_images")).Select(path => ContentBlock.FromImageUrl(path)));
        if (payload.GetPropertyOrDefault("content") is { ValueKind: JsonValueKind.Array } content)
        {
            foreach (var part in content.EnumerateArray())
            {
                if (part.GetStringOrNull("text") is { Length: > 0 } text) blocks.Add(ContentBlock.FromText(text));
                else if ((part.GetStringOrNull("image_url") ?? LocalImagePath(part)) is { Length: > 0 } url) blocks.Add(ContentBlock.FromImageUrl(url));
            }
        }
        return blocks;
    }

    /// <summary>A local image's path; skills and mentions carry a path too, to a file that is not an image.</summary>
    private static string? LocalImagePath(JsonElement part) => part.GetStringOrNull("type") == "local_image" ? part.GetStringOrNull("path") : null;

    private static IEnumerable<string> Strings(JsonElement array) => array.ValueKind == JsonValueKind.Array
        ? array.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)
        : Enumerable.Empty<string>();

    private sealed record UserItem(RolloutMessage Message, string Key, int Position, bool? TypedByPerson);

    private sealed record TypedPrompt(RolloutMessage Said, RolloutMessage? IdeContext, string Key, int Position);
}
