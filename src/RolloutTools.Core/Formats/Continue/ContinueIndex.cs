using System.Globalization;
using System.Text.Json;
using RolloutTools.Core.Formats.Shared;

namespace RolloutTools.Core.Formats.Continue;

/// <summary>What sessions.json says of one session: the only place Continue dates a session.</summary>
internal sealed record ContinueIndexEntry(string? Title, DateTimeOffset? Created, string? WorkspaceDirectory, int? MessageCount);

/// <summary>
/// sessions.json, the list HistoryManager.save keeps beside the session files (core/util/history.ts): a JSON array,
/// one entry per session ({sessionId, title, dateCreated, workspaceDirectory, messageCount}), dateCreated being
/// String(Date.now()), milliseconds since the epoch as text. Entries of the Python server before 0.8 carry session_id
/// instead; Continue's own list leaves them out, and so does this one.
/// </summary>
internal sealed class ContinueIndex
{
    private readonly Dictionary<string, ContinueIndexEntry> _entries;

    private ContinueIndex(Dictionary<string, ContinueIndexEntry> entries) => _entries = entries;

    public ContinueIndexEntry? Find(string sessionId) => _entries.TryGetValue(sessionId, out var entry) ? entry : null;

    public static ContinueIndex Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array) throw new SidecarShapeException("sessions.json is not an array");
        var entries = new Dictionary<string, ContinueIndexEntry>(StringComparer.Ordinal);
        foreach (var item in root.EnumerateArray())
        {
            Expect.Object(item, "an entry of sessions.json");
            if (Expect.String(item, "sessionId") is not { } id) continue;
            var count = item.TryGetProperty("messageCount", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var c) ? c : (int?)null;
            // A session saved twice keeps its first entry, as Continue updates the first it finds.
            entries.TryAdd(id, new ContinueIndexEntry(Expect.String(item, "title"), Created(item), Expect.String(item, "workspaceDirectory"), count));
        }
        return new ContinueIndex(entries);
    }

    /// <summary>dateCreated: milliseconds since the epoch as text (a number or an ISO date is taken too); null when unreadable.</summary>
    private static DateTimeOffset? Created(JsonElement item)
    {
        if (!item.TryGetProperty("dateCreated", out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)) return UnixTime.FromMilliseconds(number);
        if (value.ValueKind != JsonValueKind.String) return null;
        var text = value.GetString()!;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)) return UnixTime.FromMilliseconds(ms);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUniversalTime() : null;
    }
}
