using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.MistralVibe;

/// <summary>
/// Turns one Vibe session into a normalized record. The rows are LLMMessage (vibe/core/types.py), the OpenAI chat
/// shape with Vibe's additions: "injected" marks a user message Vibe added itself (a hook's or middleware's words, the
/// plan file the person edited, the context a compaction leaves), which is context, not the person's words;
/// reasoning_content is the model's reasoning; "images" are the pictures attached to a prompt; user_display_content is
/// how an editor (over ACP) showed the prompt, while "content" is what the model was sent, so content is what is kept.
/// Rows carry no time and no tokens: the session's times and its token totals are meta.json's.
/// </summary>
internal static class VibeRecords
{
    public const string SourceKind = "mistral_vibe";

    /// <summary>How Vibe marks a tool result that failed (vibe/core/utils/tags.py TOOL_ERROR_TAG).</summary>
    private const string ToolErrorTag = "<tool_error>";

    /// <summary>How Vibe marks the result of a call the person interrupted or skipped, or one left unanswered (vibe/core/utils/tags.py CANCELLATION_TAG).</summary>
    private const string CancellationTag = "<user_cancellation>";

    /// <summary>
    /// How Vibe opens the injected row that hands the model a shell command the person ran with "!" and its output
    /// (cli/textual_ui/app.py _format_manual_command_context, since v2.7.4).
    /// </summary>
    private const string ManualCommandHeader = "Manual `!` command result from the user.";

    /// <summary>The envelope compaction puts around its summary (vibe/core/compaction.py render_compaction_context).</summary>
    private const string CompactionSummaryTag = "<compaction_summary>";

    /// <summary>How the task tool begins a subagent's task when the parent has a scratchpad folder (tools/builtins/task.py).</summary>
    private const string ScratchpadNote = "Scratchpad directory: ";

