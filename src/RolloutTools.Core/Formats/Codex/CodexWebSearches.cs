using System.Text.Json;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.Codex;

/// <summary>
/// A web_search_call item never carries its id in the rollout (codex-rs protocol models.rs: WebSearchCall.id is
/// skip_serializing), and some builds leave the query out of its action. The event_msg web_search_end
/// {call_id, query, action} has both, and Codex writes it just before the item (core stream_events_utils.rs
/// handle_output_item_done: the turn item is completed, then the response item recorded). Each item takes the
/// nearest end event before it that no other item took.
/// </summary>
internal sealed class CodexWebSearches
{
    private readonly List<WebSearchEnd> _ends = new();

    public void AddEnd(JsonElement payload)
    {
        if (payload.GetIdOrNull("call_id") is not { Length: > 0 } callId) return;
        var action = payload.GetPropertyOrDefault("action");
        _ends.Add(new WebSearchEnd(callId, payload.GetStringOrNull("query"), action.ValueKind == JsonValueKind.Object ? action.GetRawText() : null));
    }

    /// <summary>The end event for the next item, or null when the build wrote none.</summary>
    public WebSearchEnd? TakeEnd()
    {
        if (_ends.Count == 0) return null;
        var end = _ends[^1];
        _ends.RemoveAt(_ends.Count - 1);
        return end;
    }

    /// <summary>The item's action as the call's arguments, with the event's action or query where the item lacks them.</summary>
    public static string Arguments(JsonElement action, WebSearchEnd? end)
    {
        using var fromEvent = action.ValueKind != JsonValueKind.Object && end?.Action is { } raw ? JsonDocument.Parse(raw) : null;
        var search = action.ValueKind == JsonValueKind.Object ? action : fromEvent?.RootElement ?? default;
        if (end?.Query is not { Length: > 0 } query || search.GetStringOrNull("query") is not null)
        {
            return search.ValueKind == JsonValueKind.Object ? search.GetRawText() : "{}";
        }
        return JsonText.Write(w =>
        {
            w.WriteStartObject();
            if (search.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in search.EnumerateObject()) property.WriteTo(w);
            }
            w.WriteString("query", query);
            w.WriteEndObject();
        });
    }
}

internal sealed record WebSearchEnd(string CallId, string? Query, string? Action);
