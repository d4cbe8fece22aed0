using System.Text;
using System.Text.Json;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Formats.ClaudeCode;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Formats;

/// <summary>Writes Claude Code transcript lines the way Claude Code does, with a running clock.</summary>
internal sealed class ClaudeLines
{
    public const string Session = "7f3c2a10-5b6e-4c1d-9a8f-0e2d4b6c8a01";
    private readonly List<string> _lines = new();
    private DateTimeOffset _clock = new(2025, 11, 3, 9, 0, 0, TimeSpan.Zero);

    public string SessionId { get; set; } = Session;
    public string Cwd { get; set; } = "/home/dev/acme-shop";
    public string Branch { get; set; } = "main";
    public string Version { get; set; } = "2.0.76";
    public bool Sidechain { get; set; }
    public string? AgentId { get; set; }

    public static string Q(string? value) => value is null ? "null" : JsonSerializer.Serialize(value);

    private string Envelope(string type, string uuid, string? parent, string extra)
    {
        _clock = _clock.AddSeconds(5);
        var agent = AgentId is null ? string.Empty : $",\"agentId\":{Q(AgentId)}";
        return $"{{\"parentUuid\":{Q(parent)},\"isSidechain\":{(Sidechain ? "true" : "false")},\"userType\":\"external\",\"cwd\":{Q(Cwd)},\"sessionId\":{Q(SessionId)},\"version\":{Q(Version)},\"gitBranch\":{Q(Branch)}{agent},\"type\":\"{type}\",\"uuid\":{Q(uuid)},\"timestamp\":\"{_clock.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fff}Z\"{extra}}}";
    }

    public ClaudeLines Raw(string line)
    {
        _lines.Add(line);
        return this;
    }

    public ClaudeLines User(string uuid, string? parent, string text, string extra = "") =>
        UserContent(uuid, parent, Q(text), extra);

    public ClaudeLines UserContent(string uuid, string? parent, string contentJson, string extra = "") =>
        Raw(Envelope("user", uuid, parent, $",\"message\":{{\"role\":\"user\",\"content\":{contentJson}}}{extra}"));

    public ClaudeLines ToolResult(string uuid, string? parent, string toolUseId, string contentJson, bool isError = false, string? toolUseResult = null) =>
        UserContent(uuid, parent,
            $"[{{\"tool_use_id\":{Q(toolUseId)},\"type\":\"tool_result\",\"content\":{contentJson}{(isError ? ",\"is_error\":true" : string.Empty)}}}]",
            toolUseResult is null ? string.Empty : $",\"toolUseResult\":{toolUseResult}");

    public ClaudeLines Assistant(string uuid, string? parent, string messageId, string blockJson, string usage = "{\"input_tokens\":10,\"output_tokens\":5}", string model = "claude-opus-4-1-20250805", string requestId = "req_011CUAbc", string extra = "") =>
        Raw(Envelope("assistant", uuid, parent,
            $",\"requestId\":{Q(requestId)},\"message\":{{\"id\":{Q(messageId)},\"type\":\"message\",\"role\":\"assistant\",\"model\":{Q(model)},\"content\":[{blockJson}],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{usage}}}{extra}"));

    public ClaudeLines Text(string uuid, string? parent, string messageId, string text, string usage = "{\"input_tokens\":10,\"output_tokens\":5}") =>
        Assistant(uuid, parent, messageId, $"{{\"type\":\"text\",\"text\":{Q(text)}}}", usage);

    public ClaudeLines ToolUse(string uuid, string? parent, string messageId, string toolId, string name, string inputJson) =>
        Assistant(uuid, parent, messageId, $"{{\"type\":\"tool_use\",\"id\":{Q(toolId)},\"name\":{Q(name)},\"input\":{inputJson}}}");

    public ClaudeLines System(string uuid, string? parent, string subtype, string extra = "") =>
        Raw(Envelope("system", uuid, parent, $",\"subtype\":{Q(subtype)},\"isMeta\":false,\"level\":\"info\"{extra}"));

    public ClaudeLines Progress(string uuid, string? parent, string dataType) =>
        Raw(Envelope("progress", uuid, parent, $",\"data\":{{\"type\":{Q(dataType)}}},\"toolUseID\":\"toolu_x\",\"parentToolUseID\":\"toolu_x\""));

    public string Text() => string.Join("\n", _lines) + "\n";

    /// <summary>Reads the lines as the file <paramref name="fileName"/>, alone, as an in-memory source.</summary>
    public ReadResult Read(string? fileName = null, ReadOptions? options = null)
    {
        var source = TraceSource.FromBytes($"/home/dev/.claude/projects/-home-dev-acme-shop/{fileName ?? SessionId + ".jsonl"}", Encoding.UTF8.GetBytes(Text()));
        return new ClaudeCodeReader().BeginScan(new[] { source }, CancellationToken.None, options).Read(source, CancellationToken.None);
    }

    /// <summary>A queue-operation line, which has no uuid and stands outside the conversation's tree.</summary>
    public ClaudeLines Queue(string operation, string? content = null)
    {
        _clock = _clock.AddSeconds(1);
        var text = content is null ? string.Empty : $",\"content\":{Q(content)}";
        return Raw($"{{\"type\":\"queue-operation\",\"operation\":{Q(operation)},\"timestamp\":\"{_clock.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fff}Z\",\"sessionId\":{Q(SessionId)}{text}}}");
    }

    /// <summary>An attachment line (a queued_command prompt, say), which is part of the tree.</summary>
    public ClaudeLines Attachment(string uuid, string? parent, string attachmentJson) =>
        Raw(Envelope("attachment", uuid, parent, $",\"attachment\":{attachmentJson}"));
}
