using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Amp;

/// <summary>
/// One thread file: {v (a count of the changes made to it), id (T-&lt;uuid&gt;), created (Unix milliseconds), title?,
/// agentMode?, nextMessageId, env {initial {trees [{displayName, uri, repository {type, url, ref, sha}}], platform {os,
/// client, clientVersion}}}, messages [...], relationships? [{threadID, type, role}], usageLedger? {events [...]}}.
/// Amp rewrites the file whole at every change while it runs, so it is read once, and a file caught half-written is
/// reported (the document ends early) rather than read in part.
/// </summary>
internal static class AmpThread
{
    public const string SourceKind = "amp";

    public static ReadResult Read(TraceSource source, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var diagnostics = new DiagnosticList(source.Path);
        return ConversationDocument.Read(source, diagnostics, "messages", "the thread file has no messages array; no record.", (root, messages, lineOf) =>
        {
            var conversation = AmpConversation.Read(messages, lineOf, diagnostics, cancellation);
            if (conversation.Messages.Count == 0)
            {
                if (messages.Length == 0 || diagnostics.ErrorCount == 0)
                {
                    return new ReadResult(source, null, messages.Length == 0 ? "the thread has no messages yet" : "the thread holds nothing to show yet", diagnostics.Items);
                }
                diagnostics.NoRecord("no message of the thread could be read; no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            // Amp names a thread's file after its id; a copy may be renamed, its id stays inside.
            var id = root.GetStringOrNull("id") is { Length: > 0 } stated ? stated : Path.GetFileNameWithoutExtension(source.Path);
            return new ReadResult(source, Record(source, id, root, conversation), null, diagnostics.Items);
        });
    }

    private static RolloutRecord Record(TraceSource source, string id, JsonElement root, AmpConversation conversation)
    {
        var messages = conversation.Messages;
        var initial = root.GetPropertyOrDefault("env").GetPropertyOrDefault("initial");
        var trees = initial.GetPropertyOrDefault("trees") is { ValueKind: JsonValueKind.Array } t ? t.EnumerateArray().ToArray() : Array.Empty<JsonElement>();
        var tree = trees.FirstOrDefault();
        var uri = tree.GetStringOrNull("uri");
        var cwd = FileUris.ToPath(uri);
        var repository = tree.GetPropertyOrDefault("repository");
        var platform = initial.GetPropertyOrDefault("platform");
        var relations = Relations.Of(root.GetPropertyOrDefault("relationships"));
        var ledger = root.GetPropertyOrDefault("usageLedger").GetPropertyOrDefault("events");
        var times = messages.Select(m => m.Timestamp).OfType<DateTimeOffset>().ToArray();
        var created = root.GetPropertyOrDefault("created") is { ValueKind: JsonValueKind.Number } c && c.TryGetInt64(out var ms) ? UnixTime.FromSecondsOrMilliseconds(ms) : null;
        var firstPrompt = messages.FirstOrDefault(m => m.Kind == MessageKind.Prompt && m.Text.Length > 0)?.Text;
        var last = root.GetPropertyOrDefault("messages").EnumerateArray().LastOrDefault();

        var meta = new SourceMeta.Builder()
            .Add("thread_id", id)
            .Add("agent", "amp")
            .Add("agent_mode", root.GetStringOrNull("agentMode"))
            .Add("thread_version", root.GetInt64OrZero("v"))
            .Add("client", platform.GetStringOrNull("client"))
            .Add("client_version", platform.GetStringOrNull("clientVersion"))
            .Add("os", platform.GetStringOrNull("os"))
            .Add("workspace_uri", cwd is null ? uri : null)
            .Add("workspace_trees", trees.Select(w => w.GetStringOrNull("displayName") ?? w.GetStringOrNull("uri")).OfType<string>())
            .Add("repository_url", repository.GetStringOrNull("url"))
            .Add("repository_sha", repository.GetStringOrNull("sha"))
            .Add("parent_thread_id", relations.Parent)
            .Add("parent_relationship", relations.ParentType)
            .Add("child_thread_ids", relations.Children)
            .Add("related_thread_ids", relations.Others)
            .Add("summary_thread_ids", conversation.SummaryThreads)
            .Add("from_thread_ids", conversation.FromThreads)
            .Add("agent_messages", conversation.AgentMessages)
            .Add("hidden_context_messages", conversation.HiddenContext)
            .Add("last_state", last.GetPropertyOrDefault("state").GetStringOrNull("type"))
            .Add("response_states", conversation.ResponseStates)
            .Add("tool_run_statuses", conversation.RunStatuses)
            .Add("compaction_summaries", conversation.CompactionSummaries)
            .Add("shell_commands", conversation.ShellCommands)
            .Add("server_tool_uses", conversation.ServerToolUses)
            .Add("subagent_messages", conversation.SubagentMessages)
            .Add("redacted_reasoning", conversation.RedactedThinking)
            .Add("orphan_tool_results", conversation.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", conversation.Builder.UnansweredToolCalls)
            .Add("unknown_blocks", conversation.UnknownBlocks)
            .Add("unknown_roles", conversation.UnknownRoles)
            .Add("skipped_messages", conversation.SkippedMessages)
            .Add("stated_credits", (double)conversation.Credits)
            .Add("ledger_events", ledger.ValueKind == JsonValueKind.Array ? ledger.GetArrayLength() : 0)
            .Build();

        return new RolloutRecord
        {
            TraceId = id,
            Format = RolloutFormat.Amp,
            SourceKind = SourceKind,
            SourcePath = source.Path,
            RootSessionId = id,
            Cwd = cwd,
            ProjectPath = cwd,
            GitBranch = Branch(repository.GetStringOrNull("ref")),
            StartedAt = created ?? (times.Length > 0 ? times.Min() : null),
            EndedAt = times.Length > 0 ? times.Max() : null,
            Title = Titles.Clean(root.GetStringOrNull("title") is { Length: > 0 } title ? title : firstPrompt),
            Models = conversation.Builder.Models,
            Messages = messages,
            SourceMeta = meta,
            Usage = conversation.Builder.Usage,
            UnlistedResponses = conversation.Builder.Unlisted,
        };
    }

    /// <summary>A repository's ref as a branch: refs/heads/main is main; a tag or a bare commit is none.</summary>
    private static string? Branch(string? reference) => reference switch
    {
        null or "" => null,
        _ when reference.StartsWith("refs/heads/", StringComparison.Ordinal) => reference["refs/heads/".Length..],
        _ when reference.StartsWith("refs/", StringComparison.Ordinal) => null,
        _ => reference,
    };

    /// <summary>
    /// The threads a thread is tied to (relationships: [{threadID, type, role}]): the one it was made from, a handoff's
    /// or a fork's parent (this thread's role is child), those made from it (its role is parent), and any other tie.
    /// </summary>
    private sealed record Relations(string? Parent, string? ParentType, IReadOnlyList<string> Children, IReadOnlyList<string> Others)
    {
        public static Relations Of(JsonElement relationships)
        {
            string? parent = null, parentType = null;
            var children = new List<string>();
            var others = new List<string>();
            if (relationships.ValueKind == JsonValueKind.Array)
            {
                foreach (var relation in relationships.EnumerateArray())
                {
                    if (relation.GetIdOrNull("threadID") is not { } thread) continue;
                    switch (relation.GetStringOrNull("role"))
                    {
                        case "child" when parent is null:
                            parent = thread;
                            parentType = relation.GetStringOrNull("type");
                            break;
                        case "parent":
                            children.Add(thread);
                            break;
                        default:
                            others.Add(thread);
                            break;
                    }
                }
            }
            return new Relations(parent, parentType, children, others);
        }
    }
}
