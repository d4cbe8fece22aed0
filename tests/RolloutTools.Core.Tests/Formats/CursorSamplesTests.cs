using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.Cursor;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

[Collection(nameof(EnvironmentVariables))]
public sealed class CursorSamplesTests
{
    private const string Shop = "7c1e4a92-3b5d-4f60-8a2e-91d4c6b0f3a7";
    private const string Tests = "2f8b6d13-9a4c-4e71-b5d0-6c3a8e2f1b94";
    private const string Notes = "b4e09f7d-2c61-48a3-9d5e-0a7f3c1e8b26";

    private static readonly Lazy<(IReadOnlyList<SessionReference> Sessions, IReadOnlyList<ReadResult> Results)> Samples = new(ReadSamples);

    private static (IReadOnlyList<SessionReference>, IReadOnlyList<ReadResult>) ReadSamples()
    {
        var previous = Environment.GetEnvironmentVariable(CursorReader.HomeVariable);
        Environment.SetEnvironmentVariable(CursorReader.HomeVariable, SampleFolder.Root("cursor"));
        try
        {
            var reader = new CursorReader();
            var sessions = SessionLocator.InDefaultLocations(reader, new TraceSearch()).Sessions;
            return (sessions, SampleFolder.Read(reader, sessions.Select(s => s.Source.Path).ToArray()));
        }
        finally
        {
            Environment.SetEnvironmentVariable(CursorReader.HomeVariable, previous);
        }
    }

    private static RolloutRecord Record(string traceId) => SampleFolder.Record(Samples.Value.Results, traceId);

    private static string Chat(string hash, string id, string file) => SampleFolder.Root("cursor", "chats", hash, id, file);

    [Fact]
    public void Every_transcript_is_located_with_its_chat_store_and_read_without_errors()
    {
        var (sessions, results) = Samples.Value;
        Assert.DoesNotContain(results, r => r.Diagnostics.Count > 0);
        Assert.Equal(new[] { Notes, Shop, $"{Shop}:{Tests}" }, results.Select(r => r.Record!.TraceId));
        Assert.All(results.Select(r => r.Record!), r =>
        {
            Assert.Equal(RolloutFormat.Cursor, r.Format);
            Assert.Equal("cursor", r.SourceKind);
            Assert.All(r.Messages, m => Assert.Null(m.Timestamp));
            Assert.Equal(new TokenUsage(0, 0, 0, 0), SampleFolder.Tokens(r));
        });
        SampleFolder.AssertToolMessagesAnswerCalls(results.Select(r => r.Record!));

        // Each transcript depends on its chat store's files, so -Since sees the store's writes.
        var shop = sessions.Single(s => s.Ids?.TraceId == Shop);
        var shopChat = Chat("73e7a45e6b3d47017bc8e7087a676c63", Shop, "store.db");
        Assert.Equal(new[] { shopChat, shopChat + "-wal", Chat("73e7a45e6b3d47017bc8e7087a676c63", Shop, "meta.json") }, shop.DependsOn);
        Assert.Null(shop.LastActivity);
        var notes = sessions.Single(s => s.Ids?.TraceId == Notes);
        Assert.Equal(3, notes.DependsOn.Count);
        Assert.True(notes.LastActivity >= DateTimeOffset.Parse("2026-06-09T11:18:15.5Z"));
        var subagent = sessions.Single(s => s.Ids?.AgentId == Tests);
        Assert.Equal($"{Shop}:{Tests}", subagent.Ids!.TraceId);
        Assert.Empty(subagent.DependsOn);
    }

