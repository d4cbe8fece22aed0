using System.Text;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Cursor;

/// <summary>
/// The plain-text transcripts Cursor wrote before its JSONL ones (agent-transcripts/&lt;id&gt;.txt; third-party
/// readers date the JSONL transcripts from early 2026). Their shape, as the public readers that parse them agree on
/// it: a line "user:" or "assistant:" (some readers saw "A:") alone starts a turn; a user turn holds the
/// &lt;user_query&gt; as the JSONL's text does; in an assistant turn a line "[Thinking] …" begins reasoning,
/// "[Tool call] Name" begins a call whose indented "key: value" lines are its arguments, and "[Tool result] Name"
/// begins the call's output. The readers do not agree on where reasoning and a result end, so each runs to the next
/// marker or turn: text after a result is never taken for the model's words. Each run of the model's text,
/// reasoning and calls is a response, and its results follow it, paired with the calls in order.
/// </summary>
internal sealed partial class CursorTranscript
{
    private const string ThinkingMarker = "[Thinking]";
    private const string CallMarker = "[Tool call]";
    private const string ResultMarker = "[Tool result]";

    /// <summary>Lines of a plain-text transcript before its first turn (not known to hold anything).</summary>
    public int LinesBeforeFirstTurn { get; private set; }

    public static CursorTranscript ParseText(Stream stream, bool isSubagent, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var transcript = new CursorTranscript(isSubagent, diagnostics);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        string? role = null;
        var section = new List<(int Number, string Text)>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            cancellation.ThrowIfCancellationRequested();
            number++;
            transcript.Values++;
            if (RoleOf(line) is { } next)
            {
                transcript.AddSection(role, section);
                role = next;
                section.Clear();
                continue;
            }
            if (role is null)
            {
                if (line.Trim().Length > 0) transcript.LinesBeforeFirstTurn++;
                continue;
            }
            section.Add((number, line));
        }
        transcript.AddSection(role, section);
        transcript.Messages = transcript._conversation.Build();
        return transcript;
    }

    private static string? RoleOf(string line) => line.Trim() switch
    {
        "user:" => "user",
        "assistant:" or "A:" => "assistant",
        _ => null,
    };

    private void AddSection(string? role, List<(int Number, string Text)> lines)
    {
        if (role is null) return;
        ConversationLines++;
        if (role == "user")
        {
            var text = string.Join("\n", lines.Select(l => l.Text)).Trim();
            if (text.Length > 0) ApplyUser(new[] { text }, Array.Empty<ContentBlock>(), MessageRole.User);
            return;
        }
        foreach (var step in Steps(lines)) ApplyAssistant(step);
    }

    /// <summary>An assistant turn as responses: text, reasoning and calls until the results that follow them.</summary>
    private IEnumerable<ParsedLine> Steps(List<(int Number, string Text)> lines)
    {
        var step = new ParsedLine();
        var text = new List<string>();
        List<string>? thinking = null;
        List<string>? result = null;
        (int Line, string Name, List<(string Key, string Value)> Arguments)? call = null;
        var calls = 0;

        void Close()
        {
            if (text.Count > 0 && string.Join("\n", text).Trim() is { Length: > 0 } words) step.Texts.Add(words);
            text.Clear();
            if (thinking is not null && string.Join("\n", thinking).Trim() is { Length: > 0 } thought) step.Thinking.Add(thought);
            thinking = null;
            if (result is not null) step.Results.Add(new ParsedResult(null, Block(string.Join("\n", result).Trim()), false));
            result = null;
            if (call is { } c)
            {
                var id = $"cursor-{c.Line}-{++calls}";
                _madeIds.Add(id);
                ToolCallIdsMade++;
                step.Calls.Add(new ToolCall(id, c.Name, JsonText.Write(w =>
                {
                    w.WriteStartObject();
                    foreach (var (key, value) in c.Arguments) w.WriteString(key, value);
                    w.WriteEndObject();
                })));
            }
            call = null;
        }

        foreach (var (number, line) in lines)
        {
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith(ThinkingMarker, StringComparison.Ordinal) || trimmed.StartsWith(CallMarker, StringComparison.Ordinal))
            {
                Close();
                if (step.Results.Count > 0)
                {
                    // The model speaks again after its calls' results: a new response.
                    yield return step;
                    step = new ParsedLine();
                }
                if (trimmed.StartsWith(ThinkingMarker, StringComparison.Ordinal)) thinking = new List<string> { trimmed[ThinkingMarker.Length..].Trim() };
                else call = (number, trimmed[CallMarker.Length..].Trim(), new List<(string, string)>());
                continue;
            }
            if (trimmed.StartsWith(ResultMarker, StringComparison.Ordinal))
            {
                Close();
                result = new List<string>();
                continue;
            }
            if (call is { } open)
            {
                // A call's arguments are its indented "key: value" lines; anything else ends it.
                if (line.Length > trimmed.Length && trimmed.IndexOf(':') is var colon and > 0)
                {
                    open.Arguments.Add((trimmed[..colon].Trim(), trimmed[(colon + 1)..].Trim()));
                    continue;
                }
                if (trimmed.Length == 0) continue;
                Close();
            }
            if (result is not null) result.Add(line);
            else if (thinking is not null) thinking.Add(line);
            else text.Add(line);
        }
        Close();
        if (step.Texts.Count > 0 || step.Thinking.Count > 0 || step.Calls.Count > 0 || step.Results.Count > 0) yield return step;
    }

    private static IReadOnlyList<ContentBlock> Block(string text) => text.Length > 0 ? new[] { ContentBlock.FromText(text) } : Array.Empty<ContentBlock>();
}
