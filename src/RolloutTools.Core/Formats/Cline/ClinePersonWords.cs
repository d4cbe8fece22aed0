using System.Text.RegularExpressions;

namespace RolloutTools.Core.Formats.Cline;

/// <summary>
/// Where the person's words sit in a text block the agent wrote around them. Cline and its forks put what a person
/// typed in a tag of its own line (&lt;task&gt;, &lt;feedback&gt;, &lt;answer&gt;, &lt;user_message&gt;), often after a note of
/// their own ("The user denied this operation and provided the following feedback:", "[TASK RESUMPTION] …
/// New instructions for task continuation:", a command's output so far), and Cline's parseMentions appends the
/// contents of the files, folders and pages the person @-mentioned after it (core/mentions/index.ts). So a block
/// holds the person's words when such a tag starts a line and, once it closes, nothing but those attachments follows:
/// a file that merely contains the tag somewhere is not taken for the person.
/// </summary>
public static partial class ClinePersonWords
{
    /// <summary>The tags of a person's words in a user entry; a tool's result never holds a &lt;task&gt;.</summary>
    public static readonly IReadOnlyList<string> InUserText = new[] { "task", "feedback", "answer", "user_message" };

    public static readonly IReadOnlyList<string> InToolResult = new[] { "feedback", "answer", "user_message" };

    /// <summary>
    /// A block split at the person's words: the agent's text before them (<paramref name="Before"/>), the words without
    /// their tag, and the attached contents after them, each trimmed and possibly empty.
    /// </summary>
    public sealed record Split(string Before, string Words, string Attached);

    /// <summary>The split of a block that holds the person's words in one of <paramref name="tags"/>; null when it holds none.</summary>
    public static Split? Find(string text, IReadOnlyList<string> tags)
    {
        foreach (Match open in OpeningTag().Matches(text))
        {
            var tag = open.Groups[1].Value;
            if (!tags.Contains(tag)) continue;
            var wordsStart = open.Index + open.Length;
            var close = text.IndexOf($"</{tag}>", wordsStart, StringComparison.Ordinal);
            if (close < 0) continue;
            var after = close + tag.Length + 3;
            if (!OnlyAttachments().IsMatch(text[after..])) continue;
            return new Split(text[..open.Index].Trim(), text[wordsStart..close].Trim(), text[after..].Trim());
        }
        return null;
    }

    [GeneratedRegex(@"^[ \t]*<(task|feedback|answer|user_message)>", RegexOptions.Multiline)]
    private static partial Regex OpeningTag();

    /// <summary>What parseMentions appends for an @-mention: file, folder, URL, problems, terminal, git state or commit.</summary>
    [GeneratedRegex(@"\A\s*(?:<(file_content|folder_content|url_content|workspace_diagnostics|terminal_output|git_working_state|git_commit)\b[^>]*>.*?</\1>\s*)*\z", RegexOptions.Singleline)]
    private static partial Regex OnlyAttachments();
}
