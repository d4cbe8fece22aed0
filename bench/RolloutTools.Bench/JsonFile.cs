using System.Text.Encodings.Web;
using System.Text.Json;

namespace RolloutTools.Bench;

/// <summary>
/// One file of the corpus, written through one <see cref="Utf8JsonWriter"/>: either JSON lines (<see cref="EndLine"/>
/// after each object) or a single indented document. Non-ASCII text stays as UTF-8, as the agents write it.
/// </summary>
public sealed class JsonFile : IDisposable
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    private readonly FileStream _stream;
    private readonly FormatTally _tally;

    public JsonFile(string path, FormatTally tally, bool indented = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _tally = tally;
        W = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = Encoder, Indented = indented });
    }

    public Utf8JsonWriter W { get; }

    public void EndLine()
    {
        W.Flush();
        _stream.WriteByte((byte)'\n');
        W.Reset(_stream);
        _tally.Lines++;
    }

    public void Dispose()
    {
        W.Flush();
        _tally.Bytes += _stream.Length;
        _tally.Files++;
        W.Dispose();
        _stream.Dispose();
    }
}

/// <summary>What one format's writer put on disk, and what a reader of it should find.</summary>
public sealed class FormatTally(string format)
{
    public string Format { get; } = format;
    public long Files { get; set; }
    public long Lines { get; set; }
    public long Bytes { get; set; }
    public long Records { get; set; }
    public long Messages { get; set; }
    public long ToolCalls { get; set; }
    public long OutputTokens { get; set; }
}

/// <summary>A session's clock: each event a few seconds after the one before, written as the agents write time.</summary>
public sealed class Clock(DateTimeOffset start)
{
    public DateTimeOffset Now { get; private set; } = start;

    public string Tick(Random rng, int maxSeconds = 6)
    {
        Now = Now.AddMilliseconds(50 + rng.Next(maxSeconds * 1000));
        return Iso;
    }

    public string Iso => Now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public long EpochMilliseconds => Now.ToUnixTimeMilliseconds();
}
