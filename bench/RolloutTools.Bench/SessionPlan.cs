namespace RolloutTools.Bench;

/// <summary>
/// One conversation before any agent's format is applied: each format writer renders the same plan in its own lines,
/// so every format gets the same mix of prompts, parallel tool calls, long outputs and images.
/// </summary>
public sealed record SessionPlan(
    string Id, DateTimeOffset Start, string Project, string Branch, string Model, IReadOnlyList<TurnPlan> Turns)
{
    public int ToolCallCount => Turns.Sum(t => t.Steps.Sum(s => s.Calls.Count));

    public long OutputTokens => Turns.Sum(t => t.Steps.Sum(s => s.Usage.Output));
}

/// <summary>A prompt and the model responses (steps) it took to answer it.</summary>
public sealed record TurnPlan(string Prompt, string? ImageBase64, IReadOnlyList<StepPlan> Steps);

/// <summary>
/// One model response: reasoning (readable and signed or encrypted), an optional text, and the tool calls it asked
/// for at once. Each call's result comes back before the next step.
/// </summary>
public sealed record StepPlan(string Reasoning, string Signature, string? Text, IReadOnlyList<ToolCallPlan> Calls, UsagePlan Usage);

public enum ToolKind { Shell, Read, Edit, Search, Task }

/// <summary>A tool call and its result. A Task call carries the subagent's own conversation (Claude Code only).</summary>
public sealed record ToolCallPlan(string Id, ToolKind Kind, string Argument, string Output, string? ImageBase64, SessionPlan? Subagent);

/// <summary>Tokens of one response: input not read from cache, output, cache reads and cache writes.</summary>
public sealed record UsagePlan(long Input, long Output, long CacheRead, long CacheWrite);
