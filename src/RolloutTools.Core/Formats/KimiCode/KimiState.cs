using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Formats.KimiCode;

/// <summary>One agent of a Kimi Code session as state.json lists it (session/index.ts AgentMeta).</summary>
internal sealed record KimiAgent(string? Type, string? ParentAgentId);

/// <summary>
/// A session's state.json. Kimi Code (session/index.ts SessionMeta): createdAt, updatedAt (ISO), title with
/// isCustomTitle, lastPrompt, workDir (the absolute working directory, kept so the hashed folder name need not be
/// trusted), forkedFrom, and agents by id with their type and parentAgentId. kimi-cli (session_state.py): custom_title
/// only, among what a record needs; its working directory is in kimi.json (<see cref="KimiWorkDirs"/>).
/// </summary>
internal sealed class KimiState
{
    public string? Title { get; private init; }
    public bool IsCustomTitle { get; private init; }
    public string? WorkDir { get; private init; }
    public DateTimeOffset? CreatedAt { get; private init; }
    public DateTimeOffset? UpdatedAt { get; private init; }
    public string? ForkedFrom { get; private init; }
    public IReadOnlyDictionary<string, KimiAgent> Agents { get; private init; } = new Dictionary<string, KimiAgent>();

    public static KimiState Read(JsonElement root)
    {
        Expect.Object(root, "state.json");
        var agents = new Dictionary<string, KimiAgent>(StringComparer.Ordinal);
        if (root.GetPropertyOrDefault("agents") is { ValueKind: JsonValueKind.Object } listed)
        {
            foreach (var agent in listed.EnumerateObject())
            {
                agents[agent.Name] = new KimiAgent(agent.Value.GetStringOrNull("type"), agent.Value.GetStringOrNull("parentAgentId"));
            }
        }
        var custom = Expect.String(root, "custom_title");
        return new KimiState
        {
            Title = custom ?? Expect.String(root, "title"),
            IsCustomTitle = custom is not null || root.GetBool("isCustomTitle"),
            WorkDir = Expect.String(root, "workDir"),
            CreatedAt = root.GetTimestamp("createdAt"),
            UpdatedAt = root.GetTimestamp("updatedAt"),
            ForkedFrom = Expect.String(root, "forkedFrom"),
            Agents = agents,
        };
    }
}

/// <summary>
/// A kimi-cli subagent's meta.json (subagents/models.py AgentInstanceRecord): its type, the task's description, its
/// times in Unix seconds, and the model it ran on (launch_spec.effective_model).
/// </summary>
internal sealed record KimiSubagentMeta(string? Type, string? Description, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt, string? Model)
{
    public static KimiSubagentMeta Read(JsonElement root)
    {
        Expect.Object(root, "meta.json");
        return new KimiSubagentMeta(
            Expect.String(root, "subagent_type"),
            Expect.String(root, "description"),
            KimiParts.Time(root.GetPropertyOrDefault("created_at")),
            KimiParts.Time(root.GetPropertyOrDefault("updated_at")),
            root.GetPropertyOrDefault("launch_spec").GetStringOrNull("effective_model"));
    }
}

/// <summary>
/// kimi-cli's kimi.json in its share folder: {"work_dirs": [{"path", "kaos"}]}. A session's folder is named for the MD5
/// of its working directory's path, after "&lt;kaos&gt;_" when the directory is not local (metadata.py sessions_dir),
/// so this is the one place the path itself is kept.
/// </summary>
internal sealed class KimiWorkDirs
{
    private readonly Dictionary<string, string> _byFolder = new(StringComparer.Ordinal);

    public string? PathOf(string folderName) => _byFolder.TryGetValue(folderName, out var path) ? path : null;

    public static KimiWorkDirs Read(JsonElement root)
    {
        Expect.Object(root, "kimi.json");
        var dirs = new KimiWorkDirs();
        foreach (var dir in Expect.Array(root, "work_dirs"))
        {
            if (dir.GetStringOrNull("path") is not { } path) continue;
            var hash = Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(path))).ToLowerInvariant();
            var kaos = dir.GetStringOrNull("kaos");
            dirs._byFolder[kaos is null or "local" ? hash : $"{kaos}_{hash}"] = path;
        }
        return dirs;
    }
}
