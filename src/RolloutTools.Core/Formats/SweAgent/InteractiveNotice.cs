using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.SweAgent;

/// <summary>
/// The user messages mini-swe-agent's interactive agents write when the person steps in (agents/interactive.py, and
/// interactive_textual.py before 2.0): an interruption, a rejected command, a new task. Most carry what the person
/// typed after a fixed lead-in, and those are the person's words (a Prompt); the rest are fixed markers (an
/// Interruption). Before 2.0 nothing else marks them: they are plain user messages, in the place of the observation
/// of the command that did not run. From 2.0 extra.interrupt_type names them, and the text still tells the two apart.
/// </summary>
internal static class InteractiveNotice
{
    /// <summary>Lead-ins followed by what the person typed.</summary>
    private static readonly string[] Typed =
    {
        "Interrupted by user: ",
        "The user added a new task: ",
        "Command not executed. The user rejected your command with the following message: ",
        "Commands not executed. The user rejected your commands with the following message: ",
        "Command not executed: ",
    };

    /// <summary>Markers without the person's words; "Temporary interruption caught." is what an empty interruption says.</summary>
    private static readonly string[] Fixed =
    {
        "Interrupted by user: Temporary interruption caught.",
        "Command not executed. Switching to human mode",
        "Commands not executed. Switching to human mode",
        "Command not executed because user switched to manual mode.",
        "Switched to human mode.",
    };

    /// <summary>Prompt when the notice carries the person's words, Interruption for a fixed marker, null for any other text.</summary>
    public static MessageKind? Of(string text)
    {
        if (Fixed.Any(marker => text.Equals(marker, StringComparison.Ordinal))) return MessageKind.Interruption;
        return Typed.Any(lead => text.Length > lead.Length && text.StartsWith(lead, StringComparison.Ordinal)) ? MessageKind.Prompt : null;
    }
}
