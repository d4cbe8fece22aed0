using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// Codex content items (input_text, output_text, input_image with a data: or http URL, and the plain
/// chat-completions text parts of the TypeScript era) as normalized blocks, and what injected text looks like.
/// </summary>
internal static partial class CodexContent
{
    /// <summary>The &lt;cwd&gt; of an &lt;environment_context&gt; message, if the text is one.</summary>
    public static string? EnvironmentCwd(string text) =>
        text.TrimStart().StartsWith("<environment_context>", StringComparison.Ordinal) && CwdElement().Match(text) is { Success: true } m
            ? m.Groups[1].Value.Trim()
            : null;

    [GeneratedRegex("<cwd>([^<]*)</cwd>")]
    private static partial Regex CwdElement();

    public static IReadOnlyList<ContentBlock> ReadBlocks(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String) return new[] { ContentBlock.FromText(content.GetString()!) };
        if (content.ValueKind != JsonValueKind.Array) return Array.Empty<ContentBlock>();
        var blocks = new List<ContentBlock>();
        foreach (var item in content.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                blocks.Add(ContentBlock.FromText(item.GetString()!));
                continue;
            }
            switch (item.GetStringOrNull("type"))
            {
                case "input_text" or "output_text" or "text" or "summary_text" or "reasoning_text":
                    var text = item.GetTextOrEmpty("text");
                    if (!IsImageTag(text)) blocks.Add(ContentBlock.FromText(text));
                    break;
                case "refusal":
                    blocks.Add(ContentBlock.FromText(item.GetTextOrEmpty("refusal")));
                    break;
                case "encrypted_content":
                    // An agent message's words the API alone can read (models.rs AgentMessageInputContent::EncryptedContent).
                    blocks.Add(ContentBlock.FromText(EncryptedText));
                    break;
                case "input_audio":
                    // Voice input (models.rs ContentItem::InputAudio, also a tool output's content item): named, not pasted as base64.
                    blocks.Add(ContentBlock.FromText(AudioText(item.GetStringOrNull("audio_url"))));
                    break;
                case "input_image" or "image_url":
                    var url = item.GetStringOrNull("image_url") ?? item.GetPropertyOrDefault("image_url").GetStringOrNull("url");
                    if (url is not null) blocks.Add(ContentBlock.FromImageUrl(url));
                    break;
                default:
                    blocks.Add(ContentBlock.FromText(item.GetRawText()));
                    break;
            }
        }
        return blocks;
    }

    /// <summary>What stands for words Codex wrote encrypted, so a reader sees that something was said.</summary>
    public const string EncryptedText = "[encrypted]";

    /// <summary>What stands for an audio part: "[audio: audio/wav, 12.3 KB]" for data, "[audio: url]" for an address.</summary>
    private static string AudioText(string? url)
    {
        const string base64 = ";base64,";
        var marker = url?.IndexOf(base64, StringComparison.OrdinalIgnoreCase) ?? -1;
        if (url is null || !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || marker < 0) return $"{AudioPrefix}{url ?? "no address"}]";
        var kilobytes = (url.Length - marker - base64.Length) * 3 / 4.0 / 1024;
        return string.Create(CultureInfo.InvariantCulture, $"{AudioPrefix}{url[5..marker]}, {kilobytes:0.0} KB]");
    }

    private const string AudioPrefix = "[audio: ";

    /// <summary>Whether a text block stands for an audio part: no words of the prompt, as an image is none.</summary>
    public static bool IsAudio(ContentBlock block) =>
        block.Type == ContentBlockType.Text && block.Text!.StartsWith(AudioPrefix, StringComparison.Ordinal) && block.Text.EndsWith(']') && !block.Text.Contains('\n');

    /// <summary>
    /// The text parts Codex puts around an attached image for the model ("&lt;image&gt;", "&lt;image name=[Image #1]&gt;",
    /// "&lt;/image&gt;"; instruction_markers.rs), which its interface does not show: the image block stands for them.
    /// </summary>
    private static bool IsImageTag(string text) =>
        text is "<image>" or "</image>" || (text.StartsWith("<image name=", StringComparison.Ordinal) && text.EndsWith('>') && !text.Contains('\n'));

    public static string Text(JsonElement content) => RolloutMessage.JoinText(ReadBlocks(content));

    private static readonly string[] ContextMarkers =
    {
        "<environment_context>", "<user_instructions>", "# AGENTS.md instructions", "<INSTRUCTIONS>", "<permissions instructions>",
        "<collaboration_mode>", "<skills_instructions>", "<skill>", "<subagent_notification>", "<personality", "<plugins>", "<subagents>",
        // What a hook asked the model to do (items.rs build_hook_prompt_message), a user message no event repeats.
        "<hook_prompt",
        // What a /review found, which Codex gives the model when the review ends (review.rs exit_review_mode).
        "<user_action>",
    };

    private static readonly string[] CompactionMarkers =
    {
        "Another language model started to solve this problem and produced a summary of its thinking process.",
    };

    /// <summary>codex-rs calls it USER_MESSAGE_BEGIN (protocol.rs) and shows only what follows it as the prompt.</summary>
    private const string RequestMarker = "## My request for Codex:";

    /// <summary>
    /// The IDE extension and the desktop app send one text: what they attach as sections ("# Context from my IDE setup:"
    /// with "## Active file: …", "## Open tabs: …"; "# Files mentioned by the user:", "# Applications mentioned by the
    /// user:", "# Selected text:", …), then "## My request for Codex:" and what the person typed. Codex itself takes only
    /// what follows the marker, wherever it is, as the prompt (codex-rs state extract.rs strip_user_message_prefix).
    /// The desktop app also writes "## My request:" after such sections (seen in 0.159 rollouts); that shorter marker counts
    /// only on a line of its own in a text that opens with a section heading. Null for any other text.
    /// </summary>
    public static IdeRequest? SplitIdeRequest(IReadOnlyList<ContentBlock> blocks)
    {
        var sections = RolloutMessage.JoinText(blocks).TrimStart().StartsWith('#');
        for (var at = 0; at < blocks.Count; at++)
        {
            if (blocks[at] is not { Type: ContentBlockType.Text, Text: { } text } || FindRequest(text, sections) is not { } marker) continue;
            var before = text[..marker.Index].TrimEnd();
            var context = at == 0 && before.Length == 0 ? Array.Empty<ContentBlock>() : blocks.Take(at).Append(ContentBlock.FromText(before)).ToArray();
            var request = blocks.Skip(at + 1).Prepend(ContentBlock.FromText(text[(marker.Index + marker.Length)..].Trim())).ToArray();
            return new IdeRequest(context, request);
        }
        return null;
    }

    private static (int Index, int Length)? FindRequest(string text, bool sections)
    {
        var at = text.IndexOf(RequestMarker, StringComparison.Ordinal);
        if (at >= 0) return (at, RequestMarker.Length);
        return sections && ShortRequestLine().Match(text) is { Success: true } line ? (line.Index, line.Length) : null;
    }

    [GeneratedRegex("^## My request:[ \t]*\r?$", RegexOptions.Multiline)]
    private static partial Regex ShortRequestLine();

    /// <summary>
    /// Notices the TypeScript CLI (2025) put into its item list, which it saved whole as the rollout; none reached the
    /// model. openai/codex codex-cli/src/components/chat/terminal-chat.tsx and terminal-chat-input.tsx wrote them as
    /// system messages with ids "&lt;kind&gt;-&lt;Date.now()&gt;"; its chat-completions forks wrote the same texts as
    /// assistant messages without ids.
    /// </summary>
    private static readonly string[] TypeScriptNoticeIds =
    {
        "switch-model-", "switch-provider-", "switch-approval-", "clear-", "clearhistory-", "bugreport-", "bugreport-error-",
        "invalidcommand-", "diff-", "interrupt-", "unknown-model-", "compact-error-",
    };

    private static readonly string[] TypeScriptNoticeTexts =
    {
        "Switched model to ", "Switched provider to ", "Switched approval mode to ", "Context cleared", "Terminal cleared",
        "Command history cleared", "📋 Opened browser to file a bug report", "🔗 Bug report URL: ", "⚠️ Failed to create bug report URL: ",
        "Invalid command \"", "⏹️  Execution interrupted by user.", "Warning: model \"", "Failed to compact context: ",
    };

    public static bool IsTypeScriptNotice(string? id, string text) =>
        (id is not null && TypeScriptNoticeIds.Any(p => id.StartsWith(p, StringComparison.Ordinal) && id.Length > p.Length && id[p.Length..].All(char.IsAsciiDigit)))
        || TypeScriptNoticeTexts.Any(t => text.StartsWith(t, StringComparison.Ordinal));

    /// <summary>
    /// Codex sends the model its environment, AGENTS.md and permission text as user and developer messages,
    /// and marks an interrupted turn and a shell command typed with ! by wrapping them in tags.
    /// </summary>
    public static MessageKind ClassifyUser(string text)
    {
        var start = text.TrimStart();
        if (ContextMarkers.Any(m => start.StartsWith(m, StringComparison.Ordinal))) return MessageKind.Context;
        if (start.StartsWith("<turn_aborted>", StringComparison.Ordinal)) return MessageKind.Interruption;
        if (start.StartsWith("<user_shell_command>", StringComparison.Ordinal)) return MessageKind.Command;
        if (CompactionMarkers.Any(m => start.StartsWith(m, StringComparison.Ordinal))) return MessageKind.CompactionSummary;
        return MessageKind.Prompt;
    }
}

/// <summary>An IDE extension prompt, taken apart: the editor state the extension added, and the words typed.</summary>
internal sealed record IdeRequest(IReadOnlyList<ContentBlock> Context, IReadOnlyList<ContentBlock> Request);
