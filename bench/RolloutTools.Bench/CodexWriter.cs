using System.Text.Json;

namespace RolloutTools.Bench;

/// <summary>
/// Codex's ~/.codex/sessions/YYYY/MM/DD/rollout-&lt;time&gt;-&lt;id&gt;.jsonl as 0.6x writes it: session_meta, the injected
/// developer and context messages, per turn a turn_context, the prompt twice (response_item and user_message event),
/// reasoning as a summary event plus an item with encrypted_content, shell calls (several in a row when parallel) and
/// apply_patch as a custom tool, a token_count event after each response with running and last usage.
/// </summary>
public sealed class CodexWriter(string home, Planner planner) : IFormatWriter
{
    private static readonly string[] Models = ["gpt-5.1-codex", "gpt-5-codex", "gpt-5.1-codex-mini"];

    public string Format => "Codex";

    public double Share => 0.35;

    public void WriteSession(int index, Random rng, FormatTally tally)
    {
        var start = new DateTimeOffset(2025, 9, 1, 9, 0, 0, TimeSpan.Zero).AddMinutes(index * 53);
        var plan = planner.Session(rng, start, Models[rng.Next(Models.Length)], subagents: false);
        var day = start.UtcDateTime;
        var path = Path.Combine(home, "sessions", day.ToString("yyyy"), day.ToString("MM"), day.ToString("dd"),
            $"rollout-{day:yyyy-MM-dd'T'HH-mm-ss}-{plan.Id}.jsonl");
        var cwd = $"/home/dev/{plan.Project}";
        var clock = new Clock(start);
        var total = new UsagePlan(0, 0, 0, 0);
        using (var file = new JsonFile(path, tally))
        {
            Item(file, clock, "session_meta", w =>
            {
                w.WriteString("id", plan.Id);
                w.WriteString("timestamp", clock.Iso);
                w.WriteString("cwd", cwd);
                w.WriteString("originator", "codex_cli_rs");
                w.WriteString("cli_version", "0.63.0");
                w.WriteNull("instructions");
                w.WriteString("source", "cli");
                w.WriteString("model_provider", "openai");
                w.WriteStartObject("git");
                w.WriteString("commit_hash", Filler.Hex(rng, 40));
                w.WriteString("branch", plan.Branch);
                w.WriteString("repository_url", $"https://git.example.com/dev/{plan.Project}.git");
                w.WriteEndObject();
            });
            Message(file, clock, "developer", "<permissions instructions>\nFilesystem sandboxing defines which files can be read or written. `sandbox_mode` is `workspace-write`.\n</permissions instructions>", null);
            Message(file, clock, "user", $"<environment_context>\n  <cwd>{cwd}</cwd>\n  <approval_policy>on-request</approval_policy>\n  <shell>bash</shell>\n</environment_context>", null);
            foreach (var turn in plan.Turns)
            {
                clock.Tick(rng, 60);
                Item(file, clock, "turn_context", w =>
                {
                    w.WriteString("cwd", cwd);
                    w.WriteString("approval_policy", "on-request");
                    w.WriteStartObject("sandbox_policy");
                    w.WriteString("type", "workspace-write");
                    w.WriteBoolean("network_access", false);
                    w.WriteEndObject();
                    w.WriteString("model", plan.Model);
                    w.WriteString("effort", "medium");
                    w.WriteString("summary", "auto");
                });
                Message(file, clock, "user", turn.Prompt, turn.ImageBase64);
                Event(file, clock, "user_message", w =>
                {
                    w.WriteString("message", turn.Prompt);
                    w.WriteStartArray("images");
                    w.WriteEndArray();
                });
                foreach (var step in turn.Steps)
                {
                    clock.Tick(rng);
                    Event(file, clock, "agent_reasoning", w => w.WriteString("text", step.Reasoning));
                    Item(file, clock, "response_item", w =>
                    {
                        w.WriteString("type", "reasoning");
                        w.WriteStartArray("summary");
                        w.WriteStartObject();
                        w.WriteString("type", "summary_text");
                        w.WriteString("text", step.Reasoning);
                        w.WriteEndObject();
                        w.WriteEndArray();
                        w.WriteNull("content");
                        w.WriteString("encrypted_content", "gAAAAAB" + step.Signature);
                    });
                    if (step.Text is not null)
                    {
                        Event(file, clock, "agent_message", w => w.WriteString("message", step.Text));
                        Message(file, clock, "assistant", step.Text, null);
                    }
                    foreach (var call in step.Calls) Call(file, clock, cwd, call);
                    total = new UsagePlan(total.Input + step.Usage.Input + step.Usage.CacheRead + step.Usage.CacheWrite,
                        total.Output + step.Usage.Output, total.CacheRead + step.Usage.CacheRead, 0);
                    TokenCount(file, clock, total, step.Usage);
                    foreach (var call in step.Calls)
                    {
                        clock.Tick(rng);
                        Item(file, clock, "response_item", w =>
                        {
                            var patch = call.Kind == ToolKind.Edit;
                            w.WriteString("type", patch ? "custom_tool_call_output" : "function_call_output");
                            w.WriteString("call_id", call.Id);
                            w.WriteString("output", patch
                                ? "{\"output\":\"Success. Updated the following files:\\nM " + call.Argument + "\\n\",\"metadata\":{\"exit_code\":0,\"duration_seconds\":0.0}}"
                                : $"Exit code: 0\nWall time: 0.4 seconds\nOutput:\n{call.Output}");
                        });
                    }
                }
            }
        }
        tally.Records++;
        // The permissions and environment messages are context; a response's reasoning, text and calls are one message.
        tally.Messages += 2 + plan.Turns.Sum(t => 1 + t.Steps.Sum(s => 1 + s.Calls.Count));
        tally.ToolCalls += plan.ToolCallCount;
        tally.OutputTokens += plan.OutputTokens;
    }

