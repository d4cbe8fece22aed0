using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Antigravity;
using RolloutTools.Core.Formats.GeminiCli;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Antigravity's conversation folders written here step by step: the two transcripts, usage, damage, stores and detection beside Gemini CLI.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class AntigravityReaderTests : IDisposable
{
    private const string Id = "0b9e3c1a-7d2f-4e8b-a6c5-1f0d2e3c4b5a";
    private readonly string _home = Directory.CreateTempSubdirectory("agy-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private string Brain(string app = "antigravity-cli") => Path.Combine(_home, ".gemini", app, "brain");

    private const string Prompt = "{\"step_index\":0,\"source\":\"USER_EXPLICIT\",\"type\":\"USER_INPUT\",\"status\":\"DONE\",\"created_at\":\"2026-10-01T08:00:00Z\",\"content\":\"<USER_REQUEST>\\nList the files\\n</USER_REQUEST>\"}";
    private const string Call = "{\"step_index\":1,\"source\":\"MODEL\",\"type\":\"PLANNER_RESPONSE\",\"status\":\"DONE\",\"created_at\":\"2026-10-01T08:00:02Z\",\"tool_calls\":[{\"name\":\"list_dir\",\"args\":{\"DirectoryPath\":\"\\\"/w\\\"\"}}],\"input_tokens\":900,\"output_tokens\":40}";
    private const string Listing = "{\"step_index\":2,\"source\":\"MODEL\",\"type\":\"LIST_DIRECTORY\",\"status\":\"DONE\",\"created_at\":\"2026-10-01T08:00:03Z\",\"content\":\"{\\\"name\\\":\\\"a.txt\\\"}\"}";
    private const string Answer = "{\"step_index\":3,\"source\":\"MODEL\",\"type\":\"PLANNER_RESPONSE\",\"status\":\"DONE\",\"created_at\":\"2026-10-01T08:00:05Z\",\"content\":\"One file: a.txt\",\"input_tokens\":960,\"output_tokens\":12}";

    /// <summary>A conversation folder as Antigravity writes it, with the transcript named; returns its path.</summary>
    private string Conversation(string file, params string[] steps)
    {
        var logs = Path.Combine(Brain(), Id, ".system_generated", "logs");
        Directory.CreateDirectory(logs);
        var path = Path.Combine(logs, file);
        File.WriteAllText(path, string.Join("\n", steps) + "\n");
        return path;
    }

    private static ReadResult ReadOne(string path)
    {
        var reader = new AntigravityReader();
        return Assert.Single(RolloutLoader.ReadAll(reader.SessionsIn(path), new ReadOptions(), CancellationToken.None).ToArray());
    }

    [Fact]
    public void A_conversation_pairs_the_step_with_the_call_and_counts_the_tokens_each_response_states_once()
    {
        var result = ReadOne(Conversation("transcript.jsonl", Prompt, Call, Listing, Answer));
        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal((Id, Id, "List the files"), (record.TraceId, record.RootSessionId, record.Title));
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Equal(("1.0", "list_dir", "{\"DirectoryPath\":\"/w\"}"), (record.Messages[1].ToolCalls[0].Id, record.Messages[1].ToolCalls[0].Name, record.Messages[1].ToolCalls[0].Arguments));
        Assert.Equal(("1.0", "{\"name\":\"a.txt\"}"), (record.Messages[2].ToolCallId, record.Messages[2].Text));
        Assert.Equal(new TokenUsage(900, 40, 0, 0), record.Messages[1].Usage);
        Assert.Equal(new TokenUsage(1860, 52, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(2L, record.SourceMeta["responses_with_usage"]);
        Assert.Equal(TimeSpan.FromSeconds(5), record.Duration);
    }

    [Fact]
    public void The_full_transcript_is_read_and_the_clipped_one_beside_it_is_its_sidecar_but_alone_it_is_the_trace()
    {
        var clipped = Conversation("transcript.jsonl", Prompt, Answer);
        var reader = new AntigravityReader();
        Assert.True(reader.IsTraceFile(clipped));
        Assert.False(reader.IsSidecarFile(clipped));

        var full = Conversation("transcript_full.jsonl", Prompt, Answer);
        Assert.True(reader.IsSidecarFile(clipped));
        Assert.False(reader.IsTraceFile(clipped));
        Assert.True(reader.IsTraceFile(full));
        var found = SessionLocator.InStore(reader, Brain(), new TraceSearch(), FormatRegistry.Default, maxDepth: 3).Sessions;
        Assert.Equal(full, Assert.Single(found).Source.Path);
        Assert.Equal(Id, found[0].Ids!.TraceId);
    }

    [Fact]
    public void A_transcript_outside_a_conversation_folder_is_no_trace_by_its_name_but_read_when_named_and_called_after_its_file()
    {
        var loose = Path.Combine(_home, "transcript.jsonl");
        File.WriteAllText(loose, Prompt + "\n" + Answer + "\n");
        Assert.False(new AntigravityReader().IsTraceFile(loose));
        var record = ReadOne(loose).Record!;
        Assert.Equal("transcript", record.TraceId);
        Assert.False(record.SourceMeta.ContainsKey("app"));
    }

    [Fact]
    public void A_damaged_line_is_an_error_at_its_line_a_step_it_cannot_place_a_warning_and_the_rest_is_read()
    {
        var orphan = "{\"step_index\":4,\"source\":\"MODEL\",\"type\":\"VIEW_FILE\",\"status\":\"DONE\",\"created_at\":\"2026-10-01T08:00:06Z\",\"content\":\"x\"}";
        var untyped = "{\"step_index\":5,\"source\":\"MODEL\",\"created_at\":\"2026-10-01T08:00:07Z\"}";
        var stranger = "{\"step_index\":6,\"source\":\"PLUGIN\",\"type\":\"NOTE\",\"content\":\"hi\"}";
        var badCalls = "{\"step_index\":7,\"source\":\"MODEL\",\"type\":\"PLANNER_RESPONSE\",\"created_at\":\"2026-10-01T09:00:00Z\",\"truncated_fields\":[\"content\"],\"content\":\"half\",\"tool_calls\":{\"name\":\"x\"}}";
        var path = Conversation("transcript.jsonl", Prompt, Call, Listing, Answer, "{\"step_index\":", orphan, untyped, stranger, badCalls);
        var result = ReadOne(path);
        Assert.Equal(new (DiagnosticSeverity, int?)[] { (DiagnosticSeverity.Error, 5), (DiagnosticSeverity.Warning, 6), (DiagnosticSeverity.Error, 7), (DiagnosticSeverity.Warning, 8), (DiagnosticSeverity.Error, 9) },
            result.Diagnostics.Select(d => (d.Severity, d.LineNumber)));
        Assert.All(result.Diagnostics, d => Assert.Equal(path, d.Path));
        Assert.Contains("VIEW_FILE step answers no call", result.Diagnostics[1].Message);
        Assert.Contains("'NOTE' from source 'PLUGIN'", result.Diagnostics[3].Message);
        var record = result.Record!;
        // The orphan step's output is kept, as the result of a call of its own.
        Assert.Equal("Prompt Response ToolResult Response Synthetic ToolResult", SampleFolder.Kinds(record));
        Assert.Equal(("4", "VIEW_FILE", "x"), (record.Messages[4].ToolCalls[0].Id, record.Messages[4].ToolCalls[0].Name, record.Messages[5].Text));
        Assert.Equal((1L, 3L), ((long)record.SourceMeta["orphan_tool_steps"], (long)record.SourceMeta["skipped_lines"]));
        // The skipped step's time and clipping count for nothing; the orphan step, read and warned of, is the last moment.
        Assert.Equal(DateTimeOffset.Parse("2026-10-01T08:00:06Z"), record.EndedAt);
        Assert.False(record.SourceMeta.ContainsKey("clipped_steps"));
    }

    [Fact]
    public void A_new_prompt_ends_the_wait_for_results_and_a_late_step_keeps_its_output_with_a_warning()
    {
        var prompt2 = Prompt.Replace("\"step_index\":0", "\"step_index\":2").Replace("List the files", "Stop");
        var late = Listing.Replace("\"step_index\":2", "\"step_index\":3");
        var result = ReadOne(Conversation("transcript.jsonl", Prompt, Call, prompt2, late));
        Assert.Equal(4, Assert.Single(result.Diagnostics).LineNumber);
        Assert.Equal("Prompt Response Prompt Synthetic ToolResult", SampleFolder.Kinds(result.Record!));
        Assert.Equal(1L, result.Record!.SourceMeta["unanswered_tool_calls"]);
    }

    [Fact]
    public void A_step_answers_the_call_its_type_names_even_after_a_call_that_writes_no_step()
    {
        var calls = Call.Replace("\"tool_calls\":[", "\"tool_calls\":[{\"name\":\"task_boundary\",\"args\":{}},", StringComparison.Ordinal);
        var listParts = Prompt.Replace("\"content\":\"<USER_REQUEST>\\nList the files\\n</USER_REQUEST>\"", "\"content\":[\"<USER_REQUEST>List the files</USER_REQUEST>\"]", StringComparison.Ordinal);

        var result = ReadOne(Conversation("transcript.jsonl", listParts, calls, Listing, Answer));

        Assert.Empty(result.Diagnostics);
        var record = result.Record!;
        Assert.Equal("<USER_REQUEST>List the files</USER_REQUEST>", record.Messages[0].Text);
        Assert.Equal(new[] { "task_boundary", "list_dir" }, record.Messages[1].ToolCalls.Select(c => c.Name));
        Assert.Equal(("list_dir", "{\"name\":\"a.txt\"}"), (record.Messages[2].ToolName, record.Messages[2].Text));
        Assert.Equal(1L, record.SourceMeta["unanswered_tool_calls"]);
    }

    [Fact]
    public void Steps_with_nothing_but_context_make_no_record_and_say_so()
    {
        var history = "{\"step_index\":0,\"source\":\"SYSTEM\",\"type\":\"CONVERSATION_HISTORY\",\"status\":\"DONE\",\"created_at\":\"2026-10-01T08:00:00Z\",\"content\":\"# Conversation History\"}";
        var result = ReadOne(Conversation("transcript.jsonl", history));
        Assert.Null(result.Record);
        Assert.Equal(RolloutDiagnostic.NoUsableLines, Assert.Single(result.Diagnostics).ErrorId);
    }

    [Fact]
    public void An_app_folder_is_a_store_of_its_own_brain_only_and_a_gemini_folder_of_each_apps()
    {
        Conversation("transcript.jsonl", Prompt, Answer);
        var ide = Path.Combine(Brain("antigravity"), Id, ".system_generated", "logs");
        Directory.CreateDirectory(ide);
        File.WriteAllText(Path.Combine(ide, "transcript.jsonl"), Prompt + "\n");
        var reader = new AntigravityReader();
        using (new HomeVariable(_home))
        {
            Assert.Equal(new[] { Brain() }, reader.StoresIn(Path.Combine(_home, ".gemini", "antigravity-cli")));
            Assert.Equal(new[] { Brain(), Brain("antigravity") }, reader.StoresIn(Path.Combine(_home, ".gemini")));
            Assert.Equal(new[] { Brain("antigravity") }, reader.StoresIn(Brain("antigravity")));
            Assert.Empty(reader.StoresIn(_home));
        }
        // A copy elsewhere is a store by its shape: a brain folder of conversation folders with logs.
        var copy = Path.Combine(_home, "backup", ".gemini");
        Directory.CreateDirectory(Path.Combine(copy, "antigravity-cli", "brain", Id, ".system_generated", "logs"));
        Assert.Equal(new[] { Path.Combine(copy, "antigravity-cli", "brain") }, reader.StoresIn(copy));
        Assert.Empty(reader.StoresIn(Path.Combine(_home, "backup")));
    }

    [Fact]
    public void Gemini_cli_and_antigravity_never_claim_each_others_files_or_lines()
    {
        var transcript = Conversation("transcript.jsonl", Prompt, Answer);
        var geminiChats = Path.Combine(_home, ".gemini", "tmp", "proj", "chats");
        Directory.CreateDirectory(geminiChats);
        var geminiSession = Path.Combine(geminiChats, "session-2026-10-01T08-00-0b9e3c1a.jsonl");
        const string geminiLine = "{\"id\":\"m1\",\"timestamp\":\"2026-10-01T08:00:00Z\",\"type\":\"user\",\"content\":\"hi\"}";
        File.WriteAllText(geminiSession, geminiLine + "\n");

        var antigravity = new AntigravityReader();
        var gemini = new GeminiCliReader();
        Assert.False(gemini.IsTraceFile(transcript));
        Assert.False(antigravity.IsTraceFile(geminiSession));
        var ours = JsonHead.Read(Encoding.UTF8.GetBytes(Prompt))!;
        var theirs = JsonHead.Read(Encoding.UTF8.GetBytes(geminiLine))!;
        Assert.Equal((DetectionScore.Certain, DetectionScore.None), (antigravity.Score(ours), gemini.Score(ours)));
        Assert.Equal((DetectionScore.None, DetectionScore.Certain), (antigravity.Score(theirs), gemini.Score(theirs)));
        Assert.Equal(DetectionScore.Likely, antigravity.Score(JsonHead.Read(Encoding.UTF8.GetBytes(Listing))!));
        Assert.All(FormatRegistry.Default.All.Where(r => r.Format != RolloutFormat.Antigravity), r => Assert.Equal(DetectionScore.None, r.Score(ours)));

        using (new HomeVariable(_home))
        {
            Assert.DoesNotContain(gemini.DefaultLocations()[0], antigravity.DefaultLocations());
            Assert.Empty(gemini.StoresIn(Brain()));
            Assert.Equal(new[] { Path.Combine(_home, ".gemini", "tmp") }, gemini.StoresIn(Path.Combine(_home, ".gemini")));
        }
    }
}
