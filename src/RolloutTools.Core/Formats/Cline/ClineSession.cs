using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Cline;

/// <summary>
/// A session of the Cline SDK (@cline/core, sdk/packages/core in github.com/cline/cline), which the Cline CLI 3
/// and the SDK build of the VS Code extension (4.1 on) run. Each session has a folder in the session data dir,
/// sessions/&lt;session id&gt;/ (services/session-artifacts.ts): &lt;id&gt;.json, the manifest (session-manifest.ts:
/// source, status, times, provider, model, cwd, metadata.title), and &lt;id&gt;.messages.json, rewritten whole after
/// each turn ({version, updated_at, agent, sessionId, origin, messages, system_prompt}; services/session-data.ts).
/// A subagent's messages are &lt;agent id&gt;.messages.json in its root session's folder, a team task's
/// &lt;agent id&gt;__&lt;task id&gt;.messages.json; neither has a manifest. &lt;id&gt;.compaction.json is the compacted view
/// the model is sent, derived from the messages, which stay whole (#10651): it is not read.
/// </summary>
public static class ClineSession
{
    public const string MessagesSuffix = ".messages.json";
    private const string CompactionSuffix = ".compaction.json";

    /// <summary>The files the file-backed session store keeps beside the session folders (file-session-service.ts).</summary>
    private static readonly string[] StoreFiles = { "sessions.index.json", "subagent-spawn-queue.json" };

    public static bool IsMessagesFile(string path) => Path.GetFileName(path).EndsWith(MessagesSuffix, StringComparison.OrdinalIgnoreCase)
        && Path.GetFileName(path).Length > MessagesSuffix.Length;

    /// <summary>A session data dir: it holds a folder named as a session that holds that session's messages.</summary>
    public static bool IsSessionsFolder(string folder) => AgentStore.HasFolder(folder, name => File.Exists(Path.Combine(folder, name, name + MessagesSuffix)));

