using System.Text.Json;

namespace RolloutTools.Bench;

/// <summary>
/// Claude Code's ~/.claude/projects/&lt;project&gt;/&lt;session&gt;.jsonl as 2.1 writes it: one line per content block of a
/// streamed response (the lines share message.id and requestId and repeat the usage), each tool result parented on
/// its own tool_use line, bash and hook progress lines, file-history snapshots, subagents under
/// &lt;session&gt;/subagents/agent-*.jsonl with a .meta.json, and now and then a 2.0-era agent-*.jsonl Warmup beside
/// the sessions.
/// </summary>
public sealed class ClaudeCodeWriter(string home, Planner planner, Filler filler) : IFormatWriter
{
    private static readonly string[] Models = ["claude-opus-4-6", "claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101"];

    public string Format => "ClaudeCode";

    public double Share => 0.55;

    public void WriteSession(int index, Random rng, FormatTally tally)
    {
        var start = new DateTimeOffset(2025, 9, 1, 8, 0, 0, TimeSpan.Zero).AddMinutes(index * 37);
        var plan = planner.Session(rng, start, Models[rng.Next(Models.Length)], subagents: true);
        var project = Path.Combine(home, "projects", "-home-dev-" + plan.Project);
        var session = new Transcript(plan.Id, $"/home/dev/{plan.Project}", plan.Branch, "2.1.39", null);
        using (var file = new JsonFile(Path.Combine(project, plan.Id + ".jsonl"), tally))
        {
            WriteConversation(file, rng, session, plan, new Clock(start), tally, Path.Combine(project, plan.Id, "subagents"));
        }
        Count(tally, plan);
        if (rng.Next(10) == 0)
        {
            WriteWarmup(Path.Combine(project, $"agent-{Filler.Hex(rng, 8)}.jsonl"), rng, session, start, tally);
        }
    }

    /// <summary>The facts every conversational line repeats, and the subagent's id on a sidechain.</summary>
    private sealed record Transcript(string SessionId, string Cwd, string Branch, string Version, string? AgentId);

