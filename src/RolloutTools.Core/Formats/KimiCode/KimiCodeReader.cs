using System.Collections.Concurrent;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.KimiCode;

/// <summary>
/// Kimi Code, Moonshot AI's terminal agent, and kimi-cli before it (see <see cref="KimiHome"/>): one record per agent
/// journal of Kimi Code (agents/&lt;id&gt;/wire.jsonl; "main" is the session, any other id a subagent's sidechain), and
/// one per context file of kimi-cli (context.jsonl, a subagent's under subagents/&lt;id&gt;/, and each context_&lt;n&gt;.jsonl
/// that /clear, a compaction or a rewind set aside, since only they still hold the words before it).
/// </summary>
public sealed class KimiCodeReader : IRolloutReader
{
    /// <summary>Kimi Code's home, ~/.kimi-code unless set (packages/agent-core/src/config/path.ts); its sessions are under sessions/.</summary>
    public const string HomeVariable = "KIMI_CODE_HOME";

    /// <summary>kimi-cli's share folder, ~/.kimi unless set (src/kimi_cli/share.py); its sessions are under sessions/.</summary>
    public const string LegacyHomeVariable = "KIMI_SHARE_DIR";

    /// <summary>Scream Code (LIUTod/scream-code), a fork of Kimi Code that keeps its journals: its home, ~/.scream-code unless set.</summary>
    public const string ForkHomeVariable = "SCREAM_CODE_HOME";

    public RolloutFormat Format => RolloutFormat.KimiCode;

    public string SourceKind => KimiRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { KimiHome.JournalFile, "context*.jsonl" };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => new[] { KimiHome.Default(), KimiHome.LegacyDefault(), KimiHome.ForkDefault() };

    /// <summary>A sessions folder of either CLI, or a home holding one.</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), KimiHome.IsLaidOut);

    /// <summary>A journal lies four folders down (wd_…/&lt;session&gt;/agents/&lt;id&gt;/), a kimi-cli subagent's context too.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 4);

    /// <summary>The ids the folders give; a file depends on the session's state.json, and a kimi-cli context on its wire.jsonl and a subagent's meta.json.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        var store = KimiHome.StoreOf(path) ?? KimiStore.Journal;
        var place = KimiPlace.Of(path, store, isFile: true);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var beside = new List<string>();
        if (place.SessionFolder is { } session)
        {
            beside.Add(Path.Combine(session, KimiHome.StateFile));
            // The parent's file names the call that started a subagent (KimiSpawns).
            if (place.IsSubagent) beside.Add(KimiSpawns.ParentFile(session, store, null));
        }
        if (store == KimiStore.LegacyContext)
        {
            beside.Add(Path.Combine(folder, KimiHome.JournalFile));
            if (place.IsSubagent) beside.Add(Path.Combine(folder, "meta.json"));
        }
        var reference = SessionReference.OfFile(path, this, new NamedIds(place.TraceId, place.AgentId));
        return new[] { reference with { DependsOn = beside.Where(File.Exists).ToArray() } };
    }

    public bool IsTraceFile(string path) => KimiHome.StoreOf(path) is not null && !KimiHome.IsBesideSession(path);

    public bool IsSidecarFile(string path) => KimiHome.IsBesideSession(path);

    /// <summary>
    /// Kimi Code's journal by its metadata line, which has created_at beside protocol_version (kimi-cli's wire.jsonl
    /// has not, and is read with its context file); a kimi-cli context file by a line of Kimi's own role, which no
    /// chat API has. A context file that opens with a plain message is taken by its name.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (head.Type == "metadata") return head.Has("protocol_version") && head.Has("created_at") ? DetectionScore.Certain : DetectionScore.None;
        if (head.Type is not null) return DetectionScore.None;
        return head.String("role") is "_system_prompt" or "_checkpoint" or "_usage" ? DetectionScore.Certain : DetectionScore.None;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IRolloutScan
    {
        private readonly ConcurrentDictionary<string, Sidecar<KimiState>> _states = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Sidecar<KimiWorkDirs>> _workDirs = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _spawns = new(StringComparer.Ordinal);

        public ReadResult Read(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            // Text from memory, or a file under another name given with -Format KimiCode: a journal unless it ends like a context file.
            var laidOut = KimiHome.StoreOf(source.Path);
            var store = laidOut ?? (Path.GetFileName(source.Path).StartsWith("context", StringComparison.Ordinal) ? KimiStore.LegacyContext : KimiStore.Journal);
            // Outside Kimi's layout the folders name nothing: the file's own name is its id, and nothing beside it is read.
            var place = KimiPlace.Of(source.Path, store, source.IsFile && laidOut is not null);
            var state = place.SessionFolder is { } folder
                ? _states.GetOrAdd(Path.Combine(folder, KimiHome.StateFile), path => SidecarFile.LoadDocument(path, KimiState.Read)).Use(diagnostics)
                : null;

            KimiSession session;
            KimiSubagentMeta? subagent = null;
            string? workDir = null;
            if (store == KimiStore.Journal)
            {
                session = KimiJournal.Read(source, diagnostics, place.IsSubagent, cancellation);
            }
            else
            {
                var own = source.IsFile && laidOut is not null ? Path.GetDirectoryName(Path.GetFullPath(source.Path)) : null;
                if (place.IsSubagent && own is not null) subagent = SidecarFile.LoadDocument(Path.Combine(own, "meta.json"), KimiSubagentMeta.Read).Use(diagnostics);
                if (place.WorkDirFolder is { } bucket && Path.GetDirectoryName(bucket) is { } sessions && Path.GetDirectoryName(sessions) is { } share)
                {
                    workDir = _workDirs.GetOrAdd(Path.Combine(share, "kimi.json"), path => SidecarFile.LoadDocument(path, KimiWorkDirs.Read)).Use(diagnostics)?.PathOf(Path.GetFileName(bucket));
                }
                var wire = own is not null ? KimiWire.Read(Path.Combine(own, KimiHome.JournalFile), cancellation) : null;
                session = KimiContext.Read(source, diagnostics, place.IsSubagent, subagent?.Model, new KimiInputs(wire?.Inputs), cancellation);
                // The wire goes on across the context files set aside: its times and tokens are the live file's.
                if (place.Rotation is null) wire?.ApplyTo(session, diagnostics);
            }

            string? spawningCall = null;
            if (place is { IsSubagent: true, SessionFolder: { } owner, AgentId: { } agentId } && laidOut is not null)
            {
                var parentAgent = state?.Agents.TryGetValue(agentId, out var listed) == true ? listed.ParentAgentId : null;
                var parentFile = KimiSpawns.ParentFile(owner, store, parentAgent);
                spawningCall = _spawns.GetOrAdd(parentFile, path => KimiSpawns.Read(path, cancellation)).GetValueOrDefault(agentId);
            }

            var record = KimiRecords.Build(session, place, source.Path, state, subagent, workDir, spawningCall, diagnostics.ErrorCount);
            if (record.Messages.Count > 0) return new ReadResult(source, record, null, diagnostics.Items);
            if (diagnostics.ErrorCount > 0) diagnostics.NoRecord("no message of the session could be read; no record.");
            else if (session.Lines == 0) diagnostics.NothingRead();
            else return new ReadResult(source, null, "the session holds no message yet", diagnostics.Items);
            return new ReadResult(source, null, null, diagnostics.Items);
        }
    }
}
