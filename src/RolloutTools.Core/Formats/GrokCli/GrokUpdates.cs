using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.GrokCli;

/// <summary>
/// The tokens and cost a session's updates.jsonl states. The file is the ACP session/update stream the CLI shows
/// (JSON-RPC notifications {"method": "_x.ai/session/update" or "session/update", "params": {"sessionId", "update"},
/// "timestamp": unix seconds}); chat_history.jsonl states no tokens at all, so this is the only count and nothing is
/// counted twice. Each prompt's turn ends with an update "turn_completed" carrying "usage" for that turn alone (a
/// delta, summed over the turn's model calls): inputTokens (which includes the cached reads and cache writes),
/// outputTokens, cachedReadTokens, cacheCreationTokens (may be absent), reasoningTokens, modelCalls, costUsdTicks (USD
/// in units of 1e-10) and modelUsage per model. A turn whose prompt_id begins "subagent-completed-" folds a finished
/// subagent's calls into the parent's ledger, which the subagent's own session states again: it is left out. Only
/// lines holding "turn_completed" are parsed; the others are the conversation again, which chat_history.jsonl holds.
/// </summary>
internal sealed class GrokUpdates
{
    private const string SubagentAggregatePrefix = "subagent-completed-";

    private static readonly LineMarkers TurnLines = new("\"turn_completed\"");

    public static readonly GrokUpdates None = new();

    /// <summary>Whether the file is there: a session without one (or without a completed turn) states no tokens, which is not zero.</summary>
    public bool Exists { get; private set; }

    public TokenUsage Usage { get; private set; }

    public decimal CostUsd { get; private set; }

    public bool StatesCost { get; private set; }

    public long Turns { get; private set; }

    public long ModelCalls { get; private set; }

    public long ReasoningTokens { get; private set; }

    public long SubagentAggregatesLeftOut { get; private set; }

    /// <summary>
    /// Reads the file beside a chat history. Its damaged lines are warnings that name the file and line (the turn's
    /// tokens are then not counted); the conversation is read all the same.
    /// </summary>
    public static GrokUpdates Read(string path, DiagnosticList diagnostics, CancellationToken cancellation)
    {
        var updates = new GrokUpdates();
        if (!File.Exists(path)) return updates;
        var lines = new DiagnosticList(path);
        try
        {
            using var stream = TraceSource.FromFile(path).Open();
            updates.Exists = true;
            JsonLineReader.ReadEach(stream, lines, line => updates.Add(line, lines), cancellation, TurnLines);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new RolloutDiagnostic(DiagnosticSeverity.Warning, RolloutDiagnostic.SidecarDamaged, path, null,
                $"{path}: cannot be read ({e.Message}); the session's tokens are unknown."));
            return None;
        }
        foreach (var problem in lines.Items)
        {
            diagnostics.Add(problem with
            {
                Severity = DiagnosticSeverity.Warning,
                Message = $"{problem.Message.TrimEnd('.')}; the tokens of that turn are not counted.",
            });
        }
        return updates;
    }

    private void Add(JsonLine line, DiagnosticList lines)
    {
        var update = line.Root.GetPropertyOrDefault("params").GetPropertyOrDefault("update");
        if (update.ValueKind != JsonValueKind.Object || update.GetStringOrNull("sessionUpdate") != "turn_completed") return;
        if (update.GetStringOrNull("prompt_id") is { } prompt && prompt.StartsWith(SubagentAggregatePrefix, StringComparison.Ordinal))
        {
            SubagentAggregatesLeftOut++;
            return;
        }
        var usage = update.GetPropertyOrDefault("usage");
        if (usage.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return;
        if (usage.ValueKind != JsonValueKind.Object)
        {
            lines.Error(RolloutDiagnostic.ParseError, line.LineNumber, "\"usage\" of a completed turn is not an object");
            return;
        }
        var input = Count(usage, "inputTokens");
        var cacheRead = Count(usage, "cachedReadTokens");
        var cacheWrite = Count(usage, "cacheCreationTokens");
        if (input is null || cacheRead is null || cacheWrite is null || Count(usage, "outputTokens") is not { } output
            || Count(usage, "reasoningTokens") is not { } reasoning || Count(usage, "modelCalls") is not { } calls || Count(usage, "costUsdTicks") is not { } ticks)
        {
            lines.Error(RolloutDiagnostic.ParseError, line.LineNumber, "a token count of a completed turn is not a whole number of zero or more");
            return;
        }
        // Grok's input counts the cached part too; TokenUsage's input is what was neither read from nor written to the cache.
        Usage += new TokenUsage(Math.Max(0, input.Value - cacheRead.Value - cacheWrite.Value), output, cacheRead.Value, cacheWrite.Value);
        Turns++;
        ModelCalls += calls;
        ReasoningTokens += reasoning;
        if (usage.GetPropertyOrDefault("costUsdTicks").ValueKind == JsonValueKind.Number)
        {
            StatesCost = true;
            CostUsd += ticks / 10_000_000_000m;
        }
    }

    /// <summary>A count, zero when absent; null when it is there and no count.</summary>
    private static long? Count(JsonElement usage, string name)
    {
        var value = usage.GetPropertyOrDefault(name);
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var count) && count >= 0 ? count : null;
    }
}
