using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Goose;

/// <summary>
/// Turns one Goose session into a normalized record. Content items (conversation/message.rs MessageContent, tagged
/// by "type"): text and image are content; thinking and reasoning are reasoning; toolRequest and frontendToolRequest
/// are calls; toolResponse, which goose puts in a user message, answers its call by id. A tool's question to the
/// person (actionRequired "elicitation") is listed with the response, and the person's answer ("elicitationResponse",
/// saved for the model only) is a prompt. Confirmation requests and system notifications are the interface's, not the
/// model's: counted, not listed. A type this reader does not know is told once per session and kept as context when it
/// has a text.
/// </summary>
internal static class GooseRecords
{
    public const string SourceKind = "goose";

    /// <summary>
    /// The user message goose saves, visible to both, when a recipe that asks for structured output ends a turn without
    /// its final-output tool (agents/final_output_tool.rs FINAL_OUTPUT_CONTINUATION_MESSAGE; the tool was named
    /// StructuredOutput in earlier versions): goose's words, not the person's.
    /// </summary>
    private static readonly HashSet<string> FinalOutputNudges = new(StringComparer.Ordinal)
    {
        "You MUST call the `final_output` tool NOW with the final output for the user.",
        "You MUST call the `StructuredOutput` tool NOW with the structured final output for the user.",
    };