    /// <summary>The manifest and compaction state in a session's folder, and the store's index files beside the folders.</summary>
    public static bool IsSidecarFile(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full);
        if (folder is null) return false;
        var name = Path.GetFileName(full);
        var id = Path.GetFileName(folder);
        if (StoreFiles.Contains(name, StringComparer.OrdinalIgnoreCase)) return IsSessionsFolder(folder);
        return (name.Equals(id + ".json", StringComparison.OrdinalIgnoreCase) || name.Equals(id + CompactionSuffix, StringComparison.OrdinalIgnoreCase))
            && File.Exists(Path.Combine(folder, id + MessagesSuffix));
    }

    /// <summary>
    /// The ids a messages file's name and folder give (session-graph.ts): the root's own file is named by the
    /// folder; a subagent's session is &lt;root&gt;__&lt;agent&gt;, a team task's &lt;root&gt;__teamtask__&lt;agent&gt;__&lt;task&gt;.
    /// Only for a path <see cref="IsMessagesFile"/> accepts.
    /// </summary>
    public static (string RootId, string SessionId, string? AgentId) Ids(string path)
    {
        var stem = Path.GetFileName(path)[..^MessagesSuffix.Length];
        var root = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) is { Length: > 0 } folder ? folder : stem;
        if (stem.Equals(root, StringComparison.Ordinal)) return (root, root, null);
        var separator = stem.LastIndexOf("__", StringComparison.Ordinal);
        return separator > 0 ? (root, $"{root}__teamtask__{stem}", stem[..separator]) : (root, $"{root}__{stem}", stem);
    }

    public static SessionReference Reference(string path, IRolloutReader reader)
    {
        var (root, session, agent) = Ids(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var beside = new[] { Path.Combine(folder, root + ".json") }.Where(File.Exists).ToArray();
        return SessionReference.OfFile(path, reader, new NamedIds(session, agent)) with { DependsOn = beside };
    }

    public static ReadResult Read(TraceSource source, string sourceKind, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var diagnostics = new DiagnosticList(source.Path);
        return ConversationDocument.Read(source, diagnostics, "messages", "the session file has no messages array; no record.", (root, messages, lineOf) =>
        {
            var conversation = ClineSessionConversation.Read(messages, root.GetStringOrNull("system_prompt"), lineOf, diagnostics, cancellation);
            if (conversation.Count == 0)
            {
                diagnostics.NoRecord(messages.Length == 0 ? "the session has no messages yet; no record." : "no message of the session could be read; no record.");
                return new ReadResult(source, null, null, diagnostics.Items);
            }
            var origin = root.GetPropertyOrDefault("origin");
            var sessionId = root.GetStringOrNull("sessionId");
            // Text under another name (piped) says who it is itself: its session, the parent and the subagent's id.
            var (rootId, named, agent) = IsMessagesFile(source.Path) ? Ids(source.Path)
                : (origin.GetStringOrNull("parentThreadId") ?? sessionId ?? Path.GetFileNameWithoutExtension(source.Path), sessionId ?? Path.GetFileNameWithoutExtension(source.Path), origin.GetStringOrNull("subagent"));
            var folder = source.IsFile ? Path.GetDirectoryName(Path.GetFullPath(source.Path)) : null;
            var manifest = folder is null ? null : SidecarFile.LoadDocument(Path.Combine(folder, rootId + ".json"), Manifest.Read).Use(diagnostics);
            var file = new FileFacts(
                sessionId ?? named,
                root.GetStringOrNull("agent"),
                origin.GetStringOrNull("source"),
                origin.GetStringOrNull("parentThreadId"),
                root.GetTimestamp("updated_at"));
            return new ReadResult(source, Record(source, sourceKind, rootId, agent, file, conversation, manifest, diagnostics), null, diagnostics.Items);
        });
    }

    /// <summary>What the messages file says of itself besides its messages.</summary>
    private sealed record FileFacts(string SessionId, string? Agent, string? Source, string? ParentId, DateTimeOffset? UpdatedAt);

    private static RolloutRecord Record(TraceSource source, string sourceKind, string rootId, string? agentId, FileFacts file, ClineSessionConversation conversation,
        Manifest? manifest, DiagnosticList diagnostics)
    {
        var built = conversation.Messages;
        var isRoot = agentId is null;
        // The manifest is the root session's: its times, status and title are not a subagent's, its workspace is.
        var own = isRoot ? manifest : null;
        var times = built.Select(m => m.Timestamp).OfType<DateTimeOffset>().ToArray();
        var models = conversation.Builder.Models
            .Concat(own?.Model is { } model ? new[] { model } : Array.Empty<string>())
            .Distinct(StringComparer.Ordinal).ToArray();
        var statedCost = built.Where(m => m.CostUsd is not null).Sum(m => m.CostUsd!.Value)
            + conversation.Builder.Unlisted.Where(u => u.CostUsd is not null).Sum(u => u.CostUsd!.Value);
        var firstPrompt = built.FirstOrDefault(m => m.Kind == MessageKind.Prompt && m.Text.Length > 0)?.Text;
        var modes = conversation.Modes.Concat(own?.Mode is { } mode ? new[] { mode } : Array.Empty<string>()).Distinct(StringComparer.Ordinal);

        var meta = new SourceMeta.Builder()
            .Add("session_id", file.SessionId)
            .Add("agent", "cline")
            .Add("store", "sessions")
            .Add("session_agent", file.Agent)
            .Add("session_source", own?.Source ?? file.Source)
            .Add("status", own?.Status)
            .Add("exit_code", own?.ExitCode is { } exit ? exit.ToString(System.Globalization.CultureInfo.InvariantCulture) : null)
            .Add("provider", manifest?.Provider)
            .Add("parent_session_id", file.ParentId ?? (isRoot ? null : rootId))
            .Add("forked_from", own?.ForkedFrom)
            .Add("team_name", manifest?.TeamName)
            .Add("modes", modes)
            .Add("api_messages", conversation.Count)
            .Add("metered_responses", conversation.MeteredResponses)
            .Add("stated_cost_usd", statedCost > 0 ? (double)statedCost : 0)
            .Add("attached_files", conversation.AttachedFiles)
            .Add("compaction_summaries", conversation.CompactionSummaries)
            .Add("orphan_tool_results", conversation.Builder.OrphanToolResults)
            .Add("unanswered_tool_calls", conversation.Builder.UnansweredToolCalls)
            .Add("redacted_reasoning", conversation.RedactedReasoning)
            .Add("skipped_messages", diagnostics.ErrorCount)
            .Add("unknown_block_types", conversation.UnknownBlockTypes)
            .Build();

        var cwd = manifest?.Cwd;
        return new RolloutRecord
        {
            TraceId = file.SessionId,
            Format = RolloutFormat.Cline,
            SourceKind = sourceKind,
            SourcePath = source.Path,
            RootSessionId = rootId,
            AgentId = agentId,
            IsSidechain = !isRoot,
            Cwd = cwd,
            ProjectPath = manifest?.WorkspaceRoot ?? cwd,
            StartedAt = own?.StartedAt ?? (times.Length > 0 ? times.Min() : null),
            EndedAt = own?.EndedAt ?? (times.Length > 0 ? times.Max() : file.UpdatedAt),
            Title = Titles.Clean(own?.Title ?? firstPrompt),
            Models = models,
            Messages = built,
            SourceMeta = meta,
            Usage = conversation.Builder.Usage,
            UnlistedResponses = conversation.Builder.Unlisted,
        };
    }

    /// <summary>&lt;id&gt;.json, the session's manifest (SessionManifestSchema, version 1), rewritten as its status changes.</summary>
    public sealed record Manifest(string? Source, string? Status, int? ExitCode, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, string? Provider, string? Model,
        string? Cwd, string? WorkspaceRoot, string? TeamName, string? Title, string? Mode, string? ForkedFrom)
    {
        public static Manifest Read(JsonElement root)
        {
            Expect.Object(root, "the manifest");
            var metadata = root.GetPropertyOrDefault("metadata");
            return new Manifest(
                Expect.String(root, "source"),
                Expect.String(root, "status"),
                root.GetInt32OrNull("exit_code"),
                root.GetTimestamp("started_at"),
                root.GetTimestamp("ended_at"),
                Expect.String(root, "provider"),
                Expect.String(root, "model"),
                Expect.String(root, "cwd"),
                Expect.String(root, "workspace_root"),
                Expect.String(root, "team_name"),
                metadata.GetStringOrNull("title"),
                metadata.GetStringOrNull("mode"),
                metadata.GetPropertyOrDefault("fork").GetStringOrNull("forkedFromSessionId"));
        }
    }
}
