using System.Globalization;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Pi;

/// <summary>What the caller asked for: the active path (the default), every branch, or the active path with the others marked.</summary>
internal sealed record PiRecordOptions(bool AllBranches, bool IncludeAbandoned);

/// <summary>
/// Turns a parsed Pi session into records: by default one, the path Pi resumes (from the last entry back
/// to the root); with AllBranches one per leaf, each with TraceId "&lt;session id&gt;:&lt;leaf entry id&gt;".
/// </summary>
internal static class PiRecords
{
    public const string SourceKind = "pi_coding_agent";

    public static IReadOnlyList<RolloutRecord> Build(PiSession session, string sourcePath, PiRecordOptions options, PiRecordTarget target, DiagnosticList diagnostics)
    {
        if (session.ActiveLeaf is not { } active) return Array.Empty<RolloutRecord>();
        var sessionId = session.Header?.Id is { Length: > 0 } id ? id : SessionIdFromName(sourcePath);
        var facts = new PiFileFacts(session);
        if (!options.AllBranches)
        {
            return new[] { Build(session, facts, session.PathTo(active), sessionId, sessionId, sourcePath, target, isActive: true, branchScope: false, options.IncludeAbandoned, diagnostics) };
        }
        return session.Leaves()
            .Select(leaf => Build(session, facts, session.PathTo(leaf), $"{sessionId}:{leaf.Id}", sessionId, sourcePath, target, leaf == active, branchScope: true, includeAbandoned: false, diagnostics))
            .ToArray();
    }

