using System.Text.RegularExpressions;
using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.Antigravity;

/// <summary>
/// Where Google's Antigravity keeps its conversations: a "brain" folder holding one folder per conversation, named for
/// its id (a UUID), whose .system_generated/logs/ holds the transcript, one JSON step per line. The CLI (agy) keeps its
/// brain in ~/.gemini/antigravity-cli/, the Antigravity IDE in ~/.gemini/antigravity/ and, in later builds,
/// ~/.gemini/antigravity-ide/; the transcripts are the same format. agy takes the user's home and no variable (its
/// settings are ~/.gemini/antigravity-cli/settings.json whatever XDG_* say). Each logs folder holds transcript.jsonl,
/// whose long fields Antigravity clips (naming them in "truncated_fields"), and, in the builds that write it,
/// transcript_full.jsonl with the same steps whole: the full one is read when it is there, the other then being its
/// sidecar. Beside logs/ the conversation folder holds the artifacts the agent wrote (task.md, implementation_plan.md,
/// walkthrough.md, with .resolved and .metadata.json copies), and beside brain/ a conversations/&lt;id&gt;.db holds the
/// steps again as protobuf, which this format does not read. Google publishes no source of either program: read from
/// the public readers of the files (jazzyalex/agent-sessions AntigravityTranscriptParser.swift and its
/// Resources/Fixtures/stage0/agents/antigravity fixtures, the design note
/// docs/superpowers/specs/2026-06-26-antigravity-cli-jsonl-migration-design.md; Piebald-AI/splitrail
/// src/analyzers/antigravity.rs; Dicklesworthstone/coding_agent_session_search tests/connector_antigravity.rs and its
/// fixtures) and transcripts people published.
/// </summary>
internal static class AntigravityHome
{
    public const string TranscriptFile = "transcript.jsonl";
    public const string FullTranscriptFile = "transcript_full.jsonl";
    public const string BrainFolder = "brain";
    private const string GeneratedFolder = ".system_generated";
    private const string LogsFolder = "logs";

    /// <summary>The folders under ~/.gemini whose brain/ holds conversations: the CLI's, then the IDE's two.</summary>
    public static readonly IReadOnlyList<string> AppFolders = new[] { "antigravity-cli", "antigravity", "antigravity-ide" };

    /// <summary>A conversation folder's name: a UUID, as agy --conversation names it.</summary>
    private static readonly Regex ConversationName = new("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant);

    /// <summary>The brain folders of the CLI and the IDE under the user's home ($HOME, as agy reads it).</summary>
    public static IReadOnlyList<string> Defaults()
    {
        // Not verified: a home that does not exist still has its place, where a relative ".gemini" would be the working directory's.
        var gemini = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify), ".gemini");
        return AppFolders.Select(app => Path.Combine(gemini, app, BrainFolder)).ToArray();
    }

    /// <summary>A transcript by its name and place: &lt;conversation&gt;/.system_generated/logs/transcript[_full].jsonl.</summary>
    public static bool IsTranscript(string path) =>
        Path.GetFileName(path) is TranscriptFile or FullTranscriptFile && ConversationFolderOf(path) is not null;

    /// <summary>transcript.jsonl when transcript_full.jsonl is beside it: the same steps, clipped.</summary>
    public static bool IsClippedCopy(string path) =>
        Path.GetFileName(path) == TranscriptFile && IsTranscript(path) && File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, FullTranscriptFile));

    /// <summary>The conversation folder a transcript is in, when its logs folder sits where Antigravity puts it; null otherwise.</summary>
    public static string? ConversationFolderOf(string path)
    {
        var logs = Path.GetDirectoryName(Path.GetFullPath(path));
        var generated = logs is null ? null : Path.GetDirectoryName(logs);
        var conversation = generated is null ? null : Path.GetDirectoryName(generated);
        return logs is not null && Path.GetFileName(logs) == LogsFolder && Path.GetFileName(generated) == GeneratedFolder
            && conversation is not null && ConversationName.IsMatch(Path.GetFileName(conversation))
            ? conversation
            : null;
    }

    /// <summary>A brain folder of Antigravity's: a conversation folder in it holds a transcript.</summary>
    public static bool IsLaidOut(string brain) =>
        AgentStore.HasFolder(brain, name => ConversationName.IsMatch(name) && Directory.Exists(Path.Combine(brain, name, GeneratedFolder, LogsFolder)));

    /// <summary>
    /// The brain folders <paramref name="folder"/> is or holds: a brain folder, an app folder (~/.gemini/antigravity-cli)
    /// with its own brain only, never its sibling's (each default location is matched on its own), or a .gemini folder
    /// with the brains of the apps in it (Gemini CLI's tmp/ beside them is its own format's).
    /// </summary>
    public static IReadOnlyList<string> StoresIn(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var candidates = Path.GetFileName(full) == ".gemini" ? AppFolders.Select(app => Path.Combine(full, app)) : new[] { full };
        return candidates
            .SelectMany(candidate => Defaults().SelectMany(location => AgentStore.In(candidate, new[] { location }, IsLaidOut)))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// The artifacts the agent wrote in the conversation folder, by name (task.md, implementation_plan.md…), without
    /// the copies Antigravity keeps of each version (.resolved, .resolved.N, .metadata.json).
    /// </summary>
    public static IReadOnlyList<string> Artifacts(string conversationFolder)
    {
        try
        {
            return Directory.EnumerateFiles(conversationFolder, "*.md").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }
}
