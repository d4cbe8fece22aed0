using RolloutTools.Core.Messages;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Messages;

public sealed class ToolCallPairingTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 8, 22, 0, 0, TimeSpan.Zero);

    private static RolloutMessage Calls(int second, params ToolCall[] calls) => new()
    {
        Role = MessageRole.Assistant,
        Kind = MessageKind.Response,
        ToolCalls = calls,
        Timestamp = Start.AddSeconds(second),
        Model = "gpt-5-codex",
    };

    private static RolloutMessage Result(string id, int second, string text, bool? isError = false, int? exitCode = null, TimeSpan? duration = null) => new()
    {
        Role = MessageRole.Tool,
        Kind = MessageKind.ToolResult,
        ToolCallId = id,
        ToolName = "shell",
        Content = new[] { ContentBlock.FromText(text) },
        IsError = isError,
        ExitCode = exitCode,
        ToolDuration = duration,
        Timestamp = Start.AddSeconds(second),
    };

    private static RolloutRecord Record(params RolloutMessage[] messages) => new()
    {
        TraceId = "t1",
        Format = RolloutFormat.Codex,
        SourceKind = "codex",
        RootSessionId = "t1",
        Cwd = "/home/dev/acme-shop",
        Messages = messages,
    };

    [Fact]
    public void Parallel_calls_answered_out_of_order_each_get_their_own_result()
    {
        var record = Record(
            Calls(0, new ToolCall("a", "read", "{\"path\":\"a.txt\"}"), new ToolCall("b", "read", "{\"path\":\"b.txt\"}")),
            Result("b", 3, "B"),
            Result("a", 5, "A"));

        var calls = ToolCallPairing.Pair(record).ToList();

        Assert.Equal(new[] { "a", "b" }, calls.Select(c => c.CallId));
        Assert.Equal(new[] { "A", "B" }, calls.Select(c => c.Result));
        Assert.Equal(new TimeSpan?[] { TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3) }, calls.Select(c => c.Duration));
        Assert.All(calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        Assert.All(calls, c => Assert.Equal("/home/dev/acme-shop", c.Project));
        Assert.Equal("{\"path\":\"a.txt\"}", calls[0].Arguments);
        Assert.Equal("gpt-5-codex", calls[0].Model);
    }

    [Fact]
    public void A_call_nothing_answers_has_no_result()
    {
        var calls = ToolCallPairing.Pair(Record(Calls(0, new ToolCall("a", "shell", "{}")))).ToList();

        var call = Assert.Single(calls);
        Assert.Equal(ToolCallStatus.NoResult, call.Status);
        Assert.Null(call.Result);
        Assert.Null(call.IsError);
        Assert.Null(call.CompletedAt);
        Assert.Null(call.Duration);
        Assert.Equal(Start, call.CalledAt);
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, 2)]
    [InlineData(null, 127)]
    public void A_result_that_reports_an_error_or_a_failing_exit_code_failed(bool? isError, int? exitCode)
    {
        var record = Record(Calls(0, new ToolCall("a", "shell", "{}")), Result("a", 1, "boom", isError, exitCode));

        Assert.Equal(ToolCallStatus.Failed, Assert.Single(ToolCallPairing.Pair(record)).Status);
    }

    [Fact]
    public void An_exit_code_of_zero_without_an_error_flag_succeeded()
    {
        var record = Record(Calls(0, new ToolCall("a", "shell", "{}")), Result("a", 1, "ok", isError: null, exitCode: 0));

        var call = Assert.Single(ToolCallPairing.Pair(record));
        Assert.Equal(ToolCallStatus.Succeeded, call.Status);
        Assert.Equal(0, call.ExitCode);
    }

    [Fact]
    public void The_agents_own_duration_wins_over_the_time_between_call_and_result()
    {
        var record = Record(Calls(0, new ToolCall("a", "shell", "{}")), Result("a", 9, "ok", duration: TimeSpan.FromSeconds(5.5)));

        Assert.Equal(TimeSpan.FromSeconds(5.5), Assert.Single(ToolCallPairing.Pair(record)).Duration);
    }

    [Fact]
    public void A_result_dated_before_its_call_has_no_duration()
    {
        var record = Record(Calls(10, new ToolCall("a", "shell", "{}")), Result("a", 4, "ok"));

        Assert.Null(Assert.Single(ToolCallPairing.Pair(record)).Duration);
    }

    [Fact]
    public void A_reused_call_id_pairs_each_result_with_the_earliest_call_still_waiting()
    {
        var record = Record(
            Calls(0, new ToolCall("x", "shell", "{\"n\":1}")),
            Result("x", 1, "first"),
            Calls(2, new ToolCall("x", "shell", "{\"n\":2}")),
            Calls(3, new ToolCall("x", "shell", "{\"n\":3}")),
            Result("x", 4, "second"));

        var calls = ToolCallPairing.Pair(record).ToList();

        Assert.Equal(new[] { "{\"n\":1}", "{\"n\":2}", "{\"n\":3}" }, calls.Select(c => c.Arguments));
        Assert.Equal(new[] { "first", "second", null }, calls.Select(c => c.Result));
        Assert.Equal(new[] { ToolCallStatus.Succeeded, ToolCallStatus.Succeeded, ToolCallStatus.NoResult }, calls.Select(c => c.Status));
    }

    [Fact]
    public void A_result_whose_call_was_never_written_is_a_call_of_its_own_at_its_place()
    {
        var record = Record(
            Calls(0, new ToolCall("a", "read", "{}")),
            Result("ghost", 1, "from nowhere"),
            Result("a", 2, "A"));

        var calls = ToolCallPairing.Pair(record).ToList();

        Assert.Equal(new[] { "a", "ghost" }, calls.Select(c => c.CallId));
        var orphan = calls[1];
        Assert.Equal("shell", orphan.Name);
        Assert.Null(orphan.Arguments);
        Assert.Null(orphan.CalledAt);
        Assert.Null(orphan.CallMessage);
        Assert.Equal("from nowhere", orphan.Result);
        Assert.Equal(ToolCallStatus.Succeeded, orphan.Status);
    }

    [Fact]
    public void A_call_on_an_abandoned_branch_is_marked_abandoned()
    {
        var abandoned = new RolloutMessage(Calls(0, new ToolCall("a", "shell", "{}"))) { IsAbandoned = true };
        var record = Record(abandoned, Calls(5, new ToolCall("b", "shell", "{}")), Result("b", 6, "ok"));

        Assert.Equal(new[] { true, false }, ToolCallPairing.Pair(record).Select(c => c.IsAbandoned));
    }
}
