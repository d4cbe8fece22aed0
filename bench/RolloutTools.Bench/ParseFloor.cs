using System.Diagnostics;
using System.Text.Json;

namespace RolloutTools.Bench;

/// <summary>
/// The least any reader of these traces must do: read every byte and tokenize every JSON line (or document) with
/// <see cref="Utf8JsonReader"/>, files spread over all cores, nothing built. The module's readers are measured
/// against this floor. The usage floor tokenizes only the lines that can carry token counts (those holding "usage"
/// or "token_count", found by a vectorized byte search as ccusage does): the least a usage-only read must do.
/// </summary>
public static class ParseFloor
{
    /// <summary>
    /// The second of two passes: the first runs System.Text.Json's parser through its unoptimized and instrumented
    /// tiers, which cost a 250 MB pass more than the parsing itself (1.0 s against 0.27 s) and would flatter every
    /// ratio to this floor. The bench also starts this process without dynamic PGO, whose instrumented code could
    /// still run in the second pass.
    /// </summary>
    public static FloorResult Measure(string folder, bool usageOnly = false)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".jsonl", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
                && Path.GetFileName(f) != "manifest.json")
            .ToArray();
        Pass(files, usageOnly);
        return Pass(files, usageOnly);
    }

    private static FloorResult Pass(string[] files, bool usageOnly)
    {
        var watch = Stopwatch.StartNew();
        long lines = 0, bytes = 0, tokens = 0;
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => (Buffer: new byte[1 << 20], Lines: 0L, Bytes: 0L, Tokens: 0L),
            (path, _, local) =>
            {
                using var handle = File.OpenHandle(path);
                var length = (int)RandomAccess.GetLength(handle);
                if (local.Buffer.Length < length) local.Buffer = new byte[Math.Max(length, local.Buffer.Length * 2)];
                var read = 0;
                while (read < length) read += RandomAccess.Read(handle, local.Buffer.AsSpan(read, length - read), read);
                var text = local.Buffer.AsSpan(0, length);
                local.Bytes += length;
                var (fileLines, fileTokens) = Tokenize(text, document: path.EndsWith(".json", StringComparison.Ordinal), usageOnly);
                local.Lines += fileLines;
                local.Tokens += fileTokens;
                return local;
            },
            local =>
            {
                Interlocked.Add(ref lines, local.Lines);
                Interlocked.Add(ref bytes, local.Bytes);
                Interlocked.Add(ref tokens, local.Tokens);
            });
        return new FloorResult(files.Length, lines, bytes, tokens, watch.Elapsed.TotalSeconds);
    }

    private static (long Lines, long Tokens) Tokenize(ReadOnlySpan<byte> text, bool document, bool usageOnly)
    {
        long lines = 0, tokens = 0;
        while (!text.IsEmpty)
        {
            var end = document ? -1 : text.IndexOf((byte)'\n');
            var line = end < 0 ? text : text[..end];
            text = end < 0 ? default : text[(end + 1)..];
            if (line.IsEmpty) continue;
            if (usageOnly && line.IndexOf("usage"u8) < 0 && line.IndexOf("token_count"u8) < 0) continue;
            var reader = new Utf8JsonReader(line);
            while (reader.Read()) tokens++;
            lines++;
        }
        return (lines, tokens);
    }
}

public sealed record FloorResult(int Files, long Lines, long Bytes, long Tokens, double Seconds)
{
    public string ToJson() => JsonSerializer.Serialize(this);
}
