using RolloutTools.Core.Discovery;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Antigravity;

/// <summary>
/// Google Antigravity, its CLI (agy) and its IDE: one record per conversation folder under a brain folder
/// (~/.gemini/antigravity-cli/brain for the CLI, ~/.gemini/antigravity/brain and ~/.gemini/antigravity-ide/brain for
/// the IDE; see <see cref="AntigravityHome"/>), read from the transcript in its .system_generated/logs/. Gemini CLI
/// keeps its sessions under ~/.gemini too, in tmp/: another program and another format (<see cref="GeminiCli.GeminiCliReader"/>),
/// whose files neither format's names, places nor lines claim for the other.
/// </summary>
public sealed class AntigravityReader : IRolloutReader
{
    /// <summary>
    /// agy honours no variable of its own: its files are under the user's home, which it and .NET take from HOME on
    /// Linux and macOS (on Windows, from the user's profile folder).
    /// </summary>
    public const string HomeVariable = "HOME";

    public RolloutFormat Format => RolloutFormat.Antigravity;

    public string SourceKind => AntigravityRecords.SourceKind;

    public IReadOnlyList<string> FilePatterns { get; } = new[] { AntigravityHome.FullTranscriptFile, AntigravityHome.TranscriptFile };

    /// <summary>A conversation folder searched without -Recurse still yields its transcript.</summary>
    public IReadOnlyList<string> AttachedTracePatterns { get; } = new[] { ".system_generated/logs/" + AntigravityHome.FullTranscriptFile, ".system_generated/logs/" + AntigravityHome.TranscriptFile };

    public IReadOnlyList<string> DefaultLocations() => AntigravityHome.Defaults();

    /// <summary>A brain folder (conversation folders with their logs), or an app folder holding one (~/.gemini/antigravity-cli).</summary>
    public IReadOnlyList<string> StoresIn(string folder) => AntigravityHome.StoresIn(folder);

    /// <summary>A transcript lies three folders down: &lt;conversation&gt;/.system_generated/logs/.</summary>
    public LocatedSessions Locate(string store, TraceSearch search, FormatRegistry registry) => SessionLocator.InStore(this, store, search, registry, maxDepth: 3);

    /// <summary>The conversation named by its folder.</summary>
    public IReadOnlyList<SessionReference> SessionsIn(string path) => new[]
    {
        SessionReference.OfFile(path, this, AntigravityHome.ConversationFolderOf(path) is { } folder ? new NamedIds(Path.GetFileName(folder)) : null),
    };

    public bool IsTraceFile(string path) => AntigravityHome.IsTranscript(path) && !AntigravityHome.IsClippedCopy(path);

    /// <summary>transcript.jsonl beside transcript_full.jsonl: the same steps, clipped.</summary>
    public bool IsSidecarFile(string path) => AntigravityHome.IsClippedCopy(path);

    /// <summary>
    /// A step: "step_index" with "source" and "type", which no other agent writes together; certain when the type is
    /// one Antigravity writes first or most (USER_INPUT, PLANNER_RESPONSE, CONVERSATION_HISTORY), likely for another.
    /// </summary>
    public int Score(JsonHead head)
    {
        if (!head.Has("step_index") || !head.Has("source") || head.Type is not { } type) return DetectionScore.None;
        return type is "USER_INPUT" or "PLANNER_RESPONSE" or "CONVERSATION_HISTORY" ? DetectionScore.Certain : DetectionScore.Likely;
    }

    public IRolloutScan BeginScan(IReadOnlyList<TraceSource> sources, CancellationToken cancellation, ReadOptions? options = null) => new Scan();

    private sealed class Scan : IRolloutScan
    {
        public ReadResult Read(TraceSource source, CancellationToken cancellation)
        {
            var diagnostics = new DiagnosticList(source.Path);
            var record = AntigravityRecords.Read(source, diagnostics, cancellation);
            return new ReadResult(source, record, null, diagnostics.Items);
        }
    }
}
