using RolloutTools.Bench;

// rollouttools-bench generate --out <folder> [--size-mb 250] [--seed 1]
//   Writes agent homes under <folder> (claude/, codex/, pi/agent/, atif/, hermes/) holding about size-mb megabytes,
//   and <folder>/manifest.json: per format what was written (files, lines, bytes) and what a reader should find
//   (records, messages, tool calls, output tokens). The same seed and size give the same bytes on every machine.
// rollouttools-bench floor <folder>
//   Tokenizes every line of every trace under <folder> on all cores, builds nothing, and prints the time as JSON.
// rollouttools-bench usage-floor <folder>
//   The same over only the lines that can carry token counts ("usage", "token_count"): a usage-only read's floor.
// rollouttools-bench values-floor <folder>
//   Every line parsed into a document and every string value in it made: what making the values costs.
switch (args.FirstOrDefault())
{
    case "generate" when GeneratorOptions.Parse(args[1..]) is { } options:
        Console.WriteLine(CorpusWriter.Write(options).Summary());
        return 0;
    case "floor" when args.Length == 2 && Directory.Exists(args[1]):
        Console.WriteLine(ParseFloor.Measure(args[1], FloorKind.Tokens).ToJson());
        return 0;
    case "usage-floor" when args.Length == 2 && Directory.Exists(args[1]):
        Console.WriteLine(ParseFloor.Measure(args[1], FloorKind.Usage).ToJson());
        return 0;
    case "values-floor" when args.Length == 2 && Directory.Exists(args[1]):
        Console.WriteLine(ParseFloor.Measure(args[1], FloorKind.Values).ToJson());
        return 0;
    default:
        Console.Error.WriteLine("Usage: rollouttools-bench generate --out <folder> [--size-mb <megabytes>] [--seed <integer>]");
        Console.Error.WriteLine("       rollouttools-bench floor <folder>");
        Console.Error.WriteLine("       rollouttools-bench usage-floor <folder>");
        Console.Error.WriteLine("       rollouttools-bench values-floor <folder>");
        return 2;
}
