using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.QwenCode;

/// <summary>
/// Qwen Code (QwenLM/qwen-code, a Gemini CLI fork): one JSONL chat file per session,
/// &lt;runtime dir&gt;/projects/&lt;cwd, every character but letters, digits and '-' made '-'&gt;/chats/&lt;session id&gt;.jsonl,
/// archived sessions in chats/archive/. The runtime dir is $QWEN_RUNTIME_DIR, else $QWEN_HOME, else ~/.qwen
/// (packages/core/src/config/storage.ts getRuntimeBaseDir, getGlobalQwenDir). The lines are Claude Code's
/// envelope around Gemini content; QwenTranscript reads them, QwenConversation rebuilds the session.
/// </summary>
public sealed class QwenCodeReader : IRolloutReader
{
    /// <summary>Qwen Code's home (settings, credentials); also where sessions go when no runtime dir is set.</summary>
    public const string HomeVariable = "QWEN_HOME";

    /// <summary>Where Qwen Code writes runtime output, sessions included; it wins over QWEN_HOME.</summary>
    public const string RuntimeDirVariable = "QWEN_RUNTIME_DIR";

    private static readonly HashSet<string> RecordTypes = new(StringComparer.Ordinal) { "user", "assistant", "tool_result", "system" };

    public RolloutFormat Format => RolloutFormat.QwenCode;

    public string SourceKind => "qwen_code";

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "*.jsonl" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    /// <summary>The projects folder of the runtime dir, and of the home when a runtime dir moves it elsewhere.</summary>
    public IReadOnlyList<string> DefaultLocations() =>
        new[] { Folder(RuntimeDirVariable) ?? Folder(HomeVariable) ?? Home(), Folder(HomeVariable) ?? Home() }
            .Select(dir => Path.Combine(dir, "projects"))
            .Distinct(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase)
            .ToArray();

    public bool IsTraceFile(string path) => Path.GetFileName(path).EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

    /// <summary>The chats folders hold nothing but sessions; other files in the home are not searched (see Locate).</summary>
    public bool IsSidecarFile(string path) => false;

    /// <summary>A Qwen home (or runtime dir), or its projects folder: each project folder holds a chats folder.</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), IsProjectsFolder);

    /// <summary>Whether a folder is laid out as Qwen Code's projects folder: a project folder in it holds chats/.</summary>
    private static bool IsProjectsFolder(string projects) => AgentStore.HasFolder(projects, name => Directory.Exists(Path.Combine(projects, name, "chats")));

    /// <summary>The chat files of each project, archived ones too; nothing else the project folders keep.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry)
    {
        var located = SessionLocator.InStore(this, store, search, registry);
        return located with { Sessions = located.Sessions.Where(s => InChats(store, s.Source.Path)).ToArray() };
    }

    private static bool InChats(string store, string path) =>
        Path.GetRelativePath(store, path).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Contains("chats");

    /// <summary>Each file is one session named by its id (SessionService's ^[0-9a-fA-F-]{32,36}\.jsonl$).</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => new[] { SessionReference.OfFile(path, this, IdsInName(path)) };

    private static NamedIds? IdsInName(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        return stem.Length is >= 32 and <= 36 && stem.All(c => char.IsAsciiHexDigit(c) || c == '-') ? new NamedIds(stem) : null;
    }

