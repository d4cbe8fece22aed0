using System.Text.Json;

namespace RolloutTools.Bench;

/// <summary>
/// ATIF trajectories as Harbor leaves them: jobs/&lt;date&gt;__&lt;time&gt;/&lt;task&gt;__&lt;id&gt;/agent/trajectory.json, one indented
/// document per run: agent facts, steps (system, user, agent steps with reasoning, parallel tool calls, their
/// observations and per-step metrics) and final metrics.
/// </summary>
public sealed class AtifWriter(string home, Planner planner) : IFormatWriter
{
    public string Format => "Atif";

    public double Share => 0.03;

    public void WriteSession(int index, Random rng, FormatTally tally)
    {
        var start = new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero).AddMinutes(index * 11);
        var plan = planner.Session(rng, start, "claude-sonnet-4-5-20250929", subagents: false, maxTurns: 3);
        var job = $"{start.UtcDateTime:yyyy-MM-dd__HH-mm-ss}";
        var path = Path.Combine(home, "jobs", job, $"{plan.Project}-task__{Filler.Base62(rng, 7)}", "agent", "trajectory.json");
        var clock = new Clock(start);
        long prompt = 0, completion = 0, cached = 0;
        using (var file = new JsonFile(path, tally, indented: true))
        {
            var w = file.W;
            w.WriteStartObject();
            w.WriteString("schema_version", "ATIF-v1.4");
            w.WriteString("session_id", plan.Id);
            w.WriteStartObject("agent");
            w.WriteString("name", "claude-code");
            w.WriteString("version", "2.0.31");
            w.WriteString("model_name", plan.Model);
            w.WriteEndObject();
            w.WriteStartArray("steps");
            var stepId = 1;
            Step(w, stepId++, clock.Tick(rng), "system", "You are a coding agent working in /app. Use the tools to inspect and change files.");
            foreach (var turn in plan.Turns)
            {
                Step(w, stepId++, clock.Tick(rng), "user", turn.Prompt);
                foreach (var step in turn.Steps)
                {
                    w.WriteStartObject();
                    w.WriteNumber("step_id", stepId++);
                    w.WriteString("timestamp", clock.Tick(rng));
                    w.WriteString("source", "agent");
                    w.WriteString("model_name", plan.Model);
                    w.WriteString("message", step.Text ?? "");
                    w.WriteString("reasoning_content", step.Reasoning);
                    if (step.Calls.Count > 0)
                    {
                        w.WriteStartArray("tool_calls");
                        foreach (var call in step.Calls)
                        {
                            w.WriteStartObject();
                            w.WriteString("tool_call_id", call.Id);
                            w.WriteString("function_name", call.Kind == ToolKind.Shell ? "Bash" : call.Kind.ToString());
                            w.WriteStartObject("arguments");
                            w.WriteString(call.Kind is ToolKind.Shell or ToolKind.Search ? "command" : "file_path", call.Argument);
                            w.WriteEndObject();
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        w.WriteStartObject("observation");
                        w.WriteStartArray("results");
                        foreach (var call in step.Calls)
                        {
                            w.WriteStartObject();
                            w.WriteString("source_call_id", call.Id);
                            w.WriteString("content", call.Output);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    var u = step.Usage;
                    w.WriteStartObject("metrics");
                    w.WriteNumber("prompt_tokens", u.Input + u.CacheRead + u.CacheWrite);
                    w.WriteNumber("completion_tokens", u.Output);
                    w.WriteNumber("cached_tokens", u.CacheRead);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    prompt += u.Input + u.CacheRead + u.CacheWrite;
                    completion += u.Output;
                    cached += u.CacheRead;
                }
            }
            w.WriteEndArray();
            w.WriteStartObject("final_metrics");
            w.WriteNumber("total_prompt_tokens", prompt);
            w.WriteNumber("total_completion_tokens", completion);
            w.WriteNumber("total_cached_tokens", cached);
            w.WriteNumber("total_steps", stepId - 1);
            w.WriteEndObject();
            w.WriteEndObject();
            file.EndLine();
        }
        tally.Records++;
        tally.Messages += 1 + plan.Turns.Sum(t => 1 + t.Steps.Sum(s => 1 + s.Calls.Count));
        tally.ToolCalls += plan.ToolCallCount;
        tally.OutputTokens += plan.OutputTokens;
    }

    private static void Step(Utf8JsonWriter w, int id, string timestamp, string source, string message)
    {
        w.WriteStartObject();
        w.WriteNumber("step_id", id);
        w.WriteString("timestamp", timestamp);
        w.WriteString("source", source);
        w.WriteString("message", message);
        w.WriteEndObject();
    }
}
