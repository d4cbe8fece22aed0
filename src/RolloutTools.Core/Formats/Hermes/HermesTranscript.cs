using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Hermes;

/// <summary>
/// One Hermes session as one of its stores holds it: the OpenAI messages in stored order and what the store
/// says about the session. The three stores say different amounts: state.db the most (tokens, cost, title,
/// cwd, lineage), a CLI snapshot the system prompt and tools, a gateway transcript only its messages and a
/// session_meta row.
/// </summary>
internal sealed class HermesTranscript
{
    /// <summary>One line of a gateway transcript: the session_meta row's facts, or a message.</summary>
    public void AddLine(JsonElement root)
    {
        if (root.GetStringOrNull("role") != "session_meta")
        {
            AddMessage(root);
            return;
        }
        SessionMetaRows++;
        AddTools(root.GetPropertyOrDefault("tools"));
        Model ??= root.GetStringOrNull("model");
        AddModel(root.GetStringOrNull("model"));
        Platform ??= root.GetStringOrNull("platform");
        Started ??= OpenAIMessages.Timestamp(root.GetPropertyOrDefault("timestamp"));
    }

    /// <summary>A message of a JSON store, with the markers Hermes keeps on it (display_kind, _compressed_summary: true or 1).</summary>
    public void AddMessage(JsonElement message) =>
        Add(OpenAIMessages.Read(message), message.GetStringOrNull("display_kind"), IsSet(message.GetPropertyOrDefault("_compressed_summary")));

    private static bool IsSet(JsonElement flag) =>
        flag.ValueKind == JsonValueKind.True || (flag.ValueKind == JsonValueKind.Number && flag.TryGetDouble(out var n) && n != 0);

    /// <summary>A stored message, its kind from its markers and its text (see <see cref="HermesMessageKinds"/>).</summary>
    public void Add(OpenAIMessage message, string? displayKind, bool compressedSummary)
    {
        if (!string.IsNullOrEmpty(displayKind)) DisplayKinds.Add(displayKind);
        Messages.AddRange(HermesMessageKinds.Split(message with { Kind = HermesMessageKinds.Of(message.Role, displayKind, compressedSummary) }));
    }

    public required string SessionId { get; init; }

    public required HermesStore Store { get; init; }

    public List<OpenAIMessage> Messages { get; } = new();

    public string? Model { get; set; }

    /// <summary>cli, telegram, discord, cron, subagent, …: where the session came from (state.db "source", the files' "platform").</summary>
    public string? Platform { get; set; }

    public string? BaseUrl { get; set; }

    public string? SystemPrompt { get; set; }

    public string? Title { get; set; }

    public string? Cwd { get; set; }

    public string? GitBranch { get; set; }

    public string? ParentSessionId { get; set; }

    public string? RootSessionId { get; set; }

    public string? EndReason { get; set; }

    public string? SessionKey { get; set; }

    public string? ChatType { get; set; }

    public string? DisplayName { get; set; }

    public string? BillingProvider { get; set; }

    /// <summary>state.db's model_config markers: whether the session was delegated, branched or reset from another.</summary>
    public HermesLineage Lineage { get; init; } = HermesLineage.None;

    public DateTimeOffset? Started { get; set; }

    public DateTimeOffset? Ended { get; set; }

    public TokenUsage Usage { get; set; }

    public long ReasoningTokens { get; set; }

    public string? CostUsd { get; set; }

    public List<string> Tools { get; } = new();

    public List<string> Models { get; } = new();

    /// <summary>The display_kind of each message that has one (hidden, peer_message, internal_notification, …).</summary>
    public Reading.Counter DisplayKinds { get; } = new();

    /// <summary>Gateway rows of role session_meta: metadata, not conversation.</summary>
    public int SessionMetaRows { get; set; }

    /// <summary>state.db rows a rewind, undo or retry took back (active = 0, compacted = 0).</summary>
    public int RewoundRows { get; set; }

    /// <summary>state.db rows a compaction summarized away (active = 0, compacted = 1): still the session's history.</summary>
    public int CompactedRows { get; set; }

    /// <summary>Copies of a message that each compaction carries into its new generation, read once.</summary>
    public int DuplicateRows { get; set; }

    public void AddTool(string? name)
    {
        if (!string.IsNullOrEmpty(name) && !Tools.Contains(name)) Tools.Add(name);
    }

    public void AddModel(string? model)
    {
        if (!string.IsNullOrEmpty(model) && !Models.Contains(model)) Models.Add(model);
    }

