using System.Text;
using System.Text.RegularExpressions;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.ClaudeCode;
using RolloutTools.Core.Formats.Pi;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

[Collection(nameof(EnvironmentVariables))]
public sealed class PiReaderTests
{
    private const string Id = "0b6a2f4e-7c1d-4e8a-9f35-2d4c6b8a0e17";
    private const string Name = $"2026-01-05T09-00-00-000Z_{Id}.jsonl";
    private const string Header = $"{{\"type\":\"session\",\"version\":3,\"id\":\"{Id}\",\"timestamp\":\"2026-01-05T09:00:00.000Z\",\"cwd\":\"/home/dev/acme-shop\"}}";

    private static string Entry(string id, string? parent, int second, string body) =>
        $"{{\"type\":\"message\",\"id\":\"{id}\",\"parentId\":{ClaudeLines.Q(parent)},\"timestamp\":\"2026-01-05T09:00:{second:00}.000Z\",\"message\":{body}}}";

    private static string User(string id, string? parent, int second, string text) =>
        Entry(id, parent, second, $"{{\"role\":\"user\",\"content\":[{{\"type\":\"text\",\"text\":{ClaudeLines.Q(text)}}}],\"timestamp\":1767603600000}}");

    private static string Answer(string id, string? parent, int second, string text, int input = 10) =>
        Entry(id, parent, second, $"{{\"role\":\"assistant\",\"content\":[{{\"type\":\"text\",\"text\":{ClaudeLines.Q(text)}}}],\"api\":\"anthropic-messages\",\"provider\":\"anthropic\",\"model\":\"claude-sonnet-4-5\",\"usage\":{{\"input\":{input},\"output\":5,\"cacheRead\":0,\"cacheWrite\":0,\"totalTokens\":{input + 5},\"cost\":{{\"input\":0,\"output\":0,\"cacheRead\":0,\"cacheWrite\":0,\"total\":0.001}}}},\"stopReason\":\"stop\",\"timestamp\":1767603601000}}");

    private static ReadResult[] Read(IEnumerable<string> lines, ReadOptions? options = null, string name = Name)
    {
        var source = TraceSource.FromBytes(name, Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
        var scan = new PiCodingAgentReader().BeginScan(new[] { source }, CancellationToken.None, options);
        return scan is IMultiRecordScan many ? many.ReadEach(source, CancellationToken.None).ToArray() : new[] { scan.Read(source, CancellationToken.None) };
    }

    private static string[] Texts(RolloutRecord record) => record.Messages.Select(m => m.Text).ToArray();

    [Fact]
    public void A_damaged_parent_line_costs_only_itself_and_the_path_is_bridged()
    {
        var result = Read(new[]
        {
            Header,
            User("a0000001", null, 1, "First question"),
            Answer("a0000002", "a0000001", 2, "First answer"),
            "{\"type\":\"message\",\"id\":\"a0000003\",\"parentId\":\"a0000002\",\"timestamp\":\"2026-01-05T09:00:03.000Z\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"te",
            Answer("a0000004", "a0000003", 4, "Second answer"),
        }).Single();

        var record = result.Record!;
        Assert.Equal(new[] { "First question", "First answer", "Second answer" }, Texts(record));
        Assert.Equal(1L, record.SourceMeta["bridged_gaps"]);
        Assert.Equal(1L, record.SourceMeta["skipped_lines"]);
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal((RolloutDiagnostic.ParseError, 4), (error.ErrorId, error.LineNumber));
        Assert.Matches($@"^{Regex.Escape(Name)}:4:\d+: not valid JSON: ", error.Message);
    }

    [Fact]
    public void Words_of_the_wrong_type_are_an_error_naming_the_line_never_a_silent_loss()
    {
        var result = Read(new[]
        {
            Header,
            User("a0000001", null, 1, "Question"),
            Entry("a0000002", "a0000001", 2, "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":42}],\"timestamp\":1767603602000}"),
            Answer("a0000003", "a0000002", 3, "Answer"),
        }).Single();

