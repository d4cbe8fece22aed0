using RolloutTools.Core.Model;

namespace RolloutTools.Core.Messages;

/// <summary>
/// Pairs each tool call of a record with the tool message that answers it, by call id, in the order the calls
/// were made. Parallel calls of one response are answered in any order; a call nothing answers has no result
/// (NoResult). When an id is used twice (agents reuse ids across responses, and datasets written by other tools
/// are not checked), each result answers the earliest call with that id still waiting, so neither is lost.
/// Readers already leave out results of calls they never saw (counted in SourceMeta's orphan_tool_results); a
/// record that still holds one (a Normalized dataset from elsewhere) gives a call of its own, without arguments,
/// at the result's place: the tool ran, and a count of tool use should show it.
/// </summary>
public static class ToolCallPairing
{
    public static IEnumerable<SessionToolCall> Pair(RolloutRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var slots = new List<Slot>();
        var waiting = new Dictionary<string, Queue<Slot>>(StringComparer.Ordinal);
        foreach (var message in record.Messages)
        {
            foreach (var call in message.ToolCalls)
            {
                var slot = new Slot(message, call);
                slots.Add(slot);
                if (!waiting.TryGetValue(call.Id, out var queue)) waiting[call.Id] = queue = new Queue<Slot>();
                queue.Enqueue(slot);
            }
            if (message.Role != MessageRole.Tool) continue;
            if (message.ToolCallId is { } id && waiting.TryGetValue(id, out var open) && open.TryDequeue(out var answered))
            {
                answered.Result = message;
            }
            else
            {
                slots.Add(new Slot(null, null) { Result = message });
            }
        }
        return slots.Select(s => new SessionToolCall(record, s.Call, s.ToolCall, s.Result));
    }

    private sealed class Slot
    {
        public Slot(RolloutMessage? call, ToolCall? toolCall)
        {
            Call = call;
            ToolCall = toolCall;
        }

        public RolloutMessage? Call { get; }

        public ToolCall? ToolCall { get; }

        public RolloutMessage? Result { get; set; }
    }
}