    [Fact]
    public void Current_transcript_takes_title_model_and_start_from_store_db_and_keeps_calls_without_results()
    {
        var shop = Record(Shop);

        Assert.Equal("Prompt Response Response Response Response Prompt Response Response", SampleFolder.Kinds(shop));
        Assert.Equal("Cart total ignores discounts", shop.Title);
        Assert.Equal(new[] { "claude-4.5-sonnet" }, shop.Models);
        Assert.Equal(DateTimeOffset.Parse("2026-06-24T11:30:05.123Z"), shop.StartedAt);
        Assert.Null(shop.EndedAt);
        Assert.Null(shop.Cwd);
        Assert.Equal(Shop, shop.RootSessionId);
        Assert.Null(shop.AgentId);
        Assert.False(shop.IsSidechain);

        // The <user_query> tags are Cursor's wrapping of what the person typed.
        Assert.Equal("The cart total ignores discount codes. Find where it is computed and fix it.", shop.Messages[0].Text);
        Assert.Equal("Also run the linter.", shop.Messages[5].Text);

        // Calls have no ids in the transcript: each gets one made from its line and block.
        Assert.Equal(new ToolCall("cursor-2-2", "Grep", "{\"pattern\":\"function cartTotal\",\"path\":\"src/cart\"}"), shop.Messages[1].ToolCalls.Single());
        Assert.Equal("I will find where the cart total is computed.", shop.Messages[1].Text);
        Assert.Equal(new[] { "StrReplace", "Task" }, shop.Messages[3].ToolCalls.Select(c => c.Name));
        Assert.Equal(new[] { "cursor-4-2", "cursor-4-3" }, shop.Messages[3].ToolCalls.Select(c => c.Id));
        Assert.DoesNotContain(shop.Messages, m => m.Role == MessageRole.Tool);

        var meta = shop.SourceMeta;
        Assert.Equal(Shop, meta["session_id"]);
        Assert.Equal("home-dev-shop-api", meta["project_slug"]);
        Assert.Equal("73e7a45e6b3d47017bc8e7087a676c63", meta["workspace_hash"]);
        Assert.Equal("store.db", meta["title_source"]);
        Assert.Equal("default", meta["mode"]);
        Assert.Equal("claude-4.5-sonnet", meta["last_used_model"]);
        Assert.Equal(new[] { "0" }, (IEnumerable<string>)meta["store_meta_keys"]);
        Assert.Equal(new[] { "agentId", "name", "mode", "createdAt", "lastUsedModel", "latestRootBlobId" }, (IEnumerable<string>)meta["store_metadata_fields"]);
        Assert.Equal(1L, meta["store_blobs_unread"]);
        Assert.Equal(2L, meta["turns_ended"]);
        Assert.Equal(2L, ((IReadOnlyDictionary<string, long>)meta["turn_statuses"])["success"]);
        Assert.Equal(2L, meta["user_queries"]);
        Assert.Equal(5L, meta["tool_call_ids_made"]);
        Assert.Equal(5L, meta["unanswered_tool_calls"]);
        Assert.False(meta.ContainsKey("tool_results_paired_by_order"));
    }

    [Fact]
    public void Older_transcript_pairs_results_by_id_then_by_order_and_takes_cwd_and_times_from_meta_json()
    {
        var notes = Record(Notes);

        Assert.Equal("Prompt Response ToolResult Response ToolResult ToolResult Response", SampleFolder.Kinds(notes));
        Assert.Equal("Newest notes first", notes.Title);
        Assert.Empty(notes.Models);
        Assert.Equal("/home/dev/notes-cli", notes.Cwd);
        Assert.Equal("/home/dev/notes-cli", notes.ProjectPath);
        Assert.Equal(DateTimeOffset.Parse("2026-06-09T11:15:10Z"), notes.StartedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-06-09T11:18:15.5Z"), notes.EndedAt);

        var first = notes.Messages[1];
        Assert.Equal("The list command probably sorts by creation time ascending. Read the command first.", first.ReasoningContent);
        Assert.Equal(new ToolCall("tool_7f3a", "Read", "{\"path\":\"cmd/list.go\"}"), first.ToolCalls.Single());
        Assert.Equal("tool_7f3a", notes.Messages[2].ToolCallId);
        Assert.Equal("Read", notes.Messages[2].ToolName);
        Assert.StartsWith("sort.Slice(notes", notes.Messages[2].Text, StringComparison.Ordinal);
        Assert.Equal(new[] { "cursor-4-2", "cursor-4-3" }, notes.Messages.Skip(4).Take(2).Select(m => m.ToolCallId));
        Assert.Equal(new[] { "StrReplace", "Shell" }, notes.Messages.Skip(4).Take(2).Select(m => m.ToolName));
        Assert.Equal("ok  \tnotes/cmd\t0.412s", notes.Messages[5].Text);

        var meta = notes.SourceMeta;
        Assert.Equal("meta.json", meta["title_source"]);
        Assert.Equal("default", meta["last_used_model"]);
        Assert.Equal(1L, meta["tool_results_paired_by_id"]);
        Assert.Equal(2L, meta["tool_results_paired_by_order"]);
        Assert.Equal(2L, meta["tool_call_ids_made"]);
        Assert.False(meta.ContainsKey("unanswered_tool_calls"));
        Assert.False(meta.ContainsKey("turns_ended"));
    }

    [Fact]
    public void Subagent_is_its_own_record_linked_to_its_parent()
    {
        var subagent = Record($"{Shop}:{Tests}");

        Assert.Equal("AgentMessage Response Response", SampleFolder.Kinds(subagent));
        Assert.Equal(Shop, subagent.RootSessionId);
        Assert.Equal(Tests, subagent.AgentId);
        Assert.True(subagent.IsSidechain);
        Assert.Equal("Run the discount tests in src/cart and report any failures.", subagent.Title);
        Assert.Equal("All 12 discount tests pass.", subagent.FinalAssistantMessage);
        Assert.Null(subagent.StartedAt);
        Assert.Equal(Shop, subagent.SourceMeta["session_id"]);
        Assert.False(subagent.SourceMeta.ContainsKey("chat_folder"));
    }
}
