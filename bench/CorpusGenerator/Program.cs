using RolloutTools.Bench;

// Usage: CorpusGenerator --out <folder> [--size-mb 250] [--seed 1]
// Writes agent homes under <folder> (claude/, codex/, pi/agent/, atif/, hermes/) holding about size-mb megabytes,
// and <folder>/manifest.json: per format what was written (files, lines, bytes) and what a reader should find
// (records, messages, tool calls, output tokens). The same seed and size give the same bytes on every machine.
var options = GeneratorOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("Usage: CorpusGenerator --out <folder> [--size-mb <megabytes>] [--seed <integer>]");
    return 2;
}
var manifest = CorpusWriter.Write(options);
Console.WriteLine(manifest.Summary());
return 0;
