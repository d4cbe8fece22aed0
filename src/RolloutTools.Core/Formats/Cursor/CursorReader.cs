using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Cursor;

/// <summary>
/// Cursor's agent (cursor-agent, the Cursor CLI, and the agent of the Cursor app): one JSONL transcript per
/// session under $CURSOR_CONFIG_DIR/projects (default ~/.cursor/projects), laid out as <see cref="CursorHome"/>
/// says, each read with the session's chat store (chats/&lt;hash&gt;/&lt;id&gt;/store.db) for its title, model and
/// start time. Cursor is closed source; the layout and fields follow the third-party readers cited in
/// <see cref="CursorHome"/> and <see cref="CursorChatStore"/>.
/// </summary>
public sealed class CursorReader : IRolloutReader
{
    /// <summary>
    /// Cursor documents CURSOR_CONFIG_DIR as the override of its CLI's config folder (~/.cursor, where
    /// cli-config.json is); it is read here as the folder whose projects/ and chats/ hold the sessions.
    /// </summary>
    public const string HomeVariable = CursorHome.Variable;

    public RolloutFormat Format => RolloutFormat.Cursor;

    public string SourceKind => "cursor";

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "*.jsonl", "*.txt" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => new[] { Path.Combine(CursorHome.Default(), "projects") };

    /// <summary>A JSONL file (content decides), or a plain-text transcript of an older Cursor: a .txt in an agent-transcripts folder.</summary>
    public bool IsTraceFile(string path) =>
        Path.GetFileName(path).EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || IsTextTranscript(path);

    private static bool IsTextTranscript(string path) =>
        Path.GetFileName(path).EndsWith(".txt", StringComparison.OrdinalIgnoreCase)
        && Path.GetFullPath(path).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Contains(CursorHome.Transcripts);

    /// <summary>Only agent-transcripts folders are searched (see Locate); nothing there is a sidecar.</summary>
    public bool IsSidecarFile(string path) => false;

    /// <summary>A Cursor home (its projects folder), or a projects folder: a project folder in it holds agent-transcripts/.</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), IsProjectsFolder);

    public static bool IsProjectsFolder(string projects) =>
        AgentStore.HasFolder(projects, name => Directory.Exists(Path.Combine(projects, name, CursorHome.Transcripts)));

    /// <summary>
    /// The transcripts of each project, subagents' too (projects/&lt;slug&gt;/agent-transcripts/&lt;id&gt;/subagents/&lt;id&gt;.jsonl,
    /// four folders down); nothing else the project folders keep.
    /// </summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry)
    {
        var located = SessionLocator.InStore(this, store, search, registry, maxDepth: 4);
        return located with { Sessions = located.Sessions.Where(s => CursorHome.InTranscripts(store, s.Source.Path)).ToArray() };
    }

