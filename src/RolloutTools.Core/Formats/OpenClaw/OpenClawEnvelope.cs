using System.Text.RegularExpressions;

namespace RolloutTools.Core.Formats.OpenClaw;

/// <summary>
/// The header OpenClaw puts before every message a person sends from a chat app, so the model knows where it came
/// from: "[&lt;channel&gt; &lt;from&gt; +&lt;elapsed&gt; &lt;time&gt;] &lt;body&gt;" (formatAgentEnvelope in src/auto-reply/envelope.ts, its parts
/// cleared of brackets and line breaks). The message keeps it, as the model read it; a title is the body alone.
/// </summary>
internal static partial class OpenClawEnvelope
{
    /// <summary>The body of an enveloped message; any other text as it is.</summary>
    public static string Body(string text) =>
        Header().Match(text) is { Success: true } header && IsEnvelope(header.Groups["header"].Value) ? text[header.Length..] : text;

    /// <summary>
    /// A bracket that opens a message is OpenClaw's header when it carries the time OpenClaw adds (on unless
    /// envelopeTimestamp is off) or starts with the name of a chat app it connects: a person's own "[draft] …" is neither.
    /// </summary>
    private static bool IsEnvelope(string header) => Channel().IsMatch(header) || Time().IsMatch(header);

    [GeneratedRegex(@"^\[(?<header>[^\[\]\r\n]{1,400})\]\s+(?=\S)")]
    private static partial Regex Header();

    [GeneratedRegex(@"^(?:Telegram|WhatsApp|Discord|Slack|Signal|iMessage|BlueBubbles|Google ?Chat|Matrix|Mattermost|(?:Microsoft )?Teams|Zalo|WebChat)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Channel();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b")]
    private static partial Regex Time();
}
