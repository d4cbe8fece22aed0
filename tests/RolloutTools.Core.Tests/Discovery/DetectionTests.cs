using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Json;
using RolloutTools.Core.Model;
using RolloutTools.Core.Tests.Formats;

namespace RolloutTools.Core.Tests.Discovery;

/// <summary>Every sample file, scored by every format: a trace has exactly one most confident format, its own; a sidecar file has none.</summary>
public sealed class DetectionTests
{
    public static TheoryData<string> SampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(SampleFolder.Root(), "*.json*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(SampleFolder.Root(), file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Each_sample_has_one_most_confident_format_or_none_for_a_sidecar_file(string sample)
    {
        var path = Path.Combine(SampleFolder.Root(), sample);
        var isSidecar = FormatRegistry.Default.IsSidecarFile(path) || !FormatRegistry.Default.All.Any(r => r.IsTraceFile(path));
        var lines = Heads(File.ReadAllBytes(path)).ToArray();

        // The line detection decides on: the first one any format scores.
        var scores = lines
            .Select(line => FormatRegistry.Default.All.Select(r => (r.Format, Score: r.Score(line))).Where(s => s.Score > DetectionScore.None).ToArray())
            .FirstOrDefault(s => s.Length > 0) ?? Array.Empty<(RolloutFormat, int)>();

        if (isSidecar)
        {
            Assert.Empty(scores);
            return;
        }
        if (lines.Length == 0)
        {
            // A document whose root is an array (Cline's API history) shows detection no line: its name alone
            // claims it, so exactly one format may take that name.
            var owner = Assert.Single(FormatRegistry.Default.All, r => r.IsTraceFile(path));
            Assert.Equal(SampleFolder.Formats[sample.Split('/', '\\')[0]], owner.Format);
            return;
        }
        if (scores.Length == 0)
        {
            // Plain chat rows (Mistral Vibe 1.x's, moved into a 2.0 session folder) are no format's to tell: the file's
            // name and place decide, as detection lets them for content no format recognises.
            Assert.Equal(SampleFolder.Formats[sample.Split('/', '\\')[0]], TraceFileFinder.Claim(path, FormatRegistry.Default.All, strict: true)?.Format);
            return;
        }
        var best = scores.Max(s => s.Score);
        var winner = Assert.Single(scores, s => s.Score == best);
        Assert.Equal(SampleFolder.Formats[sample.Split('/', '\\')[0]], winner.Format);
    }

    /// <summary>
    /// Each line's head, as detection sees it: the shape of the JSON object that starts there. An indented line
    /// past the first is inside a pretty-printed document (an OpenHands trajectory's events), which detection passes over.
    /// </summary>
    private static IEnumerable<JsonHead> Heads(byte[] file)
    {
        var text = file.AsMemory();
        var first = true;
        while (!text.IsEmpty)
        {
            // Past the first line, an indented object is nested in a pretty-printed document, as FormatDetector sees it.
            var nested = !first && text.Span[0] is (byte)' ' or (byte)'\t';
            if (!nested && JsonHead.Read(text.Span) is { } head) yield return head;
            first = false;
            var end = text.Span.IndexOf((byte)'\n');
            if (end < 0) yield break;
            text = text[(end + 1)..];
        }
    }

    [Fact]
    public void Objects_nested_in_a_pretty_printed_document_are_not_taken_for_trace_lines()
    {
        // Another program's document (a chat export, a request dump) holding messages shaped like trace lines.
        var document = """
            {
              "export": "chat",
              "messages": [
                {"role": "user", "content": "hi", "timestamp": "2026-03-10T14:00:00"},
                {"type": "user", "uuid": "u1", "sessionId": "s1", "parentUuid": null, "message": {"role": "user", "content": "hi"}}
              ]
            }
            """;
        var source = TraceSource.FromBytes("export.json", System.Text.Encoding.UTF8.GetBytes(document));

        Assert.Null(FormatDetector.Detect(source, FormatRegistry.Default.All).Reader);
    }
}
