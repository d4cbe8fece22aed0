using System.Text.Json;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Cline;
using RolloutTools.Core.Formats.CursorIde;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;
using static RolloutTools.Core.Tests.Formats.SqliteStore;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>state.vscdb written here row by row: bubbles missing, damaged or of unknown kinds, live, locked, foreign, and where the store is.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class CursorIdeReaderTests : IDisposable
{
    private const string Composer = "0a1b2c3d-0000-4000-8000-000000000001";
    private readonly string _folder = Directory.CreateTempSubdirectory("cursor-ide-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A composer whose headers name the bubbles given, by id.</summary>
    private static string ComposerValue(params string[] bubbleIds) => JsonSerializer.Serialize(new
    {
        composerId = Composer,
        createdAt = 1775037600000,
        lastUpdatedAt = 1775037660000,
        unifiedMode = "agent",
        modelConfig = new { modelName = "gpt-5" },
        fullConversationHeadersOnly = bubbleIds.Select(id => new { bubbleId = id, type = id.StartsWith('u') ? 1 : 2 }),
    });

    private const string Prompt = """{"type":1,"bubbleId":"u1","text":"List the files","createdAt":"2026-04-01T10:00:01Z"}""";
    private const string CallAndResult = """{"type":2,"bubbleId":"a1","text":"","createdAt":"2026-04-01T10:00:02Z","toolFormerData":{"tool":9,"toolCallId":"call_1","rawArgs":"{\"path\":\".\"}","result":"{\"files\":[\"a.txt\"]}","status":"completed"}}""";
    private const string Answer = """{"type":2,"bubbleId":"a2","text":"One file: a.txt","createdAt":"2026-04-01T10:00:03Z"}""";

    /// <summary>A state.vscdb in a globalStorage folder holding the rows given as (key, value).</summary>
    private string Database(string name, string journal, params (string Key, string Value)[] rows)
    {
        var path = Path.Combine(_folder, name, "User", "globalStorage", "state.vscdb");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var db = Writer(path);
        db.Open();
        Execute(db, $"PRAGMA journal_mode={journal}; CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB); CREATE TABLE cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);");
        foreach (var (key, value) in rows)
        {
            using var insert = db.CreateCommand();
            insert.CommandText = "INSERT INTO cursorDiskKV (key, value) VALUES ($key, $value)";
            insert.Parameters.AddWithValue("$key", key);
            insert.Parameters.AddWithValue("$value", value);
            insert.ExecuteNonQuery();
        }
        return path;
    }

    private static (string, string) Row(string bubble) => ($"bubbleId:{Composer}:{JsonDocument.Parse(bubble).RootElement.GetProperty("bubbleId").GetString()}", bubble);

    private static IReadOnlyList<ReadResult> Read(string path) =>
        RolloutLoader.ReadAll(new CursorIdeReader().SessionsIn(path), new ReadOptions(), CancellationToken.None).ToArray();

    [Fact]
    public void A_bubble_its_header_names_but_the_database_lacks_is_a_warning_naming_the_database_and_key_and_the_rest_reads()
    {
        var path = Database("missing", "DELETE", ($"composerData:{Composer}", ComposerValue("u1", "a1", "a9", "a8", "a2")), Row(Prompt), Row(CallAndResult), Row(Answer));
        var result = Assert.Single(Read(path));
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(result.Record!));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal($"{path}: composer {Composer}: its header names row bubbleId:{Composer}:a9 (and 1 more), which the database does not hold; left out.", warning.Message);
        Assert.Equal(2L, result.Record!.SourceMeta["missing_bubbles"]);
        // The call's name is the tool's number where the bubble gives no name.
        Assert.Equal("tool_9", Assert.Single(result.Record.Messages[1].ToolCalls).Name);
        Assert.Equal("call_1", result.Record.Messages[2].ToolCallId);
        Assert.Equal("{\"files\":[\"a.txt\"]}", result.Record.Messages[2].Text);
    }

    [Fact]
    public void Damaged_values_and_bubbles_of_unknown_type_are_told_by_row_and_the_others_read()
    {
        const string other = "0a1b2c3d-0000-4000-8000-000000000002";
        var path = Database("damaged", "DELETE",
            ($"composerData:{Composer}", ComposerValue("u1", "a1", "a7", "a6", "a2")), Row(Prompt), Row(CallAndResult), Row(Answer),
            ($"bubbleId:{Composer}:a7", "{\"type\": 2, \"text\": "),
            ($"bubbleId:{Composer}:a6", """{"type":30,"bubbleId":"a6","text":"?"}"""),
            ($"composerData:{other}", "[1, 2]"));
        var results = Read(path);
        var record = Assert.Single(results, r => r.Record is not null).Record!;
        Assert.Equal("Prompt Response ToolResult Response", SampleFolder.Kinds(record));
        Assert.Collection(results.SelectMany(r => r.Diagnostics),
            p => Assert.StartsWith($"{path}: row bubbleId:{Composer}:a7 cannot be read: ", p.Message),
            p => Assert.Equal($"{path}: row bubbleId:{Composer}:a6: a bubble of type 30 is not one this reader knows; left out.", p.Message),
            p => Assert.Equal($"{path}: row composerData:{other} cannot be read: its value is a JSON array, not an object; no record.", p.Message));
        Assert.Equal(1L, record.SourceMeta["unreadable_bubbles"]);
        Assert.Equal(1L, Assert.IsAssignableFrom<IReadOnlyDictionary<string, long>>(record.SourceMeta["unknown_bubble_types"])["30"]);
    }

    [Fact]
    public void Chats_of_the_chat_panel_before_composer_are_told_not_lost_silently()
    {
        var path = Database("panel", "DELETE", ($"composerData:{Composer}", ComposerValue("u1", "a2")), Row(Prompt), Row(Answer));
        var storage = Path.Combine(_folder, "panel", "User", "workspaceStorage");
        void Workspace(string hash, string value)
        {
            var store = Create(Path.Combine(storage, hash, "state.vscdb"), "CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);");
            using var db = Writer(store);
            db.Open();
            using var insert = db.CreateCommand();
            insert.CommandText = "INSERT INTO ItemTable VALUES ('workbench.panel.aichat.view.aichat.chatdata', $value)";
            insert.Parameters.AddWithValue("$value", value);
            insert.ExecuteNonQuery();
        }
        Assert.Empty(Read(path).SelectMany(r => r.Diagnostics));

        Workspace("1a2b", """{"tabs":[{"tabId":"t1","bubbles":[{"type":"user","text":"Why does the build fail?"},{"type":"ai","text":"A missing import."}]},{"tabId":"t2","bubbles":[]}]}""");
        Workspace("3c4d", """{"tabs":[{"tabId":"t3","bubbles":[{"type":"user","text":"Rename the module"}]}]}""");
        Workspace("5e6f", "not json");

        var results = Read(path);
        Assert.Equal("List the files", Assert.Single(results, r => r.Record is not null).Record!.Messages[0].Text);
        var warning = Assert.Single(results.SelectMany(r => r.Diagnostics));
        Assert.Equal($"{path}: 2 chat(s) of Cursor's chat panel from before Composer, in 2 workspace store(s) beside this one, are not read.", warning.Message);
        Assert.Equal(RolloutDiagnostic.ParseError, warning.ErrorId);
    }

    [Fact]
    public void The_folder_comes_from_the_workspace_that_lists_the_composer_else_from_the_composer_or_its_prompt()
    {
        var path = Database("folders", "DELETE", ($"composerData:{Composer}", ComposerValue("u1", "a2")), Row(Prompt), Row(Answer));
        var workspace = Path.Combine(_folder, "folders", "User", "workspaceStorage", "9f8e7d");
        Directory.CreateDirectory(workspace);
        File.WriteAllText(Path.Combine(workspace, "workspace.json"), """{"folder": "file:///home/dev/my%20app"}""");
        var listing = Create(Path.Combine(workspace, "state.vscdb"), "CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);");
        using (var db = Writer(listing))
        {
            db.Open();
            Execute(db, $$"""INSERT INTO ItemTable VALUES ('composer.composerData', '{"allComposers":[{"composerId":"{{Composer}}"}]}')""");
        }
        var record = Assert.Single(Read(path)).Record!;
        Assert.Equal("/home/dev/my app", record.Cwd);
        Assert.Equal("workspace_storage", record.SourceMeta["cwd_source"]);
        Assert.Equal("9f8e7d", record.SourceMeta["workspace_storage"]);
        Assert.False(record.SourceMeta.TryGetValue("workspace_uri", out _), "a local folder is the Cwd, not a URI kept beside it");

        // A multi-root workspace's file is no working directory: its URI is kept, and the prompt's folder is the Cwd.
        File.WriteAllText(Path.Combine(workspace, "workspace.json"), """{"workspace": "file:///home/dev/.config/Cursor/Workspaces/1732000000000/workspace.json"}""");
        var multiRoot = Database("multi", "DELETE", ($"composerData:{Composer}", ComposerValue("u1", "a2")),
            Row(Prompt.Replace("\"text\"", "\"workspaceUris\":[\"file:///srv/api\"],\"text\"", StringComparison.Ordinal)), Row(Answer));
        Directory.CreateDirectory(Path.Combine(_folder, "multi", "User", "workspaceStorage"));
        Directory.Move(workspace, Path.Combine(_folder, "multi", "User", "workspaceStorage", "9f8e7d"));
        var inWorkspace = Assert.Single(Read(multiRoot)).Record!;
        Assert.Equal(("/srv/api", "file:///home/dev/.config/Cursor/Workspaces/1732000000000/workspace.json"), (inWorkspace.Cwd, inWorkspace.SourceMeta["workspace_uri"]));

        var prompted = Prompt.Replace("\"text\"", "\"workspaceUris\":[\"file:///srv/api\"],\"text\"", StringComparison.Ordinal);
        var alone = Database("alone", "DELETE", ($"composerData:{Composer}", ComposerValue("u1", "a2")), Row(prompted), Row(Answer));
        var fromPrompt = Assert.Single(Read(alone)).Record!;
        Assert.Equal("/srv/api", fromPrompt.Cwd);
        Assert.Equal("bubble_workspace_uris", fromPrompt.SourceMeta["cwd_source"]);

        var identified = "{\"workspaceIdentifier\":{\"id\":\"w1\",\"uri\":{\"path\":\"/work/site\"}}," + ComposerValue("u1", "a2")[1..];
        var named = Database("named", "DELETE", ($"composerData:{Composer}", identified), Row(prompted), Row(Answer));
        var fromComposer = Assert.Single(Read(named)).Record!;
        Assert.Equal("/work/site", fromComposer.Cwd);
        Assert.Equal("workspace_identifier", fromComposer.SourceMeta["cwd_source"]);
    }

    [Fact]
    public void Tool_data_without_a_call_is_no_call_and_a_call_without_a_result_stays_unanswered()
    {
        const string noCall = """{"type":2,"bubbleId":"a1","text":"Thinking it over","toolFormerData":{"additionalData":{}}}""";
        const string rejected = """{"type":2,"bubbleId":"a3","toolFormerData":{"name":"run_terminal_cmd","toolCallId":"call_9","params":"{\"command\":\"rm -rf build\"}","status":"cancelled","userDecision":"rejected"}}""";
        var path = Database("calls", "DELETE", ($"composerData:{Composer}", ComposerValue("u1", "a1", "a3")), Row(Prompt), Row(noCall), Row(rejected));
        var record = Assert.Single(Read(path)).Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        var call = Assert.Single(record.Messages[1].ToolCalls);
        Assert.Equal("{\"command\":\"rm -rf build\"}", call.Arguments);
        Assert.Equal(1L, record.SourceMeta["unanswered_tool_calls"]);
        Assert.Equal(new[] { "gpt-5" }, record.Models);
    }

    [Fact]
    public void A_prompt_without_text_reads_its_rich_text_or_images_else_stays_as_an_empty_prompt_with_a_warning()
    {
        const string rich = """{"root":{"children":[{"children":[{"text":"Fix the ","type":"text"},{"text":"parser","type":"text"}],"type":"paragraph"},{"children":[{"text":"then test","type":"text"}],"type":"paragraph"}],"type":"root"}}""";
        var inRich = JsonSerializer.Serialize(new { type = 1, bubbleId = "u1", text = "", richText = rich });
        const string image = """{"type":1,"bubbleId":"u2","text":"","images":[{"path":"/tmp/shot.png"}]}""";
        const string nothing = """{"type":1,"bubbleId":"u3","text":""}""";
        var path = Database("richtext", "DELETE", ($"composerData:{Composer}", ComposerValue("u1", "a2", "u2", "a1", "u3", "a3")),
            Row(inRich), Row(Answer), Row(image), Row(CallAndResult), Row(nothing), Row(Answer.Replace("a2", "a3", StringComparison.Ordinal)));
        var result = Assert.Single(Read(path));
        var record = result.Record!;
        Assert.Equal("Prompt Response Prompt Response ToolResult Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("Fix the parser\nthen test", record.Messages[0].Text);
        Assert.Equal("Fix the parser then test", record.Title);
        Assert.Equal("/tmp/shot.png", Assert.Single(record.Messages[2].Content).Url);
        Assert.Empty(record.Messages[5].Content);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal($"{path}: row bubbleId:{Composer}:u3: a prompt with no text or image this reader can read; kept as an empty prompt.", warning.Message);
        Assert.Equal(1L, record.SourceMeta["empty_bubbles"]);
    }

    [Fact]
    public void Bubbles_that_spell_their_type_or_give_only_a_role_are_read_and_an_unknown_one_is_named_as_written()
    {
        const string spelled = """{"type":"user","bubbleId":"u1","text":"List the files"}""";
        const string role = """{"role":"assistant","bubbleId":"a1","text":"a.txt"}""";
        const string odd = """{"type":"system","bubbleId":"a2","text":"?"}""";
        var path = Database("spelled", "DELETE", ($"composerData:{Composer}", ComposerValue("u1", "a1", "a2")), Row(spelled), Row(role), Row(odd));
        var result = Assert.Single(Read(path));
        Assert.Equal("Prompt Response", SampleFolder.Kinds(result.Record!));
        Assert.Equal("a.txt", result.Record!.Messages[1].Text);
        Assert.Equal($"{path}: row bubbleId:{Composer}:a2: a bubble of type \"system\" is not one this reader knows; left out.", Assert.Single(result.Diagnostics).Message);
    }

    [Fact]
    public void What_follows_a_rejected_call_is_a_response_of_its_own_with_its_own_usage()
    {
        const string rejected = """{"type":2,"bubbleId":"a1","text":"Pushing","toolFormerData":{"name":"run_terminal_cmd","toolCallId":"call_9","rawArgs":"{}","status":"cancelled","userDecision":"rejected"},"tokenCount":{"inputTokens":100,"outputTokens":10}}""";
        const string after = """{"type":2,"bubbleId":"a2","text":"Left it to you","tokenCount":{"inputTokens":120,"outputTokens":5}}""";
        var path = Database("rejected", "DELETE", ($"composerData:{Composer}", ComposerValue("u1", "a1", "a2")), Row(Prompt), Row(rejected), Row(after));
        var record = Assert.Single(Read(path)).Record!;
        Assert.Equal("Prompt Response Response", SampleFolder.Kinds(record));
        Assert.Equal(new TokenUsage(100, 10, 0, 0), record.Messages[1].Usage);
        Assert.Equal(new TokenUsage(120, 5, 0, 0), record.Messages[2].Usage);
    }

    [Fact]
    public void Error_false_is_no_error_and_an_error_beside_a_result_is_kept_after_it()
    {
        const string success = """{"type":2,"bubbleId":"a1","toolFormerData":{"name":"read_file","toolCallId":"c1","rawArgs":"{}","result":"\"ok\"","status":"completed","error":false}}""";
        const string both = """{"type":2,"bubbleId":"a2","toolFormerData":{"name":"read_file","toolCallId":"c2","rawArgs":"{}","result":"{\"contents\":\"x\"}","error":"permission denied"}}""";
        var path = Database("errors", "DELETE", ($"composerData:{Composer}", ComposerValue("u1", "a1", "a2")), Row(Prompt), Row(success), Row(both));
        var record = Assert.Single(Read(path)).Record!;
        var results = record.Messages.Where(m => m.Kind == MessageKind.ToolResult).ToArray();
        Assert.Equal(2, results.Length);
        Assert.False(results[0].IsError == true);
        Assert.Equal("\"ok\"", results[0].Text);
        Assert.True(results[1].IsError == true);
        Assert.Equal("{\"contents\":\"x\"}\npermission denied", results[1].Text);
    }

    [Fact]
    public void A_subagent_s_chat_is_a_sidechain_of_its_parent_whose_task_is_an_agent_message_and_a_best_of_n_sibling_keeps_the_person_s_prompt()
    {
        const string flagged = "0a1b2c3d-0000-4000-8000-000000000004";
        const string spawned = "0a1b2c3d-0000-4000-8000-000000000005";
        const string sibling = "0a1b2c3d-0000-4000-8000-000000000006";
        const string listed = "0a1b2c3d-0000-4000-8000-000000000007";
        static string Inline(string extra, string task) =>
            "{" + extra + "\"createdAt\":1775037700000,\"conversation\":[{\"type\":1,\"bubbleId\":\"t1\",\"text\":\"" + task + "\"},{\"type\":2,\"bubbleId\":\"t2\",\"text\":\"Done.\"}]}";
        var parentValue = $"{{\"subagentComposerIds\":[\"{listed}\"]," + ComposerValue("u1", "a2")[1..];
        var path = Database("subagents", "DELETE", ($"composerData:{Composer}", parentValue), Row(Prompt), Row(Answer),
            ($"composerData:{listed}", Inline(string.Empty, "Explore the repository")),
            ($"composerData:{flagged}", Inline(string.Empty, "Find every caller of Parse")),
            ($"composerData:{spawned}", Inline($"\"subagentInfo\":{{\"parentComposerId\":\"{Composer}\",\"conversationLengthAtSpawn\":2}},", "Run the tests")),
            ($"composerData:{sibling}", Inline($"\"isBestOfNSubcomposer\":true,\"subagentInfo\":{{\"parentComposerId\":\"{Composer}\"}},", "List the files")));
        using (var db = Writer(path))
        {
            db.Open();
            Execute(db, $$"""
                CREATE TABLE composerHeaders (composerId TEXT PRIMARY KEY, workspaceId TEXT, createdAt INTEGER, lastUpdatedAt INTEGER, isSubagent INTEGER, value TEXT);
                INSERT INTO composerHeaders VALUES ('{{Composer}}', NULL, 1775037600000, 1775037660000, 0, '{}');
                INSERT INTO composerHeaders VALUES ('{{flagged}}', NULL, 1775037700000, 1775037760000, 1, '{}');
                """);
        }

        var records = Read(path).Select(r => r.Record!).ToDictionary(r => r.TraceId);
        var parent = records[Composer];
        Assert.False(parent.IsSidechain);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(parent));
        var byHeader = records[flagged];
        Assert.Equal("AgentMessage Response", SampleFolder.Kinds(byHeader));
        Assert.True(byHeader.IsSidechain);
        Assert.Equal(flagged, byHeader.AgentId);
        Assert.Equal("Find every caller of Parse", byHeader.Title);
        var byInfo = records[spawned];
        Assert.Equal("AgentMessage Response", SampleFolder.Kinds(byInfo));
        Assert.True(byInfo.IsSidechain);
        Assert.Equal(Composer, byInfo.RootSessionId);
        Assert.Equal(Composer, byInfo.SourceMeta["parent_composer_id"]);
        var byList = records[listed];
        Assert.Equal("AgentMessage Response", SampleFolder.Kinds(byList));
        Assert.Equal(Composer, byList.RootSessionId);
        var bestOfN = records[sibling];
        Assert.Equal("Prompt Response", SampleFolder.Kinds(bestOfN));
        Assert.False(bestOfN.IsSidechain);
        Assert.Equal(true, bestOfN.SourceMeta["best_of_n_subcomposer"]);
        Assert.Equal(Composer, bestOfN.SourceMeta["parent_composer_id"]);
    }

    [Fact]
    public void Composers_only_the_composer_headers_table_lists_read_their_bubble_rows_in_time_order_and_its_workspace_id_gives_the_folder()
    {
        const string headerOnly = "0a1b2c3d-0000-4000-8000-000000000003";
        const string late = """{"type":2,"bubbleId":"b1","text":"Its answer","createdAt":"2026-04-01T11:00:05Z"}""";
        const string early = """{"type":1,"bubbleId":"b2","text":"A chat with no composerData row","createdAt":"2026-04-01T11:00:01Z"}""";
        var path = Database("headers", "DELETE", ($"composerData:{Composer}", ComposerValue("u1", "a2")), Row(Prompt), Row(Answer),
            ($"bubbleId:{headerOnly}:b1", late), ($"bubbleId:{headerOnly}:b2", early));
        using (var db = Writer(path))
        {
            db.Open();
            Execute(db, $$"""
                CREATE TABLE composerHeaders (composerId TEXT PRIMARY KEY, workspaceId TEXT, createdAt INTEGER, lastUpdatedAt INTEGER, value TEXT);
                INSERT INTO composerHeaders VALUES ('{{Composer}}', '5e6f7a', 1775037600000, 1775037660000, '{}');
                INSERT INTO composerHeaders VALUES ('{{headerOnly}}', NULL, 1775041200000, 1775041260000, '{"name":"Headers only","unifiedMode":"agent"}');
                """);
        }
        var workspace = Path.Combine(_folder, "headers", "User", "workspaceStorage", "5e6f7a");
        Directory.CreateDirectory(workspace);
        File.WriteAllText(Path.Combine(workspace, "workspace.json"), """{"folder": "file:///home/dev/api"}""");

        var results = Read(path);
        Assert.Empty(results.SelectMany(r => r.Diagnostics));
        Assert.Equal(new[] { Composer, headerOnly }, results.Select(r => r.Record?.TraceId));
        var listed = results[0].Record!;
        Assert.Equal("/home/dev/api", listed.Cwd);
        Assert.Equal("5e6f7a", listed.SourceMeta["workspace_storage"]);
        var alone = results[1].Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(alone));
        Assert.Equal("A chat with no composerData row", alone.Messages[0].Text);
        Assert.Equal("Headers only", alone.Title);
        Assert.Equal("bubble_rows", alone.SourceMeta["storage"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1775041200000), alone.StartedAt);
    }

    [Fact]
    public void Older_composers_read_the_bubbles_of_their_tabs_or_of_their_conversation_map()
    {
        const string other = "0a1b2c3d-0000-4000-8000-000000000002";
        const string tabs = """{"createdAt":1775037600000,"tabs":[{"bubbles":[{"type":"user","text":"tab prompt"},{"type":"ai","text":"tab answer"}]},{"bubbles":[{"type":"user","text":"second tab"}]}]}""";
        const string map = """{"createdAt":1775037700000,"conversationMap":{"c1":{"bubbles":[{"type":"user","text":"map prompt"},{"type":"ai","text":"map answer"}]}}}""";
        var results = Read(Database("legacy", "DELETE", ($"composerData:{Composer}", tabs), ($"composerData:{other}", map)));
        Assert.Empty(results.SelectMany(r => r.Diagnostics));
        var fromTabs = results[0].Record!;
        Assert.Equal("Prompt Response Prompt", SampleFolder.Kinds(fromTabs));
        Assert.Equal("tab answer", fromTabs.Messages[1].Text);
        var fromMap = results[1].Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(fromMap));
        Assert.Equal("map prompt", fromMap.Title);
    }

    [Fact]
    public void Thinking_as_a_string_counts_written_as_strings_a_later_bubble_s_model_a_bubble_named_twice_and_a_multi_root_workspace_are_read()
    {
        const string thought = """{"type":2,"bubbleId":"a1","thinking":"A plain thought"}""";
        const string counted = """{"type":2,"bubbleId":"a2","text":"One file","tokenCount":{"inputTokens":"120","outputTokens":7},"modelInfo":{"modelName":"claude-4.5-sonnet"}}""";
        var composer = "{\"workspaceIdentifier\":{\"id\":\"w2\",\"configPath\":{\"fsPath\":\"/work/both.code-workspace\"}}," + ComposerValue("u1", "a1", "a2", "u1")[1..];
        var record = Assert.Single(Read(Database("smaller", "DELETE", ($"composerData:{Composer}", composer), Row(Prompt), Row(thought), Row(counted)))).Record!;
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("claude-4.5-sonnet", record.Messages[1].Model);
        Assert.Equal("A plain thought", record.Messages[1].ReasoningContent);
        Assert.Equal(new TokenUsage(120, 7, 0, 0), record.Messages[1].Usage);
        Assert.Equal(3L, record.SourceMeta["bubbles"]);
        Assert.Equal("/work/both.code-workspace", record.Cwd);
        Assert.Equal("workspace_identifier", record.SourceMeta["cwd_source"]);
    }

    [Fact]
    public void Inline_calls_without_ids_are_told_apart_by_their_place_and_each_answered()
    {
        const string call = """{"type":2,"toolFormerData":{"name":"read_file","rawArgs":"{}","result":"x","status":"completed"}}""";
        var inline = JsonSerializer.Serialize(new { composerId = Composer, createdAt = 1775037600000 })[..^1]
            + $$""","conversation":[{"type":1,"text":"Read both"},{{call}},{"type":2,"text":"Next"},{{call}}]}""";
        var record = Assert.Single(Read(Database("inline", "DELETE", ($"composerData:{Composer}", inline)))).Record!;
        Assert.Equal("Prompt Response ToolResult Response ToolResult", SampleFolder.Kinds(record));
        Assert.Equal(new[] { "cursor-ide-bubble2", "cursor-ide-bubble4" }, record.Messages.Where(m => m.ToolCallId is not null).Select(m => m.ToolCallId));
        Assert.Equal("inline", record.SourceMeta["storage"]);
    }

    [Fact]
    public void Reading_a_live_wal_store_neither_waits_for_nor_blocks_the_writer_and_changes_no_file()
    {
        var path = Database("live", "WAL", ($"composerData:{Composer}", ComposerValue("u1", "a1", "a2")), Row(Prompt), Row(CallAndResult), Row(Answer));
        AssertLiveStoreIsReadUntouched(path, $"DELETE FROM cursorDiskKV WHERE key = 'bubbleId:{Composer}:a2';",
            () => Read(path), "Prompt Response ToolResult Response");
    }

    [Fact]
    public void A_locked_store_is_a_clear_error_after_a_short_wait_not_a_hang()
    {
        var path = Database("locked", "DELETE", ($"composerData:{Composer}", ComposerValue("u1", "a2")), Row(Prompt), Row(Answer));
        AssertLockedStoreIsAnError(path, $"DELETE FROM cursorDiskKV WHERE key = 'bubbleId:{Composer}:a2';", () => Read(path));
    }

    [Fact]
    public void The_state_vscdb_of_vs_code_itself_is_reported_and_gives_no_record()
    {
        var foreign = Create(Path.Combine(_folder, "Code", "User", "globalStorage", "state.vscdb"), "CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);");
        var problem = Assert.Single(Assert.Single(Read(foreign)).Diagnostics);
        Assert.Equal($"{foreign}: it is a SQLite database without Cursor's cursorDiskKV table; no record.", problem.Message);
    }

    [Fact]
    public void The_default_location_is_cursor_s_global_storage_under_the_user_data_folder_vscode_appdata_moves()
    {
        var previous = Environment.GetEnvironmentVariable(ClineStorage.AppDataVariable);
        try
        {
            Environment.SetEnvironmentVariable(ClineStorage.AppDataVariable, _folder);
            Assert.Equal(new[] { Path.Combine(_folder, "Cursor", "User", "globalStorage") }, new CursorIdeReader().DefaultLocations());
        }
        finally
        {
            Environment.SetEnvironmentVariable(ClineStorage.AppDataVariable, previous);
        }
    }

    [Fact]
    public void The_user_folder_and_global_storage_are_its_store_and_only_a_global_state_vscdb_is_claimed()
    {
        var path = Database("claims", "DELETE", ($"composerData:{Composer}", ComposerValue("u1")), Row(Prompt));
        var global = Path.GetDirectoryName(path)!;
        var user = Path.GetDirectoryName(global)!;
        var reader = new CursorIdeReader();
        Assert.Equal(new[] { global }, reader.StoresIn(global));
        Assert.Equal(new[] { global }, reader.StoresIn(user));
        Assert.Empty(reader.StoresIn(_folder));
        Assert.True(reader.IsTraceFile(path));
        Assert.False(reader.IsTraceFile(Path.Combine(user, "workspaceStorage", "9f8e7d", "state.vscdb")));
        Assert.False(reader.IsTraceFile(path + "-wal"));
    }
}
