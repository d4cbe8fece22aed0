namespace RolloutTools.Core.Reading;

/// <summary>
/// Maps items on worker threads and yields the results in input order, keeping only a small window in
/// flight so memory stays flat and the first result arrives early. Disposing the enumeration (a pipeline
/// stopped by Select-Object -First or Ctrl+C) cancels the window and waits for it: no work outlives it.
/// </summary>
public static class OrderedParallel
{
    public static IEnumerable<TResult> Select<TItem, TResult>(
        IReadOnlyList<TItem> items,
        Func<TItem, CancellationToken, TResult> map,
        int degreeOfParallelism,
        CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var window = new Queue<Task<TResult>>();
        var next = 0;
        var size = Math.Max(1, degreeOfParallelism) * 2;
        try
        {
            while (next < items.Count || window.Count > 0)
            {
                while (next < items.Count && window.Count < size)
                {
                    var item = items[next++];
                    window.Enqueue(Task.Run(() => map(item, stop.Token), stop.Token));
                }
                yield return window.Dequeue().GetAwaiter().GetResult();
            }
        }
        finally
        {
            stop.Cancel();
            foreach (var pending in window)
            {
                try
                {
                    pending.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                    // Cancelled or failed after nobody wanted its result.
                }
            }
        }
    }
}