    /// <summary>
    /// Certain of a record in Claude Code's envelope (uuid, sessionId) that carries what only Qwen Code writes:
    /// a Gemini message ({role, parts}), a tool_result record, or a system record's systemPayload. Claude Code's
    /// reader turns all three down or is only likely of them, so no line is claimed by both.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Has("payload") || !head.Has("uuid") || !head.Has("sessionId")) return DetectionScore.None;
        if (head.Type is not { } type || !RecordTypes.Contains(type)) return DetectionScore.None;
        if (head.MessageProperties.Contains("parts") && !head.MessageProperties.Contains("content")) return DetectionScore.Certain;
        if (type == "tool_result" || head.Has("systemPayload") || head.Has("usageMetadata")) return DetectionScore.Certain;
        return DetectionScore.None;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) =>
        new Scan(this, options ?? new ReadOptions());

    private static string Home() => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".qwen");

    /// <summary>The variable's folder, a leading ~ expanded as Qwen Code expands it; null when unset or blank.</summary>
    private static string? Folder(string variable)
    {
        var configured = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(configured)) return null;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (configured == "~") return home;
        return configured.StartsWith("~/", StringComparison.Ordinal) || configured.StartsWith("~\\", StringComparison.Ordinal)
            ? Path.Combine(home, configured[2..])
            : Path.GetFullPath(configured);
    }

    private sealed class Scan : IRolloutScan
    {
        private readonly QwenCodeReader _reader;
        private readonly ReadOptions _options;

        public Scan(QwenCodeReader reader, ReadOptions options)
        {
            _reader = reader;
            _options = options;
        }

        public ReadResult Read(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            QwenTranscript transcript;
            using (var stream = source.Open())
            {
                transcript = QwenTranscript.Parse(stream, diagnostics, cancellation);
            }
            if (transcript.Values == 0)
            {
                diagnostics.NothingRead();
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            if (!transcript.Entries.Exists(e => e.IsConversation))
            {
                diagnostics.NoRecord(transcript.Entries.Count == 0
                    ? "no line is a Qwen Code record (a \"type\" and a \"uuid\"); no record."
                    : "the file holds only bookkeeping records, no conversation; no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            return new ReadResult(source, BuildRecord(source, transcript, diagnostics), null, diagnostics.Items);
        }

        private RolloutRecord BuildRecord(TraceSource source, QwenTranscript transcript, DiagnosticList diagnostics)
        {
            var conversation = QwenConversation.Build(transcript, _options.IncludeAbandoned, diagnostics);
            var stem = Path.GetFileNameWithoutExtension(source.Path);
            var sessionId = conversation.ActivePath.Select(r => r.SessionId).LastOrDefault(s => s is not null)
                ?? transcript.Entries.Select(e => e.SessionId).FirstOrDefault(s => s is not null)
                ?? stem;
            var path = conversation.ActivePath;
            var times = transcript.Entries.Select(e => e.Timestamp).Concat(conversation.Messages.Select(m => m.Timestamp)).Where(t => t is not null).ToArray();
            var firstPrompt = conversation.Messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt && m.Text.Length > 0)?.Text;
            var folder = Path.GetFileName(Path.GetDirectoryName(source.Path) ?? string.Empty);
            var archived = source.IsFile && folder.Equals("archive", StringComparison.Ordinal)
                && Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(source.Path)) ?? string.Empty) == "chats";
            var models = conversation.Messages.Where(m => m.Model is not null).Select(m => m.Model!).Distinct(StringComparer.Ordinal).ToArray();

            var meta = new SourceMeta.Builder()
                .Add("session_id", sessionId)
                .Add("qwen_versions", transcript.Versions)
                .Add("custom_title", transcript.CustomTitle)
                .Add("title_source", transcript.TitleSource)
                .Add("parent_session_id", transcript.ParentSessionId)
                .Add("forked_from_session_id", transcript.ForkedFromSession)
                .Add("session_source", transcript.SourceType)
                .Add("archived", archived)
                .Add("context_window_size", transcript.ContextWindowSize)
                .Add("compactions", conversation.Compactions)
                .Add("hook_contexts", conversation.HookContexts)
                .Add("merged_fragments", conversation.MergedFragments)
                .Add("bridged_gaps", conversation.BridgedGaps)
                .Add("abandoned_entries", conversation.AbandonedEntries)
                .Add("sidechain_entries", conversation.SidechainEntries)
                .Add("orphan_tool_results", conversation.OrphanToolResults)
                .Add("unanswered_tool_calls", conversation.UnansweredToolCalls)
                .Add("skipped_lines", diagnostics.ErrorCount)
                .Add("untyped_lines", transcript.UntypedValues)
                .Add("record_types", transcript.RecordTypes)
                .Add("record_subtypes", transcript.Subtypes)
                .Add("unknown_part_types", transcript.UnknownPartTypes)
                .Build();

            return new RolloutRecord
            {
                TraceId = sessionId,
                Format = RolloutFormat.QwenCode,
                SourceKind = _reader.SourceKind,
                SourcePath = source.Path,
                RootSessionId = sessionId,
                Cwd = path.Select(r => r.Cwd).LastOrDefault(c => !string.IsNullOrEmpty(c)),
                ProjectPath = path.Select(r => r.Cwd).FirstOrDefault(c => !string.IsNullOrEmpty(c)),
                GitBranch = path.Select(r => r.GitBranch).LastOrDefault(b => !string.IsNullOrEmpty(b)),
                StartedAt = times.Length > 0 ? times.Min() : null,
                EndedAt = times.Length > 0 ? times.Max() : null,
                Title = Titles.Clean(transcript.CustomTitle ?? firstPrompt),
                Models = models,
                Messages = conversation.Messages,
                SourceMeta = meta,
                Usage = conversation.Usage,
                UnlistedResponses = conversation.UnlistedResponses,
            };
        }
    }
}
