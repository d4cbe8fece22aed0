using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Export;

/// <summary>
/// {"conversations": [{"from", "value"}], "tools", "images"} as the common SFT trainers (LLaMA-Factory,
/// Axolotl) read ShareGPT. Turns alternate strictly, as LLaMA-Factory requires: an optional leading system
/// turn, then input (human, or observation after a call) and output (gpt, or function_call: a JSON
/// {name, arguments}, or a list of them for parallel calls). Adjacent turns of one kind are joined, and words
/// that arrive after a tool's result and before the model answers (a prompt typed after a rejected call or an
/// interruption, a queued prompt, injected context) join that observation: Claude Code itself sends them to
/// the model in the same user turn as the result. An assistant message that calls tools becomes its
/// function_call turn alone (its text and reasoning have no place there); trailing input turns are dropped. Reasoning, when asked for, leads a gpt value in
/// &lt;think&gt; tags; a user image is an &lt;image&gt; placeholder with its data URL in "images".
/// </summary>
internal static class ShareGptWriter
{
    private const string System = "system";
    private const string Human = "human";
    private const string Observation = "observation";
    private const string Gpt = "gpt";
    private const string FunctionCall = "function_call";

    /// <summary>Null when written; otherwise why the conversation cannot be a ShareGPT line (nothing is written).</summary>
    public static string? Write(Utf8JsonWriter w, IReadOnlyList<RolloutMessage> messages, bool includeReasoning)
    {
        var images = new List<string>();
        var turns = new List<(string From, string Value)>();
        foreach (var message in messages)
        {
            var turn = message.Role switch
            {
                MessageRole.System when turns.TrueForAll(t => t.From == System) => (System, DatasetText.Of(message)),
                MessageRole.System => (Human, DatasetText.Of(message)),
                MessageRole.User => (Human, string.Join("\n\n", message.Content.Select(b =>
                {
                    if (b.Type == ContentBlockType.Text) return b.Text;
                    images.Add(DatasetText.ImageUrl(b));
                    return "<image>";
                }))),
                MessageRole.Tool => (Observation, DatasetText.Of(message)),
                _ when message.ToolCalls.Count > 0 => (FunctionCall, Calls(message.ToolCalls)),
                _ => (Gpt, (includeReasoning && message.ReasoningContent is { } r ? $"<think>\n{r}\n</think>\n\n" : string.Empty) + message.Text),
            };
            var joins = turns.Count > 0 && (turns[^1].From == turn.Item1 || (turns[^1].From == Observation && turn.Item1 == Human));
            if (joins) turns[^1] = (turns[^1].From, turns[^1].Value + "\n\n" + turn.Item2);
            else turns.Add(turn);
        }
        while (turns.Count > 0 && turns[^1].From is Human or Observation) turns.RemoveAt(turns.Count - 1);

        var first = turns.FindIndex(t => t.From != System);
        for (var i = first; i >= 0 && i < turns.Count; i++)
        {
            var input = (i - first) % 2 == 0;
            if (input != (turns[i].From is Human or Observation))
            {
                var before = i == first ? "the start" : turns[i - 1].From;
                return $"its turns do not alternate between input and output at turn {i + 1} ({before}, then {turns[i].From})";
            }
        }
        if (first < 0 || turns.Count == first) return "it has no assistant turn to learn from";

        w.WriteStartObject();
        w.WritePropertyName("conversations");
        w.WriteStartArray();
        foreach (var (from, value) in turns)
        {
            w.WriteStartObject();
            w.WriteString("from", from);
            w.WriteString("value", value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (messages.Any(m => m.ToolCalls.Count > 0))
        {
            w.WriteString("tools", JsonText.Write(t => ToolSchemas.WriteTools(t, messages)));
        }
        if (images.Count > 0)
        {
            w.WritePropertyName("images");
            w.WriteStartArray();
            foreach (var image in images) w.WriteStringValue(image);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        return null;
    }

    private static string Calls(IReadOnlyList<ToolCall> calls) => JsonText.Write(w =>
    {
        if (calls.Count > 1) w.WriteStartArray();
        foreach (var call in calls)
        {
            w.WriteStartObject();
            w.WriteString("name", ToolSchemas.Name(call.Name));
            w.WritePropertyName("arguments");
            w.WriteRawValue(ToolSchemas.Arguments(call.Arguments));
            w.WriteEndObject();
        }
        if (calls.Count > 1) w.WriteEndArray();
    });
}
