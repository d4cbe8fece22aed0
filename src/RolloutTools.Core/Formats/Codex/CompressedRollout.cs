using RolloutTools.Core.Reading;
using ZstdSharp;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// Codex's compressed rollouts: a background worker turns a rollout untouched for seven days into one zstd frame
/// beside it (rollout-*.jsonl.zst, level 3, the same name plus .zst, its time of last change kept) and removes the
/// plain file; Codex reads such a file as its .jsonl, and turns it back into plain JSONL before appending
/// (openai/codex codex-rs/rollout/src/compression.rs, 3846901e). The lines inside are the rollout's lines.
/// </summary>
internal static class CompressedRollout
{
    private const string Suffix = ".zst";

    public static bool IsCompressed(string path) => path.EndsWith(".jsonl" + Suffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The name of the plain .jsonl twin, which is the rollout's own name for a compressed one.</summary>
    public static string PlainName(string path)
    {
        var name = Path.GetFileName(path);
        return IsCompressed(name) ? name[..^Suffix.Length] : name;
    }

    /// <summary>
    /// The rollout's JSONL text, decompressed as it is read when the file is compressed. Damaged or cut-off zstd
    /// data ends the text where it stops making sense, with an error naming the file; the lines before it read.
    /// </summary>
    public static Stream OpenText(TraceSource source, DiagnosticList diagnostics)
    {
        var stream = source.Open();
        return source.IsFile && IsCompressed(source.Path) ? new DecompressedText(stream, diagnostics) : stream;
    }

    /// <summary>A forward-only reader of the decompressed text that turns the decoder's failure into an error and an end.</summary>
    private sealed class DecompressedText : Stream
    {
        private readonly DecompressionStream _decoder;
        private readonly DiagnosticList _diagnostics;
        private long _read;
        private bool _stopped;

        public DecompressedText(Stream compressed, DiagnosticList diagnostics)
        {
            // checkEndOfStream: a frame cut off before its end is an error, not a quiet end of the text.
            _decoder = new DecompressionStream(compressed, leaveOpen: false, checkEndOfStream: true);
            _diagnostics = diagnostics;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_stopped) return 0;
            try
            {
                var read = _decoder.Read(buffer);
                _read += read;
                return read;
            }
            catch (Exception e) when (e is ZstdException or EndOfStreamException)
            {
                _stopped = true;
                var what = e is EndOfStreamException ? "ends before its zstd frame does (cut off)" : $"holds damaged zstd data ({e.Message})";
                _diagnostics.Error(RolloutDiagnostic.ReadError, null,
                    $"the compressed rollout {what} after {_read:N0} bytes of text; the lines before it are read, nothing after.");
                return 0;
            }
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _decoder.Dispose();
            base.Dispose(disposing);
        }
    }
}
