using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.CopilotChat;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>
/// samples/copilot-chat/Code is a VS Code user data dir: one workspace's storage holds a session as a document (.json)
/// and one as a change log (.jsonl), and emptyWindowChatSessions one of a window without a folder
/// (samples/copilot-chat/make-samples.py says what each shows), read from the default locations with VSCODE_APPDATA at samples/copilot-chat.
/// </summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class CopilotChatSamplesTests
{
    private const string Document = "3f8a1c2e-7b4d-4e6a-9c1f-2d5e8b7a4c30";
    private const string Log = "6d2b9e4f-1a7c-4f3e-8b5d-0c9a2e4f6b18";
    private const string EmptyWindow = "0e7c5a3b-9d1f-4b2e-8c6a-4f1e3d5b7a92";

    private static readonly Lazy<(IReadOnlyList<string> Files, IReadOnlyList<ReadResult> Results)> Run = new(() =>
    {
        var variables = new[] { VsCodeUserData.AppDataVariable, VsCodeUserData.PortableVariable };
        var previous = variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        Environment.SetEnvironmentVariable(VsCodeUserData.AppDataVariable, SampleFolder.Root("copilot-chat"));
        Environment.SetEnvironmentVariable(VsCodeUserData.PortableVariable, null);
        try
        {
            var reader = new CopilotChatReader();
            var files = SessionLocator.InDefaultLocations(reader, new TraceSearch()).Sessions.Select(s => s.Source.Path).ToArray();
            return (files, SampleFolder.Read(reader, files));
        }
        finally
        {
            foreach (var (variable, value) in previous) Environment.SetEnvironmentVariable(variable, value);
        }
    });

    private static RolloutRecord Record(string id) => SampleFolder.Record(Run.Value.Results, id);

    [Fact]
    public void The_default_locations_give_the_workspace_sessions_and_the_empty_windows_and_leave_workspace_json_alone()
    {
        Assert.Equal(new[] { Document, Log, EmptyWindow }, Run.Value.Files.Select(Path.GetFileNameWithoutExtension));
        Assert.Empty(Run.Value.Results.SelectMany(r => r.Diagnostics));
        Assert.All(Run.Value.Results, r => Assert.Equal("copilot_chat", r.Record!.SourceKind));
    }

    [Fact]
    public void The_tool_loop_copilot_kept_is_the_conversation_with_each_call_answered()
    {
        var record = Record(Document);
        Assert.Equal("Dry-run flag for sync", record.Title);
        Assert.Equal("/home/dev/ledger-sync", record.Cwd);
        Assert.Equal("Context Prompt Response ToolResult Response ToolResult Response Context Prompt Response ToolResult Response Prompt Response", SampleFolder.Kinds(record));
        Assert.Equal("Attached: file:sync.ts", record.Messages[0].Text);
        Assert.Equal("Add a --dry-run flag to the sync command", record.Messages[1].Text);

        var first = record.Messages[2];
        Assert.Equal("The flag has to stop the writes but keep the report.", first.ReasoningContent);
        Assert.Equal("I'll look at the command first.", first.Text);
        var read = Assert.Single(first.ToolCalls);
        Assert.Equal(("toolu_01Read", "read_file"), (read.Id, read.Name));
        Assert.Contains("\"startLine\":1", read.Arguments);
        Assert.Equal("copilot/claude-sonnet-4", first.Model);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1760003002300), first.Timestamp);
        Assert.StartsWith("export async function sync(", record.Messages[3].Text);

        // A prompt-tsx result: the text of its leaves.
        Assert.Equal(("toolu_02Edit", "replace_string_in_file"), (record.Messages[5].ToolCallId, record.Messages[5].ToolName));
        Assert.Equal("The following files were successfully edited:\n/home/dev/ledger-sync/src/sync.ts", record.Messages[5].Text);
        Assert.Equal("Added `--dry-run`: `sync` now builds the report and returns before any write.", record.Messages[6].Text);
        Assert.Equal(new[] { "/home/dev/ledger-sync/src/sync.ts" }, (IEnumerable<string>)record.SourceMeta["edited_files"]!);
        Assert.Equal(1L, record.SourceMeta["requests_with_tool_loop"]);
        Assert.Equal(0L, record.TotalTokens);
    }

    [Fact]
    public void Without_a_tool_loop_the_response_parts_are_read_with_the_inline_reference_in_its_sentence()
    {
        var record = Record(Document);
        Assert.Equal("Attached: config.ts, selection", record.Messages[7].Text);
        var searching = record.Messages[9];
        Assert.Equal("copilot/gpt-4.1", searching.Model);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1760003064100), searching.Timestamp);
        var search = Assert.Single(searching.ToolCalls);
        Assert.Equal(("2c4e6a8b-0d1f-4e3a-9b5c-7d9e1f3a5b7c", "copilot_findTextInFiles", "{\"query\":\"loadConfig\",\"isRegexp\":false}"), (search.Id, search.Name, search.Arguments));
        Assert.StartsWith("src/cli.ts:14: const config", record.Messages[10].Text);
        Assert.Equal("Because cli.ts reads `--config` from the flags to know which file to load, so the flags come first.", record.Messages[11].Text);
        Assert.Equal(new Dictionary<string, long> { ["codeblockUri"] = 1, ["progressMessage"] = 2, ["textEditGroup"] = 1, ["undoStop"] = 1 }, record.SourceMeta["shown_parts"]);
    }

    [Fact]
    public void A_cancelled_request_keeps_what_was_streamed_and_is_counted()
    {
        var record = Record(Document);
        Assert.Equal("Now run the tests", record.Messages[12].Text);
        Assert.Equal("I'll run the test suite with", record.Messages[13].Text);
        Assert.Equal(1L, record.SourceMeta["cancelled_requests"]);
        Assert.Equal(new[] { "copilot/claude-sonnet-4", "copilot/gpt-4.1" }, record.Models);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1760002995000), record.StartedAt);
    }

    [Fact]
    public void The_log_form_replays_to_the_session_it_ends_with()
    {
        var record = Record(Log);
        Assert.Equal("Rename parseRow", record.Title);
        Assert.Equal("/home/dev/ledger-sync", record.Cwd);
        Assert.Equal("Prompt Response ToolResult Response Prompt Synthetic", SampleFolder.Kinds(record));
        Assert.Equal("Find every caller before renaming.", record.Messages[1].ReasoningContent);
        Assert.Equal(("call_Lk3", "grep_search"), (record.Messages[1].ToolCalls[0].Id, record.Messages[1].ToolCalls[0].Name));
        Assert.Equal("src/parse.ts:8\nsrc/import.ts:21\ntest/parse.test.ts:5", record.Messages[2].Text);
        Assert.Equal("Renamed `parseRow` in 3 files.", record.Messages[3].Text);
        Assert.Equal("Sorry, you have been rate-limited. Please wait a moment before trying again.", record.Messages[5].Text);
        Assert.Null(record.Messages[5].Model);
        Assert.Equal(1L, record.SourceMeta["failed_requests"]);
        Assert.Equal("log", record.SourceMeta["file_form"]);
    }

    [Fact]
    public void An_empty_windows_session_has_no_working_directory()
    {
        var record = Record(EmptyWindow);
        Assert.Equal("Prompt Response", SampleFolder.Kinds(record));
        Assert.Null(record.Cwd);
        Assert.Null(record.Messages[1].Model);
        Assert.Equal("What does git rebase --onto do?", record.Title);
        Assert.Equal(true, record.SourceMeta["empty_window"]);
    }
}
