namespace RolloutTools.Bench;

/// <summary>
/// Draws conversations shaped like a heavy user's: most tool results short, some of several kilobytes, a few of tens
/// of kilobytes; a third of the responses call tools in parallel; about one tool result in a hundred is a screenshot.
/// </summary>
public sealed class Planner(Filler filler)
{
    private static readonly string[] Projects = ["acme-shop", "ledger", "metrics-relay", "harbor-api", "widgets", "notebook", "infra", "docs-site"];
    private static readonly string[] Branches = ["main", "fix/rounding", "feature/eu-shipping-rates", "chore/deps", "perf/cache"];

    public SessionPlan Session(Random rng, DateTimeOffset start, string model, bool subagents, int maxTurns = 24)
    {
        var turns = new List<TurnPlan>();
        var count = 1 + rng.Next(maxTurns);
        for (var t = 0; t < count; t++)
        {
            turns.Add(Turn(rng, model, subagents));
        }
        return new SessionPlan(Filler.Uuid(rng), start, Projects[rng.Next(Projects.Length)], Branches[rng.Next(Branches.Length)], model, turns);
    }

    private TurnPlan Turn(Random rng, string model, bool subagents)
    {
        var steps = new List<StepPlan>();
        var toolSteps = rng.Next(7);
        var context = 12_000L + rng.Next(40_000);
        for (var s = 0; s < toolSteps; s++)
        {
            var calls = new List<ToolCallPlan>();
            var parallel = rng.Next(3) == 0 ? 2 + rng.Next(3) : 1;
            for (var c = 0; c < parallel; c++)
            {
                calls.Add(Call(rng, model, subagents && s == 0 && c == 0 && rng.Next(8) == 0));
            }
            steps.Add(Step(rng, ref context, calls, withText: rng.Next(3) == 0));
        }
        steps.Add(Step(rng, ref context, [], withText: true));
        var image = rng.Next(40) == 0 ? filler.PngBase64(rng, 8_000 + rng.Next(40_000)) : null;
        return new TurnPlan(filler.Prose(rng, 40 + rng.Next(400)), image, steps);
    }

    private StepPlan Step(Random rng, ref long context, IReadOnlyList<ToolCallPlan> calls, bool withText)
    {
        var output = 30L + rng.Next(1_500);
        var written = 200L + rng.Next(4_000);
        var usage = new UsagePlan(2 + rng.Next(30), output, context, written);
        context += written;
        var reasoning = filler.Prose(rng, 60 + rng.Next(600));
        return new StepPlan(reasoning, filler.Base64(rng, 300 + rng.Next(1_800)), withText ? filler.Prose(rng, 30 + rng.Next(500)) : null, calls, usage);
    }

    private ToolCallPlan Call(Random rng, string model, bool subagent)
    {
        var id = Filler.Base62(rng, 24);
        if (subagent)
        {
            var sub = Session(rng, DateTimeOffset.UnixEpoch, model, subagents: false, maxTurns: 1);
            var report = sub.Turns[^1].Steps[^1].Text ?? "";
            return new ToolCallPlan(id, ToolKind.Task, filler.Prose(rng, 80 + rng.Next(300)), report, null, sub);
        }
        var kind = (ToolKind)rng.Next(4);
        var argument = kind switch
        {
            ToolKind.Shell => filler.Output(rng, 20 + rng.Next(100)).Split('\n')[0],
            ToolKind.Search => filler.Prose(rng, 10 + rng.Next(20)),
            _ => $"/home/dev/project/src/{filler.Prose(rng, 12).Replace(' ', '/')}.ts",
        };
        var roll = rng.Next(100);
        var length = roll < 65 ? 20 + rng.Next(400) : roll < 95 ? 1_000 + rng.Next(8_000) : 20_000 + rng.Next(40_000);
        var image = kind == ToolKind.Read && rng.Next(25) == 0 ? filler.PngBase64(rng, 10_000 + rng.Next(60_000)) : null;
        return new ToolCallPlan(id, kind, argument, filler.Output(rng, length), image, null);
    }
}
