using System.Text;
using System.Text.Json;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.ClaudeCode;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

public sealed class ClaudeCodeReaderTests
{
    private static RolloutRecord Record(ClaudeLines lines, string? fileName = null)
    {
        var result = lines.Read(fileName);
        Assert.True(result.Record is not null, $"no record: {result.SkipReason} {string.Join("; ", result.Diagnostics)}");
        return result.Record!;
    }

    private static string Roles(RolloutRecord record) =>
        string.Join(" ", record.Messages.Select(m => $"{m.Role.ToString().ToLowerInvariant()}:{m.Kind}"));

    [Fact]
    public void Split_response_lines_become_one_assistant_message_with_usage_counted_once()
    {
        var lines = new ClaudeLines()
            .User("u1", null, "List the files")
            .Assistant("a1", "u1", "msg_01A", "{\"type\":\"thinking\",\"thinking\":\"Use ls.\",\"signature\":\"sig\"}", "{\"input_tokens\":3,\"output_tokens\":4,\"cache_read_input_tokens\":100,\"cache_creation_input_tokens\":20}")
            .Assistant("a2", "a1", "msg_01A", "{\"type\":\"text\",\"text\":\"Listing now.\"}", "{\"input_tokens\":3,\"output_tokens\":4,\"cache_read_input_tokens\":100,\"cache_creation_input_tokens\":20}")
            .Assistant("a3", "a2", "msg_01A", "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"Bash\",\"input\":{\"command\":\"ls\"}}", "{\"input_tokens\":3,\"output_tokens\":98,\"cache_read_input_tokens\":100,\"cache_creation_input_tokens\":20}")
            .ToolResult("u2", "a3", "toolu_01", "\"a.txt\\nb.txt\"")
            .Text("a4", "u2", "msg_01B", "Two files.", "{\"input_tokens\":5,\"output_tokens\":7}");

        var record = Record(lines);

        Assert.Equal("user:Prompt assistant:Response tool:ToolResult assistant:Response", Roles(record));
        var response = record.Messages[1];
        Assert.Equal("Listing now.", response.Text);
        Assert.Equal("Use ls.", response.ReasoningContent);
        var call = Assert.Single(response.ToolCalls);
        Assert.Equal(new ToolCall("toolu_01", "Bash", "{\"command\":\"ls\"}"), call);
        Assert.Equal(new TokenUsage(3, 98, 100, 20), response.Usage);
        Assert.Equal("claude-opus-4-1-20250805", response.Model);
        Assert.Equal(new TokenUsage(8, 105, 100, 20), new TokenUsage(record.InputTokens, record.OutputTokens, record.CacheReadTokens, record.CacheWriteTokens));
        Assert.Equal(1, record.ToolCallCount);
        Assert.Equal("Two files.", record.FinalAssistantMessage);
    }

