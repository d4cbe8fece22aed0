using System.Text;

namespace RolloutTools.Core.Export;

/// <summary>
/// One output file of an export, behaving as Export-Csv's do where it matters to the person who owns the file,
/// and never leaving a half-written file where a whole one was:
/// <list type="bullet">
/// <item>the file is written beside its destination under a temporary name and renamed into place only when
/// complete, so an interrupted export (Ctrl+C, an error upstream, SIGTERM) leaves the previous file untouched and
/// no temporary file behind (see <see cref="TemporaryFiles"/>);</item>
/// <item>a replaced file keeps its permissions (the Unix mode, and its owner where the system allows; on Windows
/// File.Replace keeps its ACL and attributes), and a read-only one stays read-only;</item>
/// <item>a symbolic link is written through: its final target is replaced and the link stays a link;</item>
/// <item>an existing file in a folder that cannot be written is written in place instead (IsAtomic false);</item>
/// <item>appending keeps the existing file's encoding and adds whole lines only.</item>
/// </list>
/// Failures are <see cref="ExportFileException"/>s naming the destination, never the temporary file.
/// </summary>
public sealed class ExportFile : IDisposable
{
    private readonly string _target;
    private readonly string? _temporary;
    private readonly bool _readOnly;
    private FileStream? _stream;
    private bool _committed;

    /// <param name="destination">The file to write, as the person named it.</param>
    /// <param name="append">Add to the end of an existing file rather than replace it.</param>
    /// <param name="encoding">The encoding of a new file (or a replaced or empty one); an appended file keeps its own.</param>
    /// <param name="staleFiles">Sweeps each folder once per command; without it, this file's folder is swept.</param>
    public ExportFile(string destination, bool append, Encoding encoding, StaleFileSweep? staleFiles = null)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        Destination = Path.GetFullPath(destination);
        try
        {
            _target = FinalTarget(Destination);
            var existing = new FileInfo(_target);
            var appending = append && existing.Exists && existing.Length > 0;
            _readOnly = existing.Exists && existing.Attributes.HasFlag(FileAttributes.ReadOnly);
            Encoding = appending ? EncodingOf(_target) : encoding;
            (staleFiles ?? new StaleFileSweep()).Sweep(Path.GetDirectoryName(_target) ?? ".");

            _temporary = TemporaryFiles.PathFor(_target);
            _stream = CreateTemporary(_temporary, existing.Exists ? _target : null);
            if (_stream is null)
            {
                _temporary = null;
                _stream = OpenInPlace(appending);
            }
            else if (appending)
            {
                using var previous = new FileStream(_target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                previous.CopyTo(_stream);
            }

            if (appending) EndLastLine();
            else _stream.Write(Encoding.GetPreamble());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Dispose();
            // The system names the temporary file's path; the person needs to hear which folder is missing.
            if (e is DirectoryNotFoundException && Path.GetDirectoryName(_target) is { } folder && !Directory.Exists(folder))
            {
                throw new ExportFileException(Destination, $"the folder '{folder}' does not exist; create it first.", e);
            }
            throw Failure(e);
        }
    }

    /// <summary>The file to write, as a full path (a link stays the link's path here).</summary>
    public string Destination { get; }

    /// <summary>The file the bytes go to: the destination, or the final target of the symbolic link it is.</summary>
    public string Target => _target;

    /// <summary>False when the file is written in place, because its folder cannot be written: an interruption then leaves it incomplete.</summary>
    public bool IsAtomic => _temporary is not null;

    /// <summary>The encoding the text is written in: the one asked for, or the appended file's own.</summary>
    public Encoding Encoding { get; }

    /// <summary>Writes one line of UTF-8 text (JSON) and its newline, in the file's encoding.</summary>
    public void WriteLine(ReadOnlySpan<byte> utf8)
    {
        var stream = Stream;
        try
        {
            if (Encoding.CodePage == Encoding.UTF8.CodePage)
            {
                stream.Write(utf8);
                stream.WriteByte((byte)'\n');
            }
            else
            {
                stream.Write(Encoding.GetBytes(System.Text.Encoding.UTF8.GetString(utf8) + "\n"));
            }
        }
        catch (IOException e)
        {
            throw Failure(e);
        }
    }

    public void WriteText(string text)
    {
        var stream = Stream;
        try
        {
            stream.Write(Encoding.GetBytes(text));
        }
        catch (IOException e)
        {
            throw Failure(e);
        }
    }

    /// <summary>
    /// Lets a writer of a binary format (Parquet) write to the file directly: the stream reads, writes and seeks, so
    /// a format whose footer is rewritten as it grows can go back over it. Failures name the destination.
    /// </summary>
    public void Write(Action<Stream> write)
    {
        var stream = Stream;
        try
        {
            write(stream);
        }
        catch (IOException e)
        {
            throw Failure(e);
        }
    }

    /// <summary>Puts the complete file in place of the destination (or, written in place, makes sure it is on disk).</summary>
    public void Commit()
    {
        var stream = Stream;
        try
        {
            stream.Flush(flushToDisk: true);
            stream.Dispose();
            _stream = null;
            if (_temporary is not null) Replace(_temporary, _target);
            else RestoreReadOnly();
            _committed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(e);
        }
        finally
        {
            if (_temporary is not null) TemporaryFiles.Forget(_temporary);
        }
    }

    /// <summary>Without a commit, the temporary file goes and the destination stays as it was.</summary>
    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
        if (_committed) return;
        if (_temporary is null)
        {
            RestoreReadOnly();
            return;
        }
        try
        {
            File.Delete(_temporary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next export into this folder, which removes it.
        }
        TemporaryFiles.Forget(_temporary);
    }

