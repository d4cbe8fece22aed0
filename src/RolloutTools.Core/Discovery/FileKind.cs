using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RolloutTools.Core.Discovery;

/// <summary>What a path names on disk, links followed.</summary>
public enum FileKind
{
    /// <summary>Nothing (or a link that points nowhere).</summary>
    Missing,
    Regular,
    Directory,
    /// <summary>A named pipe: opening it for reading waits for a writer, for ever if none comes.</summary>
    Fifo,
    Socket,
    /// <summary>/dev/null, /dev/zero, a terminal: endless or blocking reads.</summary>
    CharacterDevice,
    BlockDevice,
    Other,
}

/// <summary>
/// Opens only regular files. .NET reports a FIFO, a socket and a device as an ordinary file (FileAttributes.Normal,
/// File.Exists true), and opening a FIFO blocks in open(2) beyond the reach of Ctrl+C, so the type is asked of the
/// operating system before anything is opened.
/// </summary>
public static class FileKinds
{
    public static FileKind Of(string path) => OperatingSystem.IsWindows() ? WindowsKind(path) : UnixStat.Kind(path);

    /// <summary>The kind, as a sentence part: "a FIFO (named pipe)".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        _ => "not a regular file",
    };

    /// <summary>
    /// Opens a file read-only, letting the agent keep appending, renaming or deleting while we read. Anything but a
    /// regular file throws <see cref="NotRegularFileException"/> without being read; a missing file throws as
    /// FileStream does. On Unix the file is opened without waiting and its type asked of the open handle, so a
    /// FIFO put in a regular file's place after a check (a rename, a link retargeted) cannot make the open block.
    /// </summary>
    public static FileStream OpenRead(string path)
    {
        if (!OperatingSystem.IsWindows() && UnixStat.OpenRegular(path) is { } opened) return opened;
        if (Of(path) is var kind and not (FileKind.Regular or FileKind.Missing)) throw new NotRegularFileException(path, kind);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
    }

    /// <summary>Windows keeps pipes out of the file system's folders; a device can still be named (\\.\NUL).</summary>
    private static FileKind WindowsKind(string path)
    {
        try
        {
            var attributes = File.GetAttributes(path);
            if (attributes.HasFlag(FileAttributes.Directory)) return FileKind.Directory;
            return attributes.HasFlag(FileAttributes.Device) ? FileKind.CharacterDevice : FileKind.Regular;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return FileKind.Missing;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Opening will say what is wrong, with the error people know.
            return FileKind.Regular;
        }
    }

    /// <summary>
    /// stat(2) through the runtime's own native shim, libSystem.Native, which ships with every .NET on Unix and
    /// returns one layout on every Unix (the C library's struct stat differs by OS and CPU). Its FileStatus
    /// begins with Flags and Mode, both 32-bit; the struct is declared larger than any version of it.
    /// </summary>
    private static class UnixStat
    {
        private const int TypeMask = 0xF000;

        public static FileKind Kind(string path)
        {
            int result;
            Status status;
            try
            {
                result = Stat(path, out status);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // A runtime without the shim: opening is the only test left.
                return FileKind.Regular;
            }
            if (result != 0) return Marshal.GetLastPInvokeError() == 2 /* ENOENT */ ? FileKind.Missing : FileKind.Regular;
            return KindOf(status);
        }

        /// <summary>
        /// Opens with O_NONBLOCK, which makes open(2) of a FIFO return at once instead of waiting for a writer, then
        /// takes the type from the handle (fstat), which no rename or link can change. Null where the flag's value
        /// is not known (neither Linux, macOS nor FreeBSD) or the C library is missing: the caller checks, then opens.
        /// </summary>
        public static FileStream? OpenRegular(string path)
        {
            // O_NONBLOCK: 0x800 on Linux's common architectures, 0x4 on the BSDs and macOS.
            int nonBlocking = OperatingSystem.IsLinux() ? 0x800 : OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 0x4 : 0;
            if (nonBlocking == 0) return null;
            int fd;
            try
            {
                fd = Open(path, nonBlocking /* | O_RDONLY, which is 0 */);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return null;
            }
            if (fd < 0) throw OpenError(path, Marshal.GetLastPInvokeError());
            var handle = new SafeFileHandle(fd, ownsHandle: true);
            try
            {
                // Set apart from open(2), whose value of O_CLOEXEC differs by system: no child process inherits the file.
                _ = SetDescriptorFlags(fd, 1 /* FD_CLOEXEC */);
                if (FStat(fd, out var status) != 0) throw OpenError(path, Marshal.GetLastPInvokeError());
                if (KindOf(status) is var kind and not FileKind.Regular) throw new NotRegularFileException(path, kind);
                _ = SetIsNonBlocking(fd, 0);
                return new FileStream(handle, FileAccess.Read, bufferSize: 1);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        /// <summary>The exception FileStream would throw for the same errno.</summary>
        private static Exception OpenError(string path, int errno)
        {
            var reason = $"'{path}': {Marshal.GetPInvokeErrorMessage(errno)}";
            return errno switch
            {
                2 /* ENOENT */ => new FileNotFoundException($"Could not find file {reason}", path),
                20 /* ENOTDIR */ => new DirectoryNotFoundException($"Could not find a part of the path {reason}"),
                1 or 13 /* EPERM, EACCES */ => new UnauthorizedAccessException($"Access to the path {reason} is denied."),
                _ => new IOException(reason, errno),
            };
        }

        private static FileKind KindOf(Status status) => (status.Mode & TypeMask) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Other,
        };

        [StructLayout(LayoutKind.Sequential, Size = 256)]
        private struct Status
        {
            public int Flags;
            public int Mode;
        }

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
        private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out Status status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_FStat", SetLastError = true)]
        private static extern int FStat(nint fd, out Status status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_FcntlSetFD", SetLastError = true)]
        private static extern int SetDescriptorFlags(nint fd, int flags);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_FcntlSetIsNonBlocking", SetLastError = true)]
        private static extern int SetIsNonBlocking(nint fd, int isNonBlocking);

        /// <summary>open(2) itself: the runtime's SystemNative_Open has no way to pass O_NONBLOCK.</summary>
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
    }
}

/// <summary>A FIFO, socket, device or folder where a file was expected; it was not opened.</summary>
public sealed class NotRegularFileException : IOException
{
    public NotRegularFileException(string path, FileKind kind)
        : base($"'{path}' is {FileKinds.Describe(kind)}, not a regular file; only regular files are read.")
    {
        Path = path;
        Kind = kind;
    }

    public string Path { get; }

    public FileKind Kind { get; }
}
