using RolloutTools.Core.Formats;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Usage;

/// <summary>Runs a <see cref="UsageRequest"/> in this process: finds the traces, reads them in parallel and meters each record as it comes.</summary>
public static class UsageRun
{
    /// <param name="registry">The formats the run knows; the module's own when null.</param>
    public static IEnumerable<UsageEvent> Events(UsageRequest request, CancellationToken cancellation, FormatRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var meter = new UsageMeter(request.CreateMeterOptions());
        var plan = new ReadPlan(registry ?? FormatRegistry.Default) { Search = request.Search };
        foreach (var source in request.Sources)
        {
            var problems = source.Path is null ? plan.AddDefaultLocations(source.Formats) : plan.AddPath(source.Path, source.Formats);
            foreach (var problem in problems) yield return new UsageProblem(problem);
        }

        foreach (var step in plan.ReadCounted(request.ReadOptions, cancellation))
        {
            if (step.Result.Record is { } record) meter.Add(record);
            yield return new UsageRead(step with { Result = step.Result with { Record = null } });
        }
        foreach (var problem in plan.NotFound()) yield return new UsageProblem(problem);
        yield return new UsageDone(meter.Report());
    }
}
