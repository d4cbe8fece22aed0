using System.Globalization;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.GeminiCli;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/gemini-cli mirrors a home with .gemini/ (samples/gemini-cli/README.md says what each file shows), read
/// as Get-AgentRollout reads the default location, with GEMINI_CLI_HOME there.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class GeminiCliSamplesTests
{
    private const string Main = "3f2a9c1e-7b4d-4e21-9a55-0c8e6d1f2b73";

    private static readonly Lazy<(IReadOnlyList<string> Files, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var previous = Environment.GetEnvironmentVariable(GeminiCliReader.HomeVariable);
        Environment.SetEnvironmentVariable(GeminiCliReader.HomeVariable, SampleFolder.Root("gemini-cli"));
        try
        {
            var reader = new GeminiCliReader();
            var files = SessionLocator.InDefaultLocations(reader, new TraceSearch()).Sessions.Select(s => s.Source.Path).ToArray();
            return (files, SampleFolder.Read(reader, files));
        }
        finally
        {
            Environment.SetEnvironmentVariable(GeminiCliReader.HomeVariable, previous);
        }
    });

    private static RolloutRecord Record(string traceId) => SampleFolder.Record(Run.Value.Results, traceId);

    private static DateTimeOffset Utc(string time) => DateTimeOffset.Parse(time + "Z", CultureInfo.InvariantCulture);

    [Fact]
    public void Sessions_subagents_and_checkpoints_are_found_and_read_without_problems()
    {
        var names = Run.Value.Files.Select(f => Path.GetRelativePath(SampleFolder.Root("gemini-cli", ".gemini", "tmp"), f).Replace('\\', '/')).ToArray();
        Assert.Equal(new[]
        {
            "754b2f2410d411d47135d4cd44e16018140839d3d3cea2d6e7eafccb6c96b1d5/chats/session-2026-01-08T14-21-9b1d2e7a.json",
            "754b2f2410d411d47135d4cd44e16018140839d3d3cea2d6e7eafccb6c96b1d5/checkpoint-first%20try.json",
            $"weather-app/chats/{Main}/codebase_investigator-a81c2f.jsonl",
            "weather-app/chats/session-2026-05-12T09-14-3f2a9c1e.jsonl",
            "weather-app/chats/session-2026-06-20T11-02-c47e8b10.jsonl",
            "weather-app/checkpoint-before-refactor.json",
        }, names);
        Assert.All(Run.Value.Results, r => Assert.Empty(r.Diagnostics));
        Assert.All(Run.Value.Results, r => Assert.NotNull(r.Record));
        SampleFolder.AssertToolMessagesAnswerCalls(Run.Value.Results.Select(r => r.Record!));
    }

    [Fact]
    public void Jsonl_session_applies_upserts_and_the_rewind_and_keeps_each_tool_result_once()
    {
        var record = Record(Main);
        Assert.Equal("Prompt Response ToolResult Response Prompt Response ToolResult ToolResult Response Synthetic", SampleFolder.Kinds(record));
        Assert.Equal(RolloutFormat.GeminiCli, record.Format);
        Assert.Equal("gemini_cli", record.SourceKind);
        Assert.Equal((Main, false, null), (record.RootSessionId, record.IsSidechain, record.AgentId));
        Assert.Equal("/home/dev/projects/weather-app", record.ProjectPath);
        Assert.Equal("Show forecast temperatures in Celsius", record.Title);
        Assert.Equal((Utc("2026-05-12T09:14:02.311"), Utc("2026-05-12T09:18:40.002")), (record.StartedAt, record.EndedAt));
        Assert.Equal(new[] { "gemini-2.5-pro", "gemini-2.5-flash" }, record.Models);
        Assert.DoesNotContain(record.Messages, m => m.Text.Contains("273.15", StringComparison.Ordinal));

        var first = record.Messages[1];
        Assert.Equal("Let me look at the API client.", first.Text);
        Assert.Equal("**Locating the conversion** The API returns Kelvin unless units=metric is passed. I should check the client.", first.ReasoningContent);
        Assert.Equal(new ToolCall("read_file-1747041249001-7f3a", "read_file", """{"absolute_path":"/home/dev/projects/weather-app/src/api/client.ts"}"""), Assert.Single(first.ToolCalls));
        // input 8412 includes 6144 cached; output 61 + thoughts 118.
        Assert.Equal(new TokenUsage(2268, 179, 6144, 0), first.Usage);
        Assert.Equal("gemini-2.5-pro", first.Model);

        var result = record.Messages[2];
        Assert.Equal(("read_file-1747041249001-7f3a", "read_file", false, Utc("2026-05-12T09:14:09.377")), (result.ToolCallId, result.ToolName, result.IsError, result.Timestamp));
        Assert.StartsWith("export async function forecast", result.Text, StringComparison.Ordinal);

        var delegating = record.Messages[5];
        Assert.Equal(new[] { "codebase_investigator", "replace" }, delegating.ToolCalls.Select(c => c.Name));
        Assert.Equal((MessageRole.System, "Switched to fallback model gemini-2.5-flash"), (record.Messages[^1].Role, record.Messages[^1].Text));

        // The rewound answer (8901 in of which 8192 cached, 19 out) was billed: it counts, carried apart from the messages.
        Assert.Equal(new TokenUsage(4280 + 709, 622 + 19, 31744 + 8192, 0), SampleFolder.Tokens(record));
        Assert.Equal(
            new UnlistedResponse("a9b8c7d6-e5f4-4321-8765-4321fedcba98", Utc("2026-05-12T09:15:33.870"), "gemini-2.5-pro", new TokenUsage(709, 19, 8192, 0), null),
            Assert.Single(record.UnlistedResponses));
        var meta = record.SourceMeta;
        Assert.Equal("jsonl", meta["file_shape"]);
        Assert.Equal("main", meta["session_kind"]);
        Assert.Equal("weather-app", meta["project_hash"]);
        Assert.Equal(2L, meta["rewound_messages"]);
        Assert.Equal(3L, meta["duplicate_tool_responses"]);
        Assert.Equal(358L, meta["thoughts_tokens"]);
        Assert.Equal("message: 11, metadata: 1, rewind: 1, set: 6, update: 2", meta["record_types"].ToString());
        Assert.Equal("info: 1", meta["notices"].ToString());
    }

    [Fact]
    public void A_subagent_session_is_a_sidechain_of_its_parent()
    {
        var record = Record($"{Main}:codebase_investigator-a81c2f");
        Assert.Equal((Main, "codebase_investigator-a81c2f", true), (record.RootSessionId, record.AgentId, record.IsSidechain));
        Assert.Equal("Prompt Response ToolResult ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(new bool?[] { false, true }, record.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.IsError));
        Assert.Equal("File not found: /home/dev/projects/weather-app/src/components/ForecastCard.tsx", record.Messages[3].Text);
        Assert.Equal(("subagent", Main), (record.SourceMeta["session_kind"], record.SourceMeta["parent_session_id"]));
        Assert.Equal(new TokenUsage(4766, 114, 2048, 0), SampleFolder.Tokens(record));
    }

    [Fact]
    public void A_compress_sync_keeps_the_turns_it_summarised_and_content_parts_carry_thoughts_and_calls()
    {
        var record = Record("c47e8b10-5d2a-4f6b-8e3c-9a1b2d3c4e5f");
        Assert.Equal("Prompt Response CompactionSummary Synthetic Synthetic Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal("Add a 5-day view to the forecast page.", record.Title);
        Assert.Equal(new TokenUsage(12000, 300, 0, 0), record.Messages[1].Usage);
        var call = record.Messages[6];
        Assert.Equal("**Running the suite** The change touched one component; the whole suite is quick.", call.ReasoningContent);
        Assert.Equal("run_shell_command-1750417825-b001", Assert.Single(call.ToolCalls).Id);
        Assert.Equal(new TokenUsage(2400, 82, 0, 0), call.Usage);
        Assert.Null(record.Messages[3].Model);
        Assert.Equal(2L, record.SourceMeta["left_by_history_sync"]);
    }

    [Fact]
    public void A_legacy_json_session_reads_string_content_thoughts_and_a_cancelled_call()
    {
        var record = Record("9b1d2e7a-0c3f-4b5e-8d6a-1f2e3d4c5b6a");
        Assert.Equal("Command Prompt Response ToolResult Response ToolResult Synthetic Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("legacy_json", record.SourceMeta["file_shape"]);
        Assert.Null(record.ProjectPath);
        Assert.Equal("Make an index of the recipes folder", record.Title);
        var cancelled = record.Messages[5];
        Assert.Equal((true, "[Operation Cancelled] Reason: User cancelled the operation."), (cancelled.IsError, cancelled.Text));
        Assert.Equal("cancelled: 1, success: 1", record.SourceMeta["tool_statuses"].ToString());
        Assert.Equal("""{"command":"ls recipes","description":"List the recipe files"}""", record.Messages[2].ToolCalls[0].Arguments);
    }

    [Fact]
    public void Both_checkpoint_shapes_read_as_conversations_without_times()
    {
        var current = Record("checkpoint-before-refactor");
        Assert.Equal("Context Synthetic Prompt Response ToolResult Response", SampleFolder.Kinds(current));
        Assert.Equal(("before-refactor", "/home/dev/projects/weather-app", "oauth-personal"), (current.Title, current.ProjectPath, current.SourceMeta["auth_type"]));
        Assert.All(current.Messages, m => Assert.Null(m.Timestamp));

        var older = Record("checkpoint-first%20try");
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(older));
        Assert.Equal(("first try", "legacy_checkpoint"), (older.Title, older.SourceMeta["file_shape"]));
        // No ids in the older list: the response answers the call of its name, under an id made up for both.
        Assert.Equal(older.Messages[1].ToolCalls[0].Id, older.Messages[2].ToolCallId);
        Assert.Equal(1L, older.SourceMeta["synthesized_call_ids"]);
    }

    [Fact]
    public void A_response_is_identified_by_its_message_id_and_states_no_cost()
    {
        var record = Record(Main);
        Assert.Equal(new[] { "e2d4f6a8-3b5c-4d7e-8f90-a1b2c3d4e5f6", "c3e5a7b9-4d6f-4a8b-9c0d-1e2f3a4b5c6d", "b1a2c3d4-e5f6-4708-9a1b-2c3d4e5f6a7b", "7a6b5c4d-3e2f-4109-8a7b-6c5d4e3f2a1b" },
            record.Messages.Where(m => m.Role == MessageRole.Assistant).Select(m => m.ResponseId));
        Assert.Equal("6d5c4b3a-2f1e-4cab-99d8-f7e6d5c4b3a2", Record("9b1d2e7a-0c3f-4b5e-8d6a-1f2e3d4c5b6a").Messages[2].ResponseId);
        Assert.All(Run.Value.Results.SelectMany(r => r.Record!.Messages), m => Assert.Null(m.CostUsd));
        // A checkpoint's history has no message ids, and the setup acknowledgement is no response.
        Assert.All(Record("checkpoint-before-refactor").Messages, m => Assert.Null(m.ResponseId));
        Assert.Null(Record("c47e8b10-5d2a-4f6b-8e3c-9a1b2d3c4e5f").Messages[3].ResponseId);
    }
}
