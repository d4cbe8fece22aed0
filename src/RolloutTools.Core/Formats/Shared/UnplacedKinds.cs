using RolloutTools.Core.Reading;

namespace RolloutTools.Core.Formats.Shared;

/// <summary>
/// What a reader met but cannot place (an entry, a block, a bubble of a kind it does not know): counted by kind, and
/// told once per kind where it was first met, so one odd kind in a long session is one warning and a count in
/// SourceMeta, not a warning a line.
/// </summary>
internal sealed class UnplacedKinds
{
    private readonly DiagnosticList _diagnostics;
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public UnplacedKinds(DiagnosticList diagnostics)
    {
        _diagnostics = diagnostics;
    }

    /// <summary>How often each kind was met.</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts;

    /// <summary>Counts the kind; the first time it is met, warns with the message given (the line, where known).</summary>
    public void Add(string kind, int? line, string message)
    {
        if (_counts.TryAdd(kind, 1)) _diagnostics.Warn(RolloutDiagnostic.ParseError, line, message);
        else _counts[kind]++;
    }
}
