using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Reading;

public sealed class OrderedParallelTests
{
    [Fact]
    public void Results_come_in_input_order_whatever_order_the_workers_finish_in()
    {
        var items = Enumerable.Range(0, 200).ToArray();

        var results = OrderedParallel.Select(items, (i, _) => { Thread.Sleep((i * 7) % 3); return i * 2; }, 4, CancellationToken.None).ToArray();

        Assert.Equal(items.Select(i => i * 2), results);
    }

    [Fact]
    public void A_failure_is_thrown_in_its_place_as_itself()
    {
        var seen = new List<int>();

        var thrown = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var r in OrderedParallel.Select(Enumerable.Range(0, 50).ToArray(), (i, _) => i == 20 ? throw new InvalidDataException("item 20") : i, 3, CancellationToken.None)) seen.Add(r);
        });

        Assert.Equal("item 20", thrown.Message);
        Assert.Equal(Enumerable.Range(0, 20), seen);
    }

    [Fact]
    public void Stopping_early_cancels_the_window_and_no_work_outlives_the_enumeration()
    {
        var started = 0;
        var running = 0;
        var cancelled = 0;
        var items = Enumerable.Range(0, 1000).ToArray();

        var first = OrderedParallel.Select(items, (i, token) =>
        {
            Interlocked.Increment(ref started);
            Interlocked.Increment(ref running);
            try
            {
                if (i > 0 && token.WaitHandle.WaitOne(TimeSpan.FromSeconds(10))) Interlocked.Increment(ref cancelled);
                return i;
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }, 2, CancellationToken.None).First();

        Assert.Equal(0, first);
        Assert.Equal(0, Volatile.Read(ref running));
        // The window: two workers, eight results ahead at most; the rest were never started.
        Assert.InRange(started, 1, 9);
        Assert.True(cancelled >= 1);
    }

    [Fact]
    public void Cancelling_the_caller_s_token_ends_a_wait_for_a_result()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.ThrowsAny<OperationCanceledException>(() =>
            OrderedParallel.Select(new[] { 1, 2 }, (i, token) => { token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)); token.ThrowIfCancellationRequested(); return i; }, 2, cancellation.Token).ToArray());
    }

    [Fact]
    public void No_items_give_no_results_and_start_no_worker()
    {
        Assert.Empty(OrderedParallel.Select(Array.Empty<int>(), (i, _) => i, 4, CancellationToken.None));
    }
}
