using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.GrokCli;

/// <summary>
/// One Grok CLI session folder as a record: the conversation from chat_history.jsonl, the facts from summary.json,
/// the tokens and cost from updates.jsonl (the only file that states them), and for a subagent the parent that
/// spawned it, from the parent's subagents/&lt;child&gt;/meta.json.
/// </summary>
internal static class GrokRecords
{
    public const string SourceKind = "grok_cli";

    /// <summary>Null when no line makes a message (said in <paramref name="diagnostics"/>).</summary>
    public static RolloutRecord? Read(TraceSource source, DiagnosticList diagnostics, GrokSubagents subagents, CancellationToken cancellation)
    {
        var folder = source.IsFile ? GrokHome.SessionFolderOf(source.Path) : null;
        var summary = folder is null ? null : SidecarFile.LoadDocument(Path.Combine(folder, GrokHome.SummaryFile), GrokSummary.Read).Use(diagnostics);
        var link = folder is not null && summary?.IsSubagent == true ? subagents.Of(folder) : null;
        var meta = link?.Meta.Use(diagnostics);
        var isSubagent = summary?.IsSubagent == true || link is not null;

        var conversation = new GrokConversation(summary?.Model, isSubagent);
        var lines = 0;
        using (var stream = source.Open())
        {
            JsonLineReader.ReadEach(stream, diagnostics, line =>
            {
                lines++;
                try
                {
                    conversation.Add(line, diagnostics);
                }
                catch (FormatException e)
                {
                    diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, $"{e.Message.TrimEnd('.')}; skipped.");
                }
            }, cancellation);
        }
        var messages = conversation.Build();
        // Grok writes the system prompt and its context as a session starts: with nothing after them, no one spoke.
        if (messages.All(m => m.Kind == MessageKind.Context))
        {
            if (lines == 0 || diagnostics.ErrorCount > 0) diagnostics.NothingRead();
            else diagnostics.Warn(RolloutDiagnostic.NoUsableLines, null, $"its {lines} lines hold no prompt and no response, only what the CLI sends first; no record.");
            return null;
        }

        var updates = folder is null ? GrokUpdates.None : GrokUpdates.Read(Path.Combine(folder, GrokHome.UpdatesFile), diagnostics, cancellation);
        var folderName = folder is null ? null : Path.GetFileName(folder);
        var id = folderName ?? summary?.SessionId ?? Path.GetFileNameWithoutExtension(source.Path);
        if (summary?.SessionId is { } stated && stated != id)
        {
            diagnostics.Warn(RolloutDiagnostic.SidecarDamaged, null, $"summary.json names the session '{stated}', its folder '{id}': the folder's name, which Grok resumes it by, is its id.");
        }
        var projectFolder = folder is null ? null : Path.GetFileName(Path.GetDirectoryName(folder));
        var cwd = summary?.Cwd ?? (projectFolder is null ? null : GrokHome.DecodeProjectName(projectFolder));
        var parent = meta?.ParentSessionId ?? link?.ParentSessionId;

        var sourceMeta = new SourceMeta.Builder()
            .Add("session_id", id)
            .Add("summary_session_id", summary?.SessionId is { } own && own != id ? own : null)
            .Add("session_kind", summary?.SessionKind)
            .Add("parent_session_id", parent)
            .Add("subagent_type", meta?.SubagentType)
            .Add("agent_name", summary?.AgentName)
            .Add("reasoning_effort", summary?.ReasoningEffort)
            .Add("head_commit", summary?.HeadCommit)
            .Add("session_summary", summary?.GeneratedTitle is { Length: > 0 } ? summary.SessionSummary : null)
            .Add("usage_stated", updates.Turns > 0)
            .Add("turns_with_usage", updates.Turns)
            .Add("model_calls", updates.ModelCalls)
            .Add("reasoning_tokens", updates.ReasoningTokens)
            .Add("subagent_usage_left_out", updates.SubagentAggregatesLeftOut)
            .Add("context_messages", conversation.ContextMessages)
            .Add("compactions", conversation.Compactions)
            .Add("interrupted_turns", conversation.InterruptedTurns)
            .Add("encrypted_reasoning_only", conversation.EncryptedOnlyReasoning)
            .Add("server_tool_calls", conversation.ServerToolCalls)
            .Add("images", conversation.Images)
            .Add("orphan_tool_results", conversation.OrphanToolResults)
            .Add("unanswered_tool_calls", conversation.UnansweredToolCalls)
            .Add("skipped_lines", diagnostics.ErrorCount);
        if (updates.StatesCost) sourceMeta.Add("cost_usd", (double)updates.CostUsd);

        return new RolloutRecord
        {
            TraceId = id,
            Format = RolloutFormat.GrokCli,
            SourceKind = SourceKind,
            SourcePath = source.Path,
            RootSessionId = isSubagent ? parent ?? id : id,
            AgentId = isSubagent ? id : null,
            IsSidechain = isSubagent,
            Cwd = cwd,
            ProjectPath = cwd,
            GitBranch = summary?.HeadBranch,
            StartedAt = summary?.CreatedAt,
            EndedAt = summary?.EndedAt,
            Title = Titles.Clean(summary?.GeneratedTitle is { Length: > 0 } title ? title : summary?.SessionSummary ?? conversation.FirstPrompt),
            Models = conversation.Models.Count > 0 ? conversation.Models : summary?.Model is { } model ? new[] { model } : Array.Empty<string>(),
            Messages = messages,
            SourceMeta = sourceMeta.Build(),
            Usage = updates.Usage,
        };
    }
}
