using RolloutTools.Core.Discovery;
using RolloutTools.Core.Messages;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using RolloutTools.Core.Tests.Formats;

namespace RolloutTools.Core.Tests.Messages;

/// <summary>Pairing over what every reader really gives: each format marks results and failures its own way.</summary>
public sealed class SampleToolCallTests
{
    /// <summary>Aider makes no tool calls: its edits are text in the answer (SEARCH/REPLACE blocks), applied by aider.</summary>
    public static TheoryData<string> Folders => new(SampleFolder.Formats.Keys.Where(f => f != "aider"));

    private static IReadOnlyList<RolloutRecord> Records(string folder)
    {
        var plan = new ReadPlan { Search = new TraceSearch { Recurse = true } };
        plan.AddPath(SampleFolder.Root(folder)).ToList();
        return plan.Read(new ReadOptions { IncludeAbandoned = true }, CancellationToken.None)
            .Select(r => r.Record).OfType<RolloutRecord>().ToList();
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Every_call_appears_once_and_every_result_answers_its_own_call(string folder)
    {
        var records = Records(folder);
        var calls = records.SelectMany(ToolCallPairing.Pair).ToList();

        Assert.NotEmpty(calls);
        Assert.Equal(records.Sum(r => r.ToolCallCount), calls.Count);
        Assert.Equal(records.Sum(r => r.Messages.Count(m => m.Role == MessageRole.Tool)), calls.Count(c => c.ResultMessage is not null));
        Assert.All(calls, c => Assert.NotNull(c.CallMessage));
        Assert.All(calls.Where(c => c.ResultMessage is not null), c => Assert.Equal(c.CallId, c.ResultMessage!.ToolCallId));
        Assert.Contains(calls, c => c.Status == ToolCallStatus.Succeeded);
    }

    [Fact]
    public void Formats_that_record_failures_give_failed_calls()
    {
        foreach (var folder in new[] { "claude-code", "codex", "pi" })
        {
            Assert.Contains(Records(folder).SelectMany(ToolCallPairing.Pair), c => c.Status == ToolCallStatus.Failed);
        }
    }
}
