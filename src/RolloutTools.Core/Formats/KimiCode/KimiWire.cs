using System.Text.Json;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats.Shared;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.KimiCode;

/// <summary>
/// The wire.jsonl beside a kimi-cli context file (src/kimi_cli/wire/file.py, since 0.59 of 2025-11-28): a metadata line,
/// then {timestamp (Unix seconds), message {type, payload}} per UI event. It goes on across the context files a
/// compaction or a rewind sets aside. Read for the session's first and last times, for the tokens each step states
/// (StatusUpdate's token_usage, "of the current step"; a subagent's events, wrapped in SubagentEvent, are its own
/// file's), and for what the person sent (<see cref="KimiInputs"/>).
/// </summary>
internal sealed class KimiWire
{
    private readonly List<string> _inputs = new();
    private readonly DiagnosticList _problems;
    private DateTimeOffset? _first;
    private DateTimeOffset? _last;
    private string? _protocolVersion;
    private TokenUsage? _usage;
    private string? _unreadable;

    private KimiWire(string path) => _problems = new DiagnosticList(path);

    /// <summary>
    /// What the person sent, in order, for <see cref="KimiInputs"/>; null when the wire is missing, holds no turn, or is
    /// damaged, since a lost line would make the person's own prompt look like Kimi's.
    /// </summary>
    public IReadOnlyList<string>? Inputs => _unreadable is null && _problems.Items.Count == 0 && _inputs.Count > 0 ? _inputs : null;

    public static KimiWire? Read(string path, CancellationToken cancellation)
    {
        if (!File.Exists(path)) return null;
        var wire = new KimiWire(path);
        try
        {
            using var stream = FileKinds.OpenRead(path);
            JsonLineReader.ReadEach(stream, wire._problems, line => wire.Add(line.Root), cancellation);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            wire._unreadable = e.Message;
        }
        return wire;
    }

    private void Add(JsonElement root)
    {
        if (KimiParts.Time(root.GetPropertyOrDefault("timestamp")) is { } time)
        {
            if (_first is null || time < _first) _first = time;
            if (_last is null || time > _last) _last = time;
        }
        if (root.GetStringOrNull("type") == "metadata") _protocolVersion = root.GetStringOrNull("protocol_version");
        var message = root.GetPropertyOrDefault("message");
        var payload = message.GetPropertyOrDefault("payload");
        switch (message.GetStringOrNull("type"))
        {
            // A turn the person began, or words they sent while it ran (kimisoul.py run, _consume_pending_steers).
            case "TurnBegin" or "SteerInput":
                _inputs.Add(KimiParts.Read(payload.GetPropertyOrDefault("user_input")).Text);
                break;
            case "StatusUpdate" when KimiParts.Usage(payload.GetPropertyOrDefault("token_usage")) is { } step:
                _usage = (_usage ?? default) + step;
                break;
        }
    }

    /// <summary>The times, tokens and damage of the live context file's session; a file set aside has none of its own.</summary>
    public void ApplyTo(KimiSession session, DiagnosticList diagnostics)
    {
        if (_unreadable is not null)
        {
            diagnostics.Warn(RolloutDiagnostic.SidecarDamaged, null, $"{_problems.Path}: cannot be read ({_unreadable}); the session's times and tokens are unknown.");
            return;
        }
        session.Saw(_first);
        session.Saw(_last);
        if (_protocolVersion is not null) session.ProtocolVersion = _protocolVersion;
        foreach (var problem in _problems.Items)
        {
            diagnostics.Warn(RolloutDiagnostic.SidecarDamaged, null, $"{_problems.Path}{(problem.LineNumber is { } n ? $", line {n}" : string.Empty)}: {problem.Message} (the tokens of that event are not counted)");
        }
        if (_usage is { } usage) session.StatedUsage = usage;
    }
}
