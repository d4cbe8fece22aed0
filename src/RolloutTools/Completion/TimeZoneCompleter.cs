using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace RolloutTools.Completion;

/// <summary>Completes -TimeZone with the system's time zone ids (Europe/Berlin, or Windows' W. Europe Standard Time).</summary>
public sealed class TimeZoneCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = wordToComplete.Trim('\'', '"');
        return TimeZoneInfo.GetSystemTimeZones()
            .Where(zone => zone.Id.Contains(typed, StringComparison.OrdinalIgnoreCase))
            .OrderBy(zone => zone.Id, StringComparer.OrdinalIgnoreCase)
            .Select(zone => new CompletionResult(zone.Id.Contains(' ') ? $"'{zone.Id}'" : zone.Id, zone.Id, CompletionResultType.ParameterValue, zone.DisplayName));
    }
}

/// <summary>Takes a time zone id (IANA or Windows) where a TimeZoneInfo is expected.</summary>
public sealed class TimeZoneTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is not string id) return inputData;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentTransformationMetadataException($"'{id}' is not a time zone this system knows; Get-TimeZone -ListAvailable lists them.", e);
        }
    }
}
