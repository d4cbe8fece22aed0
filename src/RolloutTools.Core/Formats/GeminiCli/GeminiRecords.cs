using System.Text;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.GeminiCli;

/// <summary>Builds the record of one Gemini CLI session file, its facts from the file's name and place as well as its content.</summary>
internal static class GeminiRecords
{
    public const string SourceKind = "gemini_cli";

    /// <param name="includeAbandoned">
    /// Keep the messages a /rewind or a rolled-back turn took back, marked IsAbandoned, in the order they were first
    /// written; without it their responses are carried apart (UnlistedResponses), since they were billed all the same.
    /// </param>
    public static RolloutRecord? Build(GeminiSession session, string sourcePath, bool includeAbandoned, DiagnosticList diagnostics)
    {
        var conversation = new GeminiConversation(diagnostics);
        var index = 0;
        foreach (var (content, line) in session.History) conversation.AddContent(content, index++, line);
        var kept = session.Messages.Select(m => (Message: m, Abandoned: false));
        var abandoned = session.Abandoned.Select(m => (Message: m, Abandoned: true));
        foreach (var (message, isAbandoned) in includeAbandoned ? kept.Concat(abandoned).OrderBy(m => m.Message.Order) : kept)
        {
            conversation.MarkAbandoned = isAbandoned;
            conversation.Add(message);
        }
        conversation.MarkAbandoned = false;
        var messages = conversation.Build();
        var left = includeAbandoned ? null : LeftBehind(session.Abandoned, diagnostics);
        if (messages.Count == 0)
        {
            if (diagnostics.ErrorCount > 0 || session.Messages.Count + session.History.Count > 0) diagnostics.NoRecord("no message could be read; no record.");
            return null;
        }

        var isCheckpoint = session.Shape is GeminiFileShape.Checkpoint or GeminiFileShape.LegacyCheckpoint;
        var parentId = GeminiLayout.ParentSessionOf(sourcePath);
        var isSubagent = parentId is not null || session.Kind == "subagent";
        var sessionId = session.SessionId ?? GeminiLayout.Stem(sourcePath);
        var traceId = parentId is not null ? $"{parentId}:{sessionId}" : sessionId;
        var projectRoot = GeminiLayout.ProjectRootOf(sourcePath) ?? session.Directories.FirstOrDefault();
        var tag = isCheckpoint ? GeminiLayout.CheckpointTag(sourcePath) : null;

        DateTimeOffset? first = session.StartTime, last = session.LastUpdated;
        foreach (var message in messages)
        {
            if (message.Timestamp < first || first is null) first = message.Timestamp ?? first;
            if (message.Timestamp > last || last is null) last = message.Timestamp ?? last;
        }
        var firstPrompt = messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt)?.Text;

        var meta = new SourceMeta.Builder()
            .Add("session_id", session.SessionId)
            .Add("file_shape", Shape(session.Shape))
            .Add("project_hash", session.ProjectHash)
            .Add("project_folder", GeminiLayout.ProjectFolderOf(sourcePath))
            .Add("session_kind", session.Kind)
            .Add("parent_session_id", parentId)
            .Add("directories", session.Directories)
            .Add("summary", session.Summary)
            .Add("checkpoint_tag", tag)
            .Add("auth_type", session.AuthType)
            .Add("thoughts_tokens", conversation.ThoughtsTokens + (left?.ThoughtsTokens ?? 0))
            .Add("tool_prompt_tokens", conversation.ToolPromptTokens + (left?.ToolPromptTokens ?? 0))
            .Add("tool_statuses", conversation.ToolStatuses)
            .Add("notices", conversation.Notices)
            .Add("rewound_messages", session.RewoundMessages)
            .Add("rolled_back_messages", session.RolledBackMessages)
            .Add("left_by_history_sync", session.LeftBySync)
            .Add("copied_by_history_sync", session.CopiedBySync)
            .Add("duplicate_tool_responses", conversation.DuplicateToolResponses)
            .Add("synthesized_call_ids", conversation.SynthesizedCallIds)
            .Add("display_contents", conversation.DisplayContents)
            .Add("empty_messages", conversation.EmptyMessages)
            .Add("orphan_tool_results", conversation.OrphanToolResults)
            .Add("unanswered_tool_calls", conversation.UnansweredToolCalls)
            .Add("skipped_lines", diagnostics.ErrorCount)
            .Add("unknown_lines", session.UnknownLines)
            .Add("record_types", session.RecordTypes)
            .Add("unknown_message_types", conversation.UnknownMessageTypes)
            .Add("unknown_part_types", conversation.UnknownPartTypes)
            .Build();

