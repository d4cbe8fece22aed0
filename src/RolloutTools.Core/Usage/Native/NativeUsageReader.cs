using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Usage.Native;

/// <summary>
/// The usage report compiled ahead of time (Native AOT) into an executable of its own, shipped in the module folder
/// under runtimes/&lt;rid&gt;/native beside SQLite's library. The report in a PowerShell process runs at first in
/// code the runtime has not optimized yet, and is fast only after several calls; the native reader is fast from its
/// first line, so a script's one report costs what a native tool's does. It runs the same Core code
/// (<see cref="UsageRun"/>) and hands the events back over a pipe (<see cref="UsageWire"/>).
/// </summary>
public static class NativeUsageReader
{
    /// <summary>Set to 0 to read in this process instead, even where a native reader ships.</summary>
    public const string SwitchVariable = "ROLLOUTTOOLS_NATIVE";

    private const string BaseName = "rollout-usage";

    /// <summary>How much of what the reader wrote to its error stream a failure quotes.</summary>
    private const int ErrorTextLimit = 4000;

    /// <summary>
    /// The native reader for this OS and processor in the folder Core was loaded from, or null: none was built for
    /// this platform, or <see cref="SwitchVariable"/> is 0.
    /// </summary>
    public static string? Locate() =>
        Locate(Path.GetDirectoryName(typeof(NativeUsageReader).Assembly.Location), Environment.GetEnvironmentVariable(SwitchVariable));

    internal static string? Locate(string? folder, string? switchValue)
    {
        if (switchValue is "0" || string.IsNullOrEmpty(folder)) return null;
        var name = OperatingSystem.IsWindows() ? BaseName + ".exe" : BaseName;
        return SqliteNative.RuntimeIds()
            .Select(rid => Path.Combine(folder, "runtimes", rid, "native", name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Runs the request in the native reader and streams its events back as it reads. Stopping the enumeration
    /// early, or cancelling, ends the reader.
    /// </summary>
    /// <exception cref="NativeUsageReaderException">
    /// The reader could not be started (or cannot date by the request's time zone, one made in code), or stopped
    /// before its report (its exit code and error output say why).
    /// A caller that has had no event yet can run the request in process instead (<see cref="UsageRun"/>).
    /// </exception>
    public static IEnumerable<UsageEvent> Events(string reader, UsageRequest request, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(request);
        using var process = Start(reader, request);
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                if (e.Data is { } line && errors.Length < ErrorTextLimit) errors.AppendLine(line);
            }
        };
        process.BeginErrorReadLine();
        using var stop = cancellation.Register(() => Kill(process));
        try
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                cancellation.ThrowIfCancellationRequested();
                var next = Parse(line, reader);
                yield return next;
                if (next is UsageDone) yield break;
            }
            cancellation.ThrowIfCancellationRequested();
            process.WaitForExit();
            string said;
            lock (errors) said = errors.ToString().Trim();
            throw new NativeUsageReaderException(
                $"The native usage reader '{reader}' stopped with exit code {process.ExitCode} before its report{(said.Length > 0 ? $": {said}" : ".")}");
        }
        finally
        {
            Kill(process);
        }
    }

    /// <summary>
    /// What the native reader does: reads a request from <paramref name="input"/> and writes each event of running it
    /// to <paramref name="output"/>, one line each, as soon as it happens.
    /// </summary>
    public static void Serve(Stream input, Stream output, CancellationToken cancellation)
    {
        var request = UsageWire.ReadRequest(input);
        foreach (var usageEvent in UsageRun.Events(request, cancellation))
        {
            UsageWire.WriteEvent(output, usageEvent);
            output.Flush();
        }
    }

    private static Process Start(string reader, UsageRequest request)
    {
        if (!UsageWire.Carries(request.TimeZone))
        {
            throw new NativeUsageReaderException($"The native usage reader dates by the system's time zones, and '{request.TimeZone.Id}' is not one of them.");
        }
        MakeExecutable(reader);
        var start = new ProcessStartInfo(reader)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            CreateNoWindow = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new NativeUsageReaderException($"The native usage reader '{reader}' did not start.");
        }
        catch (Exception e) when (e is Win32Exception or IOException or UnauthorizedAccessException)
        {
            throw new NativeUsageReaderException($"The native usage reader '{reader}' cannot be started: {e.Message}{(OperatingSystem.IsWindows() ? string.Empty : $" (chmod +x '{reader}' makes it executable)")}", e);
        }
        try
        {
            using (var input = process.StandardInput.BaseStream) UsageWire.WriteRequest(input, request);
        }
        catch (IOException)
        {
            // It ended before taking the request (a loader failure): its exit code and error output will say why.
        }
        return process;
    }

    /// <summary>
    /// A package (a .nupkg is a zip file) does not keep Unix file modes, so an installed module's reader arrives
    /// without its execute bits: they are given back to whoever may read it, once. Where the module's folder is not
    /// the person's to change, starting fails and the report is read in process.
    /// </summary>
    private static void MakeExecutable(string reader)
    {
        if (OperatingSystem.IsWindows()) return;
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        try
        {
            var mode = File.GetUnixFileMode(reader);
            if ((mode & execute) != 0) return;
            var readers = (int)(mode & (UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
            // Each read bit sits two places above its execute bit.
            File.SetUnixFileMode(reader, mode | (UnixFileMode)(readers >> 2));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not the person's to change: starting it says so.
        }
    }

    private static UsageEvent Parse(string line, string reader)
    {
        try
        {
            return UsageWire.ReadEvent(line);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new NativeUsageReaderException($"The native usage reader '{reader}' wrote a line that is no usage event: {e.Message}", e);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // It ended on its own meanwhile.
        }
    }
}

/// <summary>The native usage reader could not be started, or stopped before its report.</summary>
public sealed class NativeUsageReaderException : Exception
{
    public NativeUsageReaderException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
