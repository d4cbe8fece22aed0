using System.Text.Json;
using RolloutTools.Core.Json;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Goose;

/// <summary>
/// A session file of goose before sessions.db (crates/goose/src/session/legacy.rs, and storage.rs of those versions):
/// &lt;id&gt;.jsonl whose first line is SessionMetadata (working_dir, description, schedule_id, message_count,
/// the token fields) and whose other lines are one Message each. Goose itself skipped lines it could not parse;
/// here each is reported with its line number.
/// </summary>
internal static class GooseLegacy
{
    public static GooseSession Read(Stream stream, string path, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        JsonElement? metadata = null;
        var messages = new List<GooseMessage>();
        JsonLineReader.ReadEach(stream, diagnostics, line =>
        {
            var root = line.Root;
            if (root.ValueKind != JsonValueKind.Object)
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, $"a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not a message; line skipped.");
                return;
            }
            if (metadata is null && messages.Count == 0 && IsMetadata(root))
            {
                metadata = root.Clone();
                return;
            }
            var role = root.GetStringOrNull("role");
            var content = root.GetPropertyOrDefault("content");
            if (role is null || content.ValueKind != JsonValueKind.Array)
            {
                diagnostics.Error(RolloutDiagnostic.ParseError, line.LineNumber, "not a Goose message (no role, or no content list); line skipped.");
                return;
            }
            var (userVisible, agentVisible) = GooseMessage.Visibility(root.GetPropertyOrDefault("metadata"));
            var created = root.GetPropertyOrDefault("created") is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var seconds) ? seconds : (long?)null;
            messages.Add(new GooseMessage($"line {line.LineNumber}", line.LineNumber, root.GetIdOrNull("id"), role, GooseMessage.FromUnix(created), content.Clone(), userVisible, agentVisible));
        }, cancellation);

        var meta = metadata ?? default;
        long? Tokens(string name) => meta.GetPropertyOrDefault(name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var value) ? value : null;
        var session = new GooseSession
        {
            Id = GooseHome.SessionIdOf(path),
            Store = GooseStore.Legacy,
            Name = meta.GetStringOrNull("description") is { Length: > 0 } name ? name : null,
            WorkingDir = meta.GetStringOrNull("working_dir"),
            ScheduleId = meta.GetStringOrNull("schedule_id"),
            InputTokens = Tokens("input_tokens"),
            OutputTokens = Tokens("output_tokens"),
            TotalTokens = Tokens("total_tokens"),
            AccumulatedInputTokens = Tokens("accumulated_input_tokens"),
            AccumulatedOutputTokens = Tokens("accumulated_output_tokens"),
            AccumulatedTotalTokens = Tokens("accumulated_total_tokens"),
        };
        session.Messages.AddRange(messages);
        return session;
    }

    /// <summary>The metadata line: the session's description and message count, and no role.</summary>
    public static bool IsMetadata(JsonElement line) =>
        line.GetPropertyOrDefault("role").ValueKind == JsonValueKind.Undefined
        && (line.GetPropertyOrDefault("description").ValueKind != JsonValueKind.Undefined || line.GetPropertyOrDefault("message_count").ValueKind != JsonValueKind.Undefined);
}
