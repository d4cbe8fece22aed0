using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.OpenClaw;

/// <summary>
/// Who the conversation is with, as sessions.json names it: the session key (the conversation bucket, such as
/// agent:main:telegram:group:-100123), its channel and chat type, and where it came from (SessionOrigin: the
/// channel's label for the chat, the sender and recipient ids, the account and thread). What spawned it, for a
/// subagent's session. These describe the key, so they hold for every session the key has had.
/// </summary>
internal sealed record OpenClawConversation(
    string Key,
    string? Channel,
    string? ChatType,
    string? DisplayName,
    string? Subject,
    string? GroupId,
    string? OriginLabel,
    string? OriginProvider,
    string? OriginSurface,
    string? OriginFrom,
    string? OriginTo,
    string? AccountId,
    string? ThreadId,
    string? SpawnedBy,
    long SpawnDepth);

/// <summary>
/// One entry of sessions.json (SessionEntry, src/config/sessions/types.ts): the key's conversation, and the facts
/// of its current session (sessionId, and sessionFile when the transcript is named otherwise), with the running
/// totals OpenClaw keeps of it, best effort, as it says.
/// </summary>
internal sealed record OpenClawIndexEntry(
    OpenClawConversation Conversation,
    string SessionId,
    string? SessionFileName,
    IReadOnlyList<string> FamilySessionIds,
    string? Label,
    string? Status,
    string? ModelProvider,
    string? Model,
    long InputTokens,
    long OutputTokens,
    double EstimatedCostUsd,
    long CompactionCount);

/// <summary>
/// sessions.json: a JSON object from session key to SessionEntry, the store OpenClaw keeps beside each agent's
/// transcripts. A transcript is found in it by its file name (sessionFile) or its session id; an archived
/// transcript's session is no longer any key's current one, but the key lists it in usageFamilySessionIds.
/// </summary>
internal sealed class OpenClawIndex
{
    private readonly Dictionary<string, OpenClawIndexEntry> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenClawIndexEntry> _byFile = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenClawIndexEntry> _bySession = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenClawIndexEntry> _byFamilyMember = new(StringComparer.Ordinal);

    /// <summary>The entry whose current session the file holds.</summary>
    public OpenClawIndexEntry? Current(string fileName, string sessionId) =>
        _byFile.TryGetValue(fileName, out var byFile) ? byFile : _bySession.GetValueOrDefault(sessionId);

    /// <summary>The entry of the key a session belonged to before a reset: its current session, or one it lists as its own earlier.</summary>
    public OpenClawIndexEntry? Owner(string sessionId) => _bySession.GetValueOrDefault(sessionId) ?? _byFamilyMember.GetValueOrDefault(sessionId);

    public OpenClawIndexEntry? ByKey(string key) => _byKey.GetValueOrDefault(key);

    public static OpenClawIndex Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new SidecarShapeException("sessions.json is not an object of session keys");
        var index = new OpenClawIndex();
        foreach (var property in root.EnumerateObject())
        {
            // OpenClaw skips what it cannot use; so does this index (an entry without a session id names no transcript).
            if (property.Value.ValueKind != JsonValueKind.Object || property.Value.GetStringOrNull("sessionId") is not { Length: > 0 } sessionId) continue;
            var entry = Entry(property.Name, sessionId, property.Value);
            index._byKey[property.Name] = entry;
            if (entry.SessionFileName is { } file) index._byFile.TryAdd(file, entry);
            index._bySession.TryAdd(sessionId, entry);
            foreach (var member in entry.FamilySessionIds) index._byFamilyMember.TryAdd(member, entry);
        }
        return index;
    }

    /// <summary>
    /// The same index from the database's session_nodes: each key's entry_json (the SessionEntry), its session the
    /// node's current_session_id when the entry does not say it. An entry that is not a JSON object is passed over, as
    /// in sessions.json.
    /// </summary>
    public static OpenClawIndex FromNodes(IEnumerable<OpenClawNodeRow> nodes)
    {
        var index = new OpenClawIndex();
        foreach (var node in nodes)
        {
            if (node.EntryJson is null) continue;
            try
            {
                using var document = JsonDocument.Parse(node.EntryJson);
                var e = document.RootElement;
                if (e.ValueKind != JsonValueKind.Object) continue;
                if ((e.GetStringOrNull("sessionId") ?? node.CurrentSessionId) is not { Length: > 0 } sessionId) continue;
                var entry = Entry(node.Key, sessionId, e);
                index._byKey[node.Key] = entry;
                index._bySession.TryAdd(sessionId, entry);
                foreach (var member in entry.FamilySessionIds) index._byFamilyMember.TryAdd(member, entry);
            }
            catch (JsonException)
            {
                // Damaged metadata costs the conversation's facts, never its transcript.
            }
        }
        return index;
    }

    private static OpenClawIndexEntry Entry(string key, string sessionId, JsonElement e)
    {
        var origin = e.GetPropertyOrDefault("origin");
        var conversation = new OpenClawConversation(
            key,
            e.GetStringOrNull("channel") ?? e.GetStringOrNull("lastChannel"),
            e.GetStringOrNull("chatType") ?? origin.GetStringOrNull("chatType"),
            e.GetStringOrNull("displayName"),
            e.GetStringOrNull("subject"),
            e.GetStringOrNull("groupId"),
            origin.GetStringOrNull("label"),
            origin.GetStringOrNull("provider"),
            origin.GetStringOrNull("surface"),
            origin.GetIdOrNull("from"),
            origin.GetIdOrNull("to"),
            origin.GetIdOrNull("accountId") ?? e.GetIdOrNull("lastAccountId"),
            origin.GetIdOrNull("threadId") ?? e.GetIdOrNull("lastThreadId"),
            e.GetStringOrNull("spawnedBy") ?? e.GetStringOrNull("parentSessionKey"),
            e.GetInt64OrZero("spawnDepth"));
        var family = e.GetPropertyOrDefault("usageFamilySessionIds") is { ValueKind: JsonValueKind.Array } ids
            ? ids.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).Where(i => i != sessionId).ToArray()
            : Array.Empty<string>();
        var cost = e.GetPropertyOrDefault("estimatedCostUsd") is { ValueKind: JsonValueKind.Number } c && c.TryGetDouble(out var dollars) && double.IsFinite(dollars) ? dollars : 0;
        return new OpenClawIndexEntry(
            conversation,
            sessionId,
            // Older versions wrote the transcript's absolute path, later ones its name (paths.ts resolveSessionFilePath).
            e.GetStringOrNull("sessionFile") is { Length: > 0 } file ? Path.GetFileName(file.Replace('\\', '/')) : null,
            family,
            e.GetStringOrNull("label"),
            e.GetStringOrNull("status"),
            e.GetStringOrNull("modelProvider"),
            e.GetStringOrNull("model"),
            e.GetInt64OrZero("inputTokens"),
            e.GetInt64OrZero("outputTokens"),
            cost,
            e.GetInt64OrZero("compactionCount"));
    }
}
