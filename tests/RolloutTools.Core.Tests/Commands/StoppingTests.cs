using System.Management.Automation;
using System.Management.Automation.Runspaces;
using RolloutTools.Commands;
using RolloutTools.Core.Tests.Formats;

namespace RolloutTools.Core.Tests.Commands;

/// <summary>Runs the cmdlets in process, to see what a stopped pipeline leaves behind.</summary>
public sealed class StoppingTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rollout-stop-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static PowerShell Shell()
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Get-AgentRollout", typeof(GetAgentRolloutCommand), null));
        return PowerShell.Create(state);
    }

    private void WriteSessions(int count)
    {
        var text = new ClaudeLines().User("u1", null, "Go").Text("a1", "u1", "msg_01A", "Done").Text();
        for (var i = 0; i < count; i++) File.WriteAllText(Path.Combine(_folder.FullName, $"s{i:d4}.jsonl"), text);
    }

    [Fact]
    public void Stopping_the_pipeline_ends_the_read_with_nothing_left_running()
    {
        WriteSessions(400);
        using var shell = Shell();
        // A slow consumer downstream, so the read is surely still going when the stop comes.
        shell.AddCommand("Get-AgentRollout").AddParameter("Path", _folder.FullName)
            .AddCommand("ForEach-Object").AddParameter("Process", ScriptBlock.Create("[System.Threading.Thread]::Sleep(50); $_"));
        var output = new PSDataCollection<PSObject>();
        using var first = new ManualResetEventSlim();
        output.DataAdded += (_, _) => first.Set();

        var running = shell.BeginInvoke<PSObject, PSObject>(null, output);
        Assert.True(first.Wait(TimeSpan.FromSeconds(60)), "no record came");
        shell.Stop();
        var countAtStop = output.Count;

        Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        Assert.True(running.IsCompleted);
        Assert.True(countAtStop < 100, $"{countAtStop} records: the read was not stopped");
        Thread.Sleep(200);
        Assert.Equal(countAtStop, output.Count);
    }

    [Fact]
    public void A_bad_line_is_a_non_terminating_error_with_a_stable_id()
    {
        var path = Path.Combine(_folder.FullName, "bad.jsonl");
        File.WriteAllText(path, new ClaudeLines().User("u1", null, "Go").Raw("{oops").Text("a1", "u1", "msg_01A", "Done").Text());
        using var shell = Shell();
        shell.AddCommand("Get-AgentRollout").AddParameter("LiteralPath", path);

        var records = shell.Invoke();

        Assert.Single(records);
        var error = Assert.Single(shell.Streams.Error);
        Assert.Equal("RolloutParseError,RolloutTools.Commands.GetAgentRolloutCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Equal(path, error.TargetObject);
    }
}
