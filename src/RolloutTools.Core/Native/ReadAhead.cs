using System.Buffers;
using System.Collections.Concurrent;

namespace RolloutTools.Core.Native;

/// <summary>
/// A stream read ahead on a thread of its own into a bounded queue of chunks. A pipe holds 64 KB, less than one
/// record: read directly, the reader could write only while this process was between records, so its writing and
/// this process's reading took turns instead of running side by side.
/// </summary>
internal sealed class ReadAhead : Stream
{
    private const int ChunkSize = 1024 * 1024;

    private readonly BlockingCollection<ArraySegment<byte>> _chunks;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _pump;
    private Exception? _failure;
    private ArraySegment<byte> _current = ArraySegment<byte>.Empty;
    private int _offset;
    private bool _ended;

    /// <param name="capacity">How many chunks of 1 MB may wait before the pump waits too.</param>
    public ReadAhead(Stream source, int capacity = 32)
    {
        _chunks = new BlockingCollection<ArraySegment<byte>>(capacity);
        _pump = new Thread(() => Pump(source)) { IsBackground = true, Name = "RolloutTools native reader output" };
        _pump.Start();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_offset == _current.Count)
        {
            if (_current.Array is { Length: > 0 } done) ArrayPool<byte>.Shared.Return(done);
            _current = ArraySegment<byte>.Empty;
            _offset = 0;
            if (_ended) return 0;
            if (!_chunks.TryTake(out var next, Timeout.Infinite))
            {
                _ended = true;
                if (_failure is not null) throw new IOException(_failure.Message, _failure);
                return 0;
            }
            _current = next;
        }
        var count = Math.Min(buffer.Length, _current.Count - _offset);
        _current.AsSpan(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            _stop.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Pump(Stream source)
    {
        try
        {
            while (true)
            {
                // Pooled: chunks of a megabyte would otherwise each be a large object for a full collection to free.
                var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
                var filled = source.Read(chunk, 0, ChunkSize);
                if (filled == 0)
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                    break;
                }
                _chunks.Add(new ArraySegment<byte>(chunk, 0, filled), _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: nobody reads on.
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _failure = e;
        }
        finally
        {
            _chunks.CompleteAdding();
        }
    }
}
