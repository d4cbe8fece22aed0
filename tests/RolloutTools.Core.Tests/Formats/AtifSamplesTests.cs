using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Atif;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/atif holds Harbor job folders and one exported file, every ATIF version that changed what a reader
/// sees (samples/atif/README.md says what each file shows). Read as Get-AgentRollout -Recurse reads a folder.
/// </summary>
public sealed class AtifSamplesTests
{
    private static readonly string Trial = SampleFolder.Root("atif", "jobs", "2026-03-02__14-10-05", "hello-world__Kp2vR9d", "agent");
    private const string Session = "3c2e9b4a-7f1d-4e55-9a0b-1d2f6c8e4b71";

    private static readonly Lazy<IReadOnlyList<ReadResult>> Results = new(() => Read(new ReadOptions()));

    private static readonly Lazy<IReadOnlyList<ReadResult>> Stitched = new(() => Read(new ReadOptions { StitchContinuations = true }));

    private static IReadOnlyList<ReadResult> Read(ReadOptions options)
    {
        var reader = new AtifReader();
        var files = TraceFileFinder.Find(SampleFolder.Root("atif"), new[] { reader }, new TraceSearch { Recurse = true }).Files.Select(f => f.Path).ToArray();
        return SampleFolder.Read(reader, files, options);
    }

    private static RolloutRecord Record(string traceId) => SampleFolder.Record(Results.Value, traceId);

    [Fact]
    public void Every_file_reads_without_diagnostics_and_every_tool_message_answers_a_call()
    {
        Assert.DoesNotContain(Results.Value, r => r.Diagnostics.Count > 0);
        Assert.Equal(
            new[]
            {
                "traj_5f0c2a9e", "traj_5f0c2a9e:traj_5f0c2a9e-analyst-1", "NORMALIZED_SESSION_ID", "b7d41f02-5c3e-4a8e-8f6d-2e9a71c0d5b3",
                $"{Session}:cont-1", Session, $"{Session}:{Session}-summarization-1-summary", "e1a95c7d-0b42-4d1f-b3c6-7a8e2f4d9c10",
            },
            Results.Value.Select(r => r.Record!.TraceId));
        Assert.All(Results.Value, r => Assert.Equal("atif", r.Record!.SourceKind));
        SampleFolder.AssertToolMessagesAnswerCalls(Results.Value.Select(r => r.Record!));
    }

