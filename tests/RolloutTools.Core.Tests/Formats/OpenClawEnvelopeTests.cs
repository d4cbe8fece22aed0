using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.OpenClaw;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Formats;

public sealed class OpenClawEnvelopeTests
{
    [Theory]
    [InlineData("[Telegram Dana Whitfield (@dana_w) id:5550001 +13h 2026-03-02 07:41 UTC] the tap drips", "the tap drips")]
    [InlineData("[Slack #ops-alerts 2026-03-03 09:15 UTC] Marcus: summarize the failures", "Marcus: summarize the failures")]
    [InlineData("[Discord Alice +5m Wed 15:30] Hello everyone", "Hello everyone")]
    [InlineData("[WhatsApp +15550001111] timestamps off, channel named", "timestamps off, channel named")]
    [InlineData("[draft] a person's own bracket stays", "[draft] a person's own bracket stays")]
    [InlineData("[Telegram Dana 2026-03-02 07:41 UTC]", "[Telegram Dana 2026-03-02 07:41 UTC]")]
    [InlineData("plain text", "plain text")]
    public void A_title_is_the_body_of_an_enveloped_message(string text, string expected) =>
        Assert.Equal(expected, OpenClawEnvelope.Body(text));

    [Fact]
    public void The_samples_are_titled_by_what_people_wrote_and_their_messages_keep_the_envelope()
    {
        var reader = new OpenClawReader();
        var files = TraceFileFinder.Find(SampleFolder.Root("openclaw"), new[] { reader }, new TraceSearch { Recurse = true }).Files.Select(f => f.Path).ToArray();
        var records = SampleFolder.Read(reader, files).Select(r => r.Record).OfType<RolloutRecord>().ToArray();
        var plumber = Assert.Single(records, r => r.TraceId.StartsWith("5a1d8c37", StringComparison.Ordinal));
        Assert.Equal("remind me what time the plumber comes tomorrow", plumber.Title);
        Assert.StartsWith("[Telegram ", plumber.Messages.First(m => m.Kind == MessageKind.Prompt).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(records, r => r.Title?.StartsWith("[Telegram", StringComparison.Ordinal) == true);
    }
}
