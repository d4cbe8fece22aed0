using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Cline;

/// <summary>One API request as the UI log records it: a say "api_req_started" whose text is JSON (ClineApiReqInfo).</summary>
/// <param name="Usage">Null when the request states no tokens (still loading, or failed before the response).</param>
/// <param name="Protocol">Roo Code's apiProtocol: "anthropic" or "openai", the shape of the provider's usage.</param>
public sealed record ClineRequest(DateTimeOffset? Time, TokenUsage? Usage, decimal? Cost, string? CancelReason, string? Model, string? Protocol = null);

/// <summary>
/// What ui_messages.json (the ClineMessage list the person saw) adds to the API history: the times, the API
/// requests with their tokens and cost, the ranges of history the model no longer saw, and the models used.
/// It is a sidecar: damaged, it is set aside with one warning and the task is read without it.
/// </summary>
public sealed class ClineUiLog
{
    public static readonly ClineUiLog Empty = new();

    public List<ClineRequest> Requests { get; } = new();

    /// <summary>Every ts in the log, in the order written.</summary>
    public List<DateTimeOffset> Times { get; } = new();

    /// <summary>The distinct conversationHistoryDeletedRange values, in the order they first appear, as "start-end".</summary>
    public List<string> DeletedRanges { get; } = new();

    /// <summary>The last range: the part of the history hidden from the model's later requests.</summary>
    public (int Start, int End)? LastDeletedRange { get; private set; }

    /// <summary>The task as typed (the first say "task").</summary>
    public string? Task { get; private set; }

    public int Checkpoints { get; private set; }

    public int FailedRequests { get; private set; }

    public Counter SayTypes { get; } = new();

    public Counter AskTypes { get; } = new();

    /// <summary>Requests whose tokensIn counted the cache, which <see cref="TakeCacheOutOfInput"/> took out.</summary>
    public int InputsWithCache { get; private set; }

    /// <summary>
    /// Roo Code's, Kilo Code's and Zoo Code's tokensIn. An OpenAI-protocol provider counts the cache inside its input,
    /// and Roo states that count as it is; since Roo 3.30 (#8954, November 2025) tokensIn is the whole prompt for
    /// Anthropic-protocol providers too (calculateApiCostAnthropic's totalInputTokens: input, cache writes and reads),
    /// where it was the input beside the cache before. The file says which protocol (apiProtocol) but not which version,
    /// so an Anthropic-protocol tokensIn is taken as the whole prompt when no cached request of the task has a tokensIn
    /// below its cache, which the input beside the cache nearly always is once the cache holds the system prompt.
    /// Cline itself states the input beside the cache from every provider, and is left as it is.
    /// </summary>
    public void TakeCacheOutOfInput()
    {
        var cached = Requests.Where(r => r.Protocol != "openai" && r.Usage is { } u && u.CacheReadTokens + u.CacheWriteTokens > 0).ToArray();
        var wholePrompt = cached.Length > 0 && cached.All(r => r.Usage!.Value.InputTokens >= r.Usage.Value.CacheReadTokens + r.Usage.Value.CacheWriteTokens);
        for (var i = 0; i < Requests.Count; i++)
        {
            if (Requests[i].Usage is not { } usage || (Requests[i].Protocol != "openai" && !wholePrompt)) continue;
            var cache = usage.CacheReadTokens + usage.CacheWriteTokens;
            if (cache == 0) continue;
            Requests[i] = Requests[i] with { Usage = usage with { InputTokens = Math.Max(0, usage.InputTokens - cache) } };
            InputsWithCache++;
        }
    }

    /// <summary>Reads the log, throwing <see cref="SidecarShapeException"/> when it does not have the agent's shape.</summary>
    public static ClineUiLog Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array) throw new SidecarShapeException("the log is not a JSON array");
        var log = new ClineUiLog();
        foreach (var message in root.EnumerateArray())
        {
            Expect.Object(message, "a message");
            log.Add(message);
        }
        return log;
    }

    private void Add(JsonElement message)
    {
        var time = UnixTime.FromMilliseconds(message, "ts");
        if (time is { } t) Times.Add(t);
        if (message.GetPropertyOrDefault("conversationHistoryDeletedRange") is { ValueKind: JsonValueKind.Array } range
            && range.GetArrayLength() == 2 && range[0].TryGetInt32(out var start) && range[1].TryGetInt32(out var end))
        {
            var text = $"{start}-{end}";
            if (!DeletedRanges.Contains(text)) DeletedRanges.Add(text);
            LastDeletedRange = (start, end);
        }
        if (message.GetStringOrNull("lastCheckpointHash") is not null) Checkpoints++;

        var type = message.GetStringOrNull("type");
        if (type == "ask")
        {
            AskTypes.Add(message.GetStringOrNull("ask") ?? "untyped");
            if (message.GetStringOrNull("ask") == "api_req_failed") FailedRequests++;
            return;
        }
        if (type != "say") return;
        var say = message.GetStringOrNull("say") ?? "untyped";
        SayTypes.Add(say);
        if (say == "task" && Task is null) Task = message.GetStringOrNull("text");
        // A partial message is the live copy of one still streaming: the final copy (same ts) replaces it.
        if (say == "api_req_started" && !message.GetBool("partial")) Requests.Add(Request(message, time));
    }

    /// <summary>The request's stated tokens and cost; its text is JSON, or nothing usable in older or damaged logs.</summary>
    private static ClineRequest Request(JsonElement message, DateTimeOffset? time)
    {
        var model = message.GetPropertyOrDefault("modelInfo").GetStringOrNull("modelId");
        if (message.GetStringOrNull("text") is not { Length: > 0 } text) return new ClineRequest(time, null, null, null, model);
        try
        {
            using var info = JsonDocument.Parse(text);
            var root = info.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return new ClineRequest(time, null, null, null, model);
            var stated = new[] { "tokensIn", "tokensOut", "cacheReads", "cacheWrites" }.Any(name => root.TryGetProperty(name, out _));
            // tokensIn is Cline's input beside the cache (Anthropic's input_tokens), cacheWrites and cacheReads apart;
            // Roo's may count the cache too (TakeCacheOutOfInput).
            TokenUsage? usage = stated
                ? new TokenUsage(root.GetInt64OrZero("tokensIn"), root.GetInt64OrZero("tokensOut"), root.GetInt64OrZero("cacheReads"), root.GetInt64OrZero("cacheWrites"))
                : null;
            decimal? cost = root.GetPropertyOrDefault("cost") is { ValueKind: JsonValueKind.Number } c && c.TryGetDecimal(out var value) ? value : null;
            return new ClineRequest(time, usage, cost, root.GetStringOrNull("cancelReason"), model, root.GetStringOrNull("apiProtocol"));
        }
        catch (JsonException)
        {
            return new ClineRequest(time, null, null, null, model);
        }
    }
}