    /// <summary>The names of the tools a "tools" list declares: [{"type": "function", "function": {"name"}}] or [{"name"}].</summary>
    public void AddTools(JsonElement tools)
    {
        if (tools.ValueKind != JsonValueKind.Array) return;
        foreach (var tool in tools.EnumerateArray())
        {
            AddTool(tool.GetPropertyOrDefault("function").GetStringOrNull("name") ?? tool.GetStringOrNull("name"));
        }
    }
}

/// <summary>Reads the two JSON stores of a Hermes home's sessions/ folder.</summary>
internal static class HermesFiles
{
    /// <summary>
    /// A CLI snapshot, sessions/session_&lt;id&gt;.json: {session_id, model, base_url, platform, session_start,
    /// last_updated, system_prompt, tools, message_count, messages}. run_agent.py rewrites it whole after each
    /// turn (indented, never smaller than before); its times are local and without offset. A message that
    /// cannot be read is reported with its line and left out; the others stand.
    /// </summary>
    public static HermesTranscript? ParseSnapshot(Stream stream, string path, DiagnosticList diagnostics)
    {
        var document = JsonDocumentReader.Read(stream, diagnostics);
        if (document is null) return null;
        using (document)
        {
            var root = document.Root;
            var transcript = new HermesTranscript
            {
                SessionId = root.GetIdOrNull("session_id") ?? HermesHome.SessionIdOf(path),
                Store = HermesStore.Snapshot,
                Model = root.GetStringOrNull("model"),
                BaseUrl = root.GetStringOrNull("base_url"),
                Platform = root.GetStringOrNull("platform"),
                SystemPrompt = root.GetStringOrNull("system_prompt"),
                Started = OpenAIMessages.Timestamp(root.GetPropertyOrDefault("session_start")),
                Ended = OpenAIMessages.Timestamp(root.GetPropertyOrDefault("last_updated")),
            };
            transcript.AddModel(transcript.Model);
            transcript.AddTools(root.GetPropertyOrDefault("tools"));
            var messages = root.GetPropertyOrDefault("messages");
            if (messages.ValueKind != JsonValueKind.Array)
            {
                diagnostics.NoRecord("the document has no \"messages\" list; no record.");
                return null;
            }
            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                try
                {
                    if (message.GetStringOrNull("role") == "session_meta") transcript.SessionMetaRows++;
                    else transcript.AddMessage(message);
                }
                catch (Exception e) when (JsonLineReader.IsUnreadableValue(e))
                {
                    diagnostics.Error(RolloutDiagnostic.ParseError, document.ElementLine("messages", index), $"message {index + 1} skipped: {e.Message}");
                }
                index++;
            }
            return transcript;
        }
    }

    /// <summary>
    /// A gateway transcript, sessions/&lt;id&gt;.jsonl: one message per line as the gateway appended it, each
    /// with an ISO "timestamp"; a first line of role session_meta carries the tools, model and platform
    /// (absent in some files). A damaged line costs only itself.
    /// </summary>
    public static HermesTranscript ParseTranscript(Stream stream, string path, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var transcript = new HermesTranscript { SessionId = HermesHome.SessionIdOf(path), Store = HermesStore.Transcript };
        JsonLineReader.ReadEach(stream, diagnostics, line => transcript.AddLine(line.Root), cancellation);
        return transcript;
    }
}

/// <summary>
/// The markers Hermes puts in a child session's model_config (hermes_state_common.py, _non_continuation_child_sql):
/// _delegate_from on a subagent's session, _branched_from on a /branch, _reset_from on a reset, each naming the
/// session it came from. A delegate keeps its parent's source (cli, desktop, webui), so the marker, not the source,
/// tells a subagent. A compression continuation inherits its predecessor's model_config whole, and with it the marker.
/// </summary>
internal sealed record HermesLineage(string? DelegatedFrom, string? BranchedFrom, string? ResetFrom)
{
    public static readonly HermesLineage None = new(null, null, null);

    /// <summary>The markers of a model_config; text that is no JSON object is no markers, as Hermes reads it.</summary>
    public static HermesLineage FromModelConfig(string? modelConfig)
    {
        if (string.IsNullOrWhiteSpace(modelConfig)) return None;
        try
        {
            using var document = JsonDocument.Parse(modelConfig);
            var root = document.RootElement;
            return new HermesLineage(root.GetIdOrNull("_delegate_from"), root.GetIdOrNull("_branched_from"), root.GetIdOrNull("_reset_from"));
        }
        catch (JsonException)
        {
            return None;
        }
    }
}
