using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.Hermes;

/// <summary>
/// What a stored Hermes message is beyond its role. Hermes writes user rows that no person typed: scaffolding the
/// interface never shows, another agent's words, its own notifications (display_kind, hermes_state_messages.py),
/// and the summaries its context compressor leaves in the person's place (agent/context_compressor.py).
/// </summary>
internal static class HermesMessageKinds
{
    /// <summary>
    /// The kind a row's markers give: _compressed_summary, then display_kind. "hidden" is model-facing
    /// scaffolding the gateway never paints (approval resume instructions, the handoff after a rewind, effort
    /// markers); "internal_notification" a notice Hermes sends itself (a background process finished, a goal
    /// continuation); "peer_message" another agent's message. Null: the role and the text decide.
    /// </summary>
    public static MessageKind? Of(string role, string? displayKind, bool compressedSummary)
    {
        if (compressedSummary) return MessageKind.CompactionSummary;
        if (role != "user") return null;
        return displayKind switch
        {
            "hidden" or "internal_notification" => MessageKind.Context,
            "peer_message" => MessageKind.AgentMessage,
            _ => null,
        };
    }

    /// <summary>
    /// The opening every summary prefix Hermes has shipped shares (SUMMARY_PREFIX and its historical forms), and
    /// the older LEGACY_SUMMARY_PREFIX. Like Hermes' own preview, the whole opening sentence is matched, so a
    /// message that merely starts with the bracketed label is not taken for a summary.
    /// </summary>
    private static readonly string[] SummaryPrefixes =
    {
        "[CONTEXT COMPACTION — REFERENCE ONLY] Earlier turns were compacted into the summary below.",
        "[CONTEXT SUMMARY]:",
    };

    /// <summary>Ends a summary that carries the person's next message after it (_SUMMARY_END_MARKER).</summary>
    private const string SummaryEnd = "--- END OF CONTEXT SUMMARY — respond to the message below, not the summary above ---";

    /// <summary>Separates a message's own earlier text from the summary merged after it (_MERGED_SUMMARY_DELIMITER).</summary>
    private const string MergedDelimiter = "[END OF PRIOR CONTEXT — COMPACTION SUMMARY BELOW]";

    /// <summary>Opens that earlier text (_MERGED_PRIOR_CONTEXT_HEADER).</summary>
    private const string MergedPriorHeader = "[PRIOR CONTEXT — for reference only; not a new message]";

    /// <summary>The user message a compaction writes when no person's turn was left to carry on from (current and older wording).</summary>
    private static readonly string[] ContinuationMarkers =
    {
        "Continue from the compressed conversation context above. This marker exists because no human user turn was available.",
        "Continue from the compressed conversation context above. This marker exists because the compacted transcript contained no preserved user turn.",
    };

    /// <summary>
    /// A user row as the messages it holds. Stores and builds without the _compressed_summary marker (gateway
    /// transcripts, CLI snapshots, older state.db files) are told by the summary's prefix, as Hermes' preview tells
    /// them. A carrier of a summary and a person's words is split in two, in stored order, so the summary is a
    /// CompactionSummary and the words stay the person's: the summary then the end marker then the next message,
    /// or the message's earlier text then the delimiter then the summary.
    /// </summary>
    public static IEnumerable<OpenAIMessage> Split(OpenAIMessage message)
    {
        if (message.Role != "user" || message.Kind is not (null or MessageKind.CompactionSummary) || message.Content is not [{ Type: ContentBlockType.Text, Text: { } text }])
        {
            yield return message;
            yield break;
        }
        if (ContinuationMarkers.Contains(text.Trim(), StringComparer.Ordinal))
        {
            yield return message with { Kind = MessageKind.Context };
            yield break;
        }
        if (IsSummary(text))
        {
            var end = text.IndexOf(SummaryEnd, StringComparison.Ordinal);
            var rest = end < 0 ? string.Empty : text[(end + SummaryEnd.Length)..].Trim();
            if (rest.Length == 0)
            {
                yield return message with { Kind = MessageKind.CompactionSummary };
                yield break;
            }
            yield return Part(message, text[..(end + SummaryEnd.Length)].Trim(), MessageKind.CompactionSummary);
            yield return Part(message, rest, null);
            yield break;
        }
        var delimiter = text.IndexOf(MergedDelimiter, StringComparison.Ordinal);
        if (delimiter >= 0 && IsSummary(text[(delimiter + MergedDelimiter.Length)..]))
        {
            var prior = text[..delimiter].Trim();
            if (prior.StartsWith(MergedPriorHeader, StringComparison.Ordinal)) prior = prior[MergedPriorHeader.Length..].Trim();
            if (prior.Length > 0) yield return Part(message, prior, null);
            yield return Part(message, text[(delimiter + MergedDelimiter.Length)..].Trim(), MessageKind.CompactionSummary);
            yield break;
        }
        yield return message;
    }

    private static bool IsSummary(string text)
    {
        var start = text.TrimStart();
        return SummaryPrefixes.Any(p => start.StartsWith(p, StringComparison.Ordinal));
    }

    private static OpenAIMessage Part(OpenAIMessage message, string text, MessageKind? kind) =>
        message with { Content = new[] { ContentBlock.FromText(text) }, Kind = kind };
}
