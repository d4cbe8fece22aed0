using System.Runtime.InteropServices;

namespace RolloutTools.Core.Export;

/// <summary>
/// Gives a new file the owner and group of the file it is to replace. Renaming a file into place makes its owner
/// whoever wrote it, so a dataset of another user's exported under sudo would become root's. Linux only (statx has
/// one layout on every architecture); elsewhere, and when the system refuses (a user may only give a file to
/// themselves and to their own groups), the new file keeps the writer's owner.
/// </summary>
internal static class FileOwner
{
    private const int AtCurrentDirectory = -100;
    private const uint StatxUid = 0x8;
    private const uint StatxGid = 0x10;
    private const int StatxSize = 256;
    private const int UidOffset = 20;
    private const int GidOffset = 24;

    public static void TryCopy(string from, string to)
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            var buffer = new byte[StatxSize];
            if (statx(AtCurrentDirectory, from, 0, StatxUid | StatxGid, buffer) != 0) return;
            var uid = BitConverter.ToUInt32(buffer, UidOffset);
            var gid = BitConverter.ToUInt32(buffer, GidOffset);
            _ = chown(to, uid, gid);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library without statx (glibc before 2.28): the owner is the writer's, as without this.
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint owner, uint group);
}
