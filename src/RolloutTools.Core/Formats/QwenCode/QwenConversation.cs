using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.QwenCode;

/// <summary>
/// The conversation of a Qwen Code chat file, rebuilt as Qwen Code rebuilds it when it resumes a session
/// (SessionService.loadSession, utils/transcript-records.ts prepareTranscriptRecords, utils/conversation-chain.ts):
/// records sharing a uuid are fragments of one record (parts joined, last usage, first model, latest time);
/// the active branch is the parentUuid chain from the last conversation record back to a root, so a branch
/// left by /rewind (which re-roots the chain) drops out; a parent that was never written (a lost segment)
/// is bridged to the newest earlier record of another connected part, as Qwen Code does, and counted.
/// </summary>
internal sealed class QwenConversation
{
    private const string HookContextOpen = "<qwen:user-prompt-submit-context>";
    private const string HookContextClose = "</qwen:user-prompt-submit-context>";

    public required IReadOnlyList<RolloutMessage> Messages { get; init; }

    public required IReadOnlyList<QwenEntry> ActivePath { get; init; }

    public required TokenUsage Usage { get; init; }

    /// <summary>Responses Usage counts and Messages leaves out: those of a rewound branch when it is not read.</summary>
    public IReadOnlyList<UnlistedResponse> UnlistedResponses { get; private init; } = Array.Empty<UnlistedResponse>();

    public int MergedFragments { get; private init; }

    public int AbandonedEntries { get; private init; }

    public int SidechainEntries { get; private init; }

    public int BridgedGaps { get; private init; }

    public int Compactions { get; private init; }

    public int HookContexts { get; private init; }

    public int OrphanToolResults { get; private init; }

    public int UnansweredToolCalls { get; private init; }

    public static QwenConversation Build(QwenTranscript transcript, bool includeAbandoned, DiagnosticList diagnostics)
    {
        var (records, merged) = Merge(transcript.Entries);
        var byUuid = records.ToDictionary(r => r.Uuid, StringComparer.Ordinal);
        var (path, bridged) = ActiveChain(records, byUuid);
        var onPath = new HashSet<string>(path.Select(r => r.Uuid), StringComparer.Ordinal);

        var abandoned = records.Where(r => !onPath.Contains(r.Uuid) && !r.IsSidechain && SaysSomething(r)).ToArray();
        var sidechain = records.Count(r => !onPath.Contains(r.Uuid) && r.IsSidechain);
        var read = includeAbandoned
            ? records.Where(r => onPath.Contains(r.Uuid) || abandoned.Contains(r)).OrderBy(r => r.Index).ToList()
            : path;

        var builder = new ConversationBuilder();
        var state = new BuildState(diagnostics);
        foreach (var record in read)
        {
            builder.MarkAbandoned = !onPath.Contains(record.Uuid);
            Add(builder, record, state);
        }

        var usage = records.Where(r => r.Type == "assistant" && r.Usage is not null).Aggregate(default(TokenUsage), (sum, r) => sum + r.Usage!.Value);
        var messages = builder.Build();
        return new QwenConversation
        {
            Messages = messages,
            UnlistedResponses = includeAbandoned ? builder.Unlisted : builder.Unlisted.Concat(LeftResponses(abandoned, diagnostics)).ToArray(),
            ActivePath = path,
            Usage = usage,
            MergedFragments = merged,
            AbandonedEntries = abandoned.Length,
            SidechainEntries = sidechain,
            BridgedGaps = bridged,
            Compactions = path.Count(r => r.Subtype == "chat_compression"),
            HookContexts = state.HookContexts,
            OrphanToolResults = builder.OrphanToolResults,
            UnansweredToolCalls = builder.UnansweredToolCalls,
        };
    }

    /// <summary>The responses of a rewound branch, each as it would be read with -IncludeAbandoned, built apart.</summary>
    private static IReadOnlyList<UnlistedResponse> LeftResponses(IReadOnlyList<QwenEntry> abandoned, DiagnosticList diagnostics)
    {
        if (!abandoned.Any(r => r.Type == "assistant" && r.Usage is not null)) return Array.Empty<UnlistedResponse>();
        var left = new ConversationBuilder { MarkAbandoned = true };
        var state = new BuildState(diagnostics);
        foreach (var record in abandoned) Add(left, record, state);
        return left.BuildUnlisted();
    }

    /// <summary>Whether a record becomes a message, so leaving it behind on a rewound branch is worth counting.</summary>
    private static bool SaysSomething(QwenEntry record) => record.Type switch
    {
        "user" or "assistant" or "tool_result" => record.Parts.Count > 0,
        _ => record.CompressionSummary is not null || record.SlashPhase is not null,
    };