        Assert.Equal(new[] { "Question", "Answer" }, Texts(result.Record!));
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Error, 3), (error.Severity, error.LineNumber));
        Assert.Contains("\"text\" is Number", error.Message);
    }

    [Fact]
    public void V1_without_a_version_is_chained_in_file_order_and_its_compaction_index_counts_the_header()
    {
        var record = Read(new[]
        {
            $"{{\"type\":\"session\",\"id\":\"{Id}\",\"timestamp\":\"2025-11-01T08:00:00.000Z\",\"cwd\":\"/home/dev/acme-shop\",\"provider\":\"anthropic\",\"modelId\":\"claude-sonnet-4-5\",\"thinkingLevel\":\"off\",\"branchedFrom\":\"/home/dev/.pi/agent/sessions/--home-dev-acme-shop--/2025-10-31T08-00-00-000Z_5d1c9e2a-3b4f-4a6d-8e7c-9f0a1b2c3d4e.jsonl\"}}",
            "{\"type\":\"message\",\"timestamp\":\"2025-11-01T08:00:01.000Z\",\"message\":{\"role\":\"user\",\"content\":\"One\",\"timestamp\":1761984001000}}",
            "{\"type\":\"message\",\"timestamp\":\"2025-11-01T08:00:02.000Z\",\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Two\"}],\"provider\":\"anthropic\",\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input\":3,\"output\":4,\"cacheRead\":0,\"cacheWrite\":0},\"stopReason\":\"stop\",\"timestamp\":1761984002000}}",
            "{\"type\":\"message\",\"timestamp\":\"2025-11-01T08:00:03.000Z\",\"message\":{\"role\":\"user\",\"content\":\"Three\",\"timestamp\":1761984003000}}",
            "{\"type\":\"compaction\",\"timestamp\":\"2025-11-01T08:00:04.000Z\",\"summary\":\"Said one, two, three.\",\"firstKeptEntryIndex\":3,\"tokensBefore\":900}",
            "{\"type\":\"message\",\"timestamp\":\"2025-11-01T08:00:05.000Z\",\"message\":{\"role\":\"user\",\"content\":\"Four\",\"timestamp\":1761984005000}}",
        }).Single().Record!;

        Assert.Equal(new[] { "One", "Two", "Three", "Said one, two, three.", "Four" }, Texts(record));
        Assert.Equal("Prompt Response Prompt CompactionSummary Prompt", SampleFolder.Kinds(record));
        Assert.Equal(2L, record.SourceMeta["compacted_entries"]);
        Assert.Equal("5d1c9e2a-3b4f-4a6d-8e7c-9f0a1b2c3d4e", record.SourceMeta["parent_session_id"]);
        Assert.Equal(1L, record.SourceMeta["session_version"]);
        Assert.Equal(new TokenUsage(3, 4, 0, 0), SampleFolder.Tokens(record));
    }

    [Fact]
    public void V1_compaction_index_counts_a_line_that_could_not_be_read_as_pi_does()
    {
        // migrateV1ToV2 indexes every line JSON.parse accepted; line 4 parses but its text is a number.
        var result = Read(new[]
        {
            $"{{\"type\":\"session\",\"id\":\"{Id}\",\"timestamp\":\"2025-11-01T08:00:00.000Z\",\"cwd\":\"/home/dev/acme-shop\"}}",
            "{\"type\":\"message\",\"timestamp\":\"2025-11-01T08:00:01.000Z\",\"message\":{\"role\":\"user\",\"content\":\"One\",\"timestamp\":1761984001000}}",
            "{\"type\":\"message\",\"timestamp\":\"2025-11-01T08:00:02.000Z\",\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Two\"}],\"model\":\"claude-sonnet-4-5\",\"stopReason\":\"stop\",\"timestamp\":1761984002000}}",
            "{\"type\":\"message\",\"timestamp\":\"2025-11-01T08:00:03.000Z\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":42}],\"timestamp\":1761984003000}}",
            "{\"type\":\"message\",\"timestamp\":\"2025-11-01T08:00:04.000Z\",\"message\":{\"role\":\"user\",\"content\":\"Three\",\"timestamp\":1761984004000}}",
            "{\"type\":\"compaction\",\"timestamp\":\"2025-11-01T08:00:05.000Z\",\"summary\":\"Said one, two.\",\"firstKeptEntryIndex\":4,\"tokensBefore\":900}",
            "{\"type\":\"message\",\"timestamp\":\"2025-11-01T08:00:06.000Z\",\"message\":{\"role\":\"user\",\"content\":\"Four\",\"timestamp\":1761984006000}}",
        }).Single();

        Assert.Equal(new[] { "One", "Two", "Three", "Said one, two.", "Four" }, Texts(result.Record!));
        Assert.Equal(2L, result.Record!.SourceMeta["compacted_entries"]);
        Assert.Equal(4, Assert.Single(result.Diagnostics).LineNumber);
    }

    [Fact]
    public void A_file_pi_wrote_twice_after_a_second_header_is_read_once()
    {
        var lines = new[] { Header, User("a0000001", null, 1, "Question"), Answer("a0000002", "a0000001", 2, "Answer") };
        var record = Read(lines.Concat(lines).Append(User("a0000003", "a0000002", 3, "Next"))).Single().Record!;

        Assert.Equal(new[] { "Question", "Answer", "Next" }, Texts(record));
        Assert.Equal(new TokenUsage(10, 5, 0, 0), SampleFolder.Tokens(record));
        Assert.Equal(2L, record.SourceMeta["repeated_entries"]);
        Assert.Equal(1L, record.SourceMeta["repeated_headers"]);
    }

    [Fact]
    public void A_parent_loop_ends_the_walk()
    {
        var record = Read(new[] { Header, User("a0000001", "a0000002", 1, "One"), Answer("a0000002", "a0000001", 2, "Two") }).Single().Record!;

        Assert.Equal(new[] { "One", "Two" }, Texts(record));
    }

    [Fact]
    public void Unknown_types_and_roles_are_counted_and_their_words_kept_as_context()
    {
        var record = Read(new[]
        {
            Header,
            User("a0000001", null, 1, "Question"),
            "{\"type\":\"usage\",\"id\":\"a0000002\",\"parentId\":\"a0000001\",\"timestamp\":\"2026-01-05T09:00:02.000Z\",\"kind\":\"cache_warm\"}",
            Entry("a0000003", "a0000002", 3, "{\"role\":\"notice\",\"content\":\"Rate limit reset in 5 minutes\",\"timestamp\":1767603603000}"),
            Entry("a0000004", "a0000003", 4, "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Answer\"},{\"type\":\"citation\",\"url\":\"https://example.test\"},{\"type\":\"thinking\",\"thinking\":\"\",\"thinkingSignature\":\"opaque\",\"redacted\":true}],\"model\":\"claude-sonnet-4-5\",\"stopReason\":\"stop\",\"timestamp\":1767603604000}"),
        }).Single().Record!;

        Assert.Equal("Prompt Context Response", SampleFolder.Kinds(record));
        Assert.Equal("Rate limit reset in 5 minutes", record.Messages[1].Text);
        Assert.Equal(new Dictionary<string, long> { ["usage"] = 1 }, (IReadOnlyDictionary<string, long>)record.SourceMeta["unknown_record_types"]);
        Assert.Equal(new Dictionary<string, long> { ["notice"] = 1 }, (IReadOnlyDictionary<string, long>)record.SourceMeta["unknown_roles"]);
        Assert.Equal(new Dictionary<string, long> { ["citation"] = 1 }, (IReadOnlyDictionary<string, long>)record.SourceMeta["unknown_block_types"]);
        Assert.Equal(1L, record.SourceMeta["redacted_thinking"]);
    }

    [Fact]
    public void Words_in_an_unknown_entry_or_block_type_are_kept_and_each_type_is_reported_once_by_its_first_line()
    {
        var result = Read(new[]
        {
            Header,
            Entry("a0000001", null, 1, "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Read my notes\"},{\"type\":\"file\",\"path\":\"/tmp/notes.md\",\"text\":\"FILE BODY the person attached\"}],\"timestamp\":1767603601000}"),
            Answer("a0000002", "a0000001", 2, "Read."),
            "{\"type\":\"future_entry\",\"id\":\"a0000003\",\"parentId\":\"a0000002\",\"timestamp\":\"2026-01-05T09:00:03.000Z\",\"message\":{\"role\":\"user\",\"content\":\"words in a future entry type\"}}",
            "{\"type\":\"future_entry\",\"id\":\"a0000004\",\"parentId\":\"a0000003\",\"timestamp\":\"2026-01-05T09:00:04.000Z\",\"content\":\"more future words\"}",
            Entry("a0000005", "a0000004", 5, "{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"path\":\"/tmp/b.bin\"}],\"timestamp\":1767603605000}"),
        }).Single();

        var record = result.Record!;
        Assert.Equal("Prompt Response Context Context Prompt", SampleFolder.Kinds(record));
        Assert.Equal(new[] { "Read my notes", "FILE BODY the person attached" }, record.Messages[0].Content.Select(c => c.Text));
        Assert.Equal(new[] { "words in a future entry type", "more future words", "{\"type\":\"file\",\"path\":\"/tmp/b.bin\"}" }, Texts(record)[2..]);
        Assert.Equal(new Dictionary<string, long> { ["future_entry"] = 2 }, (IReadOnlyDictionary<string, long>)record.SourceMeta["unknown_record_types"]);
        Assert.Equal(new Dictionary<string, long> { ["file"] = 2 }, (IReadOnlyDictionary<string, long>)record.SourceMeta["unknown_block_types"]);
        Assert.Equal(new (DiagnosticSeverity, int?)[] { (DiagnosticSeverity.Warning, 2), (DiagnosticSeverity.Warning, 4) }, result.Diagnostics.Select(d => (d.Severity, d.LineNumber)));
        Assert.Contains("'file'", result.Diagnostics[0].Message);
        Assert.Contains("'future_entry'", result.Diagnostics[1].Message);
        Assert.Equal(new TokenUsage(10, 5, 0, 0), SampleFolder.Tokens(record));
    }

    [Fact]
    public void Tool_calls_pair_with_results_by_id_and_string_arguments_stay_json()
    {
        var record = Read(new[]
        {
            Header,
            User("a0000001", null, 1, "List files"),
            Entry("a0000002", "a0000001", 2, "{\"role\":\"assistant\",\"content\":[{\"type\":\"toolCall\",\"id\":\"call_1\",\"name\":\"ls\",\"arguments\":\"{\\\"path\\\":\\\"src\\\"}\"},{\"type\":\"toolCall\",\"id\":\"call_2\",\"name\":\"grep\",\"arguments\":\"pattern=TODO\"}],\"model\":\"gpt-5.1-codex\",\"stopReason\":\"toolUse\",\"timestamp\":1767603602000}"),
            Entry("a0000003", "a0000002", 3, "{\"role\":\"toolResult\",\"toolCallId\":\"call_2\",\"toolName\":\"grep\",\"content\":[{\"type\":\"text\",\"text\":\"No matches\"}],\"isError\":false,\"timestamp\":1767603603000}"),
            Entry("a0000004", "a0000003", 4, "{\"role\":\"toolResult\",\"toolCallId\":\"call_1\",\"toolName\":\"ls\",\"content\":[{\"type\":\"text\",\"text\":\"app.ts\"}],\"isError\":false,\"timestamp\":1767603604000}"),
            Entry("a0000005", "a0000004", 5, "{\"role\":\"toolResult\",\"toolCallId\":\"call_9\",\"toolName\":\"ls\",\"content\":[],\"isError\":false,\"timestamp\":1767603605000}"),
        }).Single().Record!;

        Assert.Equal(new[] { new ToolCall("call_1", "ls", "{\"path\":\"src\"}"), new ToolCall("call_2", "grep", "{\"input\":\"pattern=TODO\"}") }, record.Messages[1].ToolCalls);
        Assert.Equal(new[] { ("call_2", "grep"), ("call_1", "ls") }, record.Messages.Skip(2).Select(m => (m.ToolCallId!, m.ToolName!)));
        Assert.Equal(1L, record.SourceMeta["orphan_tool_results"]);
    }

    [Fact]
    public void Without_a_header_the_entries_still_read_and_the_file_name_gives_the_id()
    {
        var result = Read(new[] { "{\"type\":\"session\",\"version\":3,\"id\":", User("a0000001", null, 1, "Question"), Answer("a0000002", "a0000001", 2, "Answer") }).Single();

        Assert.Equal(Id, result.Record!.TraceId);
        Assert.Null(result.Record.Cwd);
        Assert.Equal(new[] { "Question", "Answer" }, Texts(result.Record));
        Assert.Equal(1, result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Header_alone_and_empty_file_give_no_record()
    {
        var header = Read(new[] { Header }).Single();
        Assert.Null(header.Record);
        Assert.Equal(RolloutDiagnostic.NoUsableLines, Assert.Single(header.Diagnostics).ErrorId);

        var source = TraceSource.FromBytes(Name, Array.Empty<byte>());
        var empty = new PiCodingAgentReader().BeginScan(new[] { source }, CancellationToken.None).Read(source, CancellationToken.None);
        Assert.Null(empty.Record);
        Assert.Equal(RolloutDiagnostic.EmptyFile, Assert.Single(empty.Diagnostics).ErrorId);
    }

    [Fact]
    public void A_branch_from_before_the_first_entry_is_its_own_root()
    {
        var lines = new[]
        {
            Header,
            User("a0000001", null, 1, "First try"),
            Answer("a0000002", "a0000001", 2, "First answer"),
            $"{{\"type\":\"branch_summary\",\"id\":\"a0000003\",\"parentId\":null,\"timestamp\":\"2026-01-05T09:00:03.000Z\",\"fromId\":\"root\",\"summary\":\"Asked a first question.\"}}",
            User("a0000004", "a0000003", 4, "Second try"),
        };
        var active = Read(lines).Single().Record!;
        Assert.Equal("BranchSummary Prompt", SampleFolder.Kinds(active));
        Assert.Equal("Second try", active.Title);
        Assert.Equal(0L, active.SourceMeta.TryGetValue("branch_points", out var points) ? points : 0L);
        Assert.Equal(2L, active.SourceMeta["abandoned_entries"]);

        var all = Read(lines, new ReadOptions { AllBranches = true }).Select(r => r.Record!.TraceId);
        Assert.Equal(new[] { $"{Id}:a0000002", $"{Id}:a0000004" }, all);
    }

    [Fact]
    public void Detection_tells_pi_lines_from_claude_code_lines()
    {
        var readers = FormatRegistry.Default.All;
        Format(Header, readers).Should(RolloutFormat.PiCodingAgent);
        Format(User("a0000001", null, 1, "x"), readers).Should(RolloutFormat.PiCodingAgent);
        Format("{\"type\":\"message\",\"timestamp\":\"2025-11-01T08:00:01.000Z\",\"message\":{\"role\":\"user\",\"content\":\"One\"}}", readers).Should(RolloutFormat.PiCodingAgent);
        Format("{\"type\":\"model_change\",\"id\":\"a0000001\",\"parentId\":null,\"timestamp\":\"2026-01-05T09:00:01.000Z\",\"provider\":\"openai\",\"modelId\":\"gpt-5.1\"}", readers).Should(RolloutFormat.PiCodingAgent);
        Format("{\"type\":\"user\",\"uuid\":\"u1\",\"parentUuid\":null,\"sessionId\":\"s1\",\"timestamp\":\"2026-01-05T09:00:01.000Z\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}", readers).Should(RolloutFormat.ClaudeCode);
        Assert.Equal(DetectionScore.None, new PiCodingAgentReader().Score(JsonHead.Read(Encoding.UTF8.GetBytes("{\"type\":\"session\",\"sessionId\":\"s1\",\"id\":\"x\",\"cwd\":\"/\"}"))!));
    }

    private static IRolloutReader? Format(string line, IReadOnlyList<IRolloutReader> readers) =>
        FormatDetector.Detect(TraceSource.FromBytes("x.jsonl", Encoding.UTF8.GetBytes(line + "\n")), readers).Reader;

    [Fact]
    public void The_agent_dir_variable_names_the_folder_above_sessions_and_a_leading_tilde_is_home()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var previous = Environment.GetEnvironmentVariable(PiCodingAgentReader.AgentDirVariable);
        try
        {
            Environment.SetEnvironmentVariable(PiCodingAgentReader.AgentDirVariable, null);
            Assert.Equal(Path.Combine(home, ".pi", "agent", "sessions"), new PiCodingAgentReader().DefaultLocations().Single());
            Environment.SetEnvironmentVariable(PiCodingAgentReader.AgentDirVariable, "~/work/pi-agent");
            Assert.Equal(Path.Combine(home + "/work/pi-agent", "sessions"), new PiCodingAgentReader().DefaultLocations().Single());
            Environment.SetEnvironmentVariable(PiCodingAgentReader.AgentDirVariable, "/srv/pi");
            Assert.Equal(Path.Combine("/srv/pi", "sessions"), new PiCodingAgentReader().DefaultLocations().Single());
        }
        finally
        {
            Environment.SetEnvironmentVariable(PiCodingAgentReader.AgentDirVariable, previous);
        }
    }

    private static string Response(string id, string parent, int second, string api, string usage, long timestamp = 1767603601000) =>
        Entry(id, parent, second, $"{{\"role\":\"assistant\",\"content\":[{{\"type\":\"text\",\"text\":\"Answer {id}\"}}],\"api\":\"{api}\",\"provider\":\"p\",\"model\":\"m\",\"usage\":{usage},\"stopReason\":\"stop\",\"timestamp\":{timestamp}}}");

    [Fact]
    public void Counts_and_costs_written_as_text_or_with_a_fraction_are_still_counted()
    {
        var record = Read(new[]
        {
            Header,
            User("a0000001", null, 1, "Question"),
            Response("a0000002", "a0000001", 2, "anthropic-messages", "{\"input\":\"100\",\"output\":20.0,\"cacheRead\":5,\"cacheWrite\":0,\"totalTokens\":125,\"cost\":{\"total\":\"0.01\"}}"),
            Response("a0000003", "a0000002", 3, "anthropic-messages", "{\"input\":10,\"output\":2,\"cacheRead\":0,\"cacheWrite\":0,\"totalTokens\":12,\"cost\":{\"total\":0.0012}}"),
        }).Single().Record!;

        Assert.Equal(new TokenUsage(110, 22, 5, 0), SampleFolder.Tokens(record));
        Assert.Equal(0.01m, record.Messages[1].CostUsd);
        Assert.Equal(0.0112, record.SourceMeta["cost_usd"]);
    }

    [Fact]
    public void One_hour_cache_writes_are_the_part_of_cache_writes_pi_says_they_are()
    {
        // pi-ai's Usage: cacheWrite1h is the subset of cacheWrite written with one-hour retention (Anthropic only).
        var record = Read(new[]
        {
            Header,
            User("a0000001", null, 1, "Question"),
            Response("a0000002", "a0000001", 2, "anthropic-messages", "{\"input\":10,\"output\":5,\"cacheRead\":0,\"cacheWrite\":3000,\"cacheWrite1h\":2000,\"totalTokens\":3015,\"cost\":{\"total\":0.01}}"),
        }).Single().Record!;

        Assert.Equal(new TokenUsage(10, 5, 0, 3000) { CacheWrite1hTokens = 2000 }, record.Usage);
        Assert.Equal(2000, record.Messages[1].Usage!.Value.CacheWrite1hTokens);
    }

    [Fact]
    public void Input_that_counted_cache_reads_is_brought_to_input_without_them()
    {
        // pi-ai's google-generative-ai and google-vertex providers store promptTokenCount, which includes the
        // cachedContentTokenCount also stored as cacheRead (google.ts, google-vertex.ts at 83378aa); so did
        // google-gemini-cli before v0.25.0 and the OpenAI APIs before v0.12.7 (989af797), whose usage had no
        // totalTokens yet. Anthropic's input never did, nor the fixed providers' (totalTokens = all four).
        var record = Read(new[]
        {
            Header,
            User("a0000001", null, 1, "Question"),
            Response("a0000002", "a0000001", 2, "google-generative-ai", "{\"input\":12000,\"output\":500,\"cacheRead\":8000,\"cacheWrite\":0,\"totalTokens\":12500,\"cost\":{\"total\":0.01}}"),
            Response("a0000003", "a0000002", 3, "google-gemini-cli", "{\"input\":4000,\"output\":500,\"cacheRead\":8000,\"cacheWrite\":0,\"totalTokens\":12500,\"cost\":{\"total\":0.01}}"),
            Response("a0000004", "a0000003", 4, "google-vertex", "{\"input\":9000,\"output\":50,\"cacheRead\":6000,\"cacheWrite\":0,\"cost\":{\"total\":0.01}}", 1765000000000),
            Response("a0000005", "a0000004", 5, "openai-responses", "{\"input\":5000,\"output\":100,\"cacheRead\":3000,\"cacheWrite\":0,\"cost\":{\"total\":0.01}}", 1763600000000),
            Response("a0000006", "a0000005", 6, "openai-completions", "{\"input\":2000,\"output\":100,\"cacheRead\":3000,\"cacheWrite\":0,\"cost\":{\"total\":0.01}}", 1764950000000),
            Response("a0000007", "a0000006", 7, "openai-responses", "{\"input\":2000,\"output\":100,\"cacheRead\":3000,\"cacheWrite\":0,\"totalTokens\":5100,\"cost\":{\"total\":0.01}}"),
            Response("a0000008", "a0000007", 8, "anthropic-messages", "{\"input\":20,\"output\":100,\"cacheRead\":3000,\"cacheWrite\":400,\"totalTokens\":3520,\"cost\":{\"total\":0.01}}"),
        }).Single().Record!;

        Assert.Equal(new TokenUsage?[]
        {
            new TokenUsage(4000, 500, 8000, 0),
            new TokenUsage(4000, 500, 8000, 0),
            new TokenUsage(3000, 50, 6000, 0),
            new TokenUsage(2000, 100, 3000, 0),
            new TokenUsage(2000, 100, 3000, 0),
            new TokenUsage(2000, 100, 3000, 0),
            new TokenUsage(20, 100, 3000, 400),
        }, record.Messages.Skip(1).Select(m => m.Usage));
        Assert.Equal(new TokenUsage(17020, 1450, 34000, 400), SampleFolder.Tokens(record));
        Assert.Equal(0.07, (double)record.SourceMeta["cost_usd"], 6);
    }

    [Fact]
    public void A_message_entry_whose_message_is_not_an_object_is_an_error_naming_the_line()
    {
        var result = Read(new[]
        {
            Header,
            User("a0000001", null, 1, "Question"),
            "{\"type\":\"message\",\"id\":\"a0000002\",\"parentId\":\"a0000001\",\"timestamp\":\"2026-01-05T09:00:02.000Z\",\"message\":\"Use the cents helper\"}",
            Answer("a0000003", "a0000002", 3, "Answer"),
        }).Single();

        Assert.Equal(new[] { "Question", "Answer" }, Texts(result.Record!));
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Error, 3), (error.Severity, error.LineNumber));
        Assert.Contains("\"message\" is String", error.Message);
        Assert.Equal(1L, result.Record!.SourceMeta["bridged_gaps"]);
    }

    [Fact]
    public void With_all_branches_a_last_entry_caught_in_a_loop_still_gives_its_record()
    {
        var all = Read(new[] { Header, User("a0000001", "a0000002", 1, "One"), Answer("a0000002", "a0000001", 2, "Two") }, new ReadOptions { AllBranches = true });

        var record = Assert.Single(all).Record!;
        Assert.Equal($"{Id}:a0000002", record.TraceId);
        Assert.Equal(new[] { "One", "Two" }, Texts(record));
        Assert.Equal(true, record.SourceMeta["active_branch"]);
    }

    [Fact]
    public void Early_v1_files_name_the_model_as_provider_slash_id_and_their_event_lines_are_known()
    {
        // pi-mono before fede1303 (2025-11-13): the header had "model":"provider/id" and a systemPrompt, model_change
        // had "model"; before 5e988b44 (2025-11-12) every agent event was also saved as {"type":"event"}.
        var record = Read(new[]
        {
            $"{{\"type\":\"session\",\"id\":\"{Id}\",\"timestamp\":\"2025-11-01T08:00:00.000Z\",\"cwd\":\"/home/dev/acme-shop\",\"systemPrompt\":\"You are a coding assistant.\",\"model\":\"anthropic/claude-sonnet-4-5\",\"thinkingLevel\":\"off\"}}",
            "{\"type\":\"event\",\"timestamp\":\"2025-11-01T08:00:01.000Z\",\"event\":{\"type\":\"agent_start\"}}",
            "{\"type\":\"message\",\"timestamp\":\"2025-11-01T08:00:01.000Z\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"One\"}],\"timestamp\":1761984001000}}",
            "{\"type\":\"model_change\",\"timestamp\":\"2025-11-01T08:00:02.000Z\",\"model\":\"openai/gpt-5\"}",
            "{\"type\":\"message\",\"timestamp\":\"2025-11-01T08:00:03.000Z\",\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Two\"}],\"api\":\"openai-responses\",\"provider\":\"openai\",\"model\":\"gpt-5\",\"usage\":{\"input\":30,\"output\":4,\"cacheRead\":0,\"cacheWrite\":0,\"cost\":{\"input\":0,\"output\":0,\"cacheRead\":0,\"cacheWrite\":0,\"total\":0}},\"stopReason\":\"stop\",\"timestamp\":1761984003000}}",
            "{\"type\":\"event\",\"timestamp\":\"2025-11-01T08:00:04.000Z\",\"event\":{\"type\":\"agent_end\"}}",
        }).Single().Record!;

        Assert.Equal(new[] { "One", "Two" }, Texts(record));
        Assert.Equal(new[] { "anthropic/claude-sonnet-4-5", "openai/gpt-5" }, (IEnumerable<string>)record.SourceMeta["model_changes"]);
        Assert.False(record.SourceMeta.ContainsKey("unknown_record_types"));
    }

    [Fact]
    public void Records_round_trip_through_normalized_json_with_their_cost()
    {
        var record = Read(new[] { Header, User("a0000001", null, 1, "Question"), Answer("a0000002", "a0000001", 2, "Answer") }).Single().Record!;
        var json = record.ToJson();

        Assert.Contains("\"source_kind\":\"pi_coding_agent\"", json);
        Assert.Contains("\"cost_usd\":0.001", json);
        var back = RecordJsonReader.Read(System.Text.Json.JsonDocument.Parse(json).RootElement);
        Assert.Equal(RolloutFormat.PiCodingAgent, back.Format);
        Assert.Equal(0.001, (double)back.SourceMeta["cost_usd"], 6);
    }
}

internal static class DetectionAssertions
{
    public static void Should(this IRolloutReader? reader, RolloutFormat format) => Assert.Equal(format, reader?.Format);
}
