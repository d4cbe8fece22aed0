using RolloutTools.Core.Native;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Reading;
using RolloutTools.Core.Usage;

namespace RolloutTools.Core.Tests.Native;

/// <summary>
/// How the module runs the native reader, with shell scripts standing in for it (they write events prepared here):
/// what it hands back, and what happens when it cannot start, stops early, writes nonsense or is stopped. The real
/// reader is run by the Pester tests, from the built module.
/// </summary>
public sealed class NativeReaderTests : IDisposable
{
    private static readonly UsageRequest Request = new() { Sources = new[] { new ReadSource("/srv/t") }, TimeZone = TimeZoneInfo.Utc };
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-native-");
    private readonly string _problem;
    private readonly string _done;
    private readonly string _end;

    public NativeReaderTests()
    {
        _problem = Events("problem", new ReadProblem(new RolloutDiagnostic(DiagnosticSeverity.Warning, RolloutDiagnostic.TracesInSubfolders, "/srv/t", null, "No trace files directly in '/srv/t'.")));
        _done = Events("done", new UsageDone(new UsageReport(Array.Empty<UsageRow>(), 2, new[] { "m1" })));
        _end = Events("end");
    }

    public void Dispose() => _folder.Delete(recursive: true);

    [UnixFact]
    public void Events_stream_back_in_order_and_end_with_the_report()
    {
        var reader = Script("cat > \"$(dirname \"$0\")/request\"", $"cat '{_problem}' '{_done}' '{_end}'", "echo 'never read'");

        var events = NativeReader.Events(reader, Request, CancellationToken.None).ToArray();

        Assert.Equal(2, events.Length);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.IsType<ReadProblem>(events[0]).Diagnostic.Severity);
        var report = Assert.IsType<UsageDone>(events[1]).Report;
        Assert.Equal(2, report.DuplicateResponses);
        Assert.Equal(new[] { "m1" }, report.UnpricedModels);
        // The request went to its standard input.
        using var request = File.OpenRead(Path.Combine(_folder.FullName, "request"));
        Assert.Equal("/srv/t", Assert.IsType<UsageRequest>(NativeWire.ReadRequest(new WireReader(request))).Sources.Single().Path);
    }

    [UnixFact]
    public void A_reader_that_stops_before_its_last_event_is_an_error_quoting_what_it_said()
    {
        var reader = Script("cat > /dev/null", $"cat '{_problem}' '{_done}'", "echo 'out of memory' >&2", "exit 3");

        var events = new List<ReadEvent>();
        var failure = Assert.Throws<NativeReaderException>(() => events.AddRange(NativeReader.Events(reader, Request, CancellationToken.None)));

        Assert.Equal(2, events.Count);
        Assert.Contains("exit code 3", failure.Message);
        Assert.Contains("out of memory", failure.Message);
    }

    [UnixFact]
    public void A_reader_that_writes_no_event_is_an_error()
    {
        var reader = Script("cat > /dev/null", "echo 'Segmentation fault'");

        var failure = Assert.Throws<NativeReaderException>(() => NativeReader.Events(reader, Request, CancellationToken.None).ToArray());

        Assert.Contains("no event", failure.Message);
    }

    [UnixFact]
    public void A_reader_unpacked_without_its_execute_bits_gets_them_back()
    {
        var reader = Script("cat > /dev/null", $"cat '{_done}' '{_end}'");
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(reader, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var events = NativeReader.Events(reader, Request, CancellationToken.None).ToArray();

        Assert.IsType<UsageDone>(Assert.Single(events));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(reader));
    }

    [UnixFact]
    public void A_reader_that_cannot_start_is_an_error_before_any_event()
    {
        var reader = Path.Combine(_folder.FullName, "rollout-reader");
        File.WriteAllText(reader, "not a program");

        var failure = Assert.Throws<NativeReaderException>(() => NativeReader.Events(reader, Request, CancellationToken.None).ToArray());

        Assert.Contains("cannot be started", failure.Message);
    }

    [Fact]
    public void A_time_zone_made_in_code_is_left_to_the_process()
    {
        var made = TimeZoneInfo.CreateCustomTimeZone("Team/Shift", TimeSpan.FromHours(5.5), "Shift", "Shift");

        var failure = Assert.Throws<NativeReaderException>(() =>
            NativeReader.Events("/no/such/reader", Request with { TimeZone = made }, CancellationToken.None).ToArray());

        Assert.Contains("Team/Shift", failure.Message);
    }

    [Fact]
    public void Text_in_memory_is_left_to_the_process()
    {
        var request = new ReadRequest { Texts = new[] { new ReadText("<pipeline>", "{}"u8.ToArray()) } };

        var failure = Assert.Throws<NativeReaderException>(() => NativeReader.Events("/no/such/reader", request, CancellationToken.None).ToArray());

        Assert.Contains("in memory", failure.Message);
    }

    [UnixFact]
    public void Stopping_early_or_cancelling_ends_the_reader()
    {
        var pidFile = Path.Combine(_folder.FullName, "pid");
        var reader = Script("cat > /dev/null", $"echo $$ > '{pidFile}'", $"cat '{_problem}'", "exec sleep 300");

        var first = NativeReader.Events(reader, Request, CancellationToken.None).First();
        Assert.IsType<ReadProblem>(first);
        AssertEnded(int.Parse(File.ReadAllText(pidFile)));

        using var cancel = new CancellationTokenSource();
        var events = NativeReader.Events(reader, Request, cancel.Token).GetEnumerator();
        Assert.True(events.MoveNext());
        var pid = int.Parse(File.ReadAllText(pidFile));
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => events.MoveNext());
        events.Dispose();
        AssertEnded(pid);
    }

    [Fact]
    public void The_reader_is_found_under_the_folder_for_this_platform_unless_switched_off()
    {
        var rid = Core.Formats.Shared.SqliteNative.RuntimeIds().First();
        var native = Directory.CreateDirectory(Path.Combine(_folder.FullName, "runtimes", rid, "native"));
        var file = Path.Combine(native.FullName, OperatingSystem.IsWindows() ? "rollout-reader.exe" : "rollout-reader");

        Assert.Null(NativeReader.Locate(_folder.FullName, null));
        File.WriteAllText(file, string.Empty);
        Assert.Equal(file, NativeReader.Locate(_folder.FullName, null));
        Assert.Equal(file, NativeReader.Locate(_folder.FullName, "1"));
        Assert.Null(NativeReader.Locate(_folder.FullName, "0"));
    }

    /// <summary>A file holding the events as the reader writes them (with the end mark when none are given), for a script to print.</summary>
    private string Events(string name, params ReadEvent[] events)
    {
        var path = Path.Combine(_folder.FullName, name + ".bin");
        using var file = File.Create(path);
        var wire = new WireWriter(file);
        foreach (var readEvent in events) NativeWire.WriteEvent(wire, readEvent);
        if (events.Length == 0) NativeWire.WriteEnd(wire);
        wire.Flush();
        return path;
    }

    /// <summary>An executable shell script standing in for the reader.</summary>
    private string Script(params string[] lines)
    {
        var path = Path.Combine(_folder.FullName, $"reader-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + string.Join("\n", lines) + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>The process is gone, within a deadline far above what ending takes.</summary>
    private static void AssertEnded(int pid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (IsRunning(pid) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.False(IsRunning(pid), $"The reader (process {pid}) is still running.");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
