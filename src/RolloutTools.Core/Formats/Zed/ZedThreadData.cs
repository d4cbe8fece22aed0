using ZstdSharp;

namespace RolloutTools.Core.Formats.Zed;

/// <summary>
/// A thread row's data as JSON: Zed writes it zstd-compressed (crates/agent/src/db.rs save_thread_sync, zstd's
/// encode_all at level 3, a streamed frame that does not state its size) and reads "json" rows as they are
/// (deserialize_thread). ZstdSharp, a managed port of zstd, decompresses it in the module and in the native reader alike.
/// </summary>
internal static class ZedThreadData
{
    public static byte[] Decode(ZedStoredThread row) => row.DataType switch
    {
        "zstd" => Decompress(row.Data),
        "json" => row.Data,
        var other => throw new InvalidDataException($"its data_type '{other ?? "(none)"}' is neither json nor zstd"),
    };

    private static byte[] Decompress(byte[] data)
    {
        try
        {
            using var input = new DecompressionStream(new MemoryStream(data, writable: false));
            using var output = new MemoryStream(data.Length * 4);
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (Exception e) when (e is ZstdException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"its zstd data cannot be decompressed ({e.Message})", e);
        }
    }
}