    /// <summary>
    /// One session per transcript, named by its folder (a subagent as "session:agent"), depending on its chat
    /// store's files (store.db, its -wal, meta.json) so that -Since sees their writes. The last activity is the
    /// latest of meta.json's updatedAtMs and those files' write times when meta.json states one; store.db itself
    /// states only when the session began.
    /// </summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        var place = CursorHome.PlaceOf(path);
        var reference = SessionReference.OfFile(path, this, IdsOf(place));
        if (place.Home is null || CursorHome.ChatFolder(place.Home, place.AgentId ?? place.SessionId) is not { } chat) return new[] { reference };
        var files = CursorChatStore.FilesOf(chat);
        DateTimeOffset? stated = CursorChatStore.StatedActivity(chat);
        if (stated is { } updated)
        {
            var written = files.Append(path).Where(File.Exists).Select(f => new DateTimeOffset(File.GetLastWriteTimeUtc(f), TimeSpan.Zero)).Append(updated).Max();
            return new[] { reference with { DependsOn = files, LastActivity = written } };
        }
        return new[] { reference with { DependsOn = files } };
    }

    private static NamedIds? IdsOf(CursorPlace place) =>
        IsId(place.SessionId) && (place.AgentId is null || IsId(place.AgentId)) ? new NamedIds(place.TraceId, place.AgentId) : null;

    /// <summary>Cursor names sessions by UUID.</summary>
    private static bool IsId(string name) => name.Length == 36 && Guid.TryParse(name, out _);

    /// <summary>
    /// Likely of a line whose role is at the top and whose message has content but no role of its own, with
    /// none of the fields other agents put beside a message (type, timestamp, ids): Claude Code and Qwen Code
    /// nest the role in message and stamp every line, Hermes' gateway rows are flat OpenAI messages with a
    /// time. Likely too of the turn_ended marker, a type and a status and nothing else.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Has("timestamp") || head.Has("uuid") || head.Has("sessionId") || head.Has("session_id") || head.Has("id") || head.Has("payload")) return DetectionScore.None;
        if (head.Type is null)
        {
            return head.String("role") is "user" or "assistant" && head.Has("message")
                && head.MessageProperties.Contains("content") && !head.MessageProperties.Contains("role")
                ? DetectionScore.Likely
                : DetectionScore.None;
        }
        return head.Type == "turn_ended" && head.Has("status") && !head.Has("role") && !head.Has("message") ? DetectionScore.Likely : DetectionScore.None;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan(this);

    private sealed class Scan : IRolloutScan
    {
        private readonly CursorReader _reader;

        public Scan(CursorReader reader) => _reader = reader;

        public ReadResult Read(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var place = CursorHome.PlaceOf(source.Path);
            CursorTranscript transcript;
            var isText = IsTextTranscript(source.Path);
            using (var stream = source.Open())
            {
                transcript = isText
                    ? CursorTranscript.ParseText(stream, place.IsSubagent, diagnostics, cancellation)
                    : CursorTranscript.Parse(stream, place.IsSubagent, diagnostics, cancellation);
            }
            if (transcript.Values == 0)
            {
                diagnostics.NothingRead();
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            if (transcript.Messages.Count == 0)
            {
                diagnostics.NoRecord(transcript.ConversationLines > 0 ? "no message could be read; no record."
                    : isText ? "no line starts a turn (\"user:\" or \"assistant:\" alone on a line); no record."
                    : "no line is a Cursor transcript line (a \"role\" and a \"message\"); no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            if (transcript.ConversationLines == 0)
            {
                // Cursor rewrites the transcript to the failed turn's end alone when a turn fails (out of usage):
                // the conversation is gone from it, and the record keeps the error and the chat store's facts.
                diagnostics.Warn(RolloutDiagnostic.ParseError, null, "the transcript holds only the end of a failed turn (Cursor rewrites it so when a turn fails); the conversation before it is not in the file.");
            }
            var home = source.IsFile ? place.Home : null;
            var chat = home is not null && CursorHome.ChatFolder(home, place.AgentId ?? place.SessionId) is { } folder
                ? (Folder: folder, Store: CursorChatStore.Read(folder, diagnostics))
                : default;
            // A subagent without a chat folder of its own worked in its session's folder: the session's store says which.
            var parentCwd = chat.Store is null && place.IsSubagent && home is not null && CursorHome.ChatFolder(home, place.SessionId) is { } parent
                ? CursorChatStore.Read(parent, diagnostics).Cwd
                : null;
            return new ReadResult(source, Build(source, place, transcript, chat.Folder, chat.Store, parentCwd, diagnostics), null, diagnostics.Items);
        }

        private RolloutRecord Build(TraceSource source, CursorPlace place, CursorTranscript transcript, string? chatFolder, CursorChatStore? store, string? parentCwd, DiagnosticList diagnostics)
        {
            var firstPrompt = (transcript.Messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt)
                ?? transcript.Messages.FirstOrDefault(m => m.Kind == MessageKind.AgentMessage))?.Text;
            var model = store?.LastUsedModel is { Length: > 0 } chosen && chosen != "default" ? chosen : null;
            var meta = new SourceMeta.Builder()
                .Add("session_id", place.SessionId)
                .Add("transcript_format", IsTextTranscript(source.Path) ? "text" : "jsonl")
                .Add("lines_before_first_turn", transcript.LinesBeforeFirstTurn)
                .Add("project_slug", place.ProjectSlug)
                .Add("chat_folder", chatFolder)
                .Add("workspace_hash", chatFolder is null ? null : Path.GetFileName(Path.GetDirectoryName(chatFolder)))
                .Add("title_source", store?.Title is null ? null : store.TitleSource)
                .Add("cwd_source", store?.Cwd is null && parentCwd is not null ? "parent_store" : null)
                .Add("mode", store?.Mode)
                .Add("last_used_model", store?.LastUsedModel)
                .Add("store_meta_keys", store?.MetaKeys ?? new List<string>())
                .Add("store_metadata_fields", store?.MetadataFields ?? new List<string>())
                .Add("store_blobs_unread", Math.Max(store?.Blobs ?? 0, 0))
                .Add("turns_ended", transcript.TurnsEnded)
                .Add("turn_statuses", transcript.TurnStatuses)
                .Add("failed_turns", transcript.FailedTurns)
                .Add("redacted_thinking", transcript.RedactedThinking)
                .Add("user_queries", transcript.UserQueries)
                .Add("tool_call_ids_made", transcript.ToolCallIdsMade)
                .Add("tool_results_paired_by_id", transcript.ToolResultsPairedById)
                .Add("tool_results_paired_by_order", transcript.ToolResultsPairedByOrder)
                .Add("orphan_tool_results", transcript.OrphanToolResults)
                .Add("unanswered_tool_calls", transcript.UnansweredToolCalls)
                .Add("skipped_lines", diagnostics.ErrorCount)
                .Add("untyped_lines", transcript.UntypedValues)
                .Add("line_types", transcript.LineTypes)
                .Add("unknown_block_types", transcript.UnknownBlockTypes)
                .Add("unknown_roles", transcript.UnknownRoles)
                .Build();

            return new RolloutRecord
            {
                TraceId = place.TraceId,
                Format = RolloutFormat.Cursor,
                SourceKind = _reader.SourceKind,
                SourcePath = source.Path,
                RootSessionId = place.SessionId,
                AgentId = place.AgentId,
                IsSidechain = place.IsSubagent,
                Cwd = store?.Cwd ?? parentCwd,
                ProjectPath = store?.Cwd ?? parentCwd,
                StartedAt = store?.CreatedAt,
                EndedAt = store?.UpdatedAt,
                Title = Titles.Clean(store?.Title ?? firstPrompt),
                Models = model is null ? Array.Empty<string>() : new[] { model },
                Messages = transcript.Messages,
                SourceMeta = meta,
            };
        }
    }
}