    [Fact]
    public void Parallel_tool_calls_are_one_message_and_each_result_a_tool_message()
    {
        var lines = new ClaudeLines()
            .User("u1", null, "Read both files")
            .ToolUse("a1", "u1", "msg_01A", "toolu_01", "Read", "{\"file_path\":\"/home/dev/acme-shop/a.py\"}")
            .ToolUse("a2", "a1", "msg_01A", "toolu_02", "Read", "{\"file_path\":\"/home/dev/acme-shop/b.py\"}")
            // Claude Code has hung the first result off the first block's line: a branch that is not a rewind.
            .ToolResult("u2", "a1", "toolu_01", "\"print('a')\"")
            .ToolResult("u3", "a2", "toolu_02", "\"print('b')\"")
            .Text("a3", "u3", "msg_01B", "Both read.");

        var record = Record(lines);

        Assert.Equal("user:Prompt assistant:Response tool:ToolResult tool:ToolResult assistant:Response", Roles(record));
        Assert.Equal(new[] { "toolu_01", "toolu_02" }, record.Messages[1].ToolCalls.Select(c => c.Id));
        Assert.Equal(new[] { "toolu_01", "toolu_02" }, record.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.ToolCallId));
        Assert.Equal("Read", record.Messages[2].ToolName);
        Assert.False(record.SourceMeta.ContainsKey("abandoned_entries"));
    }

    [Fact]
    public void Tool_result_shapes_keep_text_images_errors_and_structured_result()
    {
        var lines = new ClaudeLines()
            .User("u1", null, "Go")
            .ToolUse("a1", "u1", "msg_01A", "toolu_01", "Read", "{}")
            .ToolResult("u2", "a1", "toolu_01", "[{\"type\":\"text\",\"text\":\"see image\"},{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}]",
                toolUseResult: "{\"type\":\"image\",\"file\":{\"filePath\":\"/home/dev/acme-shop/logo.png\"}}")
            .ToolUse("a2", "u2", "msg_01B", "toolu_02", "Bash", "{\"command\":\"false\"}")
            .ToolResult("u3", "a2", "toolu_02", "\"Error: exit code 1\"", isError: true, toolUseResult: "\"Error: exit code 1\"");

        var record = Record(lines);

        var image = record.Messages[2];
        Assert.Equal(new[] { ContentBlock.FromText("see image"), ContentBlock.FromImageData("image/png", "iVBORw0KGgo=") }, image.Content);
        Assert.Equal("see image", image.Text);
        Assert.False(image.IsError);
        Assert.Equal("{\"type\":\"image\",\"file\":{\"filePath\":\"/home/dev/acme-shop/logo.png\"}}", image.StructuredResult);
        var failed = record.Messages[4];
        Assert.True(failed.IsError);
        Assert.Equal("Error: exit code 1", failed.Text);
        Assert.Equal("\"Error: exit code 1\"", failed.StructuredResult);
    }

    [Fact]
    public void Pasted_image_stays_an_image_block_in_the_prompt()
    {
        var lines = new ClaudeLines()
            .UserContent("u1", null, "[{\"type\":\"text\",\"text\":\"What is this?\"},{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/jpeg\",\"data\":\"/9j/4AAQ\"}}]")
            .Text("a1", "u1", "msg_01A", "A logo.");

        var prompt = Record(lines).Messages[0];

        Assert.Equal(MessageKind.Prompt, prompt.Kind);
        Assert.Equal(ContentBlockType.Image, prompt.Content[1].Type);
        Assert.Equal("/9j/4AAQ", prompt.Content[1].Data);
        Assert.Equal("What is this?", prompt.Text);
    }

    [Fact]
    public void Compaction_is_crossed_and_its_summary_is_marked()
    {
        var lines = new ClaudeLines()
            .User("u1", null, "Refactor the cart")
            .Text("a1", "u1", "msg_01A", "Refactored.")
            .System("s1", null, "compact_boundary", ",\"content\":\"Conversation compacted\",\"logicalParentUuid\":\"a1\",\"compactMetadata\":{\"trigger\":\"auto\",\"preTokens\":155000}")
            .User("u2", "s1", "This session is being continued from a previous conversation that ran out of context. The summary below covers the earlier portion.", ",\"isCompactSummary\":true,\"isVisibleInTranscriptOnly\":true")
            .User("u3", "u2", "Now add tests")
            .Text("a2", "u3", "msg_01B", "Added.");

        var record = Record(lines);

        Assert.Equal("user:Prompt assistant:Response user:CompactionSummary user:Prompt assistant:Response", Roles(record));
        Assert.Equal(1L, record.SourceMeta["compactions"]);
        Assert.Equal("Refactor the cart", record.Title);
    }

    [Fact]
    public void Injected_text_commands_interruptions_and_notices_are_not_prompts()
    {
        var lines = new ClaudeLines()
            .User("u1", null, "Caveat: The messages below were generated by the user while running local commands. DO NOT respond to these messages.", ",\"isMeta\":true")
            .User("u2", "u1", "<command-name>/model</command-name>\n<command-message>model</command-message>\n<command-args></command-args>")
            .User("u3", "u2", "<local-command-stdout>Set model to opus</local-command-stdout>")
            .User("u4", "u3", "<bash-input>git status</bash-input>")
            .User("u5", "u4", "Fix the flaky test")
            .Text("a1", "u5", "msg_01A", "Looking.")
            .UserContent("u6", "a1", "[{\"type\":\"text\",\"text\":\"[Request interrupted by user]\"}]")
            .Raw("{\"type\":\"attachment\",\"uuid\":\"t1\",\"parentUuid\":\"u6\",\"sessionId\":\"" + ClaudeLines.Session + "\",\"timestamp\":\"2025-11-03T09:10:00.000Z\",\"attachment\":{\"type\":\"queued_command\",\"prompt\":\"also check CI\"}}")
            .Assistant("a2", "t1", "7d0c-synthetic", "{\"type\":\"text\",\"text\":\"API Error: 529 Overloaded\"}", "{\"input_tokens\":0,\"output_tokens\":0}", model: "<synthetic>", extra: ",\"isApiErrorMessage\":true");

        var record = Record(lines);

        Assert.Equal("user:Context user:Command user:Command user:Command user:Prompt assistant:Response user:Interruption user:QueuedPrompt assistant:Synthetic", Roles(record));
        Assert.Equal("Looking.", record.FinalAssistantMessage);
        Assert.Equal("Fix the flaky test", record.Title);
        Assert.Null(record.Messages[^1].Model);
        Assert.Equal(new[] { "claude-opus-4-1-20250805" }, record.Models);
        Assert.Equal(1L, record.SourceMeta["api_errors"]);
    }

    [Fact]
    public void Identity_comes_from_the_file_and_majority_not_the_first_line()
    {
        var lines = new ClaudeLines { SessionId = "2a8af1a8-0000-4000-8000-000000000000" }
            .Progress("p1", null, "hook_progress")
            .Progress("p2", "p1", "hook_progress");
        lines.SessionId = ClaudeLines.Session;
        lines.Cwd = "/home/dev/acme-shop";
        lines.User("u1", null, "Hi").Text("a1", "u1", "msg_01A", "Hello");
        lines.Cwd = "/home/dev/acme-shop/api";
        lines.Branch = "feature/cart";
        lines.User("u2", "a1", "Bye");

        var record = Record(lines, "renamed.jsonl");

        Assert.Equal(ClaudeLines.Session, record.RootSessionId);
        Assert.Equal(ClaudeLines.Session, record.TraceId);
        Assert.Equal("/home/dev/acme-shop/api", record.Cwd);
        Assert.Equal("/home/dev/acme-shop", record.ProjectPath);
        Assert.Equal("feature/cart", record.GitBranch);
        Assert.Equal(new DateTimeOffset(2025, 11, 3, 9, 0, 15, TimeSpan.Zero), record.StartedAt);
        Assert.Equal(TimeSpan.FromSeconds(10), record.Duration);
    }

    [Fact]
    public void Subagent_transcript_is_its_own_sidechain_record()
    {
        var lines = new ClaudeLines { Sidechain = true, AgentId = "a3f9c21" }
            .User("u1", null, "Find where prices are computed")
            .Assistant("a1", "u1", "msg_01S", "{\"type\":\"text\",\"text\":\"In cart.py.\"}", model: "claude-sonnet-4-5-20250929");

        var record = Record(lines, $"{ClaudeLines.Session}/subagents/agent-a3f9c21.jsonl");

        Assert.Equal($"{ClaudeLines.Session}:a3f9c21", record.TraceId);
        Assert.Equal(ClaudeLines.Session, record.RootSessionId);
        Assert.Equal("a3f9c21", record.AgentId);
        Assert.True(record.IsSidechain);
        Assert.Equal(new[] { "claude-sonnet-4-5-20250929" }, record.Models);
    }

    [Fact]
    public void Summary_only_file_is_no_record_and_titles_the_session_it_points_to()
    {
        var folder = Directory.CreateTempSubdirectory("rollout-tests-");
        try
        {
            var session = new ClaudeLines().User("u1", null, "Fix checkout").Text("a1", "u1", "msg_01A", "Fixed.");
            var sessionPath = Path.Combine(folder.FullName, ClaudeLines.Session + ".jsonl");
            var summaryPath = Path.Combine(folder.FullName, "0b1e7c55-1111-4222-8333-444455556666.jsonl");
            File.WriteAllText(sessionPath, session.Text());
            File.WriteAllText(summaryPath, "{\"type\":\"summary\",\"summary\":\"Checkout bug fixed\",\"leafUuid\":\"a1\"}\n");
            var sources = new[] { TraceSource.FromFile(sessionPath), TraceSource.FromFile(summaryPath) };

            var scan = new ClaudeCodeReader().BeginScan(sources, CancellationToken.None);
            var record = scan.Read(sources[0], CancellationToken.None).Record;
            var summaryOnly = scan.Read(sources[1], CancellationToken.None);

            Assert.Equal("Checkout bug fixed", record!.Title);
            Assert.Null(summaryOnly.Record);
            Assert.Empty(summaryOnly.Diagnostics);
            Assert.Contains("summary", summaryOnly.SkipReason);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_session_opened_by_a_slash_command_is_titled_by_it()
    {
        var record = Record(new ClaudeLines()
            .User("u1", null, "<command-message>review is running…</command-message>\n<command-name>/review</command-name>\n<command-args>src/cart.ts</command-args>")
            .User("u2", "u1", "Review the given file for bugs.", ",\"isMeta\":true")
            .Text("a1", "u2", "msg_01A", "Two issues found."));

        Assert.Equal("/review src/cart.ts", record.Title);
        Assert.Equal("Command Context Response", string.Join(" ", record.Messages.Select(m => m.Kind)));
    }

    [Fact]
    public void A_slash_command_written_as_a_local_command_line_is_a_command_in_its_place()
    {
        // From 2.1.12 the echo older versions wrote as user lines is a system/local_command line, its output another.
        var record = Record(new ClaudeLines { Version = "2.1.282" }
            .User("u1", null, "<local-command-caveat>Caveat: The messages below were generated by the user while running local commands.</local-command-caveat>", ",\"isMeta\":true")
            .System("s1", "u1", "local_command", ",\"content\":\"<command-name>/model</command-name>\\n            <command-message>model</command-message>\\n            <command-args>opus</command-args>\"")
            .System("s2", "s1", "local_command", ",\"content\":\"<local-command-stdout>Set model to opus (claude-opus-5)</local-command-stdout>\"")
            .User("u2", "s2", "<bash-input>git status</bash-input>")
            .User("u3", "u2", "Fix the failing test")
            .Text("a1", "u3", "msg_01A", "On it."));

        Assert.Equal("user:Context user:Command user:Command user:Command user:Prompt assistant:Response", Roles(record));
        Assert.Contains("<command-args>opus</command-args>", record.Messages[1].Text);
        Assert.Equal("<local-command-stdout>Set model to opus (claude-opus-5)</local-command-stdout>", record.Messages[2].Text);
        Assert.Equal("Fix the failing test", record.Title);
        Assert.Equal(2L, ((IReadOnlyDictionary<string, long>)record.SourceMeta["record_types"])["system/local_command"]);
    }

    [Fact]
    public void A_compact_command_written_as_a_local_command_line_keeps_its_instruction_and_titles_a_session_it_opens()
    {
        var record = Record(new ClaudeLines { Version = "2.1.282" }
            .System("s1", null, "local_command", ",\"content\":\"<command-name>/compact</command-name>\\n<command-message>compact</command-message>\\n<command-args>keep the plan</command-args>\"")
            .System("b1", null, "compact_boundary", ",\"content\":\"Conversation compacted\",\"logicalParentUuid\":\"s1\",\"compactMetadata\":{\"trigger\":\"manual\",\"preTokens\":1000}")
            .User("u1", "b1", "This session is being continued from a previous conversation that ran out of context.", ",\"isCompactSummary\":true,\"isVisibleInTranscriptOnly\":true")
            .User("u2", "u1", "<command-name>/cost</command-name>")
            .Text("a1", "u2", "msg_01A", "Noted."));

        Assert.Equal("user:Command user:CompactionSummary user:Command assistant:Response", Roles(record));
        Assert.Equal("/compact keep the plan", record.Title);
    }

    [Fact]
    public void Documents_and_other_non_text_blocks_are_named_or_outlined_never_pasted_with_their_data()
    {
        var pdf = Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("%PDF-1.4 fake ", 200))));
        var record = Record(new ClaudeLines { Version = "2.1.282" }
            .UserContent("u1", null, $"[{{\"type\":\"text\",\"text\":\"summarize this spec\"}},{{\"type\":\"image\",\"source\":{{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo\"}}}},{{\"type\":\"document\",\"source\":{{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\"{pdf}\"}},\"title\":\"spec.pdf\"}},null]")
            .ToolUse("a1", "u1", "msg_01A", "toolu_01", "Read", "{\"file_path\":\"/home/dev/acme-shop/spec.pdf\"}")
            // The Read tool returns a PDF as a document block, with the file again in toolUseResult.
            .ToolResult("u2", "a1", "toolu_01", $"[{{\"type\":\"document\",\"source\":{{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\"{pdf}\"}}}}]", toolUseResult: "{\"type\":\"pdf\",\"file\":{\"filePath\":\"/home/dev/acme-shop/spec.pdf\",\"originalSize\":2800}}")
            .ToolUse("a2", "u2", "msg_01B", "toolu_02", "ToolSearch", "{\"query\":\"select:WebFetch\"}")
            .ToolResult("u3", "a2", "toolu_02", "[{\"type\":\"tool_reference\",\"tool_name\":\"WebFetch\"}]")
            .ToolUse("a3", "u3", "msg_01C", "toolu_03", "mcp__docs__fetch", "{\"id\":\"rfc\"}")
            .ToolResult("u4", "a3", "toolu_03", $"[{{\"type\":\"document\",\"source\":{{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"RFC 9110, section 9\"}}}},{{\"type\":\"blob\",\"uri\":\"file:///rfc.bin\",\"blob\":\"{pdf}\"}}]")
            .Text("a4", "u4", "msg_01D", "Done."));

        Assert.Equal("user:Prompt assistant:Response tool:ToolResult assistant:Response tool:ToolResult assistant:Response tool:ToolResult assistant:Response", Roles(record));
        Assert.Equal("summarize this spec\n\n[document: spec.pdf]", record.Messages[0].Text);
        Assert.Equal(ContentBlockType.Image, record.Messages[0].Content[1].Type);
        Assert.Equal(3, record.Messages[0].Content.Count);
        Assert.Equal("summarize this spec [document: spec.pdf]", record.Title);
        Assert.Equal("[document: application/pdf]", record.Messages[2].Text);
        Assert.Equal("WebFetch", record.Messages[4].Text);
        Assert.Equal($"RFC 9110, section 9\n\n{{\"type\":\"blob\",\"uri\":\"file:///rfc.bin\",\"blob\":\"[{pdf.Length} characters left out]\"}}", record.Messages[6].Text);
        Assert.DoesNotContain(record.Messages, m => m.Text.Contains(pdf[..40], StringComparison.Ordinal));
    }

    [Fact]
    public void Title_prefers_the_custom_title_then_the_agents_summary()
    {
        var lines = new ClaudeLines()
            .Raw("{\"type\":\"summary\",\"summary\":\"Cart refactor\",\"leafUuid\":\"a1\"}")
            .User("u1", null, "Refactor the cart please")
            .Text("a1", "u1", "msg_01A", "Done.");
        Assert.Equal("Cart refactor", Record(lines).Title);

        lines.Raw("{\"type\":\"custom-title\",\"customTitle\":\"My cart work\",\"sessionId\":\"" + ClaudeLines.Session + "\"}");
        Assert.Equal("My cart work", Record(lines).Title);
    }

    [Fact]
    public void An_unknown_assistant_block_keeps_its_words_and_is_told_once_per_kind_with_its_line()
    {
        var result = new ClaudeLines { Version = "2.1.282" }
            .User("u1", null, "What does the RFC say?")
            .Assistant("a1", "u1", "msg_01A", "{\"type\":\"compaction\",\"content\":\"Earlier: the user is moving the config to YAML.\"},{\"type\":\"search_result\",\"source\":\"rfc\",\"title\":\"RFC\",\"content\":[{\"type\":\"text\",\"text\":\"quoted\"}]},{\"type\":\"text\",\"text\":\"Per the RFC, use YAML 1.2.\"}")
            .User("u2", "a1", "And the next step?")
            .Assistant("a2", "u2", "msg_01B", "{\"type\":\"compaction\",\"content\":\"Earlier: YAML 1.2 chosen.\"},{\"type\":\"text\",\"text\":\"Convert the files.\"}")
            .Read();

        var record = result.Record!;
        Assert.Equal("Earlier: the user is moving the config to YAML.\n\nPer the RFC, use YAML 1.2.", record.Messages[1].Text);
        Assert.Equal("Earlier: YAML 1.2 chosen.\n\nConvert the files.", record.Messages[3].Text);
        Assert.Equal(new Dictionary<string, long> { ["compaction"] = 2, ["search_result"] = 1 }, (IReadOnlyDictionary<string, long>)record.SourceMeta["unknown_block_types"]);
        Assert.Equal(new[] { (2, "compaction"), (2, "search_result") }, result.Diagnostics.Select(d => (d.LineNumber ?? 0, d.Message.Split('\'')[1])));
        Assert.All(result.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    [Fact]
    public void Every_bookkeeping_type_is_counted_and_unknown_types_are_skipped_without_error()
    {
        var s = ClaudeLines.Session;
        var lines = new ClaudeLines()
            .Raw($"{{\"type\":\"mode\",\"mode\":\"normal\",\"sessionId\":\"{s}\"}}")
            .Raw($"{{\"type\":\"permission-mode\",\"permissionMode\":\"acceptEdits\",\"sessionId\":\"{s}\"}}")
            .Raw("{\"type\":\"file-history-snapshot\",\"messageId\":\"u1\",\"snapshot\":{\"messageId\":\"u1\",\"trackedFileBackups\":{},\"timestamp\":\"2025-11-03T09:00:01.000Z\"},\"isSnapshotUpdate\":false}")
            .User("u1", null, "Ship it")
            .Raw($"{{\"type\":\"queue-operation\",\"operation\":\"enqueue\",\"timestamp\":\"2025-11-03T09:00:06.000Z\",\"sessionId\":\"{s}\",\"content\":\"and tag it\"}}")
            .Text("a1", "u1", "msg_01A", "Shipped.")
            .System("s1", "a1", "turn_duration", ",\"durationMs\":1500")
            .System("s2", "s1", "stop_hook_summary", ",\"hookCount\":1,\"hookInfos\":[],\"hookErrors\":[],\"preventedContinuation\":false")
            .Raw($"{{\"type\":\"pr-link\",\"sessionId\":\"{s}\",\"prNumber\":7,\"prUrl\":\"https://git.example.test/acme/shop/pull/7\",\"prRepository\":\"acme/shop\",\"timestamp\":\"2025-11-03T09:00:30.000Z\"}}")
            .Raw($"{{\"type\":\"last-prompt\",\"lastPrompt\":\"Ship it\",\"leafUuid\":\"a1\",\"sessionId\":\"{s}\"}}")
            .Raw($"{{\"type\":\"x-future-thing\",\"sessionId\":\"{s}\"}}");

        var result = lines.Read();
        var meta = result.Record!.SourceMeta;

        Assert.Empty(result.Diagnostics);
        Assert.Equal("user:Prompt assistant:Response", Roles(result.Record));
        Assert.Equal(new Dictionary<string, long> { ["x-future-thing"] = 1 }, (IReadOnlyDictionary<string, long>)meta["unknown_record_types"]);
        var types = (IReadOnlyDictionary<string, long>)meta["record_types"];
        Assert.Equal(1, types["system/turn_duration"]);
        Assert.Equal(1, types["file-history-snapshot"]);
        Assert.Equal(1500L, meta["turn_duration_ms"]);
        Assert.Equal(1L, meta["queued_prompts"]);
        Assert.Equal("acceptEdits", meta["permission_mode"]);
        Assert.Equal("normal", meta["mode"]);
        Assert.Equal(new[] { "https://git.example.test/acme/shop/pull/7" }, (IEnumerable<string>)meta["pr_links"]);
    }

    [Fact]
    public void Bad_lines_are_reported_and_counted_and_the_record_still_comes()
    {
        var lines = new ClaudeLines().User("u1", null, "Hi").Raw("{\"type\":\"assistant\",").Text("a1", "u1", "msg_01A", "Hello");

        var result = lines.Read();

        Assert.Equal(2, result.Record!.MessageCount);
        Assert.Equal(1L, result.Record.SourceMeta["skipped_lines"]);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(RolloutDiagnostic.ParseError, error.ErrorId);
        Assert.Equal(2, error.LineNumber);
    }

    [Fact]
    public void File_of_bookkeeping_only_is_no_record_and_no_error()
    {
        var result = new ClaudeLines()
            .Raw("{\"type\":\"file-history-snapshot\",\"messageId\":\"m\",\"snapshot\":{},\"isSnapshotUpdate\":false}")
            .Read();

        Assert.Null(result.Record);
        Assert.Empty(result.Diagnostics);
        Assert.Contains("no conversation", result.SkipReason);
    }

    [Fact]
    public void File_with_no_readable_line_is_one_error()
    {
        var result = new ClaudeLines().Raw("garbage").Raw("more garbage").Read();

        Assert.Null(result.Record);
        Assert.Equal(new[] { RolloutDiagnostic.ParseError, RolloutDiagnostic.ParseError, RolloutDiagnostic.NoUsableLines }, result.Diagnostics.Select(d => d.ErrorId));
    }

    [Fact]
    public void Record_json_uses_datadesigner_field_names()
    {
        var record = Record(new ClaudeLines()
            .User("u1", null, "Hi")
            .ToolUse("a1", "u1", "msg_01A", "toolu_01", "Bash", "{\"command\":\"ls\"}")
            .ToolResult("u2", "a1", "toolu_01", "\"ok\""));

        using var json = JsonDocument.Parse(record.ToJson());
        var root = json.RootElement;

        foreach (var name in new[] { "trace_id", "source_kind", "source_path", "root_session_id", "agent_id", "is_sidechain", "cwd", "project_path", "git_branch", "started_at", "ended_at", "messages", "source_meta", "message_count", "tool_call_count", "final_assistant_message" })
        {
            Assert.True(root.TryGetProperty(name, out _), name);
        }
        Assert.Equal("claude_code", root.GetProperty("source_kind").GetString());
        var call = root.GetProperty("messages")[1].GetProperty("tool_calls")[0];
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("{\"command\":\"ls\"}", call.GetProperty("function").GetProperty("arguments").GetString());
        var tool = root.GetProperty("messages")[2];
        Assert.Equal("tool", tool.GetProperty("role").GetString());
        Assert.Equal("toolu_01", tool.GetProperty("tool_call_id").GetString());
        Assert.Equal("tool_result", tool.GetProperty("kind").GetString());
        Assert.Equal("text", tool.GetProperty("content")[0].GetProperty("type").GetString());
    }

    [Fact]
    public void The_cost_Claude_Code_states_for_the_session_is_its_latest_cost_state_and_not_added_to_the_tokens()
    {
        static string CostState(string session, string cost) =>
            $"{{\"type\":\"cost-state\",\"sessionId\":\"{session}\",\"totalCostUSD\":{cost},\"modelUsage\":{{\"claude-opus-4-1-20250805\":{{\"inputTokens\":900,\"outputTokens\":90,\"costUSD\":{cost}}}}}}}";
        var lines = new ClaudeLines()
            .User("u1", null, "Rename the module")
            .Text("a1", "u1", "msg_01A", "Renamed.")
            .Raw(CostState(ClaudeLines.Session, "0.0812"))
            .Raw(CostState("0b9e4d2c-1a3f-4e5d-8c7b-6a5f4e3d2c1b", "3.5"))
            .Raw(CostState(ClaudeLines.Session, "0.1547"))
            .Raw(CostState(ClaudeLines.Session, "0.1547"));

        var record = Record(lines);

        Assert.Equal(0.1547, record.SourceMeta["stated_cost_usd"]);
        Assert.Equal(15, record.TotalTokens);
    }

    [Fact]
    public void The_cost_a_1_0_line_states_for_its_response_prices_it_as_ccusage_does_and_leaves_the_tokens_alone()
    {
        // Claude Code 1.0.x wrote each response's own price beside it (costUSD); ccusage's default mode takes it.
        var lines = new ClaudeLines { Version = "1.0.30" }
            .User("u1", null, "Rename the module")
            .Assistant("a1", "u1", "msg_01A", "{\"type\":\"text\",\"text\":\"Renamed.\"}", "{\"input_tokens\":1200,\"output_tokens\":300}", "claude-sonnet-4-20250514", extra: ",\"costUSD\":0.0123")
            .User("u2", "a1", "And the tests")
            .Assistant("a2", "u2", "msg_01B", "{\"type\":\"text\",\"text\":\"Updated.\"}", "{\"input_tokens\":1500,\"output_tokens\":100}", "claude-sonnet-4-20250514", "req_011CUAbd", extra: ",\"costUSD\":\"0.5\"");

        var record = Record(lines);

        Assert.Equal(0.0123m, record.Messages[1].CostUsd);
        Assert.Null(record.Messages[3].CostUsd);
        Assert.Equal(3100, record.TotalTokens);
        var meter = new RolloutTools.Core.Usage.UsageMeter(new RolloutTools.Core.Usage.UsageOptions());
        meter.Add(record);
        var row = Assert.Single(meter.Rows());
        Assert.Equal(3100, row.TotalTokens);
        Assert.Equal("Mixed", row.CostSource);
    }

    [Fact]
    public void The_latest_recap_is_kept_and_session_state_records_are_known_bookkeeping()
    {
        var session = ClaudeLines.Session;
        var lines = new ClaudeLines { Version = "2.1.270" }
            .User("u1", null, "Fix the flaky test")
            .System("s1", "u1", "away_summary", ",\"content\":\"Goal: fix the flaky test. Next: rerun CI.\"")
            .System("s2", "s1", "away_summary", ",\"content\":\"Goal: fix the flaky test. Done: retry added. Next: merge.\"")
            .Raw($"{{\"type\":\"tag\",\"sessionId\":\"{session}\",\"tag\":\"ci\"}}")
            .Raw($"{{\"type\":\"content-replacement\",\"sessionId\":\"{session}\",\"replacements\":[]}}")
            .Raw($"{{\"type\":\"file-history-delta\",\"sessionId\":\"{session}\"}}")
            .Raw($"{{\"type\":\"artifact-created\",\"sessionId\":\"{session}\"}}")
            .Text("a1", "s2", "msg_01A", "Merged.");

        var record = Record(lines);

        Assert.Equal("user:Prompt assistant:Response", Roles(record));
        Assert.Equal("Goal: fix the flaky test. Done: retry added. Next: merge.", record.SourceMeta["away_summary"]);
        Assert.False(record.SourceMeta.ContainsKey("unknown_record_types"));
    }
}