    /// <param name="carriedOver">
    /// The tokens the session's stats hold from the session it continues: a compaction and a rewind start a new session
    /// (with the old one as parent) but keep counting on the same stats (agent_loop.py compact, _reset_session), so the
    /// parent's stated totals are taken out; null when the session continues none, or its parent is not found beside it.
    /// </param>
    /// <param name="spawningCall">For a subagent, the id of its parent's task call that started it, when the parent's messages tell.</param>
    public static RolloutRecord Build(VibeSession session, string path, DiagnosticList diagnostics, VibeStats? carriedOver, string? spawningCall)
    {
        var meta = session.Meta;
        var conversation = new OpenAIConversation();
        var counts = new Counts();
        foreach (var row in session.Rows)
        {
            try
            {
                if (Read(row.Message, session.IsSubagent, counts) is { } message) conversation.Add(message, meta?.Model);
                else diagnostics.Error(RolloutDiagnostic.ParseError, row.Line, $"role '{row.Message.GetStringOrNull("role") ?? "(none)"}' is none of user, assistant, tool and system; skipped.");
            }
            catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, row.Line, $"a value could not be read ({e.Message}); skipped.");
            }
        }
        var messages = conversation.Build();

        var folderName = session.Folder is null ? null : Path.GetFileName(session.Folder);
        var id = meta?.SessionId ?? folderName ?? Path.GetFileNameWithoutExtension(path);
        var stated = meta?.Stats ?? VibeStats.None;
        var usage = new TokenUsage(stated.PromptTokens, stated.CompletionTokens, 0, 0);
        if (carriedOver is not null) usage = usage.Minus(new TokenUsage(carriedOver.PromptTokens, carriedOver.CompletionTokens, 0, 0));
        var cost = carriedOver is null ? stated.EstimatedCost : Math.Max(0, stated.EstimatedCost - carriedOver.EstimatedCost);
        var firstPrompt = messages.FirstOrDefault(m => m.Kind is MessageKind.Prompt or MessageKind.AgentMessage)?.Text;

        var sourceMeta = new SourceMeta.Builder()
            .Add("session_id", id)
            .Add("store", session.Store == VibeStore.Legacy ? "legacy_json" : "session_folder")
            .Add("session_folder", folderName)
            .Add("parent_session_id", meta?.ParentSessionId)
            .Add("parent_tool_use_id", spawningCall)
            .Add("continues_compacted_session", counts.CompactionContexts > 0 && meta?.ParentSessionId is not null)
            .Add("parent_tokens_taken_out", carriedOver is not null)
            .Add("provider", meta?.Provider)
            .Add("agent_profile", meta?.AgentProfile)
            .Add("git_commit", meta?.GitCommit)
            .Add("title_source", meta?.TitleSource)
            .Add("steps", stated.Steps)
            .Add("estimated_cost_usd", cost)
            .Add("injected_messages", counts.Injected)
            .Add("display_content_messages", counts.DisplayContent)
            .Add("images", counts.Images)
            .Add("cancelled_tool_results", counts.CancelledResults)
            .Add("orphan_tool_results", conversation.OrphanToolResults)
            .Add("unanswered_tool_calls", conversation.UnansweredToolCalls)
            .Add("skipped_rows", diagnostics.ErrorCount)
            .Build();

        return new RolloutRecord
        {
            TraceId = id,
            Format = RolloutFormat.MistralVibe,
            SourceKind = SourceKind,
            SourcePath = path,
            // A subagent's parent_session_id is the session that delegated to it (tools/builtins/task.py).
            RootSessionId = session.IsSubagent ? meta?.ParentSessionId ?? id : id,
            AgentId = session.IsSubagent ? id : null,
            IsSidechain = session.IsSubagent,
            Cwd = meta?.WorkingDirectory,
            ProjectPath = meta?.WorkingDirectory,
            GitBranch = meta?.GitBranch,
            StartedAt = meta?.StartTime,
            EndedAt = meta?.EndTime,
            Title = Titles.Clean(Title(session, firstPrompt)),
            Models = meta?.Model is { } model ? new[] { model } : Array.Empty<string>(),
            Messages = messages,
            SourceMeta = sourceMeta,
            Usage = usage,
        };
    }

    /// <summary>
    /// meta.json's title, unless it is Vibe's stand-in cut from words no person typed: with no title given, Vibe takes
    /// the first 50 characters of the first user message (session_logger.py _fallback_title_from_messages), which after a
    /// compaction is the summary's envelope (the first prompt names the session better) and in a subagent is the
    /// parent's note of its scratchpad folder (the task after it names the subagent better).
    /// </summary>
    private static string? Title(VibeSession session, string? firstPrompt)
    {
        if (session.Meta?.Title is not { } title) return firstPrompt;
        var firstUser = session.Rows.FirstOrDefault(r => r.Message.GetStringOrNull("role") == "user").Message;
        var cut = title.TrimEnd('…');
        var standIn = firstUser.ValueKind == JsonValueKind.Object && (firstUser.GetBool("injected") || session.IsSubagent) && cut.Length > 0
            && firstUser.GetPropertyOrDefault("content") is { ValueKind: JsonValueKind.String } text && text.GetString()!.StartsWith(cut, StringComparison.Ordinal);
        if (!standIn || firstPrompt is null) return title;
        return session.IsSubagent && firstPrompt.StartsWith(ScratchpadNote, StringComparison.Ordinal) && firstPrompt.IndexOf("\n\n", StringComparison.Ordinal) is var end and > 0
            ? firstPrompt[(end + 2)..]
            : firstPrompt;
    }

    private static bool IsCompactionContext(JsonElement row) =>
        row.GetStringOrNull("role") == "user" && row.GetBool("injected")
        && row.GetPropertyOrDefault("content") is { ValueKind: JsonValueKind.String } content && content.GetString()!.Contains(CompactionSummaryTag, StringComparison.Ordinal);

    /// <summary>One row as a chat message with what Vibe says beyond its role; null for a role Vibe does not write.</summary>
    private static OpenAIMessage? Read(JsonElement row, bool isSubagent, Counts counts)
    {
        var role = row.GetStringOrNull("role");
        if (role is not ("user" or "assistant" or "tool" or "system")) return null;
        var message = OpenAIMessages.Read(row);
        switch (role)
        {
            case "user":
                var injected = row.GetBool("injected");
                if (injected) counts.Injected++;
                if (IsCompactionContext(row)) counts.CompactionContexts++;
                if (row.GetPropertyOrDefault("user_display_content").ValueKind == JsonValueKind.Object) counts.DisplayContent++;
                var images = Images(row.GetPropertyOrDefault("images"));
                counts.Images += images.Count;
                // A subagent's prompt is the task its parent's agent wrote (tools/builtins/task.py), not a person's words.
                var kind = !injected ? (isSubagent ? MessageKind.AgentMessage : MessageKind.Prompt)
                    : IsCompactionContext(row) ? MessageKind.CompactionSummary
                    : StartsWith(message, ManualCommandHeader) ? MessageKind.Command
                    : MessageKind.Context;
                return message with { Content = message.Content.Concat(images).ToArray(), Kind = kind };
            case "tool":
                var cancelled = StartsWith(message, CancellationTag);
                if (cancelled) counts.CancelledResults++;
                return message with { IsError = cancelled || StartsWith(message, ToolErrorTag) };
            default:
                return message;
        }
    }

    private static bool StartsWith(OpenAIMessage message, string opening) =>
        message.Content.FirstOrDefault() is { Type: ContentBlockType.Text, Text: { } text } && text.StartsWith(opening, StringComparison.Ordinal);

    /// <summary>
    /// ImageAttachment: {"source": {"kind": "file", "path"} or {"kind": "inline", "data"}, "alias", "mime_type"}, or the
    /// flat {"path" | "data", …} of earlier versions (types.py _migrate_flat_source). A file stays a reference to it.
    /// </summary>
    private static IReadOnlyList<ContentBlock> Images(JsonElement images)
    {
        if (images.ValueKind != JsonValueKind.Array) return Array.Empty<ContentBlock>();
        var blocks = new List<ContentBlock>();
        foreach (var image in images.EnumerateArray())
        {
            if (image.ValueKind != JsonValueKind.Object) continue;
            var source = image.GetPropertyOrDefault("source") is { ValueKind: JsonValueKind.Object } nested ? nested : image;
            var mime = image.GetStringOrNull("mime_type");
            if (source.GetStringOrNull("data") is { Length: > 0 } data) blocks.Add(ContentBlock.FromImageData(mime, data));
            else if (source.GetStringOrNull("path") is { Length: > 0 } file) blocks.Add(ContentBlock.FromImageUrl(file, mime));
        }
        return blocks;
    }

    private sealed class Counts
    {
        public long Injected { get; set; }
        public long CompactionContexts { get; set; }
        public long DisplayContent { get; set; }
        public long Images { get; set; }
        public long CancelledResults { get; set; }
    }
}
