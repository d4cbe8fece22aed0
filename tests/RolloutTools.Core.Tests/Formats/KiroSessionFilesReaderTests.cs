using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.KiroCli;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Tests.Formats.SqliteStore;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Session files of Kiro CLI's V2 engine written here: damaged lines and state, entries of unknown kinds, a copy elsewhere, and a conversation the database holds too.</summary>
public sealed class KiroSessionFilesReaderTests : IDisposable
{
    private const string Id = "0b1c2d3e-0000-4000-8000-000000000002";
    private readonly string _folder = Directory.CreateTempSubdirectory("kiro-sessions-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Prompt = """{"version":"v1","kind":"Prompt","data":{"message_id":"p1","content":[{"kind":"text","data":"List the files"}],"meta":{"timestamp":1775037600}}}""";
    private const string Use = """{"version":"v1","kind":"AssistantMessage","data":{"message_id":"a1","content":[{"kind":"toolUse","data":{"toolUseId":"t1","name":"shell","input":{"command":"ls"}}}]}}""";
    private const string Result = """{"version":"v1","kind":"ToolResults","data":{"message_id":"r1","content":[{"kind":"toolResult","data":{"toolUseId":"t1","content":[{"kind":"text","data":"a.txt"}],"status":"success"}}]}}""";
    private const string Answer = """{"version":"v1","kind":"AssistantMessage","data":{"message_id":"a2","content":[{"kind":"text","data":"One file: a.txt"}]}}""";

    /// <summary>A session file in a sessions/cli folder, with the state given beside it (none when null).</summary>
    private string Session(string root, string? state, params string[] lines)
    {
        var folder = Path.Combine(_folder, root, "sessions", "cli");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Id + ".jsonl");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        if (state is not null) File.WriteAllText(Path.ChangeExtension(path, ".json"), state);
        return path;
    }

    private static IReadOnlyList<ReadResult> Read(params string[] paths) =>
        RolloutLoader.ReadAll(paths.SelectMany(new KiroCliReader().SessionsIn).ToArray(), new ReadOptions(), CancellationToken.None).ToArray();

    [Fact]
    public void A_line_that_is_no_json_or_of_a_shape_not_known_is_a_warning_naming_file_and_line_and_the_rest_reads()
    {
        var path = Session("damaged", null, Prompt, "{\"version\":\"v1\",\"kind\":", Use, """{"version":"v1","kind":"ToolResults","data":{"content":[{"kind":"toolResult","data":{"content":[]}}]}}""", Result, Answer);
        var result = Assert.Single(Read(path));
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Collection(result.Diagnostics,
            d => Assert.Equal((DiagnosticSeverity.Error, 2), (d.Severity, d.LineNumber)),
            d => Assert.Equal($"{path}:4: a tool results block cannot be read: a tool result has no toolUseId; left out, the rest of the line is kept.", d.Message));
        Assert.False(result.Record!.SourceMeta.ContainsKey("skipped_lines"));
        Assert.Equal(1L, result.Record.SourceMeta["unreadable_blocks"]);
        Assert.Equal(Id, result.Record.TraceId);
        Assert.Null(result.Record.Cwd);
    }

    [Fact]
    public void An_entry_or_block_of_a_kind_not_known_is_told_once_with_its_line_and_counted()
    {
        var hologram = """{"version":"v1","kind":"Hologram","data":{}}""";
        var path = Session("unknown", null, Prompt, hologram, Use.Replace("\"content\":[", "\"content\":[{\"kind\":\"video\",\"data\":{}},", StringComparison.Ordinal), Result, hologram, Answer);
        var result = Assert.Single(Read(path));
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal(new[]
        {
            $"{path}:2: entry 'Hologram' is not one this reader knows; left out.",
            $"{path}:3: response block 'video' is not one this reader knows; left out.",
        }, result.Diagnostics.Select(d => d.Message));
        var unknown = Assert.IsAssignableFrom<IReadOnlyDictionary<string, long>>(result.Record!.SourceMeta["unknown_content"]);
        Assert.Equal(2L, unknown["entry: Hologram"]);
    }

    [Fact]
    public void A_turn_ending_on_its_tool_results_gives_its_model_to_each_response_and_its_time_and_tokens_to_the_last()
    {
        const string state = """
            {"session_id":"x","session_state":{"conversation_metadata":{"user_turn_metadatas":[
              {"message_ids":["p1","a1","r1","a2","r2"],"end_reason":"ToolUseRejected","end_timestamp":1775037650,"model":"claude-sonnet-4.5","input_token_count":1000,"output_token_count":50}]}}}
            """;
        const string rejected = """{"version":"v1","kind":"AssistantMessage","data":{"message_id":"a2","content":[{"kind":"toolUse","data":{"toolUseId":"t2","name":"shell","input":{"command":"rm -rf build"}}}]}}""";
        const string refusal = """{"version":"v1","kind":"ToolResults","data":{"message_id":"r2","content":[{"kind":"toolResult","data":{"toolUseId":"t2","content":[{"kind":"text","data":"Tool use was rejected"}],"status":"error"}}]}}""";
        var record = Assert.Single(Read(Session("rejected", state, Prompt, Use, Result, rejected, refusal))).Record!;
        Assert.Equal("Prompt Response ToolResult Response ToolResult", SampleFolder.Kinds(record));
        Assert.All(record.Messages.Where(m => m.Kind == MessageKind.Response), m => Assert.Equal("claude-sonnet-4.5", m.Model));
        Assert.Null(record.Messages[1].Usage);
        Assert.Equal(new TokenUsage(1000, 50, 0, 0), record.Messages[3].Usage);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1775037650), record.Messages[3].Timestamp);
        Assert.Equal(new TokenUsage(1000, 50, 0, 0), record.Usage);
    }

    [Fact]
    public void A_text_block_holding_an_object_reads_its_text_and_a_bad_image_leaves_the_prompt_s_words_in_place()
    {
        const string objectText = """{"version":"v1","kind":"Prompt","data":{"message_id":"p1","content":[{"kind":"text","data":{"text":"Words in an object"}}],"meta":{"timestamp":1775037600}}}""";
        const string badImage = """{"version":"v1","kind":"Prompt","data":{"message_id":"p2","content":[{"kind":"text","data":"Look at this"},{"kind":"image","data":{"format":"png","source":{"kind":"bytes","data":[137,80,300]}}}],"meta":{"timestamp":1775037700}}}""";
        const string numberText = """{"version":"v1","kind":"AssistantMessage","data":{"message_id":"a3","content":[{"kind":"text","data":7},{"kind":"text","data":"Seen"}]}}""";
        var path = Session("blocks", null, objectText, Answer, badImage, numberText);
        var result = Assert.Single(Read(path));
        var record = result.Record!;
        Assert.Equal("Prompt Response Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("Words in an object", record.Messages[0].Text);
        Assert.Equal("Look at this", record.Messages[2].Text);
        Assert.Equal("Seen", record.Messages[3].Text);
        Assert.Equal(new[]
        {
            $"{path}:3: a prompt block cannot be read: an image's bytes are not bytes; left out, the rest of the line is kept.",
            $"{path}:4: response block 'text (number)' is not one this reader knows; left out.",
        }, result.Diagnostics.Select(d => d.Message));
        Assert.False(record.SourceMeta.ContainsKey("skipped_lines"));
        Assert.Equal(1L, record.SourceMeta["unreadable_blocks"]);
    }

    [Fact]
    public void Damaged_state_beside_a_session_is_a_warning_naming_it_and_the_conversation_still_reads()
    {
        var path = Session("state", "[1]", Prompt, Answer);
        var result = Assert.Single(Read(path));
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(RolloutDiagnostic.SidecarDamaged, warning.ErrorId);
        Assert.StartsWith($"{Path.ChangeExtension(path, ".json")}: ignored, it does not have the agent's shape: the session's state is an array", warning.Message);
    }

    [Fact]
    public void A_field_or_turn_of_the_wrong_type_in_the_state_is_left_out_with_a_warning_and_the_rest_of_the_state_is_read()
    {
        const string state = """
            {"session_id":"x","cwd":42,"title":"Kept title","created_at":"2026-04-01T10:00:00Z",
             "session_state":{"conversation_metadata":{"user_turn_metadatas":[
               {"message_ids":["p1","a1","r1","a2"],"model":"m1","input_token_count":10,"output_token_count":2,"metering_usage":{"value":0.1,"unit":"credit"}},
               "not a turn"]}}}
            """;
        var path = Session("fields", state, Prompt, Use, Result, Answer);
        var result = Assert.Single(Read(path));
        var record = result.Record!;
        var json = Path.ChangeExtension(path, ".json");
        Assert.Equal(new[]
        {
            $"{json}: the state: \"cwd\" is a number, not a string; left out, the rest of it is read.",
            $"{json}: turn 1 of user_turn_metadatas: \"metering_usage\" is an object, not an array; left out, the rest of it is read.",
            $"{json}: turn 2 of user_turn_metadatas: a turn of user_turn_metadatas is a string, not an object; left out, the rest of it is read.",
        }, result.Diagnostics.Select(d => d.Message));
        Assert.All(result.Diagnostics, d => Assert.Equal(RolloutDiagnostic.SidecarDamaged, d.ErrorId));
        Assert.Equal("Kept title", record.Title);
        Assert.Equal(DateTimeOffset.Parse("2026-04-01T10:00:00Z"), record.StartedAt);
        Assert.Null(record.Cwd);
        Assert.Equal(new TokenUsage(10, 2, 0, 0), record.Usage);
        Assert.Equal("m1", record.Messages[3].Model);
    }

    [Fact]
    public void A_session_without_entries_yet_is_skipped_and_one_of_prompts_only_is_a_record()
    {
        var empty = Session("empty", """{"session_id":"0b1c2d3e-0000-4000-8000-000000000002"}""");
        File.WriteAllText(empty, string.Empty);
        var skipped = Assert.Single(Read(empty));
        Assert.Null(skipped.Record);
        Assert.NotNull(skipped.SkipReason);
        var pending = Session("pending", null, Prompt);
        Assert.Equal("Prompt", SampleFolder.Kinds(Assert.Single(Read(pending)).Record!));
    }

    [Fact]
    public void A_copy_elsewhere_is_recognised_by_its_first_line_and_read_by_its_name()
    {
        var copy = Path.Combine(_folder, "backup", "kiro-session.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.WriteAllText(copy, string.Join("\n", Prompt, Answer) + "\n");
        var detected = FormatDetector.Detect(TraceSource.FromFile(copy), FormatRegistry.Default.All).Reader;
        Assert.Equal(RolloutFormat.KiroCli, detected?.Format);
        Assert.False(detected!.IsTraceFile(copy));
        Assert.Equal("kiro-session", Assert.Single(Read(copy)).Record!.TraceId);
    }

    [Fact]
    public void A_kiro_home_or_its_sessions_folder_names_the_session_store()
    {
        var path = Session("home", null, Prompt, Answer);
        var store = Path.GetDirectoryName(path)!;
        var reader = new KiroCliReader();
        Assert.Equal(new[] { store }, reader.StoresIn(Path.Combine(_folder, "home")));
        Assert.Equal(new[] { store }, reader.StoresIn(Path.Combine(_folder, "home", "sessions")));
        Assert.Equal(new[] { store }, reader.StoresIn(store));
        Assert.Empty(reader.StoresIn(_folder));
    }

    [Fact]
    public void A_conversation_both_in_the_database_and_in_a_file_is_read_once_from_its_file()
    {
        var file = Session("both", null, Prompt, Use, Result, Answer);
        var database = Path.Combine(_folder, "both", "kiro-cli", "data.sqlite3");
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var state = """{"conversation_id":"ID","history":[{"user":{"content":{"Prompt":{"prompt":"List the files"}}},"assistant":{"Response":{"message_id":"m1","content":"One file"}}}]}""".Replace("ID", Id, StringComparison.Ordinal);
        Create(database, "CREATE TABLE conversations_v2 (key TEXT, conversation_id TEXT, value TEXT, created_at INTEGER, updated_at INTEGER);"
            + $"INSERT INTO conversations_v2 VALUES ('/home/dev', '{Id}', '{state}', 1775037600000, 1775037700000);");
        var results = Read(database, file);
        var record = Assert.Single(results, r => r.Record is not null).Record!;
        Assert.Equal(file, record.SourcePath);
        var skipped = Assert.Single(results, r => r.Record is null);
        Assert.Equal($"Skipped '{database}', session {Id}: conversation {Id} is read from its session file '{file}' instead.", skipped.SkipMessage);
    }
}
