using RolloutTools.Core.Messages;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Messages;

public sealed class MessageFilterTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 8, 22, 0, 0, TimeSpan.Zero);

    private static RolloutMessage Message(MessageRole role, MessageKind kind, string text, int second = 0) => new()
    {
        Role = role,
        Kind = kind,
        Content = new[] { ContentBlock.FromText(text) },
        Timestamp = Start.AddSeconds(second),
    };

    private static readonly RolloutRecord Session = new()
    {
        TraceId = "t1",
        Format = RolloutFormat.ClaudeCode,
        SourceKind = "claude_code",
        RootSessionId = "t1",
        ProjectPath = "/home/dev/acme-shop",
        Cwd = "/home/dev/acme-shop/src",
        SourcePath = "/traces/t1.jsonl",
        Messages = new[]
        {
            Message(MessageRole.User, MessageKind.Context, "<system-reminder>Plan the Migration</system-reminder>"),
            Message(MessageRole.User, MessageKind.Prompt, "Write the database MIGRATION for orders", 1),
            new RolloutMessage(Message(MessageRole.Assistant, MessageKind.Response, "Done: migrations/004.sql", 2))
            {
                Model = "claude-opus-4-1",
                Usage = new TokenUsage(10, 20, 300, 4),
                ReasoningContent = "think",
            },
            Message(MessageRole.User, MessageKind.Prompt, "Now the (a+b) test", 3),
        },
    };

    [Fact]
    public void Each_message_carries_its_session_and_its_place()
    {
        var messages = SessionMessage.Of(Session).ToList();

        Assert.Equal(new[] { 0, 1, 2, 3 }, messages.Select(m => m.Index));
        var response = messages[2];
        Assert.Equal("t1", response.TraceId);
        Assert.Equal(RolloutFormat.ClaudeCode, response.Format);
        Assert.Equal("/home/dev/acme-shop", response.Project);
        Assert.Equal("/traces/t1.jsonl", response.SourcePath);
        Assert.Equal(MessageRole.Assistant, response.Role);
        Assert.Equal(MessageKind.Response, response.Kind);
        Assert.Equal(Start.AddSeconds(2), response.Timestamp);
        Assert.Equal("claude-opus-4-1", response.Model);
        Assert.Equal("Done: migrations/004.sql", response.Text);
        Assert.Equal("think", response.ReasoningContent);
        Assert.Equal(new TokenUsage(10, 20, 300, 4), response.Usage);
        Assert.Same(Session.Messages[2], response.Message);
        Assert.Same(Session, response.Record);
    }

    [Fact]
    public void Without_kinds_every_kind_but_context_is_kept()
    {
        var kept = new MessageFilter().Select(Session).Select(m => m.Index);

        Assert.Equal(new[] { 1, 2, 3 }, kept);
    }

    [Fact]
    public void Kinds_and_roles_narrow_the_messages()
    {
        Assert.Equal(new[] { 0 }, new MessageFilter(kinds: new[] { MessageKind.Context }).Select(Session).Select(m => m.Index));
        Assert.Equal(new[] { 0, 1, 3 }, new MessageFilter(kinds: Enum.GetValues<MessageKind>(), roles: new[] { MessageRole.User }).Select(Session).Select(m => m.Index));
        Assert.Equal(new[] { 2 }, new MessageFilter(roles: new[] { MessageRole.Assistant }).Select(Session).Select(m => m.Index));
    }

    [Fact]
    public void A_pattern_is_a_regular_expression_matched_ignoring_case()
    {
        var filter = new MessageFilter(kinds: new[] { MessageKind.Prompt }, pattern: "migrat(ion|e)");

        Assert.Equal(new[] { 1 }, filter.Select(Session).Select(m => m.Index));
        Assert.Equal(new[] { 1, 2 }, new MessageFilter(pattern: "^(write|done)").Select(Session).Select(m => m.Index));
    }

    [Fact]
    public void A_simple_match_takes_the_pattern_as_plain_text()
    {
        Assert.Equal(new[] { 3 }, new MessageFilter(pattern: "(A+B)", simpleMatch: true).Select(Session).Select(m => m.Index));
        Assert.Equal(new[] { 1 }, new MessageFilter(pattern: "(A+B)").Select(Session).Select(m => m.Index)); // the regex a+b, in "datab"
    }

    [Fact]
    public void An_invalid_pattern_is_refused()
    {
        Assert.ThrowsAny<ArgumentException>(() => new MessageFilter(pattern: "("));
    }
}
