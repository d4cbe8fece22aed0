using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.KimiCode;

/// <summary>
/// Who wrote a plain user message of a kimi-cli context file, which states no origin. Kimi puts its own words there
/// too: a Stop hook's reason (kimisoul.py run, since the hooks of 2026-03-30), a skill's text for /skill:&lt;name&gt;
/// (_make_skill_runner), a flow's question (FlowRunner._build_flow_prompt, the Ralph loop's among them) and, in a
/// subagent, the request for a longer summary (subagents/runner.py SUMMARY_CONTINUATION_PROMPT). What the person sent is
/// on the wire (<see cref="KimiWire.Inputs"/>), in order; the context's message repeats it unchanged.
/// </summary>
internal sealed class KimiInputs
{
    private const string SkillCommand = "/skill:";

    /// <summary>How a flow's question ends, and its retry after an answer with no choice (kimisoul.py FlowRunner).</summary>
    private static readonly string[] FlowQuestionEnds =
    {
        "Reply with a choice using <choice>...</choice>.",
        "Reply with one of the choices using <choice>...</choice>.",
    };

    private const string SummaryContinuation = "Your previous response was too brief. Please provide a more comprehensive summary";

    private readonly IReadOnlyList<string>? _sent;
    private int _next;
    private bool _matched;

    /// <param name="sent">What the wire says the person sent; null when no usable wire was read.</param>
    public KimiInputs(IReadOnlyList<string>? sent) => _sent = sent;

    /// <summary>
    /// The kind of a plain user message (its text parts joined). Without a wire every such message reads as sent by
    /// whoever drives the context: the person, or in a subagent the parent's model (its task, and a resumed agent's
    /// new one: tools/agent). Before the first message the wire names, a message is taken as sent too, since a
    /// session kimi-cli began before it kept a wire has no turns there.
    /// </summary>
    public MessageKind KindOf(string text, bool isSubagent)
    {
        var sender = isSubagent ? MessageKind.AgentMessage : MessageKind.Prompt;
        if (text.StartsWith(SummaryContinuation, StringComparison.Ordinal) || FlowQuestionEnds.Any(end => text.EndsWith(end, StringComparison.Ordinal)))
        {
            return MessageKind.Context;
        }
        if (_sent is null) return sender;
        for (var i = _next; i < _sent.Count; i++)
        {
            if (!string.Equals(_sent[i], text, StringComparison.Ordinal)) continue;
            _next = i + 1;
            _matched = true;
            return sender;
        }
        if (IsSkillFor(text)) return MessageKind.Command;
        return _matched ? MessageKind.Context : sender;
    }

    /// <summary>
    /// Whether the message is the skill text of the next /skill: command the person sent, passing over other slash
    /// commands, which put no message of theirs in the context; the words after the command follow the skill's text.
    /// </summary>
    private bool IsSkillFor(string text)
    {
        for (var i = _next; i < _sent!.Count && _sent[i].StartsWith('/'); i++)
        {
            var command = _sent[i].Trim();
            if (!command.StartsWith(SkillCommand, StringComparison.Ordinal)) continue;
            var space = command.IndexOfAny(new[] { ' ', '\t', '\n' });
            var request = space < 0 ? string.Empty : command[(space + 1)..].Trim();
            if (request.Length > 0 && !text.EndsWith("\n\nUser request:\n" + request, StringComparison.Ordinal)) return false;
            _next = i + 1;
            return true;
        }
        return false;
    }
}
