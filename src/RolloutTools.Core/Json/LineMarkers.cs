using System.Text;

namespace RolloutTools.Core.Json;

/// <summary>
/// Byte strings of which a line must hold one to be worth parsing. A read that needs only some lines of a trace (the
/// usage report needs the lines that carry token counts) passes over the rest with a vectorized search instead of
/// tokenizing them, which is most of the cost of a read.
/// </summary>
public sealed class LineMarkers
{
    private readonly byte[][] _markers;

    public LineMarkers(params string[] markers)
    {
        if (markers.Length == 0) throw new ArgumentException("at least one marker is needed", nameof(markers));
        _markers = markers.Select(Encoding.UTF8.GetBytes).ToArray();
    }

    public bool AnyIn(ReadOnlySpan<byte> line)
    {
        foreach (var marker in _markers)
        {
            if (line.IndexOf(marker) >= 0) return true;
        }
        return false;
    }
}
