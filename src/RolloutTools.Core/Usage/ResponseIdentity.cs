using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Usage;

/// <summary>
/// A response's identity (its format and RolloutMessage.ResponseId) as 128 bits of its SHA-256, so the meter remembers
/// the responses it counted in 16 bytes each rather than a string apiece: a report over four gigabytes of traces
/// remembers about a million. A collision at 128 bits is not a practical concern; SHA-256 is used because it is in
/// every runtime and allowed where FIPS mode forbids MD5.
/// </summary>
internal readonly record struct ResponseIdentity(ulong High, ulong Low)
{
    public static ResponseIdentity Of(RolloutFormat format, string responseId)
    {
        var length = Encoding.UTF8.GetMaxByteCount(responseId.Length) + sizeof(int);
        var rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> text = rented ?? stackalloc byte[512];
            BitConverter.TryWriteBytes(text, (int)format);
            var written = sizeof(int) + Encoding.UTF8.GetBytes(responseId, text[sizeof(int)..]);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(text[..written], hash);
            return new ResponseIdentity(BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash[sizeof(ulong)..]));
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
