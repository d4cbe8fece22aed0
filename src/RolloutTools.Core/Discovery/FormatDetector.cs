using RolloutTools.Core.Formats;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Discovery;

/// <summary>Tells a trace's format from its first few kilobytes.</summary>
public static class FormatDetector
{
    private const int HeadSize = 8 * 1024;

    /// <summary>
    /// The first format that recognises the content; or, when the content does not even start as a JSON
    /// object (empty, damaged), the first whose file names the file's matches, so its reader can report
    /// what is wrong with it. Null when neither decides.
    /// </summary>
    public static IRolloutReader? Detect(TraceSource source, IReadOnlyList<IRolloutReader> readers)
    {
        var head = new byte[HeadSize];
        int length;
        using (var stream = source.Open())
        {
            length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        return JsonHead.Read(head.AsSpan(0, length)) is { } shape
            ? readers.FirstOrDefault(r => r.Recognizes(shape))
            : readers.FirstOrDefault(r => source.IsFile && r.IsTraceFile(source.DisplayPath));
    }
}
