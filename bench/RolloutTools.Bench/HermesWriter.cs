using System.Globalization;
using System.Text.Json;

namespace RolloutTools.Bench;

/// <summary>
/// Hermes Agent's ~/.hermes/sessions: gateway transcripts (&lt;id&gt;.jsonl: a session_meta row, then OpenAI-style rows
/// with a local timestamp each, tool calls with their arguments as JSON text) and, one session in four, a CLI
/// snapshot (session_&lt;id&gt;.json: one indented document with the system prompt, tools and messages). No state.db:
/// writing one would need Hermes' SQLite schema here too, and its rows hold the same messages.
/// </summary>
public sealed class HermesWriter(string home, Planner planner) : IFormatWriter
{
    private static readonly string[] Tools = ["terminal", "read_file", "patch", "search_files"];

    public string Format => "HermesAgent";

    public double Share => 0.03;

    public void WriteSession(int index, Random rng, FormatTally tally)
    {
        var start = new DateTimeOffset(2026, 3, 10, 14, 0, 0, TimeSpan.Zero).AddMinutes(index * 29);
        var plan = planner.Session(rng, start, "nousresearch/hermes-4-405b", subagents: false, maxTurns: 6);
        var id = $"{start.UtcDateTime:yyyyMMdd_HHmmss}_{Filler.Hex(rng, 6)}";
        var clock = new Clock(start);
        if (index % 4 == 3)
        {
            using var file = new JsonFile(Path.Combine(home, "sessions", $"session_{id}.json"), tally, indented: true);
            var w = file.W;
            w.WriteStartObject();
            w.WriteString("session_id", id);
            w.WriteString("model", plan.Model);
            w.WriteString("platform", "cli");
            w.WriteString("session_start", Local(clock.Now));
            w.WriteString("system_prompt", "You are Hermes, an AI assistant made by Nous Research.");
            ToolList(w);
            w.WriteStartArray("messages");
            WriteRows(file, rng, plan, clock, lines: false);
            w.WriteEndArray();
            w.WriteString("last_updated", Local(clock.Now));
            w.WriteEndObject();
            file.EndLine();
        }
        else
        {
            using var file = new JsonFile(Path.Combine(home, "sessions", $"{id}.jsonl"), tally);
            var w = file.W;
            w.WriteStartObject();
            w.WriteString("role", "session_meta");
            ToolList(w);
            w.WriteString("model", plan.Model);
            w.WriteString("platform", "discord");
            w.WriteString("timestamp", Local(clock.Now));
            w.WriteEndObject();
            file.EndLine();
            WriteRows(file, rng, plan, clock, lines: true);
        }
        tally.Records++;
        // A snapshot's system prompt opens its conversation; a transcript has none.
        tally.Messages += (index % 4 == 3 ? 1 : 0) + plan.Turns.Sum(t => 1 + t.Steps.Sum(s => 1 + s.Calls.Count));
        tally.ToolCalls += plan.ToolCallCount;
    }

    /// <summary>The conversation's rows: one JSON line each in a transcript, array items in a snapshot.</summary>
    private static void WriteRows(JsonFile file, Random rng, SessionPlan plan, Clock clock, bool lines)
    {
        var w = file.W;
        void Row(string role, Action body)
        {
            w.WriteStartObject();
            w.WriteString("role", role);
            body();
            if (lines) w.WriteString("timestamp", Local(clock.Now));
            w.WriteEndObject();
            if (lines) file.EndLine();
        }
        foreach (var turn in plan.Turns)
        {
            clock.Tick(rng, 60);
            Row("user", () => w.WriteString("content", turn.Prompt));
            foreach (var step in turn.Steps)
            {
                clock.Tick(rng);
                Row("assistant", () =>
                {
                    w.WriteString("content", step.Text ?? "");
                    if (step.Calls.Count > 0)
                    {
                        w.WriteStartArray("tool_calls");
                        foreach (var call in step.Calls)
                        {
                            w.WriteStartObject();
                            w.WriteString("id", call.Id);
                            w.WriteString("call_id", call.Id);
                            w.WriteString("response_item_id", "fc_" + call.Id);
                            w.WriteString("type", "function");
                            w.WriteStartObject("function");
                            w.WriteString("name", Tools[(int)call.Kind % Tools.Length]);
                            w.WriteString("arguments", JsonSerializer.Serialize(new { command = call.Argument }));
                            w.WriteEndObject();
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                    }
                    w.WriteString("finish_reason", step.Calls.Count > 0 ? "tool_calls" : "stop");
                    w.WriteString("reasoning", step.Reasoning);
                });
                foreach (var call in step.Calls)
                {
                    clock.Tick(rng);
                    Row("tool", () =>
                    {
                        w.WriteString("tool_call_id", call.Id);
                        w.WriteString("tool_name", Tools[(int)call.Kind % Tools.Length]);
                        w.WriteString("content", call.Output);
                    });
                }
            }
        }
    }

    private static void ToolList(Utf8JsonWriter w)
    {
        w.WriteStartArray("tools");
        foreach (var name in Tools)
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", name);
            w.WriteString("description", "A tool of the agent.");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    // Hermes writes Python's datetime.now().isoformat(): local time, microseconds, no offset.
    private static string Local(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
}
