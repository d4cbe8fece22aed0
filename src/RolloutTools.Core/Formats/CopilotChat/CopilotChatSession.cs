using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.CopilotChat;

/// <summary>
/// One session file of VS Code's Chat view: &lt;session id&gt;.json, the session object whole (ISerializableChatData,
/// chatModel.ts: {version, requesterUsername, responderUsername, initialLocation, requests, sessionId, creationDate,
/// lastMessageDate, customTitle, inputState?}), or &lt;session id&gt;.jsonl, the log of its changes (<see cref="ChatSessionLog"/>).
/// </summary>
internal static class CopilotChatSession
{
    public const string SourceKind = "copilot_chat";

    /// <param name="copies">The session's files in other stores, which VS Code copied it to or from.</param>
    /// <param name="includeAbandoned">Whether the requests the person undid are listed (marked abandoned) rather than left out.</param>
    public static ReadResult Read(TraceSource source, IReadOnlyList<string> copies, bool includeAbandoned, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var diagnostics = new DiagnosticList(source.Path);
        // Since 1.109 VS Code writes a session as <id>.jsonl and reads that first (chatSessionStore.ts); an older
        // session's <id>.json stays beside it until the session is deleted, holding only its requests up to then.
        if (source.IsFile && IsStaleCopy(source.Path))
        {
            return new ReadResult(source, null, "a stale copy of the session: VS Code reads the .jsonl beside it", diagnostics.Items);
        }
        if (source.Path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            JsonDocument? replayed;
            using (var stream = source.Open())
            {
                replayed = ChatSessionLog.Replay(stream, diagnostics, cancellation);
            }
            if (replayed is null) return new ReadResult(source, null, null, diagnostics.Items);
            using (replayed)
            {
                // A log has no text lines of its own for a request: its warnings name the request instead.
                return FromSession(source, replayed.RootElement, copies, includeAbandoned, _ => null, diagnostics, cancellation);
            }
        }
        return ConversationDocument.Read(source, diagnostics, "requests",
            "the session file has no requests array (another file, or a chat export); no record.",
            (root, _, lineOf) => FromSession(source, root, copies, includeAbandoned, lineOf, diagnostics, cancellation));
    }

    /// <summary>A .json with the .jsonl of the same session beside it: VS Code reads the log.</summary>
    public static bool IsStaleCopy(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && File.Exists(Path.ChangeExtension(path, ".jsonl"));

    private static ReadResult FromSession(TraceSource source, JsonElement root, IReadOnlyList<string> copies, bool includeAbandoned, Func<int, int?> lineOf, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var requests = root.GetPropertyOrDefault("requests") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray().ToArray() : Array.Empty<JsonElement>();
        if (requests.Length == 0) return new ReadResult(source, null, "the session has no requests yet", diagnostics.Items);
        var conversation = CopilotChatConversation.Read(requests, includeAbandoned, lineOf, diagnostics, cancellation);
        if (conversation.Messages.Count == 0)
        {
            diagnostics.NoRecord("no request of the session could be read; no record.");
            return new ReadResult(source, null, null, diagnostics.Items);
        }
        return new ReadResult(source, Record(source, root, conversation, copies), null, diagnostics.Items);
    }

    private static RolloutRecord Record(TraceSource source, JsonElement root, CopilotChatConversation conversation, IReadOnlyList<string> copies)
    {
        var messages = conversation.Messages;
        // ChatSessionStore names a session's file after its id.
        var id = source.IsFile ? Path.GetFileNameWithoutExtension(source.Path) : root.GetStringOrNull("sessionId") ?? Path.GetFileNameWithoutExtension(source.Path);
        var workspace = source.IsFile ? CopilotChatHome.WorkspaceOf(source.Path) : null;
        // Only a local folder is a working directory; a multi-root workspace (saved or untitled) and a remote folder keep their URI.
        var cwd = workspace?.FolderPath;
        var times = messages.Select(m => m.Timestamp).OfType<DateTimeOffset>().ToArray();
        var firstPrompt = messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt && m.Text.Length > 0)?.Text;

        var meta = new SourceMeta.Builder()
            .Add("session_id", id)
            .Add("agent", "copilot-chat")
            .Add("version", root.GetPropertyOrDefault("version") is { ValueKind: JsonValueKind.Number } version ? version.GetRawText() : null)
            .Add("file_form", source.Path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? "log" : "document")
            .Add("responder", root.GetStringOrNull("responderUsername"))
            .Add("initial_location", Location(root.GetPropertyOrDefault("initialLocation")))
            .Add("workspace_uri", workspace?.Uri)
            .Add("copies", copies)
            .Add("empty_window", source.IsFile && workspace is null && CopilotChatHome.IsEmptyWindowSession(source.Path))
            .Add("participants", conversation.Agents.Order(StringComparer.Ordinal))
            .Add("requested_models", conversation.RequestedModels)
            .Add("requests", conversation.Requests)
            .Add("requests_with_tool_loop", conversation.RequestsWithToolLoop)
            .Add("cancelled_requests", conversation.CancelledRequests)
            .Add("failed_requests", conversation.FailedRequests)
            .Add("skipped_requests", conversation.SkippedRequests)
            .Add("system_requests", conversation.SystemRequests)
            .Add("quota_exceeded_requests", conversation.QuotaExceededRequests)
            .Add("rate_limited_requests", conversation.RateLimitedRequests)
            .Add("filtered_requests", conversation.FilteredRequests)
            .Add("person_answers", conversation.PersonAnswers)
            .Add("compaction_summaries", conversation.CompactionSummaries)
            .Add("undone_requests", conversation.UndoneRequests)
            .Add("denied_tool_calls", conversation.DeniedToolCalls)
            .Add("unused_tool_results", conversation.UnusedToolResults)
            .Add("attachments", conversation.Attachments)
            .Add("copilot_credits", conversation.CopilotCredits)
            .Add("edited_files", conversation.EditedFiles)
            .Add("shown_parts", conversation.ShownParts)
            .Add("orphan_tool_results", conversation.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", conversation.Builder.UnansweredToolCalls)
            .Build();

        return new RolloutRecord
        {
            TraceId = id,
            Format = RolloutFormat.CopilotChat,
            SourceKind = SourceKind,
            SourcePath = source.Path,
            RootSessionId = id,
            Cwd = cwd,
            ProjectPath = cwd,
            StartedAt = Time(root, "creationDate") ?? (times.Length > 0 ? times.Min() : null),
            EndedAt = times.Length > 0 ? times.Max() : Time(root, "lastMessageDate"),
            Title = Titles.Clean(root.GetStringOrNull("customTitle") is { Length: > 0 } title ? title : firstPrompt),
            Models = conversation.Builder.Models,
            Messages = messages,
            SourceMeta = meta,
            Usage = conversation.TotalUsage,
            UnlistedResponses = conversation.UnlistedResponses,
        };
    }

    /// <summary>ChatAgentLocation: a name in later versions ("panel", "editor"), a number in early ones.</summary>
    private static string? Location(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    private static DateTimeOffset? Time(JsonElement root, string name) =>
        root.GetPropertyOrDefault(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var ms) ? UnixTime.FromSecondsOrMilliseconds(ms) : null;
}
