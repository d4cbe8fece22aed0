using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.QwenCode;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

[Collection(nameof(EnvironmentVariables))]
public sealed class QwenCodeSamplesTests
{
    private const string Current = "5f0c2a71-8d3e-4b9a-a6c4-3e1f7b2d9c58";
    private const string Archived = "c3d9e6b2-1a47-4f08-9e5d-7b2c4a8f1e93";

    private static readonly Lazy<IReadOnlyList<ReadResult>> Results = new(() => ReadSamples(new ReadOptions()));

    internal static IReadOnlyList<ReadResult> ReadSamples(ReadOptions options)
    {
        var previous = (Environment.GetEnvironmentVariable(QwenCodeReader.HomeVariable), Environment.GetEnvironmentVariable(QwenCodeReader.RuntimeDirVariable));
        Environment.SetEnvironmentVariable(QwenCodeReader.HomeVariable, SampleFolder.Root("qwen-code"));
        Environment.SetEnvironmentVariable(QwenCodeReader.RuntimeDirVariable, null);
        try
        {
            var reader = new QwenCodeReader();
            return SampleFolder.Read(reader, SessionLocator.InDefaultLocations(reader, new TraceSearch()).Sessions.Select(s => s.Source.Path).ToArray(), options);
        }
        finally
        {
            Environment.SetEnvironmentVariable(QwenCodeReader.HomeVariable, previous.Item1);
            Environment.SetEnvironmentVariable(QwenCodeReader.RuntimeDirVariable, previous.Item2);
        }
    }

    private static RolloutRecord Record(string traceId) => SampleFolder.Record(Results.Value, traceId);

