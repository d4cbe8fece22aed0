using System.Globalization;
using System.Text.RegularExpressions;

namespace RolloutTools.Core.Formats.OpenClaw;

/// <summary>
/// Where OpenClaw keeps its sessions and how it names their files. The state dir is $OPENCLAW_STATE_DIR (or the
/// legacy $CLAWDBOT_STATE_DIR), else ~/.openclaw-$OPENCLAW_PROFILE for a named profile, else ~/.openclaw, else the first legacy dir that exists (~/.clawdbot, ~/.moldbot,
/// ~/.moltbot), the home being $OPENCLAW_HOME when set (src/config/paths.ts resolveStateDir, src/infra/home-dir.ts).
/// Each agent's sessions are in &lt;state&gt;/agents/&lt;agent id&gt;/sessions: sessions.json (the index) and one
/// &lt;session id&gt;.jsonl per session, &lt;session id&gt;-topic-&lt;thread&gt;.jsonl for a forum topic
/// (src/config/sessions/paths.ts). A reset or deletion renames the file &lt;name&gt;.jsonl.reset.&lt;time&gt; or
/// .deleted.&lt;time&gt;; compaction once copied the file to &lt;id&gt;.checkpoint.&lt;uuid&gt;.jsonl, and runs may keep
/// &lt;id&gt;.trajectory.jsonl beside it (src/config/sessions/artifacts.ts).
/// </summary>
internal static class OpenClawHome
{
    /// <summary>Clawdbot's name for the same override, still honoured after the new one.</summary>
    public const string LegacyStateDirVariable = "CLAWDBOT_STATE_DIR";

    /// <summary>A named profile: its state dir is ~/.openclaw-&lt;profile&gt; ("default" is ~/.openclaw).</summary>
    public const string ProfileVariable = "OPENCLAW_PROFILE";

    /// <summary>OpenClaw's own home, in place of the user's, for everything it resolves under "~".</summary>
    public const string HomeVariable = "OPENCLAW_HOME";

    public const string IndexName = "sessions.json";

    /// <summary>The per-agent database, in agents/&lt;agent id&gt;/agent/ (docs/reference/database-schemas/layout.md).</summary>
    public const string DatabaseName = "openclaw-agent.sqlite";

    private static readonly string[] LegacyStateDirs = { ".clawdbot", ".moldbot", ".moltbot" };

    /// <summary>The archive suffix after ".jsonl": reset or deleted, and when, with the time's colons made dashes.</summary>
    private static readonly Regex ArchiveSuffix = new(@"\.jsonl\.(reset|deleted)\.(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d{3})?Z)$", RegexOptions.CultureInvariant);

    private static readonly Regex CheckpointSuffix = new(@"\.checkpoint\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jsonl$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    public static string StateDir()
    {
        var home = Home();
        var configured = Environment.GetEnvironmentVariable(OpenClawReader.StateDirVariable) is { } value && !string.IsNullOrWhiteSpace(value)
            ? value
            : Environment.GetEnvironmentVariable(LegacyStateDirVariable);
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(Expand(configured.Trim(), home));
        // --profile sets the state dir to ~/.openclaw-<profile> (src/cli/profile.ts resolveProfileStateDir), and the
        // gateway does so from OPENCLAW_PROFILE (src/daemon/paths.ts); the name "default" is the unnamed profile.
        if (Environment.GetEnvironmentVariable(ProfileVariable)?.Trim() is { Length: > 0 } profile && !profile.Equals("default", StringComparison.OrdinalIgnoreCase))
        {
            return Path.Combine(home, ".openclaw-" + profile);
        }
        var current = Path.Combine(home, ".openclaw");
        if (Directory.Exists(current)) return current;
        return LegacyStateDirs.Select(d => Path.Combine(home, d)).FirstOrDefault(Directory.Exists) ?? current;
    }

    /// <summary>The folder of every agent's folder: the format's default location.</summary>
    public static string AgentsFolder() => Path.Combine(StateDir(), "agents");

    /// <summary>
    /// A folder OpenClaw keeps sessions in: "sessions" in an agent's folder under agents/. Hermes Agent, built after
    /// OpenClaw's design, keeps a sessions.json beside *.jsonl in a folder named sessions too, so only the agents/
    /// layout tells OpenClaw's.
    /// </summary>
    public static bool IsSessionsFolder(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return string.Equals(Path.GetFileName(full), "sessions", StringComparison.Ordinal) && AgentIdOf(full) is not null;
    }

    /// <summary>The agent whose sessions folder this is: the folder's parent, when that lies in agents/.</summary>
    public static string? AgentIdOf(string sessionsFolder)
    {
        var agent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(sessionsFolder));
        return agent is not null && Path.GetFileName(Path.GetDirectoryName(agent)) == "agents" ? Path.GetFileName(agent) : null;
    }

