using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.CopilotCli;

/// <summary>
/// A session of the first Copilot CLI releases (0.0.x), kept in ~/.copilot/history-session-state/ as one JSON
/// document: {sessionId, startTime, chatMessages, timeline}. chatMessages is the conversation as the chat API saw
/// it (OpenAI messages: role, content, tool_calls, tool_call_id); timeline is what the terminal showed (the same
/// tool calls with their times) and is only counted. No model and no tokens are written.
/// </summary>
internal static class CopilotLegacySession
{
    public static RolloutRecord? Read(TraceSource source, JsonElement root, DiagnosticList diagnostics, string sourceKind, JsonTextDocument document)
    {
        var messages = root.GetPropertyOrDefault("chatMessages");
        if (messages.ValueKind != JsonValueKind.Array)
        {
            diagnostics.NoRecord("the document has no \"chatMessages\" list; no record.");
            return null;
        }
        var conversation = new OpenAIConversation();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            try
            {
                conversation.Add(OpenAIMessages.Read(message), null);
            }
            catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, document.ElementLine("chatMessages", index), $"chatMessages[{index}] could not be read, message skipped: {e.Message}");
            }
            index++;
        }
        var built = conversation.Build();
        var timeline = root.GetPropertyOrDefault("timeline");
        var times = timeline.ValueKind == JsonValueKind.Array
            ? timeline.EnumerateArray().Select(t => t.GetTimestamp("timestamp")).Where(t => t is not null).Select(t => t!.Value).ToArray()
            : Array.Empty<DateTimeOffset>();
        var started = root.GetTimestamp("startTime");
        var sessionId = root.GetIdOrNull("sessionId") ?? Path.GetFileNameWithoutExtension(source.Path);
        var all = times.Concat(started is { } s ? new[] { s } : Array.Empty<DateTimeOffset>()).ToArray();

        var meta = new SourceMeta.Builder()
            .Add("session_id", sessionId)
            .Add("store", "history_session_state")
            .Add("timeline_entries", timeline.ValueKind == JsonValueKind.Array ? timeline.GetArrayLength() : 0)
            .Add("orphan_tool_results", conversation.OrphanToolResults)
            .Add("unanswered_tool_calls", conversation.UnansweredToolCalls)
            .Add("unknown_roles", conversation.UnknownRoles)
            .Add("skipped_messages", diagnostics.ErrorCount)
            .Build();

        return new RolloutRecord
        {
            TraceId = sessionId,
            Format = RolloutFormat.CopilotCli,
            SourceKind = sourceKind,
            SourcePath = source.Path,
            RootSessionId = sessionId,
            StartedAt = all.Length > 0 ? all.Min() : null,
            EndedAt = all.Length > 0 ? all.Max() : null,
            Title = Titles.Clean(built.FirstOrDefault(m => m.Kind == MessageKind.Prompt && m.Text.Length > 0)?.Text),
            Messages = built,
            SourceMeta = meta,
        };
    }
}
