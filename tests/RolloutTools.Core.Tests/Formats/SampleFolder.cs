using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Reads a format's sample folder in one run, the way Get-AgentRollout reads its default locations.</summary>
internal static class SampleFolder
{
    /// <summary>Each folder under samples/ and the format whose traces it holds; a new format's samples are named here.</summary>
    public static readonly IReadOnlyDictionary<string, RolloutFormat> Formats = new Dictionary<string, RolloutFormat>
    {
        ["claude-code"] = RolloutFormat.ClaudeCode,
        ["codex"] = RolloutFormat.Codex,
        ["pi"] = RolloutFormat.PiCodingAgent,
        ["atif"] = RolloutFormat.Atif,
        ["hermes"] = RolloutFormat.HermesAgent,
        ["qwen-code"] = RolloutFormat.QwenCode,
        ["gemini-cli"] = RolloutFormat.GeminiCli,
        ["opencode"] = RolloutFormat.OpenCode,
        ["cursor"] = RolloutFormat.Cursor,
        ["copilot-cli"] = RolloutFormat.CopilotCli,
        ["cline"] = RolloutFormat.Cline,
        ["goose"] = RolloutFormat.Goose,
        ["aider"] = RolloutFormat.Aider,
        ["vibe"] = RolloutFormat.MistralVibe,
        ["sweagent"] = RolloutFormat.SweAgent,
        ["openhands"] = RolloutFormat.OpenHands,
        ["crush"] = RolloutFormat.Crush,
        ["continue"] = RolloutFormat.Continue,
        ["grok"] = RolloutFormat.GrokCli,
        ["amp"] = RolloutFormat.Amp,
        ["factory-droid"] = RolloutFormat.FactoryDroid,
        ["zed"] = RolloutFormat.Zed,
        ["kimi-code"] = RolloutFormat.KimiCode,
        ["openclaw"] = RolloutFormat.OpenClaw,
        ["devin"] = RolloutFormat.DevinCli,
        ["antigravity"] = RolloutFormat.Antigravity,
        ["kiro"] = RolloutFormat.KiroCli,
        ["copilot-chat"] = RolloutFormat.CopilotChat,
        ["cursor-ide"] = RolloutFormat.CursorIde,
    };

    public static string Root(params string[] parts)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "RolloutTools.sln"))) root = root.Parent!;
        return Path.Combine(new[] { root.FullName, "samples" }.Concat(parts).ToArray());
    }

    public static IReadOnlyList<ReadResult> Read(IRolloutReader reader, IReadOnlyList<string> files, ReadOptions? options = null)
    {
        var requests = files.Select(f => new SessionReference(TraceSource.FromFile(f), reader)).ToArray();
        return RolloutLoader.ReadAll(requests, options ?? new ReadOptions(), CancellationToken.None).ToArray();
    }

    public static RolloutRecord Record(IReadOnlyList<ReadResult> results, string traceId) =>
        results.Select(r => r.Record).Single(r => r?.TraceId == traceId)!;

    /// <summary>
    /// The responses a record read with -IncludeAbandoned does not list as conversation (its abandoned branches'
    /// and those it leaves out in any read), in time order: what a record read without it must carry unlisted.
    /// </summary>
    public static IReadOnlyList<UnlistedResponse> AbandonedResponses(RolloutRecord readWithAbandoned) => InTimeOrder(readWithAbandoned.UnlistedResponses
        .Concat(readWithAbandoned.Messages.Where(m => m.IsAbandoned && m.Usage is { Total: > 0 }).Select(UnlistedResponse.Of)));

    public static IReadOnlyList<UnlistedResponse> InTimeOrder(IEnumerable<UnlistedResponse> responses) =>
        responses.OrderBy(u => u.Timestamp).ThenBy(u => u.ResponseId, StringComparer.Ordinal).ToArray();

    /// <summary>The records of two reads of the same files (without and with -IncludeAbandoned), paired by trace id.</summary>
    public static (RolloutRecord Without, RolloutRecord With)[] Pairs(IReadOnlyList<ReadResult> without, IReadOnlyList<ReadResult> with) =>
        without.Select(r => r.Record).OfType<RolloutRecord>()
            .Join(with.Select(r => r.Record).OfType<RolloutRecord>(), r => r.TraceId, r => r.TraceId, (a, b) => (a, b))
            .ToArray();

    /// <summary>Asserts that each record read without -IncludeAbandoned carries unlisted what the read with it shows as abandoned.</summary>
    public static void AssertAbandonedResponsesCarried(IEnumerable<(RolloutRecord Without, RolloutRecord With)> pairs)
    {
        foreach (var (without, with) in pairs)
        {
            Assert.Equal(AbandonedResponses(with), InTimeOrder(without.UnlistedResponses));
            Assert.Equal(Tokens(with), Tokens(without));
        }
    }

    public static string Kinds(RolloutRecord record) => string.Join(" ", record.Messages.Select(m => m.Kind));

    public static TokenUsage Tokens(RolloutRecord r) => new(r.InputTokens, r.OutputTokens, r.CacheReadTokens, r.CacheWriteTokens);

    /// <summary>
    /// The chat-completions rule: a tool message answers a call made earlier, and nothing but the results
    /// stands between an assistant message's calls and their results. Only calls that are never answered
    /// (an interrupted turn) may be followed by something else.
    /// </summary>
    public static void AssertToolMessagesAnswerCalls(IEnumerable<RolloutRecord> records)
    {
        foreach (var record in records)
        {
            var answered = record.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.ToolCallId!).ToHashSet();
            var calls = new HashSet<string>();
            var open = new HashSet<string>();
            foreach (var message in record.Messages)
            {
                if (message.Role == MessageRole.Tool)
                {
                    Assert.True(calls.Contains(message.ToolCallId!), $"{record.TraceId}: {message.ToolCallId} answers no earlier call");
                    open.Remove(message.ToolCallId!);
                    continue;
                }
                Assert.False(open.Any(answered.Contains), $"{record.TraceId}: a {message.Kind} message stands between calls and their results");
                open.Clear();
                open.UnionWith(message.ToolCalls.Select(c => c.Id));
                calls.UnionWith(open);
            }
        }
    }
}
