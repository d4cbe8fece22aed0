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

    public IReadOnlyList<string> FilePatterns { get; } = new[] { HistoryFile };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    /// <summary>Every editor's global storage of every extension, and the Cline CLI's data dir: see <see cref="ClineStorage.TaskFolders"/>.</summary>
    public IReadOnlyList<string> DefaultLocations() => ClineStorage.TaskFolders();

    public bool IsTraceFile(string path) => Path.GetFileName(path).Equals(HistoryFile, StringComparison.OrdinalIgnoreCase);

    /// <summary>The other files of a task folder (and the history index beside the tasks) are read with the task, never alone.</summary>
    public bool IsSidecarFile(string path) => TaskFiles.Contains(Path.GetFileName(path)) && IsInTaskFolder(path);

    /// <summary>A tasks folder (named "tasks", holding task folders), or the folder that holds one (an extension's global storage, ~/.cline/data).</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), IsTasksFolder);

    public static bool IsTasksFolder(string tasks) => AgentStore.HasFolder(tasks, name => File.Exists(Path.Combine(tasks, name, HistoryFile)));

    /// <summary>One task per folder directly below the tasks folder: its API history, one folder level down.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 1);

    /// <summary>The task: named by its folder (Cline's Date.now() id, Roo's and Kilo's UUID), depending on the files beside it.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var beside = TaskFiles.Select(name => Path.Combine(folder, name)).Where(File.Exists).ToArray();
        return new[] { SessionReference.OfFile(path, this, new NamedIds(Path.GetFileName(folder))) with { DependsOn = beside } };
    }

    /// <summary>
    /// None: the API history is a JSON array, and detection sees objects that start a line. A file is taken for
    /// a task by its name, which no other format uses.
    /// </summary>
    public int Score(JsonHead head) => DetectionScore.None;

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

        public ReadResult Read(TraceSource source, CancellationToken cancellation) => ClineTask.Read(source, _sourceKind, cancellation);
    }
}
