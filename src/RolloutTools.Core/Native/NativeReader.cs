using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Usage;

namespace RolloutTools.Core.Native;

/// <summary>
/// Core's reading compiled ahead of time (Native AOT) into an executable of its own, shipped in the module folder
/// under runtimes/&lt;rid&gt;/native beside SQLite's library. Code in a PowerShell process runs unoptimized at first
/// and is fast only after several calls; the native reader is fast from its first line, so a script's one read or
/// report costs what a native tool's does. It runs the same Core code (<see cref="ReadRequest.Events"/>,
/// <see cref="UsageRun"/>) and hands the events back over a pipe (<see cref="NativeWire"/>).
/// </summary>
public static class NativeReader
{
    /// <summary>Set to 0 to read in this process instead, even where a native reader ships.</summary>
    public const string SwitchVariable = "ROLLOUTTOOLS_NATIVE";

    private const string BaseName = "rollout-reader";

    /// <summary>How much of what the reader wrote to its error stream a failure quotes.</summary>
    private const int ErrorTextLimit = 4000;

    /// <summary>
    /// The native reader for this OS and processor in the folder Core was loaded from, or null: none was built for
    /// this platform, or <see cref="SwitchVariable"/> is 0.
    /// </summary>
    public static string? Locate() =>
        Locate(Path.GetDirectoryName(typeof(NativeReader).Assembly.Location), Environment.GetEnvironmentVariable(SwitchVariable));

    internal static string? Locate(string? folder, string? switchValue)
    {
        if (switchValue is "0" || string.IsNullOrEmpty(folder)) return null;
        var name = OperatingSystem.IsWindows() ? BaseName + ".exe" : BaseName;
        return SqliteNative.RuntimeIds()
            .Select(rid => Path.Combine(folder, "runtimes", rid, "native", name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Runs the request in the native reader and streams its events back as it reads: the same events, records
    /// included, as <see cref="ReadRequest.Events"/> gives. Stopping the enumeration early, or cancelling, ends the reader.
    /// </summary>
    /// <exception cref="NativeReaderException">
    /// The request holds text in memory, which only this process has; the reader could not be started; or it
    /// stopped before its last event (its exit code and error output say why). A caller that has had no event yet
    /// can run the request in process instead.
    /// </exception>
    public static IEnumerable<ReadEvent> Events(string reader, ReadRequest request, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Texts.Count > 0) throw new NativeReaderException("Text handed over in memory is read in this process.");
        return Run(reader, wire => NativeWire.WriteRequest(wire, request), cancellation);
    }

    /// <summary>Runs a usage report in the native reader: the events of <see cref="UsageRun.Events"/>.</summary>
    /// <exception cref="NativeReaderException">
    /// As for a read, and when the request's time zone was made in code: the reader dates by the system's zones.
    /// </exception>
    public static IEnumerable<ReadEvent> Events(string reader, UsageRequest request, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(request);
        if (!NativeWire.Carries(request.TimeZone))
        {
            throw new NativeReaderException($"The native reader dates by the system's time zones, and '{request.TimeZone.Id}' is not one of them.");
        }
        return Run(reader, wire => NativeWire.WriteRequest(wire, request), cancellation);
    }

    /// <summary>
    /// What the native reader does: reads a request from <paramref name="input"/> and writes each event of running it
    /// to <paramref name="output"/> as soon as it happens, then the end mark.
    /// </summary>
    public static void Serve(Stream input, Stream output, CancellationToken cancellation)
    {
        var events = NativeWire.ReadRequest(new WireReader(input)) switch
        {
            ReadRequest read => read.Events(cancellation),
            UsageRequest usage => UsageRun.Events(usage, cancellation),
            var other => throw new InvalidDataException($"No run for a {other.GetType().Name}."),
        };
        var wire = new WireWriter(output);
        foreach (var readEvent in events)
        {
            NativeWire.WriteEvent(wire, readEvent);
            wire.Flush();
        }
        NativeWire.WriteEnd(wire);
        wire.Flush();
    }

    private static IEnumerable<ReadEvent> Run(string reader, Action<WireWriter> writeRequest, CancellationToken cancellation)
    {
        using var process = Start(reader, writeRequest);
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
        using var output = new ReadAhead(process.StandardOutput.BaseStream);
        var wire = new WireReader(output);
        try
        {
            while (Next(wire, reader, process, errors, cancellation) is { } readEvent) yield return readEvent;
        }
        finally
        {
            Kill(process);
        }
    }

    /// <summary>The next event, or null at the end mark.</summary>
    private static ReadEvent? Next(WireReader wire, string reader, Process process, StringBuilder errors, CancellationToken cancellation)
    {
        try
        {
            var next = NativeWire.ReadEvent(wire);
            cancellation.ThrowIfCancellationRequested();
            return next;
        }
        catch (EndOfStreamException)
        {
            cancellation.ThrowIfCancellationRequested();
            process.WaitForExit();
            string said;
            lock (errors) said = errors.ToString().Trim();
            throw new NativeReaderException(
                $"The native reader '{reader}' stopped with exit code {process.ExitCode} before its last event{(said.Length > 0 ? $": {said}" : ".")}");
        }
        catch (InvalidDataException e)
        {
            cancellation.ThrowIfCancellationRequested();
            throw new NativeReaderException($"The native reader '{reader}' wrote something that is no event: {e.Message}", e);
        }
    }

    private static Process Start(string reader, Action<WireWriter> writeRequest)
    {
        MakeExecutable(reader);
        var start = new ProcessStartInfo(reader)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardErrorEncoding = new UTF8Encoding(false),
            CreateNoWindow = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new NativeReaderException($"The native reader '{reader}' did not start.");
        }
        catch (Exception e) when (e is Win32Exception or IOException or UnauthorizedAccessException)
        {
            throw new NativeReaderException($"The native reader '{reader}' cannot be started: {e.Message}{(OperatingSystem.IsWindows() ? string.Empty : $" (chmod +x '{reader}' makes it executable)")}", e);
        }
        try
        {
            using var input = process.StandardInput.BaseStream;
            var wire = new WireWriter(input);
            writeRequest(wire);
            wire.Flush();
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
    /// the person's to change, starting fails and the run is read in process.
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

/// <summary>The native reader could not be started, or stopped before its last event.</summary>
public sealed class NativeReaderException : Exception
{
    public NativeReaderException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
