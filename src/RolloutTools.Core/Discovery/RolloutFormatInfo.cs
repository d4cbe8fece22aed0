using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Discovery;

/// <summary>What the module knows about one format on this machine: where its traces live and how many there are.</summary>
public sealed class RolloutFormatInfo
{
    private RolloutFormatInfo(IRolloutReader reader)
    {
        Format = reader.Format;
        SourceKind = reader.SourceKind;
        DefaultLocations = DisplayList<string>.OfNames(reader.DefaultLocations().ToArray());
        FilePatterns = DisplayList<string>.OfNames(reader.FilePatterns.ToArray());
        Present = DefaultLocations.Any(Directory.Exists);
        TraceFileCount = Present ? TraceFileFinder.FindInDefaultLocations(reader, new TraceSearch()).Files.Count : 0;
    }

    /// <summary>Named Format so that piping into Get-AgentRollout binds it to -Format.</summary>
    public RolloutFormat Format { get; }

    public string SourceKind { get; }

    public IReadOnlyList<string> DefaultLocations { get; }

    public IReadOnlyList<string> FilePatterns { get; }

    /// <summary>Whether any default location exists on this machine.</summary>
    public bool Present { get; }

    public int TraceFileCount { get; }

    public static RolloutFormatInfo Of(IRolloutReader reader) => new(reader);

    public override string ToString() => Format.ToString();
}
