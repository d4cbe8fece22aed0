using System.Text.Json;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// The session facts Codex writes first (session_meta; the bare first line before the envelope; the
/// TypeScript document's "session"). Fields arrived over versions: git in 2025-07, source in 0.47,
/// model_provider in 0.66, thread_spawn subagents and forked_from_id in 2026.
/// </summary>
internal sealed record CodexSessionMeta
{
    public string? Id { get; init; }

    /// <summary>The top-level thread of a tree of subagents (session_id, 2026); the thread itself otherwise.</summary>
    public string? RootId { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public string? Cwd { get; init; }
    public string? Originator { get; init; }
    public string? CliVersion { get; init; }
    public string? ModelProvider { get; init; }

    /// <summary>Where the session came from: cli, vscode, exec, mcp, or a subagent kind.</summary>
    public string? Source { get; init; }
    public string? SubagentKind { get; init; }
    public string? ParentThreadId { get; init; }
    public string? AgentNickname { get; init; }
    public string? AgentRole { get; init; }
    public string? AgentPath { get; init; }
    public long Depth { get; init; }
    public string? ForkedFromId { get; init; }
    public string? GitBranch { get; init; }
    public string? GitCommit { get; init; }
    public string? GitRepository { get; init; }

    /// <summary>"paginated" for threads whose history Codex pages through (the default for new threads from 0.158).</summary>
    public string? HistoryMode { get; init; }

    /// <summary>"v2" when agents speak to each other as agent messages rather than as user input (2026).</summary>
    public string? MultiAgentVersion { get; init; }

    /// <summary>
    /// For a rollout that continues another (history_base, written by thread/revert): the rollout id whose first
    /// <see cref="HistoryBaseEnd"/> records this one takes as its own beginning without copying them; its own lines
    /// carry the records from there on (openai/codex rollout_reference_index.rs, thread-store projection).
    /// </summary>
    public string? HistoryBaseRollout { get; init; }
    public long HistoryBaseEnd { get; init; }

    public bool IsSubagent => SubagentKind is not null;

    public static CodexSessionMeta Read(JsonElement meta)
    {
        var git = meta.GetPropertyOrDefault("git");
        var source = meta.GetPropertyOrDefault("source");
        var subagent = source.GetPropertyOrDefault("subagent");
        var spawn = subagent.GetPropertyOrDefault("thread_spawn");
        var historyBase = meta.GetPropertyOrDefault("history_base");
        return new CodexSessionMeta
        {
            Id = meta.GetIdOrNull("id") ?? meta.GetIdOrNull("session_id"),
            RootId = meta.GetStringOrNull("session_id"),
            Timestamp = meta.GetTimestamp("timestamp"),
            Cwd = meta.GetStringOrNull("cwd"),
            Originator = meta.GetStringOrNull("originator"),
            CliVersion = meta.GetStringOrNull("cli_version"),
            ModelProvider = meta.GetStringOrNull("model_provider"),
            Source = source.ValueKind == JsonValueKind.String ? source.GetString() : source.ValueKind == JsonValueKind.Object ? "subagent" : null,
            SubagentKind = subagent.ValueKind switch
            {
                JsonValueKind.String => subagent.GetString(),
                JsonValueKind.Object => subagent.EnumerateObject().Select(p => p.Name).FirstOrDefault(),
                _ => null,
            },
            ParentThreadId = spawn.GetStringOrNull("parent_thread_id") ?? meta.GetStringOrNull("parent_thread_id"),
            AgentNickname = spawn.GetStringOrNull("agent_nickname"),
            AgentRole = spawn.GetStringOrNull("agent_role"),
            AgentPath = spawn.GetStringOrNull("agent_path"),
            Depth = spawn.GetInt64OrZero("depth"),
            ForkedFromId = meta.GetStringOrNull("forked_from_id"),
            GitBranch = git.GetStringOrNull("branch"),
            GitCommit = git.GetStringOrNull("commit_hash"),
            GitRepository = git.GetStringOrNull("repository_url"),
            HistoryMode = meta.GetStringOrNull("history_mode"),
            MultiAgentVersion = meta.GetStringOrNull("multi_agent_version"),
            HistoryBaseRollout = historyBase.GetIdOrNull("thread_id"),
            HistoryBaseEnd = historyBase.GetInt64OrZero("end_ordinal_exclusive"),
        };
    }
}
