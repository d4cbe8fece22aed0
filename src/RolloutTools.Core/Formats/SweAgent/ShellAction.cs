using System.Text.RegularExpressions;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.SweAgent;

/// <summary>
/// An action the model wrote as text instead of a function call: SWE-agent's thought/action parsers and
/// mini-swe-agent's text-based models take a command out of a fenced block and run it in the shell. Both agents
/// run that command as the next step and show its output in the next message, so it is read as a call of a tool
/// named "bash" (the name both give their shell tool when they use function calling) with the command as its
/// argument, and the text outside the block as what the model said.
/// </summary>
internal static partial class ShellAction
{
    public const string ToolName = "bash";

    public static ToolCall Call(string id, string command) => new(id, ToolName, Json.JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("command", command);
        w.WriteEndObject();
    }));

    /// <summary>
    /// The command of mini-swe-agent 1's responses, which stored no parsed action: the one ```bash block
    /// (agents/default.py parse_action, v1) or ```mswea_bash_command block (the text-based models of v2). A
    /// response with none or several had no action: the agent answered it with a format error.
    /// </summary>
    public static string? FromText(string text)
    {
        var blocks = Fence().Matches(text);
        return blocks.Count == 1 ? blocks[0].Groups["command"].Value.Trim() : null;
    }

    /// <summary>The text without the fenced block that holds the command; the text as it is when no block holds it.</summary>
    public static string Without(string text, string command)
    {
        foreach (Match block in AnyFence().Matches(text))
        {
            if (block.Groups["body"].Value.Trim() != command.Trim()) continue;
            return (text[..block.Index].TrimEnd() + "\n\n" + text[(block.Index + block.Length)..].TrimStart()).Trim();
        }
        return text;
    }

    [GeneratedRegex(@"```(?:bash|mswea_bash_command)[ \t]*\r?\n(?<command>.*?)\r?\n```", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Fence();

    [GeneratedRegex(@"```[^\n`]*\r?\n(?<body>.*?)```", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex AnyFence();
}
