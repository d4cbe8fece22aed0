using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.OpenHands;

/// <summary>Reads one OpenHands conversation (a V1 folder, a legacy folder, or a saved trajectory) into a record.</summary>
internal static class OpenHandsRecords
{
    public const string SourceKind = "openhands";

    public static ReadResult Read(TraceSource source, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var diagnostics = new DiagnosticList(source.Path);
        return (source.IsFile ? OpenHandsHome.Classify(source.Path) : OpenHandsFile.None) switch
        {
            OpenHandsFile.BaseState => ReadSdk(source, diagnostics, cancellation),
            OpenHandsFile.FirstLegacyEvent => ReadLegacyFolder(source, diagnostics, cancellation),
            _ => ReadTrajectory(source, diagnostics, cancellation),
        };
    }

    /// <summary>A V1 conversation: base_state.json (which this source is) and the events beside it.</summary>
    private static ReadResult ReadSdk(TraceSource source, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(source.Path))!;
        JsonTextDocument? baseState;
        using (var stream = source.Open())
        {
            baseState = JsonDocumentReader.Read(stream, diagnostics);
        }
        // A damaged base_state.json costs the usage and the workspace; the events still tell the conversation.
        var state = baseState is null ? SdkState.Empty : SdkState.Read(baseState.Root);
        baseState?.Dispose();
        var eventsFolder = Path.Combine(folder, OpenHandsHome.EventsFolder);
        if (!Directory.Exists(eventsFolder))
        {
            // The SDK writes the system prompt as the first event when the conversation starts: no folder, nothing kept.
            diagnostics.Warn(RolloutDiagnostic.EmptyFile, null, $"no {OpenHandsHome.EventsFolder} folder beside it: the conversation's events are gone; no record.");
            return new ReadResult(source, null, null, diagnostics.Items);
        }
        using var log = OpenHandsEventLog.FromFolder(eventsFolder, OpenHandsHome.SdkOrder, diagnostics, cancellation);
        var conversation = new OpenHandsConversation();
        var events = new SdkEvents(conversation, diagnostics, state);
        events.Read(log.Events, cancellation);
        conversation.Cwd ??= state.WorkingDir;

