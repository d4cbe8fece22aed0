using System.Management.Automation;
using RolloutTools.Core.Messages;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Commands;

/// <summary>Writes the tool calls of records, each paired with its result.</summary>
[Cmdlet(VerbsCommon.Get, "RolloutToolCall", DefaultParameterSetName = LiteralPathSet)]
[OutputType(typeof(SessionToolCall))]
public sealed class GetRolloutToolCallCommand : RecordInputCommandBase
{
    private WildcardPattern[]? _names;

    /// <summary>Only calls of tools with these names (wildcards, ignoring case).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void BeginProcessing()
    {
        _names = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
    }

    /// <summary>Reads the branches a person left by rewinding or editing a prompt too; their messages are marked IsAbandoned.</summary>
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PathSet)]
    public SwitchParameter IncludeAbandoned { get; set; }

    protected override ReadOptions ReadOptions => new() { IncludeAbandoned = IncludeAbandoned };

    protected override void WriteRecord(RolloutRecord record)
    {
        foreach (var call in ToolCallPairing.Pair(record))
        {
            if (_names is null || _names.Any(n => n.IsMatch(call.Name))) WriteObject(call);
        }
    }
}
