namespace RolloutTools.Core.Export;

/// <summary>The formats a transcript is rendered in.</summary>
public enum TranscriptFormat
{
    /// <summary>CommonMark with &lt;details&gt; blocks for the collapsed parts (GitHub renders them).</summary>
    Markdown,
    /// <summary>One self-contained HTML page: inline style, no script, nothing loaded from elsewhere.</summary>
    Html,
}
