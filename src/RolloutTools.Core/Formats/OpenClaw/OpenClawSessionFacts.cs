using System.Globalization;
using RolloutTools.Core.Formats.Pi;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.OpenClaw;

/// <summary>
/// What OpenClaw's store says of a session file beyond its lines: the agent whose folder holds it, its forum
/// topic and archive from its name, and from sessions.json the conversation (who and where) and, for the key's
/// current session, OpenClaw's own totals. The people in a conversation stay in SourceMeta (origin_from,
/// display_name), never in the messages.
/// </summary>
internal static class OpenClawSessionFacts
{
    public const string SourceKind = "openclaw";

    /// <summary>How far a chain of spawnedBy keys is followed to its top; OpenClaw's own limit on depth is far lower.</summary>
    private const int MaxSpawnDepth = 16;

    public static PiRecordTarget Target(TraceSource source, Func<string, Sidecar<OpenClawIndex>> indexIn, DiagnosticList diagnostics)
    {
        var plain = new PiRecordTarget(RolloutFormat.OpenClaw, SourceKind) { PromptTitle = OpenClawEnvelope.Body };
        if (!source.IsFile || OpenClawHome.ParseName(source.Path) is not { } name) return plain;
        var folder = Path.GetDirectoryName(Path.GetFullPath(source.Path))!;
        var index = indexIn(folder).Use(diagnostics);
        var fileName = Path.GetFileName(source.Path);
        // An archived file's session is no longer its key's current one: only the conversation it had still applies.
        var current = name.ArchiveReason is null ? index?.Current(fileName, name.SessionId) : null;
        var conversation = current?.Conversation ?? index?.Owner(name.SessionId)?.Conversation;
        var parent = conversation?.SpawnedBy is { } parentKey ? index?.ByKey(parentKey) : null;
        return plain with
        {
            AddMeta = meta => Add(meta, OpenClawHome.AgentIdOf(folder), name, index is not null, conversation, current, parent),
            IsSidechain = conversation?.SpawnedBy is not null,
            RootSessionId = parent is null ? null : Top(parent, index!).SessionId,
            Title = current?.Label,
        };
    }

    /// <summary>
    /// A session of the database: its agent from the database's place (agents/&lt;id&gt;/agent/), and from session_nodes
    /// what sessions.json gives a file. A window that is no longer its key's current session keeps the key's
    /// conversation and none of its totals, as a reset archive does.
    /// </summary>
    public static PiRecordTarget Target(string databasePath, OpenClawWindowRow window, OpenClawIndex index)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        var agentId = Path.GetFileName(folder) == "agent" ? OpenClawHome.AgentIdOf(folder) : null;
        var current = index.Current(string.Empty, window.Id);
        var conversation = current?.Conversation ?? (window.SessionKey is { } key ? index.ByKey(key)?.Conversation : null) ?? index.Owner(window.Id)?.Conversation;
        var parent = conversation?.SpawnedBy is { } parentKey ? index.ByKey(parentKey) : null;
        return new PiRecordTarget(RolloutFormat.OpenClaw, SourceKind)
        {
            PromptTitle = OpenClawEnvelope.Body,
            AddMeta = meta => Add(meta, agentId, new OpenClawFileName(window.Id, null, null, null), true, conversation, current, parent),
            IsSidechain = conversation?.SpawnedBy is not null,
            RootSessionId = parent is null ? null : Top(parent, index).SessionId,
            Title = current?.Label,
        };
    }

    private static void Add(
        SourceMeta.Builder meta, string? agentId, OpenClawFileName name, bool indexed,
        OpenClawConversation? conversation, OpenClawIndexEntry? current, OpenClawIndexEntry? parent)
    {
        meta.Add("agent_id", agentId)
            .Add("topic_id", name.TopicId)
            .Add("archived", name.ArchiveReason)
            .Add("archived_at", name.ArchivedAt?.ToString("O", CultureInfo.InvariantCulture))
            .Add("indexed", indexed && conversation is not null)
            .Add("session_key", conversation?.Key)
            .Add("channel", conversation?.Channel)
            .Add("chat_type", conversation?.ChatType)
            .Add("display_name", conversation?.DisplayName)
            .Add("subject", conversation?.Subject)
            .Add("group_id", conversation?.GroupId)
            .Add("origin_label", conversation?.OriginLabel)
            .Add("origin_provider", conversation?.OriginProvider)
            .Add("origin_surface", conversation?.OriginSurface)
            .Add("origin_from", conversation?.OriginFrom)
            .Add("origin_to", conversation?.OriginTo)
            .Add("account_id", conversation?.AccountId)
            .Add("thread_id", conversation?.ThreadId)
            .Add("spawned_by", conversation?.SpawnedBy)
            .Add("spawned_by_session_id", parent?.SessionId)
            .Add("spawn_depth", conversation?.SpawnDepth ?? 0)
            .Add("run_status", current?.Status)
            .Add("index_model", Qualified(current?.ModelProvider, current?.Model))
            .Add("index_input_tokens", current?.InputTokens ?? 0)
            .Add("index_output_tokens", current?.OutputTokens ?? 0)
            .Add("index_cost_usd", Math.Round(current?.EstimatedCostUsd ?? 0, 6))
            .Add("index_compactions", current?.CompactionCount ?? 0);
    }

    /// <summary>The session at the top of a chain of spawns, as far as this agent's index knows it.</summary>
    private static OpenClawIndexEntry Top(OpenClawIndexEntry entry, OpenClawIndex index)
    {
        for (var depth = 0; depth < MaxSpawnDepth && entry.Conversation.SpawnedBy is { } key && index.ByKey(key) is { } up; depth++) entry = up;
        return entry;
    }

    private static string? Qualified(string? provider, string? model) =>
        string.IsNullOrEmpty(model) ? null : string.IsNullOrEmpty(provider) ? model : $"{provider}/{model}";
}
