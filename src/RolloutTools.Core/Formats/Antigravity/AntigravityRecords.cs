using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Antigravity;

/// <summary>
/// One Antigravity conversation as a record: its transcript's steps, its id from its folder's name, the names of the
/// artifacts the agent wrote beside it. The transcript records no working directory and no title, so the record has
/// none but the first request.
/// </summary>
internal static class AntigravityRecords
{
    public const string SourceKind = "antigravity";

    /// <summary>Null when no step makes a message (said in <paramref name="diagnostics"/>).</summary>
    public static RolloutRecord? Read(TraceSource source, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var conversation = new AntigravityConversation();
        var lines = 0;
        using (var stream = source.Open())
        {
            JsonLineReader.ReadEach(stream, diagnostics, line =>
            {
                lines++;
                try
                {
                    conversation.Add(line, diagnostics);
                }
                catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
                {
                    diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, $"{e.Message.TrimEnd('.')}; skipped.");
                }
            }, cancellation);
        }
        var messages = conversation.Build();
        if (messages.All(m => m.Kind == MessageKind.Context))
        {
            if (lines == 0 || diagnostics.ErrorCount > 0) diagnostics.NothingRead();
            else diagnostics.Warn(RolloutDiagnostic.NoUsableLines, null, $"its {lines} steps hold no prompt and no response; no record.");
            return null;
        }

        var folder = source.IsFile ? AntigravityHome.ConversationFolderOf(source.Path) : null;
        var id = folder is null ? Path.GetFileNameWithoutExtension(source.Path) : Path.GetFileName(folder);
        var sourceMeta = new SourceMeta.Builder()
            .Add("conversation_id", id)
            .Add("transcript", Path.GetFileName(source.Path))
            .Add("app", folder is null ? null : AppOf(folder))
            .Add("artifacts", folder is null ? Array.Empty<string>() : AntigravityHome.Artifacts(folder))
            .Add("usage_stated", conversation.ResponsesWithUsage > 0)
            .Add("responses_with_usage", conversation.ResponsesWithUsage)
            .Add("context_messages", conversation.ContextMessages)
            .Add("empty_system_steps", conversation.EmptySystemSteps)
            .Add("model_errors", conversation.ModelErrors)
            .Add("clipped_steps", conversation.ClippedSteps)
            .Add("unfinished_steps", conversation.UnfinishedSteps)
            .Add("orphan_tool_steps", conversation.OrphanToolSteps)
            .Add("unanswered_tool_calls", conversation.UnansweredToolCalls)
            .Add("skipped_lines", diagnostics.ErrorCount);

        return new RolloutRecord
        {
            TraceId = id,
            Format = RolloutFormat.Antigravity,
            SourceKind = SourceKind,
            SourcePath = source.Path,
            RootSessionId = id,
            StartedAt = conversation.FirstTime,
            EndedAt = conversation.LastTime,
            Title = Titles.Clean(conversation.FirstRequest),
            Models = conversation.Models,
            Messages = messages,
            SourceMeta = sourceMeta.Build(),
            Usage = conversation.Usage,
        };
    }

    /// <summary>The folder under ~/.gemini whose brain holds the conversation (antigravity-cli for agy, antigravity or antigravity-ide for the IDE); null elsewhere.</summary>
    private static string? AppOf(string conversationFolder)
    {
        var brain = Path.GetDirectoryName(conversationFolder);
        var app = brain is null ? null : Path.GetDirectoryName(brain);
        return brain is not null && Path.GetFileName(brain) == AntigravityHome.BrainFolder && Path.GetFileName(app) is { } name && AntigravityHome.AppFolders.Contains(name)
            ? name
            : null;
    }
}
