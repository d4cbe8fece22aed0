using RolloutTools.Core.Export;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Export;

public sealed class SubagentLinksTests
{
    private static RolloutRecord Parent(RolloutFormat format, string id, string call, RolloutMessage? result = null) => new()
    {
        TraceId = id,
        Format = format,
        SourceKind = "x",
        RootSessionId = id,
        Messages = new[]
        {
            new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, ToolCalls = new[] { new ToolCall(call, "Task", "{}") } },
            result ?? new RolloutMessage { Role = MessageRole.Tool, Kind = MessageKind.ToolResult, ToolCallId = call, Content = new[] { ContentBlock.FromText("done") } },
        },
    };

    private static RolloutRecord Child(RolloutFormat format, string root, string agent, SourceMeta meta) => new()
    {
        TraceId = $"{root}:{agent}",
        Format = format,
        SourceKind = "x",
        RootSessionId = root,
        AgentId = agent,
        IsSidechain = true,
        Title = "Map <rates>",
        SourceMeta = meta,
    };

    [Fact]
    public void A_claude_subagent_links_from_the_call_its_meta_file_names()
    {
        var parent = Parent(RolloutFormat.ClaudeCode, "s", "toolu_1");
        var child = Child(RolloutFormat.ClaudeCode, "s", "a1", new SourceMeta.Builder().Add("parent_tool_use_id", "toolu_1").Build());

        var links = SubagentLinks.For(parent, new[] { (parent, "p.html"), (child, "c.html") });

        Assert.Equal(new TranscriptLink("c.html", "Map <rates>"), Assert.Single(links, l => l.Key == "toolu_1").Value);
        Assert.Empty(SubagentLinks.For(child, new[] { (parent, "p.html"), (child, "c.html") }));
    }

    [Fact]
    public void An_older_claude_subagent_links_from_the_call_whose_result_names_its_agent_id()
    {
        var result = new RolloutMessage { Role = MessageRole.Tool, Kind = MessageKind.ToolResult, ToolCallId = "toolu_1", StructuredResult = "{\"status\":\"completed\",\"agentId\":\"a1\"}" };
        var parent = Parent(RolloutFormat.ClaudeCode, "s", "toolu_1", result);

        Assert.Single(SubagentLinks.For(parent, new[] { (Child(RolloutFormat.ClaudeCode, "s", "a1", SourceMeta.Empty), "c.html") }));
        Assert.Empty(SubagentLinks.For(parent, new[] { (Child(RolloutFormat.ClaudeCode, "s", "a2", SourceMeta.Empty), "c.html") }));
        // Another session's subagent, or another format's, is never linked.
        Assert.Empty(SubagentLinks.For(parent, new[] { (Child(RolloutFormat.ClaudeCode, "t", "a1", SourceMeta.Empty), "c.html") }));
        Assert.Empty(SubagentLinks.For(parent, new[] { (Child(RolloutFormat.Codex, "s", "a1", SourceMeta.Empty), "c.html") }));
    }

    [Fact]
    public void A_codex_subagent_links_from_the_spawn_call_that_returned_its_agent_path()
    {
        var result = new RolloutMessage { Role = MessageRole.Tool, Kind = MessageKind.ToolResult, ToolCallId = "call_1", Content = new[] { ContentBlock.FromText("{\"task_name\":\"/root/explorer\",\"nickname\":\"Quartz\"}") } };
        var parent = Parent(RolloutFormat.Codex, "t1", "call_1", result);
        SourceMeta Meta(string thread, string path) => new SourceMeta.Builder().Add("parent_thread_id", thread).Add("agent_path", path).Build();

        Assert.Single(SubagentLinks.For(parent, new[] { (Child(RolloutFormat.Codex, "t1", "t2", Meta("t1", "/root/explorer")), "c.html") }));
        Assert.Empty(SubagentLinks.For(parent, new[] { (Child(RolloutFormat.Codex, "t1", "t2", Meta("t1", "/root/other")), "c.html") }));
        Assert.Empty(SubagentLinks.For(parent, new[] { (Child(RolloutFormat.Codex, "t1", "t3", Meta("t2", "/root/explorer")), "c.html") }));
    }

    private static RolloutRecord Spawner(params ToolCall[] calls) => new()
    {
        TraceId = "s",
        Format = RolloutFormat.Cursor,
        SourceKind = "x",
        RootSessionId = "s",
        Messages = new[] { new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, ToolCalls = calls } },
    };

    private static RolloutRecord Asked(string prompt, MessageKind kind = MessageKind.AgentMessage, SourceMeta? meta = null) => new()
    {
        TraceId = "s:a1",
        Format = RolloutFormat.Cursor,
        SourceKind = "x",
        RootSessionId = "s",
        AgentId = "a1",
        IsSidechain = true,
        SourceMeta = meta ?? SourceMeta.Empty,
        Messages = new[] { new RolloutMessage { Role = MessageRole.User, Kind = kind, Content = new[] { ContentBlock.FromText(prompt + "\n") } } },
    };

    [Fact]
    public void A_subagent_links_from_the_one_call_whose_argument_is_its_first_prompt()
    {
        var task = new ToolCall("t1", "Task", "{\"description\":\"Run tests\",\"prompt\":\" Run the discount tests \"}");
        var shell = new ToolCall("t2", "Shell", "{\"command\":\"npm test\"}");
        var parent = Spawner(shell, task);

        Assert.Equal("c.html", Assert.Single(SubagentLinks.For(parent, new[] { (Asked("Run the discount tests"), "c.html") }), l => l.Key == "t1").Value.Href);
        Assert.Single(SubagentLinks.For(parent, new[] { (Asked("Run the discount tests", MessageKind.Prompt), "c.html") }));
        Assert.Single(SubagentLinks.For(parent, new[] { (Asked("Run the discount tests", meta: new SourceMeta.Builder().Add("parent_session_id", "s").Build()), "c.html") }));
    }

    [Fact]
    public void A_first_prompt_links_nothing_when_no_call_or_more_than_one_call_gave_it()
    {
        var task = new ToolCall("t1", "Task", "{\"prompt\":\"Run the discount tests\"}");
        var again = new ToolCall("t2", "Task", "{\"prompt\":\"Run the discount tests\"}");

        Assert.Empty(SubagentLinks.For(Spawner(task, again), new[] { (Asked("Run the discount tests"), "c.html") }));
        Assert.Empty(SubagentLinks.For(Spawner(task), new[] { (Asked("Run the discount tests and more"), "c.html") }));
        Assert.Empty(SubagentLinks.For(Spawner(new ToolCall("t1", "Task", "{\"prompt\":[\"Run the discount tests\"]}")), new[] { (Asked("Run the discount tests"), "c.html") }));
        // A subagent of another session (its parent named) is not linked, whatever it was asked.
        Assert.Empty(SubagentLinks.For(Spawner(task), new[] { (Asked("Run the discount tests", meta: new SourceMeta.Builder().Add("parent_session_id", "other").Build()), "c.html") }));
    }

    [Fact]
    public void The_link_is_rendered_after_the_call_in_both_formats()
    {
        var parent = Parent(RolloutFormat.ClaudeCode, "s", "toolu_1");
        var options = TranscriptOptions.Default with { ToolCallLinks = new Dictionary<string, TranscriptLink> { ["toolu_1"] = new("c.html#session-a1", "Map <rates> [x](y)") } };

        Assert.Contains("</details>\n<p class=\"link\"><a href=\"c.html#session-a1\">Subagent transcript: Map &lt;rates&gt; [x](y)</a></p>\n", Transcript.Render(parent, TranscriptFormat.Html, options));
        Assert.Contains("</details>\n\n[Subagent transcript: Map \\<rates\\> \\[x\\](y)](<c.html#session-a1>)\n\n", Transcript.Render(parent, TranscriptFormat.Markdown, options));
    }
}
