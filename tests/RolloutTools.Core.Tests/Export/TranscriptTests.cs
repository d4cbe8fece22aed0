using System.Text;
using System.Text.RegularExpressions;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Tests.Export;

public sealed class TranscriptTests
{
    private const string Session = "7f3c2a10-5b6e-4c1d-9a8f-0e2d4b6c8a01";
    private static readonly DateTimeOffset T0 = new(2025, 11, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly TranscriptOptions Short = new() { MaxToolOutputLength = 20 };

    private static RolloutRecord Sample() => new()
    {
        TraceId = Session,
        Format = RolloutFormat.ClaudeCode,
        SourceKind = "claude_code",
        RootSessionId = Session,
        Cwd = "/home/dev/acme-shop",
        ProjectPath = "/home/dev/acme-shop",
        GitBranch = "main",
        StartedAt = T0,
        EndedAt = T0.AddSeconds(95),
        Title = "Fix the failing total test",
        Models = new[] { "claude-opus-4-1-20250805" },
        Usage = new TokenUsage(1200, 340, 48000, 800),
        SourceMeta = new SourceMeta.Builder().Add("version", "2.0.76").Build(),
        Messages = new[]
        {
            new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Context, Content = new[] { ContentBlock.FromText("<system-reminder>Be brief.</system-reminder>") }, Timestamp = T0 },
            new RolloutMessage { Role = MessageRole.User, Kind = MessageKind.Prompt, Content = new[] { ContentBlock.FromText("Why does `test_total` fail?") }, Timestamp = T0.AddSeconds(5) },
            new RolloutMessage
            {
                Role = MessageRole.Assistant,
                Kind = MessageKind.Response,
                Content = new[] { ContentBlock.FromText("Let me run it.") },
                ReasoningContent = "Run pytest first.",
                ToolCalls = new[] { new ToolCall("toolu_01", "Bash", "{\"command\":\"pytest -q\",\"timeout\":60}") },
                Timestamp = T0.AddSeconds(10),
                Model = "claude-opus-4-1-20250805",
            },
            new RolloutMessage
            {
                Role = MessageRole.Tool,
                Kind = MessageKind.ToolResult,
                Content = new[] { ContentBlock.FromText("F\nAssertionError: 9.99 != 10.00 (rounding)") },
                ToolCallId = "toolu_01",
                ToolName = "Bash",
                IsError = true,
                ExitCode = 1,
                ToolDuration = TimeSpan.FromSeconds(2.3),
                Timestamp = T0.AddSeconds(13),
            },
            new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Synthetic, Content = new[] { ContentBlock.FromText("API Error: 529 overloaded") }, Timestamp = T0.AddSeconds(20) },
            new RolloutMessage { Role = MessageRole.Assistant, Kind = MessageKind.Response, Content = new[] { ContentBlock.FromText("The total is rounded too early; fixed in `cart.py`.") }, Timestamp = T0.AddSeconds(95), Model = "claude-opus-4-1-20250805" },
        },
    };

    [Fact]
    public void Dump()
    {
        File.WriteAllText("/tmp/sample.md", Transcript.Render(Sample(), TranscriptFormat.Markdown, Short));
        File.WriteAllText("/tmp/sample.html", Transcript.Render(Sample(), TranscriptFormat.Html, Short));
    }
}
