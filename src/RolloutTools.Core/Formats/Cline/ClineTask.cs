using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Cline;

/// <summary>
/// Reads one task folder of Cline, Roo Code or Kilo Code into a record. api_conversation_history.json is the
/// conversation as the model saw it (Anthropic MessageParam objects plus ts, id, modelInfo, metrics, and Roo's
/// isSummary, condenseParent, truncationParent and reasoning items); ui_messages.json, the log the person saw,
/// gives the times and each API request's tokens and cost; task_metadata.json (Cline) and history_item.json
/// (Roo, Kilo) give the models, versions and workspace. Only the API history is required: the others are
/// sidecars, each set aside with one warning when damaged.
/// </summary>
public static class ClineTask
{
    public const string UiMessagesFile = "ui_messages.json";
    public const string MetadataFile = "task_metadata.json";
    public const string HistoryItemFile = "history_item.json";

    public static ReadResult Read(TraceSource source, string sourceKind, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var diagnostics = new DiagnosticList(source.Path);
        JsonTextDocument? document;
        using (var stream = source.Open())
        {
            document = JsonDocumentReader.Read(stream, diagnostics, JsonRoots.Array);
        }
        if (document is null) return new ReadResult(source, null, null, diagnostics.Items);
        using (document)
        {
            var folder = source.IsFile ? Path.GetDirectoryName(Path.GetFullPath(source.Path)) : null;
            var ui = folder is null ? ClineUiLog.Empty
                : SidecarFile.LoadDocument(Path.Combine(folder, UiMessagesFile), ClineUiLog.Read).Use(diagnostics) ?? ClineUiLog.Empty;
            var metadata = folder is null ? null : SidecarFile.LoadDocument(Path.Combine(folder, MetadataFile), TaskMetadata.Read).Use(diagnostics);
            var item = folder is null ? null : SidecarFile.LoadDocument(Path.Combine(folder, HistoryItemFile), HistoryItem.Read).Use(diagnostics);
            var owner = folder is null ? (ClineAgent.Cline, null, null) : ClineStorage.Owner(folder);
            if (owner.Agent != ClineAgent.Cline) ui.TakeCacheOutOfInput();

            var messages = document.Root.EnumerateArray().ToArray();
            var conversation = ClineConversation.Read(messages, i => document.ElementLine(null, i), ui, metadata, item?.ParentTaskId is not null, diagnostics, cancellation);
            if (conversation.Count == 0)
            {
                diagnostics.NoRecord(messages.Length == 0 ? "the API history is empty; no record." : "no message of the API history could be read; no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            return new ReadResult(source, Record(source, sourceKind, folder, owner, conversation, ui, metadata, item, diagnostics), null, diagnostics.Items);
        }
    }

    private static RolloutRecord Record(TraceSource source, string sourceKind, string? folder, (ClineAgent Agent, string? Extension, string? Editor) owner,
        ClineConversation conversation, ClineUiLog ui,
        TaskMetadata? metadata, HistoryItem? item, DiagnosticList diagnostics)
    {
        var built = conversation.Messages;
        // Text handed over in memory goes by the file it came from, whose folder is still the task's.
        var named = folder ?? (Path.GetFileName(Path.GetDirectoryName(source.Path)) is { Length: > 0 } parent ? parent : null);
        var taskId = item?.Id ?? (named is null ? Path.GetFileNameWithoutExtension(source.Path) : Path.GetFileName(named));
        var (agent, extension, editor) = owner;
        var times = ui.Times.Concat(built.Select(m => m.Timestamp).OfType<DateTimeOffset>()).ToArray();
        var firstPrompt = built.FirstOrDefault(m => m.Kind == MessageKind.Prompt && m.Text.Length > 0)?.Text;
        var models = conversation.Builder.Models
            .Concat(metadata?.Models ?? Enumerable.Empty<string>())
            .Distinct(StringComparer.Ordinal).ToArray();
        // A response with nothing readable (redacted reasoning only) is not listed, and was billed all the same.
        var usage = conversation.Builder.Usage;
        var statedCost = ui.Requests.Where(r => r.Cost is not null).Sum(r => r.Cost!.Value);

        var meta = new SourceMeta.Builder()
            .Add("task_id", taskId)
            .Add("agent", agent switch { ClineAgent.RooCode => "roo_code", ClineAgent.KiloCode => "kilo_code", ClineAgent.ZooCode => "zoo_code", _ => "cline" })
            .Add("extension_id", extension)
            .Add("parent_task_id", item?.ParentTaskId)
            .Add("child_task_ids", item?.ChildIds ?? Array.Empty<string>())
            .Add("editor", editor)
            .Add("agent_versions", metadata?.Versions ?? Array.Empty<string>())
            .Add("hosts", metadata?.Hosts ?? Array.Empty<string>())
            .Add("modes", conversation.Modes.Concat(item?.Mode is { } mode ? new[] { mode } : Array.Empty<string>()).Distinct(StringComparer.Ordinal))
            .Add("api_messages", conversation.Count)
            .Add("api_requests", ui.Requests.Count)
            .Add("paired_requests", conversation.PairedRequests)
            .Add("unpaired_requests", conversation.UnpairedRequests)
            .Add("failed_requests", ui.FailedRequests)
            .Add("usage_source", conversation.UsageSource)
            .Add("inputs_with_cache", ui.InputsWithCache)
            .Add("stated_cost_usd", statedCost > 0 ? (double)statedCost : 0)
            .Add("history_total_cost_usd", item?.TotalCost ?? 0)
            .Add("deleted_ranges", ui.DeletedRanges)
            .Add("hidden_from_model", ui.LastDeletedRange is { } range ? $"{range.Start}-{range.End}" : null)
            .Add("condensed_messages", conversation.Condensed)
            .Add("truncated_messages", conversation.Truncated)
            .Add("compaction_summaries", conversation.Summaries)
            .Add("xml_tool_calls", conversation.XmlToolCalls)
            .Add("native_tool_calls", conversation.NativeToolCalls)
            .Add("orphan_tool_results", conversation.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", conversation.Builder.UnansweredToolCalls)
            .Add("redacted_reasoning", conversation.RedactedReasoning)
            .Add("prompts_in_tool_results", conversation.PromptsInToolResults)
            .Add("cache_unsplit_responses", conversation.UnsplitCacheResponses)
            .Add("checkpoints", ui.Checkpoints)
            .Add("skipped_messages", diagnostics.ErrorCount)
            .Add("unknown_block_types", conversation.UnknownBlockTypes)
            .Add("ui_say_types", ui.SayTypes)
            .Add("ui_ask_types", ui.AskTypes)
            .Build();

        var cwd = item?.Workspace ?? conversation.Cwd;
        return new RolloutRecord
        {
            TraceId = taskId,
            Format = RolloutFormat.Cline,
            SourceKind = sourceKind,
            SourcePath = source.Path,
            // A subtask (Roo's new_task) names its root and parent in its history item.
            RootSessionId = item?.RootTaskId ?? item?.ParentTaskId ?? taskId,
            IsSidechain = item?.ParentTaskId is not null,
            Cwd = cwd,
            ProjectPath = cwd,
            StartedAt = times.Length > 0 ? times.Min() : null,
            EndedAt = times.Length > 0 ? times.Max() : null,
            Title = Titles.Clean(ui.Task ?? item?.Task ?? firstPrompt),
            Models = models,
            Messages = built,
            SourceMeta = meta,
            Usage = usage,
            UnlistedResponses = conversation.Builder.Unlisted,
        };
    }

    /// <summary>task_metadata.json (Cline): the models used (model_usage) and the agent's versions and hosts (environment_history).</summary>
    public sealed record TaskMetadata(IReadOnlyList<(DateTimeOffset? Time, string Model, string? Mode)> ModelUsage, IReadOnlyList<string> Versions, IReadOnlyList<string> Hosts)
    {
        public IEnumerable<string> Models => ModelUsage.Select(u => u.Model);

        public static TaskMetadata Read(JsonElement root)
        {
            Expect.Object(root, "task_metadata.json");
            var usage = Expect.Array(root, "model_usage")
                .Where(e => e.ValueKind == JsonValueKind.Object && e.GetStringOrNull("model_id") is not null)
                .Select(e => (UnixTime.FromMilliseconds(e, "ts"), e.GetStringOrNull("model_id")!, e.GetStringOrNull("mode")))
                .ToArray();
            var environments = Expect.Array(root, "environment_history").Where(e => e.ValueKind == JsonValueKind.Object).ToArray();
            return new TaskMetadata(
                usage,
                environments.Select(e => e.GetStringOrNull("cline_version")).OfType<string>().Distinct(StringComparer.Ordinal).ToArray(),
                environments.Select(e => e.GetStringOrNull("host_name") is { } host ? $"{host} {e.GetStringOrNull("host_version")}".Trim() : null)
                    .OfType<string>().Distinct(StringComparer.Ordinal).ToArray());
        }

        /// <summary>The model in use at a time: the last model_usage entry at or before it.</summary>
        public string? ModelAt(DateTimeOffset? time) => time is null
            ? ModelUsage.LastOrDefault().Model
            : ModelUsage.LastOrDefault(u => u.Time is null || u.Time <= time).Model;
    }

    /// <summary>
    /// history_item.json (Roo Code, Kilo Code): the task's entry in the history view; a subtask's names the task that
    /// started it and the root of that tree, a parent's its children (packages/types/src/history.ts).
    /// </summary>
    public sealed record HistoryItem(string? Id, string? Task, string? Workspace, string? Mode, double TotalCost, string? RootTaskId, string? ParentTaskId,
        IReadOnlyList<string> ChildIds)
    {
        public static HistoryItem Read(JsonElement root)
        {
            Expect.Object(root, "history_item.json");
            var cost = root.GetPropertyOrDefault("totalCost") is { ValueKind: JsonValueKind.Number } c ? c.GetDouble() : 0;
            var children = Expect.Array(root, "childIds").Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray();
            return new HistoryItem(Expect.String(root, "id"), Expect.String(root, "task"), Expect.String(root, "workspace"), Expect.String(root, "mode"), cost,
                Expect.String(root, "rootTaskId"), Expect.String(root, "parentTaskId"), children);
        }
    }
}
