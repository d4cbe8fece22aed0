using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.CopilotCli;

/// <summary>
/// Where the tokens of a Copilot CLI session go. The log states two things: each assistant.message's
/// outputTokens, and at each session.shutdown (one per run of the CLI: a resumed session writes another) every
/// model's totals since that run began (modelMetrics: input with cache reads, output, cache reads and writes).
/// Per-response input is never written, so a model's totals go on the last response of that model in the run,
/// less the output its other responses state; each other response keeps its own output. A model's totals and the
/// run's sum stay exact, and each model is priced as itself. A model in the metrics with no response of its own on
/// the active path (a subagent's, a compaction's) has nothing to carry it: its totals stay on the record only,
/// named in SourceMeta. A shutdown without metrics leaves its run open, so the next one with metrics covers it;
/// responses after the last shutdown (a session still running, or closed without one) have their output only.
/// </summary>
internal sealed class UsagePlacement
{
    private readonly Dictionary<CopilotEvent, TokenUsage> _usage = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _unplaced = new();
    private readonly List<string> _metricModels = new();

    public TokenUsage Total { get; private set; }

    public long ReasoningTokens { get; private set; }

    public IReadOnlyList<string> Unplaced => _unplaced;

    public IReadOnlyList<string> MetricModels => _metricModels;

    public TokenUsage? UsageOf(CopilotEvent response) => _usage.TryGetValue(response, out var usage) ? usage : null;

    public static UsagePlacement Of(IReadOnlyList<CopilotEvent> path)
    {
        var placement = new UsagePlacement();
        var run = new List<(CopilotEvent Response, string? Model)>();
        string? model = null;
        foreach (var e in path)
        {
            switch (e.Type)
            {
                case "session.start":
                    model = e.SelectedModel ?? model;
                    break;
                case "session.model_change" when e.Model is not null:
                    model = e.Model;
                    break;
                case "assistant.message":
                    run.Add((e, e.Model ?? model));
                    placement.Own(e);
                    break;
                case "session.shutdown" when e.Metrics.Count > 0:
                    placement.Place(run, e.Metrics);
                    run.Clear();
                    break;
            }
        }
        return placement;
    }

    private void Own(CopilotEvent response)
    {
        if (response.OutputTokens <= 0) return;
        var usage = new TokenUsage(0, response.OutputTokens, 0, 0);
        _usage[response] = usage;
        Total += usage;
    }

    private void Place(List<(CopilotEvent Response, string? Model)> run, IReadOnlyList<CopilotModelMetrics> metrics)
    {
        var left = run.ToList();
        var unmatched = new List<CopilotModelMetrics>();
        var carried = new List<(CopilotModelMetrics Metrics, List<CopilotEvent> Responses)>();
        foreach (var m in metrics)
        {
            if (!_metricModels.Contains(m.Model)) _metricModels.Add(m.Model);
            ReasoningTokens += m.ReasoningTokens;
            var mine = left.Where(r => SameModel(r.Model, m.Model)).Select(r => r.Response).ToList();
            if (mine.Count == 0) unmatched.Add(m);
            else carried.Add((m, mine));
            left.RemoveAll(r => SameModel(r.Model, m.Model));
        }
        // One model the metrics name and the log never does: the responses nobody claimed were its.
        if (unmatched.Count == 1 && left.Count > 0)
        {
            carried.Add((unmatched[0], left.Select(r => r.Response).ToList()));
            unmatched.Clear();
        }
        foreach (var (m, responses) in carried)
        {
            var carrier = responses[^1];
            var others = responses.Take(responses.Count - 1).Sum(r => _usage.TryGetValue(r, out var u) ? u.OutputTokens : 0);
            if (_usage.TryGetValue(carrier, out var own)) Total = Total.Minus(own);
            var usage = m.Usage with { OutputTokens = Math.Max(0, m.Usage.OutputTokens - others) };
            _usage[carrier] = usage;
            Total += usage;
            // The others' output was counted as theirs already; what the metrics say beyond it is the carrier's.
        }
        foreach (var m in unmatched)
        {
            if (!_unplaced.Contains(m.Model)) _unplaced.Add(m.Model);
            Total += m.Usage;
        }
    }

    /// <summary>The same model, whether or not one of the two names carries a provider prefix ("openai/gpt-5").</summary>
    private static bool SameModel(string? a, string b) =>
        a is not null && (a == b || Bare(a).Equals(Bare(b), StringComparison.OrdinalIgnoreCase));

    private static string Bare(string model) => model[(model.LastIndexOf('/') + 1)..];
}