    private static RolloutRecord Build(
        PiSession session, PiFileFacts facts, PiPath path, string traceId, string sessionId, string sourcePath, PiRecordTarget target,
        bool isActive, bool branchScope, bool includeAbandoned, DiagnosticList diagnostics)
    {
        var onPath = path.Entries.ToHashSet();
        var shown = includeAbandoned ? session.Entries : path.Entries;
        var conversation = new PiConversation();
        foreach (var entry in shown) conversation.Add(entry, abandoned: !onPath.Contains(entry));
        var messages = conversation.Build();
        var unlisted = conversation.Unlisted;
        if (!includeAbandoned && !branchScope && session.Entries.Count > path.Entries.Count)
        {
            // The other branches' responses were billed and count in this record's tokens: carried apart, each
            // as it would be read with -IncludeAbandoned. A record of one branch leaves them to the other branches' records.
            var left = new PiConversation();
            foreach (var entry in session.Entries.Where(e => !onPath.Contains(e))) left.Add(entry, abandoned: true);
            unlisted = unlisted.Concat(left.BuildUnlisted()).ToArray();
        }

        // Tokens and cost: every response billed in this file. A record of one branch counts that branch's.
        var billed = branchScope ? path.Entries : session.Entries;
        var usage = default(TokenUsage);
        var cost = 0d;
        var models = new List<string>();
        var providers = new List<string>();
        var stopReasons = new Counter();
        DateTimeOffset? first = session.Header?.Timestamp, last = session.Header?.Timestamp;
        foreach (var entry in billed)
        {
            var time = PiConversation.TimeOf(entry);
            if (time < first || first is null) first = time ?? first;
            if (time > last || last is null) last = time ?? last;
            if (entry.Type != "message" || entry.Message is not { Role: "assistant" } response || response.IsTranscriptOnly) continue;
            if (response.StopReason is { } reason) stopReasons.Add(reason);
            AddOnce(models, response.Model);
            AddOnce(providers, response.Provider);
            if (facts.IsInherited(entry)) continue;
            usage += response.Usage ?? default;
            cost += response.Cost;
        }

        var pathFacts = new PiPathFacts(session, path, facts);
        var firstPrompt = messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt && !m.IsAbandoned)?.Text;
        var header = session.Header;
        var meta = new SourceMeta.Builder()
            .Add("session_id", sessionId)
            .Add("session_version", (long)(session.Version ?? 0))
            .Add("leaf_id", branchScope ? path.Leaf.Id : null)
            .Add("active_branch", branchScope && isActive)
            .Add("session_name", facts.SessionName)
            .Add("parent_session", header?.ParentSession)
            .Add("parent_session_id", header?.ParentSession is { } parent ? SessionIdFromName(parent) : null)
            .Add("inherited_entries", branchScope ? path.Entries.Count(facts.IsInherited) : session.Entries.Count(facts.IsInherited))
            .Add("providers", providers)
            .Add("model_changes", pathFacts.ModelChanges)
            .Add("thinking_levels", pathFacts.ThinkingLevels)
            .Add("labels", pathFacts.Labels)
            .Add("stop_reasons", stopReasons)
            .Add("cost_usd", Math.Round(cost, 6))
            .Add("assistant_errors", conversation.Errors)
            .Add("aborted_turns", conversation.Aborted)
            .Add("compactions", pathFacts.Compactions)
            .Add("compacted_entries", pathFacts.CompactedEntries)
            .Add("branch_summaries", pathFacts.BranchSummaries)
            .Add("branch_points", session.BranchPoints)
            .Add("branches", facts.Leaves)
            .Add("abandoned_entries", branchScope ? 0 : session.Entries.Count - path.Entries.Count)
            .Add("bridged_gaps", path.BridgedGaps)
            .Add("bash_executions", conversation.BashExecutions)
            .Add("bash_excluded_from_context", conversation.BashExcluded)
            .Add("custom_entries", pathFacts.CustomEntries)
            .Add("custom_messages", conversation.CustomMessages)
            .Add("delivery_mirrors", conversation.DeliveryMirrors)
            .Add("gateway_injected", conversation.GatewayInjected)
            .Add("system_turns", conversation.SystemTurns)
            .Add("hidden_inputs", conversation.HiddenInputs)
            .Add("agent_messages", conversation.AgentMessages)
            .Add("redacted_thinking", session.Blocks.RedactedThinking)
            .Add("orphan_tool_results", conversation.OrphanToolResults)
            .Add("unanswered_tool_calls", conversation.UnansweredToolCalls)
            .Add("repeated_entries", session.RepeatedEntries)
            .Add("repeated_headers", session.RepeatedHeaders)
            .Add("entries_without_id", session.EntriesWithoutId)
            .Add("skipped_lines", diagnostics.ErrorCount)
            .Add("record_types", session.RecordTypes)
            .Add("unknown_record_types", session.UnknownRecordTypes)
            .Add("unknown_roles", conversation.UnknownRoles)
            .Add("unknown_block_types", session.Blocks.Unknown);
        target.AddMeta?.Invoke(meta);

        foreach (var message in messages)
        {
            if (message.Timestamp < first || first is null) first = message.Timestamp ?? first;
            if (message.Timestamp > last || last is null) last = message.Timestamp ?? last;
        }
        return new RolloutRecord
        {
            TraceId = traceId,
            Format = target.Format,
            SourceKind = target.SourceKind,
            SourcePath = sourcePath,
            RootSessionId = target.RootSessionId ?? sessionId,
            IsSidechain = target.IsSidechain,
            Cwd = header?.Cwd,
            ProjectPath = header?.Cwd,
            StartedAt = first,
            EndedAt = last,
            Title = Titles.Clean(target.Title ?? facts.SessionName ?? (firstPrompt is not null && target.PromptTitle is { } title ? title(firstPrompt) : firstPrompt)),
            Models = models,
            Messages = messages,
            SourceMeta = meta.Build(),
            Usage = usage,
            UnlistedResponses = unlisted,
        };
    }

    private static void AddOnce(List<string> list, string? value)
    {
        if (!string.IsNullOrEmpty(value) && !list.Contains(value)) list.Add(value);
    }

    /// <summary>&lt;ISO time with dashes&gt;_&lt;uuid&gt;.jsonl: the session id is what follows the first underscore.</summary>
    public static string SessionIdFromName(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path.Replace('\\', '/').Split('/')[^1]);
        var underscore = stem.IndexOf('_');
        return underscore >= 0 && underscore < stem.Length - 1 ? stem[(underscore + 1)..] : stem;
    }
}

