using System.Security.Cryptography;
using RolloutTools.Bench;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Tests.Bench;

/// <summary>
/// The benchmark compares timings across commits and machines only if its corpus is the same bytes every time, and
/// its numbers mean something only if the readers take every generated line as the generator meant it.
/// </summary>
public sealed class CorpusGeneratorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rollouttools-bench-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void The_same_seed_and_size_write_the_same_bytes_and_another_seed_does_not()
    {
        CorpusWriter.Write(new GeneratorOptions(Path.Combine(_root, "a"), 2, 7));
        CorpusWriter.Write(new GeneratorOptions(Path.Combine(_root, "b"), 2, 7));
        CorpusWriter.Write(new GeneratorOptions(Path.Combine(_root, "c"), 2, 8));

        var a = Fingerprint(Path.Combine(_root, "a"));
        Assert.Equal(a, Fingerprint(Path.Combine(_root, "b")));
        Assert.NotEqual(a, Fingerprint(Path.Combine(_root, "c")));
    }

    [Fact]
    public void Every_format_is_read_without_errors_into_the_records_messages_tool_calls_and_tokens_written()
    {
        var folder = Path.Combine(_root, "corpus");
        var manifest = CorpusWriter.Write(new GeneratorOptions(folder, 2, 3));
        var plan = new ReadPlan { Search = new TraceSearch { Recurse = true } };

        var problems = plan.AddPath(folder).Where(d => d.Severity != DiagnosticSeverity.Note).ToArray();
        var results = RolloutLoader.ReadAll(plan.Requests, new ReadOptions(), CancellationToken.None).ToArray();

        Assert.Empty(problems);
        Assert.Empty(results.SelectMany(r => r.Diagnostics).Where(d => d.Severity != DiagnosticSeverity.Note).Select(d => $"{d.Path}: {d.Message}"));
        var read = results.Where(r => r.Record is not null).Select(r => r.Record!).GroupBy(r => r.Format.ToString())
            .ToDictionary(g => g.Key, g => (Records: (long)g.Count(), Messages: (long)g.Sum(r => r.MessageCount),
                ToolCalls: (long)g.Sum(r => r.ToolCallCount), OutputTokens: g.Sum(r => r.OutputTokens)));
        Assert.Equal(5, manifest.Formats.Count);
        foreach (var written in manifest.Formats)
        {
            Assert.True(written.Records > 0, $"{written.Format}: the generator wrote no session");
            Assert.Equal((written.Records, written.Messages, written.ToolCalls, written.OutputTokens), read[written.Format]);
        }
    }

    private static string Fingerprint(string folder) =>
        string.Join("\n", Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(folder, f) + " " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));
}
