using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Discovery;

/// <summary>What the module knows about one format on this machine: where its sessions live and how many there are.</summary>
public sealed class RolloutFormatInfo
{
    private RolloutFormatInfo(IRolloutReader reader)
    {
        Format = reader.Format;
        SourceKind = reader.SourceKind;
        DefaultLocations = DisplayList<string>.OfNames(reader.DefaultLocations().ToArray());
        FilePatterns = DisplayList<string>.OfNames(reader.FilePatterns.ToArray());
        Present = DefaultLocations.Any(Directory.Exists);
        SessionCount = Present ? SessionLocator.InDefaultLocations(reader, new TraceSearch()).Sessions.Count : 0;
    }

    /// <summary>Named Format so that piping into Get-AgentRollout binds it to -Format.</summary>
    public RolloutFormat Format { get; }

    public string SourceKind { get; }

    public IReadOnlyList<string> DefaultLocations { get; }

    public IReadOnlyList<string> FilePatterns { get; }

    /// <summary>Whether any default location exists on this machine.</summary>
    public bool Present { get; }

    /// <summary>How many sessions the default locations hold, as Get-AgentRollout would read them (each subagent file, each database row).</summary>
    public int SessionCount { get; }

    public static RolloutFormatInfo Of(IRolloutReader reader) => new(reader);

    public override string ToString() => Format.ToString();
}