/// <summary>Facts of the whole file, the same for every record it gives.</summary>
internal sealed class PiFileFacts
{
    private readonly DateTimeOffset? _forkedAt;

    public PiFileFacts(PiSession session)
    {
        // Pi's /name: the latest session_info with a name, on any branch (SessionManager.getSessionName).
        SessionName = session.Entries.LastOrDefault(e => e.Type == "session_info" && !string.IsNullOrWhiteSpace(e.Name))?.Name!.Trim();
        Leaves = session.Leaves().Count;

        // A fork (parentSession; branchedFrom in v1) begins with a copy of its source's entries, written with
        // their old times under a header dated when the fork was made: their responses were billed there.
        _forkedAt = session.Header is { ParentSession: not null, Timestamp: { } forked } ? forked : null;

        // Labels as Pi resolves them: the latest label entry for a target wins, an empty one clears it.
        foreach (var entry in session.Entries.Where(e => e.Type == "label" && e.TargetId is not null))
        {
            if (string.IsNullOrEmpty(entry.Label)) LabelsByTarget.Remove(entry.TargetId!);
            else LabelsByTarget[entry.TargetId!] = entry.Label;
        }
    }

    public string? SessionName { get; }

    public int Leaves { get; }

    public Dictionary<string, string> LabelsByTarget { get; } = new(StringComparer.Ordinal);

    public bool IsInherited(PiEntry entry) => _forkedAt is { } forked && PiConversation.TimeOf(entry) < forked;
}

/// <summary>Facts of one path: the settings and markers on it.</summary>
internal sealed class PiPathFacts
{
    public PiPathFacts(PiSession session, PiPath path, PiFileFacts file)
    {
        if (session.Header is { ModelId: { } initialModel } header) ModelChanges.Add(Qualified(header.Provider, initialModel));
        if (session.Header?.ThinkingLevel is { } initialLevel) ThinkingLevels.Add(initialLevel);
        PiEntry? lastCompaction = null;
        foreach (var entry in path.Entries)
        {
            switch (entry.Type)
            {
                case "model_change" when entry.ModelId is not null:
                    ModelChanges.Add(Qualified(entry.Provider, entry.ModelId));
                    break;
                case "thinking_level_change" when entry.ThinkingLevel is not null:
                    ThinkingLevels.Add(entry.ThinkingLevel);
                    break;
                case "compaction":
                    Compactions++;
                    lastCompaction = entry;
                    break;
                case "branch_summary" when !string.IsNullOrEmpty(entry.Summary):
                    BranchSummaries++;
                    break;
                case "custom":
                    CustomEntries.Add(entry.CustomType ?? "(none)");
                    break;
            }
            if (file.LabelsByTarget.TryGetValue(entry.Id, out var label)) Labels.Add(label);
        }

        // What Pi no longer sends after the latest compaction: the path's messages before firstKeptEntryId.
        if (lastCompaction is not null)
        {
            foreach (var entry in path.Entries)
            {
                if (entry == lastCompaction || entry.Id == lastCompaction.FirstKeptEntryId) break;
                if (entry.Type is "message" or "custom_message" or "branch_summary") CompactedEntries++;
            }
        }
    }

    public List<string> ModelChanges { get; } = new();

    public List<string> ThinkingLevels { get; } = new();

    public List<string> Labels { get; } = new();

    public Counter CustomEntries { get; } = new();

    public int Compactions { get; }

    public int CompactedEntries { get; }

    public int BranchSummaries { get; }

    private static string Qualified(string? provider, string model) =>
        string.IsNullOrEmpty(provider) ? model : string.Create(CultureInfo.InvariantCulture, $"{provider}/{model}");
}
