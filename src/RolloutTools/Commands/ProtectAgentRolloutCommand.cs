using System.Management.Automation;
using RolloutTools.Core.Redaction;
using RolloutTools.Core.Model;

namespace RolloutTools.Commands;

/// <summary>
/// Returns a redacted copy of each record for sharing: keys, tokens, passwords, e-mail addresses and home
/// directory paths replaced by typed markers, with a count per kind in SourceMeta. Source files are never touched.
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
        if (InputObject is { } record && _redactor is { } redactor) WriteObject(redactor.Protect(record));
    }
}
