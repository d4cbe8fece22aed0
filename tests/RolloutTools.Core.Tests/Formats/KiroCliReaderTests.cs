using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.KiroCli;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Tests.Formats.SqliteStore;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>data.sqlite3 written here row by row: damaged, of an unknown shape, live, locked, foreign, and the default locations.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class KiroCliReaderTests : IDisposable
{
    private const string Conversation = "0a1b2c3d-0000-4000-8000-000000000001";
    private readonly string _folder = Directory.CreateTempSubdirectory("kiro-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A conversation of one exchange and a call answered in the next, as 1.13 and later write it.</summary>
    private static string State(string id = Conversation, string answer = """{"Response":{"message_id":"m2","content":"One file: a.txt"}}""") => $$$"""
        {"conversation_id":"{{{id}}}","next_message":null,"history":[
          {"user":{"additional_context":"","env_context":{"env_state":{"operating_system":"linux"}},"content":{"Prompt":{"prompt":"List the files"}},"timestamp":"2026-04-01T10:00:00+00:00","images":null},
           "assistant":{"ToolUse":{"message_id":"m1","content":"","tool_uses":[{"id":"t1","name":"fs_read","orig_name":"fs_read","args":{"path":"."},"orig_args":{"path":"."}}]}},
           "request_metadata":{"request_id":"r1","message_id":"m1","request_start_timestamp_ms":1775037601000,"stream_end_timestamp_ms":1775037602000,"model_id":"claude-sonnet-4"}},
          {"user":{"additional_context":"","env_context":{"env_state":null},"content":{"ToolUseResults":{"tool_use_results":[{"tool_use_id":"t1","content":[{"Text":"a.txt"}],"status":"Success"}]}},"timestamp":null,"images":null},
           "assistant":{{{answer}}},"request_metadata":null}],
         "valid_history_range":[0,2],"transcript":[],"tools":{},"context_manager":null,"context_message_length":null,"latest_summary":null}
        """;

    /// <summary>A data.sqlite3 in an app folder with Amazon Q's conversations table holding the rows given as (key, value).</summary>
    private string Database(string relative, string journal, params (string Key, string Value)[] rows)
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var db = Writer(path);
        db.Open();
        Execute(db, $"PRAGMA journal_mode={journal}; CREATE TABLE auth_kv (key TEXT PRIMARY KEY, value TEXT); CREATE TABLE conversations (key TEXT PRIMARY KEY, value TEXT);");
        foreach (var (key, value) in rows)
        {
            using var insert = db.CreateCommand();
            insert.CommandText = "INSERT INTO conversations (key, value) VALUES ($key, $value)";
            insert.Parameters.AddWithValue("$key", key);
            insert.Parameters.AddWithValue("$value", value);
            insert.ExecuteNonQuery();
        }
        return path;
    }

    private static IReadOnlyList<ReadResult> Read(string path) =>
        RolloutLoader.ReadAll(new KiroCliReader().SessionsIn(path), new ReadOptions(), CancellationToken.None).ToArray();

    [Fact]
    public void A_damaged_row_is_a_warning_naming_the_database_and_the_row_and_the_others_still_read()
    {
        var path = Database("damaged/amazon-q/data.sqlite3", "DELETE",
            ("/home/dev/broken", "{\"conversation_id\": \"x\", \"history\": ["),
            ("/home/dev/list", "[1, 2]"),
            ("/home/dev/ok", State()));
        var results = Read(path);
        Assert.Equal(Conversation, Assert.Single(results, r => r.Record is not null).Record!.TraceId);
        var problems = results.SelectMany(r => r.Diagnostics).ToArray();
        Assert.All(problems, p => Assert.Equal(DiagnosticSeverity.Warning, p.Severity));
        Assert.Collection(problems,
            p => Assert.StartsWith($"{path}: conversations row 1 (key /home/dev/broken) cannot be read: ", p.Message),
            p => Assert.Equal($"{path}: conversations row 2 (key /home/dev/list) cannot be read: its value is a JSON array, not an object; no record.", p.Message));
    }

    [Fact]
    public void An_image_whose_bytes_are_not_bytes_is_left_out_with_a_warning_and_its_prompt_and_other_images_are_kept()
    {
        const string none = "\"images\":null";
        var first = State().IndexOf(none, StringComparison.Ordinal);
        var state = State()[..first] + "\"images\":[{\"format\":\"Png\",\"source\":{\"Bytes\":[137,80,300]}},{\"format\":\"Png\",\"source\":{\"Bytes\":[137,80]}}]" + State()[(first + none.Length)..];
        var path = Database("images/amazon-q/data.sqlite3", "DELETE", ("/home/dev/list", state));
        var result = Assert.Single(Read(path));
        var prompt = result.Record!.Messages[0];
        Assert.Equal("List the files", prompt.Text);
        Assert.Equal("iVA=", Assert.Single(prompt.Content, b => b.Type == ContentBlockType.Image).Data);
        Assert.EndsWith("an image cannot be read: an image's bytes are not bytes; left out.", Assert.Single(result.Diagnostics).Message);
    }

    [Fact]
    public void Images_beside_tool_results_are_the_tools_output_and_go_with_the_last_result_not_a_prompt()
    {
        // fs_read of an image: Amazon Q sends the image beside the results (add_tool_results_with_images).
        var state = State().Replace(
            "\"status\":\"Success\"}]}},\"timestamp\":null,\"images\":null}",
            "\"status\":\"Success\"}]}},\"timestamp\":null,\"images\":[{\"format\":\"Png\",\"source\":{\"Bytes\":[137,80]}}]}",
            StringComparison.Ordinal);
        Assert.NotEqual(State(), state);
        var path = Database("toolimage/amazon-q/data.sqlite3", "DELETE", ("/home/dev/a", state));
        var record = Assert.Single(Read(path)).Record!;
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        var result = record.Messages[2];
        Assert.Equal("t1", result.ToolCallId);
        Assert.Equal(new[] { ContentBlockType.Text, ContentBlockType.Image }, result.Content.Select(c => c.Type));
        Assert.Equal("iVA=", result.Content[1].Data);
        Assert.Equal(1L, record.SourceMeta["images"]);
    }

    [Theory]
    [InlineData("The conversation history has overflowed, clearing state")]
    [InlineData("<tool result redacted>")]
    public void A_prompt_amazon_q_writes_in_the_persons_place_is_synthetic(string text)
    {
        var state = State().Replace("\"List the files\"", $"\"{text}\"", StringComparison.Ordinal);
        var path = Database("overflow/amazon-q/data.sqlite3", "DELETE", ("/home/dev/a", state));
        var record = Assert.Single(Read(path)).Record!;
        Assert.Equal("Synthetic Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Null(record.Title);
    }

    [Fact]
    public void A_stream_timeouts_stored_answer_and_the_split_request_after_it_are_amazon_qs_not_the_models_or_the_persons()
    {
        var state = State(answer: """{"Response":{"message_id":"m2","content":"Response timed out - message took too long to generate"}}""")
            .Replace("\"valid_history_range\"", "\"next_message\":{\"additional_context\":\"\",\"env_context\":{\"env_state\":null},\"content\":{\"Prompt\":{\"prompt\":\"You took too long to respond - try to split up the work into smaller steps.\"}},\"timestamp\":null,\"images\":null},\"valid_history_range\"", StringComparison.Ordinal)
            .Replace("\"next_message\":null,", "", StringComparison.Ordinal);
        var path = Database("timeout/amazon-q/data.sqlite3", "DELETE", ("/home/dev/a", state));
        var record = Assert.Single(Read(path)).Record!;
        Assert.Equal("Prompt Response ToolResult Synthetic Synthetic", SampleFolder.Kinds(record));
        Assert.Equal(MessageRole.Assistant, record.Messages[3].Role);
        Assert.Null(record.Messages[3].Model);
        Assert.Equal(MessageRole.User, record.Messages[4].Role);
    }

    [Fact]
    public void An_entry_or_answer_it_cannot_place_is_told_by_row_and_the_rest_of_the_conversation_reads()
    {
        var state = State(answer: """{"Hologram":{"content":"?"}}""").Replace("\"history\":[", "\"history\":[42,", StringComparison.Ordinal);
        var path = Database("unknown/amazon-q/data.sqlite3", "DELETE", ("/home/dev/a", state));
        var result = Assert.Single(Read(path));
        // The results before the answer it cannot place still read: only the answer is left out.
        Assert.Equal("Prompt Response ToolResult", SampleFolder.Kinds(result.Record!));
        Assert.Collection(result.Diagnostics,
            p => Assert.Equal($"{path}: conversations row 1 (key /home/dev/a), history entry 0: it is a JSON number, neither a pair nor an object of user and assistant; skipped.", p.Message),
            p => Assert.Equal($"{path}: conversations row 1 (key /home/dev/a): assistant message 'Hologram' is not one this reader knows; left out.", p.Message));
        Assert.Equal(1L, result.Record!.SourceMeta["skipped_entries"]);
        Assert.Equal(1L, Assert.IsAssignableFrom<IReadOnlyDictionary<string, long>>(result.Record!.SourceMeta["unknown_content"])["assistant message: Hologram"]);
    }

    [Fact]
    public void A_tool_result_block_it_cannot_place_is_left_out_with_a_warning_and_the_result_reads()
    {
        var state = State().Replace("[{\"Text\":\"a.txt\"}]", "[{\"Text\":\"a.txt\"},{\"Audio\":\"…\"}]", StringComparison.Ordinal);
        var path = Database("block/amazon-q/data.sqlite3", "DELETE", ("/home/dev/a", state));
        var result = Assert.Single(Read(path));
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal("a.txt", result.Record!.Messages[2].Text);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal($"{path}: conversations row 1 (key /home/dev/a): tool result 'Audio' is not one this reader knows; left out.", warning.Message);
    }

    [Fact]
    public void Reading_a_live_wal_store_neither_waits_for_nor_blocks_the_writer_and_changes_no_file()
    {
        var path = Database("live/amazon-q/data.sqlite3", "WAL", ("/home/dev/a", State()));
        SqliteStore.AssertLiveStoreIsReadUntouched(path, "UPDATE conversations SET key = '/home/dev/b';",
            () => Read(path), "Prompt Response ToolResult Response");
    }

    [Fact]
    public void A_locked_store_is_a_clear_error_after_a_short_wait_not_a_hang()
    {
        var path = Database("locked/amazon-q/data.sqlite3", "DELETE", ("/home/dev/a", State()));
        SqliteStore.AssertLockedStoreIsAnError(path, "UPDATE conversations SET key = '/home/dev/b';", () => Read(path));
    }

    [Fact]
    public void A_data_sqlite3_of_another_program_is_reported_and_gives_no_record()
    {
        var foreign = SqliteStore.Create(Path.Combine(_folder, "foreign", "amazon-q", "data.sqlite3"), "CREATE TABLE state (key TEXT PRIMARY KEY, value BLOB);");
        var problem = Assert.Single(Assert.Single(Read(foreign)).Diagnostics);
        Assert.Equal($"{foreign}: it is a SQLite database without the conversations tables of Kiro CLI or Amazon Q Developer CLI; no record.", problem.Message);
    }

    [Fact]
    public void The_default_locations_follow_the_xdg_data_folder_on_linux_and_kiro_home_for_the_session_files()
    {
        if (!OperatingSystem.IsLinux()) return;
        var previous = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var previousHome = Environment.GetEnvironmentVariable(KiroSessionFiles.HomeVariable);
        try
        {
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", "/x");
            Environment.SetEnvironmentVariable(KiroSessionFiles.HomeVariable, "/k");
            Assert.Equal(new[] { Path.Combine("/x", "kiro-cli"), Path.Combine("/x", "amazon-q"), Path.Combine("/k", "sessions", "cli") }, new KiroCliReader().DefaultLocations());
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", "relative");
            Environment.SetEnvironmentVariable(KiroSessionFiles.HomeVariable, "relative");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var share = Path.Combine(home, ".local", "share");
            Assert.Equal(new[] { Path.Combine(share, "kiro-cli"), Path.Combine(share, "amazon-q"), Path.Combine(home, ".kiro", "sessions", "cli") }, new KiroCliReader().DefaultLocations());
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", previous);
            Environment.SetEnvironmentVariable(KiroSessionFiles.HomeVariable, previousHome);
        }
    }

    [Fact]
    public void An_app_folder_and_the_data_folder_above_it_are_its_store_and_only_there_is_data_sqlite3_claimed()
    {
        var data = Path.Combine(_folder, "data");
        var q = Path.Combine(data, "amazon-q");
        Database("data/amazon-q/data.sqlite3", "DELETE", ("/home/dev/a", State()));
        var reader = new KiroCliReader();
        Assert.Equal(new[] { q }, reader.StoresIn(q));
        Assert.Equal(new[] { q }, reader.StoresIn(data));
        Assert.Empty(reader.StoresIn(_folder));
        Assert.True(reader.IsTraceFile(Path.Combine(q, "data.sqlite3")));
        Assert.True(reader.IsTraceFile(Path.Combine(data, "kiro-cli", "data.sqlite3")));
        Assert.False(reader.IsTraceFile(Path.Combine(data, "other-app", "data.sqlite3")));
        Assert.False(reader.IsTraceFile(Path.Combine(q, "data.sqlite3-wal")));
    }
}
