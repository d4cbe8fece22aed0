using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Reading;

public sealed class ShortIdTests
{
    [Theory]
    [InlineData("2cb29738-c0cd-422a-a851-f96c078ca30a", "2cb29738")]
    [InlineData("019ccfad-d001-7921-871a-a0881e3e9483", "1e3e9483")]
    [InlineData("019ccfad-d001-7921-871a-a0881e3e9483:019ccfb2-61b7-7429-aa26-f59410d95df5", "1e3e9483")]
    [InlineData("session_4f3a2b1c-9d8e-4f7a-b6c5-d4e3f2a1b0c9", "4f3a2b1c")]
    [InlineData("T-019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b", "2e3f4a5b")]
    [InlineData("ses_4f3a2b1cEFGHijkl", "4f3a2b1c")]
    [InlineData("ses_abc", "ses_abc")]
    [InlineData("a2f5215", "a2f5215")]
    [InlineData("brave-otter", "brave-ot")]
    // Version 7 only where the uuid says so: a v4 uuid keeps its first eight.
    [InlineData("019ccfad-d001-4921-871a-a0881e3e9483", "019ccfad")]
    public void The_short_id_is_eight_characters_that_tell_sessions_apart(string id, string expected) =>
        Assert.Equal(expected, ShortId.Of(id));

    [Fact]
    public void Threads_started_in_the_same_minute_show_different_ids()
    {
        Assert.NotEqual(ShortId.Of("019ccfad-d001-7921-871a-a0881e3e9483"), ShortId.Of("019ccfad-d3c2-7a55-9e01-5b7c2f8d1e66"));
    }

    [Fact]
    public void A_record_is_labelled_by_its_agent_id_when_it_has_one_and_a_subagent_is_starred()
    {
        var session = new RolloutRecord { TraceId = "session_4f3a2b1c-9d8e-4f7a-b6c5-d4e3f2a1b0c9", Format = RolloutFormat.KimiCode, SourceKind = "kimi", RootSessionId = "x" };
        var agent = new RolloutRecord(session) { TraceId = session.TraceId + ":a2f5215", AgentId = "a2f5215", IsSidechain = true };

        Assert.Equal("4f3a2b1c", ShortId.Label(session));
        Assert.Equal("a2f5215*", ShortId.Label(agent));
    }

    [Theory]
    [InlineData("1e3e9483")]
    [InlineData("1E3E9483")]
    [InlineData("1e3e9483*")]
    [InlineData("019ccfad")]
    [InlineData("*a0881e3e9483")]
    public void An_id_matches_the_whole_id_or_its_short_form(string asked)
    {
        var filter = new SessionIdFilter(new[] { asked });
        var record = new RolloutRecord { TraceId = "019ccfad-d001-7921-871a-a0881e3e9483", Format = RolloutFormat.Codex, SourceKind = "codex", RootSessionId = "x" };

        Assert.True(filter.Matches(record));
        Assert.Empty(filter.Unmatched);
        Assert.False(new SessionIdFilter(new[] { "3e9483" }).Matches(record));
    }
}
