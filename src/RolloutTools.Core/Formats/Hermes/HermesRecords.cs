using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Hermes;

/// <summary>Turns one Hermes session, from whichever store held it, into a normalized record.</summary>
internal static class HermesRecords
{
    public const string SourceKind = "hermes_agent";

    public static RolloutRecord Build(HermesTranscript transcript, string path, HermesIndexEntry? index, DiagnosticList diagnostics)
    {
        var conversation = new OpenAIConversation();
        if (!string.IsNullOrEmpty(transcript.SystemPrompt))
        {
            // The prompt Hermes built for the session (identity, memory, skills, context files): context, first.
            conversation.Add(new OpenAIMessage { Role = "system", Content = new[] { ContentBlock.FromText(transcript.SystemPrompt) }, Timestamp = transcript.Started }, null);
        }
        // A subagent's session: source "subagent" (older builds) or "delegate", or a _delegate_from marker, since
        // current builds keep the delegating session's source. A "tool" session is one a tool ran: a side line too.
        var isSubagent = transcript.Platform is "subagent" or "delegate" || transcript.Lineage.DelegatedFrom is not null;
        var isSidechain = isSubagent || transcript.Platform == "tool";
        foreach (var message in transcript.Messages)
        {
            // A subagent's "user" is the agent that delegated to it: its goal is a task, not a person's words.
            conversation.Add(isSubagent && message.Role == "user" ? message with { Kind = message.Kind ?? MessageKind.AgentMessage } : message, transcript.Model);
        }
        var messages = conversation.Build();

        var times = messages.Select(m => m.Timestamp).Where(t => t is not null).ToList();
        // state.db keeps its own times; sessions.json's are for the files, which may have none.
        var indexed = transcript.Store == HermesStore.StateDb ? null : index;
        var started = Earliest(transcript.Started, indexed?.Created, times.Min());
        var ended = Latest(transcript.Ended, indexed?.Updated, times.Max());
        var usage = transcript.Usage.Total > 0 ? transcript.Usage : index?.Usage ?? default;
        var firstPrompt = (messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt) ?? messages.FirstOrDefault(m => m.Kind == MessageKind.AgentMessage))?.Text;
        var home = HermesHome.HomeOf(path);

        var sourceMeta = new SourceMeta.Builder()
            .Add("session_id", transcript.SessionId)
            .Add("store", transcript.Store switch { HermesStore.StateDb => "state_db", HermesStore.Snapshot => "cli_snapshot", _ => "gateway_transcript" })
            .Add("profile", HermesHome.ProfileOf(home))
            .Add("platform", transcript.Platform ?? index?.Platform)
            .Add("session_key", transcript.SessionKey ?? index?.SessionKey)
            .Add("chat_type", transcript.ChatType ?? index?.ChatType)
            .Add("display_name", transcript.DisplayName ?? index?.DisplayName)
            .Add("parent_session_id", transcript.ParentSessionId)
            .Add("delegated_from", transcript.Lineage.DelegatedFrom)
            .Add("branched_from", transcript.Lineage.BranchedFrom)
            .Add("reset_from", transcript.Lineage.ResetFrom)
            .Add("end_reason", transcript.EndReason)
            .Add("billing_provider", transcript.BillingProvider)
            .Add("base_url", transcript.BaseUrl)
            .Add("estimated_cost_usd", transcript.CostUsd ?? index?.CostUsd)
            .Add("reasoning_tokens", transcript.ReasoningTokens)
            .Add("tools", transcript.Tools)
            .Add("finish_reasons", conversation.FinishReasons)
            .Add("display_kinds", transcript.DisplayKinds)
            .Add("session_meta_rows", transcript.SessionMetaRows)
            .Add("compacted_rows", transcript.CompactedRows)
            .Add("duplicate_rows", transcript.DuplicateRows)
            .Add("rewound_rows", transcript.RewoundRows)
            .Add("orphan_tool_results", conversation.OrphanToolResults)
            .Add("unanswered_tool_calls", conversation.UnansweredToolCalls)
            .Add("unknown_roles", conversation.UnknownRoles)
            .Add("skipped_rows", diagnostics.ErrorCount)
            .Build();

        return new RolloutRecord
        {
            TraceId = transcript.SessionId,
            Format = RolloutFormat.HermesAgent,
            SourceKind = SourceKind,
            SourcePath = path,
            RootSessionId = transcript.RootSessionId ?? transcript.SessionId,
            AgentId = isSubagent ? transcript.SessionId : null,
            IsSidechain = isSidechain,
            Cwd = transcript.Cwd,
            ProjectPath = transcript.Cwd,
            GitBranch = string.IsNullOrEmpty(transcript.GitBranch) ? null : transcript.GitBranch,
            StartedAt = started,
            EndedAt = ended,
            Title = Titles.Clean(transcript.Title ?? firstPrompt),
            Models = transcript.Models,
            Messages = messages,
            SourceMeta = sourceMeta,
            Usage = usage,
        };
    }

    private static DateTimeOffset? Earliest(params DateTimeOffset?[] times) => times.Where(t => t is not null).Min();

    private static DateTimeOffset? Latest(params DateTimeOffset?[] times) => times.Where(t => t is not null).Max();
}
