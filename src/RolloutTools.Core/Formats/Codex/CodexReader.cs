using System.Collections.Concurrent;
using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// OpenAI Codex CLI: rollout-&lt;local time&gt;-&lt;thread id&gt;.jsonl under $CODEX_HOME/sessions/YYYY/MM/DD/
/// (flat before 2025-07-17) and archived_sessions/, compressed to .jsonl.zst once cold (0.152 on), and a
/// reverted thread's later rollouts as -&lt;thread id&gt;_&lt;rollout id&gt;.jsonl; the TypeScript CLI of 2025 wrote
/// rollout-*.json documents. Codex's SQLite files (state_5.sqlite, thread_history_1.sqlite) are an index and a
/// projection it rebuilds from the rollouts, so the rollouts are read and the databases are not.
/// File names and date folders are local time; every time the record carries comes from the content (UTC).
/// </summary>
public sealed class CodexReader : IRolloutReader
{
    public RolloutFormat Format => RolloutFormat.Codex;

    public string SourceKind => "codex";

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "rollout-*.jsonl", "rollout-*.json", "rollout-*.jsonl.zst" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    /// <summary>Active and archived sessions; a rollout in both is read once (see <see cref="Scan"/>).</summary>
    public IReadOnlyList<string> DefaultLocations()
    {
        var home = CodexHome();
        return new[] { Path.Combine(home, "sessions"), Path.Combine(home, "archived_sessions") };
    }

