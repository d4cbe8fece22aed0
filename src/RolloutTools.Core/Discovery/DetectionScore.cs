namespace RolloutTools.Core.Discovery;

/// <summary>The scale on which formats say how sure they are that a line is theirs.</summary>
public static class DetectionScore
{
    /// <summary>Not this format's.</summary>
    public const int None = 0;

    /// <summary>A shape this format writes, which another program might write too (a bare "session" key).</summary>
    public const int Weak = 25;

    /// <summary>This format's usual shape.</summary>
    public const int Likely = 60;

    /// <summary>Fields only this format writes together.</summary>
    public const int Certain = 100;
}
