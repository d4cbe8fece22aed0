using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace RolloutTools.Core.Native;

/// <summary>
/// Reads what <see cref="WireWriter"/> wrote. Its methods are compiled fully optimized at once: they run in a fresh
/// PowerShell process for every value of every record, where code otherwise starts unoptimized.
/// </summary>
internal sealed class WireReader
{
    /// <summary>More than any string a trace holds; a larger length is damage, not a value to allocate for.</summary>
    private const int MaxValueBytes = 1 << 30;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public WireReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>The next byte, or null at the end of the stream.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public byte? ByteOrEnd()
    {
        if (_start == _end && !TryFill(1)) return null;
        return _buffer[_start++];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public byte Byte() => Take(1)[0];

    public bool Bool() => Byte() != 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public decimal Decimal() => new(stackalloc int[] { Int(), Int(), Int(), Int() });

    public DateTimeOffset Time()
    {
        var ticks = Long();
        return new DateTimeOffset(ticks, TimeSpan.FromMinutes(Int()));
    }

    /// <summary>The presence flag <see cref="WireWriter.Has{T}(T?)"/> wrote.</summary>
    public bool Has() => Bool();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string? String()
    {
        var kind = Byte();
        if (kind == 0) return null;
        var length = Int();
        if (length == 0) return string.Empty;
        var bytes = Take(length);
        return kind switch
        {
            WireWriter.Utf8String => Encoding.UTF8.GetString(bytes),
            WireWriter.Utf16String => new string(MemoryMarshal.Cast<byte, char>(bytes)),
            _ => throw new InvalidDataException($"No string is written as kind {kind}."),
        };
    }

    public IReadOnlyList<string>? Strings()
    {
        if (!Has()) return null;
        var values = new string[Count()];
        for (var i = 0; i < values.Length; i++) values[i] = String()!;
        return values;
    }

    /// <summary>A count of items that follow.</summary>
    public int Count()
    {
        var count = Int();
        return count >= 0 ? count : throw new InvalidDataException($"A count of {count} items.");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<byte> Take(int count)
    {
        if (_end - _start < count && !TryFill(count)) throw new EndOfStreamException("The native reader's output ended inside a value.");
        var span = new ReadOnlySpan<byte>(_buffer, _start, count);
        _start += count;
        return span;
    }

    /// <summary>Reads until <paramref name="count"/> bytes are buffered; false when the stream ends first.</summary>
    private bool TryFill(int count)
    {
        if (count is < 0 or > MaxValueBytes) throw new InvalidDataException($"A value of {count} bytes.");
        var buffered = _end - _start;
        if (count > _buffer.Length - _start)
        {
            var target = count > _buffer.Length ? new byte[Math.Max(count, _buffer.Length * 2)] : _buffer;
            Buffer.BlockCopy(_buffer, _start, target, 0, buffered);
            _buffer = target;
            _start = 0;
            _end = buffered;
        }
        while (_end - _start < count)
        {
            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0) return false;
            _end += read;
        }
        return true;
    }
}
