using System.Management.Automation;
using RolloutTools.Completion;
using RolloutTools.Core.Messages;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Commands;

/// <summary>Writes the messages of records, each carrying its session, filtered by kind, role and text.</summary>
[Cmdlet(VerbsCommon.Get, "RolloutMessage", DefaultParameterSetName = LiteralPathSet)]
[OutputType(typeof(SessionMessage))]
public sealed class GetRolloutMessageCommand : RecordInputCommandBase
{
    private MessageFilter _filter = new();

    /// <summary>Kinds to keep (wildcards: * for every kind); without it, every kind but Context.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MessageKindCompleter))]
    public string[]? Kind { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public MessageRole[]? Role { get; set; }

    /// <summary>A regular expression the text must match, ignoring case as -match does.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Pattern { get; set; }

    /// <summary>Takes -Pattern as plain text, as Select-String -SimpleMatch.</summary>
    [Parameter]
    public SwitchParameter SimpleMatch { get; set; }

    /// <summary>Reads the branches a person left by rewinding or editing a prompt too; their messages are marked IsAbandoned.</summary>
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PathSet)]
    public SwitchParameter IncludeAbandoned { get; set; }

    protected override ReadOptions ReadOptions => new() { IncludeAbandoned = IncludeAbandoned };

    protected override void BeginProcessing()
    {
        try
        {
            _filter = new MessageFilter(Kinds(), Role, Pattern, SimpleMatch);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "RolloutInvalidPattern", ErrorCategory.InvalidArgument, Pattern));
        }
    }

    protected override void WriteRecord(RolloutRecord record)
    {
        foreach (var message in _filter.Select(record)) WriteObject(message);
    }

    /// <summary>The kinds the -Kind patterns name; a pattern that names none is a mistake, not an empty search.</summary>
    private IEnumerable<MessageKind>? Kinds()
    {
        if (Kind is null) return null;
        var kinds = new HashSet<MessageKind>();
        foreach (var name in Kind)
        {
            var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            var named = Enum.GetValues<MessageKind>().Where(k => pattern.IsMatch(k.ToString())).ToList();
            if (named.Count == 0)
            {
                var e = new ArgumentException($"'{name}' names no message kind. Kinds: {string.Join(", ", Enum.GetNames<MessageKind>())}.");
                ThrowTerminatingError(new ErrorRecord(e, "RolloutInvalidKind", ErrorCategory.InvalidArgument, name));
            }
            kinds.UnionWith(named);
        }
        return kinds;
    }
}
