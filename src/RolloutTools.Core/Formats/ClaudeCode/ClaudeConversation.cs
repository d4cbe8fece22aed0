using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.ClaudeCode;

/// <summary>
/// Rebuilds the conversation a Claude Code transcript means. The file is a DAG, not a list: a rewind or an
/// edit gives an earlier entry a second child and leaves the first branch behind; compaction restarts the
/// chain (parentUuid null, logicalParentUuid pointing back); plan mode and /clear can start a fresh chain in
/// the same file; and some parents were never written at all (a streamed block that was not flushed, the
/// pre-compaction entry of a boundary). The conversation runs from the latest line of the session back
/// through its parents; where a parent is missing or the chain starts afresh, it goes on with the line
/// written before, so only branches that lost to a later sibling are left out. The other lines of its
/// responses and the results of its calls hang off that path and belong to it too.
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

    /// <summary>Chains the conversation is made of: 1, plus one for every fresh start later in the file.</summary>
    public int Segments { get; private init; }

    /// <summary>Parents named but never written, crossed by going on with the line before.</summary>
    public int BridgedGaps { get; private init; }

    public int AbandonedEntries { get; private init; }
    public int RetractedEntries { get; private init; }
    public int SidechainEntries { get; private init; }
    public int OtherSessionEntries { get; private init; }
    public int DuplicateEntries { get; private init; }
    public int OrphanToolResults { get; private init; }
    public int UnansweredToolCalls { get; private init; }

    /// <summary>Every API response in the file counted once, abandoned branches included: they were billed.</summary>
    public TokenUsage Usage { get; private init; }

    /// <summary>Responses Usage counts and Messages leaves out: those of abandoned branches when they are not read.</summary>
    public IReadOnlyList<UnlistedResponse> UnlistedResponses { get; private init; } = Array.Empty<UnlistedResponse>();

    /// <summary>Models of the file's real responses, in order of first use.</summary>
    public IReadOnlyList<string> Models { get; private init; } = Array.Empty<string>();

    /// <param name="sessionId">The session the file is about; lines of other sessions are never bridged to.</param>
    /// <param name="includeAbandoned">Keep the lines of abandoned branches too, in file order, marked.</param>
    public static ClaudeConversation Build(ClaudeTranscript transcript, string sessionId, bool includeAbandoned)
    {
        var entries = transcript.Entries;
        var indexByUuid = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicates = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Uuid is { } uuid && !indexByUuid.TryAdd(uuid, i)) duplicates++;
        }

        // A main session's file can hold sidechain lines of its subagents; they are not its conversation.
        bool Own(ClaudeEntry e) => transcript.IsSidechain || !e.IsSidechain;
        bool OfSession(ClaudeEntry e) => e.SessionId is null || e.SessionId == sessionId || sessionId.Length == 0;
        var walk = ActivePath(entries, indexByUuid, e => Own(e) && OfSession(e));
        var included = Include(entries, indexByUuid, walk.Path);

        // Lines a refusal withdrew are left out like an abandoned branch, wherever they hang, and counted apart. What a
        // refusal withdraws is the model's output; a line with a person's words stays whatever lists it, since losing
        // them silently is the one mistake a reader must not make.
        var retracted = transcript.Retracted.Count == 0
            ? new HashSet<int>()
            : Enumerable.Range(0, entries.Count)
                .Where(i => entries[i].Uuid is { } uuid && transcript.Retracted.Contains(uuid) && entries[i].User is not { HoldsPersonsWords: true })
                .ToHashSet();
        included.ExceptWith(retracted);

        var abandoned = new HashSet<int>();
        var sidechain = 0;
        var otherSession = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (!entries[i].IsConversational || included.Contains(i)) continue;
            if (!Own(entries[i])) sidechain++;
            else if (!OfSession(entries[i])) otherSession++;
            else abandoned.Add(i);
        }
        if (includeAbandoned) included.UnionWith(abandoned);

        var builder = new ConversationBuilder();
        foreach (var unit in Units(entries, included))
        {
            builder.MarkAbandoned = abandoned.Contains(unit[0]);
            AddMessages(builder, unit.Select(i => entries[i]).ToArray());
        }
        var messages = builder.Build();

        return new ClaudeConversation(messages, walk.Path.Select(i => entries[i].Uuid!).ToArray())
        {
            UnlistedResponses = includeAbandoned ? builder.Unlisted : builder.Unlisted.Concat(LeftResponses(entries, included, abandoned)).ToArray(),
            Segments = walk.Segments,
            BridgedGaps = walk.Gaps,
            AbandonedEntries = abandoned.Count(i => !retracted.Contains(i)),
            RetractedEntries = retracted.Count(i => entries[i].IsConversational),
            SidechainEntries = sidechain,
            OtherSessionEntries = otherSession,
            DuplicateEntries = duplicates,
            OrphanToolResults = builder.OrphanToolResults,
            UnansweredToolCalls = builder.UnansweredToolCalls,
            Usage = ResponseGroups(entries).Values.Aggregate(default(TokenUsage), (sum, line) => sum + line.BilledUsage),
            Models = entries
                .Where(e => e.Assistant is { IsSynthetic: false, Model: not null })
                .Select(e => e.Assistant!.Model!)
                .Concat(entries.SelectMany(e => e.Assistant?.AdvisorCalls ?? Array.Empty<InnerCall>()).Select(c => c.Model).OfType<string>())
                .Distinct(StringComparer.Ordinal)
                .ToArray(),
        };
    }

    /// <summary>
    /// The responses of the abandoned (and retracted) lines, each as it would be read with -IncludeAbandoned:
    /// the lines are grouped into responses among the included ones, as that read groups them, and built apart.
    /// </summary>
    private static IReadOnlyList<UnlistedResponse> LeftResponses(List<ClaudeEntry> entries, SortedSet<int> included, HashSet<int> abandoned)
    {
        if (!abandoned.Any(i => entries[i].Assistant is { Usage: not null })) return Array.Empty<UnlistedResponse>();
        var left = new ConversationBuilder { MarkAbandoned = true };
        foreach (var unit in Units(entries, new SortedSet<int>(included.Concat(abandoned))))
        {
            if (abandoned.Contains(unit[0]) && entries[unit[0]].Assistant is not null) AddMessages(left, unit.Select(i => entries[i]).ToArray());
        }
        return left.BuildUnlisted();
    }

    /// <summary>
    /// The included lines in file order, the lines of one API response gathered at the place of its first:
    /// what Claude Code writes between them (results of tools that started mid-stream, queue operations, a
    /// queued prompt, progress) never splits the response. A response is over once another one starts or
    /// the person types; a later line with its key is then a gateway reusing the id, a response of its own.
    /// (A gateway that reuses one id for a whole tool loop without a request id is not told apart.)
    /// </summary>
    private static List<List<int>> Units(List<ClaudeEntry> entries, SortedSet<int> included)
    {
        var units = new List<List<int>>();
        List<int>? response = null;
        string? responseKey = null;
        foreach (var i in included)
        {
            var entry = entries[i];
            if (entry.Assistant is not null)
            {
                var key = ResponseKey(entry);
                if (response is not null && key == responseKey)
                {
                    response.Add(i);
                    continue;
                }
                response = new List<int> { i };
                responseKey = key;
                units.Add(response);
                continue;
            }
            if (entry.User is { IsTypedPrompt: true }) response = null;
            units.Add(new List<int> { i });
        }
        return units;
    }

    /// <summary>
    /// One unit into the conversation: the lines of one response fill one assistant message (parallel tool
    /// calls together, blocks in apiBlockIndex order, a block written twice taken once), each tool_result
    /// becomes a tool message, user text user messages of their kinds.
    /// </summary>
    private static void AddMessages(ConversationBuilder builder, IReadOnlyList<ClaudeEntry> unit)
    {
        var first = unit[0];
        if (first.Assistant is { } head)
        {
            var turn = builder.StartAssistant(first.Timestamp, head.Model, head.IsSynthetic ? MessageKind.Synthetic : MessageKind.Response);
            turn.ResponseId = ResponseId(head);
            var lines = unit.All(e => e.Assistant!.BlockIndex is not null) ? unit.OrderBy(e => e.Assistant!.BlockIndex) : (IEnumerable<ClaudeEntry>)unit;
            var blocks = new HashSet<int>();
            foreach (var entry in lines)
            {
                var line = entry.Assistant!;
                if (line.Usage is { } usage) turn.SetUsage(usage, line.StatedCost, line.AdvisorCalls);
                if (line.BlockIndex is { } index && !blocks.Add(index)) continue;
                turn.AddContent(line.Blocks);
                foreach (var thought in line.Thinking) turn.AddReasoning(thought);
                foreach (var call in line.ToolCalls) turn.AddToolCall(call);
                foreach (var result in line.ServerToolResults) builder.AddToolResult(result with { Timestamp = entry.Timestamp });
            }
        }
        else if (first.User is { } user)
        {
            foreach (var result in user.ToolResults) builder.AddToolResult(result with { Timestamp = first.Timestamp });
            foreach (var part in user.Parts) builder.AddMessage(MessageRole.User, part.Kind, part.Blocks, first.Timestamp);
        }
    }

    /// <summary>
    /// Indices of the active path, tip first, with the number of chains it joins and gaps it crosses. A line
    /// without a parent that is not the first of the session, or whose parent was never written, goes on
    /// with the latest conversational line of the session written before it.
    /// </summary>
    private static (List<int> Path, int Segments, int Gaps) ActivePath(List<ClaudeEntry> entries, Dictionary<string, int> indexByUuid, Func<ClaudeEntry, bool> ofConversation)
    {
        var path = new List<int>();
        var tip = entries.FindLastIndex(e => e.Uuid is not null && e.IsConversational && ofConversation(e));
        var seen = new HashSet<int>();
        var segments = tip < 0 ? 0 : 1;
        var gaps = 0;
        for (var current = tip; current >= 0 && seen.Add(current);)
        {
            path.Add(current);
            var entry = entries[current];
            var parent = entry.ParentUuid ?? entry.LogicalParentUuid;
            if (parent is not null && indexByUuid.TryGetValue(parent, out var next) && !seen.Contains(next))
            {
                current = next;
                continue;
            }
            current = LineBefore(current);
            if (current < 0) break;
            if (parent is null) segments++;
            else gaps++;
        }
        return (path, segments, gaps);

        int LineBefore(int index)
        {
            for (var j = index - 1; j >= 0; j--)
            {
                if (!seen.Contains(j) && entries[j].Uuid is not null && entries[j].IsConversational && ofConversation(entries[j])) return j;
            }
            return -1;
        }
    }

    /// <summary>The active path plus the lines that hang off it.</summary>
    private static SortedSet<int> Include(List<ClaudeEntry> entries, Dictionary<string, int> indexByUuid, List<int> activePath)
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

        // A compaction that keeps a preserved segment (about 2.1.27x) chains the lines after it to the segment's
        // tail, written before the boundary; its summary then hangs off the path by the boundary's logical parent.
        var onPath = new HashSet<string>(included.Select(i => entries[i].Uuid).OfType<string>(), StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            if (included.Contains(i) || entries[i].User?.Parts is not [{ Kind: MessageKind.CompactionSummary }]) continue;
            if (entries[i].ParentUuid is { } parent && indexByUuid.TryGetValue(parent, out var boundary)
                && entries[boundary].LogicalParentUuid is { } before && onPath.Contains(before))
            {
                included.Add(i);
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

    /// <summary>
    /// The response across files: message.id and requestId, as ccusage keys usage (message.id alone when a
    /// gateway dropped the request id). Not scoped by session: a resumed or forked session copies its
    /// history into a file of another session id, and the copy must count once.
    /// </summary>
    private static string? ResponseId(AssistantLine line) => line.MessageId is not { } id
        ? null
        : line.RequestId is { } request ? $"{id}:{request}" : id;

    /// <summary>
    /// The line whose usage counts for each response: the lines repeat it, early lines with partial output; the
    /// fullest one counts, with the advisor calls it lists.
    /// </summary>
    private static Dictionary<string, AssistantLine> ResponseGroups(List<ClaudeEntry> entries)
    {
        var groups = new Dictionary<string, AssistantLine>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Assistant is not { IsSynthetic: false, Usage: { } usage } line) continue;
            var key = ResponseKey(entry);
            if (!groups.TryGetValue(key, out var best) || usage.Total > best.Usage!.Value.Total) groups[key] = line;
        }
        return groups;
    }
}
