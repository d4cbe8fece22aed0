using System.Text.RegularExpressions;
using RolloutTools.Core.Model;

namespace RolloutTools.Core.Messages;

/// <summary>
/// Which messages a search keeps: kinds, roles and a pattern over the text. Without kinds, every kind but Context:
/// injected caveats and reminders repeat in every session and would drown a search for what people and models said.
/// </summary>
public sealed class MessageFilter
{
    private static readonly IReadOnlySet<MessageKind> AllButContext =
        Enum.GetValues<MessageKind>().Where(k => k != MessageKind.Context).ToHashSet();

    private readonly Regex? _regex;
    private readonly string? _plainText;

    /// <param name="pattern">A regular expression over the text, matched ignoring case (as PowerShell's -match); null keeps every text.</param>
    /// <param name="simpleMatch">The pattern is plain text, found anywhere in the text, ignoring case (as Select-String -SimpleMatch).</param>
    /// <exception cref="ArgumentException">The pattern is not a valid regular expression.</exception>
    public MessageFilter(IEnumerable<MessageKind>? kinds = null, IEnumerable<MessageRole>? roles = null, string? pattern = null, bool simpleMatch = false)
    {
        Kinds = kinds?.ToHashSet() ?? AllButContext;
        Roles = roles?.ToHashSet();
        if (pattern is null) return;
        if (simpleMatch) _plainText = pattern;
        else _regex = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    public IReadOnlySet<MessageKind> Kinds { get; }

    /// <summary>Null keeps every role.</summary>
    public IReadOnlySet<MessageRole>? Roles { get; }

    public bool Matches(RolloutMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Kinds.Contains(message.Kind)) return false;
        if (Roles is not null && !Roles.Contains(message.Role)) return false;
        if (_regex is null && _plainText is null) return true;
        var text = message.Text;
        return _plainText is not null ? text.Contains(_plainText, StringComparison.OrdinalIgnoreCase) : _regex!.IsMatch(text);
    }

    /// <summary>The messages of a record this filter keeps, each with its session.</summary>
    public IEnumerable<SessionMessage> Select(RolloutRecord record) => SessionMessage.Of(record).Where(m => Matches(m.Message));
}
