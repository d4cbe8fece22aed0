using RolloutTools.Core.Formats;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Usage;

/// <summary>Runs a <see cref="UsageRequest"/> in this process: finds the traces, reads them in parallel and meters each record as it comes.</summary>
public static class UsageRun
{
    /// <summary>
    /// The events of the request's run (<see cref="ReadRequest.Events"/>), each step without its record (the meter
    /// has it), then <see cref="UsageDone"/> with the report.
    /// </summary>
    /// <param name="registry">The formats the run knows; the module's own when null.</param>
    public static IEnumerable<ReadEvent> Events(UsageRequest request, CancellationToken cancellation, FormatRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var meter = new UsageMeter(request.CreateMeterOptions());
        foreach (var readEvent in request.Read.Events(cancellation, registry))
        {
            if (readEvent is ReadStep { Progress: var step } && step.Result.Record is { } record)
            {
                meter.Add(record);
                yield return new ReadStep(step with { Result = step.Result with { Record = null } });
            }
            else
            {
                yield return readEvent;
            }
        }
        yield return new UsageDone(meter.Report());
    }
}
