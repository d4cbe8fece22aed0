using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace RolloutTools.Core.Export;

/// <summary>
/// The temporary files exports write beside their destinations: how they are named, and how they go away when
/// the export does not finish. An export deletes its own on an error and on Ctrl+C (Dispose); the process deletes
/// what is left when it is ended by SIGTERM or SIGHUP (pwsh 7.6 on .NET 10 dies of these without running
/// ProcessExit handlers or finally blocks, but a PosixSignalRegistration handler does run first) or exits through
/// Environment.Exit. Only kill -9 leaves one behind, and the next export into that folder removes it.
/// </summary>
internal static class TemporaryFiles
{
    private const string Suffix = ".rollouttools.tmp";

    // Leaves room for the dot, the 32-digit id and the suffix within the usual limit on a file name: 255 bytes of
    // UTF-8 on Linux and macOS (255 UTF-16 units on Windows, which 200 bytes never exceed).
    private const int MaxNameBytes = 200;

    private static readonly ConcurrentDictionary<string, byte> Live = new(StringComparer.Ordinal);
    private static readonly List<PosixSignalRegistration> Registrations = RegisterCleanup();

    /// <summary>".&lt;name&gt;.&lt;32 hex digits&gt;.rollouttools.tmp" beside the file: hidden on Unix, and unlike any file of another program.</summary>
    public static string PathFor(string target)
    {
        var folder = Path.GetDirectoryName(target) ?? ".";
        var name = Path.GetFileName(target);
        while (Encoding.UTF8.GetByteCount(name) > MaxNameBytes) name = name[..^(char.IsLowSurrogate(name[^1]) ? 2 : 1)];
        return Path.Combine(folder, $".{name}.{Guid.NewGuid():N}{Suffix}");
    }

    /// <summary>Remembers a temporary file, so that a signal ending the process deletes it.</summary>
    public static void Track(string path)
    {
        _ = Registrations;
        Live.TryAdd(path, 0);
    }

    public static void Forget(string path) => Live.TryRemove(path, out _);

    /// <summary>
    /// Deletes the temporary files of ours in a folder that no export is writing: a live one is open with
    /// FileShare.None, which .NET holds as an exclusive lock (flock on Unix, a sharing mode on Windows), so opening
    /// it the same way fails while its writer runs. Returns how many were deleted; folders it cannot list or files
    /// it cannot delete are left alone.
    /// </summary>
    public static int RemoveStale(string folder)
    {
        var removed = 0;
        try
        {
            foreach (var path in Directory.EnumerateFiles(folder, "*" + Suffix))
            {
                if (!IsOurs(Path.GetFileName(path)) || Live.ContainsKey(path)) continue;
                try
                {
                    using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None)) { }
                    File.Delete(path);
                    removed++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // In use by a running export, or not ours to delete.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder that cannot be listed has nothing we could remove.
        }
        return removed;
    }

    /// <summary>Whether a file name has exactly the shape PathFor gives.</summary>
    internal static bool IsOurs(string name)
    {
        if (!name.StartsWith('.') || !name.EndsWith(Suffix, StringComparison.Ordinal)) return false;
        var stem = name[..^Suffix.Length];
        var dot = stem.LastIndexOf('.');
        return dot > 0 && stem.Length - dot - 1 == 32 && stem.AsSpan(dot + 1).IndexOfAnyExcept("0123456789abcdef") < 0;
    }

    private static void DeleteLive()
    {
        foreach (var path in Live.Keys)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process is ending; nothing better can be done with a file that will not go.
            }
        }
    }

    private static List<PosixSignalRegistration> RegisterCleanup()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteLive();
        var registrations = new List<PosixSignalRegistration>();
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            try
            {
                // Not cancelled: the signal goes on to end the process as it would have.
                registrations.Add(PosixSignalRegistration.Create(signal, _ => DeleteLive()));
            }
            catch (PlatformNotSupportedException)
            {
                // A platform without these signals ends the process some other way; ProcessExit still covers exit.
            }
        }
        return registrations;
    }
}
