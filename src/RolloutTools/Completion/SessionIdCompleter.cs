using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using RolloutTools.Core.Discovery;
using RolloutTools.Core.Formats;
using RolloutTools.Core.Model;
using RolloutTools.Core.Reading;

namespace RolloutTools.Completion;

/// <summary>
/// Completes -Id with the sessions (and subagents) in the default locations of the formats bound to -Format
/// (of all, when none), newest first, from file names alone: no file is opened. What is typed may begin the id or its
/// short form, the eight characters the table shows.
/// </summary>
public sealed class SessionIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = wordToComplete.Trim('\'', '"').TrimEnd('*');
        return SessionNames.InDefaultLocations(Readers(fakeBoundParameters))
            .SelectMany(session => Candidates(session))
            .Where(c => c.Id.StartsWith(typed, StringComparison.OrdinalIgnoreCase) || ShortId.Of(c.Id).StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .DistinctBy(c => c.Id, StringComparer.OrdinalIgnoreCase)
            .Select(c => new CompletionResult(c.Id, c.Id, CompletionResultType.ParameterValue, c.Tip));
    }

    /// <summary>A subagent's file offers its agent id, as the table shows it; any other file its TraceId.</summary>
    private static IEnumerable<(string Id, string Tip)> Candidates(NamedSession session)
    {
        if (session.Ids.AgentId is { } agent) yield return (agent, $"{session.Format} subagent {session.Ids.TraceId}: {session.Path}");
        else yield return (session.Ids.TraceId, $"{session.Format}: {session.Path}");
    }

    private static IEnumerable<IRolloutReader> Readers(IDictionary bound)
    {
        // A -Format still being typed does not convert: complete over every format then.
        return bound["Format"] is { } value && LanguagePrimitives.TryConvertTo(value, out RolloutFormat[] formats) && formats.Length > 0
            ? formats.Distinct().Select(FormatRegistry.Default.Get)
            : FormatRegistry.Default.All;
    }
}
