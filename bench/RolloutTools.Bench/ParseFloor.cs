using System.Diagnostics;
using System.Text.Json;

namespace RolloutTools.Bench;

/// <summary>
/// The least any reader of these traces must do: read every byte and tokenize every JSON line (or document) with
/// <see cref="Utf8JsonReader"/>, files spread over all cores, nothing built. The module's readers are measured
/// against this floor. The usage floor tokenizes only the lines that can carry token counts (those holding "usage"
/// or "token_count", found by a vectorized byte search as ccusage does): the least a usage-only read must do. The
/// values floor parses every line into a <see cref="JsonDocument"/> and makes a string of every string value in it:
/// what reading the values costs over finding them, for a reader that keeps them as .NET strings.
/// </summary>
public static class ParseFloor
{
    /// <summary>
    /// The second of two passes: the first runs System.Text.Json's parser through its unoptimized and instrumented
    /// tiers, which cost a 250 MB pass more than the parsing itself (1.0 s against 0.27 s) and would flatter every
    /// ratio to this floor. The bench also starts this process without dynamic PGO, whose instrumented code could
    /// still run in the second pass.
    /// </summary>
    public static FloorResult Measure(string folder, FloorKind kind)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".jsonl", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
                && Path.GetFileName(f) != "manifest.json")
            .ToArray();
        Pass(files, kind);
        return Pass(files, kind);
    }

    private static FloorResult Pass(string[] files, FloorKind kind)
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
                var text = local.Buffer.AsMemory(0, length);
                local.Bytes += length;
                var (fileLines, fileTokens) = Tokenize(text, document: path.EndsWith(".json", StringComparison.Ordinal), kind);
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

    private static (long Lines, long Tokens) Tokenize(ReadOnlyMemory<byte> text, bool document, FloorKind kind)
    {
        long lines = 0, tokens = 0;
        while (!text.IsEmpty)
        {
            var end = document ? -1 : text.Span.IndexOf((byte)'\n');
            var line = end < 0 ? text : text[..end];
            text = end < 0 ? default : text[(end + 1)..];
            if (line.IsEmpty) continue;
            if (kind == FloorKind.Usage && line.Span.IndexOf("usage"u8) < 0 && line.Span.IndexOf("token_count"u8) < 0) continue;
            lines++;
            if (kind == FloorKind.Values)
            {
                using var parsed = JsonDocument.Parse(line);
                tokens += MakeStrings(parsed.RootElement);
                continue;
            }
            var reader = new Utf8JsonReader(line.Span);
            while (reader.Read()) tokens++;
        }
        return (lines, tokens);
    }

    /// <summary>Counts the values in <paramref name="element"/>, making a string of each string value.</summary>
    private static long MakeStrings(JsonElement element)
    {
        long values = 1;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject()) values += MakeStrings(property.Value);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) values += MakeStrings(item);
                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
        return values;
    }
}

public enum FloorKind { Tokens, Usage, Values }

public sealed record FloorResult(int Files, long Lines, long Bytes, long Tokens, double Seconds)
{
    public string ToJson() => JsonSerializer.Serialize(this);
}
