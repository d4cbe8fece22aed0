using System.Buffers.Binary;
using System.Text.Unicode;

namespace RolloutTools.Core.Native;

/// <summary>
/// Writes the values of the native reader's pipe (<see cref="NativeWire"/>) into a buffer that goes to the stream
/// when full or flushed: fixed-width little-endian numbers, and strings as UTF-8, or as UTF-16 when they hold a lone
/// surrogate (text cut inside a pair), which UTF-8 cannot carry, so every string arrives as it was.
/// </summary>
internal sealed class WireWriter
{
    private const byte NullString = 0;
    internal const byte Utf8String = 1;
    internal const byte Utf16String = 2;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _used;

    public WireWriter(Stream stream)
    {
        _stream = stream;
    }

    public void Byte(byte value) => Reserve(1)[0] = value;

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void Int(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    public void Long(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    public void Double(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

    public void Decimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        foreach (var part in bits) Int(part);
    }

    public void Time(DateTimeOffset value)
    {
        Long(value.Ticks);
        Int((int)(value.Offset.Ticks / TimeSpan.TicksPerMinute));
    }

    /// <summary>A presence flag; the value follows when it is true.</summary>
    public bool Has<T>(T? value)
        where T : struct
    {
        Bool(value.HasValue);
        return value.HasValue;
    }

    /// <summary>A presence flag; the value follows when it is true.</summary>
    public bool Has<T>(T? value)
        where T : class
    {
        Bool(value is not null);
        return value is not null;
    }

    public void String(string? value)
    {
        if (value is null)
        {
            Byte(NullString);
            return;
        }
        var space = Reserve(5 + value.Length * 3);
        var status = Utf8.FromUtf16(value, space[5..], out _, out var written, replaceInvalidSequences: false);
        if (status == System.Buffers.OperationStatus.Done)
        {
            space[0] = Utf8String;
            BinaryPrimitives.WriteInt32LittleEndian(space[1..], written);
            _used -= space.Length - 5 - written;
            return;
        }
        _used -= space.Length;
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.AsSpan());
        space = Reserve(5 + bytes.Length);
        space[0] = Utf16String;
        BinaryPrimitives.WriteInt32LittleEndian(space[1..], bytes.Length);
        bytes.CopyTo(space[5..]);
    }

    public void Strings(IReadOnlyCollection<string>? values)
    {
        if (!Has(values)) return;
        Int(values!.Count);
        foreach (var value in values) String(value);
    }

    public void Flush()
    {
        _stream.Write(_buffer, 0, _used);
        _used = 0;
        _stream.Flush();
    }

    /// <summary>Room for <paramref name="count"/> bytes at the end of what is written, counted as written.</summary>
    private Span<byte> Reserve(int count)
    {
        if (_used + count > _buffer.Length)
        {
            _stream.Write(_buffer, 0, _used);
            _used = 0;
            if (count > _buffer.Length) _buffer = new byte[count];
        }
        var span = _buffer.AsSpan(_used, count);
        _used += count;
        return span;
    }
}
