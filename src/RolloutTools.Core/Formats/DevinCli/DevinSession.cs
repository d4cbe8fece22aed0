namespace RolloutTools.Core.Formats.DevinCli;

/// <summary>
/// One sessions row. model is the model picked for the session, which can be a routing mode ("adaptive") or empty;
/// the model that answered is on each response. metadata is JSON that has been seen to carry the session's credit
/// and ACU totals (total_credit_cost, total_acu_cost): Devin's billing units, not dollars.
/// </summary>
internal sealed class DevinSession
{
    public required string Id { get; init; }
    public string? WorkingDirectory { get; init; }
    public string? BackendType { get; init; }
    public string? Model { get; init; }
    public string? AgentMode { get; init; }
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? LastActivity { get; init; }
    public string? Title { get; init; }
    public long? MainChainId { get; init; }

    /// <summary>A JSON list of the folders added to the session besides its working directory.</summary>
    public string? WorkspaceDirs { get; init; }

    /// <summary>Hidden from devin's own session list: kept in the table, but retired by the CLI.</summary>
    public bool Hidden { get; init; }

    public string? Metadata { get; init; }
}

/// <summary>A node of the forest, without its message.</summary>
/// <param name="SummarizedFrom">For a compaction's summary, the last node of the conversation it summarized.</param>
/// <param name="IsSystemPrefix">Part of the system prompt the CLI puts before every chain.</param>
internal sealed record DevinNodeLink(long Id, long? Parent, long? SummarizedFrom, bool IsSystemPrefix);

/// <summary>A node's stored message: its chat_message text as it is, and the node's time.</summary>
/// <param name="Where">"message node … (row …) of session …": how a diagnostic names it.</param>
internal sealed record DevinStoredNode(string Where, long Id, string? ChatMessage, DateTimeOffset? Created);

/// <summary>
/// A session's message_nodes: a forest, not a list. Each time the CLI rebuilds its context it writes a new chain of
/// nodes, copying earlier messages (same message_id) and leaving the old copies in place; a retried response is a
/// sibling of the one kept; a sub-agent's conversation and a compaction's summarizer are chains of their own. The
/// session's conversation is the chain that ends at sessions.main_chain_id, read from its root; most nodes of a long
/// session are off it (jazzyalex/agent-sessions measured 87%).
/// </summary>
internal sealed class DevinForest
{
    private readonly IReadOnlyDictionary<long, DevinNodeLink> _nodes;

    public DevinForest(IReadOnlyDictionary<long, DevinNodeLink> nodes) => _nodes = nodes;

    public int Count => _nodes.Count;

    public bool Contains(long node) => _nodes.ContainsKey(node);

    public DevinNodeLink this[long node] => _nodes[node];

    /// <summary>
    /// The nodes of the conversation that ends at <paramref name="head"/>, oldest first. A node a compaction wrote
    /// (its metadata's summarized_from) stands where the conversation it summarized ended, so that conversation is
    /// read first, up to the node it names, then the summary and what followed: without it, everything said before
    /// the compaction would be lost. Compactions nest, and each is followed. A node met twice (chains share their
    /// system prompt) is read once; a loop in the parents ends the walk.
    /// </summary>
    public IReadOnlyList<long> Conversation(long head)
    {
        var order = new List<long>();
        var included = new HashSet<long>();
        var following = new HashSet<long>();
        Append(head);
        return order;

        void Append(long tip)
        {
            following.Add(tip);
            foreach (var node in ToRoot(tip).Reverse())
            {
                if (included.Contains(node)) continue;
                if (_nodes[node].SummarizedFrom is { } summarized && _nodes.ContainsKey(summarized) && !included.Contains(summarized) && !following.Contains(summarized))
                {
                    Append(summarized);
                }
                if (included.Add(node)) order.Add(node);
            }
        }
    }

    /// <summary>The nodes from <paramref name="tip"/> up its parents to a root (or a loop), tip first.</summary>
    public IEnumerable<long> ToRoot(long tip)
    {
        var seen = new HashSet<long>();
        for (long? node = tip; node is { } id && _nodes.TryGetValue(id, out var link) && seen.Add(id); node = link.Parent) yield return id;
    }

    /// <summary>
    /// Where the session's conversation ends: main_chain_id when it names a node; else (an early schema without the
    /// column, a session whose first turn never finished) the newest node that is not on a sub-agent's chain.
    /// </summary>
    /// <param name="subagentHeads">The heads of the session's sub-agents, asked for only when main_chain_id does not tell.</param>
    public (long? Head, bool FellBack) MainHead(long? mainChainId, Func<IEnumerable<long>> subagentHeads)
    {
        if (mainChainId is { } named && _nodes.ContainsKey(named)) return (named, false);
        var subagents = subagentHeads().Where(_nodes.ContainsKey).SelectMany(ToRoot).ToHashSet();
        var newest = _nodes.Keys.Where(n => !subagents.Contains(n)).DefaultIfEmpty(long.MinValue).Max();
        return (newest == long.MinValue ? null : newest, true);
    }
}
