using System.Collections.ObjectModel;

namespace RolloutTools.Core.Model;

/// <summary>
/// A read-only list whose ToString reads well in one cell: Export-Csv and table views call ToString on
/// property values, and a bare array would print its type name.
/// </summary>
public sealed class DisplayList<T> : ReadOnlyCollection<T>
{
    private readonly Func<IReadOnlyList<T>, string> _describe;

    public DisplayList(IList<T> items, Func<IReadOnlyList<T>, string> describe)
        : base(items)
    {
        _describe = describe;
    }

    public override string ToString() => _describe(this);

    internal static DisplayList<string> OfNames(IList<string> names) => new(names, n => string.Join(", ", n));

    internal static DisplayList<RolloutMessage> OfMessages(IList<RolloutMessage> messages) =>
        new(messages, m => m.Count == 1 ? "1 message" : $"{m.Count} messages");
}