    /// <summary>One record per uuid, at the place of its first fragment; returns how many fragments were folded in.</summary>
    private static (List<QwenEntry> Records, int Merged) Merge(List<QwenEntry> entries)
    {
        var order = new List<string>();
        var fragments = new Dictionary<string, List<QwenEntry>>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.IsConversation))
        {
            if (fragments.TryGetValue(entry.Uuid, out var list)) list.Add(entry);
            else
            {
                fragments[entry.Uuid] = new List<QwenEntry> { entry };
                order.Add(entry.Uuid);
            }
        }
        var merged = 0;
        var records = new List<QwenEntry>(order.Count);
        foreach (var uuid in order)
        {
            var list = fragments[uuid];
            merged += list.Count - 1;
            records.Add(list.Count == 1 ? list[0] : Fold(list));
        }
        return (records, merged);
    }

    private static QwenEntry Fold(List<QwenEntry> fragments)
    {
        var first = fragments[0];
        return new QwenEntry
        {
            LineNumber = first.LineNumber,
            Index = first.Index,
            Uuid = first.Uuid,
            ParentUuid = first.ParentUuid,
            SessionId = first.SessionId,
            Timestamp = fragments.Max(f => f.Timestamp),
            Type = first.Type,
            Subtype = first.Subtype,
            Cwd = first.Cwd,
            Version = first.Version,
            GitBranch = first.GitBranch,
            Model = fragments.Select(f => f.Model).FirstOrDefault(m => m is not null),
            IsSidechain = first.IsSidechain,
            Parts = fragments.SelectMany(f => f.Parts).ToArray(),
            Usage = fragments.Select(f => f.Usage).LastOrDefault(u => u is not null),
            ContextWindowSize = fragments.Select(f => f.ContextWindowSize).LastOrDefault(s => s > 0),
            ToolStatus = fragments.Select(f => f.ToolStatus).FirstOrDefault(s => s is not null),
            ToolCallId = fragments.Select(f => f.ToolCallId).FirstOrDefault(s => s is not null),
            HookContext = first.HookContext,
            CustomTitle = first.CustomTitle,
            TitleSource = first.TitleSource,
            ParentSessionId = first.ParentSessionId,
            SourceType = first.SourceType,
            ForkedFromSession = first.ForkedFromSession,
            SlashPhase = first.SlashPhase,
            RawCommand = first.RawCommand,
            CommandOutput = first.CommandOutput,
            CompressionSummary = first.CompressionSummary,
        };
    }

    /// <summary>
    /// The records from the last conversation record back to a root, root first. The last record of the main
    /// conversation is the tip; a subagent's sidechain records are never it, unless the file holds nothing else.
    /// </summary>
    private static (List<QwenEntry> Path, int Bridged) ActiveChain(List<QwenEntry> records, Dictionary<string, QwenEntry> byUuid)
    {
        var path = new List<QwenEntry>();
        if (records.Count == 0) return (path, 0);
        var byPosition = records.OrderBy(r => r.Index).ToList();
        var tip = byPosition.LastOrDefault(r => !r.IsSidechain) ?? byPosition[^1];
        var tipIsSidechain = tip.IsSidechain;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, string>? components = null;
        var stitched = new HashSet<string>(StringComparer.Ordinal);
        var bridged = 0;

        for (var current = tip; current is not null && visited.Add(current.Uuid);)
        {
            path.Add(current);
            if (current.ParentUuid is not { } parent) break;
            if (byUuid.TryGetValue(parent, out var next))
            {
                current = next;
                continue;
            }
            // A rewind re-roots the chain on purpose: its missing parent is no lost history.
            if (current.Subtype == "rewind") break;
            components ??= Components(records, byUuid);
            stitched.Add(components[path[0].Uuid]);
            foreach (var r in path) stitched.Add(components[r.Uuid]);
            var child = current;
            current = byPosition.LastOrDefault(r => r.Index < child.Index && r.IsSidechain == tipIsSidechain && !stitched.Contains(components[r.Uuid]));
            if (current is not null) bridged++;
        }
        path.Reverse();
        return (path, bridged);
    }

    /// <summary>Each record's connected part of the tree: the record its parent links lead back to.</summary>
    private static Dictionary<string, string> Components(List<QwenEntry> records, Dictionary<string, QwenEntry> byUuid)
    {
        var top = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var walked = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var current = record;
            string root;
            while (true)
            {
                if (top.TryGetValue(current.Uuid, out var known))
                {
                    root = known;
                    break;
                }
                walked.Add(current.Uuid);
                seen.Add(current.Uuid);
                if (current.ParentUuid is { } parent && byUuid.TryGetValue(parent, out var next) && !seen.Contains(parent)) current = next;
                else
                {
                    root = current.Uuid;
                    break;
                }
            }
            foreach (var uuid in walked) top[uuid] = root;
        }
        return top;
    }

    private sealed class BuildState
    {
        public BuildState(DiagnosticList diagnostics)
        {
            Diagnostics = diagnostics;
        }

        public DiagnosticList Diagnostics { get; }

        public int HookContexts { get; set; }

        /// <summary>Calls written without an id, for the responses written without one.</summary>
        public UnnamedCalls UnnamedCalls { get; } = new();
    }

    private static void Add(ConversationBuilder builder, QwenEntry record, BuildState state)
    {
        switch (record.Type)
        {
            case "assistant":
                AddResponse(builder, record, state);
                break;
            case "tool_result":
                AddToolResults(builder, record, state);
                break;
            case "user":
                AddToolResults(builder, record, state);
                AddUser(builder, record, state);
                break;
            case "system" when record.CompressionSummary is { } summary:
                builder.AddMessage(MessageRole.User, MessageKind.CompactionSummary, new[] { ContentBlock.FromText(summary) }, record.Timestamp);
                break;
            case "system" when record.SlashPhase == "invocation" && !string.IsNullOrEmpty(record.RawCommand):
                builder.AddMessage(MessageRole.User, MessageKind.Command, new[] { ContentBlock.FromText(record.RawCommand) }, record.Timestamp);
                break;
            case "system" when record.SlashPhase == "result" && record.CommandOutput is { } output:
                builder.AddMessage(MessageRole.User, MessageKind.Command, new[] { ContentBlock.FromText(output) }, record.Timestamp);
                break;
        }
    }

    private static void AddResponse(ConversationBuilder builder, QwenEntry record, BuildState state)
    {
        var turn = builder.StartAssistant(record.Timestamp, record.Model);
        // The record's uuid is the response's: a session copied elsewhere keeps it, so its usage counts once.
        turn.ResponseId = record.Uuid;
        if (record.Usage is { } usage) turn.SetUsage(usage);
        var calls = 0;
        turn.AddContent(GeminiParts.Blocks(record.Parts));
        foreach (var part in record.Parts)
        {
            if (part.Kind == GeminiPartKind.Thought) turn.AddReasoning(part.Text!);
            else if (part.Kind == GeminiPartKind.FunctionCall)
            {
                calls++;
                var id = part.CallId;
                if (id is null) state.UnnamedCalls.Add(part.Name!, id = $"{record.Uuid}:{calls}");
                turn.AddToolCall(new ToolCall(id, part.Name!, part.Arguments!));
            }
        }
    }

    /// <summary>
    /// A tool_result record holds the functionResponse parts the model was sent, and after them any other parts
    /// of the result (an image a tool read): those belong to the last response before them. A response without an
    /// id answers the oldest open call of its name that had none either; one that answers nothing is reported.
    /// </summary>
    private static void AddToolResults(ConversationBuilder builder, QwenEntry record, BuildState state)
    {
        var failed = record.ToolStatus is "error" or "cancelled";
        var responses = record.Parts.Where(p => p.Kind == GeminiPartKind.FunctionResponse).ToArray();
        if (responses.Length == 0) return;
        var extras = record.Type == "tool_result"
            ? GeminiParts.Blocks(record.Parts)
            : Array.Empty<ContentBlock>();
        for (var i = 0; i < responses.Length; i++)
        {
            var response = responses[i];
            var content = new List<ContentBlock>(response.Content);
            if (i == responses.Length - 1) content.AddRange(extras);
            var id = response.CallId ?? (responses.Length == 1 ? record.ToolCallId : null) ?? state.UnnamedCalls.Answer(response.Name!);
            if (id is null)
            {
                state.Diagnostics.Warn(RolloutDiagnostic.ParseError, record.LineNumber, $"a result of {response.Name} has no call id and answers no call of that name; skipped.");
                continue;
            }
            builder.AddToolResult(new ToolResult(id, content) { IsError = failed || response.IsError, Timestamp = record.Timestamp });
        }
    }

    private static void AddUser(ConversationBuilder builder, QwenEntry record, BuildState state)
    {
        var parts = record.Parts.Where(p => p.Kind is GeminiPartKind.Text or GeminiPartKind.Image).ToList();
        if (parts.Count == 0) return;

        // A UserPromptSubmit hook's context rides in the prompt's last part, wrapped in Qwen Code's tag
        // (transcript-records.ts): it is the agent's text, not the person's.
        string? hook = null;
        if (parts.Count > 1 && parts[^1] is { Kind: GeminiPartKind.Text, Text: { } last } && IsHookContext(last))
        {
            hook = last;
            parts.RemoveAt(parts.Count - 1);
        }
        var kind = record.Subtype switch
        {
            "mid_turn_user_message" => MessageKind.QueuedPrompt,
            "notification" or "background_task_completed" or "cron" or "goal_runtime" => MessageKind.Context,
            "agent_launch_prompt" or "agent_message" or "agent_mention" => MessageKind.AgentMessage,
            _ => record.IsSidechain ? MessageKind.AgentMessage : MessageKind.Prompt,
        };
        var blocks = GeminiParts.Blocks(parts);
        if (blocks.Count > 0) builder.AddMessage(MessageRole.User, kind, blocks, record.Timestamp);
        if (hook is not null)
        {
            state.HookContexts++;
            builder.AddMessage(MessageRole.User, MessageKind.Context, new[] { ContentBlock.FromText(hook) }, record.Timestamp);
        }
    }

    private static bool IsHookContext(string text)
    {
        var trimmed = text.Trim();
        return trimmed.StartsWith(HookContextOpen + "\n", StringComparison.Ordinal) && trimmed.EndsWith("\n" + HookContextClose, StringComparison.Ordinal);
    }
}
