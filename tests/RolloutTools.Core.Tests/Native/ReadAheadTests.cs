using RolloutTools.Core.Native;

namespace RolloutTools.Core.Tests.Native;

/// <summary>The native reader's output read ahead on a thread of its own: every byte in order, and failures kept.</summary>
public sealed class ReadAheadTests
{
    [Fact]
    public void Hands_back_every_byte_in_order_across_chunks_then_the_end()
    {
        var bytes = new byte[3 * 1024 * 1024 + 12345];
        new Random(7).NextBytes(bytes);
        using var ahead = new ReadAhead(new TrickleStream(bytes), capacity: 2);
        var back = new MemoryStream();
        var buffer = new byte[70_001];
        int read;
        while ((read = ahead.Read(buffer, 0, buffer.Length)) > 0) back.Write(buffer, 0, read);

        Assert.Equal(bytes, back.ToArray());
        Assert.Equal(0, ahead.Read(buffer, 0, buffer.Length));
    }

    [Fact]
    public void A_source_that_fails_is_an_io_error_after_what_came_before_it()
    {
        using var ahead = new ReadAhead(new TrickleStream(new byte[] { 1, 2, 3 }) { FailAtEnd = true });
        var buffer = new byte[16];

        Assert.Equal(3, ahead.Read(buffer, 0, buffer.Length));
        Assert.Throws<IOException>(() => ahead.Read(buffer, 0, buffer.Length));
    }

    [Fact]
    public void Disposing_while_the_queue_is_full_releases_the_pump()
    {
        var source = new TrickleStream(new byte[64 * 1024 * 1024]);
        var ahead = new ReadAhead(source, capacity: 1);
        var buffer = new byte[10];
        Assert.Equal(10, ahead.Read(buffer, 0, buffer.Length));

        ahead.Dispose();

        // The pump stops reading once it can no longer queue: far less than the whole source is read.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long before;
        do
        {
            before = source.Position;
            Thread.Sleep(100);
        }
        while (source.Position != before && DateTime.UtcNow < deadline);
        Assert.True(source.Position < source.Length, $"The pump read all {source.Length} bytes after it was disposed.");
    }

    /// <summary>A stream that gives at most 50,000 bytes a read, as a pipe does, and can fail at its end.</summary>
    private sealed class TrickleStream : MemoryStream
    {
        public TrickleStream(byte[] bytes)
            : base(bytes, writable: false)
        {
        }

        public bool FailAtEnd { get; init; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, Math.Min(count, 50_000));
            if (read == 0 && FailAtEnd) throw new IOException("broken pipe");
            return read;
        }
    }
}
