using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.KimiCode;

/// <summary>
/// kimi-cli's context file (src/kimi_cli/soul/context.py): the messages the model is sent, one kosong Message a line
/// ({role, content, tool_calls [{id, function {name, arguments}}], tool_call_id}), with lines of Kimi's own whose role
/// begins with "_": _system_prompt (the system prompt, first), _checkpoint {id} (where a rewind can return to) and
/// _usage {token_count} (the context's size after a step). Lines carry no time and no per-step tokens: those are in
/// the wire.jsonl beside it (<see cref="KimiWire"/>), as is what the person sent (<see cref="KimiInputs"/>), for a
/// user message states no origin. /clear, a compaction and a rewind set the file aside as
/// context_&lt;n&gt;.jsonl and go on in a new one; a compaction's new file opens with its summary.
/// </summary>
internal static class KimiContext
{
    /// <summary>What Kimi puts before a compaction's summary (soul/compaction.py COMPACTION_OUTPUT_PREFIX).</summary>
    private const string CompactionPrefix = "<system>Previous context has been compacted.";

    public static KimiSession Read(TraceSource source, DiagnosticList diagnostics, bool isSubagent, string? model, KimiInputs inputs, CancellationToken cancellation)
    {
        var session = new KimiSession { Store = KimiStore.LegacyContext };
        using var stream = source.Open();
        JsonLineReader.ReadEach(stream, diagnostics, line =>
        {
            session.Lines++;
            try
            {
                var message = line.Root;
                switch (message.GetStringOrNull("role"))
                {
                    case "_system_prompt":
                        session.Builder.AddMessage(MessageRole.System, MessageKind.Context, KimiParts.Read(message.GetPropertyOrDefault("content")).Blocks, null);
                        break;
                    case "_checkpoint":
                        session.Checkpoints++;
                        break;
                    case "_usage":
                        session.ContextTokens = message.GetInt64OrZero("token_count");
                        break;
                    case "user":
                        var content = KimiParts.Read(message.GetPropertyOrDefault("content"));
                        session.Images += content.Blocks.Count(b => b.Type == ContentBlockType.Image);
                        if (IsCompactionSummary(content.Blocks))
                        {
                            // The summary's text follows Kimi's prefix in the same message (soul/compaction.py compact).
                            session.Compactions++;
                            session.Builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, content.Blocks, null);
                            break;
                        }
                        foreach (var (blocks, isKimis) in Runs(content.Blocks))
                        {
                            var kind = isKimis ? MessageKind.Context : inputs.KindOf(new KimiContent(blocks, Array.Empty<string>()).Text, isSubagent);
                            if (kind == MessageKind.Context) session.ContextMessages++;
                            session.Builder.AddMessage(MessageRole.User, kind, blocks, null);
                        }
                        break;
                    case "assistant":
                        session.Steps++;
                        var answer = KimiParts.Read(message.GetPropertyOrDefault("content"));
                        var turn = session.Builder.StartAssistant(null, model);
                        turn.AddContent(answer.Blocks);
                        foreach (var thought in answer.Thinking) turn.AddReasoning(thought);
                        foreach (var call in OpenAIMessages.ReadToolCalls(message.GetPropertyOrDefault("tool_calls"))) turn.AddToolCall(call);
                        break;
                    case "tool":
                        var id = message.GetIdOrNull("tool_call_id") ?? throw new FormatException("a tool message has no tool_call_id");
                        var output = KimiParts.Read(message.GetPropertyOrDefault("content"));
                        // A failed call's result opens with <system>ERROR: … (soul/message.py tool_result_to_message).
                        var failed = output.Blocks.FirstOrDefault() is { Type: ContentBlockType.Text, Text: { } first } && first.StartsWith("<system>ERROR:", StringComparison.Ordinal);
                        session.Builder.AddToolResult(new ToolResult(id, output.Blocks) { IsError = failed });
                        break;
                    case "system":
                        session.Builder.AddMessage(MessageRole.System, MessageKind.Context, KimiParts.Read(message.GetPropertyOrDefault("content")).Blocks, null);
                        break;
                    case var role:
                        diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, $"role '{role ?? "(none)"}' is none of user, assistant, tool, system and Kimi's own; skipped.");
                        break;
                }
            }
            catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, $"a value could not be read ({e.Message}); skipped.");
            }
        }, cancellation);
        return session;
    }

    /// <summary>
    /// A user message's parts in runs of the person's and of Kimi's: Kimi wraps what it adds in &lt;system&gt; or
    /// &lt;system-reminder&gt; (soul/message.py system, system_reminder: a checkpoint's marker, a reminder), and appends
    /// such parts to the person's own prompt too; a notification (a background task's end and the like) comes as a
    /// user message of its own opening &lt;notification id=… (notifications/llm.py), and the tasks still running after
    /// a compaction as a part opening &lt;active-background-tasks&gt; (background/summary.py) after Kimi's &lt;system&gt;
    /// part (kimisoul.py compact_context). Each run becomes a message, in the order the model read them.
    /// </summary>
    private static IEnumerable<(IReadOnlyList<ContentBlock> Blocks, bool IsKimis)> Runs(IReadOnlyList<ContentBlock> blocks)
    {
        var run = new List<ContentBlock>();
        var runIsKimis = false;
        foreach (var block in blocks)
        {
            var isKimis = block is { Type: ContentBlockType.Text, Text: { } text } && IsKimis(text.TrimStart());
            if (run.Count > 0 && isKimis != runIsKimis)
            {
                yield return (run, runIsKimis);
                run = new List<ContentBlock>();
            }
            run.Add(block);
            runIsKimis = isKimis;
        }
        if (run.Count > 0) yield return (run, runIsKimis);
    }

    private static bool IsKimis(string text) =>
        text.StartsWith("<system>", StringComparison.Ordinal) || text.StartsWith("<system-reminder>", StringComparison.Ordinal)
        || text.StartsWith("<notification ", StringComparison.Ordinal) || text.StartsWith("<active-background-tasks>", StringComparison.Ordinal);

    /// <summary>The message a compaction leaves: its first part is Kimi's prefix, the summary the parts after it.</summary>
    private static bool IsCompactionSummary(IReadOnlyList<ContentBlock> blocks) =>
        blocks.Count > 0 && blocks[0] is { Type: ContentBlockType.Text, Text: { } text } && text.TrimStart().StartsWith(CompactionPrefix, StringComparison.Ordinal);
}
