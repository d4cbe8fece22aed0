using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using RolloutTools.Core.Messages;

namespace RolloutTools.TypeData;

/// <summary>
/// The property adapter RolloutTools.Types.ps1xml sets for tool calls: their own properties through
/// <see cref="InvariantValueAdapter"/> (times as ISO text in a CSV), plus ArgumentsObject right after Arguments, the
/// arguments as PowerShell objects. Core keeps the JSON text and knows nothing of PowerShell, so the objects are made
/// here, on first access and once per call: a tool-usage report that never looks at the arguments parses none.
/// An ETS CodeProperty would do the same, but list ArgumentsObject first in Export-Csv's columns and in Get-Member.
/// </summary>
public sealed class ToolCallAdapter : PSPropertyAdapter
{
    private const string ArgumentsObject = nameof(ArgumentsObject);
    private static readonly object ArgumentsObjectTag = new();
    private static readonly ConditionalWeakTable<SessionToolCall, StrongBox<object?>> Parsed = new();
    private readonly InvariantValueAdapter _own = new();

    public override Collection<PSAdaptedProperty> GetProperties(object baseObject)
    {
        var properties = _own.GetProperties(baseObject);
        var arguments = properties.Select((p, i) => (p.Name, i)).First(p => p.Name == nameof(SessionToolCall.Arguments)).i;
        properties.Insert(arguments + 1, new PSAdaptedProperty(ArgumentsObject, ArgumentsObjectTag));
        return properties;
    }

    public override PSAdaptedProperty? GetProperty(object baseObject, string propertyName) =>
        string.Equals(propertyName, ArgumentsObject, StringComparison.OrdinalIgnoreCase)
            ? new PSAdaptedProperty(ArgumentsObject, ArgumentsObjectTag)
            : _own.GetProperty(baseObject, propertyName);

    public override bool IsGettable(PSAdaptedProperty adaptedProperty) => true;

    public override bool IsSettable(PSAdaptedProperty adaptedProperty) =>
        !IsArgumentsObject(adaptedProperty) && _own.IsSettable(adaptedProperty);

    public override object? GetPropertyValue(PSAdaptedProperty adaptedProperty) => IsArgumentsObject(adaptedProperty)
        ? Parsed.GetValue((SessionToolCall)adaptedProperty.BaseObject, call => new StrongBox<object?>(JsonObjects.Parse(call.Arguments))).Value
        : _own.GetPropertyValue(adaptedProperty);

    public override void SetPropertyValue(PSAdaptedProperty adaptedProperty, object value) => _own.SetPropertyValue(adaptedProperty, value);

    public override string GetPropertyTypeName(PSAdaptedProperty adaptedProperty) => IsArgumentsObject(adaptedProperty)
        ? "System.Management.Automation.PSObject"
        : _own.GetPropertyTypeName(adaptedProperty);

    private static bool IsArgumentsObject(PSAdaptedProperty adaptedProperty) => ReferenceEquals(adaptedProperty.Tag, ArgumentsObjectTag);
}
