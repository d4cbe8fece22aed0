using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Cline;

/// <summary>
/// Cline (saoudrizwan.claude-dev) and the forks that keep its task folders unchanged, Roo Code
/// (rooveterinaryinc.roo-cline) and Kilo Code (kilocode.kilo-code): one folder per task, tasks/&lt;task id&gt;/,
/// in the extension's global storage of each VS Code-family editor, and in the Cline CLI's data dir
/// (~/.cline/data). One format, not three: the files are the same and cannot tell which extension wrote them,
/// so only the folder they sit in can, and it is kept in SourceMeta (agent, extension_id, editor).
/// A task is one session whose source is api_conversation_history.json and which depends on the files beside
/// it (ui_messages.json, task_metadata.json, …), so a write to any of them counts as the task's activity.
/// The Cline SDK's sessions (the CLI 3, the extension's SDK build) are read here too, from the session data
/// dir beside the tasks folder: one session per &lt;id&gt;.messages.json (<see cref="ClineSession"/>).
/// </summary>
public sealed class ClineReader : IRolloutReader
{
    public const string HistoryFile = "api_conversation_history.json";

    /// <summary>The files a task folder keeps besides its API history; none is a trace of its own.</summary>
    private static readonly HashSet<string> TaskFiles = new(StringComparer.OrdinalIgnoreCase)
    {
        ClineTask.UiMessagesFile, ClineTask.MetadataFile, ClineTask.HistoryItemFile, "context_history.json", "settings.json",
        "claude_messages.json", "taskHistory.json", "_index.json",
    };

    public RolloutFormat Format => RolloutFormat.Cline;

    public string SourceKind => "cline";

    public IReadOnlyList<string> FilePatterns { get; } = new[] { HistoryFile, "*" + ClineSession.MessagesSuffix };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    /// <summary>
    /// Every editor's global storage of every extension, and the Cline CLI's data dir (<see cref="ClineStorage.TaskFolders"/>),
    /// then the SDK's session data dir (<see cref="ClineStorage.SessionFolder"/>).
    /// </summary>
    public IReadOnlyList<string> DefaultLocations() => ClineStorage.TaskFolders().Append(ClineStorage.SessionFolder()).ToArray();

    public bool IsTraceFile(string path) => Path.GetFileName(path).Equals(HistoryFile, StringComparison.OrdinalIgnoreCase) || ClineSession.IsMessagesFile(path);

    /// <summary>
    /// The other files of a task folder (and the history index beside the tasks), and a session's manifest and
    /// compaction state, are read with the task or session, never alone.
    /// </summary>
    public bool IsSidecarFile(string path) => (TaskFiles.Contains(Path.GetFileName(path)) && IsInTaskFolder(path)) || ClineSession.IsSidecarFile(path);

    /// <summary>
    /// A tasks folder (named "tasks", holding task folders) or a session data dir (named "sessions", holding
    /// session folders), or the folder that holds them (an extension's global storage, ~/.cline/data).
    /// </summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), f => IsTasksFolder(f) || ClineSession.IsSessionsFolder(f));

    public static bool IsTasksFolder(string tasks) => AgentStore.HasFolder(tasks, name => File.Exists(Path.Combine(tasks, name, HistoryFile)));

    /// <summary>One task or session per folder directly below the store: its API history or messages, one folder level down.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 1);

    /// <summary>
    /// The task: named by its folder (Cline's Date.now() id, Roo's and Kilo's UUID), depending on the files beside
    /// it; a session: named as <see cref="ClineSession.Ids"/> says, depending on its manifest.
    /// </summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        if (ClineSession.IsMessagesFile(path)) return new[] { ClineSession.Reference(path, this) };
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var beside = TaskFiles.Select(name => Path.Combine(folder, name)).Where(File.Exists).ToArray();
        return new[] { SessionReference.OfFile(path, this, new NamedIds(Path.GetFileName(folder))) with { DependsOn = beside } };
    }

    /// <summary>
    /// A session's messages file by its root object (sessionId, messages, and the agent or origin the SDK writes
    /// beside them). The API history of a task is a JSON array, and detection sees objects that start a line:
    /// a task is taken by its file's name, which no other format uses.
    /// </summary>
    public int Score(JsonHead head) =>
        head.Has("sessionId") && head.Has("messages") && (head.Has("origin") || head.Has("agent")) ? DetectionScore.Certain : DetectionScore.None;

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan(SourceKind);

    private static bool IsInTaskFolder(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return folder is not null && (File.Exists(Path.Combine(folder, HistoryFile)) || Path.GetFileName(folder).Equals("tasks", StringComparison.OrdinalIgnoreCase)
            || Path.GetFileName(Path.GetDirectoryName(folder) ?? string.Empty).Equals("tasks", StringComparison.OrdinalIgnoreCase));
    }

    private sealed class Scan : IRolloutScan
    {
        private readonly string _sourceKind;

        public Scan(string sourceKind) => _sourceKind = sourceKind;

        /// <summary>
        /// By the file's name; text under another name (piped, renamed) by its first character: a session's messages
        /// file is a JSON object, a task's API history an array.
        /// </summary>
        public ReadResult Read(TraceSource source, CancellationToken cancellation) =>
            ClineSession.IsMessagesFile(source.Path) || (!Path.GetFileName(source.Path).Equals(HistoryFile, StringComparison.OrdinalIgnoreCase) && StartsWithObject(source))
                ? ClineSession.Read(source, _sourceKind, cancellation)
                : ClineTask.Read(source, _sourceKind, cancellation);

        private static bool StartsWithObject(TraceSource source)
        {
            using var stream = source.Open();
            int b;
            while ((b = stream.ReadByte()) is ' ' or '\t' or '\r' or '\n' or 0xEF or 0xBB or 0xBF)
            {
            }
            return b == '{';
        }
    }
}
