using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.FactoryDroid;

/// <summary>
/// Factory Droid (Factory's droid CLI, closed source): one record per session file under ~/.factory/sessions (see
/// <see cref="DroidHome"/>), read with the settings file beside it for the model and the session's token totals.
/// What "droid exec --output-format stream-json" prints is not read: it is a different, lossier event stream (no
/// thinking, results without their blocks), and the same session is kept in the store.
/// </summary>
public sealed class DroidReader : IRolloutReader
{
    /// <summary>
    /// The sessions folder the tools that read Droid's sessions honour (ccusage first); Droid itself names none. One
    /// folder, not ccusage's comma-separated list.
    /// </summary>
    public const string SessionsVariable = "DROID_SESSIONS_DIR";

    /// <summary>The folder Droid puts its .factory folder in instead of the home (its desktop app and SDK set it).</summary>
    public const string HomeVariable = "FACTORY_HOME_OVERRIDE";

    public RolloutFormat Format => RolloutFormat.FactoryDroid;

    public string SourceKind => DroidRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { "*" + DroidHome.SessionExtension };

    public IReadOnlyList<string> AttachedTracePatterns { get; } = Array.Empty<string>();

    public IReadOnlyList<string> DefaultLocations() => new[] { DroidHome.Default() };

    /// <summary>A sessions folder laid out as Droid lays it out, or a Factory home (.factory) holding one.</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AgentStore.In(folder, DefaultLocations(), DroidHome.IsLaidOut);

    /// <summary>Sessions lie in a workspace folder, or directly in the sessions folder for earlier versions.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 1);

    /// <summary>
    /// A session file depends on the settings file beside it, which Droid rewrites as the session goes. Droid names the
    /// file for the session's id (&lt;session id&gt;.jsonl, as jazzyalex/agent-sessions' DroidSessionDiscovery reads it), so a
    /// search by id passes over the others unread; a file named otherwise may hold any session.
    /// </summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var reference = SessionReference.OfFile(path, this, Guid.TryParse(stem, out _) ? new NamedIds(stem) : null);
        var settings = DroidHome.SettingsOf(path);
        return new[] { File.Exists(settings) ? reference with { DependsOn = new[] { settings } } : reference };
    }

    public bool IsTraceFile(string path) => Path.GetFileName(path).EndsWith(DroidHome.SessionExtension, StringComparison.OrdinalIgnoreCase);

    public bool IsSidecarFile(string path) => DroidHome.IsSettingsBesideSession(path);

    /// <summary>The first line, session_start, with the session's id and what only Droid writes beside it.</summary>
    public int Score(JsonHead head)
    {
        if (head.Type != "session_start" || !head.Has("id")) return DetectionScore.None;
        return head.Has("sessionTitle") || head.Has("isSessionTitleManuallySet") || head.Has("owner") || head.Has("callingSessionId")
            ? DetectionScore.Certain
            : head.Has("cwd") || head.Has("title") ? DetectionScore.Likely : DetectionScore.Weak;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IRolloutScan
    {
        public ReadResult Read(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var settings = source.IsFile ? SidecarFile.LoadDocument(DroidHome.SettingsOf(source.Path), DroidSettings.Read).Use(diagnostics) : null;
            var lines = new List<JsonLine>();
            using (var stream = source.Open())
            {
                // The line reader reports a line that is no JSON object, with its number; the rest still reads.
                JsonLineReader.ReadEach(stream, diagnostics, line => lines.Add(new JsonLine(line.LineNumber, line.Root.Clone())), cancellation);
            }
            if (lines.Count == 0)
            {
                diagnostics.NothingRead();
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            var record = DroidRecords.Build(lines, settings, source.Path, diagnostics);
            if (record.Messages.Count > 0) return new ReadResult(source, record, null, diagnostics.Items);
            var messageLines = lines.Count(l => l.Root.GetStringOrNull("type") == "message");
            if (diagnostics.ErrorCount > 0) diagnostics.NoRecord("no message of the session could be read; no record.");
            else if (messageLines == 0) return new ReadResult(source, null, "the session holds no message yet", diagnostics.Items);
            else diagnostics.Warn(RolloutDiagnostic.NoUsableLines, null, $"its {messageLines} messages hold nothing to show (no text, call or result); no record.");
            return new ReadResult(source, null, null, diagnostics.Items);
        }
    }
}