    private void WriteConversation(JsonFile file, Random rng, Transcript t, SessionPlan plan, Clock clock, FormatTally tally, string subagentFolder)
    {
        string? parent = null;
        if (t.AgentId is null)
        {
            parent = Progress(file, rng, t, clock, null, w =>
            {
                w.WriteString("type", "hook_progress");
                w.WriteString("hookEvent", "SessionStart");
                w.WriteString("hookName", "SessionStart:startup");
                w.WriteString("command", "~/.claude/hooks/session-start.sh");
            }, Filler.Uuid(rng));
        }
        foreach (var turn in plan.Turns)
        {
            var promptId = Filler.Uuid(rng);
            if (t.AgentId is null) Snapshot(file, promptId, clock);
            parent = Line(file, rng, t, clock, parent, "user", w =>
            {
                w.WriteStartObject("message");
                w.WriteString("role", "user");
                if (turn.ImageBase64 is null && t.AgentId is null)
                {
                    w.WriteString("content", turn.Prompt);
                }
                else
                {
                    w.WriteStartArray("content");
                    TextBlock(w, turn.Prompt);
                    if (turn.ImageBase64 is not null) ImageBlock(w, turn.ImageBase64);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }, promptId);
            foreach (var step in turn.Steps)
            {
                parent = WriteStep(file, rng, t, plan.Model, step, clock, parent, tally, subagentFolder);
            }
            parent = Line(file, rng, t, clock, parent, "system", w =>
            {
                w.WriteString("subtype", "turn_duration");
                w.WriteNumber("durationMs", 2_000 + rng.Next(300_000));
                w.WriteBoolean("isMeta", false);
            });
        }
    }

    private string WriteStep(JsonFile file, Random rng, Transcript t, string model, StepPlan step, Clock clock, string? parent, FormatTally tally, string subagentFolder)
    {
        var messageId = "msg_01" + Filler.Base62(rng, 22);
        var requestId = "req_011C" + Filler.Base62(rng, 20);
        var blocks = new List<Action<Utf8JsonWriter>>
        {
            w =>
            {
                w.WriteStartObject();
                w.WriteString("type", "thinking");
                w.WriteString("thinking", step.Reasoning);
                w.WriteString("signature", step.Signature);
                w.WriteEndObject();
            },
        };
        if (step.Text is not null) blocks.Add(w => TextBlock(w, step.Text));
        var toolUseLines = new string[step.Calls.Count];
        foreach (var call in step.Calls) blocks.Add(w => ToolUse(w, call));
        for (var b = 0; b < blocks.Count; b++)
        {
            var last = b == blocks.Count - 1;
            var block = blocks[b];
            parent = Line(file, rng, t, clock, parent, "assistant", w =>
            {
                w.WriteStartObject("message");
                w.WriteString("model", model);
                w.WriteString("id", messageId);
                w.WriteString("type", "message");
                w.WriteString("role", "assistant");
                w.WriteStartArray("content");
                block(w);
                w.WriteEndArray();
                if (last) w.WriteString("stop_reason", step.Calls.Count > 0 ? "tool_use" : "end_turn");
                else w.WriteNull("stop_reason");
                w.WriteNull("stop_sequence");
                Usage(w, step.Usage);
                w.WriteEndObject();
                w.WriteString("requestId", requestId);
            });
            var call = b - (blocks.Count - step.Calls.Count);
            if (call >= 0) toolUseLines[call] = parent;
        }
        for (var c = 0; c < step.Calls.Count; c++)
        {
            parent = WriteResult(file, rng, t, step.Calls[c], clock, toolUseLines[c], tally, subagentFolder, model);
        }
        return parent!;
    }

    private string WriteResult(JsonFile file, Random rng, Transcript t, ToolCallPlan call, Clock clock, string toolUseLine, FormatTally tally, string subagentFolder, string model)
    {
        var parent = toolUseLine;
        if (call.Kind == ToolKind.Shell)
        {
            var progress = rng.Next(4);
            for (var p = 0; p < progress; p++)
            {
                var partial = call.Output[..(call.Output.Length * (p + 1) / (progress + 1))];
                parent = Progress(file, rng, t, clock, parent, w =>
                {
                    w.WriteString("type", "bash_progress");
                    w.WriteString("output", partial.Length > 200 ? partial[^200..] : partial);
                    w.WriteString("fullOutput", partial);
                    w.WriteNumber("elapsedTimeSeconds", p + 1);
                    w.WriteNumber("totalLines", partial.Count(ch => ch == '\n'));
                }, call.Id);
            }
        }
        string? agentId = null;
        if (call.Subagent is not null)
        {
            agentId = "a" + Filler.Hex(rng, 6);
            WriteSubagent(rng, t, call, agentId, clock, tally, subagentFolder, model);
        }
        return Line(file, rng, t, clock, parent, "user", w =>
        {
            w.WriteStartObject("message");
            w.WriteString("role", "user");
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("tool_use_id", call.Id);
            w.WriteString("type", "tool_result");
            if (call.ImageBase64 is not null)
            {
                w.WriteStartArray("content");
                ImageBlock(w, call.ImageBase64);
                w.WriteEndArray();
            }
            else
            {
                w.WriteString("content", call.Output);
            }
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("toolUseResult");
            switch (call.Kind)
            {
                case ToolKind.Shell:
                    w.WriteString("stdout", call.Output);
                    w.WriteString("stderr", "");
                    w.WriteBoolean("interrupted", false);
                    w.WriteBoolean("isImage", false);
                    break;
                case ToolKind.Task:
                    w.WriteString("status", "completed");
                    w.WriteString("agentId", agentId);
                    w.WriteNumber("totalDurationMs", 5_000 + rng.Next(120_000));
                    break;
                default:
                    w.WriteString("type", call.ImageBase64 is null ? "text" : "image");
                    w.WriteStartObject("file");
                    w.WriteString("filePath", call.Argument);
                    w.WriteNumber("numLines", call.Output.Count(ch => ch == '\n') + 1);
                    w.WriteEndObject();
                    break;
            }
            w.WriteEndObject();
        });
    }

    private void WriteSubagent(Random rng, Transcript t, ToolCallPlan call, string agentId, Clock clock, FormatTally tally, string folder, string model)
    {
        var plan = call.Subagent! with { Model = model };
        using (var file = new JsonFile(Path.Combine(folder, $"agent-{agentId}.jsonl"), tally))
        {
            WriteConversation(file, rng, t with { AgentId = agentId }, plan with { Turns = [plan.Turns[0] with { Prompt = call.Argument }] }, new Clock(clock.Now), tally, folder);
        }
        using (var meta = new JsonFile(Path.Combine(folder, $"agent-{agentId}.meta.json"), tally, indented: true))
        {
            meta.W.WriteStartObject();
            meta.W.WriteString("agentType", "Explore");
            meta.W.WriteString("description", filler.Prose(rng, 30));
            meta.W.WriteString("toolUseId", call.Id);
            meta.W.WriteEndObject();
            meta.EndLine();
        }
        Count(tally, plan);
    }

    /// <summary>Claude Code 2.0 opened a Warmup sidechain beside the session, named agent-&lt;8 hex&gt;.jsonl.</summary>
    private static void WriteWarmup(string path, Random rng, Transcript parent, DateTimeOffset start, FormatTally tally)
    {
        var t = parent with { Version = "2.0.64", AgentId = Path.GetFileNameWithoutExtension(path)[6..] };
        var clock = new Clock(start);
        using (var file = new JsonFile(path, tally))
        {
            var prompt = Line(file, rng, t, clock, null, "user", w =>
            {
                w.WriteStartObject("message");
                w.WriteString("role", "user");
                w.WriteString("content", "Warmup");
                w.WriteEndObject();
            });
            Line(file, rng, t, clock, prompt, "assistant", w =>
            {
                w.WriteStartObject("message");
                w.WriteString("model", "claude-haiku-4-5-20251001");
                w.WriteString("id", "msg_01" + Filler.Base62(rng, 22));
                w.WriteString("type", "message");
                w.WriteString("role", "assistant");
                w.WriteStartArray("content");
                TextBlock(w, "I'm ready to help you search the codebase.");
                w.WriteEndArray();
                w.WriteString("stop_reason", "end_turn");
                w.WriteNull("stop_sequence");
                Usage(w, new UsagePlan(4, 14, 0, 1_800));
                w.WriteEndObject();
                w.WriteString("requestId", "req_011C" + Filler.Base62(rng, 20));
            });
        }
        tally.Records++;
        tally.Messages += 2;
        tally.OutputTokens += 14;
    }

    private static void Count(FormatTally tally, SessionPlan plan)
    {
        tally.Records++;
        tally.Messages += plan.Turns.Sum(t => 1 + t.Steps.Sum(s => 1 + s.Calls.Count));
        tally.ToolCalls += plan.ToolCallCount;
        tally.OutputTokens += plan.OutputTokens;
    }

    /// <summary>A conversational line: the envelope, the type, the body; returns its uuid for the next line's parent.</summary>
    private static string Line(JsonFile file, Random rng, Transcript t, Clock clock, string? parent, string type, Action<Utf8JsonWriter> body, string? uuid = null)
    {
        uuid ??= Filler.Uuid(rng);
        var w = file.W;
        w.WriteStartObject();
        if (parent is null) w.WriteNull("parentUuid"); else w.WriteString("parentUuid", parent);
        w.WriteBoolean("isSidechain", t.AgentId is not null);
        w.WriteString("userType", "external");
        w.WriteString("cwd", t.Cwd);
        w.WriteString("sessionId", t.SessionId);
        w.WriteString("version", t.Version);
        w.WriteString("gitBranch", t.Branch);
        if (t.AgentId is not null) w.WriteString("agentId", t.AgentId);
        w.WriteString("type", type);
        body(w);
        w.WriteString("uuid", uuid);
        w.WriteString("timestamp", clock.Tick(rng));
        w.WriteEndObject();
        file.EndLine();
        return uuid;
    }

    private static string Progress(JsonFile file, Random rng, Transcript t, Clock clock, string? parent, Action<Utf8JsonWriter> data, string toolUseId) =>
        Line(file, rng, t, clock, parent, "progress", w =>
        {
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
            w.WriteString("toolUseID", toolUseId);
            w.WriteString("parentToolUseID", toolUseId);
        });

    private static void Snapshot(JsonFile file, string messageId, Clock clock)
    {
        var w = file.W;
        w.WriteStartObject();
        w.WriteString("type", "file-history-snapshot");
        w.WriteString("messageId", messageId);
        w.WriteStartObject("snapshot");
        w.WriteString("messageId", messageId);
        w.WriteStartObject("trackedFileBackups");
        w.WriteEndObject();
        w.WriteString("timestamp", clock.Iso);
        w.WriteEndObject();
        w.WriteBoolean("isSnapshotUpdate", false);
        w.WriteEndObject();
        file.EndLine();
    }

    private static void TextBlock(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void ImageBlock(Utf8JsonWriter w, string base64)
    {
        w.WriteStartObject();
        w.WriteString("type", "image");
        w.WriteStartObject("source");
        w.WriteString("type", "base64");
        w.WriteString("media_type", "image/png");
        w.WriteString("data", base64);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void ToolUse(Utf8JsonWriter w, ToolCallPlan call)
    {
        w.WriteStartObject();
        w.WriteString("type", "tool_use");
        w.WriteString("id", call.Id);
        w.WriteString("name", call.Kind switch
        {
            ToolKind.Shell => "Bash",
            ToolKind.Read => "Read",
            ToolKind.Edit => "Edit",
            ToolKind.Search => "Grep",
            _ => "Task",
        });
        w.WriteStartObject("input");
        switch (call.Kind)
        {
            case ToolKind.Shell: w.WriteString("command", call.Argument); break;
            case ToolKind.Search: w.WriteString("pattern", call.Argument); break;
            case ToolKind.Task:
                w.WriteString("description", "Explore the code");
                w.WriteString("prompt", call.Argument);
                w.WriteString("subagent_type", "Explore");
                break;
            default: w.WriteString("file_path", call.Argument); break;
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Usage(Utf8JsonWriter w, UsagePlan usage)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", usage.Input);
        w.WriteNumber("cache_creation_input_tokens", usage.CacheWrite);
        w.WriteNumber("cache_read_input_tokens", usage.CacheRead);
        w.WriteStartObject("cache_creation");
        w.WriteNumber("ephemeral_5m_input_tokens", usage.CacheWrite);
        w.WriteNumber("ephemeral_1h_input_tokens", 0);
        w.WriteEndObject();
        w.WriteNumber("output_tokens", usage.Output);
        w.WriteString("service_tier", "standard");
        w.WriteEndObject();
    }
}
