using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.OpenCode;

/// <summary>
/// Turns one OpenCode session, from either store, into a normalized record. A message is a user message or an
/// assistant message (MessageV2.Info), and its parts say what it holds (MessageV2.Part). An assistant message
/// holds one or more steps, each one API response between a step-start and a step-finish part (the step-finish
/// carries that response's tokens and cost); a tool part holds both the call and, in its state, the result.
/// </summary>
internal static class OpenCodeRecords
{
    public const string SourceKind = "opencode";

    /// <summary>Titles OpenCode gives a session before it names one ("New session - 2025-…", "Child session - …").</summary>
    private static readonly string[] DefaultTitlePrefixes = { "New session - ", "Child session - " };

    public static RolloutRecord Build(OpenCodeSession session, string path, DiagnosticList diagnostics)
    {
        var info = session.Info;
        var isChild = !string.IsNullOrEmpty(info.ParentId);
        var where = session.Store == OpenCodeStore.Database ? "row " : string.Empty;
        var unplaced = new UnplacedKinds(diagnostics);
        var state = new BuildState(isChild,
            (message, why) => diagnostics.Error(RolloutDiagnostic.ParseError, null, $"message {where}{message} of session {info.Id} skipped: {why}"),
            (message, type) => unplaced.Add(type, null, $"message {where}{message} of session {info.Id}: a part of type '{type}' is not known to this reader; counted in part_types."));
        foreach (var message in session.Messages) state.Add(message);
        var messages = state.Builder.Build();

        var times = messages.Select(m => m.Timestamp).Where(t => t is not null).ToList();
        var started = new[] { info.Created, times.Min() }.Where(t => t is not null).Min();
        var ended = new[] { info.Updated, state.LastTime, times.Max() }.Where(t => t is not null).Max();
        // A step with nothing readable (encrypted reasoning only) is not listed, and was billed all the same.
        var usage = state.Builder.Usage;
        var firstPrompt = (messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt) ?? messages.FirstOrDefault(m => m.Kind == MessageKind.AgentMessage))?.Text;
        var title = info.Title is { Length: > 0 } t && !DefaultTitlePrefixes.Any(p => t.StartsWith(p, StringComparison.Ordinal)) ? t : firstPrompt;

        var sourceMeta = new SourceMeta.Builder()
            .Add("session_id", info.Id)
            .Add("app", OpenCodeHome.AppOf(path))
            .Add("store", session.Store == OpenCodeStore.Database ? "database" : "json_storage")
            .Add("version", info.Version)
            .Add("project_id", info.ProjectId)
            .Add("slug", info.Slug)
            .Add("parent_session_id", info.ParentId)
            .Add("child_session_ids", state.ChildSessions)
            .Add("share_url", info.ShareUrl)
            .Add("archived", info.Archived is not null)
            .Add("agents", state.Agents)
            .Add("providers", state.Providers)
            .Add("cost_usd", Math.Round(state.Cost, 6))
            .Add("reasoning_tokens", state.ReasoningTokens)
            .Add("steps", state.Steps)
            .Add("finish_reasons", state.FinishReasons)
            .Add("part_types", state.PartTypes)
            .Add("tool_statuses", state.ToolStatuses)
            .Add("errors", state.Errors)
            .Add("subtasks", state.Subtasks)
            .Add("compactions", state.Compactions)
            .Add("retries", state.Retries)
            .Add("attached_files", state.AttachedFiles)
            .Add("patched_files", state.PatchedFiles)
            .Add("ignored_text_parts", state.IgnoredTexts)
            .Add("shell_commands", state.ShellCommands)
            .Add("resent_prompts", state.ResentPrompts)
            .Add("interrupted_tools", state.InterruptedTools)
            .Add("pruned_tool_outputs", state.PrunedOutputs)
            .Add("summary_additions", info.SummaryAdditions)
            .Add("summary_deletions", info.SummaryDeletions)
            .Add("summary_files", info.SummaryFiles)
            .Add("orphan_tool_results", state.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", state.Builder.UnansweredToolCalls)
            .Add("skipped_rows", diagnostics.ErrorCount)
            .Build();

        return new RolloutRecord
        {
            TraceId = info.Id,
            Format = RolloutFormat.OpenCode,
            SourceKind = SourceKind,
            SourcePath = path,
            RootSessionId = info.RootId ?? info.Id,
            AgentId = isChild ? info.Id : null,
            IsSidechain = isChild,
            Cwd = state.Cwd ?? info.Directory,
            // Outside a repository OpenCode files the session under the "global" project, whose worktree is "/".
            ProjectPath = info.Worktree is { Length: > 0 } and not "/" ? info.Worktree : state.Root is { Length: > 0 } and not "/" ? state.Root : info.Directory,
            StartedAt = started,
            EndedAt = ended,
            Title = Titles.Clean(title),
            Models = state.Models,
            Messages = messages,
            SourceMeta = sourceMeta,
            Usage = usage,
            UnlistedResponses = state.Builder.Unlisted,
        };
    }

