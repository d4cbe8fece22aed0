using System.Text.Json;

namespace RolloutTools.Bench;

/// <summary>Writes one session of one format under the corpus root, counting into the format's tally.</summary>
public interface IFormatWriter
{
    string Format { get; }

    /// <summary>The part of the corpus's bytes this format gets: Claude Code and Codex dominate real homes.</summary>
    double Share { get; }

    void WriteSession(int index, Random rng, FormatTally tally);
}

/// <summary>Fills each format's share of the size with sessions, formats in parallel, each from its own seed.</summary>
public static class CorpusWriter
{
    public static CorpusManifest Write(GeneratorOptions options)
    {
        var root = options.OutputFolder;
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        var filler = new Filler(options.Seed);
        var planner = new Planner(filler);
        IFormatWriter[] writers =
        [
            new ClaudeCodeWriter(Path.Combine(root, "claude"), planner, filler),
            new CodexWriter(Path.Combine(root, "codex"), planner),
            new PiWriter(Path.Combine(root, "pi", "agent"), planner),
            new AtifWriter(Path.Combine(root, "atif"), planner),
            new HermesWriter(Path.Combine(root, "hermes"), planner),
        ];
        var tallies = writers.Select(w => new FormatTally(w.Format)).ToArray();
        Parallel.For(0, writers.Length, f =>
        {
            var budget = (long)(options.SizeMegabytes * 1024L * 1024L * writers[f].Share);
            // A session's seed depends only on the corpus seed, the format and the session's index, so the corpus is
            // the same whatever the order the formats run in.
            for (var index = 0; tallies[f].Bytes < budget; index++)
            {
                writers[f].WriteSession(index, new Random(SessionSeed(options.Seed, f, index)), tallies[f]);
            }
        });
        var manifest = new CorpusManifest(options.SizeMegabytes, options.Seed, tallies);
        File.WriteAllText(Path.Combine(root, "manifest.json"), JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
        return manifest;
    }

    // Not HashCode.Combine: .NET randomizes it per process, and the corpus must be the same on every run.
    private static int SessionSeed(int seed, int format, int index) =>
        unchecked((seed * 73856093) ^ ((format + 1) * 19349663) ^ (index * 83492791)) & int.MaxValue;
}

/// <summary>The corpus's expectations, written beside it for the bench to check the module's reading against.</summary>
public sealed record CorpusManifest(int SizeMegabytes, int Seed, IReadOnlyList<FormatTally> Formats)
{
    public string Summary() =>
        string.Join(Environment.NewLine, Formats.Select(f =>
            $"{f.Format,-14} {f.Files,7} files {f.Lines,9} lines {f.Bytes / 1048576.0,8:F1} MB {f.Records,6} records {f.Messages,8} messages {f.ToolCalls,7} tool calls"));
}
