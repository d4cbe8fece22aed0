using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using RolloutTools.Core.Model;

namespace RolloutTools.Completion;

/// <summary>Completes -Kind with the message kinds; the parameter takes wildcards, so it is text, not the enum.</summary>
public sealed class MessageKindCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = wordToComplete.Trim('\'', '"');
        var pattern = WildcardPattern.Get(typed.EndsWith('*') ? typed : typed + "*", WildcardOptions.IgnoreCase);
        return Enum.GetNames<MessageKind>()
            .Where(pattern.IsMatch)
            .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, name));
    }
}
