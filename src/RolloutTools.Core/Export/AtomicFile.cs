using System.Text;

namespace RolloutTools.Core.Export;

/// <summary>
/// A file written next to its destination under a temporary name and renamed into place only when complete,
/// so an interrupted write (Ctrl+C, an error upstream) never leaves a truncated file, and the previous file
/// survives untouched. Appending copies the existing file first, so even then only whole lines are added.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private readonly string _path;
    private readonly string _temporary;
    private readonly Encoding _encoding;
    private readonly bool _utf8;
    private FileStream? _stream;
    private bool _committed;

    public AtomicFile(string path, bool append, Encoding encoding)
    {
        _path = path;
        _encoding = encoding;
        _utf8 = encoding is UTF8Encoding;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        _temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var existing = append && File.Exists(path) && new FileInfo(path).Length > 0;
        if (existing) File.Copy(path, _temporary);
        _stream = new FileStream(_temporary, existing ? FileMode.Open : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        if (existing)
        {
            _stream.Seek(-1, SeekOrigin.End);
            var last = _stream.ReadByte();
            _stream.Seek(0, SeekOrigin.End);
            if (last != '\n') WriteText("\n");
        }
        else
        {
            _stream.Write(encoding.GetPreamble());
        }
    }

    /// <summary>Writes one line of UTF-8 text (JSON) and its newline, in the file's encoding.</summary>
    public void WriteLine(ReadOnlySpan<byte> utf8)
    {
        var stream = _stream ?? throw new ObjectDisposedException(nameof(AtomicFile));
        if (_utf8)
        {
            stream.Write(utf8);
            stream.WriteByte((byte)'\n');
        }
        else
        {
            WriteText(Encoding.UTF8.GetString(utf8) + "\n");
        }
    }

    public void WriteText(string text) => (_stream ?? throw new ObjectDisposedException(nameof(AtomicFile))).Write(_encoding.GetBytes(text));

    /// <summary>Puts the complete file in place of the destination.</summary>
    public void Commit()
    {
        var stream = _stream ?? throw new ObjectDisposedException(nameof(AtomicFile));
        stream.Flush(flushToDisk: true);
        stream.Dispose();
        _stream = null;
        File.Move(_temporary, _path, overwrite: true);
        _committed = true;
    }

    /// <summary>Without a commit, the temporary file goes and the destination stays as it was.</summary>
    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
        if (!_committed && File.Exists(_temporary)) File.Delete(_temporary);
    }
}
