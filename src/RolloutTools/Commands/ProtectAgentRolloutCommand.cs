using System.Management.Automation;
using RolloutTools.Core.Export;
using RolloutTools.Core.Model;
using RolloutTools.Core.Redaction;

namespace RolloutTools.Commands;

/// <summary>
/// Returns a redacted copy of each record for sharing: keys, tokens, passwords, e-mail addresses and home
/// directory paths replaced by typed markers, with a count per kind in SourceMeta; with -NeutralizeFormulas also
/// safe to open as CSV in a spreadsheet. Source files are never touched.
/// </summary>
[Cmdlet(VerbsSecurity.Protect, "AgentRollout")]
[OutputType(typeof(RolloutRecord))]
public sealed class ProtectAgentRolloutCommand : PSCmdlet
{
    private Redactor? _redactor;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public RolloutRecord? InputObject { get; set; }

    /// <summary>More regular expressions whose matches are redacted as [REDACTED:custom].</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? Pattern { get; set; }

    /// <summary>Also prefix with ' every text that a spreadsheet would read as a formula when the record is
    /// exported with Export-Csv (CSV injection).</summary>
    [Parameter]
    public SwitchParameter NeutralizeFormulas { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            _redactor = new Redactor(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), Pattern);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "RolloutInvalidPattern", ErrorCategory.InvalidArgument, Pattern));
        }
    }

    protected override void ProcessRecord()
    {
        if (InputObject is not { } record || _redactor is not { } redactor) return;
        var safe = redactor.Protect(record);
        WriteObject(NeutralizeFormulas ? SpreadsheetCells.Neutralize(safe) : safe);
    }
}
