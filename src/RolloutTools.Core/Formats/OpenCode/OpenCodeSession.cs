using System.Text.Json;

namespace RolloutTools.Core.Formats.OpenCode;

/// <summary>A session's own facts, from a database row or a session file of the JSON tree.</summary>
internal sealed class OpenCodeSessionInfo
{
    public required string Id { get; init; }
    public string? ParentId { get; init; }
    public string? ProjectId { get; init; }
    public string? Title { get; init; }
    public string? Directory { get; init; }
    public string? Worktree { get; init; }
    public string? Version { get; init; }
    public string? Slug { get; init; }
    public string? ShareUrl { get; init; }
    public string? Agent { get; init; }
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? Updated { get; init; }
    public DateTimeOffset? Archived { get; init; }
    public long SummaryAdditions { get; init; }
    public long SummaryDeletions { get; init; }
    public long SummaryFiles { get; init; }

    /// <summary>The first session of the chain of parents (a subagent's session is a child of the one that called it).</summary>
    public string? RootId { get; set; }

    /// <summary>ms since the epoch → time; OpenCode writes every time so.</summary>
    public static DateTimeOffset? FromMilliseconds(double? ms) =>
        ms is { } value && double.IsFinite(value) && value > 0 && value < 253402300800000d ? DateTimeOffset.FromUnixTimeMilliseconds((long)value) : null;

    /// <summary>The facts a session file (or a row's JSON, for the same fields) holds: Session.Info.</summary>
    public static OpenCodeSessionInfo FromJson(string id, JsonElement info, string? projectId) => new()
    {
        Id = id,
        ParentId = OpenCodeJson.String(info, "parentID"),
        ProjectId = OpenCodeJson.String(info, "projectID") ?? projectId,
        Title = OpenCodeJson.String(info, "title"),
        Directory = OpenCodeJson.String(info, "directory"),
        Version = OpenCodeJson.String(info, "version"),
        Slug = OpenCodeJson.String(info, "slug"),
        ShareUrl = OpenCodeJson.String(info.GetPropertyOrDefaultSafe("share"), "url"),
        Created = FromMilliseconds(OpenCodeJson.Number(info.GetPropertyOrDefaultSafe("time"), "created")),
        Updated = FromMilliseconds(OpenCodeJson.Number(info.GetPropertyOrDefaultSafe("time"), "updated")),
        Archived = FromMilliseconds(OpenCodeJson.Number(info.GetPropertyOrDefaultSafe("time"), "archived")),
        SummaryAdditions = (long)(OpenCodeJson.Number(info.GetPropertyOrDefaultSafe("summary"), "additions") ?? 0),
        SummaryDeletions = (long)(OpenCodeJson.Number(info.GetPropertyOrDefaultSafe("summary"), "deletions") ?? 0),
        SummaryFiles = (long)(OpenCodeJson.Number(info.GetPropertyOrDefaultSafe("summary"), "files") ?? 0),
    };
}

/// <summary>One message (MessageV2.Info: role user or assistant) and its parts in the order OpenCode wrote them.</summary>
internal sealed record OpenCodeMessage(string Id, JsonElement Info, IReadOnlyList<OpenCodePart> Parts);

/// <summary>One part of a message (MessageV2.Part: text, reasoning, tool, step-start, step-finish, file, …).</summary>
internal sealed record OpenCodePart(string Id, JsonElement Data);

/// <summary>A whole session as one of the stores holds it.</summary>
internal sealed class OpenCodeSession
{
    public required OpenCodeSessionInfo Info { get; init; }
    public required OpenCodeStore Store { get; init; }
    public List<OpenCodeMessage> Messages { get; } = new();
}

/// <summary>Tolerant getters for the JSON OpenCode writes: a value of another type reads as absent.</summary>
internal static class OpenCodeJson
{
    public static JsonElement GetPropertyOrDefaultSafe(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    public static string? String(JsonElement element, string name) =>
        element.GetPropertyOrDefaultSafe(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static double? Number(JsonElement element, string name) =>
        element.GetPropertyOrDefaultSafe(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetDouble(out var n) && double.IsFinite(n) ? n : null;

    public static bool True(JsonElement element, string name) => element.GetPropertyOrDefaultSafe(name).ValueKind == JsonValueKind.True;

    /// <summary>Parses one stored JSON object; throws <see cref="JsonException"/> for text that is not one.</summary>
    public static JsonElement Object(string text)
    {
        using var document = JsonDocument.Parse(text);
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException($"it is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object.");
        return document.RootElement.Clone();
    }
}
