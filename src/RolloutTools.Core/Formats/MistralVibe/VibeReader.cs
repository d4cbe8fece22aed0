using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.MistralVibe;

/// <summary>
/// Mistral Vibe (mistralai/mistral-vibe), the CLI and its ACP server for editors: one record per session folder under
/// &lt;VIBE_HOME&gt;/logs/session (see <see cref="VibeHome"/>), read from its messages.jsonl with the meta.json beside it,
/// and one per legacy session_*.json of Vibe before 2.0. Vibe 2.0 moves each legacy file into a folder of the same
/// name and deletes it; a file whose folder holds messages was moved (the move stopped before deleting it), so it is
/// skipped with a note naming the folder. A folder with meta.json and no messages.jsonl has nothing to read, and says so.
/// </summary>
public sealed class VibeReader : IRolloutReader
{
    /// <summary>Vibe's home, ~/.vibe unless set (vibe/core/paths/_vibe_home.py); its sessions are under logs/session.</summary>
    public const string HomeVariable = "VIBE_HOME";

    public RolloutFormat Format => RolloutFormat.MistralVibe;

    public string SourceKind => VibeRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { VibeHome.MessagesFile, VibeHome.MetadataFile, VibeHome.DefaultPrefix + "_*.json" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    /// <summary>
    /// The config's default save_dir. A save_dir set in config.toml ([session_logging]) is not followed: give that
    /// folder as -Path.
    /// </summary>
    public IReadOnlyList<string> DefaultLocations() => new[] { VibeHome.Default() };

    /// <summary>A sessions folder (named "session", holding Vibe's session folders or files), its logs folder, or a Vibe home holding logs/session.</summary>
    public IReadOnlyList<string> StoresIn(string folder)
    {
        var stores = AgentStore.In(folder, DefaultLocations(), VibeHome.IsLaidOut);
        if (stores.Count > 0) return stores;
        var inHome = Path.Combine(Path.GetFullPath(folder), "logs", "session");
        return Directory.Exists(inHome) && VibeHome.IsLaidOut(inHome) ? new[] { inHome } : Array.Empty<string>();
    }

    /// <summary>A session's files sit one folder down, a subagent's three (&lt;session&gt;/agents/&lt;subagent&gt;/).</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 3);

    /// <summary>A messages file depends on the meta.json beside it, which Vibe rewrites after each append.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        var reference = SessionReference.OfFile(path, this);
        var meta = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, VibeHome.MetadataFile);
        return new[] { VibeHome.StoreOf(path) == VibeStore.Messages && File.Exists(meta) ? reference with { DependsOn = new[] { meta } } : reference };
    }

    public bool IsTraceFile(string path) => VibeHome.StoreOf(path) is not null;

    public bool IsSidecarFile(string path) => VibeHome.IsMetadataBesideMessages(path);

    /// <summary>
    /// A message line by "injected", which Vibe writes on every row (model_dump keeps false) and no chat API has; a
    /// legacy file by its two top-level keys, when both come within the head. meta.json is no trace beside its messages,
    /// and alone it is taken by its name.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Type is not null) return DetectionScore.None;
        if (head.Has("role") && head.Has("injected")) return head.Has("message_id") || head.Has("tool_call_id") ? DetectionScore.Certain : DetectionScore.Likely;
        return head.Has("metadata") && head.Has("messages") && head.Properties.Count == 2 ? DetectionScore.Likely : DetectionScore.None;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IRolloutScan
    {
        private readonly VibeTaskCalls _taskCalls = new();

        /// <summary>
        /// By name and place, text read from memory by its name too; a file under another name (a legacy file of a custom
        /// session_prefix, named with -Format MistralVibe) is a legacy document when it ends in .json, else message lines.
        /// </summary>
        public ReadResult Read(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var store = VibeHome.StoreOf(source.Path)
                ?? (source.Path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? VibeStore.Legacy : VibeStore.Messages);
            if (store == VibeStore.Legacy && source.IsFile && File.Exists(Path.Combine(VibeHome.MigratedFolderOf(source.Path), VibeHome.MessagesFile)))
            {
                return new ReadResult(source, null,
                    $"its session is read from '{VibeHome.MigratedFolderOf(source.Path)}' instead (Vibe 2.0 moved it there and did not get to delete the file)",
                    diagnostics.Items);
            }
            if (store == VibeStore.MetadataOnly) return MetadataOnly(source, diagnostics);

            var session = store == VibeStore.Legacy ? VibeSession.ReadLegacy(source, diagnostics, cancellation) : VibeSession.ReadMessages(source, diagnostics, cancellation);
            if (session is null) return new ReadResult(source, null, null, diagnostics.Items);
            if (session.Rows.Count == 0)
            {
                if (diagnostics.ErrorCount == 0 && store == VibeStore.Legacy) return new ReadResult(source, null, "the session holds no message", diagnostics.Items);
                diagnostics.NothingRead();
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            if (store == VibeStore.Messages && session.Meta is null && session.Folder is { } folder && !File.Exists(Path.Combine(folder, VibeHome.MetadataFile)))
            {
                diagnostics.Warn(RolloutDiagnostic.SidecarDamaged, null,
                    $"no {VibeHome.MetadataFile} beside it (Vibe writes it after each append of messages, so the session stopped in between): the session's id is its folder's name, and its times, model and tokens are unknown.");
            }

            var record = VibeRecords.Build(session, source.Path, diagnostics, CarriedOver(session), _taskCalls.Spawning(session, cancellation));
            if (record.Messages.Count > 0) return new ReadResult(source, record, null, diagnostics.Items);
            if (diagnostics.ErrorCount > 0) diagnostics.NoRecord("no message of the session could be read; no record.");
            else diagnostics.Warn(RolloutDiagnostic.NoUsableLines, null, $"its {session.Rows.Count} messages hold nothing to show (no text, call or result); no record.");
            return new ReadResult(source, null, null, diagnostics.Items);
        }

        /// <summary>
        /// A folder Vibe wrote meta.json into but no messages: Vibe appends the messages first, so they were removed, or
        /// the 2.0 migration stopped between the two files, when the legacy file beside it still holds the session.
        /// </summary>
        private static ReadResult MetadataOnly(TraceSource source, DiagnosticList diagnostics)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(source.Path))!;
            var legacy = folder + ".json";
            if (File.Exists(legacy)) return new ReadResult(source, null, $"the session is read from '{legacy}' (Vibe 2.0 began moving it here and did not write its messages)", diagnostics.Items);
            diagnostics.Warn(RolloutDiagnostic.NoUsableLines, null, $"the session folder holds {VibeHome.MetadataFile} but no {VibeHome.MessagesFile}: nothing of its conversation is left to read; no record.");
            return new ReadResult(source, null, null, diagnostics.Items);
        }

        /// <summary>
        /// The stated totals of the session this one continues, from its folder beside this one (named for its id); null
        /// when this session continues none or the parent is not there. A compaction and a rewind (rewind/manager.py
        /// rewind_to_message, since 2.7.0) both start a session naming the old one as parent and go on counting on its
        /// stats (agent_loop.py _reset_session); only /clear starts them afresh, and it names no parent. A fork names its
        /// source as parent but counts from zero (agent_loop.py fork): totals below the parent's cannot have gone on from
        /// them, and are the session's own. A subagent's parent is the session that delegated to it, whose stats it never had.
        /// </summary>
        private static VibeStats? CarriedOver(VibeSession session)
        {
            if (session.Meta is not { ParentSessionId: { } parent } own || session.Folder is null || session.IsSubagent) return null;
            if (Path.GetDirectoryName(session.Folder) is not { } sessions) return null;
            foreach (var folder in VibeHome.FoldersOf(sessions, parent))
            {
                // The parent's own reading reports damage to its meta.json; here it only means the parent is not found.
                var meta = SidecarFile.LoadDocument(Path.Combine(folder, VibeHome.MetadataFile), VibeMeta.Read).Value;
                if (meta?.SessionId != parent) continue;
                return own.Stats.PromptTokens >= meta.Stats.PromptTokens && own.Stats.CompletionTokens >= meta.Stats.CompletionTokens ? meta.Stats : null;
            }
            return null;
        }
    }
}