    [Fact]
    public void Terminus_output_without_call_ids_becomes_user_side_tool_results_and_the_continuation_is_linked()
    {
        var main = Record(Session);
        Assert.Equal("Prompt Response ToolResult Response ToolResult Context", SampleFolder.Kinds(main));
        Assert.Equal(new[] { MessageRole.User, MessageRole.Assistant, MessageRole.User, MessageRole.Assistant, MessageRole.User, MessageRole.System }, main.Messages.Select(m => m.Role));
        Assert.StartsWith("New Terminal Output:", main.Messages[2].Text);
        Assert.Null(main.Messages[2].ToolCallId);
        // prompt_tokens includes the cached ones: 750 - 512 are new input.
        Assert.Equal(new TokenUsage(238, 50, 512, 0), main.Messages[3].Usage);
        Assert.Equal(new TokenUsage(920, 110, 512, 0), SampleFolder.Tokens(main));
        Assert.Equal(new[] { "openai/gpt-4o" }, main.Models);
        Assert.Equal("Task Description: Create a file called hello.txt with \"Hello, world!\" as the content. Current terminal state: root@sandbox:/app#", main.Title);
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T14:10:07.120Z"), main.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T14:10:13.200Z"), main.EndedAt);
        Assert.Equal("ATIF-v1.5", main.SourceMeta["schema_version"]);
        Assert.Equal("terminus-2", main.SourceMeta["agent_name"]);
        Assert.Equal("trajectory.cont-1.json", main.SourceMeta["continued_trajectory_ref"]);
        Assert.Equal(Path.Combine(Trial, "trajectory.cont-1.json"), main.SourceMeta["continued_by"]);
        Assert.Equal(new[] { $"step 4: {Session}-summarization-1-summary (trajectory.summarization-1-summary.json)" }, (IEnumerable<string>)main.SourceMeta["subagent_trajectory_refs"]);
        Assert.Equal("0.00404", main.SourceMeta["cost_usd"]);
        // Harbor's final metrics include the subagents' (910 prompt tokens, $0.002695); the record's usage is its own steps'.
        Assert.Equal("0.006735", main.SourceMeta["final_cost_usd"]);
        Assert.Equal(2L, main.SourceMeta["untethered_results"]);
        Assert.Equal(4L, main.SourceMeta["step_count"]);

        var cont = Record($"{Session}:cont-1");
        Assert.Equal("Context Context Response ToolResult Response", SampleFolder.Kinds(cont));
        Assert.Equal(Session, cont.RootSessionId);
        Assert.False(cont.IsSidechain);
        Assert.Equal(Path.Combine(Trial, "trajectory.json"), cont.SourceMeta["continues"]);
        Assert.Equal(1L, cont.SourceMeta["continuation_index"]);
        Assert.Equal(2L, cont.SourceMeta["copied_context_steps"]);
        // Copied steps are context, not a person's words; the copied task still titles the file read alone.
        Assert.DoesNotContain(cont.Messages, m => m.Kind == MessageKind.Prompt);
        Assert.Equal(main.Title, cont.Title);
        Assert.Equal(new TokenUsage(1126, 100, 1024, 0), SampleFolder.Tokens(cont));
    }

    [Fact]
    public void Stitched_the_continuation_joins_its_trajectory_without_repeating_the_copied_task()
    {
        var records = Stitched.Value.Where(r => r.Record is not null).Select(r => r.Record!).ToArray();
        Assert.DoesNotContain(records, r => r.TraceId.EndsWith(":cont-1", StringComparison.Ordinal));
        var skipped = Assert.Single(Stitched.Value, r => r.Record is null);
        Assert.EndsWith("trajectory.cont-1.json", skipped.Source.Path);
        Assert.Contains("-StitchContinuations", skipped.SkipReason);

        var whole = records.Single(r => r.TraceId == Session);
        Assert.Equal("Prompt Response ToolResult Response ToolResult Context Context Response ToolResult Response", SampleFolder.Kinds(whole));
        Assert.StartsWith("You are picking up work", whole.Messages[6].Text);
        Assert.Equal(new TokenUsage(2046, 210, 1536, 0), SampleFolder.Tokens(whole));
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T14:10:21.070Z"), whole.EndedAt);
        Assert.Equal(1L, whole.SourceMeta["stitched_copies_skipped"]);
        Assert.Equal(1L, whole.SourceMeta["copied_context_steps"]);
        Assert.Equal(new[] { Path.Combine(Trial, "trajectory.json"), Path.Combine(Trial, "trajectory.cont-1.json") }, (IEnumerable<string>)whole.SourceMeta["stitched_files"]);
        // A continuation's final metrics are the run's totals so far (Harbor writes its running totals), so the
        // chain's are the last file's, not a sum that counts the first file twice.
        Assert.Equal("0.010925", whole.SourceMeta["final_cost_usd"]);
        Assert.Equal(new Dictionary<string, long> { ["total_cached_tokens"] = 1536, ["total_completion_tokens"] = 252, ["total_prompt_tokens"] = 4492 }, (IReadOnlyDictionary<string, long>)whole.SourceMeta["final_metrics"]);
        Assert.False(whole.SourceMeta.ContainsKey("continued_trajectory_ref"));
    }

    [Fact]
    public void A_continuation_named_alone_is_stitched_from_its_first_file()
    {
        var file = Path.Combine(Trial, "trajectory.cont-1.json");
        var result = Assert.Single(SampleFolder.Read(new AtifReader(), new[] { file }, new ReadOptions { StitchContinuations = true }));
        Assert.Equal(Session, result.Record!.TraceId);
        Assert.Equal(10, result.Record.MessageCount);
        Assert.Equal(file, result.Record.SourcePath);
    }

    [Fact]
    public void A_subagent_file_is_a_sidechain_of_the_trajectory_that_references_it()
    {
        var sub = Record($"{Session}:{Session}-summarization-1-summary");
        Assert.True(sub.IsSidechain);
        Assert.Equal(Session, sub.RootSessionId);
        Assert.Equal($"{Session}-summarization-1-summary", sub.AgentId);
        Assert.Equal(Path.Combine(Trial, "trajectory.json"), sub.SourceMeta["parent_trajectory"]);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(sub));
        Assert.Equal(new TokenUsage(910, 42, 0, 0), SampleFolder.Tokens(sub));
    }

    [Fact]
    public void Converted_claude_code_run_pairs_parallel_calls_and_keeps_cwd_branch_cache_writes_and_reasoning()
    {
        var r = Record("b7d41f02-5c3e-4a8e-8f6d-2e9a71c0d5b3");
        Assert.Equal("Context Context Prompt Response ToolResult ToolResult Response ToolResult ToolResult ToolResult Response", SampleFolder.Kinds(r));
        Assert.Equal(MessageRole.System, r.Messages[1].Role);
        Assert.StartsWith("Environment reset", r.Messages[1].Text);
        var first = r.Messages[3];
        Assert.Equal("The header is probably written once in open() and again in the empty-report branch.", first.ReasoningContent);
        Assert.Equal(new[] { "Read", "Bash" }, first.ToolCalls.Select(c => c.Name));
        Assert.Equal("{\"file_path\":\"/app/report/export.py\"}", first.ToolCalls[0].Arguments);
        Assert.Equal(new TokenUsage(310, 188, 3900, 120), first.Usage);
        Assert.Equal(("toolu_01Hq3Vw8", "Read"), (r.Messages[4].ToolCallId, r.Messages[4].ToolName));
        Assert.Equal(("toolu_01Jm7Xc2", "Bash"), (r.Messages[5].ToolCallId, r.Messages[5].ToolName));
        Assert.Equal((MessageRole.User, "[hook] post-edit: ruff check passed"), (r.Messages[9].Role, r.Messages[9].Text));
        Assert.Equal(new TokenUsage(790, 356, 12860, 120), SampleFolder.Tokens(r));
        Assert.Equal(("/app", "/app", "fix/csv-header"), (r.Cwd, r.ProjectPath, r.GitBranch));
        Assert.Equal("Fixed: the empty-report branch no longer writes a second header. All 4 export tests pass.", r.FinalAssistantMessage);
        Assert.Equal("Converted from Claude Code's session JSONL by Harbor.", r.SourceMeta["notes"]);
        Assert.Equal(new[] { "medium" }, (IEnumerable<string>)r.SourceMeta["reasoning_efforts"]);
        Assert.Equal(1L, r.SourceMeta["steps_with_token_ids"]);
        Assert.Equal(1L, r.SourceMeta["steps_with_logprobs"]);
        Assert.Equal("0.010689", r.SourceMeta["cost_usd"]);
        Assert.Equal(TimeSpan.FromSeconds(18.02), r.Duration);
    }

    [Fact]
    public void Version_1_0_without_step_models_takes_the_agents_model()
    {
        var r = Record("NORMALIZED_SESSION_ID");
        Assert.Equal("Context Prompt Response ToolResult Response", SampleFolder.Kinds(r));
        Assert.All(r.Messages.Where(m => m.Role == MessageRole.Assistant), m => Assert.Equal("anthropic/claude-3-5-sonnet-20241022", m.Model));
        Assert.Equal(new TokenUsage(2506, 94, 0, 0), SampleFolder.Tokens(r));
        Assert.Equal("Count the lines of /data/events.log and write the number to /data/count.txt.", r.Title);
        Assert.False(r.SourceMeta.ContainsKey("cost_usd"));
        Assert.Null(r.Cwd);
    }

    [Fact]
    public void Version_1_6_images_are_image_blocks_by_path_beside_the_trajectory()
    {
        var r = Record("e1a95c7d-0b42-4d1f-b3c6-7a8e2f4d9c10");
        var folder = SampleFolder.Root("atif", "jobs", "2026-05-11__16-30-44", "chart-bug__Zt4wL0e", "agent", "images");
        var prompt = r.Messages[0];
        Assert.Equal(MessageKind.Prompt, prompt.Kind);
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image }, prompt.Content.Select(b => b.Type));
        Assert.Equal(Path.Combine(folder, "step_1_user_0.png"), prompt.Content[1].Url);
        Assert.Equal("image/png", prompt.Content[1].MediaType);
        Assert.Null(prompt.Content[1].Data);
        var screenshot = r.Messages[2];
        Assert.Equal(("call_ss_1", "Screenshot taken (1280x800)."), (screenshot.ToolCallId, screenshot.Text));
        Assert.Equal(Path.Combine(folder, "step_2_obs_0.png"), screenshot.Content[1].Url);
        Assert.Equal("The chart's margin.left is 8px, too small for four-digit labels. Set it to 48 in chart.ts.", r.FinalAssistantMessage);
        Assert.Equal(new[] { "screenshot" }, (IEnumerable<string>)r.SourceMeta["tool_definitions"]);
        Assert.Equal("/workspace/dashboard", r.ProjectPath);
    }

    [Fact]
    public void Records_read_back_from_a_normalized_dataset_are_equal_images_by_path_included()
    {
        foreach (var record in Results.Value.Select(r => r.Record!))
        {
            var line = record.ToJson();
            var source = TraceSource.FromBytes("data.jsonl", System.Text.Encoding.UTF8.GetBytes(line + "\n"));
            var back = ((IMultiRecordScan)new RolloutTools.Core.Formats.Normalized.NormalizedReader().BeginScan(new[] { source }, CancellationToken.None)).ReadEach(source, CancellationToken.None).Single().Record!;
            Assert.Equal(line, back.ToJson());
        }
    }

    [Fact]
    public void Version_1_7_without_session_id_keeps_compaction_dispatch_and_its_embedded_subagent()
    {
        var r = Record("traj_5f0c2a9e");
        Assert.Equal("traj_5f0c2a9e", r.RootSessionId);
        Assert.Equal("Context Response ToolResult Context CompactionSummary Response ToolResult Response", SampleFolder.Kinds(r));
        Assert.StartsWith("Summary: sales.parquet has 48,210 rows", r.Messages[4].Text);
        Assert.Equal(MessageRole.System, r.Messages[4].Role);
        // llm_call_count 0: a deterministic dispatch, not model output.
        Assert.Null(r.Messages[5].Model);
        Assert.Equal("{\"exit_code\":0,\"duration_ms\":412}", r.Messages[2].StructuredResult);
        Assert.Equal(0, r.Messages[2].ExitCode);
        Assert.Equal(new TokenUsage(2130, 75, 640, 0), SampleFolder.Tokens(r));
        Assert.Equal(3L, r.SourceMeta["llm_calls"]);
        Assert.Equal(1L, r.SourceMeta["deterministic_steps"]);
        Assert.Equal(new Dictionary<string, long> { ["compaction"] = 1 }, (IReadOnlyDictionary<string, long>)r.SourceMeta["context_management"]);
        Assert.Equal(new[] { "traj_5f0c2a9e-analyst-1" }, (IEnumerable<string>)r.SourceMeta["embedded_subagent_trajectories"]);
        Assert.Equal(new[] { "step 4: traj_5f0c2a9e-analyst-1" }, (IEnumerable<string>)r.SourceMeta["subagent_trajectory_refs"]);
        Assert.Equal("main", r.GitBranch);
        Assert.Equal("Load sales.parquet and tell me which region grew most year over year.", r.Title);

        var sub = Record("traj_5f0c2a9e:traj_5f0c2a9e-analyst-1");
        Assert.True(sub.IsSidechain);
        Assert.Equal(("traj_5f0c2a9e", "traj_5f0c2a9e-analyst-1"), (sub.RootSessionId, sub.AgentId));
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(sub));
        Assert.Equal(new[] { "nemotron-nano-9b" }, sub.Models);
        Assert.Equal(new TokenUsage(1310, 52, 0, 0), SampleFolder.Tokens(sub));
        Assert.Equal("traj_5f0c2a9e", sub.SourceMeta["embedded_in"]);
        Assert.Equal(r.SourcePath, sub.SourcePath);
    }
}
