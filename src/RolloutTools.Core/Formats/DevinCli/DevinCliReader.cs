using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.DevinCli;

/// <summary>
/// Devin CLI (Cognition's devin): sessions.db in its data folder's cli folder (see <see cref="DevinHome"/>), one record
/// per session row, and one per sub-agent chain its subagent_heads table names ("session:agent", a sidechain of the
/// session). Devin CLI is closed source: the store is read as its public readers read it (see
/// <see cref="DevinDatabase"/>), not checked against a file it wrote. What lies below the cli folder (transcripts/,
/// summaries/, logs/) is not a session store.
/// </summary>
public sealed class DevinCliReader : SessionDatabaseReader
{
    public override RolloutFormat Format => RolloutFormat.DevinCli;

    public override string SourceKind => DevinRecords.SourceKind;

    public override IReadOnlyList<string> DefaultLocations() => new[] { DevinHome.Default() };

    private protected override string DatabaseName => DevinHome.DatabaseName;

    /// <summary>sessions.db is a common name: its place claims it too.</summary>
    private protected override bool IsDatabase(string path) => DevinHome.IsDatabase(path);

    private protected override bool IsLaidOut(string folder) => DevinHome.IsLaidOut(folder);

    private protected override SessionDatabaseScan NewScan() => new Scan();

    private sealed class Scan : SessionDatabaseScan<DevinDatabase, DevinSessionRow>
    {
        public Scan()
            : base("Devin CLI", "session", DevinDatabase.Open, (db, problems) => db.Sessions(problems))
        {
        }

        protected override ReadResult ReadRow(TraceSource source, DevinDatabase db, DevinSessionRow row, IReadOnlyDictionary<string, string?> parents, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var children = parents.Where(p => p.Value == row.Id).Select(p => p.Key).ToArray();
            var conversation = Database.Query(diagnostics, $"read session {row.Id}", () => Conversation(db, row, children, diagnostics, cancellation));
            if (conversation is null)
            {
                return diagnostics.Items.Count == 0
                    ? new ReadResult(source, null, $"session {row.SessionId} is no longer in the database", diagnostics.Items)
                    : new ReadResult(source, null, null, diagnostics.Items);
            }
            if (conversation.Nodes.Count == 0 && diagnostics.ErrorCount == 0) Database.CheckDamage(source.Path, row.Id, db.Damage, diagnostics);
            return SessionRows.Outcome(source, row.Id, conversation.Nodes.Count, () => DevinRecords.Build(conversation, source.Path, diagnostics), diagnostics);
        }

        /// <summary>
        /// The session row, its forest and the messages of the conversation the row stands for: the session's main
        /// chain, or the chain a sub-agent's head ends. A head that names no node of the session is a warning and no
        /// record. Null when the session is gone.
        /// </summary>
        private static DevinConversation? Conversation(DevinDatabase db, DevinSessionRow row, IReadOnlyList<string> children, DiagnosticList diagnostics, CancellationToken cancellation)
        {
            if (db.Session(row.SessionId) is not { } session) return null;
            var forest = db.Forest(row.SessionId, diagnostics);
            var (head, fellBack) = row.Head is { } subagentHead
                ? (forest.Contains(subagentHead) ? subagentHead : (long?)null, false)
                : forest.MainHead(session.MainChainId, () => db.HeadNodes(row.SessionId));
            if (row.Head is { } missing && head is null)
            {
                diagnostics.Warn(RolloutDiagnostic.ParseError, null, $"sub-agent {row.AgentId} of session {row.SessionId}: its chain's head, node {missing}, is not in the session; no record.");
                return null;
            }
            var chain = head is { } end ? forest.Conversation(end) : Array.Empty<long>();
            var nodes = db.Nodes(row.SessionId, chain, cancellation);
            var offChain = row.AgentId is null ? OffChainResponses(db, row.SessionId, forest, chain, cancellation) : Array.Empty<DevinStoredNode>();
            return new DevinConversation(session, row, forest, nodes, head, fellBack, db.SchemaVersion(), children) { OffChain = offChain };
        }

        /// <summary>
        /// The session's responses that neither its conversation nor a sub-agent's record holds: retried responses, a
        /// compaction's summarizer, sub-agents that ran before subagent_heads. A sub-agent's response copied off its chain
        /// is its record's, by its message id.
        /// </summary>
        private static IReadOnlyList<DevinStoredNode> OffChainResponses(DevinDatabase db, string sessionId, DevinForest forest, IReadOnlyList<long> conversation, CancellationToken cancellation)
        {
            var subagents = db.HeadNodes(sessionId).Where(forest.Contains).SelectMany(forest.ToRoot).ToHashSet();
            var responses = db.Responses(sessionId, cancellation);
            var subagentIds = responses.Where(r => subagents.Contains(r.Node.Id)).Select(r => r.MessageId).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var read = conversation.ToHashSet();
            return responses
                .Where(r => !read.Contains(r.Node.Id) && !subagents.Contains(r.Node.Id) && (r.MessageId is null || !subagentIds.Contains(r.MessageId)))
                .Select(r => r.Node)
                .ToArray();
        }
    }
}
