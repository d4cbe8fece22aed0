using Process = System.Diagnostics.Process;
using ProcessStartInfo = System.Diagnostics.ProcessStartInfo;
using System.Net.Sockets;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Formats;

namespace RolloutTools.Core.Tests.Reading;

/// <summary>Runs only on Unix: FIFOs, sockets and /dev/null as files, and shell scripts as programs.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "FIFOs, Unix sockets, /dev/null and shell scripts are Unix things.";
    }
}

/// <summary>
/// FIFOs, sockets and devices named like traces and sidecars. Each read runs against a deadline: a regression
/// blocks in open(2) for ever, and the test must fail rather than hang the run.
/// </summary>
public sealed class SpecialFileTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-special-");
    private readonly List<Socket> _sockets = new();

    public void Dispose()
    {
        foreach (var socket in _sockets) socket.Dispose();
        _folder.Delete(recursive: true);
    }

    private string At(params string[] parts)
    {
        var path = Path.Combine(new[] { _folder.FullName }.Concat(parts).ToArray());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private string Fifo(params string[] parts)
    {
        var path = At(parts);
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", path) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    private string Socket(params string[] parts)
    {
        var path = At(parts);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        _sockets.Add(socket);
        return path;
    }

    private string NullLink(params string[] parts)
    {
        var path = At(parts);
        File.CreateSymbolicLink(path, "/dev/null");
        return path;
    }

    private string Session(params string[] parts)
    {
        var path = At(parts);
        File.WriteAllText(path, new ClaudeLines().User("u1", null, "Go").Text("a1", "u1", "msg_01A", "Done").Text());
        return path;
    }

    private static T WithinDeadline<T>(Func<T> read)
    {
        var task = Task.Run(read);
        Assert.True(task.Wait(Deadline), "the read still waits: a special file was opened");
        return task.Result;
    }

    private static IReadOnlyList<ReadResult> ReadAll(params string[] paths) => WithinDeadline(() =>
        RolloutLoader.ReadAll(paths.Select(p => new SessionReference(TraceSource.FromFile(p))).ToArray(), new ReadOptions(), CancellationToken.None).ToArray());

    [UnixFact]
    public void Each_kind_of_file_is_told_apart_links_followed()
    {
        Assert.Equal(FileKind.Fifo, FileKinds.Of(Fifo("fifo.jsonl")));
        Assert.Equal(FileKind.Socket, FileKinds.Of(Socket("socket.jsonl")));
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of(NullLink("null.jsonl")));
        Assert.Equal(FileKind.Regular, FileKinds.Of(Session("s.jsonl")));
        Assert.Equal(FileKind.Directory, FileKinds.Of(_folder.FullName));
        Assert.Equal(FileKind.Missing, FileKinds.Of(At("gone.jsonl")));
    }

    [UnixFact]
    public void Opening_a_fifo_as_a_trace_fails_at_once_instead_of_waiting_for_a_writer()
    {
        var fifo = Fifo("x.jsonl");

        var error = WithinDeadline(() => Record.Exception(() => TraceSource.FromFile(fifo).Open().Dispose()));

        var notRegular = Assert.IsType<NotRegularFileException>(error);
        Assert.Equal(FileKind.Fifo, notRegular.Kind);
        Assert.Contains("x.jsonl' is a FIFO (named pipe), not a regular file", notRegular.Message);
    }

    [UnixFact]
    public void Special_files_named_like_traces_are_skipped_with_a_reason_and_the_others_read()
    {
        var results = ReadAll(Fifo("a.jsonl"), Socket("rollout-2025-11-20T21-05-09-b.jsonl"), NullLink("c.jsonl"), Session("d.jsonl"));

        Assert.Equal(
            new[] { "it is a FIFO (named pipe), not a regular file", "it is a socket, not a regular file", "it is a character device, not a regular file", null },
            results.Select(r => r.SkipReason));
        Assert.All(results.Take(3), r => Assert.Empty(r.Diagnostics));
        Assert.NotNull(results[3].Record);
    }

    [UnixFact]
    public void Special_sidecars_are_passed_over_and_the_sessions_beside_them_are_read()
    {
        Fifo("project", "sessions-index.json");
        Fifo("project", ClaudeLines.Session, "subagents", "agent-a1.meta.json");
        Fifo("codex", "session_index.jsonl");
        var codex = At("codex", "sessions", "rollout-2025-08-14T09-30-00-711430f6-164e-4380-bd93-428bc1fab80f.jsonl");
        File.Copy(SampleFolder.Root("codex", "sessions", "2025", "08", "14", Path.GetFileName(codex)), codex);

        var results = ReadAll(Session("project", ClaudeLines.Session + ".jsonl"), Session("project", ClaudeLines.Session, "subagents", "agent-a1.jsonl"), codex);

        Assert.All(results, r => Assert.NotNull(r.Record));
        var notes = results.SelectMany(r => r.Diagnostics).ToArray();
        Assert.All(notes, d => Assert.Equal((DiagnosticSeverity.Note, RolloutDiagnostic.SidecarDamaged), (d.Severity, d.ErrorId)));
        Assert.Equal(
            new[] { "agent-a1.meta.json", "session_index.jsonl", "sessions-index.json" },
            notes.Select(d => Path.GetFileName(d.Path)).Order(StringComparer.Ordinal).ToArray());
        Assert.All(notes, d => Assert.Contains("a FIFO (named pipe), not a regular file", d.Message));
    }

    /// <summary>
    /// The path flips between a regular file and a FIFO as fast as links can be renamed over it, so a check of the
    /// path and the open after it can see different files. Each open must give a stream or refuse; one that waits
    /// for a writer is released here (by opening the FIFO for writing) and fails the test.
    /// </summary>
    [UnixFact]
    public void A_FIFO_renamed_into_place_after_any_check_is_never_waited_on()
    {
        var regular = Session("regular.jsonl");
        var fifo = Fifo("pipe.jsonl");
        var path = At("swapped.jsonl");
        File.CreateSymbolicLink(path, regular);
        using var stop = new CancellationTokenSource();
        var swapper = Task.Run(() =>
        {
            var spare = At("spare.link");
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                File.CreateSymbolicLink(spare, i % 2 == 0 ? fifo : regular);
                File.Move(spare, path, overwrite: true);
            }
        });
        int opened = 0, refused = 0;
        var reader = Task.Run(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(3) || ((opened == 0 || refused == 0) && clock.Elapsed < Deadline))
            {
                try
                {
                    using var stream = FileKinds.OpenRead(path);
                    opened++;
                }
                catch (NotRegularFileException)
                {
                    refused++;
                }
            }
        });
        var finished = reader.Wait(Deadline);
        stop.Cancel();
        if (!finished)
        {
            using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write);
        }
        swapper.Wait();
        Assert.True(finished, $"an open waited for a writer on the FIFO (after {opened} opened, {refused} refused)");
        reader.Wait();
        Assert.True(opened > 0 && refused > 0, $"the swap was not seen both ways: {opened} opened, {refused} refused");
    }
}
