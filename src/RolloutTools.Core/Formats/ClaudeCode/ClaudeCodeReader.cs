using System.Collections.Concurrent;
using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.ClaudeCode;

/// <summary>
/// Claude Code: one JSONL transcript per session under ~/.claude/projects/&lt;escaped cwd&gt;/ (or
/// $CLAUDE_CONFIG_DIR/projects), subagent transcripts beside the sessions (agent-*.jsonl, before 2.1.7) or in
/// &lt;session&gt;/subagents/ (2.1.7 on) with an agent-*.meta.json sidecar.
/// </summary>
public sealed class ClaudeCodeReader : IRolloutReader
{
    private const string AgentPrefix = "agent-";

    public RolloutFormat Format => RolloutFormat.ClaudeCode;

    public string SourceKind => "claude_code";

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "*.jsonl" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = new[] { "*/subagents/*.jsonl", "*/subagents/workflows/*/*.jsonl" };

    public IReadOnlyList<string> DefaultLocations() => new[] { Path.Combine(AgentHome.Resolve("CLAUDE_CONFIG_DIR", ".claude"), "projects") };

    public bool IsTraceFile(string path) =>
        Path.GetFileName(path).EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) && !IsSidecarFile(path);

    /// <summary>
    /// A config dir, or its projects folder: Claude Code names each project folder after its cwd with every
    /// character but letters and digits made "-" ("-home-dev-shop", "C--Users-dev-shop"), and keeps the sessions
    /// directly in it. (Other agents name project folders the same way but keep sessions deeper: Qwen Code in chats/.)
    /// </summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(),
        projects => AgentStore.HasFolder(projects, name =>
            (name.StartsWith('-') || (name.Length > 2 && char.IsAsciiLetter(name[0]) && name[1] == '-' && name[2] == '-'))
            && AgentStore.HasFile(Path.Combine(projects, name), "*.jsonl")));

    /// <summary>Each file is one session; the ids in its name let a search by id pass over the others unread.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => new[] { SessionReference.OfFile(path, this, IdsInName(path)) };

    /// <summary>
    /// &lt;session&gt;.jsonl, and &lt;session&gt;/subagents/agent-&lt;agent&gt;.jsonl since 2.1.7; the older agent-*.jsonl beside the
    /// sessions names no session, and a file not named by a session id may hold any.
    /// </summary>
    private static NamedIds? IdsInName(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        if (!stem.StartsWith(AgentPrefix, StringComparison.Ordinal)) return Guid.TryParse(stem, out _) ? new NamedIds(stem) : null;
        var session = Path.GetFileName(Path.GetDirectoryName(SubagentsFolder(path)));
        return Guid.TryParse(session, out _) ? new NamedIds($"{session}:{stem[AgentPrefix.Length..]}", stem[AgentPrefix.Length..]) : null;
    }

    /// <summary>
    /// The &lt;session&gt;/subagents folder a file lies in, directly or in one of its workflows
    /// (subagents/workflows/&lt;workflow&gt;/, about 2.1.27x, whose agents are stored flat there beside the workflow's
    /// journal); null for a file elsewhere.
    /// </summary>
    private static string? SubagentsFolder(string path)
    {
        var folder = Path.GetDirectoryName(path);
        if (folder is null) return null;
        if (Path.GetFileName(folder) == "subagents") return folder;
        var workflows = Path.GetDirectoryName(folder);
        var subagents = workflows is null ? null : Path.GetDirectoryName(workflows);
        return Path.GetFileName(workflows) == "workflows" && Path.GetFileName(subagents) == "subagents" ? subagents : null;
    }

    /// <summary>The global prompt history, spilled tool output, and the journal of a subagent folder or workflow.</summary>
    public bool IsSidecarFile(string path)
    {
        var name = Path.GetFileName(path);
        var folder = Path.GetFileName(Path.GetDirectoryName(path) ?? string.Empty);
        return name.Equals("history.jsonl", StringComparison.OrdinalIgnoreCase)
            || folder.Equals("tool-results", StringComparison.OrdinalIgnoreCase)
            || (name.Equals("journal.jsonl", StringComparison.OrdinalIgnoreCase) && SubagentsFolder(path) is not null);
    }

    /// <summary>
    /// A Claude Code line names one of Claude Code's record types, or at least carries its session fields
    /// (with a "type" of the wrong JSON type, only weakly); it is never an envelope with a payload (Codex),
    /// and its message, if any, is Anthropic-shaped: Qwen Code writes the same envelope around Gemini "parts".
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Has("payload") || (head.MessageProperties.Contains("parts") && !head.MessageProperties.Contains("content"))) return DetectionScore.None;
        var sessionFields = head.Has("sessionId") || head.Has("leafUuid") || head.Has("parentUuid");
        return head.Type switch
        {
            "user" or "assistant" when head.Has("uuid") && head.Has("sessionId") => DetectionScore.Certain,
            { } type when ClaudeTranscript.IsKnownType(type) || sessionFields => DetectionScore.Likely,
            null when head.Has("parentUuid") && head.Has("sessionId") && head.Has("uuid") => DetectionScore.Weak,
            _ => DetectionScore.None,
        };
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) =>
        new Scan(this, sources, options ?? new ReadOptions(), cancellation);

    /// <summary>
    /// Claude Code titles a session by writing a summary line whose leafUuid names the session's last
    /// message, sometimes into another file that holds nothing else. Before reading, the scan peeks at the
    /// leading summary lines of every file of the run, so such titles reach their session and summary-only
    /// files are known not to be traces.
    /// </summary>
    private sealed class Scan : IRolloutScan
    {
        private readonly ClaudeCodeReader _reader;
        private readonly ReadOptions _options;
        private readonly Dictionary<string, string> _summariesByLeaf = new(StringComparer.Ordinal);
        private readonly HashSet<string> _summaryOnly = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Sidecar<ClaudeSessionIndex>> _indexes = new(StringComparer.Ordinal);

        public Scan(ClaudeCodeReader reader, IReadOnlyList<TraceSource> sources, ReadOptions options, CancellationToken cancellation)
        {
            _reader = reader;
            _options = options;
            // Summaries only title sessions, and a usage read gives no titles: no file is opened twice for them.
            if (options.UsageOnly) return;
            var files = sources.Where(s => s.IsFile).ToArray();
            var peeks = new (Dictionary<string, string> Summaries, bool SummaryOnly)?[files.Length];
            Parallel.For(0, files.Length, new ParallelOptions { CancellationToken = cancellation }, i => peeks[i] = PeekSummaries(files[i], cancellation));

            // Merged in file order, so the same run always gives the same titles.
            for (var i = 0; i < files.Length; i++)
            {
                if (peeks[i] is not { } peek) continue;
                foreach (var (leaf, summary) in peek.Summaries) _summariesByLeaf.TryAdd(leaf, summary);
                if (peek.SummaryOnly) _summaryOnly.Add(files[i].Path);
            }
        }

        public ReadResult Read(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            if (_summaryOnly.Contains(source.Path))
            {
                return new ReadResult(source, null, "it holds only summary lines, which title other sessions", diagnostics.Items);
            }

            ClaudeTranscript transcript;
            using (var stream = source.Open())
            {
                transcript = ClaudeTranscript.Parse(stream, diagnostics, cancellation, _options.UsageOnly ? ClaudeTranscript.UsageLines : null);
            }

            if (transcript.Values == 0 && _options.UsageOnly)
            {
                return new ReadResult(source, null, "no line of it carries usage", diagnostics.Items);
            }
            if (transcript.Values == 0)
            {
                diagnostics.NothingRead();
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            if (transcript.ConversationLines > 0 && transcript.ContentLines == 0)
            {
                // Claude's envelope without Anthropic content (Qwen Code writes Gemini parts in it): not ours to read.
                return new ReadResult(source, null, "its user and assistant lines carry no Claude Code message content", diagnostics.Items) { IsUnrecognized = true };
            }
            if (!transcript.Entries.Exists(e => e.IsConversational))
            {
                if (diagnostics.ErrorCount > 0 || transcript.UntypedValues == transcript.Values)
                {
                    diagnostics.NoRecord(transcript.UntypedValues == transcript.Values
                        ? "no line has a record \"type\" (a string); no record."
                        : "no conversation line could be read; no record.");
                    return new ReadResult(source, null, null, diagnostics.Items);
                }
                var reason = transcript.SummaryValues == transcript.Values
                    ? "it holds only summary lines, which title other sessions"
                    : "it holds no conversation, only bookkeeping lines";
                return new ReadResult(source, null, reason, diagnostics.Items);
            }

            var record = BuildRecord(source, transcript, diagnostics);
            return new ReadResult(source, record, null, diagnostics.Items);
        }

        private RolloutRecord BuildRecord(TraceSource source, ClaudeTranscript transcript, DiagnosticList diagnostics)
        {
            var stem = Path.GetFileNameWithoutExtension(source.Path);
            var isAgentFile = stem.StartsWith(AgentPrefix, StringComparison.Ordinal);
            var sessionId = SessionId(transcript, stem, isAgentFile);
            var agentId = transcript.AgentId ?? (isAgentFile ? stem[AgentPrefix.Length..] : null);
            var agent = source.IsFile && isAgentFile ? ClaudeAgentMeta.Load(Path.ChangeExtension(source.Path, ".meta.json")).Use(diagnostics) : null;
            var index = (source.IsFile ? Index(ProjectFolder(source.Path, isAgentFile)).Use(diagnostics) : null) ?? ClaudeSessionIndex.None;
            var isSidechain = transcript.IsSidechain || isAgentFile;

            // The index describes sessions; a subagent shares its session's id but not its title.
            var indexEntry = index.Find(sessionId);
            var conversation = ClaudeConversation.Build(transcript, sessionId, _options.IncludeAbandoned);
            var time = transcript.TimeSpanOf(sessionId);
            var leafSummary = conversation.ActiveUuids.Select(u => transcript.SummariesByLeaf.GetValueOrDefault(u) ?? _summariesByLeaf.GetValueOrDefault(u)).FirstOrDefault(s => s is not null);
            var firstPrompt = conversation.Messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt && m.Text.Length > 0)?.Text
                ?? conversation.Messages.Select(m => ClaudeContent.SlashCommand(m)).FirstOrDefault(c => c is not null);

            var meta = new SourceMeta.Builder()
                .Add("session_id", sessionId)
                .Add("slug", transcript.Slug)
                .Add("claude_versions", transcript.Versions)
                .Add("summary", leafSummary ?? (isSidechain ? null : indexEntry?.Summary))
                .Add("custom_title", transcript.CustomTitle)
                .Add("ai_title", transcript.AiTitle)
                .Add("first_prompt", isSidechain ? null : indexEntry?.FirstPrompt)
                .Add("last_prompt", transcript.LastPrompt)
                .Add("away_summary", transcript.AwaySummary)
                .Add("agent_type", agent?.AgentType)
                .Add("agent_description", agent?.Description)
                .Add("parent_tool_use_id", agent?.ToolUseId)
                .Add("agent_name", transcript.AgentName)
                .Add("entrypoint", transcript.Entrypoint)
                .Add("mode", transcript.Mode)
                .Add("permission_mode", transcript.PermissionMode)
                .Add("pr_links", transcript.PullRequests)
                .Add("compactions", transcript.Compactions)
                .Add("microcompactions", transcript.Microcompactions)
                .Add("api_errors", transcript.ApiErrors)
                .Add("refusal_fallbacks", transcript.RefusalFallbacks)
                .Add("stated_cost_usd", (double)(transcript.StatedCost(sessionId) ?? 0m))
                .Add("turn_duration_ms", transcript.TurnDurationMs)
                .Add("queued_prompts", transcript.QueuedPrompts)
                .Add("segments", conversation.Segments > 1 ? conversation.Segments : 0)
                .Add("bridged_gaps", conversation.BridgedGaps)
                .Add("abandoned_entries", conversation.AbandonedEntries)
                .Add("retracted_entries", conversation.RetractedEntries)
                .Add("sidechain_entries", conversation.SidechainEntries)
                .Add("other_session_entries", conversation.OtherSessionEntries)
                .Add("duplicate_entries", conversation.DuplicateEntries)
                .Add("orphan_tool_results", conversation.OrphanToolResults)
                .Add("unanswered_tool_calls", conversation.UnansweredToolCalls)
                .Add("redacted_thinking_blocks", transcript.RedactedThinkingBlocks)
                .Add("skipped_lines", diagnostics.ErrorCount)
                .Add("untyped_lines", transcript.UntypedValues)
                .Add("record_types", transcript.RecordTypes)
                .Add("unknown_record_types", transcript.UnknownRecordTypes)
                .Add("unknown_block_types", transcript.UnknownBlockTypes)
                .Build();

            return new RolloutRecord
            {
                TraceId = agentId is null ? sessionId : $"{sessionId}:{agentId}",
                Format = RolloutFormat.ClaudeCode,
                SourceKind = _reader.SourceKind,
                SourcePath = source.Path,
                RootSessionId = sessionId,
                AgentId = agentId,
                IsSidechain = isSidechain,
                Cwd = transcript.LastCwd,
                ProjectPath = indexEntry?.ProjectPath ?? index.OriginalPath ?? transcript.FirstCwd,
                GitBranch = string.IsNullOrEmpty(transcript.LastGitBranch) ? null : transcript.LastGitBranch,
                StartedAt = Earlier(time?.First, conversation.Messages.Select(m => m.Timestamp).Min()),
                EndedAt = Later(time?.Last, conversation.Messages.Select(m => m.Timestamp).Max()),
                Title = Titles.Clean(isSidechain
                    ? transcript.CustomTitle ?? transcript.AiTitle ?? leafSummary ?? agent?.Description ?? firstPrompt
                    : transcript.CustomTitle ?? transcript.AiTitle ?? leafSummary ?? indexEntry?.Summary ?? firstPrompt ?? indexEntry?.FirstPrompt),
                Models = conversation.Models,
                Messages = conversation.Messages,
                SourceMeta = meta,
                Usage = conversation.Usage,
                UnlistedResponses = conversation.UnlistedResponses,
                ListsResponsesOnly = _options.UsageOnly,
            };
        }

        /// <summary>
        /// The session's span: its own lines, and every message it shows (which can come from lines that name
        /// no session or, across a resume, an earlier one).
        /// </summary>
        private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) => a is null || b < a ? b : a;

        private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null || b > a ? b : a;

        /// <summary>
        /// The file name, when the lines agree it is theirs; otherwise the id most conversational lines carry.
        /// The first line is no guide: files can begin with another session's progress lines.
        /// </summary>
        private static string SessionId(ClaudeTranscript transcript, string stem, bool isAgentFile)
        {
            var votes = transcript.SessionVotes;
            if (votes.ContainsKey(stem)) return stem;
            if (votes.Count > 0) return votes.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).First().Key;
            return isAgentFile ? string.Empty : stem;
        }

        /// <summary>The project folder: the session's own folder, or two up from &lt;session&gt;/subagents/.</summary>
        private static string ProjectFolder(string path, bool isAgentFile)
        {
            var folder = Path.GetDirectoryName(path) ?? string.Empty;
            return isAgentFile && SubagentsFolder(path) is { } subagents ? Path.GetDirectoryName(Path.GetDirectoryName(subagents)) ?? folder : folder;
        }

        private Sidecar<ClaudeSessionIndex> Index(string projectFolder) => _indexes.GetOrAdd(projectFolder, ClaudeSessionIndex.Load);

        /// <summary>
        /// The leading summary lines of a file, and whether there is nothing else in it. Reads only as far as
        /// they go; most files start otherwise and cost one small read.
        /// </summary>
        private static (Dictionary<string, string> Summaries, bool SummaryOnly)? PeekSummaries(TraceSource source, CancellationToken cancellation)
        {
            try
            {
                using var stream = source.Open();
                var head = new byte[512];
                var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
                if (head.AsSpan(0, read).IndexOf("\"summary\""u8) < 0) return null;
                stream.Position = 0;

                var diagnostics = new DiagnosticList(source.Path);
                var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var line in JsonLineReader.Read(stream, diagnostics, cancellation))
                {
                    if (line.Root.GetStringOrNull("type") != "summary") return (summaries, false);
                    if (line.Root.GetIdOrNull("leafUuid") is { } leaf && line.Root.GetStringOrNull("summary") is { } summary)
                    {
                        summaries[leaf] = summary;
                    }
                }
                return (summaries, summaries.Count > 0 && diagnostics.ErrorCount == 0);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException || JsonLineReader.IsUnreadableValue(e))
            {
                // Not summary-only, then: the real read reports the problem.
                return null;
            }
        }
    }
}
