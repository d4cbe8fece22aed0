using System.Text.Json;

namespace RolloutTools.Bench;

/// <summary>
/// Pi Coding Agent's ~/.pi/agent/sessions/--&lt;cwd&gt;--/&lt;time&gt;_&lt;id&gt;.jsonl (session version 3): a session header,
/// model and thinking-level changes, then a tree of message entries (each with id and parentId): user, assistant
/// (thinking, text and toolCall blocks, usage with cost), and one toolResult per call, images inline.
/// </summary>
public sealed class PiWriter(string home, Planner planner) : IFormatWriter
{
    public string Format => "PiCodingAgent";

    public double Share => 0.04;

    public void WriteSession(int index, Random rng, FormatTally tally)
    {
        var start = new DateTimeOffset(2025, 11, 1, 10, 0, 0, TimeSpan.Zero).AddMinutes(index * 71);
        var plan = planner.Session(rng, start, "claude-opus-4-5", subagents: false, maxTurns: 8);
        var cwd = $"/home/dev/{plan.Project}";
        var path = Path.Combine(home, "sessions", $"--home-dev-{plan.Project}--",
            $"{start.UtcDateTime:yyyy-MM-dd'T'HH-mm-ss-fff'Z'}_{plan.Id}.jsonl");
        var clock = new Clock(start);
        using (var file = new JsonFile(path, tally))
        {
            var w = file.W;
            w.WriteStartObject();
            w.WriteString("type", "session");
            w.WriteNumber("version", 3);
            w.WriteString("id", plan.Id);
            w.WriteString("timestamp", clock.Iso);
            w.WriteString("cwd", cwd);
            w.WriteEndObject();
            file.EndLine();
            var parent = Entry(file, rng, clock, null, "model_change", e =>
            {
                e.WriteString("provider", "anthropic");
                e.WriteString("modelId", plan.Model);
            });
            parent = Entry(file, rng, clock, parent, "thinking_level_change", e => e.WriteString("thinkingLevel", "medium"));
            foreach (var turn in plan.Turns)
            {
                parent = Message(file, rng, clock, parent, "user", e =>
                {
                    e.WriteStartArray("content");
                    Text(e, turn.Prompt);
                    if (turn.ImageBase64 is not null) Image(e, turn.ImageBase64);
                    e.WriteEndArray();
                });
                foreach (var step in turn.Steps)
                {
                    parent = Message(file, rng, clock, parent, "assistant", e =>
                    {
                        e.WriteStartArray("content");
                        e.WriteStartObject();
                        e.WriteString("type", "thinking");
                        e.WriteString("thinking", step.Reasoning);
                        e.WriteString("thinkingSignature", step.Signature);
                        e.WriteEndObject();
                        if (step.Text is not null) Text(e, step.Text);
                        foreach (var call in step.Calls)
                        {
                            e.WriteStartObject();
                            e.WriteString("type", "toolCall");
                            e.WriteString("id", call.Id);
                            e.WriteString("name", ToolName(call.Kind));
                            e.WriteStartObject("arguments");
                            e.WriteString(call.Kind is ToolKind.Shell or ToolKind.Search ? "command" : "path", call.Argument);
                            e.WriteEndObject();
                            e.WriteEndObject();
                        }
                        e.WriteEndArray();
                        e.WriteString("api", "anthropic-messages");
                        e.WriteString("provider", "anthropic");
                        e.WriteString("model", plan.Model);
                        var u = step.Usage;
                        e.WriteStartObject("usage");
                        e.WriteNumber("input", u.Input);
                        e.WriteNumber("output", u.Output);
                        e.WriteNumber("cacheRead", u.CacheRead);
                        e.WriteNumber("cacheWrite", u.CacheWrite);
                        e.WriteNumber("totalTokens", u.Input + u.Output + u.CacheRead + u.CacheWrite);
                        e.WriteStartObject("cost");
                        e.WriteNumber("input", u.Input * 5e-6m);
                        e.WriteNumber("output", u.Output * 25e-6m);
                        e.WriteNumber("cacheRead", u.CacheRead * 0.5e-6m);
                        e.WriteNumber("cacheWrite", u.CacheWrite * 6.25e-6m);
                        e.WriteNumber("total", u.Input * 5e-6m + u.Output * 25e-6m + u.CacheRead * 0.5e-6m + u.CacheWrite * 6.25e-6m);
                        e.WriteEndObject();
                        e.WriteEndObject();
                        e.WriteString("stopReason", step.Calls.Count > 0 ? "toolUse" : "stop");
                    });
                    foreach (var call in step.Calls)
                    {
                        parent = Message(file, rng, clock, parent, "toolResult", e =>
                        {
                            e.WriteString("toolCallId", call.Id);
                            e.WriteString("toolName", ToolName(call.Kind));
                            e.WriteStartArray("content");
                            if (call.ImageBase64 is not null)
                            {
                                Text(e, "Read image file [image/png]");
                                Image(e, call.ImageBase64);
                            }
                            else
                            {
                                Text(e, call.Output);
                            }
                            e.WriteEndArray();
                            e.WriteBoolean("isError", false);
                        });
                    }
                }
            }
        }
        tally.Records++;
        tally.Messages += plan.Turns.Sum(t => 1 + t.Steps.Sum(s => 1 + s.Calls.Count));
        tally.ToolCalls += plan.ToolCallCount;
        tally.OutputTokens += plan.OutputTokens;
    }

    private static string ToolName(ToolKind kind) => kind switch
    {
        ToolKind.Shell or ToolKind.Search => "bash",
        ToolKind.Edit => "edit",
        _ => "read",
    };

    private static string Entry(JsonFile file, Random rng, Clock clock, string? parent, string type, Action<Utf8JsonWriter> body)
    {
        var id = Filler.Hex(rng, 8);
        var w = file.W;
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("id", id);
        if (parent is null) w.WriteNull("parentId"); else w.WriteString("parentId", parent);
        w.WriteString("timestamp", clock.Tick(rng));
        body(w);
        w.WriteEndObject();
        file.EndLine();
        return id;
    }

    private static string Message(JsonFile file, Random rng, Clock clock, string parent, string role, Action<Utf8JsonWriter> body) =>
        Entry(file, rng, clock, parent, "message", w =>
        {
            w.WriteStartObject("message");
            w.WriteString("role", role);
            body(w);
            w.WriteNumber("timestamp", clock.EpochMilliseconds);
            w.WriteEndObject();
        });

    private static void Text(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void Image(Utf8JsonWriter w, string base64)
    {
        w.WriteStartObject();
        w.WriteString("type", "image");
        w.WriteString("data", base64);
        w.WriteString("mimeType", "image/png");
        w.WriteEndObject();
    }
}
