using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Hermes;

/// <summary>
/// Hermes Agent (NousResearch): $HERMES_HOME or ~/.hermes, and each profile's home under profiles/&lt;name&gt;/.
/// Current versions keep every session in state.db (SQLite, one record per session); sessions/ holds the
/// CLI's JSON snapshots (opt-in since state.db became canonical) and the gateway's JSONL transcripts of
/// earlier versions, with sessions.json, the gateway's index. One session held by several stores of one
/// home in the same run is one record, read from the richest store: state.db (when it has the session's
/// messages), else the snapshot, else the transcript; the others are skipped with a verbose note naming it.
/// </summary>
public sealed class HermesReader : IRolloutReader
{
    public RolloutFormat Format => RolloutFormat.HermesAgent;

    /// <summary>As DataDesigner names the format (its agent_rollout/hermes_agent.py handler, AgentRolloutFormat.HERMES_AGENT).</summary>
    public string SourceKind => HermesRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "state.db", "session_*.json", "*.jsonl" };

    /// <summary>A Hermes home searched without -Recurse still yields its sessions/ folder.</summary>
    public IReadOnlyList<string> AttachedTracePatterns { get; } = new[] { "sessions/session_*.json", "sessions/*.jsonl" };

    /// <summary>The home; its profiles are below it, and only its session places are searched (see <see cref="HermesHome.IsSessionPlace"/>).</summary>
    public IReadOnlyList<string> DefaultLocations() => new[] { HermesHome.Default() };

    /// <summary>
    /// A home's sessions lie at most three levels down (profiles/&lt;name&gt;/sessions/&lt;file&gt;); the home also holds
    /// a checkout of Hermes' own code, which a search of the home has no reason to walk.
    /// </summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 3);

    /// <summary>
    /// state.db: one reference per session row, with its id and its last activity from the row's and its
    /// messages' times, so -Id and -Since read only the sessions asked for. Hermes keeps the database in WAL
    /// mode, so new messages sit in state.db-wal until a checkpoint and the database file's own time can be
    /// days behind them. A database that cannot be listed is one reference, whose reading says what is wrong.
    /// Snapshots and transcripts are named after their session.
    /// </summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        var store = HermesHome.StoreOf(path);
        if (store != HermesStore.StateDb) return new[] { SessionReference.OfFile(path, this, store is null ? null : new NamedIds(HermesHome.SessionIdOf(path))) };
        return SessionRows.In(path, this, store =>
        {
            using var db = HermesStateDb.Open(store);
            return db.Activity();
        });
    }

    public bool IsTraceFile(string path) => HermesHome.StoreOf(path) is not null && !IsSidecarFile(path) && HermesHome.IsSessionPlace(path);

    /// <summary>The gateway's index (sessions.json) and the API failure dumps Hermes writes beside sessions (request_dump_*.json).</summary>
    public bool IsSidecarFile(string path) => Path.GetFileName(path) is var name
        && (name.Equals(HermesHome.IndexName, StringComparison.OrdinalIgnoreCase)
            || (name.StartsWith("request_dump_", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Certain of the gateway's session_meta row and of a CLI snapshot's leading keys (session_id with
    /// session_start and base_url); likely for a snapshot with fewer of them; weakly for a gateway message row
    /// (an OpenAI message with no "type" and the time the gateway stamps on every row), which another program
    /// could write too. The time keeps out the plain chat messages nested in other programs' pretty-printed JSON
    /// (Hermes' own request dumps), whose lines the detector also looks at. state.db is SQLite, which no JSON
    /// head describes: its name claims it.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Type is not null || head.Has("payload") || head.Has("trace_id")) return DetectionScore.None;
        if (head.String("role") == "session_meta") return DetectionScore.Certain;
        if (head.Has("session_id") && head.Has("session_start") && head.Has("base_url")) return DetectionScore.Certain;
        if (head.Has("session_id") && (head.Has("session_start") || head.Has("messages") || head.Has("last_updated") || head.Has("base_url"))) return DetectionScore.Likely;
        return head.Has("role") && (head.Has("tools") || (head.Has("timestamp") && (head.Has("content") || head.Has("tool_calls"))))
            ? DetectionScore.Weak
            : DetectionScore.None;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) =>
        new Scan(sources, options ?? new ReadOptions());

    private sealed class Scan : IMultiRecordScan
    {
        private readonly ReadOptions _options;
        private readonly ConcurrentDictionary<string, Sidecar<HermesIndex>> _indexes = new(StringComparer.Ordinal);
        private readonly SessionDatabase<HermesStateDb, HermesSessionRow> _database = new("Hermes", HermesStateDb.Open, (db, problems) => db.Sessions(problems));

        /// <summary>(home, session id) → the store that reads the session in this run.</summary>
        private readonly Dictionary<(string Home, string Id), (string Path, HermesStore Store)> _winners = new();

        public Scan(IReadOnlyList<TraceSource> sources, ReadOptions options)
        {
            _options = options;
            foreach (var source in sources.Where(s => s.IsFile).DistinctBy(s => s.Path))
            {
                if (HermesHome.StoreOf(source.Path) is not { } store) continue;
                var home = HermesHome.HomeOf(source.Path);
                if (store != HermesStore.StateDb)
                {
                    Claim(home, HermesHome.SessionIdOf(source.Path), source.Path, store);
                    continue;
                }
                try
                {
                    using var db = HermesStateDb.Open(source.Path);
                    foreach (var (id, count) in db.MessageCounts()) if (count > 0) Claim(home, id, source.Path, store);
                }
                catch (Exception e) when (e is SqliteException or NotAgentStoreException or IOException or UnauthorizedAccessException)
                {
                    // Reading the database reports what is wrong with it; its sessions claim nothing.
                }
            }
        }

        /// <summary>state.db before a snapshot before a transcript: each holds at least what the next one does.</summary>
        private void Claim(string home, string id, string path, HermesStore store)
        {
            if (!_winners.TryGetValue((home, id), out var winner) || store < winner.Store) _winners[(home, id)] = (path, store);
        }

        private string? WinnerOtherThan(string path, string id)
        {
            var home = HermesHome.HomeOf(path);
            return _winners.TryGetValue((home, id), out var winner) && winner.Path != path ? winner.Path : null;
        }

        private static string Why(string winner) => HermesHome.StoreOf(winner) switch
        {
            HermesStore.StateDb => "state.db is Hermes' own store and holds the most",
            HermesStore.Snapshot => "the CLI snapshot holds the system prompt and tools a gateway transcript lacks",
            _ => "it is the same session",
        };

        public ReadResult Read(TraceSource source, CancellationToken cancellation) =>
            ReadEach(source, cancellation).FirstOrDefault() ?? new ReadResult(source, null, "it holds no session", Array.Empty<RolloutDiagnostic>());

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation) =>
            HermesHome.StoreOf(source.Path) == HermesStore.StateDb && source.IsFile
                ? ReadDatabase(source, cancellation)
                : new[] { ReadFile(source, cancellation) };

        private ReadResult ReadFile(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            if (source.IsFile && IsCompanion(source.Path))
            {
                return new ReadResult(source, null, "it is Hermes' session index or an API request dump, not a session", diagnostics.Items);
            }
            if (source.IsFile && WinnerOtherThan(source.Path, HermesHome.SessionIdOf(source.Path)) is { } winner)
            {
                return new ReadResult(source, null, $"session {HermesHome.SessionIdOf(source.Path)} is read from '{winner}' instead ({Why(winner)})", diagnostics.Items);
            }
            HermesTranscript? transcript;
            using (var stream = source.Open())
            {
                transcript = IsSnapshot(source, stream)
                    ? HermesFiles.ParseSnapshot(stream, source.Path, diagnostics)
                    : HermesFiles.ParseTranscript(stream, source.Path, diagnostics, cancellation);
            }
            if (transcript is null) return new ReadResult(source, null, null, diagnostics.Items);
            if (transcript.Messages.Count == 0)
            {
                if (diagnostics.ErrorCount > 0 || transcript.SessionMetaRows > 0 || transcript.Store == HermesStore.Snapshot) diagnostics.NoRecord("no message could be read; no record.");
                else diagnostics.NothingRead();
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            var index = source.IsFile ? Index(source.Path)?.Use(diagnostics)?.Find(transcript.SessionId) : null;
            return new ReadResult(source, HermesRecords.Build(transcript, source.Path, index, diagnostics), null, diagnostics.Items);
        }

        private static bool IsCompanion(string path) => Path.GetFileName(path) is var name
            && (name.Equals(HermesHome.IndexName, StringComparison.OrdinalIgnoreCase) || name.StartsWith("request_dump_", StringComparison.OrdinalIgnoreCase));

        /// <summary>A snapshot is one JSON document whose first key is session_id; a transcript line starts with role.</summary>
        private static bool IsSnapshot(TraceSource source, Stream stream)
        {
            if (HermesHome.StoreOf(source.Path) is { } store) return store == HermesStore.Snapshot;
            var head = new byte[4096];
            var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            return JsonHead.Read(head.AsSpan(0, length)) is { } shape && shape.Has("session_id") && !shape.Has("role");
        }

        private IEnumerable<ReadResult> ReadDatabase(TraceSource source, CancellationToken cancellation) =>
            _database.Read(source, (db, session, parents) => ReadSession(source, db, session, parents, cancellation), cancellation);

        private ReadResult ReadSession(TraceSource source, HermesStateDb db, HermesSessionRow session, IReadOnlyDictionary<string, string?> parents, CancellationToken cancellation)
        {
            var path = source.Path;
            var diagnostics = new DiagnosticList(path);
            if (WinnerOtherThan(path, session.Id) is { } winner)
            {
                return new ReadResult(source, null, $"session {session.Id} has no messages here and is read from '{winner}' instead", diagnostics.Items);
            }
            var transcript = _database.Query(diagnostics, $"read session {session.Id}", () => db.ReadSession(session, parents, _options.IncludeAbandoned, diagnostics, cancellation));
            if (transcript is null) return new ReadResult(source, null, null, diagnostics.Items);
            if (transcript.Messages.Count == 0)
            {
                if (diagnostics.ErrorCount > 0) diagnostics.NoRecord($"no message of session {session.Id} could be read; no record.");
                var why = diagnostics.ErrorCount > 0 ? null : $"session {session.Id} holds no message yet";
                return new ReadResult(source, null, why, diagnostics.Items);
            }
            var index = Index(path)?.Use(diagnostics)?.Find(session.Id);
            return new ReadResult(source, HermesRecords.Build(transcript, path, index, diagnostics), null, diagnostics.Items);
        }

        /// <summary>sessions.json of the home the store belongs to.</summary>
        private Sidecar<HermesIndex>? Index(string path) => _indexes.GetOrAdd(HermesHome.HomeOf(path), HermesIndex.Load);
    }
}
