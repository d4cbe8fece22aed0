using System.Text.Json;
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

    [System.Text.RegularExpressions.GeneratedRegex("<cwd>([^<]*)</cwd>")]
    private static partial System.Text.RegularExpressions.Regex CwdElement();

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
                    blocks.Add(ContentBlock.FromText(item.GetStringOrNull("text") ?? string.Empty));
                    break;
                case "refusal":
                    blocks.Add(ContentBlock.FromText(item.GetStringOrNull("refusal") ?? string.Empty));
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

    public static string Text(JsonElement content) => RolloutMessage.JoinText(ReadBlocks(content));

    private static readonly string[] ContextMarkers =
    {
        "<environment_context>", "<user_instructions>", "# AGENTS.md instructions", "<INSTRUCTIONS>", "<permissions instructions>",
        "<collaboration_mode>", "<skills_instructions>", "<skill>", "<subagent_notification>", "<personality",
    };

    private static readonly string[] CompactionMarkers =
    {
        "Another language model started to solve this problem and produced a summary of its thinking process.",
    };

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
