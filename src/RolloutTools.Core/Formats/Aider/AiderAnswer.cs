using System.Text.RegularExpressions;

namespace RolloutTools.Core.Formats.Aider;

/// <summary>
/// The model's answer as aider writes it, split into its reasoning and its text. While streaming (the default),
/// aider puts the model's reasoning before the answer between "&lt;thinking-content-7bbeb8e1441453ad999a0bbba8a46d4b&gt;"
/// and a closing tag of the model's reasoning_tag ("think" for some models, else the same tag); a model that
/// reasons in its text writes "&lt;think&gt;…&lt;/think&gt;" itself. base_coder.py send() writes the answer before
/// remove_reasoning_content() takes that part out (since 2025-03), so the history keeps it.
/// </summary>
internal sealed record AiderAnswer(string? Reasoning, string Text)
{
    private const string Tags = "thinking-content-7bbeb8e1441453ad999a0bbba8a46d4b|think";

    private static readonly Regex Reasoned = new(
        $@"\A<(?:{Tags})>\s*(?<reasoning>.*?)\s*</(?:{Tags})>\s*(?<text>.*)\z",
        RegexOptions.CultureInvariant | RegexOptions.Singleline);

    /// <summary>An answer that opens with a closed reasoning block, split; any other answer is text alone, as aider keeps it.</summary>
    public static AiderAnswer Split(string answer) =>
        Reasoned.Match(answer) is { Success: true } match
            ? new AiderAnswer(match.Groups["reasoning"].Value.Length > 0 ? match.Groups["reasoning"].Value : null, match.Groups["text"].Value)
            : new AiderAnswer(null, answer);
}
