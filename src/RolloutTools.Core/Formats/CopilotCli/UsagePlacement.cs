using RolloutTools.Core.Model;

namespace RolloutTools.Core.Formats.CopilotCli;

/// <summary>
/// Where the tokens of a Copilot CLI session go. The log states two things: each assistant.message's
/// outputTokens, and at each session.shutdown (one per run of the CLI: a resumed session writes another) every
/// model's totals since that run began (modelMetrics: input with cache reads, output, cache reads and writes), the
/// main agent's and its sub-agents' together. Per-response input is never written, so a model's totals go on the
/// last response of that model in the run, less the output its other responses state; each other response keeps
/// its own output. A model's totals and the run's sum stay exact, and each model is priced as itself.
/// <para>
/// A model is a response's own, else the one its agent last chose (session.start, session.resume, a
/// model_change; a sub-agent's subagent.started and model changes are its own). When exactly one model of the
/// metrics has no response and some responses match none (a log that never names its model), those responses are
/// that model's, and say so. Other unmatched responses keep their own output only where a model without responses
/// can account for it; else their output is already in a matched model's totals and is not counted again. A model
/// with no response to carry it (a compaction's) stays on the record only (<see cref="UnplacedUsage"/>), named
/// in SourceMeta. A shutdown without metrics leaves its run open, so the next one with metrics covers it;
/// responses after the last shutdown (a session still running, or closed without one) have their output only.
/// </para>
/// <para>
/// The chunks of one model call (assistant.messages sharing apiCallId) are one response: its usage goes on the
/// last chunk, with the output counted once when every chunk states the same count (the call's) and summed when
/// they differ.
/// </para>
/// </summary>
internal sealed class UsagePlacement
{
    private readonly Dictionary<CopilotEvent, TokenUsage> _usage = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<CopilotEvent, string> _models = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _unplaced = new();
    private readonly List<string> _metricModels = new();

    /// <summary>The metrics no response carries: the main record's beyond its responses.</summary>
    public TokenUsage UnplacedUsage { get; private set; }

    public long ReasoningTokens { get; private set; }

    public IReadOnlyList<string> Unplaced => _unplaced;

    public IReadOnlyList<string> MetricModels => _metricModels;

    /// <summary>The usage of a response (the last chunk of a split call); null for one that carries none.</summary>
    public TokenUsage? UsageOf(CopilotEvent response) => _usage.TryGetValue(response, out var usage) ? usage : null;

    /// <summary>The model the metrics showed a response was, when its log never said.</summary>
    public string? ModelOf(CopilotEvent response) => _models.GetValueOrDefault(response);

    public static UsagePlacement Of(IReadOnlyList<CopilotEvent> path)
    {
        var placement = new UsagePlacement();
        var run = new List<(CopilotEvent Response, string? Model)>();
        var models = new Dictionary<string, string?>(StringComparer.Ordinal);
        var calls = new Dictionary<(string Agent, string Call), List<CopilotEvent>>();
        foreach (var e in path)
        {
            var agent = e.AgentId ?? string.Empty;
            switch (e.Type)
            {
                case "session.start" or "session.resume" when e.AgentId is null && e.SelectedModel is not null:
                    models[agent] = e.SelectedModel;
                    break;
                case "subagent.started" when (e.AgentId ?? e.ToolCallId) is { } key && e.Model is not null:
                    models[key] = e.Model;
                    break;
                case "session.model_change" when e.Model is not null:
                    models[agent] = e.Model;
                    break;
                case "assistant.message":
                    var model = e.Model ?? models.GetValueOrDefault(agent);
                    if (e.ApiCallId is { } call && calls.TryGetValue((agent, call), out var chunks))
                    {
                        // A further chunk of a call: the call's usage moves to it.
                        chunks.Add(e);
                        var index = run.FindIndex(r => r.Response == chunks[^2]);
                        if (index >= 0) run[index] = (e, run[index].Model);
                        placement._usage.Remove(chunks[^2]);
                        placement.Own(e, chunks);
                        continue;
                    }
                    if (e.ApiCallId is { } first) calls[(agent, first)] = new List<CopilotEvent> { e };
                    run.Add((e, model));
                    placement.Own(e, new[] { e });
                    break;
                case "session.shutdown" when e.Metrics.Count > 0:
                    placement.Place(run, e.Metrics);
                    run.Clear();
                    break;
            }
        }
        return placement;
    }

    /// <summary>A response's own output: one chunk's, or a split call's (once when the chunks agree).</summary>
    private void Own(CopilotEvent last, IReadOnlyList<CopilotEvent> chunks)
    {
        var output = chunks.Select(c => c.OutputTokens).Distinct().Count() == 1 ? chunks[0].OutputTokens : chunks.Sum(c => c.OutputTokens);
        if (output > 0) _usage[last] = new TokenUsage(0, output, 0, 0);
    }

    private long OutputOf(CopilotEvent response) => _usage.TryGetValue(response, out var u) ? u.OutputTokens : 0;

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
            foreach (var (response, _) in left) _models[response] = unmatched[0].Model;
            carried.Add((unmatched[0], left.Select(r => r.Response).ToList()));
            unmatched.Clear();
            left.Clear();
        }
        foreach (var (m, responses) in carried)
        {
            var carrier = responses[^1];
            var others = responses.Take(responses.Count - 1).Sum(OutputOf);
            // The others' output is theirs; what the metrics say beyond it is the carrier's.
            _usage[carrier] = m.Usage with { OutputTokens = Math.Max(0, m.Usage.OutputTokens - others) };
        }
        // Responses no model claimed: their output is in the metrics already, in an unmatched model's (which then
        // states less beyond them) or, past what those can hold, in a matched one's.
        var spare = unmatched.Sum(m => m.Usage.OutputTokens);
        var kept = 0L;
        foreach (var (response, _) in left)
        {
            var output = OutputOf(response);
            if (output <= spare - kept) kept += output;
            else _usage.Remove(response);
        }
        foreach (var m in unmatched)
        {
            if (!_unplaced.Contains(m.Model)) _unplaced.Add(m.Model);
            var taken = Math.Min(kept, m.Usage.OutputTokens);
            kept -= taken;
            UnplacedUsage += m.Usage with { OutputTokens = m.Usage.OutputTokens - taken };
        }
    }

    /// <summary>The same model, whether or not one of the two names carries a provider prefix ("openai/gpt-5").</summary>
    private static bool SameModel(string? a, string b) =>
        a is not null && (a == b || Bare(a).Equals(Bare(b), StringComparison.OrdinalIgnoreCase));

    private static string Bare(string model) => model[(model.LastIndexOf('/') + 1)..];
}