    private FileStream Stream => _stream ?? throw new ObjectDisposedException(nameof(ExportFile));

    private ExportFileException Failure(Exception e) =>
        new(Destination, _temporary is null ? e.Message : e.Message.Replace(_temporary, Destination, StringComparison.Ordinal), e);

    /// <summary>The file a chain of symbolic links ends at (the path itself when it is no link); it need not exist yet.</summary>
    private static string FinalTarget(string path)
    {
        var file = new FileInfo(path);
        if (file.LinkTarget is null) return path;
        return file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
    }

    /// <summary>
    /// The temporary file, created exclusively and locked (FileShare.None, see TemporaryFiles.RemoveStale), given
    /// the owner and mode of the file it will replace before any byte is written, so a private file's data is never
    /// readable by others, not even for a moment. Null when the folder cannot be written to.
    /// </summary>
    private static FileStream? CreateTemporary(string temporary, string? replaced)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException) when (replaced is not null)
        {
            return null;
        }
        TemporaryFiles.Track(temporary);
        if (replaced is not null && !OperatingSystem.IsWindows())
        {
            // Owner first: giving a file away clears its set-user-id and set-group-id bits, which the mode restores.
            FileOwner.TryCopy(replaced, temporary);
            File.SetUnixFileMode(stream.SafeFileHandle, File.GetUnixFileMode(replaced));
        }
        return stream;
    }

    /// <summary>Opens the destination itself: to add to it, or emptied to be written again. A read-only file (allowed by -Force) is made writable until the commit.</summary>
    private FileStream OpenInPlace(bool appending)
    {
        if (_readOnly) File.SetAttributes(_target, File.GetAttributes(_target) & ~FileAttributes.ReadOnly);
        var stream = new FileStream(_target, appending ? FileMode.Open : FileMode.Truncate, FileAccess.ReadWrite, FileShare.Read);
        stream.Seek(0, SeekOrigin.End);
        return stream;
    }

    /// <summary>A read-only file written in place is read-only again afterwards, as Export-Csv -Force leaves it.</summary>
    private void RestoreReadOnly()
    {
        if (_readOnly && File.Exists(_target)) File.SetAttributes(_target, File.GetAttributes(_target) | FileAttributes.ReadOnly);
    }

    /// <summary>An appended file whose last line has no line end gets one, so the first line added is whole.</summary>
    private void EndLastLine()
    {
        var stream = Stream;
        var newline = Encoding.GetBytes("\n");
        if (stream.Length <= Encoding.GetPreamble().Length) return;
        var last = new byte[newline.Length];
        stream.Seek(-newline.Length, SeekOrigin.End);
        stream.ReadExactly(last);
        stream.Seek(0, SeekOrigin.End);
        if (!last.AsSpan().SequenceEqual(newline)) stream.Write(newline);
    }

    /// <summary>The encoding named by a file's byte order mark, as Export-Csv reads it; UTF-8 without one.</summary>
    internal static Encoding EncodingOf(string path)
    {
        Span<byte> head = stackalloc byte[4];
        int read;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        head = head[..read];
        if (head.StartsWith(new byte[] { 0xFF, 0xFE, 0, 0 })) return new UTF32Encoding(bigEndian: false, byteOrderMark: true);
        if (head.StartsWith(new byte[] { 0, 0, 0xFE, 0xFF })) return new UTF32Encoding(bigEndian: true, byteOrderMark: true);
        if (head.StartsWith(new byte[] { 0xFF, 0xFE })) return new UnicodeEncoding(bigEndian: false, byteOrderMark: true);
        if (head.StartsWith(new byte[] { 0xFE, 0xFF })) return new UnicodeEncoding(bigEndian: true, byteOrderMark: true);
        if (head.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) return new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    }

    /// <summary>
    /// Renames the finished file over the target. On Windows an existing target is replaced with File.Replace,
    /// which keeps its ACL and attributes; a read-only one is made writable for the replacement and read-only again.
    /// On Unix the rename needs no write access to the file, and the mode and owner were copied at creation.
    /// </summary>
    private void Replace(string temporary, string target)
    {
        if (OperatingSystem.IsWindows() && File.Exists(target))
        {
            if (_readOnly) File.SetAttributes(target, File.GetAttributes(target) & ~FileAttributes.ReadOnly);
            File.Replace(temporary, target, destinationBackupFileName: null, ignoreMetadataErrors: true);
            if (_readOnly) File.SetAttributes(target, File.GetAttributes(target) | FileAttributes.ReadOnly);
            return;
        }
        File.Move(temporary, target, overwrite: true);
    }
}

/// <summary>An export's failure to write its file, naming the destination the person gave.</summary>
public sealed class ExportFileException : IOException
{
    public ExportFileException(string destination, string reason, Exception inner)
        : base($"Could not write '{destination}': {reason}", inner)
    {
        Destination = destination;
    }

    public string Destination { get; }
}

/// <summary>
/// Removes stale temporary files (left by an export that was killed) from each folder a command writes to, once:
/// a command writing a thousand transcripts into one folder lists it once, not a thousand times.
/// </summary>
public sealed class StaleFileSweep
{
    private readonly HashSet<string> _swept = new(StringComparer.Ordinal);

    /// <summary>How many stale temporary files this command removed.</summary>
    public int Removed { get; private set; }

    public void Sweep(string folder)
    {
        if (_swept.Add(folder)) Removed += TemporaryFiles.RemoveStale(folder);
    }
}