    public static RolloutRecord Build(GooseSession session, string path, DiagnosticList diagnostics)
    {
        var conversation = new ConversationBuilder();
        var counts = new Counts(diagnostics);
        ConversationBuilder.AssistantTurn? turn = null;
        string? turnId = null;
        // Compaction adds a continuation notice, then sends the last prompt again, visible to both: mid tool loop the
        // original stays visible too, so the copy is the same words a second time, not a new prompt.
        var afterContinuation = false;
        string? lastPrompt = null;
        foreach (var message in session.Messages)
        {
            try
            {
                if (message.Role == "assistant")
                {
                    // Goose saves a streamed response's pieces under one message id; a new id is a new response, and
                    // so is any row after a user row (a tool's answer too): the same id then is a later response.
                    if (turn is null || turn.IsClosed || string.IsNullOrEmpty(message.Id) || message.Id != turnId)
                    {
                        var kind = !message.UserVisible && message.AgentVisible ? MessageKind.Synthetic : MessageKind.Response;
                        turn = conversation.StartAssistant(message.Created, kind == MessageKind.Synthetic ? null : session.Model, kind);
                        turnId = message.Id;
                    }
                    AddAssistant(conversation, turn, message, counts);
                    afterContinuation = !message.UserVisible && message.AgentVisible;
                }
                else if (message.Role == "user")
                {
                    var text = UserText(message);
                    var resent = afterContinuation && message.UserVisible && message.AgentVisible && text is not null && text == lastPrompt;
                    var nudge = text is not null && FinalOutputNudges.Contains(text);
                    if (resent) counts.ResentPrompts++;
                    else if (nudge) counts.FinalOutputNudges++;
                    else if (message.UserVisible && text is not null) lastPrompt = text;
                    AddUser(conversation, message, IsSubagent(session), counts, resent || nudge);
                    turnId = null;
                    afterContinuation = false;
                }
                else
                {
                    diagnostics.Error(RolloutDiagnostic.ParseError, message.Line, $"{message.Where}: role '{message.Role}' is neither user nor assistant; skipped.");
                    continue;
                }
                // Rows of the interface alone (a tool's question, a notice) are hidden from the agent from the start.
                if (!message.AgentVisible && message.UserVisible && HoldsConversation(message)) counts.Compacted++;
                if (!message.AgentVisible && !message.UserVisible) counts.Hidden++;
            }
            catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, message.Line, $"{message.Where}: a value could not be read ({e.Message}); skipped.");
            }
        }
        var messages = conversation.Build();

        var times = messages.Select(m => m.Timestamp).Where(t => t is not null).ToList();
        var firstPrompt = messages.FirstOrDefault(m => m.Kind is MessageKind.Prompt or MessageKind.AgentMessage)?.Text;
        var sourceMeta = new SourceMeta.Builder()
            .Add("session_id", session.Id)
            .Add("store", session.Store == GooseStore.Database ? "sessions_db" : "legacy_jsonl")
            .Add("session_type", session.SessionType)
            .Add("provider", session.ProviderName)
            .Add("goose_mode", session.GooseMode)
            .Add("schedule_id", session.ScheduleId)
            .Add("recipe_title", session.RecipeTitle)
            .Add("project_id", session.ProjectId)
            .Add("thread_id", session.ThreadId)
            .Add("archived", session.Archived is not null)
            .Add("cost_usd", session.AccumulatedCost ?? 0)
            .Add("accumulated_total_tokens", session.AccumulatedTotalTokens ?? 0)
            .Add("last_input_tokens", session.InputTokens ?? 0)
            .Add("last_output_tokens", session.OutputTokens ?? 0)
            .Add("last_total_tokens", session.TotalTokens ?? 0)
            .Add("compacted_messages", counts.Compacted)
            .Add("hidden_messages", counts.Hidden)
            .Add("redacted_thinking", counts.RedactedThinking)
            .Add("invalid_tool_calls", counts.InvalidCalls)
            .Add("interface_items", counts.Interface)
            .Add("resent_prompts", counts.ResentPrompts)
            .Add("final_output_nudges", counts.FinalOutputNudges)
            .Add("unknown_content", counts.Unknown)
            .Add("orphan_tool_results", conversation.OrphanToolResults)
            .Add("unanswered_tool_calls", conversation.UnansweredToolCalls)
            .Add("skipped_rows", diagnostics.ErrorCount)
            .Build();

        return new RolloutRecord
        {
            TraceId = session.Id,
            Format = RolloutFormat.Goose,
            SourceKind = SourceKind,
            SourcePath = path,
            RootSessionId = session.Id,
            AgentId = IsSubagent(session) ? session.Id : null,
            IsSidechain = IsSubagent(session),
            Cwd = session.WorkingDir,
            ProjectPath = session.WorkingDir,
            StartedAt = new[] { session.Created, times.Min() }.Where(t => t is not null).Min(),
            EndedAt = new[] { session.Updated, times.Max() }.Where(t => t is not null).Max(),
            Title = Titles.Clean(session.Name ?? session.RecipeTitle ?? firstPrompt),
            Models = session.Model is null ? Array.Empty<string>() : new[] { session.Model },
            Messages = messages,
            SourceMeta = sourceMeta,
            Usage = Usage(session),
        };
    }

    private static bool IsSubagent(GooseSession session) => session.SessionType == "sub_agent";

    /// <summary>
    /// Goose counts tokens per session, not per response: the accumulated counts are the session's whole use; the plain
    /// ones (the last response's) stand in only where a session of early versions has no accumulated counts.
    /// </summary>
    private static TokenUsage Usage(GooseSession session) => session.AccumulatedInputTokens is not null || session.AccumulatedOutputTokens is not null
        ? new TokenUsage(session.AccumulatedInputTokens ?? 0, session.AccumulatedOutputTokens ?? 0, 0, 0)
        : new TokenUsage(session.InputTokens ?? 0, session.OutputTokens ?? 0, 0, 0);

    private static void AddAssistant(ConversationBuilder conversation, ConversationBuilder.AssistantTurn turn, GooseMessage message, Counts counts)
    {
        foreach (var item in message.Content.EnumerateArray())
        {
            switch (item.GetStringOrNull("type"))
            {
                case "text" or "image":
                    turn.AddContent(Block(item) is { } block ? new[] { block } : Array.Empty<ContentBlock>());
                    break;
                case "thinking":
                    turn.AddReasoning(item.GetTextOrEmpty("thinking"));
                    break;
                case "reasoning":
                    turn.AddReasoning(item.GetTextOrEmpty("text"));
                    break;
                case "redactedThinking":
                    counts.RedactedThinking++;
                    break;
                case "toolRequest" or "frontendToolRequest":
                    if (Call(item) is { } call) turn.AddToolCall(call);
                    else counts.InvalidCalls++;
                    break;
                case "actionRequired" when item.GetPropertyOrDefault("data") is var data && data.GetStringOrNull("actionType") == "elicitation":
                    // The question a tool asks the person through goose; the person's answer follows in a user row.
                    if (data.GetTextOrEmpty("message") is { Length: > 0 } question) turn.AddContent(new[] { ContentBlock.FromText(question) });
                    break;
                default:
                    counts.Other(conversation, item, message);
                    break;
            }
        }
    }

    /// <summary>
    /// Tool responses first (they answer the calls of the response before), then the words: the summary compaction
    /// adds (hidden from the person, seen by the agent) is a compaction summary, a message hidden from both is context,
    /// and so are the words goose itself sends as the user (a prompt resent after compaction, a nudge); the rest is what
    /// the person typed.
    /// </summary>
    private static void AddUser(ConversationBuilder conversation, GooseMessage message, bool isSubagent, Counts counts, bool sentByGoose)
    {
        var blocks = new List<ContentBlock>();
        foreach (var item in message.Content.EnumerateArray())
        {
            switch (item.GetStringOrNull("type"))
            {
                case "toolResponse":
                    conversation.AddToolResult(Result(item, message.Created));
                    break;
                case "text" or "image":
                    if (Block(item) is { } block) blocks.Add(block);
                    break;
                case "actionRequired" when item.GetPropertyOrDefault("data") is var data && data.GetStringOrNull("actionType") == "elicitationResponse":
                    // The person's answer to a tool's question: saved visible to the agent only, yet the person's words.
                    conversation.AddMessage(MessageRole.User, MessageKind.Prompt, new[] { ContentBlock.FromText(ElicitationAnswer(data)) }, message.Created);
                    break;
                default:
                    counts.Other(conversation, item, message);
                    break;
            }
        }
        if (blocks.Count == 0) return;
        // A subagent's "user" is the agent that delegated to it: its task is an agent's message, not a person's words.
        var kind = sentByGoose ? MessageKind.Context
            : !message.UserVisible ? (message.AgentVisible ? MessageKind.CompactionSummary : MessageKind.Context)
            : isSubagent ? MessageKind.AgentMessage : MessageKind.Prompt;
        conversation.AddMessage(MessageRole.User, kind, blocks, message.Created);
    }

    /// <summary>Whether the row holds words or tool traffic, what compaction hides from the agent.</summary>
    private static bool HoldsConversation(GooseMessage message) => message.Content.EnumerateArray()
        .Any(i => i.GetStringOrNull("type") is "text" or "image" or "toolRequest" or "frontendToolRequest" or "toolResponse");

    /// <summary>A user row's words: its text items, one a line; null when it has none.</summary>
    private static string? UserText(GooseMessage message)
    {
        var texts = message.Content.EnumerateArray().Where(i => i.GetStringOrNull("type") == "text").Select(i => i.GetStringOrNull("text")).OfType<string>().ToList();
        return texts.Count == 0 ? null : string.Join("\n", texts);
    }

    /// <summary>The answer's user_data as JSON; with the person's action (accept, decline, cancel) beside it when saved.</summary>
    private static string ElicitationAnswer(JsonElement data)
    {
        var userData = data.GetPropertyOrDefault("user_data");
        void Answer(Utf8JsonWriter writer)
        {
            if (userData.ValueKind == JsonValueKind.Undefined) writer.WriteNullValue();
            else userData.WriteTo(writer);
        }
        if (data.GetStringOrNull("action") is not { } action) return JsonText.Write(Answer);
        return JsonText.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("action", action);
            writer.WritePropertyName("user_data");
            Answer(writer);
            writer.WriteEndObject();
        });
    }

    /// <summary>An MCP content item (text, image, embedded resource) as a block; null for an empty text or an unknown item.</summary>
    private static ContentBlock? Block(JsonElement item) => item.GetStringOrNull("type") switch
    {
        "text" => item.GetTextOrEmpty("text") is { Length: > 0 } text ? ContentBlock.FromText(text) : null,
        "image" => item.GetStringOrNull("data") is { } data ? ContentBlock.FromImageData(item.GetStringOrNull("mimeType"), data) : null,
        "resource" => item.GetPropertyOrDefault("resource") is var resource && resource.GetStringOrNull("text") is { } text
            ? ContentBlock.FromText(text)
            : resource.GetStringOrNull("blob") is not null ? ContentBlock.FromText($"[resource {resource.GetStringOrNull("uri")}]") : null,
        _ => null,
    };

    /// <summary>toolCall: {"status":"success","value":{"name","arguments"}} or {"status":"error","error":…}, the model's malformed call.</summary>
    private static ToolCall? Call(JsonElement item)
    {
        var id = item.GetIdOrNull("id");
        var call = item.GetPropertyOrDefault("toolCall");
        if (id is null || call.GetStringOrNull("status") != "success") return null;
        var value = call.GetPropertyOrDefault("value");
        if (value.GetStringOrNull("name") is not { } name) return null;
        var arguments = value.GetPropertyOrDefault("arguments");
        return new ToolCall(id, name, arguments.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? "{}" : arguments.GetRawText());
    }

    /// <summary>
    /// toolResult: {"status":"success","value":{"content":[…],"isError":…}} (a bare content list in earlier versions),
    /// or {"status":"error","error":"…"} when the tool could not run.
    /// </summary>
    private static ToolResult Result(JsonElement item, DateTimeOffset? time)
    {
        var id = item.GetIdOrNull("id") ?? string.Empty;
        var result = item.GetPropertyOrDefault("toolResult");
        if (result.GetStringOrNull("status") == "error")
        {
            return new ToolResult(id, new[] { ContentBlock.FromText(result.GetTextOrEmpty("error")) }) { IsError = true, Timestamp = time };
        }
        var value = result.GetPropertyOrDefault("value");
        var content = value.ValueKind == JsonValueKind.Array ? value : value.GetPropertyOrDefault("content");
        var blocks = content.ValueKind == JsonValueKind.Array
            ? content.EnumerateArray().Select(Block).OfType<ContentBlock>().ToArray()
            : Array.Empty<ContentBlock>();
        var structured = value.GetPropertyOrDefault("structuredContent");
        return new ToolResult(id, blocks)
        {
            IsError = value.GetBool("isError"),
            StructuredResult = structured.ValueKind == JsonValueKind.Object ? structured.GetRawText() : null,
            Timestamp = time,
        };
    }

    private sealed class Counts
    {
        private readonly UnplacedKinds _unknown;

        public Counts(DiagnosticList diagnostics)
        {
            _unknown = new UnplacedKinds(diagnostics);
        }

        public long Compacted { get; set; }
        public long Hidden { get; set; }
        public long RedactedThinking { get; set; }
        public long InvalidCalls { get; set; }
        public long ResentPrompts { get; set; }
        public long FinalOutputNudges { get; set; }
        public long Interface { get; private set; }
        public IReadOnlyDictionary<string, long> Unknown => _unknown.Counts;

        /// <summary>
        /// The interface's items (tool confirmation requests and answers, system notifications) are counted; any other
        /// type is told once and counted by name, and its text, when it has one, kept as context.
        /// </summary>
        public void Other(ConversationBuilder conversation, JsonElement item, GooseMessage message)
        {
            var type = item.GetStringOrNull("type") ?? "(no type)";
            var action = type == "actionRequired" ? item.GetPropertyOrDefault("data").GetStringOrNull("actionType") : null;
            if (type is "toolConfirmationRequest" or "toolConfirmationResponse" or "systemNotification" or "summarizationRequested"
                || action is "toolConfirmation")
            {
                Interface++;
                return;
            }
            var kind = action is null ? type : $"{type} {action}";
            _unknown.Add(kind, message.Line, $"{message.Where}: content of type '{kind}' is not known to this reader; counted in unknown_content.");
            if (item.GetStringOrNull("text") is { Length: > 0 } text)
            {
                conversation.AddMessage(MessageRole.User, MessageKind.Context, new[] { ContentBlock.FromText(text) }, message.Created);
            }
        }
    }
}
