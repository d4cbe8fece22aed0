using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.ClaudeCode;

/// <summary>
/// Everything one pass over a Claude Code transcript collects: the DAG entries, and the file-level facts
/// that bookkeeping lines carry. Every record type is handled on purpose; unknown ones are counted.
/// </summary>
internal sealed partial class ClaudeTranscript
{
    public static bool IsKnownType(string type) => type is "user" or "assistant" || IsBookkeeping(type);

    private static readonly HashSet<string> BookkeepingTypes = new(StringComparer.Ordinal)
    {
        "file-history-snapshot", "queue-operation", "progress", "mode", "permission-mode", "last-prompt",
        "pr-link", "custom-title", "ai-title", "agent-name", "worktree-state", "frame-link", "bridge-session",
        "relocated", "started", "result", "atis-latch", "summary", "attachment", "system", "cost-state",
        "tag", "content-replacement", "file-history-delta",
    };

    /// <summary>Uuid-less records of session state (2.1.2xx): a session's tag, replaced tool output, file-history deltas, artifact-*.</summary>
    private static bool IsBookkeeping(string type) => BookkeepingTypes.Contains(type) || type.StartsWith("artifact-", StringComparison.Ordinal);

    private readonly Dictionary<string, int> _sessionVotes = new(StringComparer.Ordinal);
    private readonly List<string> _queue = new();
    private readonly HashSet<string> _dequeued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset First, DateTimeOffset Last)> _timeBySession = new(StringComparer.Ordinal);

    // Fields nearly every line repeats, read without a new string each time.
    private readonly RepeatedString _type = new(), _subtype = new(), _innerType = new(), _sessionId = new(), _cwd = new(), _gitBranch = new(), _version = new(),
        _agentId = new(), _slug = new(), _entrypoint = new(), _permissionMode = new();

    public List<ClaudeEntry> Entries { get; } = new();
    public Dictionary<string, string> SummariesByLeaf { get; } = new(StringComparer.Ordinal);
    public Counter RecordTypes { get; } = new();
    public Counter UnknownRecordTypes { get; } = new();
    private readonly UnplacedKinds _unknownBlocks;

    /// <summary>Assistant blocks of kinds the reader does not know, by kind; the first of each is a warning.</summary>
    public IReadOnlyDictionary<string, long> UnknownBlockTypes => _unknownBlocks.Counts;
    public List<string> Versions { get; } = new();
    public List<string> PullRequests { get; } = new();
    public string? AgentId { get; private set; }
    public bool IsSidechain { get; private set; }
    public string? FirstCwd { get; private set; }
    public string? LastCwd { get; private set; }
    public string? LastGitBranch { get; private set; }
    public string? CustomTitle { get; private set; }
    public string? AiTitle { get; private set; }
    public string? LastPrompt { get; private set; }
    public string? PermissionMode { get; private set; }
    public string? Mode { get; private set; }
    public string? Slug { get; private set; }
    public string? AgentName { get; private set; }
    public string? Entrypoint { get; private set; }

    /// <summary>The latest recap Claude Code showed on the person's return (system/away_summary, 2.1.108 on); made locally, never sent to the model.</summary>
    public string? AwaySummary { get; private set; }
    public long TurnDurationMs { get; private set; }
    public int Compactions { get; private set; }
    public int Microcompactions { get; private set; }
    public int ApiErrors { get; private set; }
    public int RefusalFallbacks { get; private set; }

    /// <summary>The largest totalCostUSD of each session's cost-state lines; see <see cref="NoteCostState"/>.</summary>
    private readonly Dictionary<string, decimal> _statedCosts = new(StringComparer.Ordinal);

    /// <summary>Uuids of lines a refusal withdrew.</summary>
    public HashSet<string> Retracted { get; } = new(StringComparer.Ordinal);
    public int QueuedPrompts { get; private set; }
    public int RedactedThinkingBlocks { get; private set; }
    public int UntypedValues { get; private set; }
    public int Values { get; private set; }
    public int SummaryValues { get; private set; }

    /// <summary>User and assistant lines, and those of them whose message has Anthropic content.</summary>
    public int ConversationLines { get; private set; }
    public int ContentLines { get; private set; }

    /// <summary>Every assistant line carries its response's usage; a usage read needs no other line.</summary>
    public static readonly LineMarkers UsageLines = new("\"usage\"");

    /// <param name="only">Read only the lines holding one of these (<see cref="UsageLines"/>); null for every line.</param>
    public static ClaudeTranscript Parse(Stream stream, DiagnosticList diagnostics, CancellationToken cancellation, LineMarkers? only = null)
    {
        var transcript = new ClaudeTranscript(diagnostics);
        JsonLineReader.ReadEach(stream, diagnostics, transcript.Add, cancellation, only, transcript.TryAddBookkeeping);
        return transcript;
    }

    private ClaudeTranscript(DiagnosticList diagnostics)
    {
        _unknownBlocks = new UnplacedKinds(diagnostics);
    }

    /// <summary>The session ids the conversational lines name, with how many lines name each.</summary>
    public IReadOnlyDictionary<string, int> SessionVotes => _sessionVotes;

    public (DateTimeOffset First, DateTimeOffset Last)? TimeSpanOf(string sessionId)
    {
        (DateTimeOffset First, DateTimeOffset Last)? span = null;
        foreach (var key in new[] { sessionId, string.Empty })
        {
            if (!_timeBySession.TryGetValue(key, out var s)) continue;
            span = span is { } t ? (Min(t.First, s.First), Max(t.Last, s.Last)) : s;
        }
        return span;
    }

    private void Add(JsonLine line)
    {
        Values++;
        var root = line.Root;
        var type = _type.Read(root, "type");
        if (type is null)
        {
            UntypedValues++;
            return;
        }

        var subtype = _subtype.Read(root, "subtype");
        switch (type)
        {
            case "system" when subtype is not null:
                RecordTypes.Add(type, subtype);
                break;
            case "attachment":
                RecordTypes.Add(type, _innerType.Read(root.GetPropertyOrDefault("attachment"), "type") ?? "unknown");
                break;
            case "progress":
                RecordTypes.Add(type, _innerType.Read(root.GetPropertyOrDefault("data"), "type") ?? "unknown");
                break;
            default:
                RecordTypes.Add(type);
                break;
        }

        if (type == "summary") SummaryValues++;
        NoteEnvelope(root, type);

        switch (type)
        {
            case "user":
                var user = ClaudeContent.ReadUser(root);
                if (user.IsTypedPrompt && _dequeued.Remove(user.PromptText)) user = user.AsQueued();
                AddEntry(root, user: user);
                break;
            case "assistant":
                AddEntry(root, assistant: ClaudeContent.ReadAssistant(line, _unknownBlocks, () => RedactedThinkingBlocks++));
                break;
            case "attachment":
                AddEntry(root, user: ClaudeContent.ReadQueuedCommand(root.GetPropertyOrDefault("attachment")));
                break;
            case "system":
                NoteSystem(root, subtype);
                AddEntry(root, user: subtype == "local_command" ? ClaudeContent.ReadLocalCommand(root) : null);
                break;
            case "progress":
                AddEntry(root);
                break;
            case "summary":
                if (root.GetIdOrNull("leafUuid") is { } leaf && root.GetStringOrNull("summary") is { } summary)
                {
                    SummariesByLeaf[leaf] = summary;
                }
                break;
            case "custom-title":
                CustomTitle = root.GetStringOrNull("customTitle") ?? CustomTitle;
                break;
            case "ai-title":
                AiTitle = root.GetStringOrNull("aiTitle") ?? root.GetStringOrNull("title") ?? AiTitle;
                break;
            case "last-prompt":
                LastPrompt = root.GetStringOrNull("lastPrompt") ?? LastPrompt;
                break;
            case "mode":
                Mode = root.GetStringOrNull("mode") ?? Mode;
                break;
            case "permission-mode":
                PermissionMode = root.GetStringOrNull("permissionMode") ?? PermissionMode;
                break;
            case "agent-name":
                AgentName = root.GetStringOrNull("agentName") ?? root.GetStringOrNull("name") ?? AgentName;
                break;
            case "pr-link":
                if (root.GetStringOrNull("prUrl") is { } url && !PullRequests.Contains(url)) PullRequests.Add(url);
                break;
            case "queue-operation":
                NoteQueue(root);
                break;
            case "cost-state":
                NoteCostState(root);
                break;
            default:
                if (!IsBookkeeping(type)) UnknownRecordTypes.Add(type);
                break;
        }
    }

    private void NoteEnvelope(JsonElement root, string type)
    {
        var sessionId = _sessionId.ReadId(root, "sessionId");
        NoteTime(sessionId, root.GetTimestamp("timestamp"));

        // Identity and place come from the conversation itself; progress lines can belong to another session.
        if (type is not ("user" or "assistant")) return;
        ConversationLines++;
        if (root.GetPropertyOrDefault("message").GetPropertyOrDefault("content").ValueKind != JsonValueKind.Undefined) ContentLines++;
        if (sessionId is not null) _sessionVotes[sessionId] = _sessionVotes.GetValueOrDefault(sessionId) + 1;
        // A subagent's file is sidechain from its first line; a main file can hold its subagents' lines later.
        if (ConversationLines == 1) IsSidechain = root.GetBool("isSidechain");
        if (AgentId is null && root.GetBool("isSidechain") == IsSidechain) AgentId = _agentId.Read(root, "agentId");
        if (_cwd.Read(root, "cwd") is { Length: > 0 } cwd)
        {
            FirstCwd ??= cwd;
            LastCwd = cwd;
        }
        if (_gitBranch.Read(root, "gitBranch") is { } branch) LastGitBranch = branch;
        if (_version.Read(root, "version") is { } version && !Versions.Contains(version)) Versions.Add(version);
        Slug = _slug.Read(root, "slug") ?? Slug;
        Entrypoint = _entrypoint.Read(root, "entrypoint") ?? Entrypoint;
        PermissionMode = _permissionMode.Read(root, "permissionMode") ?? PermissionMode;
    }

    private void NoteTime(string? sessionId, DateTimeOffset? timestamp)
    {
        if (timestamp is not { } time) return;
        var key = sessionId ?? string.Empty;
        _timeBySession[key] = _timeBySession.TryGetValue(key, out var span) ? (Min(span.First, time), Max(span.Last, time)) : (time, time);
    }

    /// <summary>
    /// Prompts typed while the agent is busy are enqueued, then either dequeued (they arrive as the next user
    /// line) or removed when the agent absorbs them mid-turn. From about 2.1.133 an absorbed prompt is also
    /// written as a queued_command attachment and its remove line repeats the content; before that the
    /// enqueue line is the only place its text survives, so it becomes a message of its own here.
    /// </summary>
    private void NoteQueue(JsonElement root)
    {
        switch (root.GetStringOrNull("operation"))
        {
            case "enqueue":
                // Finished background tasks wait in the same queue; only what a person typed is a queued prompt.
                var queued = ClaudeContent.ReadText(root.GetPropertyOrDefault("content"));
                if (!ClaudeContent.IsTaskNotification(queued)) QueuedPrompts++;
                _queue.Add(queued);
                break;
            case "dequeue" when _queue.Count > 0:
                _dequeued.Add(_queue[0]);
                _queue.RemoveAt(0);
                break;
            case "remove" when _queue.Count > 0:
                // A remove line that repeats its item's content (about 2.1.133 on) names it, and it need not be the
                // oldest; its queued_command attachment holds it.
                if (root.TryGetProperty("content", out var removed))
                {
                    var at = _queue.IndexOf(ClaudeContent.ReadText(removed));
                    _queue.RemoveAt(at < 0 ? 0 : at);
                    break;
                }
                var text = _queue[0];
                _queue.RemoveAt(0);
                if (text.Length > 0)
                {
                    Entries.Add(new ClaudeEntry
                    {
                        SessionId = root.GetIdOrNull("sessionId"),
                        Timestamp = root.GetTimestamp("timestamp"),
                        User = ClaudeContent.Queued(text),
                    });
                }
                break;
            case "popAll":
                _queue.Clear();
                break;
        }
    }

    private void NoteSystem(JsonElement root, string? subtype)
    {
        switch (subtype)
        {
            case "compact_boundary": Compactions++; break;
            case "microcompact_boundary": Microcompactions++; break;
            case "api_error": ApiErrors++; break;
            case "turn_duration": TurnDurationMs += root.GetInt64OrZero("durationMs"); break;
            case "model_refusal_fallback": NoteRefusal(root); break;
            case "away_summary": AwaySummary = root.GetStringOrNull("content") is { Length: > 0 } recap ? recap : AwaySummary; break;
        }
    }

    /// <summary>
    /// A refused response was withdrawn (about 2.1.220 on): the API says its partial output must be discarded,
    /// and Claude Code answers the same turn again with the fallback model. The lines it streamed before the
    /// refusal are named here; they never reached the conversation that went on.
    /// </summary>
    private void NoteRefusal(JsonElement root)
    {
        RefusalFallbacks++;
        if (root.GetPropertyOrDefault("retractedMessageUuids") is not { ValueKind: JsonValueKind.Array } retracted) return;
        foreach (var uuid in retracted.EnumerateArray())
        {
            if (uuid.ValueKind == JsonValueKind.String) Retracted.Add(uuid.GetString()!);
        }
    }

    /// <summary>
    /// cost-state (about 2.1.251 on): what Claude Code itself says the session has cost, its subagents and side
    /// calls included, written again after turns and at exit, so the largest is the latest. It is what /cost shows,
    /// kept beside the tokens the lines count, never added to them.
    /// </summary>
    private void NoteCostState(JsonElement root)
    {
        if (ClaudeContent.Usd(root, "totalCostUSD") is not { } cost) return;
        var session = _sessionId.ReadId(root, "sessionId") ?? string.Empty;
        if (!_statedCosts.TryGetValue(session, out var stated) || cost > stated) _statedCosts[session] = cost;
    }

    /// <summary>The cost Claude Code last stated for the session, or for the file when its lines name no session.</summary>
    public decimal? StatedCost(string sessionId) =>
        _statedCosts.TryGetValue(sessionId, out var cost) || _statedCosts.TryGetValue(string.Empty, out cost) ? cost : null;

    private void AddEntry(JsonElement root, UserLine? user = null, AssistantLine? assistant = null)
    {
        var uuid = root.GetIdOrNull("uuid");
        if (uuid is null)
        {
            // Without its uuid a line cannot take its place in the conversation; words lost so are reported.
            if (user is not null || assistant is not null) throw new FormatException("the line has no \"uuid\" (a string), so it has no place in the conversation.");
            return;
        }
        if (assistant is { IsSynthetic: true } && root.GetBool("isApiErrorMessage")) ApiErrors++;
        Entries.Add(new ClaudeEntry
        {
            Uuid = uuid,
            ParentUuid = ParentOf(root),
            LogicalParentUuid = root.GetIdOrNull("logicalParentUuid"),
            SessionId = _sessionId.ReadId(root, "sessionId"),
            IsSidechain = root.GetBool("isSidechain"),
            Timestamp = root.GetTimestamp("timestamp"),
            User = user,
            Assistant = assistant,
        });
    }

    private string? PreviousUuid => Entries.Count > 0 ? Entries[^1].Uuid : null;

    /// <summary>
    /// The line's parent: nearly always the line before it, whose uuid string serves again, so a chain of
    /// thousands of progress lines does not allocate each uuid twice.
    /// </summary>
    private string? ParentOf(JsonElement root)
    {
        var previous = PreviousUuid;
        return previous is not null && root.TryGetProperty("parentUuid", out var parent) && parent.ValueKind == JsonValueKind.String && parent.ValueEquals(previous)
            ? previous
            : root.GetIdOrNull("parentUuid");
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}