    [Fact]
    public void Both_sessions_read_without_errors_from_the_home_including_the_archive()
    {
        Assert.DoesNotContain(Results.Value, r => r.Diagnostics.Count > 0);
        Assert.Equal(new[] { Current, Archived }, Results.Value.Select(r => r.Record!.TraceId));
        Assert.All(Results.Value.Select(r => r.Record!), r =>
        {
            Assert.Equal(RolloutFormat.QwenCode, r.Format);
            Assert.Equal("qwen_code", r.SourceKind);
            Assert.Equal("/home/dev/weather-app", r.Cwd);
            Assert.Equal("/home/dev/weather-app", r.ProjectPath);
            Assert.Equal(r.TraceId, r.RootSessionId);
            Assert.Null(r.AgentId);
            Assert.False(r.IsSidechain);
            Assert.Equal(new[] { "qwen3-coder-plus" }, r.Models);
        });
        Assert.True((bool)Record(Archived).SourceMeta["archived"]);
        Assert.False(Record(Current).SourceMeta.ContainsKey("archived"));
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Value.Select(r => r.Record!));
    }

    [Fact]
    public void Current_session_merges_fragments_splits_glued_records_and_drops_the_rewound_branch()
    {
        var current = Record(Current);

        Assert.Equal("Command Command Prompt Context Response ToolResult Response ToolResult Response ToolResult Response Prompt Response ToolResult Response", SampleFolder.Kinds(current));
        Assert.Equal("Celsius on the forecast page", current.Title);
        Assert.Equal("feature/celsius", current.GitBranch);
        Assert.Equal(DateTimeOffset.Parse("2026-03-12T09:00:00.000Z"), current.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-03-12T09:01:56.292Z"), current.EndedAt);
        Assert.DoesNotContain(current.Messages, m => m.Text.Contains("Fahrenheit", StringComparison.Ordinal) || m.IsAbandoned);

        // The slash command and what it showed; the prompt without the hook's context, which follows it as Context.
        Assert.Equal(new[] { "/model qwen3-coder-plus", "Model switched to qwen3-coder-plus." }, current.Messages.Take(2).Select(m => m.Text));
        Assert.Equal("The forecast page shows temperatures in Kelvin. Make it show Celsius.", current.Messages[2].Text);
        Assert.Equal("<qwen:user-prompt-submit-context>\nBranch policy: commit to feature branches only; never push.\n</qwen:user-prompt-submit-context>", current.Messages[3].Text);

        // Two fragments of one uuid: the thought of the first, the text and call of the second, the second's usage.
        var first = current.Messages[4];
        Assert.Equal("The conversion must happen where temperatures are formatted; find that first.", first.ReasoningContent);
        Assert.Equal("Let me find where temperatures are formatted.", first.Text);
        Assert.Equal(new ToolCall("call_7f3a01", "grep_search", "{\"pattern\":\"kelvin\",\"path\":\"src\"}"), first.ToolCalls.Single());
        Assert.Equal(DateTimeOffset.Parse("2026-03-12T09:00:25.925Z"), first.Timestamp);
        Assert.Equal("qwen3-coder-plus", first.Model);

        // promptTokenCount includes the cached tokens; here the total shows the thoughts are inside candidatesTokenCount.
        Assert.Equal(new TokenUsage(1576, 96, 11264, 0), first.Usage);
        // ... and here beside them (total = prompt + candidates + thoughts): 35 + 12.
        Assert.Equal(new TokenUsage(204, 47, 13696, 0), current.Messages[12].Usage);

        // The glued line holds a response and its result; both are read.
        Assert.Equal("read_file", current.Messages[6].ToolCalls.Single().Name);
        Assert.Equal(("call_7f3a02", "read_file", false), (current.Messages[7].ToolCallId, current.Messages[7].ToolName, current.Messages[7].IsError));
        Assert.StartsWith("export function formatTemp", current.Messages[7].Text);

        // A failed command: its error is the result's text.
        var failed = current.Messages[13];
        Assert.True(failed.IsError);
        Assert.StartsWith("Command exited with code 1.", failed.Text);
        Assert.Equal("One test still expects Kelvin (`test/format.test.ts`); it needs updating to the Celsius output.", current.FinalAssistantMessage);

        // Every response is billed, the rewound one too.
        Assert.Equal(new TokenUsage(3230, 442, 91520, 0), SampleFolder.Tokens(current));

        var meta = current.SourceMeta;
        Assert.Equal(Current, meta["session_id"]);
        Assert.Equal(new[] { "0.15.2" }, (IEnumerable<string>)meta["qwen_versions"]);
        Assert.Equal("Celsius on the forecast page", meta["custom_title"]);
        Assert.Equal("auto", meta["title_source"]);
        Assert.Equal(262144L, meta["context_window_size"]);
        Assert.Equal(1L, meta["hook_contexts"]);
        Assert.Equal(1L, meta["merged_fragments"]);
        Assert.Equal(2L, meta["abandoned_entries"]);
        Assert.Equal(new Dictionary<string, long> { ["assistant"] = 8, ["system"] = 5, ["tool_result"] = 4, ["user"] = 3 }, (IReadOnlyDictionary<string, long>)meta["record_types"]);
        Assert.Equal(new Dictionary<string, long> { ["custom_title"] = 1, ["rewind"] = 1, ["slash_command"] = 2, ["ui_telemetry"] = 1 }, (IReadOnlyDictionary<string, long>)meta["record_subtypes"]);
        Assert.False(meta.ContainsKey("skipped_lines"));
        Assert.False(meta.ContainsKey("bridged_gaps"));
    }

    [Fact]
    public void Responses_of_the_rewound_branch_are_carried_unlisted_as_IncludeAbandoned_reads_them()
    {
        var pairs = SampleFolder.Pairs(Results.Value, ReadSamples(new ReadOptions { IncludeAbandoned = true }));

        SampleFolder.AssertAbandonedResponsesCarried(pairs);
        var left = Assert.Single(pairs.Single(p => p.Without.TraceId == Current).Without.UnlistedResponses);
        Assert.Equal(new TokenUsage(84, 30, 13696, 0), left.Usage);
    }

    [Fact]
    public void IncludeAbandoned_keeps_the_rewound_branch_marked_in_file_order()
    {
        var current = SampleFolder.Record(ReadSamples(new ReadOptions { IncludeAbandoned = true }), Current);

        var left = current.Messages.Where(m => m.IsAbandoned).ToArray();
        Assert.Equal(new[] { "Also add a Fahrenheit toggle.", "I will add a unit toggle to the page header." }, left.Select(m => m.Text));
        Assert.Equal(new[] { MessageKind.Prompt, MessageKind.Response }, left.Select(m => m.Kind));
        Assert.Equal(new TokenUsage(84, 30, 13696, 0), left[1].Usage);
        Assert.Equal(17, current.Messages.Count);
        Assert.Equal(11, current.Messages.ToList().IndexOf(left[0]));
    }

    [Fact]
    public void Archived_session_keeps_the_compression_summary_the_at_command_and_the_cancelled_call()
    {
        var archived = Record(Archived);

        Assert.Equal("Prompt Response ToolResult Response CompactionSummary Prompt Response Prompt Response ToolResult", SampleFolder.Kinds(archived));
        Assert.Equal("Summarize what src/api.ts does.", archived.Title);
        Assert.Equal("main", archived.GitBranch);
        Assert.StartsWith("<state_snapshot>\n<overall_goal>Understand src/api.ts.", archived.Messages[4].Text);

        // The @-command's expansion is the prompt the model saw, its parts joined as written.
        Assert.Equal("@src/api.ts why does fetchForecast retry?\n--- Content from referenced files ---\nContent from @src/api.ts:\nexport async function fetchForecast(city: string) { /* … */ }\n\n--- End of content ---", archived.Messages[5].Text);

        var cancelled = archived.Messages[9];
        Assert.Equal(("call_b81e02", "edit", true), (cancelled.ToolCallId, cancelled.ToolName, cancelled.IsError));
        Assert.Equal("[Operation Cancelled] Reason: User did not allow tool call", cancelled.Text);

        Assert.Equal(new TokenUsage(9120, 38, 0, 0), archived.Messages[1].Usage);
        Assert.Equal(new TokenUsage(10418, 163, 9472, 0), SampleFolder.Tokens(archived));
        Assert.Equal(DateTimeOffset.Parse("2026-01-20T16:00:00.000Z"), archived.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-01-20T16:01:42.406Z"), archived.EndedAt);

        var meta = archived.SourceMeta;
        Assert.Equal(new[] { "0.2.1" }, (IEnumerable<string>)meta["qwen_versions"]);
        Assert.Equal(1L, meta["compactions"]);
        Assert.Equal(new Dictionary<string, long> { ["at_command"] = 1, ["chat_compression"] = 1 }, (IReadOnlyDictionary<string, long>)meta["record_subtypes"]);
        Assert.False(meta.ContainsKey("abandoned_entries"));
    }

    [Fact]
    public void Qwen_files_are_no_longer_claimed_by_Claude_Code()
    {
        foreach (var result in Results.Value)
        {
            var detected = FormatDetector.Detect(result.Source, FormatRegistry.Default.All).Reader;
            Assert.IsType<QwenCodeReader>(detected);

            // Read as Claude Code anyway (-Format ClaudeCode), a Qwen file gives no empty record.
            var claude = FormatRegistry.Default.Get(RolloutFormat.ClaudeCode);
            var asClaude = claude.BeginScan(new[] { result.Source }, CancellationToken.None).Read(result.Source, CancellationToken.None);
            Assert.Null(asClaude.Record);
        }

        // A copied ~/.qwen or its projects folder is Qwen Code's store, not Claude Code's.
        var home = SampleFolder.Root("qwen-code");
        Assert.Empty(FormatRegistry.Default.Get(RolloutFormat.ClaudeCode).StoresIn(home));
        Assert.Empty(FormatRegistry.Default.Get(RolloutFormat.ClaudeCode).StoresIn(Path.Combine(home, "projects")));
        Assert.Equal(new[] { Path.Combine(home, "projects") }, new QwenCodeReader().StoresIn(Path.Combine(home, "projects")));
    }

    [Fact]
    public void A_response_is_identified_by_its_record_uuid_and_states_no_cost()
    {
        Assert.Equal(new[]
        {
            "00000004-7c1e-4d2a-9b3f-000000000004", "00000006-7c1e-4d2a-9b3f-000000000006", "00000008-7c1e-4d2a-9b3f-000000000008",
            "0000000a-7c1e-4d2a-9b3f-00000000000a", "0000000f-7c1e-4d2a-9b3f-00000000000f", "00000011-7c1e-4d2a-9b3f-000000000011",
        }, Record(Current).Messages.Where(m => m.Role == MessageRole.Assistant).Select(m => m.ResponseId));
        Assert.Equal("b0000002-2e6f-4a19-8c7d-000000000002", Record(Archived).Messages.First(m => m.Role == MessageRole.Assistant).ResponseId);
        Assert.All(Results.Value.SelectMany(r => r.Record!.Messages), m => Assert.Null(m.CostUsd));
    }
}
