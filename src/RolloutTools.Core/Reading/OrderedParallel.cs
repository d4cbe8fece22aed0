using System.Runtime.ExceptionServices;

namespace RolloutTools.Core.Reading;

/// <summary>
/// Maps items on worker threads and yields the results in input order, keeping only a small window in
/// flight so memory stays flat and the first result arrives early. Disposing the enumeration (a pipeline
/// stopped by Select-Object -First or Ctrl+C) cancels the window and waits for it: no work outlives it.
/// </summary>
/// <remarks>
/// The workers are threads of their own that block while the window is full, rather than a task per item on the
/// thread pool: with many small traces the pool's idle threads and a consumer waiting on each task spent as much
/// CPU spinning as the reading itself, on a machine of two cores.
/// </remarks>
public static class OrderedParallel
{
    public static IEnumerable<TResult> Select<TItem, TResult>(
        IReadOnlyList<TItem> items,
        Func<TItem, CancellationToken, TResult> map,
        int degreeOfParallelism,
        CancellationToken cancellation)
    {
        if (items.Count == 0) yield break;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var window = new Window<TResult>(items.Count, Math.Max(1, degreeOfParallelism) * 4);
        using var closeOnStop = stop.Token.Register(window.Close);
        var workers = new Thread[Math.Clamp(degreeOfParallelism, 1, items.Count)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = new Thread(() =>
            {
                while (window.TryTake(out var index))
                {
                    try
                    {
                        window.Put(index, map(items[index], stop.Token));
                    }
                    catch (Exception e)
                    {
                        // Handed to the consumer, who rethrows it in order, as a task's result would.
                        window.Fail(index, ExceptionDispatchInfo.Capture(e));
                    }
                }
            }) { IsBackground = true, Name = "RolloutTools reader" };
            workers[w].Start();
        }
        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                yield return window.Result(i, stop.Token);
            }
        }
        finally
        {
            stop.Cancel();
            foreach (var worker in workers) worker.Join();
        }
    }

    /// <summary>The results in flight, under one lock: workers take indexes no further than the window ahead of the consumer.</summary>
    private sealed class Window<TResult>
    {
        private readonly object _lock = new();
        private readonly TResult?[] _results;
        private readonly ExceptionDispatchInfo?[] _errors;
        private readonly bool[] _done;
        private readonly int _size;
        private int _next;
        private int _consumed;
        private bool _closed;

        public Window(int count, int size)
        {
            _results = new TResult?[count];
            _errors = new ExceptionDispatchInfo?[count];
            _done = new bool[count];
            _size = size;
        }

        public bool TryTake(out int index)
        {
            lock (_lock)
            {
                while (!_closed && _next < _done.Length && _next >= _consumed + _size) Monitor.Wait(_lock);
                index = _next;
                if (_closed || _next >= _done.Length) return false;
                _next++;
                return true;
            }
        }

        public void Put(int index, TResult result) => Complete(index, result, null);

        public void Fail(int index, ExceptionDispatchInfo error) => Complete(index, default, error);

        private void Complete(int index, TResult? result, ExceptionDispatchInfo? error)
        {
            lock (_lock)
            {
                _results[index] = result;
                _errors[index] = error;
                _done[index] = true;
                if (index == _consumed) Monitor.PulseAll(_lock);
            }
        }

        public TResult Result(int index, CancellationToken cancellation)
        {
            lock (_lock)
            {
                while (!_done[index])
                {
                    cancellation.ThrowIfCancellationRequested();
                    Monitor.Wait(_lock);
                }
                var result = _results[index];
                var error = _errors[index];
                _results[index] = default;
                _consumed = index + 1;
                Monitor.PulseAll(_lock);
                error?.Throw();
                return result!;
            }
        }

        public void Close()
        {
            lock (_lock)
            {
                _closed = true;
                Monitor.PulseAll(_lock);
            }
        }
    }
}