    /// <summary>A Codex home, or its sessions (year folders, or the flat files before them) or archived_sessions folder.</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(),
        sessions => AgentStore.HasFile(sessions, "rollout-*") || AgentStore.HasFolder(sessions, name => name.Length == 4 && name.All(char.IsAsciiDigit)));

    /// <summary>Each file is one session; the ids in its name let a search by id pass over the others unread.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => new[] { SessionReference.OfFile(path, this, IdsInName(path)) };

    /// <summary>rollout-&lt;time&gt;-&lt;thread id&gt;: a subagent's thread has a file of its own, so the id is its own too.</summary>
    private static NamedIds? IdsInName(string path) => CodexFileName.Parse(path) is { } name ? new NamedIds(name.TraceId) : null;

    public bool IsTraceFile(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith("rollout-", StringComparison.OrdinalIgnoreCase)
            && (name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                || CompressedRollout.IsCompressed(name));
    }

    /// <summary>
    /// The envelope ({timestamp, type, payload}) is Codex's alone; the bare session meta that began
    /// pre-envelope files ({id, timestamp, instructions} and no type), their state lines ({record_type}) and
    /// the TypeScript document ({session, items}) are its usual shapes.
    /// </summary>
    public int Score(JsonHead head) => head switch
    {
        _ when head.Has("payload") && head.Has("timestamp") && head.Type is not null => DetectionScore.Certain,
        { Type: null } when head.Has("id") && head.Has("timestamp") && head.Has("instructions") => DetectionScore.Likely,
        _ when head.Has("record_type") => DetectionScore.Likely,
        _ when IsDocument(head) => DetectionScore.Likely,
        _ => DetectionScore.None,
    };

    /// <summary>
    /// The TypeScript document begins with "session"; its instructions can outgrow any head, so "items"
    /// may never come into view. No JSONL generation has a top-level "session".
    /// </summary>
    private static bool IsDocument(JsonHead head) => head.Type is null && head.Has("session");

    /// <summary>The prompt history and the thread-name index in CODEX_HOME.</summary>
    public bool IsSidecarFile(string path) => Path.GetFileName(path) is var name
        && (name.Equals("history.jsonl", StringComparison.OrdinalIgnoreCase) || name.Equals("session_index.jsonl", StringComparison.OrdinalIgnoreCase));

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan(this, sources, options ?? new ReadOptions());

    internal static string CodexHome() => AgentHome.Resolve("CODEX_HOME", ".codex");

    private sealed class Scan : IRolloutScan
    {
        private readonly CodexReader _reader;
        private readonly ReadOptions _options;
        private readonly ConcurrentDictionary<string, Sidecar<CodexThreadNames>> _names = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _copyOf = new(StringComparer.Ordinal);

        /// <summary>
        /// Codex archives a rollout by moving it to archived_sessions/ under the same name (with or without its
        /// date folders), and a backup or a sync can leave both copies: one name is one rollout, read once, from
        /// sessions/ when it is there. A .jsonl and its .jsonl.zst are one rollout too, and the plain file is read:
        /// Codex itself reads the plain one when both are there, because it decompresses a cold rollout back to
        /// plain JSONL before appending to it and only then removes the .zst, so the plain file is the newer and
        /// whole one (compression.rs: RolloutFile, materialize_rollout_for_append).
        /// </summary>
        public Scan(CodexReader reader, IReadOnlyList<TraceSource> sources, ReadOptions options)
        {
            _reader = reader;
            _options = options;
            var copies = sources.Where(s => s.IsFile).GroupBy(s => CompressedRollout.PlainName(s.Path), StringComparer.Ordinal).Where(g => g.Count() > 1);
            foreach (var copiesOfOne in copies)
            {
                var kept = copiesOfOne.OrderBy(s => CompressedRollout.IsCompressed(s.Path)).ThenBy(s => IsArchived(s.Path)).First();
                foreach (var copy in copiesOfOne.Where(s => s != kept)) _copyOf[copy.Path] = kept.Path;
            }
        }

        private static bool IsArchived(string path) =>
            path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Contains("archived_sessions", StringComparer.Ordinal);

        public ReadResult Read(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            if (_copyOf.TryGetValue(source.Path, out var kept))
            {
                return new ReadResult(source, null, $"it is a copy of '{kept}', which is read instead", diagnostics.Items);
            }
            CodexTranscript? transcript;
            using (var stream = CompressedRollout.OpenText(source, diagnostics))
            {
                // Codex compresses only JSONL rollouts; the TypeScript documents were never compressed.
                transcript = stream.CanSeek && IsDocument(stream) ? ParseDocument(stream, diagnostics)
                    : CodexTranscript.ParseLines(stream, diagnostics, cancellation, _options.UsageOnly ? CodexTranscript.UsageLines : null);
            }

            if (transcript is { Values: 0 } && _options.UsageOnly)
            {
                return new ReadResult(source, null, "no line of it carries usage or its session", diagnostics.Items);
            }
            if (transcript is null || transcript.Values == 0)
            {
                diagnostics.NothingRead();
                return new ReadResult(source, null, null, diagnostics.Items);
            }

            var messages = transcript.Messages(_options.IncludeAbandoned);
            if (messages.Count == 0 && transcript.Meta is null)
            {
                // Codex begins every rollout with its session; lines that give neither are not read as Codex meant them.
                diagnostics.NoRecord("no line gives a session or a conversation (record types Codex does not write, or values of the wrong type); no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            return new ReadResult(source, BuildRecord(source, transcript, messages, diagnostics), null, diagnostics.Items);
        }

        private RolloutRecord BuildRecord(TraceSource source, CodexTranscript transcript, IReadOnlyList<RolloutMessage> messages, DiagnosticList diagnostics)
        {
            var meta = transcript.Meta ?? new CodexSessionMeta();
            var named = source.IsFile ? CodexFileName.Parse(source.Path) : null;
            var id = meta.Id ?? named?.ThreadId ?? Path.GetFileNameWithoutExtension(source.Path);
            var threadName = (source.IsFile ? Names(source.Path)?.Use(diagnostics)?.Find(id) : null) ?? transcript.ThreadName;
            // A reverted thread's later rollout is a record of its own, "thread:rollout", holding only the
            // records it wrote: the ones it takes from the rollout it continues stay that record's, read once.
            var rolloutId = named?.RolloutId is { } ownRollout && !ownRollout.Equals(id, StringComparison.OrdinalIgnoreCase) ? ownRollout : null;
            var continues = meta.HistoryBaseRollout is { } baseRollout ? CodexFileName.TraceIdOf(ThreadOf(baseRollout), Later(baseRollout)) : null;

            // A paginated fork's first rollout takes its beginning from the thread it was forked from (thread-store
            // prepare_fork), whose rollout is that thread's record (or, from its snapshot, the later rollout's); a
            // revert's later rollout takes it from an earlier rollout of its own thread.
            string ThreadOf(string baseRollout) => meta.ForkedFromId is { } parent && rolloutId is null && !baseRollout.Equals(id, StringComparison.OrdinalIgnoreCase) ? parent : id;
            string? Later(string baseRollout) => baseRollout.Equals(ThreadOf(baseRollout), StringComparison.OrdinalIgnoreCase) ? null : baseRollout;
            var sourceMeta = new SourceMeta.Builder()
                .Add("session_id", id)
                .Add("rollout_id", rolloutId)
                .Add("continues", continues)
                .Add("inherited_records", continues is null ? 0 : meta.HistoryBaseEnd)
                .Add("history_mode", meta.HistoryMode)
                .Add("compressed", source.IsFile && CompressedRollout.IsCompressed(source.Path))
                .Add("generation", transcript.Generation)
                .Add("cli_version", meta.CliVersion)
                .Add("originator", meta.Originator)
                .Add("model_provider", meta.ModelProvider)
                .Add("source", meta.Source)
                .Add("subagent", meta.SubagentKind)
                .Add("parent_thread_id", meta.ParentThreadId)
                .Add("agent_nickname", meta.AgentNickname)
                .Add("agent_role", meta.AgentRole)
                .Add("agent_path", meta.AgentPath)
                .Add("depth", meta.Depth)
                .Add("forked_from_id", meta.ForkedFromId)
                .Add("git_commit", meta.GitCommit)
                .Add("git_repository", meta.GitRepository)
                .Add("thread_name", threadName)
                .Add("reasoning_efforts", transcript.ReasoningEfforts)
                .Add("approval_policy", transcript.ApprovalPolicy)
                .Add("sandbox_policy", transcript.SandboxPolicy)
                .Add("reasoning_output_tokens", transcript.ReasoningOutputTokens)
                .Add("duplicate_token_counts", transcript.DuplicateTokenCounts)
                .Add("compactions", transcript.Compactions)
                .Add("ghost_snapshots", transcript.GhostSnapshots)
                .Add("aborted_turns", transcript.AbortedTurns)
                .Add("rolled_back_turns", transcript.RolledBackTurns)
                .Add("replayed_lines", transcript.ReplayedLines)
                .Add("orphan_tool_results", transcript.OrphanToolResults)
                .Add("unanswered_tool_calls", transcript.UnansweredToolCalls)
                .Add("skipped_lines", diagnostics.ErrorCount)
                .Add("record_types", transcript.RecordTypes)
                .Add("unknown_item_types", transcript.UnknownTypes)
                .Build();

            // A subagent has no person's prompt: its task, from the parent agent, names it.
            var firstPrompt = (messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt) ?? messages.FirstOrDefault(m => m.Kind == MessageKind.AgentMessage))?.Text;
            return new RolloutRecord
            {
                TraceId = CodexFileName.TraceIdOf(id, rolloutId),
                Format = RolloutFormat.Codex,
                SourceKind = _reader.SourceKind,
                SourcePath = source.Path,
                RootSessionId = meta.RootId ?? meta.ParentThreadId ?? id,
                AgentId = meta.IsSubagent ? id : null,
                IsSidechain = meta.IsSubagent,
                Cwd = transcript.LastCwd,
                ProjectPath = meta.Cwd ?? transcript.LastCwd,
                GitBranch = string.IsNullOrEmpty(meta.GitBranch) ? null : meta.GitBranch,
                StartedAt = transcript.First,
                EndedAt = transcript.Last,
                Title = Titles.Clean(threadName ?? firstPrompt),
                Models = transcript.Models,
                Messages = messages,
                SourceMeta = sourceMeta,
                Usage = transcript.Usage,
                UnlistedResponses = transcript.UnlistedResponses(),
                ListsResponsesOnly = _options.UsageOnly && transcript.Generation != CodexTranscript.DocumentGeneration,
            };
        }

        /// <summary>The TypeScript era wrote one JSON document per session; everything later is JSONL.</summary>
        private static bool IsDocument(Stream stream)
        {
            var head = new byte[4096];
            var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            return JsonHead.Read(head.AsSpan(0, length)) is { } shape && CodexReader.IsDocument(shape);
        }

        private static CodexTranscript? ParseDocument(Stream stream, DiagnosticList diagnostics)
        {
            using var document = JsonDocumentReader.Read(stream, diagnostics);
            return document is null ? null : CodexTranscript.ParseDocument(document.Root, diagnostics);
        }

        /// <summary>The session_index.jsonl of the Codex home the file lives in (the parent of sessions/ or archived_sessions/).</summary>
        private Sidecar<CodexThreadNames>? Names(string path)
        {
            for (var folder = Path.GetDirectoryName(path); folder is not null; folder = Path.GetDirectoryName(folder))
            {
                var name = Path.GetFileName(folder);
                if (name is "sessions" or "archived_sessions" && Path.GetDirectoryName(folder) is { } home)
                {
                    return _names.GetOrAdd(home, CodexThreadNames.Load);
                }
            }
            return null;
        }
    }
}
