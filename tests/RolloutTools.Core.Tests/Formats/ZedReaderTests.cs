using System.Text;
using Microsoft.Data.Sqlite;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Zed;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using ZstdSharp;
using static RolloutTools.Core.Tests.Formats.SqliteStore;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Zed's threads.db written here row by row: compressed as Zed compresses, damaged, of an unknown shape, live, locked, foreign, and the default location.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class ZedReaderTests : IDisposable
{
    private const string Thread = "0f1e2d3c-0000-4000-8000-000000000001";
    private const string Prompt = "11111111-2222-4333-8444-555555555555";
    private readonly string _folder = Directory.CreateTempSubdirectory("zed-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A 0.3.0 thread of one turn: a prompt, a call and its result, an answer, and the turn's usage.</summary>
    private static string Current(string agentContent = """{"Text":"One file: a.txt"}""", string version = "0.3.0") => $$$"""
        {"title":"List files","messages":[
          {"User":{"id":"{{{Prompt}}}","content":[{"Text":"List the files"}]}},
          {"Agent":{"content":[{"ToolUse":{"id":"call_1","name":"list_directory","raw_input":"{\"path\":\".\"}","input":{"path":"."},"is_input_complete":true,"thought_signature":null}}],
                    "tool_results":{"call_1":{"tool_use_id":"call_1","tool_name":"list_directory","is_error":false,"content":{"Text":"a.txt"},"output":null}},"reasoning_details":null}},
          {"Agent":{"content":[{{{agentContent}}}],"tool_results":{},"reasoning_details":null}}],
         "updated_at":"2026-04-01T10:00:09Z","request_token_usage":{"{{{Prompt}}}":{"input_tokens":900,"output_tokens":40}},
         "model":{"provider":"anthropic","model":"claude-sonnet-4-5"},"version":"{{{version}}}"}
        """;

    /// <summary>A threads.db with every column Zed has added, holding the rows given as (id, data_type, data).</summary>
    private string Database(string relative, string journal, params (string Id, string DataType, byte[] Data)[] rows)
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var db = Writer(path);
        db.Open();
        Execute(db, $"PRAGMA journal_mode={journal};" +
            "CREATE TABLE threads (id TEXT PRIMARY KEY, summary TEXT NOT NULL, updated_at TEXT NOT NULL, data_type TEXT NOT NULL, data BLOB NOT NULL, " +
            "parent_id TEXT, folder_paths TEXT, folder_paths_order TEXT, created_at TEXT);");
        var minute = 0;
        foreach (var (id, dataType, data) in rows)
        {
            using var insert = db.CreateCommand();
            insert.CommandText = "INSERT INTO threads (id, summary, updated_at, data_type, data, folder_paths, folder_paths_order, created_at) " +
                "VALUES ($id, 'List files', $updated, $type, $data, '/home/dev/a\n/home/dev/b', '1,0', $updated)";
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$updated", $"2026-04-01T10:{minute++:00}:09+00:00");
            insert.Parameters.AddWithValue("$type", dataType);
            insert.Parameters.AddWithValue("$data", data);
            insert.ExecuteNonQuery();
        }
        return path;
    }

    /// <summary>What Zed stores: the JSON compressed with zstd at level 3 (db.rs save_thread_sync).</summary>
    private static byte[] Zstd(string json)
    {
        using var compressor = new Compressor(3);
        return compressor.Wrap(Encoding.UTF8.GetBytes(json)).ToArray();
    }

    private static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    private static IReadOnlyList<ReadResult> Read(string path) =>
        RolloutLoader.ReadAll(new ZedReader().SessionsIn(path), new ReadOptions(), CancellationToken.None).ToArray();

    [Fact]
    public void A_compressed_row_reads_as_its_json_would_pairing_the_call_with_its_result_and_the_turns_usage()
    {
        var path = Database("both/threads.db", "DELETE", (Thread, "zstd", Zstd(Current())), ("plain", "json", Json(Current())));
        var results = Read(path);
        Assert.Empty(results.SelectMany(r => r.Diagnostics));
        var zstd = results[0].Record!;
        var json = results[1].Record!;
        Assert.Equal(Thread, zstd.TraceId);
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(zstd));
        Assert.Equal(SampleFolder.Kinds(zstd), SampleFolder.Kinds(json));
        Assert.Equal(zstd.Messages.Select(m => m.Text), json.Messages.Select(m => m.Text));
        Assert.Equal("list_directory", zstd.Messages[2].ToolName);
        Assert.Equal("a.txt", zstd.Messages[2].Text);
        Assert.Null(zstd.Messages[1].Usage);
        Assert.Equal(new TokenUsage(900, 40, 0, 0), zstd.Messages[3].Usage);
        // The folders in the order they were opened: b first, as folder_paths_order says.
        Assert.Equal("/home/dev/b", zstd.Cwd);
        Assert.Equal(DateTimeOffset.Parse("2026-04-01T10:00:09Z"), zstd.StartedAt);
    }

    [Fact]
    public void A_damaged_row_is_an_error_naming_the_database_and_the_row_and_the_others_still_read()
    {
        var path = Database("damaged/threads.db", "DELETE",
            ("bad-zstd", "zstd", new byte[] { 1, 2, 3, 4, 5 }),
            ("bad-json", "json", Json("{\"messages\": [")),
            ("bad-type", "lz4", Json(Current())),
            (Thread, "zstd", Zstd(Current())));
        var results = Read(path);
        Assert.Equal(Thread, Assert.Single(results, r => r.Record is not null).Record!.TraceId);
        var errors = results.SelectMany(r => r.Diagnostics).ToArray();
        Assert.All(errors, e => Assert.Equal(DiagnosticSeverity.Error, e.Severity));
        Assert.Collection(errors,
            e => Assert.StartsWith($"{path}: thread row bad-zstd cannot be read: its zstd data cannot be decompressed", e.Message),
            e => Assert.StartsWith($"{path}: thread row bad-json cannot be read: ", e.Message),
            e => Assert.Equal($"{path}: thread row bad-type cannot be read: its data_type 'lz4' is neither json nor zstd; no record.", e.Message));
    }

    [Fact]
    public void A_message_or_item_it_cannot_place_is_told_by_row_and_the_rest_of_the_thread_reads()
    {
        var unknown = Current("""{"Text":"Done."},{"Hologram":{"x":1}}""").Replace("\"messages\":[", "\"messages\":[{\"Narrator\":{}},", StringComparison.Ordinal);
        var path = Database("unknown/threads.db", "DELETE", (Thread, "zstd", Zstd(unknown)));
        var result = Assert.Single(Read(path));
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal("Done.", result.Record!.Messages[3].Text);
        Assert.Collection(result.Diagnostics,
            e => Assert.Equal($"{path}: thread row {Thread}, message 0: a message is 'Narrator', none of User, Agent and Resume; skipped.", e.Message),
            e => Assert.Equal($"{path}: thread row {Thread}: agent message content 'Hologram' is not one this reader knows; left out.", e.Message));
        Assert.Equal(DiagnosticSeverity.Warning, result.Diagnostics[1].Severity);
    }

    [Fact]
    public void A_newer_version_is_read_by_its_shape_with_a_warning()
    {
        var path = Database("newer/threads.db", "DELETE", (Thread, "zstd", Zstd(Current(version: "0.4.0"))));
        var result = Assert.Single(Read(path));
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal($"{path}: thread row {Thread}: thread version 0.4.0 is not one this reader knows (0.1.0 to 0.3.0); its messages are read by their shape.",
            Assert.Single(result.Diagnostics).Message);
    }

    [Fact]
    public void Every_prompt_in_a_sub_agents_thread_is_its_parents_words_the_task_and_each_follow_up()
    {
        // spawn_agent sends a follow-up to the same session (its session_id) as a User message of the sub-agent's thread.
        var thread = """
            {"title":"Find callers","messages":[
              {"User":{"id":"p1","content":[{"Text":"Find the callers of round_cents"}]}},
              {"Agent":{"content":[{"Text":"Two callers."}],"tool_results":{}}},
              {"User":{"id":"p2","content":[{"Text":"Which of them passes a negative amount?"}]}},
              {"Agent":{"content":[{"Text":"refund() does."}],"tool_results":{}}}],
             "subagent_context":{"parent_thread_id":"parent-thread","depth":1},
             "updated_at":"2026-04-01T10:00:09Z","version":"0.3.0"}
            """;
        var path = Database("child/threads.db", "DELETE", ("child-thread", "zstd", Zstd(thread)));
        var record = Assert.Single(Read(path)).Record!;
        Assert.True(record.IsSidechain);
        Assert.Equal("AgentMessage Response AgentMessage Response", SampleFolder.Kinds(record));
        Assert.Equal("Which of them passes a negative amount?", record.Messages[2].Text);
    }

    [Fact]
    public void Free_text_tool_input_and_every_result_shape_zed_accepts_are_read()
    {
        var thread = """
            {"title":"t","messages":[
              {"User":{"id":"p","content":[{"Text":"go"}]}},
              {"Agent":{"content":[
                 {"ToolUse":{"id":"c1","name":"apply_patch","raw_input":"*** Begin Patch","input":{"type":"text","value":"*** Begin Patch"},"is_input_complete":true}},
                 {"ToolUse":{"id":"c2","name":"read","raw_input":"{\"path\":\"a\"}","input":{"type":"json","value":{"path":"a"}},"is_input_complete":true}},
                 {"ToolUse":{"id":"c3","name":"shot","raw_input":"{}","input":{},"is_input_complete":true}},
                 {"ToolUse":{"id":"c4","name":"old","raw_input":"{}","input":{},"is_input_complete":true}}],
               "tool_results":{
                 "c1":{"tool_use_id":"c1","tool_name":"apply_patch","is_error":false,"content":[{"type":"text","text":"patched"},{"text":" ok"}],"output":null},
                 "c2":{"tool_use_id":"c2","tool_name":"read","is_error":false,"content":"plain","output":{"lines":1}},
                 "c3":{"tool_use_id":"c3","tool_name":"shot","is_error":false,"content":{"Image":{"source":"iVBORw0KGgo=","size":{"width":1,"height":1}}},"output":null},
                 "c4":{"tool_use_id":"c4","tool_name":"old","is_error":false,"content":{"source":"iVBORw0KGgo=","size":{"width":2,"height":2}},"output":null}}}}],
             "updated_at":"2026-04-01T10:00:09Z","version":"0.3.0"}
            """;
        var path = Database("shapes/threads.db", "DELETE", (Thread, "json", Json(thread)));
        var record = Assert.Single(Read(path)).Record!;
        var calls = record.Messages[1].ToolCalls;
        Assert.Equal("*** Begin Patch", calls[0].Arguments);
        Assert.Equal("""{"path":"a"}""", calls[1].Arguments);
        Assert.Equal("patched ok", record.Messages[2].Text.Replace("\n", string.Empty, StringComparison.Ordinal));
        Assert.Equal("plain", record.Messages[3].Text);
        Assert.Equal("""{"lines":1}""", record.Messages[3].StructuredResult);
        Assert.Equal(ContentBlockType.Image, Assert.Single(record.Messages[4].Content).Type);
        Assert.Equal(ContentBlockType.Image, Assert.Single(record.Messages[5].Content).Type);
    }

    [Fact]
    public void Reading_a_live_wal_store_neither_waits_for_nor_blocks_the_writer_and_changes_no_file()
    {
        var path = Database("live/threads.db", "WAL", (Thread, "zstd", Zstd(Current())));
        SqliteStore.AssertLiveStoreIsReadUntouched(path, "UPDATE threads SET summary = 'renamed';",
            () => Read(path), "Prompt Response ToolResult Response");
    }

    [Fact]
    public void A_locked_store_is_a_clear_error_after_a_short_wait_not_a_hang()
    {
        var path = Database("locked/threads.db", "DELETE", (Thread, "zstd", Zstd(Current())));
        SqliteStore.AssertLockedStoreIsAnError(path, "UPDATE threads SET summary = 'held';", () => Read(path));
    }

    [Fact]
    public void A_threads_db_of_another_program_is_reported_and_gives_no_record()
    {
        var foreign = SqliteStore.Create(Path.Combine(_folder, "foreign", "threads.db"), "CREATE TABLE threads (id INTEGER PRIMARY KEY, subject TEXT);");
        var problem = Assert.Single(Assert.Single(Read(foreign)).Diagnostics);
        Assert.Equal($"{foreign}: it is a SQLite database without Zed's threads table; no record.", problem.Message);
    }

    [Fact]
    public void The_project_folders_come_back_in_the_order_they_were_opened()
    {
        Assert.Equal(new[] { "/c", "/a", "/b" }, ZedDatabase.OrderedPaths("/a\n/b\n/c", "1,2,0"));
        // An order that does not fit leaves the paths sorted, as Zed's PathList::deserialize does.
        Assert.Equal(new[] { "/a", "/b" }, ZedDatabase.OrderedPaths("/a\n/b", "0"));
        Assert.Empty(ZedDatabase.OrderedPaths(null, null));
    }

    [Fact]
    public void The_default_location_follows_the_flatpak_and_xdg_data_folders_on_linux()
    {
        if (!OperatingSystem.IsLinux()) return;
        var previousFlatpak = Environment.GetEnvironmentVariable(ZedReader.FlatpakDataVariable);
        var previousXdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        try
        {
            Environment.SetEnvironmentVariable(ZedReader.FlatpakDataVariable, null);
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", "/x");
            Assert.Equal(Path.Combine("/x", "zed", "threads"), Assert.Single(new ZedReader().DefaultLocations()));
            Environment.SetEnvironmentVariable(ZedReader.FlatpakDataVariable, "/f");
            Assert.Equal(Path.Combine("/f", "zed", "threads"), Assert.Single(new ZedReader().DefaultLocations()));
            Environment.SetEnvironmentVariable(ZedReader.FlatpakDataVariable, null);
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", "relative");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(Path.Combine(home, ".local", "share", "zed", "threads"), Assert.Single(new ZedReader().DefaultLocations()));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ZedReader.FlatpakDataVariable, previousFlatpak);
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", previousXdg);
        }
    }

    [Fact]
    public void Zeds_data_folder_and_its_threads_folder_are_its_store()
    {
        var data = Path.Combine(_folder, "data");
        var threads = Path.Combine(data, "threads");
        Database("data/threads/threads.db", "DELETE", (Thread, "zstd", Zstd(Current())));
        var reader = new ZedReader();
        Assert.Equal(new[] { threads }, reader.StoresIn(threads));
        Assert.Equal(new[] { threads }, reader.StoresIn(data));
        Assert.Empty(reader.StoresIn(_folder));
        Assert.True(reader.IsTraceFile(Path.Combine(threads, "threads.db")));
        Assert.False(reader.IsTraceFile(Path.Combine(threads, "threads.db-wal")));
    }
}
