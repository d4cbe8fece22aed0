using System.Management.Automation;
using System.Text;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Commands;

/// <summary>
/// Converts piped input into records: files (FileInfo objects or paths) each become a record, and JSONL
/// text lines (Get-Content) together become one record when the input ends.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "RolloutRecord")]
[OutputType(typeof(RolloutRecord))]
public sealed class ConvertToRolloutRecordCommand : RolloutCommandBase
{
    private readonly MemoryStream _lines = new();
    private string? _linesSource;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    [Parameter]
    public RolloutFormat? Format { get; set; }

    /// <summary>Keeps the branches a person left by rewinding or editing a prompt, marked IsAbandoned.</summary>
    [Parameter]
    public SwitchParameter IncludeAbandoned { get; set; }

    /// <summary>A session kept as a tree (Pi) gives one record per branch, each with TraceId "session:leaf", instead of its active path only.</summary>
    [Parameter]
    public SwitchParameter AllBranches { get; set; }

    /// <summary>Reads an ATIF trajectory and its continuation files (trajectory.cont-N.json) as one record.</summary>
    [Parameter]
    public SwitchParameter StitchContinuations { get; set; }

    protected override void ProcessRecord()
    {
        var formats = Format is { } format ? new[] { format } : null;
        switch (InputObject?.BaseObject)
        {
            case null:
                break;
            case FileSystemInfo item:
                QueuePath(item.FullName, formats);
                break;
            case string text when _lines.Length > 0 || LooksLikeJson(text):
                // Once JSON text has begun, every string is one of its lines, even a damaged one.
                AddLine(text);
                break;
            case string path:
                foreach (var resolved in ResolvePath(path)) QueuePath(resolved, formats);
                break;
            default:
                WriteError(new ErrorRecord(
                    new ArgumentException($"Cannot convert a {InputObject.BaseObject.GetType().Name}: pipe files, paths or JSONL text lines."),
                    "RolloutInvalidInput", ErrorCategory.InvalidArgument, InputObject));
                break;
        }
    }

    protected override void EndProcessing()
    {
        ReadQueued(new ReadRequest
        {
            Texts = _lines.Length > 0 ? new[] { new ReadText(_linesSource ?? "<pipeline>", _lines.ToArray(), Format) } : Array.Empty<ReadText>(),
            Force = true,
            Options = new ReadOptions { IncludeAbandoned = IncludeAbandoned, AllBranches = AllBranches, StitchContinuations = StitchContinuations },
        });
    }

    /// <summary>
    /// JSON text starts with a brace, a bracket or a quote (the lines of a pretty-printed document too);
    /// blank lines belong to the text. Paths never start so.
    /// </summary>
    private static bool LooksLikeJson(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        return trimmed.IsEmpty || trimmed[0] is '{' or '[' or '}' or ']' or '"';
    }

    private void AddLine(string text)
    {
        // Get-Content tags each line with the file it came from; errors then name that file.
        if (_linesSource is null && InputObject!.Properties["PSPath"]?.Value is string psPath)
        {
            _linesSource = SessionState.Path.GetUnresolvedProviderPathFromPSPath(psPath);
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        _lines.Write(bytes);
        _lines.WriteByte((byte)'\n');
    }
}
