using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.ClaudeCode;

/// <summary>
/// Rebuilds the conversation a Claude Code transcript means. The file is a DAG, not a list: rewinds and
/// edits leave abandoned branches, compaction restarts the chain (parentUuid null, logicalParentUuid pointing
/// back), and one API response is spread over one line per content block. The active path runs from the
/// latest conversational line back to the root; the other lines of its responses and the tool results
/// answering its calls hang off that path and belong to it too.
/// </summary>
internal sealed class ClaudeConversation
{
    private ClaudeConversation(IReadOnlyList<RolloutMessage> messages, IReadOnlyList<string> activeUuids)
    {
        Messages = messages;
        ActiveUuids = activeUuids;
    }

    public IReadOnlyList<RolloutMessage> Messages { get; }

    /// <summary>Uuids of the active path, from the tip back to the root.</summary>
    public IReadOnlyList<string> ActiveUuids { get; }

    public int AbandonedEntries { get; private init; }
    public int SidechainEntries { get; private init; }
    public int DuplicateEntries { get; private init; }
    public int OrphanToolResults { get; private init; }
    public int UnansweredToolCalls { get; private init; }

    /// <summary>Every API response in the file counted once, abandoned branches included: they were billed.</summary>
    public TokenUsage Usage { get; private init; }

    /// <summary>Models of the file's real responses, in order of first use.</summary>
    public IReadOnlyList<string> Models { get; private init; } = Array.Empty<string>();

