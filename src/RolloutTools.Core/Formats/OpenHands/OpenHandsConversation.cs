using System.Text.Json;
using System.Text.RegularExpressions;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.OpenHands;

/// <summary>
/// What both generations of OpenHands events make of a conversation: the messages (through the
/// <see cref="ConversationBuilder"/>), one assistant message per model response however many actions it
/// was stored as, the times and working folder seen, and a count of every kind of event met, so that those
/// without a message of their own (state changes, pauses, stats updates) are accounted for, not dropped unseen.
/// </summary>
internal sealed partial class OpenHandsConversation
{
    private readonly Dictionary<string, ConversationBuilder.AssistantTurn> _responses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _kinds = new(StringComparer.Ordinal);
    private ConversationBuilder.AssistantTurn? _turn;
    private string? _turnResponse;

    public ConversationBuilder Builder { get; } = new();

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>The working folder, as last seen in the events.</summary>
    public string? Cwd { get; set; }

    public int Events { get; private set; }

    public int CompactionSummaries { get; set; }

    public IReadOnlyDictionary<string, long> Kinds => _kinds;

    /// <summary>Counts an event under its kind and takes its time.</summary>
    public DateTimeOffset? Saw(JsonElement e, string kind)
    {
        Events++;
        _kinds[kind] = _kinds.GetValueOrDefault(kind) + 1;
        var time = e.GetTimestamp("timestamp");
        if (time is { } t)
        {
            if (StartedAt is null || t < StartedAt) StartedAt = t;
            if (EndedAt is null || t > EndedAt) EndedAt = t;
        }
        return time;
    }

    /// <summary>
    /// The assistant message of a model response: the one already begun when the response's id was met before
    /// (OpenHands stores each tool call of a response as an action of its own), else a new one.
    /// </summary>
    public ConversationBuilder.AssistantTurn Response(string? responseId, DateTimeOffset? time, string? model)
    {
        if (responseId is not null && _turn is { IsClosed: false } open && _turnResponse == responseId) return open;
        _turn = Builder.StartAssistant(time, model);
        _turn.ResponseId = responseId;
        _turnResponse = responseId;
        if (responseId is not null) _responses.TryAdd(responseId, _turn);
        return _turn;
    }

    /// <summary>The assistant message still open (no user message since), else a new one of no known model.</summary>
    public ConversationBuilder.AssistantTurn OpenResponse(DateTimeOffset? time) => _turn is { IsClosed: false } open ? open : Response(null, time, null);

    /// <summary>The assistant message that holds a response, when its actions were met.</summary>
    public ConversationBuilder.AssistantTurn? TurnOf(string responseId) => _responses.GetValueOrDefault(responseId);

    /// <summary>
    /// Texts OpenHands itself sends as the user's, each opening with fixed words: the SDK's nudge after a content
    /// filter blocked a response and its critic's iterative-refinement follow-up (sdk/agent/agent.py,
    /// sdk/critic/base.py get_followup_prompt), its nudge after a response with neither a call nor text (agent.py, sent
    /// as the user's from 2026-03-20 until 2026-08-13, then as the environment's), a Stop hook's feedback
    /// (conversation/impl/local_conversation.py, as the user's from 2026-01-07 until 2026-02-15), the legacy
    /// headless run's first message when it resumes a session that ended in an error (core/main.py run_controller),
    /// and the evaluation runs' stand-in for the person (evaluation/utils/shared.py codeact_user_response, saved in
    /// their trajectories).
    /// </summary>
    private static readonly string[] InjectedPrefixes =
    {
        "Your previous response was blocked by the model's content filter.",
        "The task appears incomplete (iteration ",
        "Your last response did not include a function call or a message.",
        "[Stop hook feedback] ",
        "Let's get back on track. If you experienced errors before, do NOT resume your task.",
        "Please continue working on the task on whatever approach you think is suitable.",
    };

