using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Continue;

/// <summary>
/// One &lt;session id&gt;.json (HistoryManager.save, core/util/history.ts): {sessionId, title, workspaceDirectory, history,
/// mode?, chatModelTitle?, usage?}, rewritten whole, pretty-printed, at every change. The file dates nothing but
/// reasoning; the session's creation is in the index beside it (<see cref="ContinueIndex"/>).
/// </summary>
internal static class ContinueSession
{
    public const string SourceKind = "continue";

    /// <summary>The titles Continue gives a session it has not named yet (core NEW_SESSION_TITLE, the CLI's DEFAULT_SESSION_TITLE).</summary>
    private static readonly string[] Placeholders = { "New Session", "Untitled Session" };

    /// <param name="indexIn">The index of a sessions folder, loaded once per run by the scan.</param>
    public static ReadResult Read(TraceSource source, Func<string, Sidecar<ContinueIndex>> indexIn, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var diagnostics = new DiagnosticList(source.Path);
        if (ContinueHome.IsIndex(source.Path)) return new ReadResult(source, null, "it is Continue's index of sessions, not a session", diagnostics.Items);
        const string NoHistory = "the session file has no history array (a session of Continue's Python server, before 0.8, or another file); no record.";
        return ConversationDocument.Read(source, diagnostics, "history", NoHistory, (root, history, lineOf) =>
        {
            var sessionModel = root.GetStringOrNull("chatModelTitle");
            var conversation = ContinueConversation.Read(history, sessionModel, lineOf, diagnostics, cancellation);
            if (conversation.Messages.Count == 0)
            {
                if (history.Length == 0 || diagnostics.ErrorCount == 0)
                {
                    return new ReadResult(source, null, history.Length == 0 ? "the session has no messages yet" : "the session holds nothing to show yet (an empty prompt)", diagnostics.Items);
                }
                diagnostics.NoRecord("no item of the session's history could be read; no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            // HistoryManager.load names a session after its file, whatever the file says.
            var id = source.IsFile ? Path.GetFileNameWithoutExtension(source.Path) : root.GetStringOrNull("sessionId") ?? Path.GetFileNameWithoutExtension(source.Path);
            var entry = source.IsFile && Path.GetDirectoryName(Path.GetFullPath(source.Path)) is { } folder ? indexIn(folder).Use(diagnostics)?.Find(id) : null;
            return new ReadResult(source, Record(source, id, root, entry, conversation, diagnostics), null, diagnostics.Items);
        });
    }

    private static RolloutRecord Record(TraceSource source, string id, JsonElement root, ContinueIndexEntry? entry, ContinueConversation conversation, DiagnosticList diagnostics)
    {
        var messages = conversation.Messages;
        var workspace = root.GetStringOrNull("workspaceDirectory") is { Length: > 0 } w ? w : entry?.WorkspaceDirectory;
        // VS Code gives a URI, the CLI the process's working directory; a remote workspace's URI is kept in SourceMeta.
        var cwd = FileUris.ToPath(workspace);
        var times = messages.Select(m => m.Timestamp).OfType<DateTimeOffset>().ToArray();
        var sessionUsage = root.GetPropertyOrDefault("usage");
        var statedCost = sessionUsage.GetPropertyOrDefault("totalCost") is { ValueKind: JsonValueKind.Number } cost && cost.TryGetDecimal(out var c) ? c : 0m;
        var firstPrompt = messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt && m.Text.Length > 0)?.Text;
        var models = conversation.Builder.Models
            .Concat(root.GetStringOrNull("chatModelTitle") is { Length: > 0 } chosen ? new[] { chosen } : Array.Empty<string>())
            .Distinct(StringComparer.Ordinal).ToArray();

        var meta = new SourceMeta.Builder()
            .Add("session_id", id)
            .Add("agent", "continue")
            .Add("mode", root.GetStringOrNull("mode"))
            .Add("chat_model_title", root.GetStringOrNull("chatModelTitle"))
            .Add("providers", conversation.Providers.Order(StringComparer.Ordinal))
            .Add("workspace_uri", workspace is not null && cwd != workspace ? workspace : null)
            .Add("history_items", root.GetPropertyOrDefault("history").GetArrayLength())
            .Add("indexed", entry is not null)
            .Add("index_message_count", entry?.MessageCount ?? 0)
            .Add("context_items", conversation.ContextItems)
            .Add("unsent_context_items", conversation.UnsentContextItems)
            .Add("results_from_tool_states", conversation.ResultsFromStates)
            .Add("compaction_summaries", conversation.CompactionSummaries)
            .Add("shell_commands", conversation.ShellCommands)
            .Add("empty_prompts", conversation.EmptyPrompts)
            .Add("redacted_reasoning", conversation.RedactedReasoning)
            .Add("orphan_tool_results", conversation.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", conversation.Builder.UnansweredToolCalls)
            .Add("unknown_roles", conversation.UnknownRoles)
            .Add("skipped_items", conversation.SkippedItems)
            .Add("stated_cost_usd", (double)statedCost)
            .Add("session_prompt_tokens", sessionUsage.GetInt64OrZero("promptTokens"))
            .Add("session_completion_tokens", sessionUsage.GetInt64OrZero("completionTokens"))
            .Build();

        return new RolloutRecord
        {
            TraceId = id,
            Format = RolloutFormat.Continue,
            SourceKind = SourceKind,
            SourcePath = source.Path,
            RootSessionId = id,
            Cwd = cwd,
            ProjectPath = cwd,
            StartedAt = entry?.Created ?? (times.Length > 0 ? times.Min() : null),
            EndedAt = times.Length > 0 ? times.Max() : null,
            Title = Titles.Clean(Named(root.GetStringOrNull("title")) ?? Named(entry?.Title) ?? firstPrompt),
            Models = models,
            Messages = messages,
            SourceMeta = meta,
            Usage = conversation.Builder.Usage,
            UnlistedResponses = conversation.Builder.Unlisted,
        };
    }

    private static string? Named(string? title) => string.IsNullOrWhiteSpace(title) || Placeholders.Contains(title.Trim(), StringComparer.Ordinal) ? null : title;
}