    /// <summary>Walks the messages and their parts in order, feeding the conversation and counting what has no place in it.</summary>
    private sealed class BuildState
    {
        private readonly bool _isChild;
        private readonly List<ToolResult> _results = new();
        private readonly List<string> _models = new();
        private readonly List<string> _agents = new();
        private readonly List<string> _providers = new();
        private readonly List<string> _childSessions = new();
        private readonly List<string> _attached = new();
        private readonly List<string> _patched = new();

        private readonly Action<string, string> _skipped;
        private readonly Action<string, string> _unknownPart;
        // The user message shell() saves before a command the person ran (the "!" prompt): its assistant message follows.
        private bool _shellNotice;
        // The last message was a compaction summary: the user message after it may be the replay of an earlier prompt.
        private bool _afterSummary;
        // The words of the last user message that held any, to know them when compaction sends them again.
        private IReadOnlyList<string> _lastWords = Array.Empty<string>();

        public BuildState(bool isChild, Action<string, string> skipped, Action<string, string> unknownPart)
        {
            _isChild = isChild;
            _skipped = skipped;
            _unknownPart = unknownPart;
        }

        /// <summary>The part types of MessageV2.Part: one this reader does not place is still no surprise.</summary>
        private static readonly HashSet<string> KnownParts = new(StringComparer.Ordinal)
        {
            "text", "file", "subtask", "compaction", "agent", "reasoning", "tool", "step-start", "step-finish", "snapshot", "patch", "retry",
        };

        /// <summary>A part of a type OpenCode did not have when this reader was written: told once, its text kept as context.</summary>
        private void Unknown(OpenCodeMessage message, JsonElement data, DateTimeOffset? time)
        {
            var type = OpenCodeJson.String(data, "type") ?? "(none)";
            if (KnownParts.Contains(type)) return;
            _unknownPart(message.Id, type);
            if (OpenCodeJson.String(data, "text") is { Length: > 0 } text)
            {
                Builder.AddMessage(MessageRole.User, MessageKind.Context, new[] { ContentBlock.FromText(text) }, time);
            }
        }