        return new RolloutRecord
        {
            TraceId = traceId,
            Format = RolloutFormat.GeminiCli,
            SourceKind = SourceKind,
            SourcePath = sourcePath,
            RootSessionId = parentId ?? sessionId,
            AgentId = isSubagent ? sessionId : null,
            IsSidechain = isSubagent,
            Cwd = projectRoot,
            ProjectPath = projectRoot,
            StartedAt = first,
            EndedAt = last,
            Title = Titles.Clean(session.Summary ?? tag ?? firstPrompt),
            Models = conversation.Models.Concat(left?.Models ?? Enumerable.Empty<string>()).Distinct(StringComparer.Ordinal).ToArray(),
            Messages = messages,
            SourceMeta = meta,
            Usage = conversation.Usage + (left?.Usage ?? default),
            UnlistedResponses = left is null ? conversation.UnlistedResponses : conversation.UnlistedResponses.Concat(left.BuildUnlisted()).ToArray(),
        };
    }

    /// <summary>The messages taken back, built apart as they would be read with -IncludeAbandoned, for their responses.</summary>
    private static GeminiConversation? LeftBehind(IReadOnlyList<GeminiStoredMessage> abandoned, DiagnosticList diagnostics)
    {
        if (abandoned.Count == 0) return null;
        var left = new GeminiConversation(diagnostics) { MarkAbandoned = true };
        foreach (var message in abandoned) left.Add(message);
        return left;
    }

    private static string Shape(GeminiFileShape shape) => shape switch
    {
        GeminiFileShape.Jsonl => "jsonl",
        GeminiFileShape.LegacyJson => "legacy_json",
        GeminiFileShape.Checkpoint => "checkpoint",
        _ => "legacy_checkpoint",
    };
}

/// <summary>
/// Where Gemini CLI puts things (packages/core/src/config/storage.ts, chatRecordingService.ts, logger.ts):
/// &lt;home&gt;/.gemini/tmp/&lt;project&gt;/chats/session-&lt;yyyy-MM-ddTHH-mm&gt;-&lt;first 8 of the session id&gt;.jsonl (.json before 0.40),
/// a subagent's session in chats/&lt;parent session id&gt;/&lt;session id&gt;.jsonl, and /chat save checkpoints as
/// &lt;project&gt;/checkpoint-&lt;tag, URI-encoded&gt;.json. &lt;project&gt; is the SHA-256 of the project root in older
/// versions, a short slug now, whose folder holds .project_root, the root's path.
/// </summary>
internal static class GeminiLayout
{
    public const string ChatsFolder = "chats";

    public static string Stem(string path) => Path.GetFileNameWithoutExtension(path);

    /// <summary>The parent session of a subagent's file (the folder it is in, below chats/); null otherwise.</summary>
    public static string? ParentSessionOf(string path)
    {
        var folder = Path.GetDirectoryName(path);
        var above = folder is null ? null : Path.GetDirectoryName(folder);
        return folder is not null && above is not null && Path.GetFileName(above) == ChatsFolder && !Stem(path).StartsWith("session-", StringComparison.Ordinal)
            ? Path.GetFileName(folder)
            : null;
    }

    /// <summary>The project's folder under tmp/: the one that holds chats/, or the checkpoint.</summary>
    public static string? ProjectFolderOf(string path)
    {
        var folder = Path.GetDirectoryName(path);
        for (var up = 0; folder is not null && up < 2; up++)
        {
            if (Path.GetFileName(folder) == ChatsFolder) return Path.GetDirectoryName(folder) is { } project ? Path.GetFileName(project) : null;
            folder = Path.GetDirectoryName(folder);
        }
        return IsCheckpointName(Path.GetFileName(path)) ? Path.GetFileName(Path.GetDirectoryName(path)) : null;
    }

    /// <summary>The project root the slug folder's .project_root names; null when there is none (hashed folders) or it cannot be read.</summary>
    public static string? ProjectRootOf(string path)
    {
        var folder = Path.GetDirectoryName(path);
        for (var up = 0; folder is not null && up < 3; up++)
        {
            if (Path.GetFileName(folder) == ChatsFolder || up == 0 && IsCheckpointName(Path.GetFileName(path)))
            {
                var project = Path.GetFileName(folder) == ChatsFolder ? Path.GetDirectoryName(folder) : folder;
                return project is null ? null : ReadMarker(Path.Combine(project, ".project_root"));
            }
            folder = Path.GetDirectoryName(folder);
        }
        return null;
    }

    /// <summary>
    /// The .jsonl beside a legacy session-*.json, when there is one: resuming a legacy session appends its whole
    /// record to &lt;name&gt;.jsonl and goes on there, leaving the .json as it was (chatRecordingService.ts initialize),
    /// and Gemini CLI's own list keeps one of the two (sessionUtils.ts getSessionFiles).
    /// </summary>
    public static string? MigratedCopyOf(TraceSource source) =>
        source.IsFile && Path.GetFileName(source.Path) is var name && name.StartsWith("session-", StringComparison.OrdinalIgnoreCase)
        && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && File.Exists(source.Path + "l")
            ? source.Path + "l"
            : null;

    public static bool IsCheckpointName(string name) =>
        name.StartsWith("checkpoint-", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>checkpoint-&lt;tag&gt;.json: the tag as the person typed it (URI-decoded, as decodeTagName does).</summary>
    public static string CheckpointTag(string path)
    {
        var tag = Stem(path);
        tag = tag.StartsWith("checkpoint-", StringComparison.OrdinalIgnoreCase) ? tag["checkpoint-".Length..] : tag;
        try
        {
            return Uri.UnescapeDataString(tag);
        }
        catch (UriFormatException)
        {
            return tag;
        }
    }

    private static string? ReadMarker(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > 8192) return null;
            using var stream = Discovery.FileKinds.OpenRead(path);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = reader.ReadToEnd().Trim();
            return text.Length > 0 ? text : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
