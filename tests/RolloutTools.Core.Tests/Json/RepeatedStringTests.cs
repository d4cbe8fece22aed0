using System.Text.Json;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Tests.Json;

public sealed class RepeatedStringTests
{
    private static string? Read(RepeatedString field, string json)
    {
        using var document = JsonDocument.Parse(json);
        return field.Read(document.RootElement, "type");
    }

    [Fact]
    public void A_value_seen_lately_is_the_same_string_and_an_escaped_spelling_of_it_too()
    {
        var field = new RepeatedString();
        var first = Read(field, "{\"type\":\"progress\"}");

        Assert.Same(first, Read(field, "{\"type\":\"progress\"}"));
        Assert.Same(first, Read(field, "{\"type\":\"pro\\u0067ress\"}"));
        Assert.Equal("user", Read(field, "{\"type\":\"user\"}"));
        Assert.Same(first, Read(field, "{\"type\":\"progress\"}"));
    }

    [Fact]
    public void Values_are_read_as_the_tolerant_accessors_read_them()
    {
        var field = new RepeatedString();

        Assert.Null(Read(field, "{\"type\":7}"));
        Assert.Null(Read(field, "{\"kind\":\"user\"}"));
        Assert.Equal(string.Empty, Read(field, "{\"type\":\"\"}"));
        using var id = JsonDocument.Parse("{\"sessionId\":12345}");
        Assert.Equal("12345", field.ReadId(id.RootElement, "sessionId"));
        // More distinct values than it remembers: each is still itself.
        foreach (var value in new[] { "a", "b", "c", "d", "e", "a" }) Assert.Equal(value, Read(field, $"{{\"type\":\"{value}\"}}"));
    }
}