    public static bool IsDatabase(string path) => string.Equals(Path.GetFileName(path), DatabaseName, StringComparison.Ordinal);

    /// <summary>Whether a file lies directly in one of OpenClaw's sessions folders.</summary>
    public static bool IsInSessionsFolder(string path) => Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && IsSessionsFolder(folder);

    /// <summary>The copies OpenClaw keeps beside a session (a pre-compaction checkpoint, a run's trajectory events): no session of their own.</summary>
    public static bool IsCopyOrTrajectory(string name) =>
        name.EndsWith(".trajectory.jsonl", StringComparison.Ordinal) || CheckpointSuffix.IsMatch(name);

    /// <summary>
    /// Whether a session's cwd is an OpenClaw workspace: &lt;state dir&gt;/workspace, or workspace-&lt;agent or profile&gt;
    /// for another agent or profile (src/agents/workspace.ts resolveDefaultAgentWorkspaceDir), the state dir being any
    /// of its names, a named profile's ~/.openclaw-&lt;profile&gt; included (later builds keep a profile's workspace in its
    /// own state dir). OpenClaw runs every session there unless configured otherwise, and Pi never does.
    /// </summary>
    public static bool IsWorkspace(string? cwd)
    {
        if (string.IsNullOrEmpty(cwd)) return false;
        var parts = cwd.Split('/', '\\');
        for (var i = 1; i < parts.Length; i++)
        {
            var state = parts[i - 1];
            if ((state == ".openclaw" || state.StartsWith(".openclaw-", StringComparison.Ordinal) || Array.IndexOf(LegacyStateDirs, state) >= 0)
                && (parts[i] == "workspace" || parts[i].StartsWith("workspace-", StringComparison.Ordinal))) return true;
        }
        return false;
    }

    private static string Home()
    {
        var user = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var configured = Environment.GetEnvironmentVariable(HomeVariable);
        return string.IsNullOrWhiteSpace(configured) ? user : Expand(configured.Trim(), user);
    }

    private static string Expand(string path, string home) =>
        path == "~" ? home : path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal) ? home + path[1..] : path;

    /// <summary>What a session file's name tells: its session, its forum topic, and whether and when it was archived; null for any other file.</summary>
    public static OpenClawFileName? ParseName(string path)
    {
        var name = Path.GetFileName(path);
        if (IsCopyOrTrajectory(name)) return null;
        string stem;
        string? reason = null;
        DateTimeOffset? archivedAt = null;
        if (ArchiveSuffix.Match(name) is { Success: true } archive)
        {
            stem = name[..archive.Index];
            reason = archive.Groups[1].Value;
            // 2026-01-05T09-30-00.000Z: the ISO time with its colons made dashes (formatSessionArchiveTimestamp).
            var time = archive.Groups[2].Value;
            var restored = time[..11] + time[11..19].Replace('-', ':') + time[19..];
            archivedAt = DateTimeOffset.TryParse(restored, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.ToUniversalTime() : null;
        }
        else if (name.EndsWith(".jsonl", StringComparison.Ordinal))
        {
            stem = name[..^".jsonl".Length];
        }
        else
        {
            return null;
        }
        if (stem.Length == 0) return null;
        var topic = stem.LastIndexOf("-topic-", StringComparison.Ordinal);
        return topic > 0
            ? new OpenClawFileName(stem[..topic], Uri.UnescapeDataString(stem[(topic + "-topic-".Length)..]), reason, archivedAt)
            : new OpenClawFileName(stem, null, reason, archivedAt);
    }
}

/// <summary>A session file's name: &lt;session id&gt;[-topic-&lt;topic&gt;].jsonl[.reset|.deleted.&lt;time&gt;].</summary>
internal sealed record OpenClawFileName(string SessionId, string? TopicId, string? ArchiveReason, DateTimeOffset? ArchivedAt);
