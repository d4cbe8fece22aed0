using System.Text.Json;

namespace RolloutTools.Core.Formats.Crush;

/// <summary>
/// One Crush session row (internal/session/session.go Session). Crush keeps no token totals: prompt_tokens and
/// completion_tokens are overwritten after every response (internal/agent/agent.go updateSessionTokenCounters) with
/// what that response read (input plus cache reads: the context's size) and wrote, and a summary resets the prompt
/// count to 0. Cost is a running total, and a finished sub-agent's cost is added to its parent's
/// (internal/agent/coordinator.go updateParentSessionCost).
/// </summary>
internal sealed class CrushSession
{
    public required string Id { get; init; }
    public string? ParentId { get; init; }
    public string? Title { get; init; }
    public long MessageCount { get; init; }
    public long PromptTokens { get; init; }
    public long CompletionTokens { get; init; }
    public double Cost { get; init; }
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? Updated { get; init; }
    public string? SummaryMessageId { get; init; }
    public bool HasTodos { get; init; }

    /// <summary>The folder Crush ran in, as the database's place tells (see <see cref="CrushHome.WorkingFolderOf"/>).</summary>
    public string? WorkingFolder { get; set; }

    /// <summary>The first session up the chain of parents.</summary>
    public string? RootId { get; set; }

    /// <summary>Sessions whose parent this one is: the sub-agents it ran.</summary>
    public IReadOnlyList<string> ChildIds { get; set; } = Array.Empty<string>();

    public List<CrushMessage> Messages { get; } = new();
}

/// <summary>
/// One message row (internal/message/message.go Message): its role (user, assistant or tool), its parts as a JSON
/// array of {"type", "data"} (marshalParts), the model and provider that wrote an assistant message, its times, and
/// whether it is the summary a compaction wrote (is_summary_message, or the session's summary_message_id).
/// </summary>
/// <param name="Where">"message row … of session …": how a diagnostic names it.</param>
internal sealed record CrushMessage(string Where, string? Id, string Role, JsonElement Parts, string? Model, string? Provider,
    DateTimeOffset? Created, DateTimeOffset? Finished, bool IsSummary);
