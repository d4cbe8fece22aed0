using RolloutTools.Core.Formats;
using RolloutTools.Core.Json;

namespace RolloutTools.Core.Discovery;

/// <summary>Tells a trace's format from its first few kilobytes.</summary>
public static class FormatDetector
{
    private const int HeadSize = 8 * 1024;

    /// <summary>
    /// The first format that recognises the content, or null when none does. IsJson is false when the
    /// content does not even start as a JSON object (empty, damaged): then the file's name has to decide.
    /// </summary>
    public static (IRolloutReader? Reader, bool IsJson) Detect(TraceSource source, IReadOnlyList<IRolloutReader> readers)
    {
        var head = new byte[HeadSize];
        int length;
        using (var stream = source.Open())
        {
            length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        return JsonHead.Read(head.AsSpan(0, length)) is { } shape
            ? (readers.FirstOrDefault(r => r.Recognizes(shape)), true)
            : (null, false);
    }
}
