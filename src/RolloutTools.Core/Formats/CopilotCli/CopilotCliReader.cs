using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.CopilotCli;

/// <summary>
/// GitHub Copilot CLI (closed source; GitHub publishes its event schema in the Copilot SDK, see <see cref="CopilotEvent"/>). Its home is $COPILOT_HOME, else ~/.copilot (and
/// $XDG_CONFIG_HOME/copilot, which some releases used). Sessions live in session-state/: since 1.0.11 a folder per
/// session, &lt;id&gt;/events.jsonl with workspace.yaml beside it; before that a flat &lt;id&gt;.jsonl of the same events.
/// The first releases kept one JSON document per session in history-session-state/.
/// </summary>
public sealed class CopilotCliReader : IRolloutReader
{
    /// <summary>The folder Copilot CLI keeps its configuration and sessions in (documented by GitHub's Copilot SDK).</summary>
    public const string HomeVariable = "COPILOT_HOME";

    private const string EventsFile = "events.jsonl";
    private const string WorkspaceFile = "workspace.yaml";
    private const string SessionState = "session-state";
    private const string HistorySessionState = "history-session-state";

    public RolloutFormat Format => RolloutFormat.CopilotCli;

    public string SourceKind => "copilot_cli";

    public IReadOnlyList<string> FilePatterns { get; } = new[] { EventsFile, "*.jsonl", "*.json" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = new[] { $"*/{EventsFile}" };

    /// <summary>session-state and history-session-state of each home: $COPILOT_HOME alone when set.</summary>
    public IReadOnlyList<string> DefaultLocations() =>
        Homes().SelectMany(home => new[] { Path.Combine(home, SessionState), Path.Combine(home, HistorySessionState) }).ToArray();

    private static IEnumerable<string> Homes()
    {
        var configured = Environment.GetEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            yield return Path.GetFullPath(configured);
            yield break;
        }
        yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".copilot");
        if (Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { } xdg && !string.IsNullOrWhiteSpace(xdg) && Path.IsPathFullyQualified(xdg))
        {
            yield return Path.Combine(xdg, "copilot");
        }
    }

    /// <summary>Any JSONL file (content decides), and a JSON document only in history-session-state.</summary>
    public bool IsTraceFile(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)) return true;
        return name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && FolderName(path) == HistorySessionState;
    }

    public bool IsSidecarFile(string path) => false;

    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), IsLaidOut);

    /// <summary>A session-state folder holds session folders with events.jsonl, or flat .jsonl logs; history-session-state holds .json documents.</summary>
    private static bool IsLaidOut(string folder) =>
        AgentStore.HasFolder(folder, name => File.Exists(Path.Combine(folder, name, EventsFile)))
        || AgentStore.HasFile(folder, "*.jsonl")
        || (Path.GetFileName(folder) == HistorySessionState && AgentStore.HasFile(folder, "*.json"));

    /// <summary>The flat files of the store and each session folder's events.jsonl; nothing else a session folder keeps (checkpoints, files).</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry)
    {
        var located = SessionLocator.InStore(this, store, search, registry, maxDepth: 1);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(store));
        return located with { Sessions = located.Sessions.Where(s => IsSessionFile(root, s.Source.Path)).ToArray() };
    }

    private static bool IsSessionFile(string store, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (PathEquals(folder, store)) return !Path.GetFileName(path).Equals(EventsFile, StringComparison.Ordinal);
        return Path.GetFileName(path) == EventsFile && PathEquals(Path.GetDirectoryName(folder), store);
    }

    /// <summary>
    /// A session folder's events.jsonl is the session, named by its folder, with workspace.yaml beside it as a file it
    /// depends on (a rename writes only that); a flat log or a legacy document is named by its file. A log also
    /// gives a record per sub-agent, "session:agent", which a search by id must not pass over.
    /// </summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        if (Path.GetFileName(path) == EventsFile)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            return new[]
            {
                SessionReference.OfFile(path, this, IdOf(Path.GetFileName(folder))) with { DependsOn = new[] { Path.Combine(folder, WorkspaceFile) } },
            };
        }
        return new[] { SessionReference.OfFile(path, this, IdOf(Path.GetFileNameWithoutExtension(path))) };
    }

    private static NamedIds? IdOf(string name) =>
        Guid.TryParse(name, out _) ? new NamedIds(name) { HasBranches = true } : null;

    /// <summary>
    /// Certain of an event line ({type: "session.start" and the like, a dotted name, with data}) and of a legacy
    /// document (chatMessages beside sessionId or timeline). No other format writes either.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Has("chatMessages") && (head.Has("sessionId") || head.Has("timeline"))) return DetectionScore.Certain;
        if (head.Has("payload") || head.Has("message") || !head.Has("data")) return DetectionScore.None;
        if (head.Type is not { } type || !(head.Has("id") || head.Has("timestamp"))) return DetectionScore.None;
        return type == "abort" || IsEventType(type) ? DetectionScore.Certain : DetectionScore.None;
    }

    private static bool IsEventType(string type)
    {
        var dot = type.IndexOf('.');
        return dot > 0 && type[..dot] is "session" or "user" or "assistant" or "system" or "tool" or "hook" or "subagent" or "skill" or "permission";
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) =>
        new Scan(this, options ?? new ReadOptions());

    private static string FolderName(string path) => Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)) ?? string.Empty);

    private static bool PathEquals(string? a, string? b) =>
        a is not null && b is not null && string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

    /// <summary>One record for the session and one per sub-agent; the log is read once, on the worker that opens it.</summary>
    private sealed class Scan : IMultiRecordScan
    {
        private readonly CopilotCliReader _reader;
        private readonly ReadOptions _options;

        public Scan(CopilotCliReader reader, ReadOptions options)
        {
            _reader = reader;
            _options = options;
        }

        public ReadResult Read(TraceSource source, CancellationToken cancellation) => ReadAll(source, cancellation)[0];

        public IEnumerable<ReadResult> ReadEach(TraceSource source, CancellationToken cancellation) => ReadAll(source, cancellation);

        private IReadOnlyList<ReadResult> ReadAll(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            if (source.Path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return new[] { ReadLegacy(source, diagnostics) };

            var log = new CopilotLog();
            using (var stream = source.Open())
            {
                JsonLineReader.ReadEach(stream, diagnostics, line => log.Add(line), cancellation);
            }
            if (log.Values == 0)
            {
                diagnostics.NothingRead();
                return new[] { new ReadResult(source, null, null, diagnostics.Items) };
            }
            if (log.Events.Count == 0)
            {
                diagnostics.NoRecord("no line is a Copilot CLI event (a \"type\" with its \"data\"); no record.");
                return new[] { new ReadResult(source, null, null, diagnostics.Items) };
            }
            if (!log.Events.Exists(e => e.Type is "user.message" or "assistant.message" or "tool.execution_complete"))
            {
                return new[] { new ReadResult(source, null, "the session holds no message (started and closed without a prompt)", diagnostics.Items) };
            }
            var workspace = source.IsFile && Path.GetFileName(source.Path) == EventsFile
                ? CopilotWorkspace.Load(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(source.Path))!, WorkspaceFile)).Use(diagnostics)
                : null;
            var records = Build(source, log, workspace, diagnostics);
            return records.Select((record, i) => new ReadResult(source, record, null, i == 0 ? diagnostics.Items : Array.Empty<RolloutDiagnostic>())).ToArray();
        }

        private ReadResult ReadLegacy(TraceSource source, DiagnosticList diagnostics)
        {
            using var stream = source.Open();
            using var document = JsonDocumentReader.Read(stream, diagnostics);
            if (document is null) return new ReadResult(source, null, null, diagnostics.Items);
            RolloutRecord? record;
            try
            {
                record = CopilotLegacySession.Read(source, document.Root, diagnostics, _reader.SourceKind, document);
            }
            catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
            {
                diagnostics.NoRecord($"the document could not be read: {e.Message}");
                record = null;
            }
            return new ReadResult(source, record, null, diagnostics.Items);
        }

        /// <summary>The session's record, then one per sub-agent.</summary>
        private IReadOnlyList<RolloutRecord> Build(TraceSource source, CopilotLog log, CopilotWorkspace? workspace, DiagnosticList diagnostics)
        {
            var conversation = CopilotConversation.Build(log.Events, _options.IncludeAbandoned);
            var path = conversation.ActivePath;
            var starts = path.Where(e => e.Type is "session.start" or "session.resume").ToArray();
            // Where the session went since: session.context_changed states the folder and git context after a change.
            var contexts = path.Where(e => e.Type is "session.start" or "session.resume" or "session.context_changed").ToArray();
            var flat = Path.GetFileName(source.Path) != EventsFile;
            var folderId = flat ? null : Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(source.Path)));
            var sessionId = starts.Select(e => e.SessionId).FirstOrDefault(s => s is not null)
                ?? workspace?.Id
                ?? folderId
                ?? Path.GetFileNameWithoutExtension(source.Path);
            var times = log.Events.Select(e => e.Timestamp).Concat(starts.Select(e => e.StartTime)).Where(t => t is not null).Select(t => t!.Value).ToArray();
            var firstPrompt = conversation.Messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt && m.Text.Length > 0)?.Text;
            var cwd = contexts.Select(e => e.Cwd).LastOrDefault(c => !string.IsNullOrEmpty(c)) ?? workspace?.Cwd;
            var gitRoot = starts.Select(e => e.GitRoot).FirstOrDefault(c => !string.IsNullOrEmpty(c)) ?? workspace?.GitRoot;
            var selected = starts.Select(e => e.SelectedModel).FirstOrDefault(m => m is not null);

            var meta = new SourceMeta.Builder()
                .Add("session_id", sessionId)
                .Add("store", flat ? "session_state_flat" : "session_state")
                .Add("copilot_versions", log.Versions)
                .Add("producer", starts.Select(e => e.Producer).FirstOrDefault(p => p is not null))
                .Add("client_name", workspace?.ClientName)
                .Add("repository", contexts.Select(e => e.Repository).LastOrDefault(r => !string.IsNullOrEmpty(r)) ?? workspace?.Repository)
                .Add("git_root", gitRoot)
                .Add("head_commit", contexts.Select(e => e.HeadCommit).LastOrDefault(c => !string.IsNullOrEmpty(c)))
                .Add("selected_model", selected)
                .Add("reasoning_effort", starts.Select(e => e.ReasoningEffort).LastOrDefault(r => r is not null))
                .Add("model_changes", conversation.ModelChanges)
                .Add("session_name", workspace?.Name)
                .Add("user_named", workspace?.UserNamed ?? false)
                .Add("workspace_summary", workspace?.Summary)
                .Add("task_summary", path.LastOrDefault(e => e.Type == "session.task_complete" && e.Text.Length > 0)?.Text)
                .Add("resumes", path.Count(e => e.Type == "session.resume"))
                .Add("shutdowns", conversation.Shutdowns)
                .Add("usage_source", conversation.Shutdowns > 0 ? "shutdown_model_metrics" : "output_tokens_only")
                .Add("unplaced_usage_models", conversation.UnplacedUsageModels)
                .Add("reasoning_tokens", conversation.ReasoningTokens)
                .Add("premium_requests", conversation.PremiumRequestsMilli / 1000.0)
                .Add("lines_added", path.Sum(e => e.LinesAdded))
                .Add("lines_removed", path.Sum(e => e.LinesRemoved))
                .Add("attachments", path.Sum(e => (long)e.Attachments))
                .Add("compactions", conversation.Compactions)
                .Add("abandoned_events", conversation.AbandonedEvents)
                .Add("joined_roots", conversation.JoinedRoots)
                .Add("calls_without_request", conversation.CallsWithoutRequest)
                .Add("user_requested_calls", conversation.UserRequestedCalls)
                .Add("merged_chunks", conversation.MergedChunks)
                .Add("missing_assets", conversation.MissingAssets)
                .Add("message_sources", conversation.MessageSources)
                .Add("subagents", conversation.Subagents.Count)
                .Add("subagent_events", path.Count(e => e.AgentId is not null))
                .Add("orphan_tool_results", conversation.OrphanToolResults)
                .Add("unanswered_tool_calls", conversation.UnansweredToolCalls)
                .Add("skipped_lines", diagnostics.ErrorCount)
                .Add("untyped_lines", log.UntypedValues)
                .Add("event_types", log.Types)
                .Add("unknown_event_types", log.UnknownTypes)
                .Build();

            var gitBranch = contexts.Select(e => e.Branch).LastOrDefault(b => !string.IsNullOrEmpty(b)) ?? workspace?.Branch;
            var projectPath = gitRoot ?? starts.Select(e => e.Cwd).FirstOrDefault(c => !string.IsNullOrEmpty(c)) ?? cwd;
            var main = new RolloutRecord
            {
                TraceId = sessionId,
                Format = RolloutFormat.CopilotCli,
                SourceKind = _reader.SourceKind,
                SourcePath = source.Path,
                RootSessionId = sessionId,
                Cwd = cwd,
                ProjectPath = projectPath,
                GitBranch = gitBranch,
                StartedAt = times.Length > 0 ? times.Min() : workspace?.CreatedAt,
                EndedAt = times.Length > 0 ? times.Max() : workspace?.UpdatedAt,
                Title = Titles.Clean(workspace?.Name ?? firstPrompt),
                Models = conversation.Models,
                Messages = conversation.Messages,
                SourceMeta = meta,
                Usage = conversation.Usage,
                UnlistedResponses = conversation.UnlistedResponses,
            };
            return conversation.Subagents.Select(s => SubagentRecord(source, sessionId, s, main)).Prepend(main).ToArray();
        }

        /// <summary>A sub-agent's record: its own conversation, in the session's folder, with the session as its root.</summary>
        private RolloutRecord SubagentRecord(TraceSource source, string sessionId, CopilotSubagent subagent, RolloutRecord session)
        {
            var times = subagent.Events.Select(e => e.Timestamp).OfType<DateTimeOffset>().ToArray();
            var conversation = subagent.Conversation;
            var task = conversation.Messages.FirstOrDefault(m => m.Kind == MessageKind.AgentMessage && m.Text.Length > 0)?.Text;
            var meta = new SourceMeta.Builder()
                .Add("session_id", sessionId)
                .Add("agent_id", subagent.AgentId)
                .Add("agent_name", subagent.Name)
                .Add("parent_tool_call_id", subagent.ParentToolCallId)
                .Add("model_changes", conversation.ModelChanges)
                .Add("merged_chunks", conversation.MergedChunks)
                .Add("missing_assets", conversation.MissingAssets)
                .Add("message_sources", conversation.MessageSources)
                .Add("calls_without_request", conversation.CallsWithoutRequest)
                .Add("orphan_tool_results", conversation.OrphanToolResults)
                .Add("unanswered_tool_calls", conversation.UnansweredToolCalls)
                .Build();
            return new RolloutRecord
            {
                TraceId = $"{sessionId}:{subagent.AgentId}",
                Format = RolloutFormat.CopilotCli,
                SourceKind = _reader.SourceKind,
                SourcePath = source.Path,
                RootSessionId = sessionId,
                AgentId = subagent.AgentId,
                IsSidechain = true,
                Cwd = session.Cwd,
                ProjectPath = session.ProjectPath,
                GitBranch = session.GitBranch,
                StartedAt = times.Length > 0 ? times.Min() : null,
                EndedAt = times.Length > 0 ? times.Max() : null,
                Title = Titles.Clean(task ?? subagent.Name),
                Models = conversation.Models,
                Messages = conversation.Messages,
                SourceMeta = meta,
                Usage = conversation.Usage,
                UnlistedResponses = conversation.UnlistedResponses,
            };
        }
    }

    /// <summary>The events of one log in file order, with the counts SourceMeta reports.</summary>
    private sealed class CopilotLog
    {
        private readonly Dictionary<string, long> _types = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _unknown = new(StringComparer.Ordinal);
        private readonly List<string> _versions = new();

        public List<CopilotEvent> Events { get; } = new();

        public int Values { get; private set; }

        public int UntypedValues { get; private set; }

        public IReadOnlyDictionary<string, long> Types => _types;

        /// <summary>Event types this reader does not know: counted, never errors (Copilot CLI adds types every few releases).</summary>
        public IReadOnlyDictionary<string, long> UnknownTypes => _unknown;

        public IReadOnlyList<string> Versions => _versions;

        public void Add(JsonLine line)
        {
            Values++;
            if (CopilotEvent.Read(line.Root, line.LineNumber, Events.Count) is not { } e)
            {
                UntypedValues++;
                return;
            }
            Events.Add(e);
            _types[e.Type] = _types.GetValueOrDefault(e.Type) + 1;
            if (!CopilotEvent.KnownTypes.Contains(e.Type)) _unknown[e.Type] = _unknown.GetValueOrDefault(e.Type) + 1;
            if (e.CopilotVersion is { } version && !_versions.Contains(version)) _versions.Add(version);
        }
    }
}