        public ConversationBuilder Builder { get; } = new();
        public IReadOnlyList<string> Models => _models;
        public IReadOnlyList<string> Agents => _agents;
        public IReadOnlyList<string> Providers => _providers;
        public IReadOnlyList<string> ChildSessions => _childSessions;
        public IReadOnlyList<string> AttachedFiles => _attached;
        public IReadOnlyList<string> PatchedFiles => _patched;
        public Dictionary<string, long> FinishReasons { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> PartTypes { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> ToolStatuses { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);
        public double Cost { get; private set; }
        public long ReasoningTokens { get; private set; }
        public long Steps { get; private set; }
        public long Subtasks { get; private set; }
        public long Compactions { get; private set; }
        public long Retries { get; private set; }
        public long IgnoredTexts { get; private set; }
        public long PrunedOutputs { get; private set; }
        public long ShellCommands { get; private set; }
        public long ResentPrompts { get; private set; }
        public long InterruptedTools { get; private set; }
        public string? Cwd { get; private set; }
        public string? Root { get; private set; }
        public DateTimeOffset? LastTime { get; private set; }

        public void Add(OpenCodeMessage message)
        {
            foreach (var part in message.Parts) Count(PartTypes, OpenCodeJson.String(part.Data, "type") ?? "(none)");
            switch (OpenCodeJson.String(message.Info, "role"))
            {
                case "user":
                    AddUser(message);
                    break;
                case "assistant":
                    AddAssistant(message);
                    break;
                case var role:
                    _skipped(message.Id, role is null ? "it has no role." : $"its role is '{role}', neither user nor assistant.");
                    break;
            }
        }

        /// <summary>The text of the user message shell() saves (session/prompt.ts) before the command the person ran.</summary>
        private const string ShellNoticeText = "The following tool was executed by the user";

        private void AddUser(OpenCodeMessage message)
        {
            var time = Time(message.Info.GetPropertyOrDefaultSafe("time"), "created");
            Note(time);
            Distinct(_agents, OpenCodeJson.String(message.Info, "agent"));
            _shellNotice = IsShellNotice(message);
            var afterSummary = _afterSummary;
            _afterSummary = false;
            if (_shellNotice) return;
            // A child session's user turns are what the calling agent asked of it, not a person's words.
            var promptKind = _isChild ? MessageKind.AgentMessage : MessageKind.Prompt;
            // After a compaction for overflow, OpenCode saves a new user message copying the parts of the prompt it
            // compacted away (compaction.ts, replay) and answers that: the same words again, sent by OpenCode, not the person.
            var words = Words(message);
            if (afterSummary && words.Count > 0 && words.SequenceEqual(_lastWords, StringComparer.Ordinal))
            {
                ResentPrompts++;
                promptKind = MessageKind.Context;
            }
            else if (words.Count > 0)
            {
                _lastWords = words;
            }
            var blocks = new List<ContentBlock>();
            var kind = promptKind;
            void Emit()
            {
                if (blocks.Count > 0) Builder.AddMessage(MessageRole.User, kind, blocks.ToArray(), time);
                blocks.Clear();
            }
            void Block(MessageKind blockKind, ContentBlock block)
            {
                if (blockKind != kind) Emit();
                kind = blockKind;
                blocks.Add(block);
            }
            foreach (var part in message.Parts)
            {
                var data = part.Data;
                switch (OpenCodeJson.String(data, "type"))
                {
                    case "text":
                        var text = OpenCodeJson.String(data, "text") ?? string.Empty;
                        // Ignored text is shown to the person but never sent to the model (message-v2 toModelMessages).
                        if (OpenCodeJson.True(data, "ignored")) IgnoredTexts++;
                        else if (text.Length > 0) Block(OpenCodeJson.True(data, "synthetic") ? MessageKind.Context : promptKind, ContentBlock.FromText(text));
                        break;
                    case "file":
                        Distinct(_attached, OpenCodeJson.String(data, "filename") ?? OpenCodeJson.String(data.GetPropertyOrDefaultSafe("source"), "path"));
                        if (Image(data) is { } image) Block(promptKind, image);
                        break;
                    case "subtask":
                        // A slash command run as a subagent: its prompt goes to the child session; here it stands as the command.
                        Subtasks++;
                        var prompt = OpenCodeJson.String(data, "prompt");
                        if (!string.IsNullOrEmpty(prompt)) Block(MessageKind.Command, ContentBlock.FromText(prompt));
                        break;
                    case "compaction":
                        Compactions++;
                        break;
                    case "agent":
                        Distinct(_agents, OpenCodeJson.String(data, "name"));
                        break;
                    default:
                        Emit();
                        Unknown(message, data, time);
                        break;
                }
            }
            Emit();
        }

        /// <summary>
        /// The text parts a person wrote: neither synthetic nor ignored, and not the note a replay puts in place of an
        /// image or PDF ("[Attached image/png: a.png]"), since the prompt it copies held the file itself.
        /// </summary>
        private static IReadOnlyList<string> Words(OpenCodeMessage message) =>
            message.Parts
                .Where(p => OpenCodeJson.String(p.Data, "type") == "text" && !OpenCodeJson.True(p.Data, "synthetic") && !OpenCodeJson.True(p.Data, "ignored"))
                .Select(p => OpenCodeJson.String(p.Data, "text") ?? string.Empty)
                .Where(t => t.Length > 0 && !(t.StartsWith("[Attached ", StringComparison.Ordinal) && t.EndsWith(']')))
                .ToList();

        /// <summary>Whether the message's text is shell()'s notice alone: a synthetic text part and no other text or file.</summary>
        private static bool IsShellNotice(OpenCodeMessage message)
        {
            var texts = message.Parts.Where(p => OpenCodeJson.String(p.Data, "type") is "text" or "file" or "subtask").ToList();
            return texts.Count == 1 && OpenCodeJson.String(texts[0].Data, "type") == "text" && OpenCodeJson.True(texts[0].Data, "synthetic")
                && OpenCodeJson.String(texts[0].Data, "text") == ShellNoticeText;
        }

        /// <summary>
        /// The commands the person ran with "!": shell() saves each as a bash tool part of an assistant message that no
        /// model wrote (modelID empty, cost 0). Each is a Command, "$ command" then its output, not a model's call.
        /// </summary>
        private void AddShell(OpenCodeMessage message, DateTimeOffset? time)
        {
            foreach (var part in message.Parts.Where(p => OpenCodeJson.String(p.Data, "type") == "tool"))
            {
                var state = part.Data.GetPropertyOrDefaultSafe("state");
                Count(ToolStatuses, OpenCodeJson.String(state, "status") ?? "(none)");
                var end = Time(state.GetPropertyOrDefaultSafe("time"), "end");
                Note(end);
                var command = OpenCodeJson.String(state.GetPropertyOrDefaultSafe("input"), "command") ?? string.Empty;
                var output = OpenCodeJson.String(state, "output") ?? OpenCodeJson.String(state.GetPropertyOrDefaultSafe("metadata"), "output");
                var error = OpenCodeJson.String(state, "error");
                var text = string.Join("\n", new[] { $"$ {command}", output, error }.Where(t => !string.IsNullOrEmpty(t)));
                ShellCommands++;
                Builder.AddMessage(MessageRole.User, MessageKind.Command, new[] { ContentBlock.FromText(text) }, time);
            }
        }

        private void AddAssistant(OpenCodeMessage message)
        {
            var info = message.Info;
            var time = Time(info.GetPropertyOrDefaultSafe("time"), "created");
            Note(time);
            var path = info.GetPropertyOrDefaultSafe("path");
            Cwd = OpenCodeJson.String(path, "cwd") ?? Cwd;
            Root = OpenCodeJson.String(path, "root") ?? Root;
            var shell = _shellNotice;
            _shellNotice = false;
            // The notice's answer holds the command's tool part and no words of a model.
            if (shell && !message.Parts.Any(p => OpenCodeJson.String(p.Data, "type") is "text" or "reasoning" or "step-start"))
            {
                AddShell(message, time);
                return;
            }
            // shell() leaves modelID empty in some versions: no model is null, not "".
            var model = OpenCodeJson.String(info, "modelID") is { Length: > 0 } id ? id : null;
            Distinct(_models, model);
            Distinct(_providers, OpenCodeJson.String(info, "providerID"));
            Distinct(_agents, OpenCodeJson.String(info, "agent") ?? OpenCodeJson.String(info, "mode"));
            var kind = OpenCodeJson.True(info, "summary") ? MessageKind.CompactionSummary : MessageKind.Response;
            _afterSummary = kind == MessageKind.CompactionSummary;
            if (OpenCodeJson.String(info, "finish") is { Length: > 0 } finish) Count(FinishReasons, finish);

            ConversationBuilder.AssistantTurn? turn = null;
            var turns = new List<ConversationBuilder.AssistantTurn>();
            var stepUsage = false;
            var stepCost = 0d;
            var finishedSteps = 0;
            ConversationBuilder.AssistantTurn Turn(DateTimeOffset? at)
            {
                if (turn is null)
                {
                    turn = Builder.StartAssistant(at ?? time, model, kind);
                    turns.Add(turn);
                }
                return turn;
            }
            foreach (var part in message.Parts)
            {
                var data = part.Data;
                switch (OpenCodeJson.String(data, "type"))
                {
                    case "step-start":
                        Flush();
                        turn = null;
                        // A later step starts once the tools of the one before have answered.
                        Turn(turns.Count == 0 ? time : new[] { time, LastTime }.Max());
                        break;
                    case "text":
                        var text = OpenCodeJson.String(data, "text") ?? string.Empty;
                        if (text.Length > 0) Turn(Time(data.GetPropertyOrDefaultSafe("time"), "start")).AddContent(new[] { ContentBlock.FromText(text) });
                        break;
                    case "reasoning":
                        Turn(Time(data.GetPropertyOrDefaultSafe("time"), "start")).AddReasoning(OpenCodeJson.String(data, "text") ?? string.Empty);
                        break;
                    case "file":
                        if (Image(data) is { } image) Turn(null).AddContent(new[] { image });
                        break;
                    case "tool":
                        AddTool(Turn(null), data);
                        break;
                    case "step-finish":
                        Steps++;
                        finishedSteps++;
                        var tokens = data.GetPropertyOrDefaultSafe("tokens");
                        var stepCostUsd = OpenCodeJson.Number(data, "cost") ?? 0;
                        if (tokens.ValueKind == JsonValueKind.Object)
                        {
                            var step = Turn(null);
                            step.SetUsage(Usage(tokens), Stated(stepCostUsd));
                            step.ResponseId = StepId(message.Id, finishedSteps);
                            ReasoningTokens += (long)(OpenCodeJson.Number(tokens, "reasoning") ?? 0);
                            stepUsage = true;
                        }
                        stepCost += stepCostUsd;
                        if (OpenCodeJson.String(data, "reason") is { Length: > 0 } reason && OpenCodeJson.String(info, "finish") is null) Count(FinishReasons, reason);
                        Flush();
                        turn = null;
                        break;
                    case "patch":
                        if (data.GetPropertyOrDefaultSafe("files") is { ValueKind: JsonValueKind.Array } files)
                        {
                            foreach (var file in files.EnumerateArray()) if (file.ValueKind == JsonValueKind.String) Distinct(_patched, file.GetString());
                        }
                        break;
                    case "retry":
                        Retries++;
                        break;
                    case "compaction":
                        Compactions++;
                        break;
                    case "subtask":
                        Subtasks++;
                        break;
                    default:
                        Unknown(message, data, time);
                        break;
                }
            }
            Flush();
            Note(Time(info.GetPropertyOrDefaultSafe("time"), "completed"));
            // Versions and turns without step parts: the message's own totals are its one response's.
            var messageTokens = info.GetPropertyOrDefaultSafe("tokens");
            if (!stepUsage && messageTokens.ValueKind == JsonValueKind.Object && Usage(messageTokens) is { Total: > 0 } whole)
            {
                var response = turns.LastOrDefault() ?? Turn(time);
                response.SetUsage(whole, Stated(OpenCodeJson.Number(info, "cost") ?? 0));
                response.ResponseId = message.Id;
                ReasoningTokens += (long)(OpenCodeJson.Number(messageTokens, "reasoning") ?? 0);
            }
            // The message's cost sums its steps' (the processor adds each step's); steps stand in when it is missing.
            Cost += OpenCodeJson.Number(info, "cost") is { } cost and > 0 ? cost : stepCost;

            if (info.GetPropertyOrDefaultSafe("error") is { ValueKind: JsonValueKind.Object } error)
            {
                var name = OpenCodeJson.String(error, "name") ?? "error";
                Count(Errors, name);
                var detail = OpenCodeJson.String(error.GetPropertyOrDefaultSafe("data"), "message");
                var notice = Builder.StartAssistant(Time(info.GetPropertyOrDefaultSafe("time"), "completed") ?? time, model, MessageKind.Synthetic);
                notice.AddContent(new[] { ContentBlock.FromText(string.IsNullOrEmpty(detail) ? name : $"{name}: {detail}") });
            }
        }

        /// <summary>
        /// A step's identity: its message's id (the same in the database and in the JSON tree it was copied from)
        /// and its place among the message's steps, so a session read from both stores counts its usage once.
        /// </summary>
        private static string StepId(string messageId, int step) => FormattableString.Invariant($"{messageId}:{step}");

        /// <summary>A stated cost; zero is none, as OpenCode writes it for a model it has no price for.</summary>
        private static decimal? Stated(double cost) => cost > 0 ? (decimal)cost : null;

        /// <summary>A tool part: the call on the response, and its result once the state is completed or error.</summary>
        private void AddTool(ConversationBuilder.AssistantTurn turn, JsonElement data)
        {
            var callId = OpenCodeJson.String(data, "callID");
            var tool = OpenCodeJson.String(data, "tool") ?? "(unknown)";
            var state = data.GetPropertyOrDefaultSafe("state");
            var status = OpenCodeJson.String(state, "status") ?? "(none)";
            Count(ToolStatuses, status);
            if (string.IsNullOrEmpty(callId)) return;
            var input = state.GetPropertyOrDefaultSafe("input");
            turn.AddToolCall(new ToolCall(callId, tool, input.ValueKind == JsonValueKind.Undefined ? "{}" : Compact(input)));
            var metadata = state.GetPropertyOrDefaultSafe("metadata");
            // The task tool runs a subagent in a child session and names it in its metadata.
            if (tool == "task") Distinct(_childSessions, OpenCodeJson.String(metadata, "sessionId"));
            var times = state.GetPropertyOrDefaultSafe("time");
            var start = Time(times, "start");
            var end = Time(times, "end");
            Note(end);
            var duration = start is { } s && end is { } e && e >= s ? e - s : (TimeSpan?)null;
            switch (status)
            {
                case "completed":
                    // A pruned result (time.compacted) keeps its output on disk; only the model's later view of it is cleared.
                    if (OpenCodeJson.Number(times, "compacted") is not null) PrunedOutputs++;
                    var content = new List<ContentBlock> { ContentBlock.FromText(OpenCodeJson.String(state, "output") ?? string.Empty) };
                    if (state.GetPropertyOrDefaultSafe("attachments") is { ValueKind: JsonValueKind.Array } attachments)
                    {
                        foreach (var attachment in attachments.EnumerateArray()) if (Image(attachment) is { } image) content.Add(image);
                    }
                    _results.Add(new ToolResult(callId, content)
                    {
                        Duration = duration,
                        Timestamp = end,
                        ExitCode = Exit(metadata),
                        StructuredResult = metadata.ValueKind == JsonValueKind.Object && metadata.EnumerateObject().Any() ? Compact(metadata) : null,
                    });
                    break;
                case "error" when OpenCodeJson.True(metadata, "interrupted") && OpenCodeJson.String(metadata, "output") is { } partial:
                    // A tool stopped by an abort keeps what it printed so far; OpenCode sends the model that output as the
                    // tool's result (toModelMessages), the error only as a note.
                    InterruptedTools++;
                    var note = OpenCodeJson.String(state, "error");
                    _results.Add(new ToolResult(callId, new[] { ContentBlock.FromText(string.IsNullOrEmpty(note) ? partial : $"{partial}\n\n[{note}]") })
                    {
                        Duration = duration,
                        Timestamp = end,
                        ExitCode = Exit(metadata),
                        StructuredResult = Compact(metadata),
                    });
                    break;
                case "error":
                    _results.Add(new ToolResult(callId, new[] { ContentBlock.FromText(OpenCodeJson.String(state, "error") ?? string.Empty) })
                    {
                        IsError = true,
                        Duration = duration,
                        Timestamp = end,
                        ExitCode = Exit(metadata),
                    });
                    break;
            }
        }

        /// <summary>The JSON on one line: the tree's files are indented.</summary>
        private static string Compact(JsonElement element) => JsonText.Write(element.WriteTo);

        private void Flush()
        {
            foreach (var result in _results) Builder.AddToolResult(result);
            _results.Clear();
        }

        private void Note(DateTimeOffset? time)
        {
            if (time is { } t && (LastTime is null || t > LastTime)) LastTime = t;
        }

        /// <summary>The bash tool's metadata.exit.</summary>
        private static int? Exit(JsonElement metadata) =>
            OpenCodeJson.Number(metadata, "exit") is { } exit && exit is >= int.MinValue and <= int.MaxValue ? (int)exit : null;

        /// <summary>
        /// tokens.input already leaves out cache reads and writes (getUsage subtracts them); OpenCode counts
        /// reasoning apart from output and bills it at the output price, so it is output here.
        /// </summary>
        private static TokenUsage Usage(JsonElement tokens)
        {
            long N(JsonElement e, string name) => (long)Math.Max(0, OpenCodeJson.Number(e, name) ?? 0);
            var cache = tokens.GetPropertyOrDefaultSafe("cache");
            return new TokenUsage(N(tokens, "input"), N(tokens, "output") + N(tokens, "reasoning"), N(cache, "read"), N(cache, "write"));
        }

        /// <summary>An image file part (a data: URL, or an address), else null: other files are named in attached_files.</summary>
        private static ContentBlock? Image(JsonElement file)
        {
            var mime = OpenCodeJson.String(file, "mime");
            var url = OpenCodeJson.String(file, "url");
            if (mime is null || url is null || !mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase)) return null;
            return ContentBlock.FromImageUrl(url, mime);
        }

        private static DateTimeOffset? Time(JsonElement element, string name) => OpenCodeSessionInfo.FromMilliseconds(OpenCodeJson.Number(element, name));

        private static void Count(Dictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

        private static void Distinct(List<string> list, string? value)
        {
            if (!string.IsNullOrEmpty(value) && !list.Contains(value)) list.Add(value);
        }
    }
}
