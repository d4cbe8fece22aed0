using System.Text;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Tests.Json;

public sealed class JsonHeadTests
{
    [Fact]
    public void The_message_object_shows_its_property_names()
    {
        var head = JsonHead.Read(Encoding.UTF8.GetBytes("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]},\"uuid\":\"q1\"}\n"))!;

        Assert.Equal("user", head.Type);
        Assert.Equal(new[] { "message", "type", "uuid" }, head.Properties.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "parts", "role" }, head.MessageProperties.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_message_cut_off_by_the_end_of_the_head_lends_no_names_to_the_top_level()
    {
        var head = JsonHead.Read(Encoding.UTF8.GetBytes("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"meta\":{\"type\":\"inner\",\"k\":\"" + new string('v', 200)))!;

        Assert.Equal("user", head.Type);
        Assert.Equal(new[] { "message", "type" }, head.Properties.Order(StringComparer.Ordinal));
        Assert.Contains("role", head.MessageProperties);
    }
}