    private static void Call(JsonFile file, Clock clock, string cwd, ToolCallPlan call)
    {
        Item(file, clock, "response_item", w =>
        {
            if (call.Kind == ToolKind.Edit)
            {
                w.WriteString("type", "custom_tool_call");
                w.WriteString("status", "completed");
                w.WriteString("call_id", call.Id);
                w.WriteString("name", "apply_patch");
                w.WriteString("input", $"*** Begin Patch\n*** Update File: {call.Argument}\n@@\n-{call.Output.Split('\n')[0]}\n+{call.Output.Split('\n')[^1]}\n*** End Patch");
                return;
            }
            var command = call.Kind switch
            {
                ToolKind.Read => $"sed -n '1,200p' {call.Argument}",
                ToolKind.Search => $"rg -n \"{call.Argument}\"",
                _ => call.Argument,
            };
            w.WriteString("type", "function_call");
            w.WriteString("name", "shell");
            w.WriteString("arguments", JsonSerializer.Serialize(new { command = new[] { "bash", "-lc", command }, workdir = cwd, timeout_ms = 120000 }));
            w.WriteString("call_id", call.Id);
        });
    }

    private static void Message(JsonFile file, Clock clock, string role, string text, string? imageBase64)
    {
        Item(file, clock, "response_item", w =>
        {
            w.WriteString("type", "message");
            w.WriteString("role", role);
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", role == "assistant" ? "output_text" : "input_text");
            w.WriteString("text", text);
            w.WriteEndObject();
            if (imageBase64 is not null)
            {
                w.WriteStartObject();
                w.WriteString("type", "input_image");
                w.WriteString("image_url", "data:image/png;base64," + imageBase64);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private static void TokenCount(JsonFile file, Clock clock, UsagePlan total, UsagePlan last) =>
        Event(file, clock, "token_count", w =>
        {
            w.WriteStartObject("info");
            Usage(w, "total_token_usage", total.Input, total.CacheRead, total.Output);
            Usage(w, "last_token_usage", last.Input + last.CacheRead + last.CacheWrite, last.CacheRead, last.Output);
            w.WriteNumber("model_context_window", 272000);
            w.WriteEndObject();
            w.WriteStartObject("rate_limits");
            w.WriteStartObject("primary");
            w.WriteNumber("used_percent", 7.0);
            w.WriteNumber("window_minutes", 300);
            w.WriteNumber("resets_at", 1763691300);
            w.WriteEndObject();
            w.WriteNull("credits");
            w.WriteNull("plan_type");
            w.WriteEndObject();
        });

    private static void Usage(Utf8JsonWriter w, string name, long input, long cached, long output)
    {
        w.WriteStartObject(name);
        w.WriteNumber("input_tokens", input);
        w.WriteNumber("cached_input_tokens", cached);
        w.WriteNumber("output_tokens", output);
        w.WriteNumber("reasoning_output_tokens", output / 2);
        w.WriteNumber("total_tokens", input + output);
        w.WriteEndObject();
    }

    private static void Event(JsonFile file, Clock clock, string type, Action<Utf8JsonWriter> body) =>
        Item(file, clock, "event_msg", w =>
        {
            w.WriteString("type", type);
            body(w);
        });

    private static void Item(JsonFile file, Clock clock, string type, Action<Utf8JsonWriter> payload)
    {
        var w = file.W;
        w.WriteStartObject();
        w.WriteString("timestamp", clock.Iso);
        w.WriteString("type", type);
        w.WriteStartObject("payload");
        payload(w);
        w.WriteEndObject();
        w.WriteEndObject();
        file.EndLine();
    }
}