        var meta = new SourceMeta.Builder()
            .Add("generation", "v1")
            .Add("conversation_id", state.Id)
            .Add("agent", state.AgentKind)
            .Add("execution_status", state.ExecutionStatus)
            .Add("conversation_errors", events.ConversationErrors)
            .Add("usage_ids", state.UsageIds);
        return Result(source, OpenHandsHome.IdsOf(folder), conversation, log, meta, new Facts(state.Model, state.Accumulated, state.Cost, null, null), diagnostics);
    }

    /// <summary>A legacy conversation: events/0.json (which this source is), the other event files, and metadata.json.</summary>
    private static ReadResult ReadLegacyFolder(TraceSource source, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var events = Path.GetDirectoryName(Path.GetFullPath(source.Path))!;
        var folder = Path.GetDirectoryName(events)!;
        var metadata = Metadata.Read(Path.Combine(folder, OpenHandsHome.MetadataName), diagnostics);
        using var log = OpenHandsEventLog.FromFolder(events, OpenHandsHome.LegacyOrder, diagnostics, cancellation);
        return ReadLegacy(source, new ConversationIds(Path.GetFileName(folder), null), "legacy", log, metadata, diagnostics, cancellation);
    }

    /// <summary>A saved trajectory (save_trajectory_path, evaluation outputs): the legacy events as one JSON array, named &lt;sid&gt;.json.</summary>
    private static ReadResult ReadTrajectory(TraceSource source, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        using var log = OpenHandsEventLog.FromArray(source, diagnostics);
        if (log is null) return new ReadResult(source, null, null, diagnostics.Items);
        return ReadLegacy(source, new ConversationIds(Path.GetFileNameWithoutExtension(source.Path), null), "trajectory", log, Metadata.None, diagnostics, cancellation);
    }

    private static ReadResult ReadLegacy(TraceSource source, ConversationIds ids, string generation, OpenHandsEventLog log, Metadata metadata, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var conversation = new OpenHandsConversation();
        var events = new LegacyEvents(conversation, diagnostics);
        events.Read(log.Events, metadata.Model, cancellation);
        var meta = new SourceMeta.Builder()
            .Add("generation", generation)
            .Add("openhands_version", events.Version)
            .Add("agent_class", events.AgentClass)
            .Add("agent_state", events.AgentState)
            .Add("selected_repository", metadata.Repository);
        var facts = new Facts(metadata.Model ?? events.AccumulatedModel, events.AccumulatedUsage, events.AccumulatedCost ?? metadata.Cost, metadata.Title, metadata.Branch);
        return Result(source, ids, conversation, log, meta, facts, diagnostics);
    }

    /// <summary>What a conversation states beside its events: the model configured, the accumulated totals, a title and branch.</summary>
    private sealed record Facts(string? Model, TokenUsage? Accumulated, decimal? Cost, string? Title, string? Branch);

    private static ReadResult Result(TraceSource source, ConversationIds ids, OpenHandsConversation conversation, OpenHandsEventLog log, SourceMeta.Builder meta, Facts facts, DiagnosticList diagnostics)
    {
        var builder = conversation.Builder;
        var messages = builder.Build();
        if (messages.Count == 0)
        {
            if (diagnostics.ErrorCount > 0 || log.Damaged > 0)
            {
                diagnostics.NoRecord("no event of the conversation could be read; no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            return new ReadResult(source, null, "the conversation holds no message yet", diagnostics.Items);
        }
        var usage = OpenHandsTokens.Totals(builder.Usage, facts.Accumulated);
        meta.Add("event_files", log.Events.Count)
            .Add("damaged_events", log.Damaged)
            .Add("event_kinds", conversation.Kinds)
            .Add("compaction_summaries", conversation.CompactionSummaries)
            .Add("usage_source", builder.Usage.Total > 0 ? (usage.Total > builder.Usage.Total ? "per response, and accumulated totals beyond them" : "per response") : facts.Accumulated is not null ? "accumulated totals" : null)
            .Add("cost_usd", facts.Cost is { } cost ? (double)cost : 0)
            .Add("orphan_tool_results", builder.OrphanToolResults)
            .Add("unanswered_tool_calls", builder.UnansweredToolCalls);
        var models = builder.Models.Count > 0 ? builder.Models : facts.Model is { } model ? new[] { model } : Array.Empty<string>();
        var firstPrompt = messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt && m.Text.Length > 0)?.Text;
        return new ReadResult(source, new RolloutRecord
        {
            TraceId = ids.TraceId,
            Format = RolloutFormat.OpenHands,
            SourceKind = SourceKind,
            SourcePath = source.Path,
            RootSessionId = ids.Parent ?? ids.Id,
            AgentId = ids.Parent is null ? null : ids.Id,
            IsSidechain = ids.Parent is not null,
            Cwd = conversation.Cwd,
            ProjectPath = conversation.Cwd,
            GitBranch = facts.Branch,
            StartedAt = conversation.StartedAt,
            EndedAt = conversation.EndedAt,
            Title = Titles.Clean(facts.Title ?? firstPrompt),
            Models = models,
            Messages = messages,
            SourceMeta = meta.Build(),
            Usage = usage,
            UnlistedResponses = builder.Unlisted,
        }, null, diagnostics.Items);
    }

    /// <summary>
    /// A legacy conversation's metadata.json (storage/data_models/conversation_metadata.py), written by the server:
    /// its title, repository and branch, the model and the accumulated cost. Headless runs write none.
    /// </summary>
    private sealed record Metadata(string? Title, string? Repository, string? Branch, string? Model, decimal? Cost)
    {
        public static Metadata None { get; } = new(null, null, null, null, null);

        public static Metadata Read(string path, DiagnosticList diagnostics)
        {
            if (!File.Exists(path)) return None;
            var own = new DiagnosticList(path);
            using var document = OpenHandsEventLog.Open(path, own);
            // Damage here costs a title, not the conversation: said as a warning.
            foreach (var problem in own.Items) diagnostics.Add(problem with { Severity = DiagnosticSeverity.Warning, ErrorId = RolloutDiagnostic.SidecarDamaged });
            if (document is null || document.Root.ValueKind != JsonValueKind.Object) return None;
            var root = document.Root;
            return new Metadata(root.GetStringOrNull("title"), root.GetStringOrNull("selected_repository"), root.GetStringOrNull("selected_branch"),
                root.GetStringOrNull("llm_model"), OpenHandsTokens.Cost(root, "accumulated_cost"));
        }
    }
}