    public static ClaudeConversation Build(ClaudeTranscript transcript)
    {
        var entries = transcript.Entries;
        var indexByUuid = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicates = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Uuid is { } uuid && !indexByUuid.TryAdd(uuid, i)) duplicates++;
        }

        // A main session's file can hold sidechain lines of its subagents; they are not its conversation.
        var ownLines = (ClaudeEntry e) => transcript.IsSidechain || !e.IsSidechain;
        var activePath = ActivePath(entries, indexByUuid, ownLines);
        var included = Include(entries, activePath);

        var builder = new ConversationBuilder();
        var responses = new Dictionary<string, ConversationBuilder.AssistantTurn>(StringComparer.Ordinal);
        foreach (var index in included) AddMessages(builder, responses, entries[index]);

        var abandoned = 0;
        var sidechain = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (!entries[i].IsConversational || included.Contains(i)) continue;
            if (ownLines(entries[i])) abandoned++;
            else sidechain++;
        }

        return new ClaudeConversation(builder.Build(), activePath.Select(i => entries[i].Uuid!).ToArray())
        {
            AbandonedEntries = abandoned,
            SidechainEntries = sidechain,
            DuplicateEntries = duplicates,
            OrphanToolResults = builder.OrphanToolResults,
            UnansweredToolCalls = builder.UnansweredToolCalls,
            Usage = ResponseGroups(entries).Values.Aggregate(default(TokenUsage), (sum, usage) => sum + usage),
            Models = entries
                .Where(e => e.Assistant is { IsSynthetic: false, Model: not null })
                .Select(e => e.Assistant!.Model!)
                .Distinct(StringComparer.Ordinal)
                .ToArray(),
        };
    }

    /// <summary>
    /// One included line into the conversation: the lines of one response fill one assistant message
    /// (parallel tool calls together), each tool_result becomes a tool message, user text a user message.
    /// </summary>
    private static void AddMessages(ConversationBuilder builder, Dictionary<string, ConversationBuilder.AssistantTurn> responses, ClaudeEntry entry)
    {
        if (entry.Assistant is { } line)
        {
            var key = ResponseKey(entry);
            if (!responses.TryGetValue(key, out var turn) || turn.IsClosed)
            {
                turn = builder.StartAssistant(entry.Timestamp, line.Model, line.IsSynthetic ? MessageKind.Synthetic : MessageKind.Response);
                responses[key] = turn;
            }
            turn.AddContent(line.Blocks);
            foreach (var thought in line.Thinking) turn.AddReasoning(thought);
            foreach (var call in line.ToolCalls) turn.AddToolCall(call);
            if (line.Usage is { } usage) turn.SetUsage(usage);
            foreach (var result in line.ServerToolResults) builder.AddToolResult(result with { Timestamp = entry.Timestamp });
        }
        else if (entry.User is { } user)
        {
            foreach (var result in user.ToolResults) builder.AddToolResult(result with { Timestamp = entry.Timestamp });
            if (user.Blocks.Count > 0) builder.AddMessage(MessageRole.User, user.Kind, user.Blocks, entry.Timestamp);
        }
        else if (entry.QueuedPrompt is { } queued)
        {
            builder.AddMessage(MessageRole.User, MessageKind.QueuedPrompt, new[] { ContentBlock.FromText(queued) }, entry.Timestamp);
        }
    }

    /// <summary>Indices of the active path, tip first.</summary>
    private static List<int> ActivePath(List<ClaudeEntry> entries, Dictionary<string, int> indexByUuid, Func<ClaudeEntry, bool> ownLines)
    {
        var path = new List<int>();
        var tip = entries.FindLastIndex(e => e.Uuid is not null && e.IsConversational && ownLines(e));
        var seen = new HashSet<int>();
        for (var current = tip; current >= 0 && seen.Add(current);)
        {
            path.Add(current);
            var entry = entries[current];
            var parent = entry.ParentUuid ?? entry.LogicalParentUuid;
            current = parent is not null && indexByUuid.TryGetValue(parent, out var next) ? next : -1;
        }
        return path;
    }

    /// <summary>The active path plus the lines that hang off it, in file order.</summary>
    private static SortedSet<int> Include(List<ClaudeEntry> entries, List<int> activePath)
    {
        var included = new SortedSet<int>(activePath.Where(i => entries[i].IsConversational));
        var responseKeys = new HashSet<string>(included.Where(i => entries[i].Assistant is not null).Select(i => ResponseKey(entries[i])), StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Assistant is not null && responseKeys.Contains(ResponseKey(entries[i]))) included.Add(i);
        }

        var calls = new HashSet<string>(included.SelectMany(i => entries[i].Assistant?.ToolCalls ?? Array.Empty<ToolCall>()).Select(c => c.Id), StringComparer.Ordinal);
        var answered = new HashSet<string>(included.SelectMany(i => entries[i].User?.ToolResults ?? Array.Empty<ToolResult>()).Select(r => r.CallId), StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var results = entries[i].User?.ToolResults;
            if (results is null || results.Count == 0 || included.Contains(i)) continue;
            if (results.All(r => calls.Contains(r.CallId) && !answered.Contains(r.CallId)))
            {
                included.Add(i);
                answered.UnionWith(results.Select(r => r.CallId));
            }
        }

        // A queued prompt recovered from the queue lines has no place in the DAG: it belongs to the branch
        // of the conversational line that follows it.
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Uuid is not null) continue;
            var next = entries.FindIndex(i + 1, e => e.Uuid is not null && e.IsConversational);
            if (next < 0 || included.Contains(next)) included.Add(i);
        }
        return included;
    }

    /// <summary>
    /// One API response: message.id and requestId, scoped by session because gateways have been seen to
    /// reuse one message id. A line without a message id is a response of its own.
    /// </summary>
    internal static string ResponseKey(ClaudeEntry entry) => entry.Assistant!.MessageId is { } id
        ? $"{entry.SessionId}\u001f{id}\u001f{entry.Assistant.RequestId}"
        : $"\u001e{entry.Uuid}";

    /// <summary>Usage per response: the lines repeat it, early lines with partial output; the fullest one counts.</summary>
    private static Dictionary<string, TokenUsage> ResponseGroups(List<ClaudeEntry> entries)
    {
        var groups = new Dictionary<string, TokenUsage>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Assistant is not { IsSynthetic: false, Usage: { } usage }) continue;
            var key = ResponseKey(entry);
            if (!groups.TryGetValue(key, out var best) || usage.Total > best.Total) groups[key] = usage;
        }
        return groups;
    }
}
