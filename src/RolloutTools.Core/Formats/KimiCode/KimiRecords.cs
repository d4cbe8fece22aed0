using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.KimiCode;

/// <summary>Where a Kimi file sits in its session: the ids its folders give, and the files read with it.</summary>
internal sealed record KimiPlace(string SessionId, string? AgentId, int? Rotation)
{
    /// <summary>The session's folder, holding state.json; null for text read from memory.</summary>
    public string? SessionFolder { get; init; }

    /// <summary>kimi-cli's folder of the working directory (its path's MD5), which kimi.json maps back to the path.</summary>
    public string? WorkDirFolder { get; init; }

    public bool IsSubagent => AgentId is not null;

    /// <summary>The session's own id; a subagent's agent id after it, and a context file set aside its number.</summary>
    public string TraceId => SessionId + (AgentId is null ? string.Empty : ":" + AgentId) + (Rotation is { } n ? ":context_" + n : string.Empty);

    /// <summary>
    /// Kimi Code: agents/&lt;agent id&gt;/wire.jsonl in the session's folder ("main" being the session's own agent).
    /// kimi-cli: context.jsonl (or a context_&lt;n&gt;.jsonl set aside) in the session's folder, or in
    /// subagents/&lt;agent id&gt;/ of it.
    /// </summary>
    public static KimiPlace Of(string path, KimiStore store, bool isFile)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        if (!isFile) return new KimiPlace(name, null, null);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var above = Path.GetDirectoryName(folder);
        if (store == KimiStore.Journal)
        {
            var sessionFolder = above is null ? null : Path.GetDirectoryName(above);
            var agent = Path.GetFileName(folder);
            var session = sessionFolder is null ? agent : Path.GetFileName(sessionFolder);
            return new KimiPlace(session, agent == KimiHome.MainAgent ? null : agent, null) { SessionFolder = sessionFolder };
        }
        var rotation = KimiHome.RotationOf(path);
        if (above is not null && Path.GetFileName(above) == KimiHome.SubagentsFolder && Path.GetDirectoryName(above) is { } owner)
        {
            return new KimiPlace(Path.GetFileName(owner), Path.GetFileName(folder), rotation) { SessionFolder = owner, WorkDirFolder = Path.GetDirectoryName(owner) };
        }
        return new KimiPlace(Path.GetFileName(folder), null, rotation) { SessionFolder = folder, WorkDirFolder = above };
    }
}

/// <summary>Turns one Kimi file, read, into a normalized record.</summary>
internal static class KimiRecords
{
    public const string SourceKind = "kimi_code";

    public static RolloutRecord Build(KimiSession session, KimiPlace place, string path, KimiState? state, KimiSubagentMeta? subagent, string? workDir, string? spawningCall, int skipped)
    {
        var messages = session.Builder.Build();
        var agent = place.AgentId is { } id && state?.Agents.TryGetValue(id, out var listed) == true ? listed : null;
        var firstPrompt = messages.FirstOrDefault(m => m.Kind is MessageKind.Prompt or MessageKind.AgentMessage)?.Text;
        // The session's title names its main agent; a subagent is named by its task.
        var title = place.IsSubagent ? subagent?.Description ?? firstPrompt : state?.Title ?? firstPrompt;
        var cwd = state?.WorkDir ?? workDir;

        var sourceMeta = new Model.SourceMeta.Builder()
            .Add("session_id", place.SessionId)
            .Add("agent_id", place.AgentId)
            .Add("store", session.Store == KimiStore.Journal ? "kimi_code_wire" : "kimi_cli_context")
            .Add("protocol_version", session.ProtocolVersion)
            .Add("context_rotation", place.Rotation is { } n ? n : 0)
            .Add("subagent_type", agent?.Type ?? subagent?.Type)
            .Add("parent_agent_id", agent?.ParentAgentId)
            .Add("parent_tool_use_id", spawningCall)
            .Add("forked_from", state?.ForkedFrom)
            .Add("custom_title", state?.IsCustomTitle ?? false)
            .Add("steps", session.Steps)
            .Add("compactions", session.Compactions)
            .Add("context_snapshots", session.Snapshots)
            .Add("context_clears", session.Clears)
            .Add("undos", session.Undos)
            .Add("checkpoints", session.Checkpoints)
            .Add("cancelled_turns", session.Cancels)
            .Add("context_messages", session.ContextMessages)
            .Add("context_tokens", session.ContextTokens ?? 0)
            .Add("images", session.Images)
            .Add("prompt_origins", session.Origins)
            .Add("finish_reasons", session.FinishReasons)
            .Add("orphan_tool_results", session.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", session.Builder.UnansweredToolCalls)
            .Add("skipped_lines", skipped)
            .Build();

        var models = session.Builder.Models.Count > 0 ? session.Builder.Models : subagent?.Model is { } model ? new[] { model } : Array.Empty<string>();
        return new RolloutRecord
        {
            TraceId = place.TraceId,
            Format = RolloutFormat.KimiCode,
            SourceKind = SourceKind,
            SourcePath = path,
            RootSessionId = place.SessionId,
            AgentId = place.AgentId,
            IsSidechain = place.IsSubagent,
            Cwd = cwd,
            ProjectPath = cwd,
            StartedAt = session.FirstTime ?? (place.IsSubagent ? subagent?.CreatedAt : state?.CreatedAt),
            EndedAt = session.LastTime ?? (place.IsSubagent ? subagent?.UpdatedAt : state?.UpdatedAt),
            Title = Titles.Clean(title),
            Models = models,
            Messages = messages,
            SourceMeta = sourceMeta,
            Usage = session.StatedUsage ?? session.Builder.Usage,
            UnlistedResponses = session.Builder.Unlisted,
        };
    }
}
