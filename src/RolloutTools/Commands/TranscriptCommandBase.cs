using System.Management.Automation;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;

namespace RolloutTools.Commands;

/// <summary>The parameters the transcript cmdlets that write either format take.</summary>
public abstract class TranscriptCommandBase : TranscriptOptionsCommandBase
{
    [Parameter]
    public TranscriptFormat As { get; set; } = TranscriptFormat.Markdown;
}

/// <summary>The parameters every transcript cmdlet takes, and the options they make.</summary>
public abstract class TranscriptOptionsCommandBase : PSCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public RolloutRecord? InputObject { get; set; }

    /// <summary>Tool results longer than this are trimmed, their full length noted; 0 keeps them whole.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxToolOutputLength { get; set; } = TranscriptOptions.Default.MaxToolOutputLength;

    [Parameter]
    public SwitchParameter ExcludeReasoning { get; set; }

    [Parameter]
    public SwitchParameter ExcludeContext { get; set; }

    protected TranscriptOptions Options => new()
    {
        MaxToolOutputLength = MaxToolOutputLength,
        IncludeReasoning = !ExcludeReasoning,
        IncludeContext = !ExcludeContext,
    };
}