    /// <summary>
    /// The SDK's FunctionCallValidationError, sent as the user's message whole when a model's call is malformed
    /// (agent.py step, since 2025-10-21; its texts are llm/mixins/fn_call_converter.py's, unchanged since the SDK began).
    /// </summary>
    [GeneratedRegex(@"\A(?:Parameter '[^']*' is (?:not allowed for function '[^']*'\. Allowed parameters: .*|expected to be (?:an integer|an array|one of .*)\.)|Missing required parameters for function '[^']*': .*|Function '[^']*' not found in available tools: \[.*\])\z", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex MalformedCallError();

    /// <summary>A message with the user's source: the person's <see cref="MessageKind.Prompt"/>, or Context when OpenHands wrote it.</summary>
    public static MessageKind UserKind(IReadOnlyList<ContentBlock> content) =>
        content is [{ Type: ContentBlockType.Text, Text: { } text }] && MalformedCallError().IsMatch(text)
        || content.FirstOrDefault() is { Type: ContentBlockType.Text, Text: { } first } && InjectedPrefixes.Any(p => first.StartsWith(p, StringComparison.Ordinal))
            ? MessageKind.Context
            : MessageKind.Prompt;

    /// <summary>Text content blocks, leaving out empty text.</summary>
    public static ContentBlock[] Text(string? text) => string.IsNullOrEmpty(text) ? Array.Empty<ContentBlock>() : new[] { ContentBlock.FromText(text) };
}

/// <summary>Token counts as OpenHands records them, from LiteLLM.</summary>
internal static class OpenHandsTokens
{
    /// <summary>
    /// OpenHands' own TokenUsage (llm/metrics.py in both generations): prompt_tokens as LiteLLM reports it, which
    /// includes cache reads and cache writes (LiteLLM adds Anthropic's cache_read_input_tokens and
    /// cache_creation_input_tokens to it), beside cache_read_tokens and cache_write_tokens. Ours: input without
    /// either, so the four counts add up.
    /// </summary>
    public static TokenUsage? FromMetrics(JsonElement usage) => Usage(
        usage.GetInt64OrZero("prompt_tokens"), usage.GetInt64OrZero("completion_tokens"),
        usage.GetInt64OrZero("cache_read_tokens"), usage.GetInt64OrZero("cache_write_tokens"));

    /// <summary>
    /// A LiteLLM response's usage, as a legacy action's tool_call_metadata.model_response keeps it: cached reads in
    /// prompt_tokens_details.cached_tokens (or Anthropic's cache_read_input_tokens), writes in cache_creation_input_tokens.
    /// </summary>
    public static TokenUsage? FromResponse(JsonElement usage)
    {
        var read = usage.GetPropertyOrDefault("prompt_tokens_details").GetInt64OrZero("cached_tokens");
        if (read == 0) read = usage.GetInt64OrZero("cache_read_input_tokens");
        return Usage(usage.GetInt64OrZero("prompt_tokens"), usage.GetInt64OrZero("completion_tokens"), read, usage.GetInt64OrZero("cache_creation_input_tokens"));
    }

    private static TokenUsage? Usage(long prompt, long completion, long read, long written) =>
        prompt == 0 && completion == 0 && read == 0 && written == 0 ? null : new TokenUsage(Math.Max(0, prompt - read - written), completion, read, written);

    /// <summary>
    /// A record's totals: the accumulated figures OpenHands states for the whole conversation when they cover
    /// at least what its responses state one by one (they also count calls without a message, such as the
    /// condenser's), else the responses' sum. Never both: the meter counts what the totals hold beyond the
    /// responses once, as one more response.
    /// </summary>
    public static TokenUsage Totals(TokenUsage responses, TokenUsage? accumulated) =>
        accumulated is { } total && total.Total >= responses.Total ? total : responses;

    /// <summary>A cost in dollars, as a JSON number.</summary>
    public static decimal? Cost(JsonElement element, string name) =>
        element.GetPropertyOrDefault(name) is { ValueKind: JsonValueKind.Number } cost && cost.TryGetDecimal(out var usd) ? usd : null;
}
